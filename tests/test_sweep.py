"""minifa.sweep: the grid's errors, the init gain, whole cells written atomically, a resumed sweep that
recomputes only what is missing, kill -9 mid-run, and a real Dask cluster (a scheduler and two
workers started here on loopback; skipped where dask.distributed is absent)."""
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

from minifa import MLP, PAPER
from minifa.experiments import REGISTRY, get
from minifa.experiments.common import settings
from minifa.sweep import engine, grid, main, store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = {**os.environ, "MINIFA_DEVICE": "cpu", "MPLBACKEND": "Agg", "MINIFA_QUIET": "1"}
MIRROR = os.path.join(os.path.dirname(ROOT), "shared", "datasets")
if "MINIFA_MIRROR" not in ENV and os.path.isdir(MIRROR):
    ENV["MINIFA_MIRROR"] = MIRROR
TINY = ["--size", "quick", "--set", "nets=2", "--set", "epochs=1", "--set", "n_train=100", "--set", "n_test=100"]
GRID = ["--grid", "init_gain=0.58,1.41", "--grid", "n_noise=0,640"]


def sweep(out, *args, rc=0, timeout=300):
    r = subprocess.run([sys.executable, "-m", "minifa.sweep", "--out", str(out), *args], capture_output=True,
                       text=True, env=ENV, cwd=ROOT, timeout=timeout)
    if r.returncode != rc and "ran nothing" in r.stdout + r.stderr:
        pytest.skip("MNIST is not available here (set MINIFA_MIRROR or run data_fetch.py mnist)")
    assert r.returncode == rc, r.stdout[-3000:] + r.stderr[-3000:]
    return r


def cells(out):
    """The finished cells {file name: record}; a cell being written is a dot file (.<cell>.json.<pid>.tmp)."""
    return {p: json.loads((out / "cells" / p).read_text()) for p in sorted(os.listdir(out / "cells"))
            if not p.startswith(".")}


def temporary(out):
    return [p for p in os.listdir(out / "cells") if p.startswith(".")]


@pytest.mark.parametrize("item, message", [
    ("inti_gain=1", "--grid inti_gain: 'inti_gain' is no setting of it; the settings a fig2 cell takes: init_gain"),
    ("appB_nets=2", "--grid appB_nets: 'appB_nets' is a setting of the experiment but not of one cell"),
    ("n_noise=abc", "--grid n_noise: 'abc' is not a number; n_noise takes a whole number >= 0"),
    ("n_noise=0.5", "--grid n_noise: '0.5' is not a whole number"),
    ("init_gain=0", "--grid init_gain: '0' must be > 0"),
    ("rule=bp", "--grid rule: 'bp' is not one of fa, dfa, sign, kp"),
    ("lr=1e-4,0.0001", "--grid lr: a value appears twice"),
    ("n_noise", "--grid 'n_noise': write --grid NAME=V1,V2"),
])
def test_a_bad_grid_names_the_flag_and_the_fix(item, message):
    with pytest.raises(grid.GridError) as e:
        grid.build("fig2", "Fig. 2", "quick", [item])
    assert message in str(e.value)


def test_bad_combinations_are_refused():
    with pytest.raises(grid.GridError, match="named twice"):
        grid.build("fig2", "Fig. 2", "quick", ["lr=1e-4", "lr=3e-4"])
    with pytest.raises(grid.GridError, match="--set nets: one value"):
        grid.build("fig2", "Fig. 2", "quick", [], ["nets=2,3"])
    with pytest.raises(grid.GridError, match="init_gain with init=pytorch"):
        grid.build("fig2", "Fig. 2", "quick", ["init_gain=1", "init=he,pytorch"])


def test_a_bad_grid_on_the_command_line_exits_2_and_writes_nothing(tmp_path):
    r = sweep(tmp_path / "out", "--grid", "n_noise=0,lots", rc=2)
    assert "--grid n_noise: 'lots' is not a number" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out").exists()


def test_every_axis_is_a_setting_of_fig2_whose_default_is_the_papers():
    taken = settings("fig2", "paper").values()
    assert all(k in taken or k in grid.SPECIAL for k in grid.AXES["fig2"])
    cfg = settings("fig2", "paper")
    assert (cfg.init_gain, cfg.lr, cfg.rule, cfg.hidden, cfg.init) == (None, PAPER.lr, "fa", 100, "he")
    names = [c["name"] for c in grid.build("fig2", "Fig. 2", "lab", ["init_gain=0.58,1.41", "n_noise=0,150000"])]
    assert names == ["init_gain=0.58,n_noise=0", "init_gain=0.58,n_noise=150000", "init_gain=1.41,n_noise=0",
                     "init_gain=1.41,n_noise=150000"]


def test_init_gain_scales_the_normal_law_and_none_is_today_init():
    dims, seeds = (400, 30, 5), [0, 1]
    he, none = MLP(dims, seed=seeds), MLP(dims, seed=seeds, gain=None)
    for a, b in zip(he.W + he.b + he.B, none.W + none.b + none.B):
        assert np.array_equal(a, b)                                   # the default: bit for bit today's He
    one, g = MLP(dims, seed=seeds, gain=1.0), MLP(dims, seed=seeds, gain=0.25)
    for a, b in zip(one.W + one.B, g.W + g.B):
        np.testing.assert_allclose(b, 0.25 * a, rtol=1e-12)          # same draws, scaled by g
    assert abs(np.std(g.W[0]) * math.sqrt(400) / 0.25 - 1) < 0.03 and not np.any(g.b[0])
    np.testing.assert_allclose(MLP(dims, seed=seeds, gain=math.sqrt(2)).W[0], he.W[0], rtol=1e-12)
    with pytest.raises(ValueError, match="gain must be a number > 0 with init='he'"):
        MLP(dims, seed=seeds, init="pytorch", gain=1.0)


def test_a_cell_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    record = {"cell": "a=1", "tests": {}, "settings": {}}
    path = store.save(tmp_path, record)

    def crash(src, dst):                         # the process dies between writing and renaming
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        store.save(tmp_path, {**record, "tests": {"x": 1}})
    monkeypatch.undo()
    assert json.loads(open(path).read()) == record                     # the old cell, whole
    assert store.finished(tmp_path) == {"a=1": record}                 # the stray temporary file ignored
    assert [os.path.basename(p) for p in store.clean(tmp_path)] == [f".a=1.json.{os.getpid()}.tmp"]
    assert os.listdir(tmp_path / "cells") == ["a=1.json"]


def test_a_second_sweep_and_a_cell_of_other_settings_are_refused(tmp_path, capsys):
    args = ["--grid", "n_noise=0,640", "--size", "quick", "--out", str(tmp_path)]
    with store.Lock(str(tmp_path)):
        assert main(args) == 2
    assert "another sweep (pid" in capsys.readouterr().err
    other = {**grid.resolved(grid.build("fig2", "Fig. 2", "quick", ["n_noise=640"])[0]), "nets": 99}
    store.save(str(tmp_path), {"cell": "n_noise=640", "tests": {}, "settings": other})
    assert main(args) == 2
    assert "cell n_noise=640 was computed with other settings (nets 99 there, 2 here)" in capsys.readouterr().err


def test_an_unreachable_scheduler_is_one_clear_error(monkeypatch):
    pytest.importorskip("distributed", reason="dask.distributed is not installed: pip install -e '.[cluster]'")
    with socket.socket() as s:                   # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(engine, "CONNECT_S", 1)
    with pytest.raises(engine.SetupError, match="--scheduler tcp://127.0.0.1:.*no Dask scheduler answers"):
        engine.dask(f"tcp://127.0.0.1:{port}")


def test_a_local_sweep_writes_its_cells_and_report_and_a_rerun_computes_only_what_is_missing(tmp_path):
    out = tmp_path / "s"
    r = sweep(out, *GRID, *TINY, "--jobs", "2")
    assert "4 cells, 0 finished already, 4 to run on 2 local worker processes" in r.stdout
    assert r.stdout.count("] init_gain=") == 4                          # one progress line per cell
    got = cells(out)
    assert list(got) == ["init_gain=0.58,n_noise=0.json", "init_gain=0.58,n_noise=640.json",
                         "init_gain=1.41,n_noise=0.json", "init_gain=1.41,n_noise=640.json"]
    for name, c in got.items():
        assert c["settings"]["nets"] == 2 and c["settings"]["n_train"] == 100 and c["wall_s"] > 0
        assert c["ran_on"].split(":")[0] == socket.gethostname() and int(c["ran_on"].split(":")[1]) > 0
        if c["axes"]["n_noise"] == 0:            # no Algorithm 1: FA w/ is FA w/o, to the last bit
            assert c["numbers"]["auc"]["w/"] == c["numbers"]["auc"]["w/o"] and c["tests"]["auc_gain"]["gain"] == 0
        else:
            assert c["numbers"]["ece"]["noise"] != c["numbers"]["ece"]["before"]
    assert "4 of 4 cells computed" in (out / "SWEEP.md").read_text()
    assert all((out / f"heatmap_{k}.png").stat().st_size > 10_000 for k in ("auc_gain", "ece_data"))
    kept = {p: (out / "cells" / p).stat().st_mtime_ns for p in got}
    (out / "cells" / "init_gain=1.41,n_noise=0.json").unlink()
    r = sweep(out, *GRID, *TINY)
    assert "4 cells, 3 finished already, 1 to run" in r.stdout and "[1/1] init_gain=1.41,n_noise=0:" in r.stdout
    again = cells(out)
    assert [(c["numbers"], c["tests"]) for c in again.values()] == [(c["numbers"], c["tests"]) for c in got.values()]
    assert {p: (out / "cells" / p).stat().st_mtime_ns for p in got if p != "init_gain=1.41,n_noise=0.json"} == \
        {p: t for p, t in kept.items() if p != "init_gain=1.41,n_noise=0.json"}        # the others untouched
    (out / "SWEEP.md").unlink()
    assert main(["--out", str(out), "--no-run"]) == 0                   # the report again, from the cells alone
    assert "init_gain \\ n_noise" in (out / "SWEEP.md").read_text() and len(cells(out)) == 4


def _children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(c) for c in f.read().split()]


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self/task"), reason="reads the worker processes from /proc (Linux)")
def test_kill_9_mid_run_leaves_only_whole_cells_and_a_rerun_completes(tmp_path):
    out, grid4 = tmp_path / "k", ["--grid", "n_noise=0,640", "--grid", "hidden=20,30"]
    proc = subprocess.Popen([sys.executable, "-m", "minifa.sweep", "--out", str(out), *grid4, *TINY],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=ENV, cwd=ROOT)
    deadline, workers = time.monotonic() + 240, []
    while not (out / "cells").is_dir() or not cells(out):         # a finished cell (not one being written)
        assert proc.poll() is None and time.monotonic() < deadline, proc.stdout.read().decode()[-3000:]
        workers = [c for c in _children(proc.pid) if c not in workers] + workers
        time.sleep(0.02)
    workers = set(workers) | set(_children(proc.pid))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    found = cells(out)               # whole cells; a cell the kill caught mid-write is at most a temporary file
    assert 1 <= len(found) < 4 and all("tests" in c and c["cell"] + ".json" == p for p, c in found.items())
    assert all(p.endswith(".tmp") for p in temporary(out))
    deadline = time.monotonic() + 10
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "a worker outlived its killed sweep"
    (out / "cells" / ".n_noise=0,hidden=30.json.4242.tmp").write_text('{"cell": "n_noise=0,hid')   # a torn write
    r = sweep(out, *grid4, *TINY)
    assert f"{len(found)} finished already, {4 - len(found)} to run" in r.stdout
    assert "removed a temporary file a killed run left: .n_noise=0,hidden=30.json.4242.tmp" in r.stdout
    assert len(cells(out)) == 4 and not temporary(out)


@pytest.fixture
def dask_cluster(tmp_path):
    """A Dask scheduler and two single-thread workers, each its own process, on 127.0.0.1."""
    distributed = pytest.importorskip("distributed", reason="dask.distributed is not installed: "
                                      "pip install -e '.[cluster]'")
    info, procs = tmp_path / "scheduler.json", []
    common = ["--no-dashboard", "--host", "127.0.0.1"]
    try:
        procs.append(subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--port", "0",
                                       "--scheduler-file", str(info), *common], env=ENV, cwd=ROOT,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        deadline = time.monotonic() + 60
        while not info.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(info.read_text())["address"]
        procs += [subprocess.Popen([sys.executable, "-m", "dask", "worker", address, "--nthreads", "1", *common],
                                   env=ENV, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                  for _ in range(2)]
        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(2, timeout=90)
            workers = set(client.scheduler_info()["workers"])
        yield address, workers
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_a_sweep_on_a_real_dask_cluster_runs_on_its_workers(tmp_path, dask_cluster):
    address, workers = dask_cluster
    out = tmp_path / "d"
    r = sweep(out, *GRID, *TINY, "--scheduler", address)
    assert f"on the Dask cluster at {address} (2 workers now)" in r.stdout
    got = cells(out)
    assert len(got) == 4 and {c["ran_on"] for c in got.values()} <= workers
    assert (out / "heatmap_auc_gain.png").stat().st_size > 10_000 and "4 of 4" in (out / "SWEEP.md").read_text()
    (out / "cells" / "init_gain=0.58,n_noise=640.json").unlink()
    r = sweep(out, *GRID, *TINY, "--scheduler", address)
    assert "3 finished already, 1 to run" in r.stdout
    assert [c["numbers"] for c in cells(out).values()] == [c["numbers"] for c in got.values()]


def test_tutorial_10_is_an_experiment_the_reproduction_does_not_run():
    exp = get("10")
    assert exp.NAME == "sensitivity" and exp.STEM == "10_sensitivity" and "10" not in REGISTRY
    first = open(os.path.join(ROOT, "tutorials", exp.STEM + ".py")).read().split("\n")[1]
    assert first == f"# # {exp.TITLE.rstrip('.')}"
    lab = exp.SIZES["lab"]
    assert len(exp.cells_of(lab)) == 9 and exp.cells_of(lab)[0]["size"] == "lab"


def test_an_in_process_sweep_leaves_the_signal_handlers_as_it_found_them(tmp_path, monkeypatch):
    """main() sets SIGTERM to stop like Ctrl-C while its cells run, and puts it back: a program (or
    the test suite) that calls it keeps its own handlers."""
    from data_helpers import real_mirror
    monkeypatch.setenv("MINIFA_MIRROR", str(real_mirror()))
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    assert main(["--grid", "n_noise=0", *TINY, "--out", str(tmp_path / "out")]) == 0
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before
