"""Tutorial 6: noise-pretrained FA networks generalise better out of distribution (paper Fig. 4, App. C.7-C.8).

BP, FA w/o and FA w/ (FA after Algorithm 1), cfg.nets networks each from the same initial W
and B, trained on MNIST and tested on MNIST, on MNIST translated, scaled and rotated (Fig. C.7)
and on USPS (Fig. C.8); the claims: FA w/ > FA w/o on each test set (two-sample t-tests).
The narrative is tutorials/06_out_of_distribution.py.
"""
import numpy as np  # host-side arithmetic only

from .. import MLP, evaluate, pretrain_noise, train
from ..datasets import DataError, load, rotate, scale, subset, translate
from . import claims as C
from .common import Log, every, noise_log_every, seeds, sizes
from .common import scale as scale_inputs
from .common import load as load_data

NAME, NUM, STEM = "fig4", "06", "06_out_of_distribution"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
TAKES_INIT, DATA, FLAGS = True, ("mnist", "usps"), {"nets": (int, "networks per condition")}
TIMES = {"quick": "10 s", "lab": "41 s", "paper": "4 min"}
N_IMAGES = 4          # test images per test set kept for the figure


def conditions(cfg):
    """The conditions trained: BP (when cfg.bp), FA w/o, FA w/."""
    return ("BP", "FA w/o", "FA w/") if cfg.bp else ("FA w/o", "FA w/")


def settings_text(cfg):
    return (f"{'-'.join(map(str, cfg.dims))}, {cfg.init} init, n = {cfg.nets} independent networks per condition, "
            f"MNIST train: {cfg.n_train} images (balanced), {cfg.epochs} epochs, batch 64, Adam lr 1e-4; FA w/: "
            f"Algorithm 1 with {cfg.n_noise} noise examples; test: {cfg.n_test} MNIST test images, transformed with "
            f"seed {cfg.seed}; USPS test set (2,007) resized 16x16 -> 28x28; MNIST test accuracy while training: "
            f"{cfg.n_curve} test images (balanced) every {every(cfg)} epoch(s), as Fig. 2")


def ink_height(X):
    """Mean height (pixels) of the rows holding ink (> 0.3) in 28x28 images."""
    rows = (X.reshape(-1, 28, 28) > 0.3).any(axis=2)
    tops, bottoms = rows.argmax(axis=1), 27 - rows[:, ::-1].argmax(axis=1)
    return float(np.mean((bottoms - tops + 1)[rows.any(axis=1)]))


def thumbnail(x):
    """A 784-pixel image in [0, 1] as 784 hex digits (16 grey levels): a figure's thumbnail that
    keeps the JSON small (a list of 784 numbers would take ~8 kB each)."""
    return "".join(f"{v:x}" for v in np.clip(np.round(15 * np.asarray(x, dtype=float)), 0, 15).astype(int))


def pixels(s):
    """thumbnail()'s string back to a (28, 28) image in [0, 1]."""
    return np.array([int(ch, 16) for ch in s], dtype=float).reshape(28, 28) / 15


def test_sets(cfg, log, Xt, yt):
    """({name: (X, y)} of the claims' test sets, {name: (X, y)} of the variants printed only)."""
    sets = {"MNIST": (Xt, yt), "translated": (translate(Xt, seed=cfg.seed), yt),
            "scaled": (scale(Xt, seed=cfg.seed), yt), "rotated": (rotate(Xt, seed=cfg.seed), yt)}
    variants = {}
    try:
        sets["USPS"] = load("usps", "test")                     # the paper's: resized to 28x28
        variants["USPS framed"] = load("usps", "test", resize="frame")
        log.note(f"USPS ink height: {ink_height(sets['USPS'][0]):.1f} px resized as in the paper, "
                 f"{ink_height(variants['USPS framed'][0]):.1f} px framed like MNIST (20x20 box, centred), "
                 f"{ink_height(Xt):.1f} px in MNIST; the framed variant is printed, not a claim")
    except DataError as e:
        log.note(f"USPS absent: its test set is left out ({e})")
    return sets, variants


def run(cfg):
    """{'accuracy': {condition: {test set: (nets,) test accuracy %}}, 'variants': the test sets
    printed but not claimed, 'test_acc': {condition: (records, nets) MNIST test accuracy % while
    training}, 'test_acc_curve': {condition: {'epoch', 'mean'}}, 'images': {test set: its first
    4 test images, as thumbnail() strings}, 'noise_curve': Algorithm 1's mean angle W_1^T vs B_1} (host arrays).
    Without MNIST only Algorithm 1 runs (accuracy empty)."""
    log, conds = Log(cfg), conditions(cfg)
    log.deviation("the text does not give Fig. 4's MNIST training-set size or epochs: ours are those of Fig. 2 "
                  "(5,000 balanced images, 100 epochs)")
    data = load_data(log, "mnist", "Fig. 4 needs it, only Algorithm 1 ran, no claims tested")
    sets, variants = {}, {}
    if data is not None:
        train_set = subset(*data[:2], cfg.n_train, seed=cfg.seed, balanced=True)
        curve_set = subset(*data[2:], cfg.n_curve, seed=cfg.seed, balanced=True)   # Fig. 2's (tutorial 4's) test images
        Xt, yt = data[2][:cfg.n_test], data[3][:cfg.n_test]
        sets, variants = test_sets(cfg, log, Xt, yt)
        if cfg.scaling != "unit":             # every test set as the training images: by MNIST's mean and std
            train_set = (scale_inputs(cfg, data[0], train_set[0]), train_set[1])
            curve_set = (scale_inputs(cfg, data[0], curve_set[0]), curve_set[1])
            sets, variants = ({k: (scale_inputs(cfg, data[0], X), y) for k, (X, y) in d.items()} for d in (sets, variants))
    nets = {c: MLP(cfg.dims, rule="bp" if c == "BP" else "fa", seed=seeds(cfg, cfg.nets), init=cfg.init) for c in conds}
    noise_hist = pretrain_noise(nets["FA w/"], n_examples=cfg.n_noise, seed=cfg.seed, label="FA w/",
                                log_every=noise_log_every(cfg))
    # Fig. 2's calls (App. B.3's network, data, test images, records): in a reproduction these networks are
    # tutorial 4's, trained once (minifa/store.py); the claims test the final networks on the sets below
    hists, acc = {}, {}
    for c in conds if data is not None else ():
        print(f"training {c} on MNIST ...")
        hists[c] = train(nets[c], *train_set, X_test=curve_set[0], y_test=curve_set[1], epochs=cfg.epochs,
                         seed=cfg.seed, train_metrics=False, record_every=every(cfg), label=c)
        acc[c] = {name: 100 * np.array(evaluate(nets[c], *xy)[1]) for name, xy in {**sets, **variants}.items()}
    return log.numbers(
        accuracy=acc, variants=list(variants),
        test_acc={c: 100 * np.array(h["test_acc"]) for c, h in hists.items()},
        test_acc_curve={c: {"epoch": h["epoch"], "mean": np.mean(h["test_acc"], axis=1).tolist()}
                        for c, h in hists.items()},
        images={name: [thumbnail(x) for x in xy[0][:N_IMAGES]] for name, xy in {**sets, **variants}.items()},
        noise_curve={"examples": noise_hist["examples"], "angle": np.mean(noise_hist["angle1"], axis=1)})


TRANSFORMED = ("translated", "scaled", "rotated")      # Fig. 4b's test sets (Fig. C.7)
REFS = {"MNIST": ("fig4a_mnist", "Fig. 4a (extra)"), "USPS": ("fig4c", "Fig. 4c"),
        **{n: ("fig4_each", "Fig. 4b (extra, one set)") for n in TRANSFORMED}}


def what(name):
    """(claim id, statement, claim text) of the comparison on test set `name` ('pooled': Fig. 4b's)."""
    ref, panel = REFS.get(name, ("fig4b", "Fig. 4b") if name == "pooled" else ("fig4_each", "extra"))
    where = "translated, scaled and rotated (pooled: each network's mean)" if name == "pooled" else name
    return ("fig4b_transformed" if name == "pooled" else f"fig4_{name.lower()}", ref,
            f"{panel}: trained on MNIST, FA w/ (noise-pretrained) is more accurate than FA w/o on {where} test images")


def comparisons(numbers):
    """{test set: the claim record FA w/ > FA w/o on it (BP's accuracy added to 'ours')}, the
    printed-only variants included; 'pooled': Fig. 4b's one statement, each network's mean over
    the three transformed sets."""
    acc, out = numbers["accuracy"], {}
    if acc and all(n in acc["FA w/"] for n in TRANSFORMED):
        acc = {c: {**a, "pooled": np.mean([a[n] for n in TRANSFORMED], axis=0)} for c, a in acc.items()}
    for name in acc.get("FA w/", {}):
        cid, ref, text = what(name)
        cl = C.compare(cid, text, acc["FA w/"][name], acc["FA w/o"][name], ("FA w/", "FA w/o"), unit=" %", ref=ref)
        cl["ours"] += f"; BP: {C.pm(acc['BP'][name], ' %')}" if "BP" in acc else ""
        out[name] = cl
    return out


def claims(numbers, cfg):
    """FA w/ more accurate than FA w/o, on MNIST and on each out-of-distribution test set; a test set
    whose data are absent (all without MNIST, USPS's without USPS): its claim as an absent record."""
    made = {name: cl for name, cl in comparisons(numbers).items() if name not in numbers["variants"]}
    missing = "USPS" if numbers["accuracy"] else "MNIST"
    return list(made.values()) + [C.absent(*what(name)[::2], missing, ref=what(name)[1])
                                  for name in ("MNIST", *TRANSFORMED, "USPS", "pooled") if name not in made]
