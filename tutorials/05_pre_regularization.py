"""Tutorial 5: random-noise training is a pre-regularization (paper Fig. 3, App. C.1-C.6).

Does noise training, before any data, make an FA network (784-100-100-10, App. C.1) simpler,
so that it later generalises better? Algorithm 1 brings each readout probability to chance
(Fig. 3b: one readout neuron's p over the 10,000 MNIST test images, one-sample t-test against
1/C, paper: NS) and lowers the effective rank exp(H(sigma / sum sigma)) of the weights (3c-d).
Then on balanced MNIST subsets, 500 epochs, 1,000 test images: Fig. 3e the generalization error
(test - train loss) against training-set size (100-1600), Fig. 3f against depth (2-6 weight
layers, size 1600); Fig. 3g-h the paper's Gram matrix, "the cosine similarity of feature vectors
across neurons", G_ij = cos(f_i, f_j) with f_i neuron i's activations (last hidden layer) over
the test images, and its effective rank against size and depth. FA w/o (random init), FA w/
(same W and B after Algorithm 1), BP with --full: n independent networks each (own noise and
data order); two-sample t-tests FA w/ vs FA w/o.
    python tutorials/05_pre_regularization.py [--quick | --lab | --full] [--nets 10] [--init he]
"""
# %% [markdown]
# ## Settings: 784-100-100-10, 500 epochs, sizes 100-1600, depths 2-6 at 1600, 1,000 test images (App. C.1)
# %%
import time

import numpy as np  # host-side statistics and plotting only

from minifa import MLP, PAPER, backend, pretrain_noise, train
from minifa.analysis import (effective_rank, generalization_error, gram_effective_rank, hidden_features,
                             neuron_gram_effective_rank, neuron_gram_matrix, readout_probabilities,
                             silent_neurons, singular_values)
from minifa.datasets import subset
from minifa.reproduce import claims as C
from minifa.reproduce.plots import COLORS, band
from minifa.reproduce.tutorial import Tutorial
from minifa.stats import describe, fmt, ttest_1samp, ttest_ind, ttest_rel

run = Tutorial(__doc__, paper=dict(nets=PAPER.n_nets, n_noise=PAPER.n_noise, epochs=500,
                                   sizes=[100, 200, 400, 800, 1600], depths=[2, 3, 4, 5, 6], depth_size=1600,
                                   n_test=1000, n_probe=10_000, bp=True),
               lab=dict(nets=5, n_noise=100_000, epochs=100, sizes=[100, 400], depths=[2, 3, 4], depth_size=400, bp=False),
               quick=dict(nets=2, n_noise=5_000, epochs=3, sizes=[100, 200], depths=[2, 3], depth_size=200, n_test=200,
                          n_probe=500), init=True, data=("mnist",), flags={"nets": (int, "networks per condition")},
               budget=dict(bp=False, depths=[2, 4, 6], why="the depth sweep at 2, 4 and 6 layers (3 is the size "
                           "sweep's), and no BP reference in the size sweep (in no claim): ~8 min less"),
               times={"quick": "5 s", "lab": "31 s", "paper": "~18 min (--full: ~25 min)"})
cfg, CLASSES, DEPTH = run.cfg, 10, len(PAPER.dims_deep) - 1     # DEPTH 3: "network depth: 3" (App. C.1)
K, seeds, DEPTHS = cfg.nets, [cfg.seed + k for k in range(cfg.nets)], sorted(set(cfg.depths) | {DEPTH})
run.settings(f"FA {'-'.join(map(str, PAPER.dims_deep))}, {cfg.init} init, Algorithm 1 with {cfg.n_noise} noise "
             f"examples; MNIST balanced training subsets {cfg.sizes}, {cfg.epochs} epochs, batch 64, Adam lr 1e-4, "
             f"{cfg.n_test} test images (balanced); depth sweep {cfg.depths} weight layers at size {cfg.depth_size}; "
             f"n = {K} independent networks per condition (own noise, own data order)")
run.deviation(f"not stated in the paper, our choices: {cfg.init} init; class-balanced subsets; generalization error = "
              "test - train loss after the last epoch; Fig. 3b tests readout neuron 0 of network 0 (the paper shows one "
              f"neuron) and counts the NS ones of all {K} x {CLASSES}; Fig. 3g-h: last hidden layer, the same {cfg.n_test} "
              "test images, silent neurons (never active there: no cosine) left out, counted (rank unchanged)")
if run.size == "lab":
    run.note("--lab: after 100 epochs FA w/o has not yet fitted its training set, so its small test - train gap is "
             "under-fitting, not generalization; Fig. 3e-f's gap needs the paper's 500 epochs (the lab shows 3c-d, 3h)")
data = run.load("mnist", "Fig. 3b probed with N(0, I) noise, Fig. 3e-h skipped")
if data is not None:
    X_test, y_test = subset(*data[2:], cfg.n_test, seed=cfg.seed, balanced=True)
pre, erank_log = {}, []                         # Algorithm 1's networks per depth; Fig. 3d's record


def dims(depth):
    """`depth` weight layers: 784, then depth-1 hidden layers of 100, then 10 (App. C.1)."""
    return [784] + [100] * (depth - 1) + [CLASSES]


# %% [markdown]
# ## Train: Algorithm 1 once per depth, tracking the effective rank of every W_l at depth 3
# %%
def noise_pretrained(depth):
    """The K FA networks of `depth` layers after Algorithm 1 (trained once, then copied)."""
    if depth not in pre:
        print(f"Algorithm 1: {'-'.join(map(str, dims(depth)))}, {K} networks, {cfg.n_noise} noise examples", flush=True)
        net = MLP(dims(depth), rule="fa", seed=seeds, init=cfg.init)

        def log(net, hist):        # Fig. 3d: (examples seen, effective rank of each W_l), depth 3 only
            erank_log.append([hist["examples"][-1]] + [backend.to_host(effective_rank(W)) for W in net.W])
        pretrain_noise(net, n_examples=cfg.n_noise, seed=cfg.seed, callback=log if depth == DEPTH else None,
                       log_every=max(1, -(-cfg.n_noise // 64) // (5 if run.size == "quick" else 25)))
        pre[depth] = net
    return pre[depth]


# %% [markdown]
# ## Measure and test: one readout neuron against chance (Fig. 3b), spectra and effective rank (3c-d)
# %%
before, after = "FA w/o (random init)", "FA w/ (after noise)"
nets0 = {before: MLP(dims(DEPTH), rule="fa", seed=seeds, init=cfg.init), after: noise_pretrained(DEPTH)}
probe = "MNIST test images" if data else "N(0, I) noise inputs"
X_probe = data[2][:cfg.n_probe] if data else backend.to_host(backend.rng(cfg.seed + 1).standard_normal((cfg.n_probe, 784)))
p = {k: backend.to_host(readout_probabilities(n, X_probe)) for k, n in nets0.items()}     # (K, images, C)
print(f"\nFig. 3b: readout probability of each neuron over {len(X_probe)} {probe}, one-sample t-test against 1/C")
for k, q in p.items():
    t = ttest_1samp(q[0, :, 0], 1 / CLASSES)
    ns = sum(ttest_1samp(q[i, :, c], 1 / CLASSES)["p"] >= 0.05 for i in range(K) for c in range(CLASSES))
    print(f"  {k:<21} neuron 0 of network 0: {fmt(q[0, :, 0], digits=4)}, t = {t['t']:.2f}, p = {t['p']:.2e};"
          f"  NS (p >= 0.05): {ns} of {K * CLASSES} neurons")
dev = {k: np.abs(q - 1 / CLASSES).mean(axis=(1, 2)) for k, q in p.items()}       # (K,): mean |p_c - 1/C|
t = ttest_rel(dev[after], dev[before])
print(f"  (extra, not a claim) mean |p_c - 1/C| over images and neurons, per network: {C.pm(dev[before], digits=4)} "
      f"-> {C.pm(dev[after], digits=4)}; paired t = {t['t']:.2f}, p = {t['p']:.2e}")
claims = [C.same("fig3b_readout_chance", "Fig. 3b: after random-noise training each readout probability approaches the "
                 f"chance level 1/C: readout neuron 0 (network 0) over {len(X_probe)} {probe} does not differ from 1/10 "
                 "(paper: one-sample t-test, NS).", p[after][0, :, 0], 1 / CLASSES, "p_0 after noise", digits=4)]
sv = {k: [backend.to_host(singular_values(W)) for W in n.W] for k, n in nets0.items()}
er = {k: [backend.to_host(effective_rank(W)) for W in n.W] for k, n in nets0.items()}
print("\nFig. 3c-d: effective rank exp(H(sigma / sum sigma)) of each W_l, per network")
for l in range(DEPTH):
    full = min(dims(DEPTH)[l:l + 2])
    print(f"  W_{l} (full rank {full}): random init {fmt(er[before][l])} -> after noise {fmt(er[after][l])}")
    claims.append(C.compare(f"fig3d_erank_W{l}", f"Fig. 3c-d: the effective dimensionality of the weights W_{l} "
                            "decreases in a network pretrained with random noise (effective rank after noise < before).",
                            er[after][l], er[before][l], ("after noise", "random init"), larger=False, paired=True))
numbers = {"probe": probe, "readout_neuron0": {k: describe(q[0, :, 0]) for k, q in p.items()},
           "readout_mean_abs_dev": {k: describe(v) for k, v in dev.items()}, "erank": {k: [describe(e) for e in v]
           for k, v in er.items()}, "erank_during_noise": [[float(np.mean(e)) for e in r] for r in erank_log]}


# %% [markdown]
# ## Train on data: size sweep at depth 3 (3e), depth sweep at size 1600 (3f), Gram ranks (3g-h)
# %%
def fa_stack(depth):
    """FA w/o (networks 0..K-1, random init) and FA w/ (K..2K-1, the same W and B after Algorithm 1) in ONE
    stack of 2K, trained as one array program; network k and K+k share a seed, hence their data order."""
    net, noisy = MLP(dims(depth), rule="fa", seed=seeds + seeds, init=cfg.init), noise_pretrained(depth)
    assert all((B[K:] == Bn).all() for B, Bn in zip(net.B, noisy.B))     # Algorithm 1 leaves B alone
    for mine, theirs in zip(net.W + net.b, noisy.W + noisy.b):
        mine[K:] = theirs
    return net


def conditions(depth, n, bp):
    """Train on the balanced n-image subset: {condition: per-network generalization error, test accuracy
    and, on the last hidden layer over the test images, Gram ranks and silent neurons}. BP too if bp."""
    stacks = {("FA w/o", "FA w/"): fa_stack(depth)}                    # Algorithm 1 first, if not yet run
    if bp:
        stacks = {("BP",): MLP(dims(depth), rule="bp", seed=seeds, init=cfg.init), **stacks}
    print(f"  depth {depth}, {n} images: training {'BP, ' if bp else ''}FA w/o and FA w/, {K} networks each", flush=True)
    X, y, t0, out = *subset(*data[:2], n, seed=cfg.seed, balanced=True), time.perf_counter(), {}
    for conds, net in stacks.items():
        hist = train(net, X, y, epochs=cfg.epochs, X_test=X_test, y_test=y_test, seed=cfg.seed,
                     record_every=cfg.epochs, train_metrics=False)     # only the end is needed
        F = hidden_features(net, X_test)                                # (stack, test images, 100)
        m = {"gen": generalization_error(hist), "test_acc": 100 * np.asarray(hist["test_acc"][-1]),
             "gram": backend.to_host(neuron_gram_effective_rank(F)), "silent": backend.to_host(silent_neurons(F).sum(-1)),
             "gram_examples": backend.to_host(gram_effective_rank(F))}
        out.update({c: {k: v[i * K:(i + 1) * K] for k, v in m.items()} for i, c in enumerate(conds)})
    nets[depth, n] = stacks["FA w/o", "FA w/"]
    print("    " + ";  ".join(f"{c} {C.pm(r['gen'], digits=3)} (test acc {r['test_acc'].mean():.1f}%, Gram rank "
                              f"{r['gram'].mean():.2f}, silent {r['silent'].mean():.1f})" for c, r in out.items())
          + f"  [{time.perf_counter() - t0:.0f} s]", flush=True)
    return out


def gap(key, depth, n, measure, text):                                 # the claim FA w/ < FA w/o
    r = res[depth, n]
    return C.compare(key, text, r["FA w/"][measure], r["FA w/o"][measure], ("FA w/", "FA w/o"), larger=False, digits=3)


res, nets, at_size, at_depth = {}, {}, (lambda n: (DEPTH, n)), (lambda d: (d, cfg.depth_size))
if data is None:
    claims.append(C.claim("fig3e_h", "Fig. 3e-h on MNIST", "MNIST absent", "not run", None, None, False, absent=True))
else:
    print(f"\nFig. 3e: generalization error (test loss - train loss) after {cfg.epochs} epochs, by training-set size")
    for n in cfg.sizes:
        res[DEPTH, n] = conditions(DEPTH, n, bp=cfg.bp)
        claims.append(gap(f"fig3e_generr_n{n}", DEPTH, n, "gen", "Fig. 3e: random-noise pretraining reduces the "
                          f"generalization error (test - train loss) of FA trained on {n} MNIST images."))
    print(f"\nFig. 3f: the same by depth, at training-set size {cfg.depth_size} (depth {DEPTH}: the networks above)")
    for d in cfg.depths:
        if at_depth(d) not in res:
            res[at_depth(d)] = conditions(d, cfg.depth_size, bp=False)
            claims.append(gap(f"fig3f_generr_depth{d}", *at_depth(d), "gen", "Fig. 3f: random-noise pretraining "
                              f"reduces the generalization error of a {d}-layer FA network."))
    print(f"\nFig. 3g-h: Gram matrix of the last hidden layer's neurons over {cfg.n_test} test images, effective rank")
    for d in DEPTHS:
        claims.append(gap("fig3h_gram_erank" + ("" if d == DEPTH else f"_depth{d}"), *at_depth(d), "gram",
                          "Fig. 3h: the pre-regularization lets the network learn simple solutions of a low rank: the "
                          "effective rank of the Gram matrix of the last hidden layer's neurons is lower for FA w/ "
                          f"than FA w/o (depth {d}, {cfg.depth_size} images)."))
        r = res[at_depth(d)]
        print(f"  depth {d}: FA w/ {C.pm(r['FA w/']['gram'])} vs FA w/o {C.pm(r['FA w/o']['gram'])}; silent neurons "
              f"(left out) FA w/ {C.pm(r['FA w/']['silent'], digits=1)}, FA w/o {C.pm(r['FA w/o']['silent'], digits=1)}")
    r = res[at_depth(DEPTH)]
    t = ttest_ind(r["FA w/"]["gram_examples"], r["FA w/o"]["gram_examples"])
    print(f"  (variant, not a claim) example x example Gram matrix (cosine of the test images' representations), "
          f"effective rank at depth {DEPTH}, {cfg.depth_size} images: FA w/ {C.pm(r['FA w/']['gram_examples'])} vs "
          f"FA w/o {C.pm(r['FA w/o']['gram_examples'])}; t = {t['t']:.2f}, p = {t['p']:.2e}"
          + ("  (borderline p)" if C.borderline(t["p"]) else ""))
    numbers.update({f"depth{d}_n{n}": {c: {k: describe(v) for k, v in m.items()} for c, m in r.items()}
                    for (d, n), r in res.items()})

# %% [markdown]
# ## Plot: Fig. 3b-h, one colour per condition in every panel (BP blue, FA w/o orange, FA w/ green)
# %%
def sweep(a, xs, key, measure, conds, title):
    """Mean +- sd of `measure` against training-set size (log axis) or depth (integer axis)."""
    ylabel = {"gen": "test loss - train loss", "gram": "effective rank of the Gram matrix"}.get(measure, "effective rank")
    for c in conds:
        band(a, xs, [res[key(x)][c][measure] for x in xs], c, marker="o", ls="--" if c == "BP" else "-")
    by_size = key is at_size
    a.set(xlabel="training-set size" if by_size else "number of weight layers", ylabel=ylabel, title=title,
          xscale="log" if by_size else "linear")
    a.set_xticks(xs, [str(x) for x in xs])                              # whole numbers: the sizes and depths run
    a.minorticks_off()
    a.legend(fontsize=8)


fig, ax = run.figure(3, 4, size=(22, 14))
ax = ax.ravel()
bins = np.linspace(0, max(q[0, :, 0].max() for q in p.values()) * 1.02, 80)
for k, q in p.items():
    ax[0].hist(q[0, :, 0], bins=bins, alpha=0.6, label=k, color=COLORS[k.split(" (")[0]])
ax[0].axvline(1 / CLASSES, color="k", ls=":", label="chance 1/C")
p3b = claims[0]["p"]                                                    # 0.0: below the smallest double
ax[0].set(xlabel=f"p_0 (readout neuron 0, network 0) on {len(X_probe)} {probe}", ylabel="images", yscale="log",
          title=f"Fig. 3b: after noise vs 1/C: p {'<' if p3b == 0 else '='} {max(p3b, 1e-300):.1e} (paper: NS)")
ax[0].legend(fontsize=8)
for l in range(DEPTH):
    for k in sv:
        band(ax[1 + l], np.arange(1, sv[k][l].shape[-1] + 1), (sv[k][l] / sv[k][l].sum(-1, keepdims=True)).T, k)
    ax[1 + l].set(xlabel="index i", ylabel="sigma_i / sum sigma", yscale="log",
                  title=f"Fig. 3c: spectrum of W_{l}; eff. rank {er[before][l].mean():.1f} -> {er[after][l].mean():.1f}")
    ax[1 + l].legend(fontsize=8)
for l, ls in zip(range(DEPTH), ("-", "--", ":")):                     # each network against its own start
    band(ax[4], [r[0] / 1e3 for r in erank_log], np.stack([r[1 + l] / erank_log[0][1 + l] for r in erank_log]),
         f"FA w/ (W_{l}, at init {erank_log[0][1 + l].mean():.1f} of {min(dims(DEPTH)[l:l + 2])})", ls=ls)
ax[4].set(xlabel="noise examples (thousands)", ylabel="effective rank / effective rank at init",
          title="Fig. 3d: effective rank during noise training")
ax[4].legend(fontsize=8)
for a in ax[5:] if data is None else ():       # MNIST absent: see the printed note
    a.set_axis_off()
if data is not None:
    CONDS, size = ("BP", "FA w/o", "FA w/") if cfg.bp else ("FA w/o", "FA w/"), cfg.depth_size
    sweep(ax[5], cfg.sizes, at_size, "gen", CONDS, f"Fig. 3e: generalization error (depth {DEPTH}, {cfg.epochs} epochs)")
    sweep(ax[6], DEPTHS, at_depth, "gen", CONDS[-2:], f"Fig. 3f: generalization error vs depth (size {size})")
    sweep(ax[7], cfg.sizes, at_size, "gram_examples", CONDS, "variant: Gram rank of examples (not neurons)")
    sweep(ax[10], cfg.sizes, at_size, "gram", CONDS, f"Fig. 3h: Gram rank (neurons) vs size (depth {DEPTH})")
    sweep(ax[11], DEPTHS, at_depth, "gram", CONDS[-2:], f"Fig. 3h: Gram rank (neurons) vs depth (size {size})")
    F = hidden_features(nets[DEPTH, size], X_test)                      # Fig. 3g: network 0 of each condition
    G, silent, F = backend.to_host(neuron_gram_matrix(F)), backend.to_host(silent_neurons(F)), backend.to_host(F)
    for a, (c, i) in zip(ax[8:10], (("FA w/o", 0), ("FA w/", K))):
        keep = np.flatnonzero(~silent[i])                                # preferred digit of each active neuron:
        o = keep[np.argsort(np.argmax([F[i][y_test == d][:, keep].mean(0) for d in range(CLASSES)], 0), kind="stable")]
        im = a.imshow(G[i][np.ix_(o, o)], vmin=0, vmax=1, cmap="viridis")
        a.set(title=f"Fig. 3g: {c}, network 0: G_ij = cos(f_i, f_j)\n{len(o)} active neurons, {silent[i].sum()} "
                    f"silent left out; eff. rank {res[DEPTH, size][c]['gram'][0]:.2f}",
              xlabel="neuron j (sorted by preferred digit)", ylabel="neuron i")
        a.title.set_color(COLORS[c])
        fig.colorbar(im, ax=a, fraction=0.046)
run.finish(fig, claims, numbers)
