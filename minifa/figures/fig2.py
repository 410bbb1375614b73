"""Fig. 2 (learning curves, AUC, angle and distance through noise then data, PCA of W_1, order)
and, as "_appB", App. B.3 (784-100-100-10) and B.4-B.6 (CIFAR-10)."""
import numpy as np  # host-side plotting only

from ..experiments.fig2 import CONDS, end
from . import band, bars, dots, figure, integer_ticks

STYLES = {"noise": "C2.", "FA w/": "C2-", "FA w/o": "C1-", "data -> noise": "C4."}   # PCA paths


def arrays(r):
    """An experiment's phase records as float arrays (they may come back from the JSON as lists)."""
    return {c: {k: np.asarray(v, dtype=float) for k, v in rec.items()} for c, rec in r["runs"].items()}


def through(ax, r, m, l, what):
    """Measure m of layer l through noise (FA w/), then data, on one axis of examples seen; the
    noise phase shaded, the boundary where the data start marked and named."""
    kx = r["noise"]["x"][-1] / 1e3
    ax.axvspan(0, kx, color="0.5", alpha=0.08, lw=0)
    band(ax, r["noise"]["x"] / 1e3, r["noise"][m][:, l], "FA w/ (noise)")
    for c in ("FA w/o", "FA w/"):
        band(ax, kx + r[c]["x"] / 1e3, r[c][m][:, l], f"{c} (data)", ls="--")
    ax.axvline(kx, color="k", ls=":", lw=1, label=f"data start ({kx:g}k noise examples before)")
    top = ax.get_xaxis_transform()                          # x in data units, y in axes units
    ax.text(kx / 2, 0.98, "noise phase (FA w/ only)", transform=top, ha="center", va="top", fontsize=8, color="0.3")
    ax.set(xlabel="examples seen (thousands): noise (shaded), then data", ylabel=what)
    ax.legend(fontsize=7)


def learning(ax, r, title, cfg):
    for c in [c for c in CONDS if c in r]:
        band(ax, r[c]["x"] / cfg.n_train, 100 * r[c]["acc"], c)
    ax.set(xlabel="epoch", ylabel="test accuracy (%)", title=title, ylim=(0, 100))
    integer_ticks(ax)
    ax.legend(fontsize=8)


def pca(ax, p, title):
    """One PCA panel from run's coordinates: each phase's path of W_1, and B_1^T as a star."""
    for c, xy in p["coords"].items():
        xy = np.asarray(xy, dtype=float)
        ax.plot(xy[:, 0], xy[:, 1], STYLES[c], lw=1.2, ms=2, label=c)
    ax.plot(*p["ref"], "r*", ms=14, label="B_1^T")
    ex = p["explained"]
    ax.set(xlabel=f"PC1 ({100 * ex[0]:.0f}%)", ylabel=f"PC2 ({100 * ex[1]:.0f}%)", title=title)
    ax.legend(fontsize=7)


def order(r, *conds):
    """The normalised distance to B_1^T at the end, per order of training."""
    names = {"FA w/": "noise -> data", "FA w/o": "data only", "data -> noise": "data -> noise"}
    return {names[c]: end(r, c, "ndist") for c in conds}


def fig2(numbers, cfg):
    fig, ax = figure(2, 4, size=(21, 9))
    if numbers.get("Fig. 2") is None:
        for a in ax[1]:
            a.axis("off")
        not_run(ax[0], "Fig. 2", numbers, cfg)
        return fig
    r = arrays(numbers["Fig. 2"])
    learning(ax[0, 0], r, "Fig. 2b: learning curves (mean ± sd)", cfg)
    bars(ax[0, 1], {c: r[c]["auc"] for c in CONDS}, "AUC of test accuracy (%)", "Fig. 2b: AUC")
    through(ax[0, 2], r, "angle", 0, "angle W_1^T vs B_1 (deg)")
    ax[0, 2].set_title("Fig. 2c: angle through noise, then data")
    through(ax[0, 3], r, "dist", 0, "||W_1 - B_1^T||_F")
    ax[0, 3].set_title("Fig. 2e: distance to feedback")
    dots(ax[1, 0], {c: 100 * end(r, c, "acc") for c in CONDS}, "final test accuracy (%)", f"after {cfg.epochs} epochs")
    panels = numbers["Fig. 2"]["pca"]
    pca(ax[1, 1], panels["Fig. 2d"], "Fig. 2d: W_1 of network 0 (PCA)")
    pca(ax[1, 2], panels["Fig. 2f"], "Fig. 2f: order (PCA)")
    bars(ax[1, 3], order(r, "FA w/", "data -> noise", "FA w/o"), "normalised distance to B_1^T", "Fig. 2g: order")
    return fig


WHAT = {"Fig. 2": ("784-100-10 on MNIST", "mnist"), "App. B.3": ("784-100-100-10 on MNIST", "mnist"),
        "App. B.4-B.6": ("3072-100-10 on CIFAR-10", "cifar10")}


def not_run(axes, name, numbers, cfg):
    """A row of panels whose experiment did not run: no empty axes, one note saying what was not run
    and why (its data absent, or not part of this run size)."""
    for a in axes:
        a.axis("off")
    what, key = WHAT[name]
    if name in numbers:                                     # it was to run: its data were absent
        why = f"its data are absent: python data_fetch.py {key}"
    else:
        why = (f"the '{getattr(cfg, 'size', '?')}' size runs {', '.join(getattr(cfg, 'experiments', ())) or 'others'} "
               "only; --paper runs it")
    axes[len(axes) // 2].text(0.5, 0.5, f"{name} ({what}): not run\n{why}", ha="center", va="center",
                              transform=axes[len(axes) // 2].transAxes, fontsize=11, wrap=True)


def appB(numbers, cfg):
    fig, bx = figure(2, 3, size=(17, 9))
    for row, name in enumerate(("App. B.3", "App. B.4-B.6")):
        if numbers.get(name) is None:
            not_run(bx[row], name, numbers, cfg)
            continue
        r = arrays(numbers[name])
        learning(bx[row, 0], r, f"{name}: learning curves", cfg)
        through(bx[row, 1], r, "angle", 0, "angle W_1^T vs B_1 (deg)")
        bx[row, 1].set_title(f"{name}: angle of W_1 through noise, then data")
        if name == "App. B.3":
            through(bx[row, 2], r, "angle", 1, "angle W_2^T vs B_2 (deg)")
            bx[row, 2].set_title(f"{name}: angle of W_2 through noise, then data")
        elif "data -> noise" in r:
            bars(bx[row, 2], order(r, "FA w/", "data -> noise"), "normalised distance to B_1^T", f"{name}: order")
        else:
            bars(bx[row, 2], {"FA w/o": end(r, "FA w/o", "ndist"), "FA w/": end(r, "FA w/", "ndist")},
                 "normalised distance to B_1^T", f"{name}: distance to feedback")
    return fig


def draw(numbers, cfg):
    return {"": fig2(numbers, cfg), "_appB": appB(numbers, cfg)}
