"""Tutorial 4: a noise-pretrained FA network learns fast (paper Fig. 2, App. B.2-B.6).

Does a network that first trains on noise (Algorithm 1) learn faster under feedback
alignment? Three conditions of n independent networks (own noise, own data order):
  BP       backpropagation (eq. 3) from random init
  FA w/o   feedback alignment (eq. 5) from random init
  FA w/    the same FA networks (same W, same B) after Algorithm 1
Fig. 2b: test accuracy during training and its area under the curve (AUC, learning speed);
Fig. 2c: angle between W_1^T and B_1 through noise, then data; Fig. 2d: the path of W_1 (PCA);
Fig. 2e: distance ||W_1 - B_1^T||_F; Fig. 2f-g: the order: noise -> data ends closer to B than
data -> noise. App. B.3: the same with 784-100-100-10 (both layers' angles); App. B.4-B.6:
CIFAR-10. Two-sample t-tests over networks.
Beyond the paper, for the sensitivity map (minifa.sweep): init_gain (W, B ~ N(0, g^2/n_in); None: the
init's own law), lr, rule (FA w/o and w/'s: fa, dfa, sign, kp), hidden (every hidden layer's width), all
defaulting to the paper's; n_noise = 0 skips Algorithm 1 (FA w/ is then FA w/o).
"""
import copy

import numpy as np  # host-side statistics only

from .. import MLP, PAPER, backend, evaluate, mean_angle, pretrain_noise, train
from ..analysis import auc, pca_trajectory, weight_distance
from ..datasets import subset
from ..stats import describe
from .common import Log, every, load, noise_log_every, seeds, sizes
from .fig2_claims import claims, end  # noqa: F401 (fig2.claims, fig2.end: the claims live in fig2_claims.py)

NAME, NUM, STEM = "fig2", "04", "04_fast_learning"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
TAKES_INIT, DATA = True, ("mnist", "cifar10")
FLAGS = {"nets": (int, "networks per condition")}
TIMES = {"quick": "20 s", "lab": "47 s", "paper": "19 min"}
EXPERIMENTS = {"Fig. 2": ("mnist", PAPER.dims), "App. B.3": ("mnist", PAPER.dims_deep),
               "App. B.4-B.6": ("cifar10", (3072, 100, 10))}
CONDS = ("BP", "FA w/o", "FA w/")                      # trained on data; BP may be left out of App. B
PCA = {"Fig. 2d": ("noise", "FA w/", "FA w/o"),       # the W_1 paths (network 0) of each PCA panel
       "Fig. 2f": ("noise", "FA w/", "FA w/o", "data -> noise")}


def settings_text(cfg, nets=None):
    lr, gain = getattr(cfg, "lr", PAPER.lr), getattr(cfg, "init_gain", None)
    beyond = [f", {k} {getattr(cfg, k)}" for k, v in (("rule", "fa"), ("hidden", 100)) if getattr(cfg, k, v) != v]
    return (f"{cfg.n_train} train / {cfg.n_test} test images (balanced), {cfg.epochs} epochs, batch 64, Adam "
            f"lr {'1e-4' if lr == PAPER.lr else f'{lr:g}'}; FA w/: Algorithm 1 with {cfg.n_noise} noise examples; "
            f"n = {nets or cfg.nets} independent networks per condition (own noise and data order), "
            + (f"{cfg.init} init" if gain is None else f"init N(0, {gain:g}^2/n_in)") + "".join(beyond))


def dims_of(cfg, dims):
    """An experiment's network with every hidden layer cfg.hidden wide (the paper's: 100)."""
    return (dims[0], *[cfg.hidden] * (len(dims) - 2), dims[-1])


def distance(net, l, normalize=False):
    """||W_l - B_l^T||_F on the host, (K,); NaN where B_l lacks W_l^T's shape (DFA's B_l^d, n_L wide)."""
    if tuple(net.B[l].shape[-2:]) != tuple(net.W[l].shape[-2:])[::-1]:
        return np.full(len(net.seeds), np.nan)
    return backend.to_host(weight_distance(net, l, normalize=normalize))


def recorder(w1):
    """A callback keeping, at every log, per used layer l: ||W_l - B_l^T||_F, the same for the
    unit-norm matrices (directions only), and (w1) W_1 of network 0 (for the PCA of Fig. 2d, 2f)."""
    rec = {"dist": [], "ndist": [], "W1": []}

    def callback(net, hist):
        rec["dist"].append([distance(net, l) for l in range(1, net.n_layers)])
        rec["ndist"].append([distance(net, l, normalize=True) for l in range(1, net.n_layers)])
        if w1:
            rec["W1"].append(backend.to_host(net.W[1][0]).ravel().copy())
    return rec, callback


def phase(cfg, net, data=None, noise_seed=None, w1=False, label=None):
    """Algorithm 1 (data None) or training on data; every layer's angle, distance, and test accuracy; after
    data, the last epoch's train_loss, train_acc and test_loss (App. B.2; train() measures the training
    set at the last epoch only). label: the condition its progress lines name."""
    rec, cb = recorder(w1)
    if data is None and cfg.n_noise == 0:                  # no Algorithm 1: the untrained network's record
        hist = {"examples": [0], **{f"angle{l}": [a] for l, a in mean_angle(net).items()}}
        cb(net, hist)
        x = np.zeros(1)
    elif data is None:
        hist = pretrain_noise(net, n_examples=cfg.n_noise, seed=cfg.seed if noise_seed is None else noise_seed,
                              lr=cfg.lr, callback=cb, log_every=noise_log_every(cfg), label=label)
        x = np.asarray(hist["examples"], float)
    else:
        hist = train(net, data[0], data[1], X_test=data[2], y_test=data[3], epochs=cfg.epochs, seed=cfg.seed,
                     lr=cfg.lr, callback=cb, train_metrics=False, record_every=every(cfg), label=label)
        x = np.asarray(hist["epoch"]) * cfg.n_train
    angle = np.stack([hist[f"angle{l}"] for l in range(1, net.n_layers)], axis=1)   # (T, layers, K)
    final = {k: np.asarray(hist[k][-1]) for k in ("train_loss", "train_acc", "test_loss") if k in hist}
    return {"x": x, "angle": angle, "dist": np.asarray(rec["dist"]), "ndist": np.asarray(rec["ndist"]),
            "W1": np.asarray(rec["W1"]), "acc": np.asarray(hist.get("test_acc", [np.nan])), **final}


def experiment(cfg, log, key, dims, n, bp=True, order=True, w1=False, probe=None):
    """Noise for FA w/; data for BP, FA w/o, FA w/ (n networks each); then noise after data
    (order control). {condition: its phase record}, plus 'B1' (network 0's B_1^T, flattened).
    probe(stage, net, data), if given, looks at the networks: stage 'before' (FA w/ untrained),
    'noise' (after Algorithm 1), then each condition's name after data."""
    data = load(log, key, "this experiment skipped", cfg=cfg)
    if data is None:
        return None
    data = (*subset(*data[:2], cfg.n_train, seed=cfg.seed, balanced=True),
            *subset(*data[2:], cfg.n_test, seed=cfg.seed, balanced=True))
    nets = {c: MLP(dims, rule="bp" if c == "BP" else cfg.rule, seed=seeds(cfg, n), init=cfg.init, gain=cfg.init_gain)
            for c in CONDS if bp or c != "BP"}
    probe = probe or (lambda stage, net, data: None)
    probe("before", nets["FA w/"], data)
    out = {"noise": phase(cfg, nets["FA w/"], w1=w1, label="FA w/"),
           "B1": backend.to_host(nets["FA w/"].B[1][0]).T.ravel()}
    probe("noise", nets["FA w/"], data)
    for c, net in nets.items():
        if c == "FA w/" and cfg.n_noise == 0:       # no Algorithm 1: FA w/ is FA w/o (same W, B, rule, data order),
            net.theta[...] = nets["FA w/o"].theta   # so training it again would give the same bits: FA w/o's result
            out[c] = copy.deepcopy(out["FA w/o"])
        else:
            out[c] = phase(cfg, net, data, w1=w1, label=c)
    for c, net in nets.items():
        probe(c, net, data)
    if order:
        net_dn = nets["FA w/o"].copy()                         # data -> noise, on a noise stream of its own
        out["data -> noise"] = phase(cfg, net_dn, noise_seed=cfg.seed + 1, w1=w1, label="data -> noise")
        out["data -> noise"]["acc"] = np.asarray([evaluate(net_dn, *data[2:])[1]])
    for c in nets:
        out[c]["auc"] = 100 * auc(out[c]["acc"], x=out[c]["x"] / cfg.n_train)
    return out


def pca(r, segments):
    """The PCA of network 0's W_1 along the segments' paths, one after another: each segment's
    2-D coordinates, B_1^T's point in the same plane, the explained variance of the two axes."""
    coords, ref, explained = pca_trajectory(np.concatenate([r[c]["W1"] for c in segments]), reference=r["B1"])
    ends = np.cumsum([len(r[c]["W1"]) for c in segments])[:-1]
    return {"coords": dict(zip(segments, np.split(coords, ends))), "ref": ref, "explained": explained}


def summary(r, pca_panels):
    """An experiment's numbers: the summaries (auc, final_acc, angle_end, acc_curve_mean), every
    phase's curves without W_1 ('runs'), and the PCA panels ('pca')."""
    return {"auc": {c: describe(r[c]["auc"]) for c in CONDS if c in r},
            "final_acc": {c: describe(end(r, c, "acc")) for c in (*CONDS, "data -> noise") if c in r},
            "angle_end": {c: [describe(a) for a in r[c]["angle"][-1]]
                          for c in ("noise", "FA w/o", "FA w/", "data -> noise") if c in r},
            "acc_curve_mean": {c: r[c]["acc"].mean(1).tolist() for c in CONDS if c in r},
            "runs": {c: {k: v for k, v in rec.items() if k != "W1"} for c, rec in r.items() if c != "B1"},
            "pca": {panel: pca(r, segs) for panel, segs in pca_panels.items()}}


def run(cfg):
    """{experiment: None (its data absent) or {'auc', 'final_acc', 'angle_end', 'acc_curve_mean':
    summaries, 'runs': {phase: {'x', 'angle' (T, layers, K), 'dist', 'ndist' (T, layers, K),
    'acc' (T, K), 'auc' (K,)}}, 'pca': {panel: {'coords', 'ref', 'explained'}} (Fig. 2 only)}}."""
    log = Log(cfg)
    if every(cfg) > 1:
        log.deviation(f"not stated in the paper: the test accuracy every {every(cfg)} epochs, the AUC by trapezoids "
                      "over those points (a pass over the test set costs ~30% of an epoch)")
    results = {}
    for name in cfg.experiments:
        (key, dims), appB = EXPERIMENTS[name], name != "Fig. 2"
        print(f"\n{name}: {key}, {'-'.join(map(str, dims_of(cfg, dims)))}", flush=True)
        r = experiment(cfg, log, key, dims_of(cfg, dims), cfg.appB_nets if appB else cfg.nets,
                       not appB or cfg.appB_bp, not appB or cfg.appB_order, w1=not appB)
        results[name] = None if r is None else summary(r, {} if appB else PCA)
    return log.numbers(**results)
