"""Tutorial 5: random-noise training is a pre-regularization (paper Fig. 3, App. C.1-C.6).

Does noise training, before any data, make an FA network simpler, so that it later
generalises better? Before data, Algorithm 1
  Fig. 3b   pulls every readout probability p_c towards chance, 1/C;
  Fig. 3c-d flattens the weights: lower effective rank exp(H(sigma / sum sigma)).
Then on small MNIST training sets:
  Fig. 3e   generalization error (test loss - train loss) against training-set size;
  Fig. 3f   the same against depth;
  Fig. 3g-h Gram matrix (cosine similarity) of hidden features and its effective rank.
Paired t-tests before/after noise (same networks), two-sample t-tests between conditions.

    python tutorials/05_pre_regularization.py [--quick | --lab] [--nets 10] [--init he]
"""
# %% [markdown]
# ## Settings
# %%
import numpy as np  # host-side statistics and plotting only

from minifa import MLP, PAPER, backend, evaluate, pretrain_noise, train
from minifa.analysis import (effective_rank, generalization_error, gram_effective_rank, gram_matrix,
                             hidden_features, readout_probabilities, singular_values)
from minifa.datasets import subset
from minifa.reproduce import claims as C
from minifa.reproduce.plots import band, integer_ticks
from minifa.reproduce.tutorial import Tutorial
from minifa.stats import describe, fmt

run = Tutorial(__doc__, paper=dict(nets=PAPER.n_nets, n_noise=PAPER.n_noise, epochs=500,
                                   sizes=[100, 200, 400, 800, 1600], depths=[2, 3, 4, 5, 6],
                                   depth_size=400, n_probe=1000, n_gram=1000, n_test=10_000),
               quick=dict(nets=2, n_noise=5_000, epochs=3, sizes=[100, 200], depths=[2, 3],
                          depth_size=100, n_probe=200, n_gram=200, n_test=1000),
               init=True, data=("mnist",), flags={"nets": (int, "networks per condition")},
               times={"quick": "5 s", "paper": "11 min"})
cfg = run.cfg
seeds = [cfg.seed + k for k in range(cfg.nets)]
CLASSES = 10
run.settings(f"FA 784-100-10, {cfg.n_noise} noise examples, batch 64, Adam lr 1e-4, {cfg.init} init; "
             f"MNIST sizes {cfg.sizes}, {cfg.epochs} epochs, test {cfg.n_test}; n={cfg.nets} nets "
             f"(depth sweep {cfg.depths} layers at size {cfg.depth_size}, n={cfg.nets})")
data = run.load("mnist", "Fig. 3b probed with noise, Fig. 3e-h skipped")
if data is not None and cfg.n_test < len(data[3]):
    data = (*data[:2], *subset(*data[2:], cfg.n_test, seed=cfg.seed, balanced=True))


def dims(depth):
    """`depth` weight layers: 784, then depth-1 hidden layers of 100, then 10 (App. C)."""
    return [784] + [100] * (depth - 1) + [CLASSES]


# %% [markdown]
# ## Train: Algorithm 1, tracking the effective rank of every W_l
# %%
def noise_pretrained(depth, record=None):
    """FA networks of `depth` layers after Algorithm 1; record: list for (examples, erank W_l)."""
    net = MLP(dims(depth), rule="fa", seed=seeds, init=cfg.init)

    def cb(net, hist):
        record.append([hist["examples"][-1]] + [backend.to_host(effective_rank(W)) for W in net.W])
    if record is not None:
        cb(net, {"examples": [0]})
    pretrain_noise(net, n_examples=cfg.n_noise, seed=cfg.seed, callback=cb if record is not None else None,
                   log_every=max(1, -(-cfg.n_noise // 64) // (5 if run.size == "quick" else 20)))
    return net


net_rand, erank_log = MLP(dims(2), rule="fa", seed=seeds, init=cfg.init), []
net_noise = noise_pretrained(2, erank_log)
probe_name = "MNIST test images" if data else "fresh N(0, I) noise"
X_probe = data[2][:cfg.n_probe] if data else backend.to_host(backend.rng(cfg.seed + 1).standard_normal((cfg.n_probe, 784)))

# %% [markdown]
# ## Measure and test: readout (Fig. 3b), spectra and effective rank (Fig. 3c-d)
# %%
nets0 = {"random": net_rand, "noise": net_noise}
p = {k: backend.to_host(readout_probabilities(n, X_probe)) for k, n in nets0.items()}
dev = {k: np.abs(v - 1 / CLASSES).mean(axis=(-2, -1)) for k, v in p.items()}    # (K,): mean |p_c - 1/C|
print(f"Fig. 3b: readout probabilities on {cfg.n_probe} {probe_name}, mean |p_c - 1/C| per network")
print(f"  random init:          {C.pm(dev['random'], digits=4)}\n  after noise training: {C.pm(dev['noise'], digits=4)}")
lower = dict(larger=False, paired=True)
claims = [C.compare("fig3b_readout", "After random-noise training each readout probability approaches the "
                    f"chance level 1/C (smaller mean |p_c - 1/C| on {probe_name}).", dev["noise"], dev["random"],
                    ("after noise", "random init"), digits=4, **lower)]
sv = {k: [backend.to_host(singular_values(W)) for W in n.W] for k, n in nets0.items()}
er = {k: [backend.to_host(effective_rank(W)) for W in n.W] for k, n in nets0.items()}
print("\nFig. 3c-d: effective rank exp(H(sigma / sum sigma)) per network")
for l, full in enumerate(min(a, b) for a, b in zip(dims(2)[1:], dims(2)[:-1])):
    print(f"  W_{l} (full rank {full}): random {fmt(er['random'][l])} -> after noise {fmt(er['noise'][l])}")
    claims.append(C.compare(f"fig3d_erank_W{l}", f"Random-noise training lowers the effective rank of the "
                            f"weights W_{l} (pre-regularization).", er["noise"][l], er["random"][l],
                            ("after noise", "random init"), **lower))
numbers = {"probe": probe_name, "readout_dev": {k: describe(v) for k, v in dev.items()},
           "erank": {k: [describe(e) for e in v] for k, v in er.items()},
           "erank_during_noise": {"examples": [int(r[0]) for r in erank_log],
                                  "mean": [[float(np.mean(e)) for e in r[1:]] for r in erank_log]}}


# %% [markdown]
# ## Train on data and test: generalization error by size (Fig. 3e) and depth (3f), Gram rank (3h)
# %%
def fit(net, X, y):
    """Train `cfg.epochs` on (X, y); generalization error, test accuracy, Gram rank per network."""
    hist = train(net, X, y, epochs=cfg.epochs, seed=cfg.seed)
    test_loss, test_acc = evaluate(net, data[2], data[3])
    gen = generalization_error({"train_loss": hist["train_loss"][-1:], "test_loss": [test_loss]})
    return {"gen": gen, "test_acc": np.asarray(test_acc), "net": net,
            "gram_erank": backend.to_host(gram_effective_rank(hidden_features(net, data[2][:cfg.n_gram])))}


def show(label, results):
    print(f"  {label}: " + ";  ".join(f"{k} {C.pm(r['gen'], digits=3)} (test acc {100 * r['test_acc'].mean():.1f}%)"
                                      for k, r in results.items()))


def summary(res, key):
    return {str(k): {c: describe(r[key]) for c, r in v.items()} for k, v in res.items()}


res_size, res_depth = {}, {}
if data is not None:
    print(f"\nFig. 3e: generalization error (test loss - train loss) after {cfg.epochs} epochs")
    for n in cfg.sizes:
        X, y = subset(*data[:2], n, seed=cfg.seed, balanced=True)
        res_size[n] = {"BP": fit(MLP(dims(2), rule="bp", seed=seeds, init=cfg.init), X, y),
                       "FA w/o": fit(MLP(dims(2), rule="fa", seed=seeds, init=cfg.init), X, y),
                       "FA w/": fit(net_noise.copy(), X, y)}
        show(f"n = {n:>4}", res_size[n])
        claims.append(C.compare(f"fig3e_generr_n{n}", f"Noise pretraining reduces the generalization error "
                                f"(test - train loss) of FA trained on {n} MNIST images.", res_size[n]["FA w/"]["gen"],
                                res_size[n]["FA w/o"]["gen"], ("FA w/", "FA w/o"), larger=False, digits=3))
    print(f"\nFig. 3f: generalization error against depth (training set {cfg.depth_size}, n={cfg.nets} nets)")
    X, y = subset(*data[:2], cfg.depth_size, seed=cfg.seed, balanced=True)
    for d in cfg.depths:
        if d == 2 and cfg.depth_size in res_size:                 # already trained above
            res_depth[d] = {k: res_size[cfg.depth_size][k] for k in ("FA w/o", "FA w/")}
        else:
            res_depth[d] = {"FA w/o": fit(MLP(dims(d), rule="fa", seed=seeds, init=cfg.init), X, y),
                            "FA w/": fit(noise_pretrained(d), X, y)}
        show(f"{d} layers", res_depth[d])
        claims.append(C.compare(f"fig3f_generr_depth{d}", f"Noise pretraining reduces the generalization "
                                f"error of a {d}-layer FA network (trained on {cfg.depth_size} images).",
                                res_depth[d]["FA w/"]["gen"], res_depth[d]["FA w/o"]["gen"], ("FA w/", "FA w/o"),
                                larger=False, digits=3))
    print(f"\nFig. 3h: effective rank of the Gram matrix of hidden features ({cfg.n_gram} test images)")
    for n in cfg.sizes:
        print(f"  n = {n:>4}: " + ";  ".join(f"{k} {fmt(r['gram_erank'])}" for k, r in res_size[n].items()))
    g = res_size[cfg.depth_size] if cfg.depth_size in res_size else res_depth[2]
    claims.append(C.compare("fig3h_gram_erank", "Networks pretrained with noise learn lower-rank representations: "
                            "the Gram matrix of hidden features of test images has a lower effective rank for "
                            f"FA w/ than FA w/o (trained on {cfg.depth_size} images).", g["FA w/"]["gram_erank"],
                            g["FA w/o"]["gram_erank"], ("FA w/", "FA w/o"), larger=False))
    numbers.update({"generalization_error_by_size": summary(res_size, "gen"),
                    "test_acc_by_size": summary(res_size, "test_acc"),
                    "gram_erank_by_size": summary(res_size, "gram_erank"),
                    "generalization_error_by_depth": summary(res_depth, "gen"),
                    "test_acc_by_depth": summary(res_depth, "test_acc")})

# %% [markdown]
# ## Plot: Fig. 3b-h
# %%
fig, ax = run.figure(2, 4, size=(20, 9))
ax = ax.ravel()
bins = np.linspace(0, max(p["random"].max(), p["noise"].max()), 60)
for k, label in (("random", "random init"), ("noise", "after noise training")):
    ax[0].hist(p[k].ravel(), bins=bins, alpha=0.6, density=True, label=label)
ax[0].axvline(1 / CLASSES, color="k", ls=":", label="chance 1/C")
ax[0].set(xlabel=f"readout probability p_c ({probe_name})", ylabel="density", yscale="log",
          title=f"Fig. 3b (paired p = {claims[0]['p']:.1e})")
ax[0].legend(fontsize=8)
for l in range(2):
    for k, label in (("random", "random init"), ("noise", "after noise training")):
        s = sv[k][l] / sv[k][l].sum(axis=-1, keepdims=True)
        band(ax[1 + l], np.arange(1, s.shape[-1] + 1), s.T, label)
    ax[1 + l].set(xlabel="index i", ylabel="sigma_i / sum sigma", yscale="log",
                  title=f"Fig. 3c: spectrum of W_{l}; erank {np.mean(er['random'][l]):.1f} -> {np.mean(er['noise'][l]):.1f}")
    ax[1 + l].legend(fontsize=8)
ex = np.asarray([r[0] for r in erank_log], float) / 1e3
for l in range(2):
    full = min(dims(2)[l], dims(2)[l + 1])
    band(ax[3], ex, np.stack([r[1 + l] for r in erank_log]) / full, f"W_{l} (full rank {full})", color=f"C{3 + l}")
ax[3].set(xlabel="noise examples (thousands)", ylabel="effective rank / full rank",
          title="Fig. 3d: effective rank during noise training")
ax[3].legend(fontsize=8)
if data is None:
    for a in ax[4:]:
        a.text(0.5, 0.5, "MNIST not available:\nsee the printed message", ha="center", va="center")
        a.set_axis_off()
else:
    for k in ("BP", "FA w/o", "FA w/"):
        band(ax[4], cfg.sizes, [res_size[n][k]["gen"] for n in cfg.sizes], k, marker="o", ls="--" if k == "BP" else "-")
        band(ax[7], cfg.sizes, [res_size[n][k]["gram_erank"] for n in cfg.sizes], k, marker="o", ls="--" if k == "BP" else "-")
    for k in ("FA w/o", "FA w/"):
        band(ax[5], cfg.depths, [res_depth[d][k]["gen"] for d in cfg.depths], k, marker="o")
    integer_ticks(ax[5])
    ax[4].set(xscale="log", xlabel="training-set size", ylabel="test loss - train loss",
              title=f"Fig. 3e: generalization error ({cfg.epochs} epochs)")
    ax[5].set(xlabel="number of weight layers", ylabel="test loss - train loss",
              title=f"Fig. 3f: generalization error vs depth (size {cfg.depth_size})")
    ax[7].set(xscale="log", xlabel="training-set size", ylabel="effective rank of Gram matrix",
              title="Fig. 3h: representation rank (test images)")
    order = np.argsort(data[3][:cfg.n_gram], kind="stable")[:: max(1, cfg.n_gram // 200)]
    Xg = data[2][:cfg.n_gram][order]
    G = [backend.to_host(gram_matrix(hidden_features(g[k]["net"], Xg)))[0] for k in ("FA w/o", "FA w/")]
    gap = np.full((len(order), max(2, len(order) // 20)), np.nan)
    im = ax[6].imshow(np.concatenate([G[0], gap, G[1]], axis=1), vmin=0, vmax=1, cmap="viridis")
    ax[6].set(title=f"Fig. 3g: Gram matrix, network 0 (size {cfg.depth_size})\nFA w/o (left) | FA w/ (right)",
              xticks=[], yticks=[], ylabel="test images sorted by class")
    fig.colorbar(im, ax=ax[6], fraction=0.046)
    for a in (ax[4], ax[5], ax[7]):
        a.legend(fontsize=8)
run.finish(fig, claims, numbers)
