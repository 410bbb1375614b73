"""Tutorial 7: random-noise pretraining lowers the meta-loss, so FA adapts faster to any task (paper Fig. 5, App. D.1).

The experiment of tutorials/07_task_agnostic.py, which tells its story: n stacked FA networks
784-100-100-10 before (FA w/o) and after (FA w/) Algorithm 1, and BP from the same initial
weights; the meta-loss (Table D.1) over MNIST, F-MNIST and KMNIST at checkpoints of Algorithm 1
(Fig. 5a), and the AUC of test accuracy while each condition learns each task (Fig. 5c).
"""
import time

import numpy as np  # host-side subsets only

from .. import MLP, PAPER, backend, pretrain_noise, train
from ..analysis import auc, weight_distance
from ..datasets import available_splits, load, subset, subset_indices
from ..meta import Task, meta_loss
from ..settings import META
from ..stats import describe
from . import claims as C
from .common import Log, noise_log_every, scale, seeds, sizes
from .common import load as load_scaled

NAME, NUM, STEM = "fig5", "07", "07_task_agnostic"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
TASKS = {"MNIST": "mnist", "F-MNIST": "fashion-mnist", "KMNIST": "kmnist"}
TAKES_INIT, DATA, FLAGS = True, tuple(TASKS.values()), {"nets": (int, "networks per condition")}
TIMES = {"quick": "5 s", "lab": "26 s", "paper": "~10 min"}
CHECKPOINTS, LOGS = 10, 40       # meta-loss measurements and angle records through Algorithm 1


def every(cfg):
    """Test accuracy every EVERY epochs (>= 50 points): a test pass costs ~45% of an epoch, and on
    MNIST (100 epochs) the AUC from every 2nd epoch was within 0.1 point of every epoch's (every
    5th: 0.8 lower)."""
    return max(1, cfg.epochs // 50)


def task_names():
    """The tasks whose test split is in the data home or mirror (the others are left out)."""
    return [n for n, k in TASKS.items() if "test" in available_splits(k)]


def settings_text(cfg):
    return (f"FA 784-100-100-10, {cfg.init} init, n = {cfg.nets} independent networks (own noise and data "
            f"order); Algorithm 1: {cfg.n_noise} N(0, I) noise examples, batch 64, Adam lr 1e-4; tasks "
            f"{', '.join(task_names()) or 'none'}: {cfg.n_train} train / {cfg.n_test} test images each (balanced); "
            f"meta-loss: {META['steps']} Adam steps (lr {META['lr']:g}) on batches of {META['batch_size']}, test "
            f"loss, summed over tasks; adaptation: {cfg.epochs} epochs, batch 64, Adam lr 1e-4, test accuracy "
            f"every {every(cfg)} epoch(s)")


def make_task(cfg, log, name, key):
    """Balanced subsets of n_train training and n_test test images, scaled by the whole training
    split as Fig. 2's (tutorial 4; so MNIST's are App. B.3's images). Where the training images
    are absent (KMNIST in the mirror), two disjoint halves of the test split, scaled by the first.
    None (noted) when the test split itself is absent."""
    splits = available_splits(key)
    if "test" not in splits:
        log.note(f"{name}: test split absent from the data home and mirror - task left out")
        return None
    if "train" in splits:
        data = load_scaled(log, key, "task left out", cfg=cfg)
        if data is None:
            return None
        X, y, Xt, yt = data
        return Task(name, *subset(X, y, cfg.n_train, seed=cfg.seed, balanced=True),
                    *subset(Xt, yt, cfg.n_test, seed=cfg.seed, balanced=True))
    Xt, yt = load(key, "test")
    a = subset_indices(yt, cfg.n_train, seed=cfg.seed, balanced=True)
    rest = np.setdiff1d(np.arange(len(yt)), a)
    b = rest[subset_indices(yt[rest], cfg.n_test, seed=cfg.seed, balanced=True)]
    log.deviation(f"{name}: its {cfg.n_train} training and {cfg.n_test} test images are two disjoint halves "
                  f"of its test split: the data home and mirror hold no {name} training images")
    return Task(name, scale(cfg, Xt[a], Xt[a]), yt[a], scale(cfg, Xt[a], Xt[b]), yt[b])


def noise_training(cfg, net, tasks):
    """Algorithm 1 on `net` (records as Fig. 2's, so App. B.3's call), measuring the meta-loss at every
    (LOGS // CHECKPOINTS)-th of the first LOGS records, the first (untrained) included, and at the
    last: {'examples', 'meta', 's'} and Algorithm 1's history.
    Same adaptation batches (seed) at every checkpoint: the curve is paired throughout."""
    track = {"examples": [], "meta": [], "s": 0.0}

    def checkpoint(net, hist):
        i, seen = len(hist["examples"]) - 1, hist["examples"][-1]
        if tasks and (i % (LOGS // CHECKPOINTS) == 0 and i < LOGS or seen == cfg.n_noise):
            t = time.perf_counter()
            track["examples"].append(seen)
            track["meta"].append(meta_loss(net, tasks, seed=cfg.seed))
            track["s"] += time.perf_counter() - t

    steps = -(-cfg.n_noise // PAPER.batch_size)               # Algorithm 1's updates: LOGS records and the last,
    log_every = max(noise_log_every(cfg), -(-steps // (LOGS + 1)))   # Fig. 2's (so App. B.3's call, store.py)
    hist = pretrain_noise(net, n_examples=cfg.n_noise, seed=cfg.seed, callback=checkpoint, log_every=log_every,
                          label="FA w/")
    return track, hist


def adaptation(cfg, conds, task, i):
    """Test-accuracy curve (%, (records, K)), its AUC and the final accuracy of each condition.
    Data order seed shared by the conditions (per network its own stream): paired. Task i's seed is
    cfg.seed + i: MNIST's (i = 0) is Fig. 2's, so its three calls are App. B.3's (tutorial 4, store.py)."""
    out = {}
    for c, m in conds.items():
        h = train(m.copy(), task.X_adapt, task.y_adapt, epochs=cfg.epochs, X_test=task.X_eval, y_test=task.y_eval,
                  seed=cfg.seed + i, record_every=every(cfg), train_metrics=False, label=f"{c}, {task.name}")
        acc = 100 * np.asarray(h["test_acc"])
        out[c] = {"epoch": h["epoch"], "acc": acc, "auc": auc(acc, x=h["epoch"]), "final": acc[-1]}
    return out


def run(cfg):
    """Fig. 5a and 5c. {'tasks': names, 'meta_loss': {condition: meta_loss(...)} (per-network
    lists), 'meta_loss_curve': through Algorithm 1, 'angle' (before/after, described) and
    'angle_curve' (examples, W1 and W2: (records, K) degrees), 'curves': {task: {condition:
    {'epoch', 'acc' (records, K) %, 'auc', 'final' (K,)}}} and 'adaptation' (the same, described),
    'timing_s', 'record_every'}."""
    log = Log(cfg)
    log.deviation(f"not stated in the paper, our choices: the meta-loss at {CHECKPOINTS} checkpoints of Algorithm 1 "
                  f"(plus before it); Fig. 5c test accuracy every {every(cfg)} epoch(s), the AUC by trapezoids over "
                  "those points" + (" (a test pass every epoch would add ~45% to Fig. 5c's time)"
                                    if every(cfg) > 1 else ""))
    tasks = [t for t in (make_task(cfg, log, n, k) for n, k in TASKS.items()) if t is not None]
    names = [t.name for t in tasks]
    net = MLP(PAPER.dims_deep, rule="fa", seed=seeds(cfg, cfg.nets), init=cfg.init)
    before = net.copy()                                     # FA w/o: the same networks, untouched
    bp = net.copy()
    bp.rule = "bp"                                          # reference: the same weights, backpropagation

    t0 = time.perf_counter()
    track, hist = noise_training(cfg, net, tasks)
    t_noise = time.perf_counter() - t0 - track["s"]
    angles = {l: np.asarray(hist[f"angle{l}"]) for l in (1, 2)}       # (records, K): W_1/B_1, W_2/B_2
    meta = {"FA w/o": track["meta"][0], "FA w/": track["meta"][-1]} if tasks else {}
    if tasks:
        meta["BP"] = meta_loss(bp, tasks, seed=cfg.seed)

    conds = {"BP": bp, "FA w/o": before, "FA w/": net} if cfg.bp_adapt else {"FA w/o": before, "FA w/": net}
    t0 = time.perf_counter()
    curves = {t.name: adaptation(cfg, conds, t, i) for i, t in enumerate(tasks)}
    t_adapt = time.perf_counter() - t0
    return log.numbers(
        dist_W2={"before": backend.to_host(weight_distance(before, 2)), "after": backend.to_host(weight_distance(net, 2))},
        tasks=names, timing_s={"noise": t_noise, "meta_loss": track["s"], "adaptation": t_adapt},
        record_every=every(cfg), meta_loss=meta,
        angle={f"W{l}": {"before": describe(a[0]), "after": describe(a[-1])} for l, a in angles.items()},
        angle_curve={"examples": hist["examples"], **{f"W{l}": a for l, a in angles.items()}},
        meta_loss_curve={"examples": track["examples"], "total": [m["total"] for m in track["meta"]],
                         "tasks": {n: [m["loss"][n] for m in track["meta"]] for n in names}},
        curves=curves,
        adaptation={n: {c: {"auc": describe(r[c]["auc"]), "final": describe(r[c]["final"]), "epoch": r[c]["epoch"],
                            "acc_mean": r[c]["acc"].mean(1).tolist()} for c in r} for n, r in curves.items()})


def claims(numbers, cfg):
    """Fig. 5a: lower meta-loss after noise, in total and per task; Fig. 5b: W_2 closer to B_2; Fig. 5c:
    larger AUC. A task whose data are absent: its claims as absent records (Fig. 5a's, without any task)."""
    meta, names, out = numbers["meta_loss"], numbers["tasks"], []
    if not names:
        out += [C.absent("fig5a_meta_loss", "Fig. 5a: random noise pretraining reduces the meta-loss", "every task's "
                         "data", ref="fig5a"),
                C.absent("fig5a_meta_loss_trend", "Fig. 5a: the meta-loss decreases gradually through Algorithm 1",
                         "every task's data", ref="fig5a_trend")]
    else:
        out.append(C.compare("fig5a_meta_loss", "Fig. 5a: random noise pretraining reduces the meta-loss (sum over "
                             f"{', '.join(names)} of the test loss after adaptation): lower after noise than before, "
                             "same networks", meta["FA w/"]["total"], meta["FA w/o"]["total"], ("FA w/", "FA w/o"),
                             larger=False, paired=True, digits=3, ref="fig5a"))
        curve = np.asarray(numbers["meta_loss_curve"]["total"], float)          # (checkpoints, K)
        x = np.asarray(numbers["meta_loss_curve"]["examples"], float)
        slopes = np.polyfit(x / x[-1], curve, 1)[0]                              # per network, per whole run
        falls = np.mean(np.diff(curve, axis=0) < 0)
        c = C.versus("fig5a_meta_loss_trend", f"Fig. 5a: the meta-loss decreases gradually through Algorithm 1: each "
                     f"network's least-squares slope over the {len(x)} checkpoints is negative", slopes, 0.0,
                     "slope (meta-loss per run)", larger=False, digits=3, ref="fig5a_trend")
        c["ours"] += f"; {100 * falls:.0f}% of successive checkpoints lower than the one before"
        out.append(c)
    if "dist_W2" in numbers:
        d = numbers["dist_W2"]
        out.append(C.compare("fig5b_W2_toward_B2", "Fig. 5b: random noise training moves W_2 closer to B_2: "
                             "||W_2 - B_2^T||_F after Algorithm 1 below before, same networks", d["after"], d["before"],
                             ("after noise", "before"), larger=False, paired=True, digits=3, ref="fig5b"))
    for name in names:
        out.append(C.compare(f"fig5a_{name.lower()}", f"extra: random noise pretraining reduces the {name} loss "
                             "after adaptation (same networks)", meta["FA w/"]["loss"][name],
                             meta["FA w/o"]["loss"][name], ("FA w/", "FA w/o"), larger=False, paired=True, digits=3,
                             ref="fig5a_task"))
    for name, r in numbers["curves"].items():
        c = C.compare(f"fig5c_auc_{name.lower()}", f"Fig. 5c: the randomly pretrained network adapts to {name} "
                      "significantly faster than the untrained one: larger AUC of test accuracy (FA w/ vs FA w/o, "
                      f"{cfg.epochs} epochs)", r["FA w/"]["auc"], r["FA w/o"]["auc"], ("FA w/", "FA w/o"),
                      unit=" %", ref="fig5c")
        c["ours"] += (f"; final test accuracy FA w/ {C.pm(r['FA w/']['final'], ' %')}, FA w/o "
                      f"{C.pm(r['FA w/o']['final'], ' %')}" + (f"; BP: AUC {C.pm(r['BP']['auc'], ' %')}, final "
                                                               f"{C.pm(r['BP']['final'], ' %')}" if "BP" in r else ""))
        out.append(c)
    for name in (n for n in TASKS if n not in numbers["curves"]):
        out += [C.absent(f"fig5a_{name.lower()}", f"extra: random noise pretraining reduces the {name} loss after "
                         "adaptation", f"{name} test split", ref="fig5a_task"),
                C.absent(f"fig5c_auc_{name.lower()}", f"Fig. 5c: the randomly pretrained network adapts to {name} "
                         "significantly faster than the untrained one", f"{name} test split", ref="fig5c")]
    return out
