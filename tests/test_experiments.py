"""minifa.experiments: every experiment is a library function with its settings in one place,
and the package works without the checkout (a non-editable install, any working directory)."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from minifa.experiments import REGISTRY, get
from minifa.experiments.common import changes, settings
from minifa.settings import EXPERIMENTS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.mark.parametrize("num", list(REGISTRY))
def test_each_experiment_is_a_module_with_run_claims_and_a_figure(num):
    exp = get(num)
    assert exp.NUM == num and exp.NAME == REGISTRY[num] and exp.STEM.startswith(num + "_")
    assert callable(exp.run) and callable(exp.claims) and exp.NAME in EXPERIMENTS
    assert set(exp.SIZES) == {"paper", "lab", "quick"}
    assert exp.SIZES["quick"].size == "quick" and exp.SIZES["paper"].name == exp.NAME
    tutorial = os.path.join(ROOT, "tutorials", exp.STEM + ".py")
    title = open(tutorial).read().split("\n")[1]    # its first cell, markdown: "# # Tutorial N: ..."
    assert title == f"# # {exp.TITLE.rstrip('.')}"   # the tutorial narrates this experiment
    __import__(f"minifa.figures.{exp.NAME}")


def test_settings_by_size_with_clear_errors():
    quick = settings("fig2", "quick")
    assert quick.nets == 2 and quick.epochs == 2 and quick.seed == 0 and quick.init == "he"
    paper = settings("fig2")
    assert paper.appB_nets == 10 and paper.appB_bp and paper.appB_order   # the paper's whole protocol
    assert changes(paper) is None and all(changes(settings(name)) is None for name in EXPERIMENTS)
    with pytest.raises(ValueError, match="size must be one of paper, lab, quick"):
        settings("fig2", "full")                                  # no budget cut: no second paper size
    assert changes(settings("fig2", "paper", nets=3)).startswith("command-line flag")
    assert quick.replace(nets=3).nets == 3 and quick.nets == 2
    with pytest.raises(ValueError, match="no experiment 'fig9'"):
        settings("fig9")
    with pytest.raises(ValueError, match="size must be one of"):
        settings("fig2", "huge")
    with pytest.raises(TypeError, match="fig2 has no setting netz"):
        settings("fig2", "quick", netz=3)
    with pytest.raises(TypeError, match="no setting netz"):
        quick.replace(netz=3)
    with pytest.raises(ValueError, match="no experiment '99'"):
        get("99")


def test_run_returns_numbers_without_drawing_or_writing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    from minifa.experiments import alignment
    numbers = alignment.run(alignment.SIZES["quick"].replace(n_noise=2_000))
    assert numbers["before"].shape == (100,) and len(numbers["after_noise"]) == len(alignment.NOISES) == 8
    assert os.listdir(tmp_path) == []                                # no file written
    claims = alignment.claims(numbers, alignment.SIZES["quick"])
    assert [c["id"] for c in claims][:2] == ["fig1e_untrained_vs_90", "fig1e_untrained_vs_trained"]


def test_the_package_runs_from_a_non_editable_install_in_an_empty_folder(tmp_path):
    """pip install . (a built wheel, not the checkout) into a folder of its own; then from an
    empty working directory the reproduction runs its experiments from that copy."""
    site = tmp_path / "site"
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), ROOT],
                       capture_output=True, text=True, timeout=600)
    if r.returncode and "Could not" in r.stderr + r.stdout:
        pytest.skip(f"pip could not build the package here: {r.stderr[-300:]}")
    assert r.returncode == 0, r.stderr[-2000:]
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "MINIFA_DEVICE": "cpu", "MINIFA_QUIET": "1"}
    where = subprocess.run([sys.executable, "-c", "import minifa; print(minifa.__file__)"], capture_output=True,
                           text=True, env=env, cwd=empty).stdout
    assert where.startswith(str(site)), where           # the installed copy, not the checkout
    r = subprocess.run([sys.executable, "-m", "minifa.reproduce", "--quick", "--only", "01,03", "--out", "X"],
                       capture_output=True, text=True, env=env, cwd=empty, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "01 01_equations: ok" in r.stdout and "03 03_alignment: ok" in r.stdout
    report = (empty / "X" / "REPORT.md").read_text()          # a partial run never writes REPRODUCTION.md
    numbers = json.loads((empty / "X" / "03_alignment.json").read_text())
    assert numbers["size"] == "quick" and numbers["claims"]
    for c in numbers["claims"]:                                # every claim of 03 has its row
        assert f"| 03 | {c['id']} |" in report
    assert "| 01 01_equations | ok |" in report and "![03_alignment](03_alignment.png)" in report
    assert "02_noise_pretraining" not in report                # --only: nothing else ran
    assert sorted(os.listdir(empty)) == ["X"]                  # no staging folder or lock left behind


def test_a_session_in_a_notebook_kernel_ignores_the_kernels_flags_and_takes_SIZE(tmp_path, monkeypatch, capsys):
    """Jupyter / VS Code pass the kernel's own flags (-f kernel.json): a tutorial ignores them
    and runs the size of its SIZE cell; a SIZE that is not a size is refused, naming the choices."""
    import types
    from minifa.experiments import alignment
    from minifa.experiments.session import Session
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    monkeypatch.setattr(sys, "argv", ["/x/ipykernel_launcher.py", "-f", "/y/kernel-1.json"])
    monkeypatch.chdir(tmp_path)
    s = Session(alignment, size="quick")
    assert s.cfg.size == "quick" and s.cfg.n_noise == 150_000 and s.args.out == str(tmp_path / "figures")
    out = capsys.readouterr().out
    assert "QUICK RUN" in out and "run size: quick" in out
    with pytest.raises(ValueError, match=r"SIZE must be one of 'quick', 'lab', 'paper', not 'lba'"):
        Session(alignment, size="lba")


def test_a_flag_overrides_SIZE_and_without_either_the_size_is_the_papers(tmp_path, capsys):
    from minifa.experiments import alignment
    from minifa.experiments.session import Session
    assert Session(alignment, ["--quick", "--out", str(tmp_path)], size="lab").cfg.size == "quick"
    assert Session(alignment, ["--paper", "--out", str(tmp_path)], size="quick").cfg.size == "paper"
    assert Session(alignment, ["--out", str(tmp_path)], size="lab").cfg.size == "lab"
    assert Session(alignment, ["--out", str(tmp_path)]).cfg.size == "paper"
    assert "run size: lab (a class-sized run" in capsys.readouterr().out


def test_nets_below_two_is_refused_before_any_work(tmp_path):
    r = subprocess.run([sys.executable, "-m", "minifa.experiments", "04", "--quick", "--nets", "1", "--out",
                        str(tmp_path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert r.returncode == 2 and "--nets: must be >= 2" in r.stderr and not os.listdir(tmp_path)


def test_input_scaling_is_explicit_and_standardises_per_channel():
    """'standard' (the default, as the authors' later code) gives each colour channel of the training set
    mean 0 and std 1 (as torchvision's Normalize), the test set by the training set's statistics; 'unit'
    hands back the very arrays (pixels in [0, 1]); a bad name is refused, naming the choices."""
    import numpy as np
    from minifa.experiments import common
    rng = np.random.default_rng(0)
    X = rng.random((50, 3072)).astype(np.float32) * np.repeat([1.0, 0.5, 0.2], 1024).astype(np.float32)
    Xt = rng.random((20, 3072)).astype(np.float32)
    unit = common.settings("fig2", "quick", scaling="unit")
    assert unit.scaling == "unit" and common.scale(unit, X, X, Xt)[0] is X
    std = common.settings("fig2", "quick")
    assert std.scaling == "standard"
    Xs, Xts = common.scale(std, X, X, Xt)
    per = Xs.reshape(50, 3, -1).astype(np.float64)
    assert Xs.dtype == np.float32 and Xts.shape == Xt.shape
    np.testing.assert_allclose(per.mean(axis=(0, 2)), 0, atol=1e-5)     # float32 storage: ~1e-7 relative
    np.testing.assert_allclose(per.std(axis=(0, 2)), 1, atol=1e-5)
    mean0 = X[:, :1024].astype(np.float64).mean()
    np.testing.assert_allclose(Xts[:, 0], (Xt[:, 0] - mean0) / X[:, :1024].astype(np.float64).std(), rtol=1e-5)
    with pytest.raises(ValueError, match="scaling must be one of unit, standard"):
        common.settings("fig2", "quick", scaling="std")


def test_standardising_in_place_and_by_rows_gives_the_plain_expressions_bits(monkeypatch):
    """scale() works on the training set's float64 copy in place and on other sets 4096 rows at a time (less
    fresh memory); each number is still ((x - mean) / std) in float64, rounded to float32 once: the plain
    one-pass expression's bits, for grey and colour rows, the training set given twice or not at all,
    and the caller's arrays untouched."""
    import numpy as np
    from minifa.experiments import common

    def plain(X_train, *Xs):
        C = 3 if X_train.shape[-1] == 3072 else 1
        per = X_train.astype(np.float64).reshape(len(X_train), C, -1)
        mean, std = per.mean(axis=(0, 2))[:, None], per.std(axis=(0, 2))[:, None]
        return [((X.astype(np.float64).reshape(len(X), C, -1) - mean) / std).reshape(X.shape).astype(X.dtype)
                for X in Xs]
    rng, cfg = np.random.default_rng(3), common.settings("fig2", "quick")
    for D in (784, 3072):
        X, Xt = rng.random((9000, D), dtype=np.float32) * 0.7 + 0.1, rng.random((4100, D), dtype=np.float32)
        X_copy = X.copy()
        for args in ((X, X, Xt), (X, Xt, X, X), (X, Xt)):
            got = common.scale(cfg, *args)
            got = got if isinstance(got, list) else [got]
            for a, b in zip(got, plain(*args), strict=True):
                assert a.dtype == b.dtype and np.array_equal(a, b)
            assert np.array_equal(X, X_copy) and not any(np.shares_memory(a, X) for a in got)


def test_tutorial01_inputs_weights_and_feedback_are_unrelated():
    """Tutorial 01 draws x, W_0, W_1 and B_1 from independent streams: no row of one is a multiple
    of a row of another (x from the seed's own stream once made each row of W_0 equal x / sqrt(2))."""
    from minifa.experiments import equations
    from minifa.experiments.common import settings
    inputs = equations.run(settings("equations", "lab"))["inputs"]
    rows = [(k, r) for k in ("x", "W0", "W1", "B1") for r in np.atleast_2d(inputs[k])]
    rows += [(k + "^T", r) for k in ("W0", "W1", "B1") for r in np.asarray(inputs[k]).T]
    for i, (a, u) in enumerate(rows):
        for b, v in rows[i + 1:]:
            if a.split("^")[0] != b.split("^")[0] and u.size == v.size:
                cos = abs(u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))
                assert cos < 1 - 1e-6, f"a row of {a} is a multiple of a row of {b}"


def test_the_settings_line_joins_its_parts_without_a_leading_separator(tmp_path):
    """Table 1 shares no settings across its rows (each row's claim carries its own), so its run's
    line, which an absent dataset's claim takes, is the input scaling alone; fig2's has both parts."""
    from minifa.experiments import fig2, table1
    from minifa.experiments.session import Session
    assert Session(table1, ["--quick", "--out", str(tmp_path)]).settings_text == \
        "inputs: standardised by the training set's mean and std per colour channel"
    line = Session(fig2, ["--quick", "--out", str(tmp_path)]).settings_text
    assert line.startswith("500 train / 500 test images") and line.endswith(
        "; inputs: standardised by the training set's mean and std per colour channel")


def test_without_noise_fa_w_takes_fa_wos_training_which_is_what_training_it_gives(monkeypatch):
    """n_noise = 0 (a sensitivity-map cell): FA w/ is FA w/o (same W, B, rule and data order), so
    fig2 copies FA w/o's result instead of training the same networks twice; training them gives
    the same bits."""
    from data_helpers import real_mirror

    from minifa import MLP
    from minifa.experiments import common, fig2
    monkeypatch.setenv("MINIFA_MIRROR", str(real_mirror()))
    cfg = settings("fig2", "quick", nets=2, n_noise=0, epochs=2, n_train=100, n_test=100)
    calls, real, seen = [], fig2.phase, {}
    monkeypatch.setattr(fig2, "phase", lambda *a, **k: (calls.append(k.get("label")), real(*a, **k))[1])
    out = fig2.experiment(cfg, common.Log(cfg), "mnist", (784, 100, 10), 2, bp=False, order=False,
                          probe=lambda stage, net, data: seen.update({stage: (net.copy(), data)}))
    assert calls == ["FA w/", "FA w/o"]                   # the untrained record, then FA w/o's training only
    fresh = MLP((784, 100, 10), rule="fa", seed=[0, 1], init=cfg.init)
    again = real(cfg, fresh, seen["FA w/"][1], label="FA w/")
    assert (fresh.theta == seen["FA w/"][0].theta).all()
    for k, v in again.items():
        np.testing.assert_array_equal(out["FA w/"][k], v, err_msg=k)
