"""One cell of a sweep: Fig. 2's protocol (minifa.experiments.fig2) at one grid point.

run_cell(cell) runs fig2.experiment for the cell's part (default Fig. 2: MNIST, 784-100-10) with
n networks in each of FA w/o and FA w/ (no BP reference, no data -> noise control: no cell
outcome uses them) and returns the cell's record (plain JSON data). Outcomes, per network:
  auc, final_acc   (%) FA w/ and FA w/o (paper Fig. 2b: learning speed, and the final test accuracy)
  angle            (deg) between W_l^T and B_l, per used layer: before, after noise, after data w/o, w/
  ece, gap         (%) expected calibration error on the test subset, and mean confidence minus
                   accuracy (> 0 overconfident; minifa.calibration), same stages
Tests: w/ vs w/o two-sample t-tests, as the paper's Fig. 2 (auc_gain, final_gain, angle_data,
ece_data: mean w/ - mean w/o, t, p); after noise vs before on the same networks, paired
(angle_noise, ece_noise), layer W_1. With n_noise = 0 FA w/ is FA w/o: every gain is 0.
"""
import io
import os
import socket
import time
from contextlib import redirect_stdout

import numpy as np  # host-side statistics only

from .. import backend
from ..calibration import ece, gap, probabilities
from ..experiments import fig2
from ..experiments.common import Log, jsonable
from ..stats import ttest_ind, ttest_rel
from .grid import config, resolved

STAGES = {"before": "before", "noise": "noise", "FA w/o": "w/o", "FA w/": "w/"}


class CellError(RuntimeError):
    """A cell that could not run (its data absent): the message says what to do."""


def ran_on():
    """Who runs this cell: a Dask worker's address, else host:pid of this process."""
    try:
        from distributed import get_worker
        return get_worker().address
    except (ImportError, ValueError):
        return f"{socket.gethostname()}:{os.getpid()}"


def test(a, b, paired=False):
    """{'a', 'b' (means), 'gain' (a - b), 't', 'p'}: t-test of a against b (two-sample or paired)."""
    r = (ttest_rel if paired else ttest_ind)(a, b)
    a, b = float(np.mean(a)), float(np.mean(b))
    return {"a": a, "b": b, "gain": a - b, "t": r["t"], "p": r["p"]}


def outcomes(r, cal, n_train):
    """The cell's numbers (per network) from fig2.experiment's records and the ECE probe; 'curve':
    the mean test accuracy (%) w/o and w/ at each recorded epoch."""
    runs = {"w/o": r["FA w/o"], "w/": r["FA w/"]}
    return {"auc": {c: v["auc"] for c, v in runs.items()},
            "final_acc": {c: 100 * fig2.end(r, k, "acc") for c, k in (("w/o", "FA w/o"), ("w/", "FA w/"))},
            "angle": {"before": r["noise"]["angle"][0], "noise": r["noise"]["angle"][-1],
                      **{c: v["angle"][-1] for c, v in runs.items()}},
            "ece": {s: 100 * np.asarray(v[0]) for s, v in cal.items()},
            "gap": {s: 100 * np.asarray(v[1]) for s, v in cal.items()},
            "curve": {"epoch": r["FA w/"]["x"] / n_train, **{c: 100 * v["acc"].mean(1) for c, v in runs.items()}}}


def tests(n):
    """The cell's t-tests (see the module's docstring)."""
    a, e = n["angle"], n["ece"]
    return {"auc_gain": test(n["auc"]["w/"], n["auc"]["w/o"]),
            "final_gain": test(n["final_acc"]["w/"], n["final_acc"]["w/o"]),
            "angle_noise": test(a["noise"][0], a["before"][0], paired=True),
            "angle_data": test(a["w/"][0], a["w/o"][0]),
            "ece_noise": test(e["noise"], e["before"], paired=True),
            "ece_data": test(e["w/"], e["w/o"])}


def run_cell(cell):
    """Run one cell; its record: name, axes, settings, numbers, tests, wall_s, ran_on, device, log."""
    t0, printed, cal = time.perf_counter(), io.StringIO(), {}
    cfg = config(cell)

    def probe(stage, net, data):
        if stage in STAGES:
            p = probabilities(net, data[2])
            cal[STAGES[stage]] = ece(p, data[3]), gap(p, data[3])

    with redirect_stdout(printed):                          # the experiment's own lines go to the record
        key, dims = fig2.EXPERIMENTS[cell["part"]]
        r = fig2.experiment(cfg, Log(cfg), key, fig2.dims_of(cfg, dims), cfg.nets, bp=False, order=False,
                            probe=probe)
    if r is None:                                          # its data absent: the experiment's note says why
        notes = [line for line in printed.getvalue().splitlines() if line.startswith("note:")]
        raise CellError(f"cell {cell['name']} ran nothing on {ran_on()}: {' '.join(notes) or printed.getvalue()}")
    numbers = outcomes(r, cal, cfg.n_train)
    return jsonable({"cell": cell["name"], "experiment": cell["experiment"], "part": cell["part"],
                     "size": cell["size"], "axes": cell["axes"], "settings": resolved(cell),
                     "dims": list(fig2.dims_of(cfg, dims)), "settings_text": fig2.settings_text(cfg),
                     "numbers": numbers, "tests": tests(numbers), "wall_s": round(time.perf_counter() - t0, 2),
                     "ran_on": ran_on(), "device": backend.device, "log": printed.getvalue(),
                     "finished": time.strftime("%Y-%m-%d %H:%M:%S")})
