"""Fig. 2's figure marks where the noise phase ends and the data start, and a panel row whose
experiment did not run is a note saying what was not run and why, not empty axes."""
import numpy as np

from minifa.experiments.common import settings
from minifa.figures import fig2 as f2


def texts(fig):
    return [t.get_text() for a in fig.axes for t in a.texts]


def test_app_b_not_run_at_lab_size_is_a_note_not_empty_axes():
    cfg = settings("fig2", "lab")
    fig = f2.appB({"notes": []}, cfg)                                   # lab: Fig. 2 only
    assert not any(a.axison for a in fig.axes)
    notes = texts(fig)
    assert len(notes) == 2 and all("not run" in t and "--paper runs it" in t for t in notes), notes
    assert "App. B.3 (784-100-100-10 on MNIST)" in notes[0] and "'lab' size runs Fig. 2 only" in notes[0]


def test_app_b_without_its_data_names_the_fetch():
    fig = f2.appB({"App. B.3": None, "App. B.4-B.6": None}, settings("fig2", "paper"))
    notes = texts(fig)
    assert "python data_fetch.py mnist" in notes[0] and "python data_fetch.py cifar10" in notes[1], notes


def test_the_phase_boundary_is_marked_where_the_data_start():
    def rec(x):
        return {"x": np.asarray(x, float), "angle": np.full((len(x), 1, 3), 80.0)}   # (T, layers, K)
    r = {"noise": rec([0, 10_000, 20_000, 30_000]), "FA w/o": rec([0, 5_000]), "FA w/": rec([0, 5_000])}
    fig, ax = f2.figure(1, 1)
    f2.through(ax[0, 0], r, "angle", 0, "angle")
    a = ax[0, 0]
    assert [t.get_text() for t in a.texts] == ["noise phase (FA w/ only)"]
    marks = [ln for ln in a.lines if ln.get_label().startswith("data start")]
    assert len(marks) == 1 and np.allclose(marks[0].get_xdata(), 30.0)    # 30k noise examples, then data
    data = [ln for ln in a.lines if ln.get_label().endswith("(data)")]
    assert len(data) == 2 and all(ln.get_xdata()[0] == 30.0 for ln in data)


def test_fig4_without_mnist_notes_what_did_not_run():
    from minifa.figures import fig4
    fig = fig4.draw({"accuracy": {}, "noise_curve": {"examples": [0, 64], "angle": [90.0, 89.0]}},
                    settings("fig4", "quick"))[""]
    assert [a.axison for a in fig.axes] == [True, False, False]           # Algorithm 1's curve, then the note
    assert any("Fig. 4" in t and "not run" in t and "data_fetch.py mnist" in t for t in texts(fig))


def test_fig3_without_mnist_notes_the_sweeps_not_run(tmp_path):
    """05 --quick with no data anywhere: the weights' panels drawn, the sweeps' a note (not empty axes)."""
    import json
    import os
    import subprocess
    import sys
    from minifa.figures import fig3
    env = {**os.environ, "MINIFA_MIRROR": str(tmp_path / "none"), "MINIFA_DATA": str(tmp_path / "none"),
           "MINIFA_DEVICE": "cpu", "MINIFA_QUIET": "1"}
    subprocess.run([sys.executable, "-m", "minifa.experiments", "05", "--quick", "--out", str(tmp_path)], env=env,
                   capture_output=True, timeout=300, check=True)
    numbers = json.loads((tmp_path / "05_pre_regularization.json").read_text())
    assert "sweep" not in numbers
    fig = fig3.draw(numbers, settings("fig3", "quick"))[""]
    assert [a.axison for a in fig.axes[5:12]] == [False] * 7
    assert any("Fig. 3e-h" in t and "not run" in t and "data_fetch.py mnist" in t for t in texts(fig))
