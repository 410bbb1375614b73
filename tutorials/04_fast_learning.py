"""Tutorial 4: a noise-pretrained FA network learns fast (paper Fig. 2, App. B.2).

Does a network that first trains on noise (Algorithm 1) learn MNIST faster under feedback
alignment? Three conditions of n networks, each one stacked array program:
  BP       backpropagation (eq. 3) from random init
  FA w/o   feedback alignment (eq. 5) from random init
  FA w/    the same FA networks (same W, same B) after Algorithm 1
Fig. 2b: test accuracy during training and its area under the curve (AUC, learning speed);
Fig. 2c-d: angle between W_1^T and B_1 and distance ||W_1 - B_1^T||_F through noise, then
data; Fig. 2e-g: the path of W_1 in its first two principal components, with B_1^T, and the
order of noise and data (noise -> data against data -> noise). Two-sample t-tests.

    python tutorials/04_fast_learning.py [--quick | --lab] [--nets 10] [--init he]
"""
# %% [markdown]
# ## Settings: MNIST 5k/5k, 784-100-10, 100 epochs, n = 10 networks per condition
# %%
import numpy as np  # host-side statistics and plotting only

from minifa import MLP, PAPER, backend, evaluate, pretrain_noise, train
from minifa.analysis import auc, pca_trajectory, weight_distance
from minifa.datasets import subset
from minifa.reproduce import claims as C
from minifa.reproduce.plots import COLORS, band, bars, integer_ticks
from minifa.reproduce.tutorial import Tutorial
from minifa.stats import describe, fmt, ttest_ind

run = Tutorial(__doc__, paper=dict(nets=PAPER.n_nets, n_noise=PAPER.n_noise, epochs=PAPER.epochs,
                                   n_train=PAPER.n_train, n_test=PAPER.n_test),
               quick=dict(nets=2, n_noise=5_000, epochs=2, n_train=500, n_test=500), init=True,
               data=("mnist",), flags={"nets": (int, "networks per condition")},
               times={"quick": "5 s", "paper": "2.5 min"})
cfg = run.cfg
seeds = [cfg.seed + k for k in range(cfg.nets)]
FIG_B = run.stem + "_b.png"
run.settings(f"MNIST {cfg.n_train} train / {cfg.n_test} test, 784-100-10, {cfg.epochs} epochs, batch 64, "
             f"Adam lr 1e-4, {cfg.n_noise} noise examples, n={cfg.nets} nets, {cfg.init} init")
data = run.load("mnist", "only the noise phase of Fig. 2 ran, no claims tested")
if data is not None:
    data = (*subset(*data[:2], cfg.n_train, seed=cfg.seed, balanced=True),
            *subset(*data[2:], cfg.n_test, seed=cfg.seed, balanced=True))


# %% [markdown]
# ## Train: noise, then data, recording W_1's angle and distance to B_1 on the way
# %%
def recorder():
    """A callback keeping, at every log: ||W_1 - B_1^T||_F, the same for unit-norm matrices
    (directions only), ||W_1||_F, and a copy of W_1 (Fig. 2d-f)."""
    rec = {"dist": [], "ndist": [], "norm": [], "W1": []}

    def callback(net, hist):
        rec["dist"].append(backend.to_host(weight_distance(net, 1)))
        rec["ndist"].append(backend.to_host(weight_distance(net, 1, normalize=True)))
        rec["norm"].append(backend.to_host((net.W[1] ** 2).sum(axis=(-2, -1)) ** 0.5))
        rec["W1"].append(backend.to_host(net.W[1]).reshape(cfg.nets, -1).copy())
    return rec, callback


def run_noise(net):
    rec, cb = recorder()
    cb(net, None)                                             # the untrained state, entry 0
    hist = pretrain_noise(net, n_examples=cfg.n_noise, seed=cfg.seed, callback=cb,
                          log_every=max(1, -(-cfg.n_noise // 64) // 60))
    return {"x": np.asarray(hist["examples"], float), "angle": np.asarray(hist["angle1"]),
            **{k: np.asarray(v) for k, v in rec.items()}}


def run_data(net):
    rec, cb = recorder()
    hist = train(net, data[0], data[1], epochs=cfg.epochs, X_test=data[2], y_test=data[3],
                 seed=cfg.seed, callback=cb)
    return {"x": np.arange(cfg.epochs + 1) * cfg.n_train, "acc": np.asarray(hist["test_acc"]),
            "angle": np.asarray(hist["angle1"]), **{k: np.asarray(v) for k, v in rec.items()}}


net_w = MLP(PAPER.dims, rule="fa", seed=seeds, init=cfg.init)
noise = run_noise(net_w)
print(f"noise phase (FA w/): angle W_1^T vs B_1 {fmt(noise['angle'][0], ' deg')} -> "
      f"{fmt(noise['angle'][-1], ' deg')};  ||W_1 - B_1^T|| {fmt(noise['dist'][0])} -> {fmt(noise['dist'][-1])}")
runs, claims = {}, []
numbers = {"noise_phase": {k: describe(noise[m][i]) for k, m, i in (
    ("angle_start", "angle", 0), ("angle_end", "angle", -1), ("dist_start", "dist", 0), ("dist_end", "dist", -1))}}
if data is not None:
    nets = {"BP": MLP(PAPER.dims, rule="bp", seed=seeds, init=cfg.init),
            "FA w/o": MLP(PAPER.dims, rule="fa", seed=seeds, init=cfg.init), "FA w/": net_w}
    for name, net in nets.items():
        runs[name] = run_data(net)
        runs[name]["auc"] = auc(runs[name]["acc"])
        print(f"  trained {name:<7} final test acc {fmt(100 * runs[name]['acc'][-1], '%')}")
    net_dn = nets["FA w/o"].copy()                            # order control: data, then noise
    order = run_noise(net_dn)
    order["acc"] = np.asarray([evaluate(net_dn, data[2], data[3])[1]])

# %% [markdown]
# ## Test: learning speed (Fig. 2b), alignment and distance (2c-d), order (2f-g)
# %%
if data is not None:
    A, F = {k: 100 * r["auc"] for k, r in runs.items()}, {k: r["acc"][-1] for k, r in runs.items()}
    ends = {"data only (FA w/o)": runs["FA w/o"], "noise -> data (FA w/)": runs["FA w/"], "data -> noise": order}
    end = {m: {k: r[m][-1] for k, r in ends.items()} for m in ("angle", "dist", "ndist", "norm", "acc")}
    WO, W_, DN = ends
    print(f"\nFig. 2b: learning speed = AUC of the test-accuracy curve over epochs 0..{cfg.epochs}")
    for k in runs:
        print(f"  {k:<7} AUC {fmt(A[k], '%')}   final accuracy {fmt(100 * F[k], '%')}")
    lower = dict(larger=False, digits=3)
    claims = [
        C.compare("fig2b_auc", "A network pretrained with random noise (FA w/) learns notably faster "
                  "than FA without pretraining (FA w/o): larger area under the test-accuracy curve.",
                  A["FA w/"], A["FA w/o"], ("FA w/", "FA w/o"), unit="%"),
        C.compare("fig2b_auc_vs_bp", "With noise pretraining, FA learns about as fast as "
                  "backpropagation (AUC comparable to BP's).", A["FA w/"], A["BP"], ("FA w/", "BP"), unit="%"),
        C.compare("fig2b_final_acc", "FA w/ reaches a higher final test accuracy than FA w/o.",
                  100 * F["FA w/"], 100 * F["FA w/o"], ("FA w/", "FA w/o"), unit="%"),
        C.compare("fig2c_angle", "After data training, the forward weights of FA w/ remain better aligned "
                  "with the feedback: smaller angle between W_1^T and B_1 than FA w/o.",
                  end["angle"][W_], end["angle"][WO], ("FA w/", "FA w/o"), larger=False, unit=" deg"),
        C.compare("fig2d_distance", "Sequential training with random noise and then data brings the weights "
                  "closer to the synaptic feedback than training solely with data: ||W_1 - B_1^T||_F of "
                  "FA w/ below FA w/o.", end["dist"][W_], end["dist"][WO], ("FA w/", "FA w/o"), **lower),
        C.compare("fig2d_distance_normalized", "The same with the scale removed: "
                  "||W_1/||W_1|| - B_1^T/||B_1|| ||_F of FA w/ below FA w/o.",
                  end["ndist"][W_], end["ndist"][WO], ("FA w/", "FA w/o"), **lower),
        {**C.compare("figB3_order_distance", "Order control (App. B.3): noise training after the data "
                     "(data -> noise) also brings W_1 closer to B_1^T than data alone.",
                     end["dist"][DN], end["dist"][WO], ("data -> noise", "data only"), **lower), "figure": FIG_B},
        {**C.compare("figB3_order_distance_normalized", "Order control, scale removed: data -> noise ends "
                     "with a smaller normalised distance ||W_1/||W_1|| - B_1^T/||B_1|| ||_F than data alone.",
                     end["ndist"][DN], end["ndist"][WO], ("data -> noise", "data only"), **lower), "figure": FIG_B}]
    bp = claims[1]                                  # "comparable": FA w/ not significantly below BP
    bp.update(test="two-sample t-test; comparable = FA w/ not significantly below BP",
              reproduced=not (bp["t"] < 0 and bp["p"] < 0.05))
    labels = {"angle": ("angle W_1^T vs B_1", " deg", 1), "dist": ("||W_1 - B_1^T||_F", "", 1),
              "ndist": ("normalised distance", "", 1), "norm": ("||W_1||_F", "", 1), "acc": ("test accuracy", "%", 100)}
    print("\nOrder of noise and data, end of all training (t-test: noise -> data vs data -> noise):")
    order_tests = {m: ttest_ind(end[m][W_], end[m][DN]) for m in labels}
    for m, (name, unit, k) in labels.items():
        print(f"  {name:<20} " + ";  ".join(f"{g} {fmt(k * v, unit)}" for g, v in end[m].items())
              + f";  t = {order_tests[m]['t']:.2f}, p = {order_tests[m]['p']:.2e}")
    print("  (the raw distance also falls when W_1 merely shrinks; the normalised one compares directions)")
    numbers.update({"auc": {k: describe(r["auc"]) for k, r in runs.items()}, "final_acc": {k: describe(v) for k, v in F.items()},
                    "end_of_training": {m: {g: describe(v) for g, v in e.items()} for m, e in end.items()},
                    "ttest_noise_data_vs_data_noise": order_tests,
                    "curves_mean": {k: {m: r[m].mean(1).tolist() for m in ("acc", "angle", "dist", "ndist", "norm")}
                                    for k, r in runs.items()}})


# %% [markdown]
# ## Plot: learning curves and AUC (2b), angle and distance through noise then data (2c-d), PCA (2e-g)
# %%
def pca_panel(ax, segments, Bt, title):
    """W_1 paths of network 0 in the plane of their first two principal components; B_1^T a star."""
    coords, ref, explained = pca_trajectory(np.concatenate([seg for _, seg, _ in segments]), reference=Bt)
    i = 0
    for label, seg, style in segments:
        xy, i = coords[i:i + len(seg)], i + len(seg)
        ax.plot(xy[:, 0], xy[:, 1], style, lw=1.2, ms=2, label=label)
        ax.plot(*xy[-1], "o", color=ax.lines[-1].get_color())
    ax.plot(*coords[0], "ks", ms=6, label="random init")
    ax.plot(*ref, "r*", ms=14, label="B_1^T")
    ax.set(xlabel=f"PC1 ({100 * explained[0]:.0f}% var.)", ylabel=f"PC2 ({100 * explained[1]:.0f}%)", title=title)
    ax.legend(fontsize=7)
    return explained


kx = 1e-3 * cfg.n_noise                                      # data onset on the shared axis (thousands)
fig, ax = run.figure(2, 3, size=(16, 9))
ax = ax.ravel()
band(ax[2], noise["x"] / 1e3, noise["angle"], "FA w/ (noise)")
band(ax[3], noise["x"] / 1e3, noise["dist"], "FA w/ (noise)")
Bt0 = backend.to_host(net_w.B[1])[0].T.reshape(-1)
if data is None:
    for a in (ax[0], ax[1], ax[5]):
        a.text(0.5, 0.5, "MNIST not available:\nsee the printed message", ha="center", va="center")
        a.set_axis_off()
    explained = pca_panel(ax[4], [("FA w/: noise", noise["W1"][:, 0], "C2.-")], Bt0, "Fig. 2e: W_1 of network 0 during noise")
else:
    for name, r in runs.items():
        band(ax[0], np.arange(cfg.epochs + 1), 100 * r["acc"], name)
        if name != "BP":   # BP never uses B: its angle and distance to B mean nothing
            band(ax[2], kx + r["x"] / 1e3, r["angle"], f"{name} (data)", ls="--")
            band(ax[3], kx + r["x"] / 1e3, r["dist"], f"{name} (data)", ls="--")
    ax[0].set(xlabel="epoch", ylabel="test accuracy (%)", title="Fig. 2b: learning curves (mean ± sd)",
              ylim=(max(0, 100 * runs["FA w/o"]["acc"][1].min() - 10), 100))
    integer_ticks(ax[0])
    ax[0].legend()
    bars(ax[1], A, "AUC of test accuracy (%)", f"Fig. 2b: AUC; w/ vs w/o p = {claims[0]['p']:.1e}")
    bars(ax[5], {k: 100 * v for k, v in F.items()}, "final test accuracy (%)", f"after {cfg.epochs} epochs")
    explained = pca_panel(ax[4], [("FA w/: noise", noise["W1"][:, 0], "C2."),
                                  ("FA w/: then data", runs["FA w/"]["W1"][:, 0], "C2-"),
                                  ("FA w/o: data", runs["FA w/o"]["W1"][:, 0], "C1-")], Bt0, "Fig. 2e-f: W_1 of network 0 (PCA)")
for a, what in ((ax[2], "angle W_1^T vs B_1 (deg)"), (ax[3], "||W_1 - B_1^T||_F")):
    a.axvline(kx, color="k", ls=":", lw=1)
    a.set(xlabel="training examples seen (thousands): noise, then data", ylabel=what,
          title="Fig. 2c-d: through noise, then data")
    a.legend(fontsize=7)
ax[2].axhline(90, color="grey", lw=0.5)
numbers["pca_explained_network0"] = [float(e) for e in explained]
if data is not None:
    figb, bx = run.figure(1, 5, size=(22, 4.4))
    bx = bx[0]
    for b, m in zip(bx, ("angle", "dist", "ndist", "acc")):
        name, unit, k = labels[m]
        bars(b, {g: k * v for g, v in end[m].items()}, name + (f" ({unit.strip()})" if unit else ""),
             f"order of noise and data: final {name}")
        b.tick_params(axis="x", labelsize=7)
    pca_panel(bx[4], [("noise -> data: noise", noise["W1"][:, 0], "C2."),
                      ("noise -> data: data", runs["FA w/"]["W1"][:, 0], "C2-"),
                      ("data -> noise: data", runs["FA w/o"]["W1"][:, 0], "C1-"),
                      ("data -> noise: noise", order["W1"][:, 0], "C4.")], Bt0, "Fig. 2f-g: order (PCA)")
    run.save_figure(figb, FIG_B[:-4])
run.finish(fig, claims, numbers)
