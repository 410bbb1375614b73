"""Tutorial 4: a noise-pretrained FA network learns fast (paper Fig. 2, App. B.2-B.6).

Does a network that first trains on noise (Algorithm 1) learn faster under feedback
alignment? Three conditions of n independent networks (own noise, own data order):
  BP       backpropagation (eq. 3) from random init
  FA w/o   feedback alignment (eq. 5) from random init
  FA w/    the same FA networks (same W, same B) after Algorithm 1
Fig. 2b: test accuracy during training and its area under the curve (AUC, learning speed);
Fig. 2c-d: angle between W_1^T and B_1 and distance ||W_1 - B_1^T||_F through noise, then
data; Fig. 2e-g: the path of W_1 (PCA), and the order: noise -> data ends closer to B than
data -> noise. App. B.3: the same with 784-100-100-10 (both layers' angles); App. B.4-B.6:
CIFAR-10. Two-sample t-tests over networks.

    python tutorials/04_fast_learning.py [--quick | --lab | --full] [--nets 10] [--init he]
"""
# %% [markdown]
# ## Settings: 5k/5k subsets, 100 epochs, n = 10 per condition (App. B.2); three experiments
# %%
import numpy as np  # host-side statistics and plotting only

from minifa import MLP, PAPER, backend, evaluate, pretrain_noise, train
from minifa.analysis import auc, pca_trajectory, weight_distance
from minifa.datasets import subset
from minifa.reproduce import claims as C
from minifa.reproduce.plots import band, bars, dots, integer_ticks
from minifa.reproduce.tutorial import Tutorial
from minifa.stats import describe, fmt, ttest_ind

EXPERIMENTS = {"Fig. 2": ("mnist", PAPER.dims), "App. B.3": ("mnist", PAPER.dims_deep),
               "App. B.4-B.6": ("cifar10", (3072, 100, 10))}
CONDS = ("BP", "FA w/o", "FA w/")                      # trained on data; BP may be left out of App. B
run = Tutorial(__doc__, paper=dict(nets=PAPER.n_nets, n_noise=PAPER.n_noise, epochs=PAPER.epochs,
                                   n_train=PAPER.n_train, n_test=PAPER.n_test, experiments=list(EXPERIMENTS),
                                   appB_nets=PAPER.n_nets, appB_bp=True, appB_order=True),
               lab=dict(nets=5, epochs=15, n_train=2000, n_test=2000, experiments=["Fig. 2"]),
               quick=dict(nets=2, n_noise=5_000, epochs=2, n_train=500, n_test=500, appB_nets=2), init=True,
               data=("mnist", "cifar10"), flags={"nets": (int, "networks per condition")},
               budget=dict(appB_nets=5, appB_bp=False, appB_order=False, why="App. B.3-B.6 with 5 networks per "
                           "condition, no BP reference and no data -> noise control (CIFAR-10's 3072-wide input makes "
                           "B.4-B.6 alone ~12 min at n = 10)"),
               times={"quick": "20 s", "lab": "47 s", "paper": "10 min (--full: 19 min)"})
cfg = run.cfg
EVERY = 2 if cfg.epochs >= 50 else 1           # epochs between test-accuracy points of the AUC
if EVERY > 1:
    run.deviation(f"not stated in the paper: the test accuracy every {EVERY} epochs, the AUC by trapezoids over those "
                  "points (a pass over the test set costs ~30% of an epoch)")
run.settings(f"{cfg.n_train} train / {cfg.n_test} test images (balanced), {cfg.epochs} epochs, batch 64, Adam "
             f"lr 1e-4; FA w/: Algorithm 1 with {cfg.n_noise} noise examples; n = {cfg.nets} independent networks "
             f"per condition (own noise and data order), {cfg.init} init")


# %% [markdown]
# ## Train: noise, then data, recording each layer's angle and distance to its feedback
# %%
def recorder(net):
    """A callback keeping, at every log, per used layer l: ||W_l - B_l^T||_F, the same for the
    unit-norm matrices (directions only), and W_1 of network 0 (for the PCA of Fig. 2e-g)."""
    rec = {"dist": [], "ndist": [], "W1": []}

    def callback(net, hist):
        rec["dist"].append([backend.to_host(weight_distance(net, l)) for l in range(1, net.n_layers)])
        rec["ndist"].append([backend.to_host(weight_distance(net, l, normalize=True)) for l in range(1, net.n_layers)])
        rec["W1"].append(backend.to_host(net.W[1][0]).ravel().copy())
    return rec, callback


def phase(net, data=None, noise_seed=cfg.seed):
    """Algorithm 1 (data None) or training on data; every layer's angle, distance, and test accuracy."""
    rec, cb = recorder(net)
    if data is None:
        hist = pretrain_noise(net, n_examples=cfg.n_noise, seed=noise_seed, callback=cb,
                              log_every=max(1, -(-cfg.n_noise // 64) // 40))
        x = np.asarray(hist["examples"], float)
    else:
        hist = train(net, data[0], data[1], X_test=data[2], y_test=data[3], epochs=cfg.epochs, seed=cfg.seed,
                     callback=cb, train_metrics=False, record_every=EVERY)
        x = np.asarray(hist["epoch"]) * cfg.n_train
    angle = np.stack([hist[f"angle{l}"] for l in range(1, net.n_layers)], axis=1)   # (T, layers, K)
    return {"x": x, "angle": angle, "dist": np.asarray(rec["dist"]), "ndist": np.asarray(rec["ndist"]),
            "W1": np.asarray(rec["W1"]), "acc": np.asarray(hist.get("test_acc", [np.nan]))}


def experiment(key, dims, n, bp=True, order=True):
    """Noise for FA w/; data for BP, FA w/o, FA w/ (n networks each); then noise after data
    (order control)."""
    data = run.load(key, "this experiment skipped")
    if data is None:
        return None
    data = (*subset(*data[:2], cfg.n_train, seed=cfg.seed, balanced=True),
            *subset(*data[2:], cfg.n_test, seed=cfg.seed, balanced=True))
    nets = {c: MLP(dims, rule="bp" if c == "BP" else "fa", seed=[cfg.seed + k for k in range(n)], init=cfg.init)
            for c in CONDS if bp or c != "BP"}
    out = {"noise": phase(nets["FA w/"]), "B1": backend.to_host(nets["FA w/"].B[1][0]).T.ravel()}
    out.update({c: phase(n, data) for c, n in nets.items()})
    if order:
        net_dn = nets["FA w/o"].copy()                         # data -> noise, on a noise stream of its own
        out["data -> noise"] = phase(net_dn, noise_seed=cfg.seed + 1)
        out["data -> noise"]["acc"] = np.asarray([evaluate(net_dn, *data[2:])[1]])
    for c in nets:
        out[c]["auc"] = 100 * auc(out[c]["acc"], x=out[c]["x"] / cfg.n_train)
        print(f"  {c:<7} AUC {fmt(out[c]['auc'], '%')}   final test accuracy {fmt(100 * out[c]['acc'][-1], '%')}")
    return out


results = {}
for name in cfg.experiments:
    print(f"\n{name}: {EXPERIMENTS[name][0]}, {'-'.join(map(str, EXPERIMENTS[name][1]))}")
    appB = name != "Fig. 2"
    results[name] = experiment(*EXPERIMENTS[name], cfg.appB_nets if appB else cfg.nets, not appB or cfg.appB_bp,
                               not appB or cfg.appB_order)


# %% [markdown]
# ## Test: speed (2b), alignment and distance (2c-d), order (2f-g); the same in App. B
# %%
def end(r, cond, m, l=0):
    """The value of measure m for layer index l (0: W_1) at the end of all training."""
    return r[cond][m][-1][l] if m != "acc" else r[cond]["acc"][-1]


claims, lower = [], dict(larger=False, digits=3)
for name, r in results.items():
    if r is None:
        continue
    tag = {"Fig. 2": "fig2", "App. B.3": "appB3", "App. B.4-B.6": "appB4"}[name]
    on = "" if tag == "fig2" else f" ({name}: {'784-100-100-10' if tag == 'appB3' else 'CIFAR-10'})"
    claims.append(C.compare(f"{tag}b_auc", f"{name}: a network pretrained with random noise (FA w/) learns notably faster "
                            f"than FA w/o: larger area under the test-accuracy curve{on}.", r["FA w/"]["auc"],
                            r["FA w/o"]["auc"], ("FA w/", "FA w/o"), unit="%"))
    if tag == "fig2":
        claims.append(C.differ("fig2b_auc_vs_bp", "Fig. 2b: FA w/ vs BP, the paper's comparison of learning speed "
                               "(reported as a significant difference, P < 0.001)", r["FA w/"]["auc"], r["BP"]["auc"],
                               ("FA w/", "BP"), unit="%"))
    if tag != "appB3":
        claims.append(C.compare(f"{tag}b_final_acc", f"{name}: FA w/ reaches a higher final test accuracy than FA w/o{on}.",
                                100 * end(r, "FA w/", "acc"), 100 * end(r, "FA w/o", "acc"), ("FA w/", "FA w/o"), unit="%"))
    for l in range(len(r["FA w/"]["angle"][-1])):
        if tag == "appB3":
            claims.append(C.compare(f"appB3_noise_angle_W{l + 1}", f"App. B.3: random-noise training aligns W_{l + 1}^T to "
                                    f"B_{l + 1} in a deeper network (angle after noise below before)",
                                    r["noise"]["angle"][-1][l], r["noise"]["angle"][0][l], ("after noise", "before"),
                                    larger=False, paired=True, unit=" deg"))
        claims.append(C.compare(f"{tag}c_angle_W{l + 1}", f"{name}: after data training, FA w/ keeps W_{l + 1}^T closer to "
                                f"B_{l + 1} than FA w/o (smaller angle){on}.", end(r, "FA w/", "angle", l),
                                end(r, "FA w/o", "angle", l), ("FA w/", "FA w/o"), larger=False, unit=" deg"))
    if tag == "fig2":
        claims += [C.compare("fig2d_distance", "Fig. 2d: sequential training with random noise and then data brings the "
                             "weights closer to the synaptic feedback than training solely with data: ||W_1 - B_1^T||_F of "
                             "FA w/ below FA w/o.", end(r, "FA w/", "dist"), end(r, "FA w/o", "dist"), ("FA w/", "FA w/o"), **lower),
                   C.compare("fig2d_distance_normalized", "Fig. 2d, scale removed: ||W_1/||W_1|| - B_1^T/||B_1|| ||_F of FA w/ "
                             "below FA w/o.", end(r, "FA w/", "ndist"), end(r, "FA w/o", "ndist"), ("FA w/", "FA w/o"), **lower)]
    for m, what in (("dist", "||W_1 - B_1^T||_F"), ("ndist", "normalised distance")):
        if "data -> noise" in r and tag != "appB3" and (m == "ndist" or tag == "fig2"):
            claims.append(C.compare(f"{tag}fg_order_{m}", f"{name}: random training must come before data training: noise -> "
                                    f"data ends closer to B_1 than data -> noise ({what}){on}.", end(r, "FA w/", m),
                                    end(r, "data -> noise", m), ("noise -> data", "data -> noise"), **lower))
    if tag == "fig2":
        t = ttest_ind(end(r, "data -> noise", "ndist"), end(r, "FA w/o", "ndist"))
        print(f"  (extra) data -> noise vs data only, normalised distance: "
              f"{C.pm(end(r, 'data -> noise', 'ndist'), digits=3)} vs {C.pm(end(r, 'FA w/o', 'ndist'), digits=3)}; "
              f"t = {t['t']:.2f}, p = {t['p']:.2e}")

# %% [markdown]
# ## Plot: Fig. 2 (curves, AUC, angle and distance through noise then data, PCA, order) and App. B
# %%
def through(ax, r, m, l, what):
    """Measure m of layer l through noise (FA w/), then data, on one axis of examples seen."""
    kx = r["noise"]["x"][-1] / 1e3
    band(ax, r["noise"]["x"] / 1e3, r["noise"][m][:, l], "FA w/ (noise)")
    for c in ("FA w/o", "FA w/"):
        band(ax, kx + r[c]["x"] / 1e3, r[c][m][:, l], f"{c} (data)", ls="--")
    ax.axvline(kx, color="k", ls=":", lw=1)
    ax.set(xlabel="examples seen (thousands): noise, then data", ylabel=what)
    ax.legend(fontsize=7)


def learning(ax, r, title):
    for c in [c for c in CONDS if c in r]:
        band(ax, r[c]["x"] / cfg.n_train, 100 * r[c]["acc"], c)
    ax.set(xlabel="epoch", ylabel="test accuracy (%)", title=title, ylim=(0, 100))
    integer_ticks(ax)
    ax.legend(fontsize=8)


def pca(ax, r, segments, title):
    C_ = np.concatenate([r[c]["W1"] for c, _ in segments])
    coords, ref, explained = pca_trajectory(C_, reference=r["B1"])
    i = 0
    for c, style in segments:
        n = len(r[c]["W1"])
        ax.plot(coords[i:i + n, 0], coords[i:i + n, 1], style, lw=1.2, ms=2, label=c)
        i += n
    ax.plot(*ref, "r*", ms=14, label="B_1^T")
    ax.set(xlabel=f"PC1 ({100 * explained[0]:.0f}%)", ylabel=f"PC2 ({100 * explained[1]:.0f}%)", title=title)
    ax.legend(fontsize=7)


fig, ax = run.figure(2, 4, size=(21, 9))
r = results.get("Fig. 2")
if r is not None:
    learning(ax[0, 0], r, "Fig. 2b: learning curves (mean ± sd)")
    bars(ax[0, 1], {c: r[c]["auc"] for c in CONDS}, "AUC of test accuracy (%)", "Fig. 2b: AUC")
    through(ax[0, 2], r, "angle", 0, "angle W_1^T vs B_1 (deg)")
    ax[0, 2].set_title("Fig. 2c: angle through noise, then data")
    through(ax[0, 3], r, "dist", 0, "||W_1 - B_1^T||_F")
    ax[0, 3].set_title("Fig. 2d: distance to feedback")
    dots(ax[1, 0], {c: 100 * end(r, c, "acc") for c in CONDS}, "final test accuracy (%)",
         f"after {cfg.epochs} epochs")
    pca(ax[1, 1], r, [("noise", "C2."), ("FA w/", "C2-"), ("FA w/o", "C1-")], "Fig. 2e: W_1 of network 0 (PCA)")
    pca(ax[1, 2], r, [("noise", "C2."), ("FA w/", "C2-"), ("FA w/o", "C1-"), ("data -> noise", "C4.")], "Fig. 2f-g: order (PCA)")
    bars(ax[1, 3], {"noise -> data": end(r, "FA w/", "ndist"), "data -> noise": end(r, "data -> noise", "ndist"),
                    "data only": end(r, "FA w/o", "ndist")}, "normalised distance to B_1^T", "Fig. 2f-g: order")
figb, bx = run.figure(2, 3, size=(17, 9))
for row, name in enumerate(("App. B.3", "App. B.4-B.6")):
    r = results.get(name)
    if r is None:
        bx[row, 0].text(0.5, 0.5, f"{name}: not run (see the notes)", ha="center")
        continue
    learning(bx[row, 0], r, f"{name}: learning curves")
    through(bx[row, 1], r, "angle", 0, "angle W_1^T vs B_1 (deg)")
    bx[row, 1].set_title(f"{name}: angle of W_1 through noise, then data")
    if name == "App. B.3":
        through(bx[row, 2], r, "angle", 1, "angle W_2^T vs B_2 (deg)")
        bx[row, 2].set_title(f"{name}: angle of W_2 through noise, then data")
    elif "data -> noise" in r:
        bars(bx[row, 2], {"noise -> data": end(r, "FA w/", "ndist"), "data -> noise": end(r, "data -> noise", "ndist")},
             "normalised distance to B_1^T", f"{name}: order")
    else:
        bars(bx[row, 2], {"FA w/o": end(r, "FA w/o", "ndist"), "FA w/": end(r, "FA w/", "ndist")},
             "normalised distance to B_1^T", f"{name}: distance to feedback")
run.save_figure(figb, run.stem + "_appB")
run.finish(fig, claims, {name: None if r is None else {
    "auc": {c: describe(r[c]["auc"]) for c in CONDS if c in r},
    "final_acc": {c: describe(end(r, c, "acc")) for c in (*CONDS, "data -> noise") if c in r},
    "angle_end": {c: [describe(a) for a in r[c]["angle"][-1]] for c in ("noise", "FA w/o", "FA w/", "data -> noise") if c in r},
    "acc_curve_mean": {c: r[c]["acc"].mean(1).tolist() for c in CONDS if c in r}} for name, r in results.items()})
