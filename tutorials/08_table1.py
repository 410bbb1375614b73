"""Tutorial 8: test accuracy of BP, FA w/o and FA w/ on every dataset present (paper Table 1, App. B).

Does noise pretraining make FA more accurate on real image datasets? Table 1: a two-layer
network (input-100-classes) trained by backpropagation (BP), by feedback alignment (FA w/o),
and by feedback alignment after Algorithm 1 (FA w/); Adam lr 1e-4, batch 64; mean ± sd of
3 trials (3 stacked networks per condition). Datasets: MNIST, Fashion-MNIST, CIFAR-10,
CIFAR-100, STL-10; an absent one is listed as absent, never replaced. App. B repeats the
comparison with deeper networks (more hidden layers of 100).

    python tutorials/08_table1.py [--quick | --lab] [--epochs 10] [--deep mnist:3,cifar10:3]
"""
# %% [markdown]
# ## Settings
# %%
import numpy as np  # host-side tables and plotting only

from minifa import MLP, PAPER, evaluate, pretrain_noise, train
from minifa.datasets import split_status, subset
from minifa.reproduce import claims as C
from minifa.reproduce.plots import COLORS
from minifa.reproduce.tutorial import Tutorial

run = Tutorial(__doc__, paper=dict(trials=3, epochs=10, deep_epochs=5, deep="mnist:3,cifar10:3", n_noise=PAPER.n_noise),
               quick=dict(trials=2, epochs=1, deep_epochs=1, deep="mnist:3", n_noise=10_000), init=True,
               data=("mnist", "fashion-mnist", "cifar10", "cifar100", "stl10"),
               flags={"epochs": (int, "training epochs, Table 1"), "deep": (str, "dataset:weight-layers for App. B")},
               times={"quick": "10 s", "paper": "10 min"})
cfg = run.cfg
run.deviation("the paper gives no epoch count for Table 1: ours are chosen for time (--epochs to change)")
CONDS, DATASETS = ("BP", "FA w/o", "FA w/"), {"MNIST": "mnist", "F-MNIST": "fashion-mnist", "CIFAR-10": "cifar10",
                                              "CIFAR-100": "cifar100", "STL-10": "stl10"}
seeds, pretrained = list(range(cfg.seed, cfg.seed + cfg.trials)), {}


def load_dataset(name, key):
    """(X, y, Xt, yt), or None when absent. Partial train splits are used and noted."""
    status = split_status(key)
    if status.get("test") != "complete" or status.get("train") == "missing":
        run.note(f"{name}: absent (train {status.get('train')}, test {status.get('test')}) - not run")
        return None
    data = run.load(key, "not run", allow_partial=True)          # present but unreadable: noted
    if data is not None and status["train"] == "partial":
        run.note(f"{name}: train split partial, {len(data[0])} images used (the rest is absent)")
    if data is not None and run.size == "quick":
        data = (*subset(*data[:2], 2000, seed=cfg.seed), *subset(*data[2:], 1000, seed=cfg.seed))
    return data


# %% [markdown]
# ## Train: each dataset, each condition (Algorithm 1 once per architecture)
# %%
def noise_pretrained(dims):
    """FA w/ networks for `dims`: Algorithm 1 once per architecture (the noise does not depend
    on the dataset), then a copy for each dataset."""
    if tuple(dims) not in pretrained:
        pretrained[tuple(dims)] = MLP(dims, rule="fa", seed=seeds, init=cfg.init)
        pretrain_noise(pretrained[tuple(dims)], n_examples=cfg.n_noise, seed=cfg.seed)
    return pretrained[tuple(dims)].copy()


def accuracy(data, depth, epochs):
    """Test accuracy (%) of the three conditions, `trials` networks each: (dims, {cond: array})."""
    X, y, Xt, yt = data
    dims = [X.shape[1]] + [100] * (depth - 1) + [int(y.max()) + 1]
    nets = {"BP": MLP(dims, rule="bp", seed=seeds, init=cfg.init),
            "FA w/o": MLP(dims, rule="fa", seed=seeds, init=cfg.init), "FA w/": noise_pretrained(dims)}
    for c in CONDS:
        train(nets[c], X, y, epochs=epochs, seed=cfg.seed)
    return dims, {c: 100 * np.array(evaluate(nets[c], Xt, yt)[1]) for c in CONDS}


data = {key: load_dataset(name, key) for name, key in DATASETS.items()}
jobs = [(name, key, 2, cfg.epochs) for name, key in DATASETS.items()]
jobs += [(next(n for n, k in DATASETS.items() if k == key) + f" {depth}-layer", key, int(depth), cfg.deep_epochs)
         for key, depth in (s.split(":") for s in filter(None, cfg.deep.split(",")))]
results = []
for label, key, depth, epochs in jobs:
    if data[key] is not None:
        print(f"{label}: {len(data[key][0])} train / {len(data[key][2])} test examples ...")
        dims, acc = accuracy(data[key], depth, epochs)
        results.append({"dataset": label, "dims": dims, "epochs": epochs, "n_train": len(data[key][0]),
                        **{c: acc[c].tolist() for c in CONDS}})

# %% [markdown]
# ## Test: FA w/ more accurate than FA w/o, per dataset and depth
# %%
claims, lines = [], ["| dataset | network | BP (%) | FA w/o (%) | FA w/ (%) | t (w/ vs w/o) | p |", "|---|---|---|---|---|---|---|"]
for r in results:
    net = "-".join(map(str, r["dims"]))
    cl = C.compare(f"table1_{r['dataset'].lower().replace(' ', '_')}", f"{'Table 1' if len(r['dims']) == 3 else 'App. B'}: "
                   f"on {r['dataset']}, FA w/ (noise-pretrained) is more accurate than FA w/o", r["FA w/"], r["FA w/o"],
                   ("FA w/", "FA w/o"), unit=" %")
    cl["ours"] += f"; BP: {C.pm(r['BP'], ' %')}"
    cl["settings"] = (f"{net}, {cfg.init} init, {cfg.trials} trials (seeds {seeds[0]}..{seeds[-1]}), {r['n_train']} train "
                      f"examples, {r['epochs']} epochs, batch 64, Adam lr 1e-4; FA w/: Algorithm 1 with {cfg.n_noise} "
                      "N(0, I) noise examples")
    claims.append(cl)
    lines.append(f"| {r['dataset']} | {net} | " + " | ".join(C.pm(r[c]) for c in CONDS) + f" | {cl['t']:.2f} | {cl['p']:.2g} |")
lines += [f"| {name} | — | absent | absent | absent | — | — |" for name, key in DATASETS.items() if data[key] is None]
table = "\n".join(lines)
print("\nTable 1 (test accuracy %, mean ± sd over trials; t, p: two-sample t-test FA w/ vs FA w/o)\n\n" + table)

# %% [markdown]
# ## Plot: accuracies, and the gain from noise pretraining
# %%
fig, ax = run.figure(1, 2, size=(max(10, 3.2 * len(results) + 3), 4.6))
ax, x, w = ax[0], np.arange(len(results)), 0.27
labels = [f"{r['dataset']}\n{'-'.join(map(str, r['dims']))}" for r in results]
for i, c in enumerate(CONDS):
    ax[0].bar(x + (i - 1) * w, [np.mean(r[c]) for r in results], w, yerr=[np.std(r[c], ddof=1) for r in results],
              capsize=2, label=c, color=COLORS[c])
ax[0].set_xticks(x, labels, fontsize=8)
ax[0].set(ylabel="test accuracy (%)", ylim=(0, 105), title=f"Table 1 / App. B: mean ± sd of {cfg.trials} trials "
          f"(absent: {', '.join(n for n, k in DATASETS.items() if data[k] is None) or 'none'})")
ax[0].legend(ncol=3, loc="upper right")
gain = [np.mean(r["FA w/"]) - np.mean(r["FA w/o"]) for r in results]
se = [np.sqrt(np.var(r["FA w/"], ddof=1) / len(r["FA w/"]) + np.var(r["FA w/o"], ddof=1) / len(r["FA w/o"])) for r in results]
ax[1].bar(x, gain, yerr=se, capsize=3, color=[COLORS["FA w/"] if c["reproduced"] else "0.6" for c in claims])
ax[1].axhline(0, color="k", lw=0.8)
ax[1].set_xticks(x, labels, fontsize=8)
ax[1].set(ylabel="FA w/ minus FA w/o (accuracy points)", title="gain from noise pretraining (± s.e.; coloured: p < 0.05)")
run.finish(fig, claims, {"markdown": table, "results": results, "trials": cfg.trials, "n_noise": cfg.n_noise,
                         "absent": [n for n, k in DATASETS.items() if data[k] is None]})
