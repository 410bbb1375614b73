"""Every tutorial runs end to end in --quick mode and writes its figure and numbers, which redraw
from the JSON alone; 02, 03 and 06 also run on the CuPy stand-in (the GPU path) and print sane
numbers there; a tutorial without its data exits non-zero and draws nothing."""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUTORIALS = sorted(f for f in os.listdir(os.path.join(ROOT, "tutorials")) if f[:2].isdigit() and f.endswith(".py"))
ENV = {**os.environ, "MINIFA_DEVICE": "cpu", "MPLBACKEND": "Agg", "MINIFA_QUIET": "1"}
MIRROR = os.path.join(os.path.dirname(ROOT), "shared", "datasets")   # the verified mirror beside the checkout
if "MINIFA_MIRROR" not in ENV and os.path.isdir(MIRROR):
    ENV["MINIFA_MIRROR"] = MIRROR


def run(args, tmp_path, env=ENV, timeout=300, rc=0):
    r = subprocess.run([sys.executable, *args, "--out", str(tmp_path)], capture_output=True, text=True,
                       env=env, timeout=timeout, cwd=ROOT)
    assert r.returncode == rc, r.stdout[-2000:] + r.stderr[-3000:]
    return r


def test_tutorials_are_found():
    assert TUTORIALS[:3] == ["01_equations.py", "02_noise_pretraining.py", "03_alignment.py"]


@pytest.mark.parametrize("name", TUTORIALS)
def test_tutorial_runs_quick(name, tmp_path):
    r = subprocess.run([sys.executable, os.path.join("tutorials", name), "--quick", "--out", str(tmp_path)],
                       capture_output=True, text=True, env=ENV, timeout=300, cwd=ROOT)
    if r.returncode == 3 and "python data_fetch.py" in r.stderr:   # its data are absent here: said, not faked
        pytest.skip(f"{name}: {r.stderr.strip().splitlines()[-1]}")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    stem = name[:-3]
    png, js = tmp_path / f"{stem}.png", tmp_path / f"{stem}.json"
    assert png.stat().st_size > 10_000          # a real figure, not an empty canvas
    numbers = json.loads(js.read_text())
    assert numbers["quick"] is True and numbers["size"] == "quick" and numbers["wall_s"] > 0
    assert "wall time" in r.stdout
    if stem != "01_equations":                  # tiny sizes: said loudly
        assert "QUICK RUN" in r.stdout and "tests nothing" in r.stdout
    if stem == "01_equations":
        assert numbers["fd_rel_error"] < 1e-6   # BP printed by hand equals finite differences
    if stem == "03_alignment":
        assert sum(numbers["after"]) < sum(numbers["before"])
    check_claims(numbers.get("claims", []))
    png.unlink()                                # the figure redraws from the numbers alone
    r = subprocess.run([sys.executable, "-m", "minifa.experiments", name[:2], "--redraw", str(js)],
                       capture_output=True, text=True, env=ENV, timeout=120, cwd=tmp_path)
    assert r.returncode == 0 and png.stat().st_size > 10_000, r.stderr[-2000:]


@pytest.mark.parametrize("name", ["02_noise_pretraining.py", "06_out_of_distribution.py"])
def test_tutorial_runs_on_the_cupy_standin(name, tmp_path):
    """The GPU branches on a strict CuPy stand-in: the run must not only finish but give
    sane numbers (a broken noise sampler still exits 0, with an angle that stays at 90 deg)."""
    r = run([os.path.join("tests", "run_on_standin.py"), os.path.join("tutorials", name), "--quick"],
            tmp_path, env={k: v for k, v in ENV.items() if k != "MINIFA_DEVICE"})
    assert "on gpu" in r.stdout and "device->host syncs" in r.stdout
    numbers = json.loads((tmp_path / f"{name[:-3]}.json").read_text())
    assert numbers["device"] == "gpu"
    if name.startswith("02"):
        assert abs(numbers["noise_batch"]["std"] - 1) < 0.03 and abs(numbers["noise_batch"]["mean"]) < 0.03
        assert sum(numbers["angle_end"]) < sum(numbers["angle_start"])
    if name.startswith("06") and numbers["claims"]:  # MNIST present: accuracy above chance
        assert min(numbers["accuracy"]["BP"]["MNIST"]) > 20
    check_claims(numbers["claims"])


@pytest.mark.parametrize("name", TUTORIALS)
def test_help_says_run_times_and_data_whatever_the_device_variable(name):
    """--help works even with MINIFA_DEVICE=gpu on a machine without a GPU (the device is
    chosen on first use, not at import) and tells run times and the data needed."""
    r = subprocess.run([sys.executable, os.path.join(ROOT, "tutorials", name), "--help"], capture_output=True,
                       text=True, env={**ENV, "MINIFA_DEVICE": "gpu"}, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "Run time on a 2-core CPU" in r.stdout and ("Needs the datasets" in r.stdout or "Needs no data" in r.stdout)


@pytest.mark.parametrize("name", ["04_fast_learning.py", "06_out_of_distribution.py"])
def test_a_tutorial_without_its_data_exits_non_zero_and_draws_nothing(name, tmp_path):
    empty = tmp_path / "no-data"
    empty.mkdir()
    env = {**ENV, "MINIFA_MIRROR": str(empty), "MINIFA_DATA": str(empty)}
    r = run([os.path.join("tutorials", name), "--quick"], tmp_path, env=env, rc=3)
    assert "python data_fetch.py mnist" in r.stderr
    assert not list(tmp_path.glob("*.png")) and not list(tmp_path.glob("*.json"))


def test_gpu_asked_for_without_one_is_one_line_in_a_tutorial(tmp_path):
    from minifa import backend
    if backend._cupy_or_none() is not None:
        pytest.skip("a GPU is present here: MINIFA_DEVICE=gpu is valid")
    r = run([os.path.join("tutorials", "03_alignment.py"), "--quick"], tmp_path, env={**ENV, "MINIFA_DEVICE": "gpu"},
            rc=2)
    assert "Traceback" not in r.stderr and "CuPy" in r.stderr and not os.listdir(tmp_path)


CLAIM_KEYS = {"id", "claim", "ours", "test", "t", "p", "reproduced", "figure", "settings"}


def check_claims(claims):
    """Each claim: the keys REPRODUCTION.md is assembled from, a bool verdict, float t and p."""
    assert isinstance(claims, list)
    assert len({c["id"] for c in claims}) == len(claims), "claim ids must be unique"
    for c in claims:
        assert CLAIM_KEYS <= set(c), f"claim {c.get('id')} lacks {CLAIM_KEYS - set(c)}"
        assert isinstance(c["reproduced"], bool) and c["figure"].endswith(".png")
        assert c.get("absent") or all(isinstance(c[k], (int, float)) for k in ("t", "p"))
