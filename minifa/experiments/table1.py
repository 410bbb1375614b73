"""Tutorial 8: test accuracy of BP, FA w/o and FA w/ on every dataset present (paper Table 1, App. B).

One row per dataset present (input-100-classes) and per cfg.deep row (deeper nets: extras, ours;
the appendix has no such table):
cfg.trials networks per condition, trained for cfg.epochs; the claims: FA w/ > FA w/o per row
(two-sample t-tests), an 'absent' record per dataset not present. The narrative is
tutorials/08_table1.py.
"""
import numpy as np  # host-side arithmetic only

from .. import MLP, pretrain_noise, train
from ..datasets import split_status, subset
from . import claims as C
from .common import Log, noise_log_every, seeds, sizes
from .common import load as load_data

NAME, NUM, STEM = "table1", "08", "08_table1"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
DATASETS = {"MNIST": "mnist", "F-MNIST": "fashion-mnist", "CIFAR-10": "cifar10", "CIFAR-100": "cifar100", "STL-10": "stl10"}
CONDS = ("BP", "FA w/o", "FA w/")
TAKES_INIT, DATA = True, tuple(DATASETS.values())
FLAGS = {"epochs": (int, "training epochs"), "deep": (str, "dataset:weight-layers of deeper rows (extras), or ''")}
TIMES = {"quick": "15 s", "lab": "110 s", "paper": "15 min"}


def settings_text(cfg):
    """None shared: each row's claim carries its own network and training-set size."""
    return ""


def row_settings(cfg, dims, n_train):
    return (f"{'-'.join(map(str, dims))}, {cfg.init} init, {cfg.trials} independent trials, {n_train} train images, "
            f"{cfg.epochs} epochs, batch 64, Adam lr 1e-4; FA w/: Algorithm 1 with {cfg.n_noise} noise examples")


def load_dataset(cfg, log, name, key):
    """(X, y, Xt, yt), cut to cfg.n_train images (and as many test images) when set; None when
    absent (noted)."""
    status = split_status(key)
    if status.get("test") != "complete" or status.get("train") != "complete":
        log.note(f"{name}: absent (train {status.get('train')}, test {status.get('test')}) - not run")
        return None
    data = load_data(log, key, "not run", cfg=cfg)
    if data is not None and cfg.n_train:
        data = (*subset(*data[:2], cfg.n_train, seed=cfg.seed), *subset(*data[2:], min(cfg.n_train, len(data[3])), seed=cfg.seed))
    return data


def jobs(cfg):
    """(row label, dataset key, weight layers): every dataset at depth 2, then cfg.deep's rows."""
    out = [(name, key, 2) for name, key in DATASETS.items()]
    return out + [(next(n for n, k in DATASETS.items() if k == key) + f" {depth}-layer", key, int(depth))
                  for key, depth in (s.split(":") for s in filter(None, cfg.deep.split(",")))]


def accuracy_curves(cfg, data, depth, pretrained):
    """Test accuracy (%) after each epoch, (epochs + 1, trials) per condition, and the dims.
    FA w/: Algorithm 1 once per architecture (the noise does not depend on the dataset, kept in
    `pretrained`), then a copy for each dataset; its networks are the first `trials` of Fig. 2's (App.
    B.3's, App. B.4-B.6's), so in a reproduction the run's store gives them (minifa/store.py)."""
    X, y, Xt, yt = data
    dims = [X.shape[1]] + [100] * (depth - 1) + [int(y.max()) + 1]
    nets = {"BP": MLP(dims, rule="bp", seed=seeds(cfg, cfg.trials), init=cfg.init),
            "FA w/o": MLP(dims, rule="fa", seed=seeds(cfg, cfg.trials), init=cfg.init)}
    if tuple(dims) not in pretrained:
        pretrained[tuple(dims)] = MLP(dims, rule="fa", seed=seeds(cfg, cfg.trials), init=cfg.init)
        pretrain_noise(pretrained[tuple(dims)], n_examples=cfg.n_noise, seed=cfg.seed, label="FA w/",
                       log_every=noise_log_every(cfg))      # no record kept: Fig. 2's call (store.py)
    nets["FA w/"] = pretrained[tuple(dims)].copy()
    curves = {}
    for c in CONDS:
        print(f"  {c} ...")
        hist = train(nets[c], X, y, X_test=Xt, y_test=yt, epochs=cfg.epochs, seed=cfg.seed, train_metrics=False,
                     label=c)
        curves[c] = 100 * np.asarray(hist["test_acc"])
    return dims, curves


def run(cfg):
    """{'results': per row {'dataset', 'dims', 'n_train', condition: final test accuracy % per
    trial}, 'curves': {row: {condition: (epochs + 1, trials) test accuracy %}}, 'curves_mean',
    'absent': the datasets not run, 'markdown': Table 1 as a markdown table, 'trials', 'epochs'}."""
    log, pretrained = Log(cfg), {}
    data = {key: load_dataset(cfg, log, name, key) for name, key in DATASETS.items()}
    results, curves = [], {}
    for label, key, depth in jobs(cfg):
        if data[key] is not None:
            print(f"{label}: {len(data[key][0])} train / {len(data[key][2])} test images ...")
            dims, curves[label] = accuracy_curves(cfg, data[key], depth, pretrained)
            results.append({"dataset": label, "dims": dims, "n_train": len(data[key][0]),
                            **{c: curves[label][c][-1].tolist() for c in CONDS}})
    slopes = {label: max(np.mean(cv[c][-1] - cv[c][-6]) / 5 for c in CONDS)
              for label, cv in curves.items() if cfg.epochs >= 5}
    log.deviation(f"the paper gives no epoch count for Table 1: ours is {cfg.epochs}, chosen by the test-accuracy curves "
                  "(figure, top row)" + (": over their last 5 epochs they rose by at most " + ", ".join(
                      f"{v:.2f} points an epoch on {k}" for k, v in slopes.items()) if slopes else ""))
    numbers = log.numbers(trials=cfg.trials, epochs=cfg.epochs, results=results, curves=curves,
                          curves_mean={label: {c: cv[c].mean(1).tolist() for c in CONDS} for label, cv in curves.items()},
                          absent=[n for n, k in DATASETS.items() if data[k] is None])
    return {"markdown": markdown(numbers, cfg), **numbers}


def row_claim(r, cfg):
    """The claim of one row: FA w/ more accurate than FA w/o (BP's accuracy added to 'ours')."""
    cl = C.compare(f"table1_{r['dataset'].lower().replace(' ', '_')}", f"{'Table 1' if len(r['dims']) == 3 else 'extra'}: "
                   f"on {r['dataset']}, FA w/ (noise-pretrained) is more accurate than FA w/o", r["FA w/"], r["FA w/o"],
                   ("FA w/", "FA w/o"), unit=" %", ref="table1" if len(r["dims"]) == 3 else "appB_table")
    cl["ours"] += f"; BP: {C.pm(r['BP'], ' %')}"
    cl["settings"] = row_settings(cfg, r["dims"], r["n_train"])
    return cl


def claims(numbers, cfg):
    """One claim per row run, then one 'absent' record per dataset not run."""
    return [row_claim(r, cfg) for r in numbers["results"]] + [
        C.claim(f"table1_{name.lower()}", f"Table 1: on {name}, FA w/ is more accurate than FA w/o",
                "— (dataset absent)", "not run", None, None, False, absent=True, ref="table1") for name in numbers["absent"]]


def markdown(numbers, cfg):
    """Table 1 as a markdown table: mean ± sd per condition, t and p (FA w/ vs FA w/o)."""
    lines = ["| dataset | network | BP (%) | FA w/o (%) | FA w/ (%) | t (w/ vs w/o) | p |", "|---|---|---|---|---|---|---|"]
    for r in numbers["results"]:
        cl = row_claim(r, cfg)
        lines.append(f"| {r['dataset']} | {'-'.join(map(str, r['dims']))} | " + " | ".join(C.pm(r[c]) for c in CONDS)
                     + f" | {cl['t']:.2f} | {cl['p']:.2g} |")
    lines += [f"| {name} | — | absent | absent | absent | — | — |" for name in numbers["absent"]]
    return "\n".join(lines)
