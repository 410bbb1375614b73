"""Tutorial 6: noise-pretrained FA networks generalise better out of distribution (paper Fig. 4, App. C.7-C.8).

Networks trained on MNIST meet data unlike it (§4.3): MNIST test images translated (+-5% of
the side), scaled (0.8-1.2) or rotated (+-25 deg) (Fig. C.7), and the USPS digits (another
scanner, other writers), resized from 16x16 to 28x28 (Fig. C.8). Are the noise-pretrained
networks (FA w/) more accurate there than FA w/o? Three conditions, n independent networks
each (same initial W and B across conditions, own noise and data order):
  BP       backpropagation (eq. 3);  FA w/o  feedback alignment (eq. 5);
  FA w/    feedback alignment after Algorithm 1.
Two-sample t-tests over the networks, FA w/ vs FA w/o, on every test set.

    python tutorials/06_out_of_distribution.py [--quick | --lab] [--nets 10] [--init he]
"""
# %% [markdown]
# ## Settings: 784-100-100-10 (App. C.1), MNIST 5,000 (balanced), 100 epochs; OOD test sets of Fig. C.7-C.8
# %%
import numpy as np  # host-side plotting only

from minifa import MLP, PAPER, evaluate, pretrain_noise, train
from minifa.datasets import DataError, load, rotate, scale, subset, translate
from minifa.reproduce import claims as C
from minifa.reproduce.plots import COLORS, band, integer_ticks, label_above, stars
from minifa.reproduce.tutorial import Tutorial

run = Tutorial(__doc__, paper=dict(nets=PAPER.n_nets, n_train=PAPER.n_train, epochs=PAPER.epochs,
                                   n_noise=PAPER.n_noise, n_test=10_000, dims=list(PAPER.dims_deep), bp=True),
               lab=dict(nets=5, epochs=30, bp=False),
               quick=dict(nets=3, n_train=1000, epochs=3, n_noise=20_000, n_test=1000), init=True,
               data=("mnist", "usps"), flags={"nets": (int, "networks per condition")},
               budget=dict(bp=False, why="no BP reference (in no claim; ~1 min)"),
               times={"quick": "10 s", "lab": "41 s", "paper": "3 min (--full: 4 min)"})
cfg = run.cfg
seeds, CONDS = [cfg.seed + k for k in range(cfg.nets)], ("BP", "FA w/o", "FA w/") if cfg.bp else ("FA w/o", "FA w/")
run.deviation("the text does not give Fig. 4's MNIST training-set size or epochs: ours are those of Fig. 2 "
              "(5,000 balanced images, 100 epochs)")
run.settings(f"{'-'.join(map(str, cfg.dims))}, {cfg.init} init, n = {cfg.nets} independent networks per condition, "
             f"MNIST train: {cfg.n_train} images (balanced), {cfg.epochs} epochs, batch 64, Adam lr 1e-4; FA w/: "
             f"Algorithm 1 with {cfg.n_noise} noise examples; test: {cfg.n_test} MNIST test images, transformed with "
             f"seed {cfg.seed}; USPS test set (2,007) resized 16x16 -> 28x28")


def ink_height(X):
    """Mean height (pixels) of the rows holding ink (> 0.3) in 28x28 images."""
    rows = (X.reshape(-1, 28, 28) > 0.3).any(axis=2)
    tops, bottoms = rows.argmax(axis=1), 27 - rows[:, ::-1].argmax(axis=1)
    return float(np.mean((bottoms - tops + 1)[rows.any(axis=1)]))


data = run.load("mnist", "Fig. 4 needs it, only Algorithm 1 ran, no claims tested")
sets, variants = {}, {}
if data is not None:
    train_set = subset(*data[:2], cfg.n_train, seed=cfg.seed, balanced=True)
    Xt, yt = data[2][:cfg.n_test], data[3][:cfg.n_test]
    sets = {"MNIST": (Xt, yt), "translated": (translate(Xt, seed=cfg.seed), yt),
            "scaled": (scale(Xt, seed=cfg.seed), yt), "rotated": (rotate(Xt, seed=cfg.seed), yt)}
    try:
        sets["USPS"] = load("usps", "test")                     # the paper's: resized to 28x28
        variants["USPS framed"] = load("usps", "test", resize="frame")
        run.note(f"USPS ink height: {ink_height(sets['USPS'][0]):.1f} px resized as in the paper, "
                 f"{ink_height(variants['USPS framed'][0]):.1f} px framed like MNIST (20x20 box, centred), "
                 f"{ink_height(Xt):.1f} px in MNIST; the framed variant is printed, not a claim")
    except DataError as e:
        run.note(f"USPS absent: its test set is left out ({e})")

# %% [markdown]
# ## Train: Algorithm 1 for FA w/, then every condition on MNIST
# %%
nets = {c: MLP(cfg.dims, rule="bp" if c == "BP" else "fa", seed=seeds, init=cfg.init) for c in CONDS}
noise_hist = pretrain_noise(nets["FA w/"], n_examples=cfg.n_noise, seed=cfg.seed)
hists, acc = {}, {}
for c in CONDS if data is not None else ():
    print(f"training {c} on MNIST ...")
    hists[c] = train(nets[c], *train_set, X_test=Xt, y_test=yt, epochs=cfg.epochs, seed=cfg.seed,
                     train_metrics=False, record_every=max(1, cfg.epochs // 10))
    acc[c] = {name: 100 * np.array(evaluate(nets[c], *xy)[1]) for name, xy in {**sets, **variants}.items()}

# %% [markdown]
# ## Test: FA w/ against FA w/o on every test set
# %%
claims = []
if data is not None:
    print("\nFig. 4: test accuracy (%), mean ± sd over networks")
    print(f"  {'test set':<12}" + "".join(f"{c:>26}" for c in CONDS) + "   FA w/ vs FA w/o")
    for name in [*sets, *variants]:
        cl = C.compare(f"fig4_{name.lower()}", f"Fig. 4: trained on MNIST, FA w/ (noise-pretrained) is more accurate "
                       f"than FA w/o on {name} test images", acc["FA w/"][name], acc["FA w/o"][name],
                       ("FA w/", "FA w/o"), unit=" %")
        cl["ours"] += f"; BP: {C.pm(acc['BP'][name], ' %')}" if "BP" in acc else ""
        print(f"  {name:<12}" + "".join(f"{C.pm(acc[c][name], ' %'):>26}" for c in CONDS)
              + f"   t = {cl['t']:.2f}, p = {cl['p']:.1e}" + ("   (variant, not a claim)" if name in variants else ""))
        if name in sets:
            claims.append(cl)

# %% [markdown]
# ## Plot: learning curves, accuracy per test set (stars: FA w/ vs FA w/o), the test images
# %%
fig, ax = run.figure(1, 3, size=(17, 4.8))
ax = ax[0]
if data is not None:
    for c in CONDS:
        band(ax[0], hists[c]["epoch"], 100 * np.array(hists[c]["test_acc"]), c, marker="o")
    integer_ticks(ax[0])
    ax[0].set(xlabel="epoch", ylabel="MNIST test accuracy (%)", title="training on MNIST (mean ± sd)", ylim=(0, 100))
    ax[0].legend()
    names, w = [*sets, *variants], 0.27
    for i, c in enumerate(CONDS):
        ax[1].bar(np.arange(len(names)) + (i - (len(CONDS) - 1) / 2) * w, [acc[c][n].mean() for n in names], w,
                  yerr=[acc[c][n].std(ddof=1) for n in names], capsize=2, label=c, color=COLORS[c])
    ax[1].set(ylabel="test accuracy (%)", ylim=(0, 118), title="Fig. 4b-c: in- and out-of-distribution")
    for j, name in enumerate(names):
        p = C.compare("", "", acc["FA w/"][name], acc["FA w/o"][name], ("", ""))["p"]
        label_above(ax[1], j + (len(CONDS) - 2) * w / 2, [acc[c][name].mean() + acc[c][name].std(ddof=1)
                                                        for c in CONDS[-2:]], stars(p))
    ax[1].set_xticks(range(len(names)), [n.replace(" ", "\n") for n in names])
    ax[1].legend(loc="lower left", ncol=3, fontsize=8)
    imgs = [*sets.values(), *variants.values()]
    grid = [np.concatenate([xy[0][i].reshape(28, 28) for xy in imgs], axis=1) for i in range(4)]
    ax[2].imshow(np.concatenate(grid, axis=0), cmap="gray")
    ax[2].set_xticks(14 + 28 * np.arange(len(names)), [n.replace(" ", "\n") for n in names])
    ax[2].set(yticks=[], title="test images (columns: test sets)")
else:                                  # no MNIST: show what did run, Algorithm 1's alignment
    ax[0].plot(np.array(noise_hist["examples"]) / 1e3, np.mean(noise_hist["angle1"], axis=1), "k")
    ax[0].set(xlabel="noise examples (thousands)", ylabel="mean angle W_1^T vs B_1 (deg)",
              title="FA w/: Algorithm 1 (MNIST absent: Fig. 4 not run)")
run.finish(fig, claims, {"accuracy": {c: {n: a.tolist() for n, a in acc[c].items()} for c in acc},
                         "test_acc_curve": {c: {"epoch": hists[c]["epoch"],
                                                "mean": np.mean(hists[c]["test_acc"], axis=1).tolist()} for c in hists}})
