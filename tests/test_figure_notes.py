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
