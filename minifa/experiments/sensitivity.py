"""Tutorial 10: when does noise pretraining help? A sensitivity map of Fig. 2 (beyond the paper).

The paper runs Fig. 2 at one setting of everything it does not vary. minifa found that its effects
depend on the initialisation: of the 25 claims the paper states with a test, 22 reproduce at its
level under He's normal law, 7 under PyTorch's uniform one (REPRODUCTION.md's sensitivity section).
This experiment maps where random-noise pretraining (Algorithm 1) helps feedback alignment: each cell of a grid of settings, by default the init gain g (W, B ~
N(0, g^2/n_in); 1.41 ~ He, 0.58 ~ PyTorch's standard deviation) times the amount of noise, runs
Fig. 2's protocol (FA w/o and FA w/, n networks each, MNIST 784-100-10; minifa/sweep/cell.py) and
measures the AUC gain (learning speed, Fig. 2b), the final-accuracy gain, the angle W_1^T vs B_1
after noise and after data, and the calibration (ECE, minifa/calibration.py) before noise, after
it and after data. Findings (beyond the paper; two-sided; a finding's verdict is true when noise
helps): per cell with noise, AUC and ECE w/ vs w/o (two-sample t-tests, as Fig. 2); across the
grid, the per-network AUC gain at the smallest vs the largest g at the largest amount of noise.
The same cells at any scale: python -m minifa.sweep (local processes or a Dask cluster).
"""
import numpy as np  # host-side arithmetic only

from ..stats import p_text
from ..sweep import engine
from ..sweep.cell import run_cell
from ..sweep.grid import build, config
from . import claims as C
from . import fig2
from .common import Log, load, sizes

NAME, NUM, STEM = "sensitivity", "10", "10_sensitivity"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
DATA, FLAGS = ("mnist",), {"jobs": (int, "local worker processes running the cells")}
TIMES = {"quick": "10 s", "lab": "2 min", "paper": "~32 min with 2 workers on 2 cores (25 cells of Fig. 2's protocol at "
         "n = 10: the committed map took 1889 s; run them with python -m minifa.sweep, which resumes, --jobs N or on a Dask cluster)"}


def cells_of(cfg):
    """The grid's cells: Fig. 2 at cfg.cell_size, with cfg.cell_set, the seed and the scaling fixed."""
    axes = {g.split("=")[0] for g in cfg.grid}
    fixed = [*cfg.cell_set, *(f"{k}={getattr(cfg, k)}" for k in ("seed", "scaling") if k not in axes)]
    return build("fig2", "Fig. 2", cfg.cell_size, cfg.grid, fixed)


def settings_text(cfg):
    cells = cells_of(cfg)
    common = {k: v for k, v in cells[0]["settings"].items() if k not in cells[0]["axes"]}
    return (f"grid {' x '.join(cfg.grid)} ({len(cells)} cells); each cell Fig. 2's protocol at size "
            f"{cfg.cell_size}, its axes' values in place of these: {fig2.settings_text(config({**cells[0], 'settings': common}))}, no BP, no "
            "data -> noise control")


def run(cfg):
    """{'cells': [each cell's record (minifa/sweep/cell.py), in grid order], 'grid'}; without MNIST
    nothing runs (cells empty, a note says so)."""
    log = Log(cfg)
    cells = cells_of(cfg)
    if load(log, "mnist", "no cell runs") is None:
        return log.numbers(cells=[], grid=list(cfg.grid))
    print(f"{len(cells)} cells on {cfg.jobs} process{'es' if cfg.jobs > 1 else ''}", flush=True)
    if cfg.jobs == 1:
        records = {}
        for k, c in enumerate(cells, 1):
            records[c["name"]] = run_cell(c)
            print(f"[{k}/{len(cells)}] {c['name']}: {engine.line(records[c['name']])}", flush=True)
    else:
        ex, _ = engine.local(cfg.jobs)
        records, failed = engine.run(cells, ex, say=lambda s: print(s, flush=True))
        ex.shutdown()
        if failed:
            raise RuntimeError("cells failed: " + "; ".join(f"{k}: {v}" for k, v in failed.items()))
    return log.numbers(cells=[records[c["name"]] for c in cells], grid=list(cfg.grid))


def finding(id, where, said, a, b, names, larger=True, unit="%", digits=2):
    """C.compare in the direction in which noise would help, worded as what it found (as tutorial 9)."""
    c = C.compare(id, "", a, b, names, larger=larger, unit=unit, digits=digits, ref="sensitivity")
    up, down, measure = said
    c["test"] = c["test"].replace(" > ", " vs ").replace(" < ", " vs ") + " (two-sided)"
    what = up if c["p"] < C.ALPHA and c["reproduced"] else down if c["p"] < C.ALPHA else f"does not change {measure}"
    c["claim"] = (f"{where}: noise pretraining {what}: {names[0]} {np.mean(a):.{digits}f}{unit} vs "
                  f"{names[1]} {np.mean(b):.{digits}f}{unit}, {p_text(c['p'])}")
    return {**c, "beyond": True}


def gains(r):
    """Per-network AUC gain w/ - w/o (the same networks, with and without Algorithm 1)."""
    return np.asarray(r["numbers"]["auc"]["w/"]) - np.asarray(r["numbers"]["auc"]["w/o"])


def claims(numbers, cfg):
    """Per cell with noise: AUC and ECE after data, w/ vs w/o; across the grid: the AUC gain at the
    smallest vs the largest init gain, at the largest amount of noise."""
    out, cells = [], numbers["cells"]
    for r in cells:
        if r["axes"].get("n_noise", r["settings"]["n_noise"]) == 0:
            continue                             # no Algorithm 1: FA w/ is FA w/o, nothing to test
        n, where = r["numbers"], ", ".join(f"{k} {v}" for k, v in r["axes"].items())
        out += [finding(f"sens_auc_{r['cell']}", where, ("speeds up learning", "slows down learning",
                        "the learning speed"), n["auc"]["w/"], n["auc"]["w/o"], ("AUC w/", "w/o")),
                finding(f"sens_ece_{r['cell']}", where, ("improves calibration", "worsens calibration",
                        "the calibration"), n["ece"]["w/"], n["ece"]["w/o"], ("ECE after data w/", "w/o"),
                        larger=False)]
        out[-1]["claim"] += (f" (confidence - accuracy w/ {np.mean(n['gap']['w/']):+.1f}, w/o "
                             f"{np.mean(n['gap']['w/o']):+.1f} points)")
    gs = sorted({r["axes"]["init_gain"] for r in cells if "init_gain" in r["axes"]})
    top = max((r["settings"]["n_noise"] for r in cells), default=0)
    if len(gs) > 1 and top > 0:
        at = {r["axes"]["init_gain"]: r for r in cells if r["settings"]["n_noise"] == top and "init_gain" in r["axes"]}
        if gs[0] in at and gs[-1] in at:
            c = C.compare("sens_auc_gain_by_init_gain", "", gains(at[gs[-1]]), gains(at[gs[0]]),
                          (f"g = {gs[-1]}", f"g = {gs[0]}"), unit=" points", ref="sensitivity")
            c["test"] = c["test"].replace(" > ", " vs ") + " (two-sided), per-network AUC gains w/ - w/o"
            c["claim"] = (f"n_noise {top}: the AUC gain from noise is {c['ours']} (init gain g = {gs[-1]} vs "
                          f"{gs[0]}), {p_text(c['p'])}")
            out.append({**c, "beyond": True})
    if not cells:
        out = [{**C.claim("sensitivity_map", "the sensitivity map of Fig. 2", "—", "not run", None, None, False,
                          absent=True, ref="sensitivity"), "beyond": True}]
    return out
