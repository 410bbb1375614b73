"""Tutorial 6: noise-pretrained FA networks generalise better out of distribution (paper Fig. 4).

Networks trained on MNIST meet data unlike it (§4.3): MNIST test images translated (+-5% of
the side), scaled (0.8-1.2) or rotated (+-25 deg), and the USPS digits (another scanner,
another population of writers). Are the noise-pretrained ones (FA w/) more accurate there
than FA w/o? Three conditions, n networks each (stacked, same initial W and B):
  BP       backpropagation (eq. 3);  FA w/o  feedback alignment (eq. 5);
  FA w/    feedback alignment after Algorithm 1.
Two-sample t-tests over the networks, FA w/ vs FA w/o, on every test set.

    python tutorials/06_out_of_distribution.py [--quick | --lab] [--nets 10] [--init he]
"""
# %% [markdown]
# ## Settings: MNIST 5,000 (balanced), 784-100-10, 100 epochs; OOD test sets of Fig. C.7
# %%
import numpy as np  # host-side plotting only

from minifa import MLP, PAPER, evaluate, pretrain_noise, train
from minifa.datasets import DataError, load, rotate, scale, subset, translate
from minifa.reproduce import claims as C
from minifa.reproduce.plots import COLORS, band, integer_ticks, label_above, stars
from minifa.reproduce.tutorial import Tutorial

run = Tutorial(__doc__, paper=dict(nets=PAPER.n_nets, n_train=PAPER.n_train, epochs=PAPER.epochs,
                                   n_noise=PAPER.n_noise, n_test=None),
               quick=dict(nets=3, n_train=1000, epochs=3, n_noise=20_000, n_test=1000), init=True,
               data=("mnist", "usps"), flags={"nets": (int, "networks per condition")},
               times={"quick": "5 s", "paper": "2 min"})
cfg = run.cfg
seeds, CONDS = [cfg.seed + k for k in range(cfg.nets)], ("BP", "FA w/o", "FA w/")
run.settings(f"784-100-10, {cfg.init} init, n = {cfg.nets} networks per condition (seeds {seeds[0]}..{seeds[-1]}), "
             f"MNIST train: {cfg.n_train} examples (balanced subset, seed {cfg.seed}), {cfg.epochs} epochs, batch 64, "
             f"Adam lr 1e-4; FA w/: Algorithm 1 with {cfg.n_noise} N(0, I) noise examples; OOD sets drawn with seed {cfg.seed}")


def ink_height(X):
    """Mean height (pixels) of the rows holding ink (> 0.3) in 28x28 images."""
    rows = (X.reshape(-1, 28, 28) > 0.3).any(axis=2)
    tops, bottoms = rows.argmax(axis=1), 27 - rows[:, ::-1].argmax(axis=1)
    return float(np.mean((bottoms - tops + 1)[rows.any(axis=1)]))


data = run.load("mnist", "Fig. 4 needs it, only Algorithm 1 ran, no claims tested")
sets = {}
if data is not None:
    train_set = subset(*data[:2], cfg.n_train, seed=cfg.seed, balanced=True)
    Xt, yt = data[2][:cfg.n_test], data[3][:cfg.n_test]
    sets = {"MNIST": (Xt, yt), "translated": (translate(Xt, seed=cfg.seed), yt),
            "scaled": (scale(Xt, seed=cfg.seed), yt), "rotated": (rotate(Xt, seed=cfg.seed), yt)}
    try:
        Xu, yu = load("usps", "test", resize="frame")
        sets["USPS"] = (Xu[:cfg.n_test], yu[:cfg.n_test])
        run.note(f"USPS digits are framed like MNIST's (20x20 box, centre of mass centred in 28x28): ink "
                 f"height {ink_height(Xu):.1f} px against {ink_height(Xt):.1f} px for MNIST")
    except DataError as e:
        run.note(f"USPS absent: its test set is left out ({e})")

# %% [markdown]
# ## Train: Algorithm 1 for FA w/, then every condition on MNIST
# %%
nets = {c: MLP(PAPER.dims, rule="bp" if c == "BP" else "fa", seed=seeds, init=cfg.init) for c in CONDS}
noise_hist = pretrain_noise(nets["FA w/"], n_examples=cfg.n_noise, seed=cfg.seed)
hists, acc, every = {}, {}, max(1, cfg.epochs // 10)   # MNIST test accuracy at ~10 epochs: cheaper


def test_curve(net, hist):
    if hist["epoch"][-1] % every == 0 or hist["epoch"][-1] == cfg.epochs:
        hist.setdefault("test_epoch", []).append(hist["epoch"][-1])
        hist.setdefault("test_acc", []).append(evaluate(net, *sets["MNIST"])[1])


for c in CONDS if data is not None else ():
    hists[c] = train(nets[c], *train_set, epochs=cfg.epochs, seed=cfg.seed, callback=test_curve)
    acc[c] = {name: 100 * np.array(evaluate(nets[c], *xy)[1]) for name, xy in sets.items()}

# %% [markdown]
# ## Test: FA w/ against FA w/o on every test set
# %%
claims = []
if data is not None:
    print("\nFig. 4: test accuracy (%), mean ± sd over networks")
    print(f"  {'test set':<11}" + "".join(f"{c:>26}" for c in CONDS) + "   FA w/ vs FA w/o")
    for name in sets:
        cl = C.compare(f"fig4_{name.lower()}", f"Fig. 4: trained on MNIST, FA w/ (noise-pretrained) is more "
                       f"accurate than FA w/o on {name} test images", acc["FA w/"][name], acc["FA w/o"][name],
                       ("FA w/", "FA w/o"), unit=" %")
        cl["ours"] += f"; BP: {C.pm(acc['BP'][name], ' %')}"
        claims.append(cl)
        print(f"  {name:<11}" + "".join(f"{C.pm(acc[c][name], ' %'):>26}" for c in CONDS)
              + f"   t = {cl['t']:.2f}, p = {cl['p']:.1e}")

# %% [markdown]
# ## Plot: learning curves, accuracy per test set (stars: FA w/ vs FA w/o), the test images
# %%
fig, ax = run.figure(1, 3, size=(16, 4.6))
ax = ax[0]
if data is not None:
    for c in CONDS:
        band(ax[0], hists[c]["test_epoch"], 100 * np.array(hists[c]["test_acc"]), c, marker="o")
    integer_ticks(ax[0])
    ax[0].set(xlabel="epoch", ylabel="MNIST test accuracy (%)", title="training on MNIST (mean ± sd)", ylim=(0, 100))
    ax[0].legend()
    names, w = list(sets), 0.27
    for i, c in enumerate(CONDS):
        ax[1].bar(np.arange(len(names)) + (i - 1) * w, [acc[c][n].mean() for n in names], w,
                  yerr=[acc[c][n].std(ddof=1) for n in names], capsize=2, label=c, color=COLORS[c])
    ax[1].set(ylabel="test accuracy (%)", ylim=(0, 118), title="Fig. 4b-c: in- and out-of-distribution")
    for j, cl in enumerate(claims):
        label_above(ax[1], j + w / 2, [acc[c][names[j]].mean() + acc[c][names[j]].std(ddof=1) for c in CONDS[1:]],
                    stars(cl["p"]))
    ax[1].set_xticks(range(len(names)), names)
    ax[1].legend(loc="lower left", ncol=3, fontsize=8)
    grid = [np.concatenate([xy[0][i].reshape(28, 28) for xy in sets.values()], axis=1) for i in range(4)]
    ax[2].imshow(np.concatenate(grid, axis=0), cmap="gray")
    ax[2].set_xticks(14 + 28 * np.arange(len(names)), names)
    ax[2].set(yticks=[], title="test images (columns: test sets)")
else:                                  # no MNIST: show what did run, Algorithm 1's alignment
    ax[0].plot(np.array(noise_hist["examples"]) / 1e3, np.mean(noise_hist["angle1"], axis=1), "k")
    ax[0].set(xlabel="noise examples (thousands)", ylabel="mean angle W_1^T vs B_1 (deg)",
              title="FA w/: Algorithm 1 (MNIST absent: Fig. 4 not run)")
run.finish(fig, claims, {"accuracy": {c: {n: a.tolist() for n, a in acc[c].items()} for c in acc},
                         "train_acc_final": {c: hists[c]["train_acc"][-1] for c in hists},
                         "test_acc_curve": {c: {"epoch": hists[c]["test_epoch"],
                                                "mean": np.mean(hists[c]["test_acc"], axis=1).tolist()} for c in hists}})
