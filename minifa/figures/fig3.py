"""Fig. 3b-h, one colour per condition in every panel (BP blue, FA w/o orange, FA w/ green): the readout
against chance (3b), the weights' spectra (3c) and effective rank during noise training (3d), the
generalization error against size (3e-f) and depth (App. C.5), Gram matrices (3g) and their effective
rank (3h)."""
import numpy as np  # host-side plotting only

from ..experiments.fig3 import AFTER, BEFORE, CLASSES, DEPTH, all_depths, dims, key
from ..stats import ttest_1samp
from . import COLORS, band, figure


def sweep(a, numbers, xs, at, measure, conds, title, by_size):
    """Mean +- sd of `measure` against training-set size (log axis) or depth (integer axis)."""
    ylabel = {"gen": "test loss - train loss",
              "gram": "effective rank of the Gram matrix"}.get(measure, "effective rank")
    for c in conds:
        band(a, xs, [numbers["sweep"][key(*at(x))][c][measure] for x in xs], c, marker="o",
             ls="--" if c == "BP" else "-")
    a.set(xlabel="training-set size" if by_size else "number of weight layers", ylabel=ylabel, title=title,
          xscale="log" if by_size else "linear")
    a.set_xticks(xs, [str(x) for x in xs])                              # whole numbers: the sizes and depths run
    a.minorticks_off()
    a.legend(fontsize=8)


def weights(ax, numbers):
    """Fig. 3b-d: panels 0-4."""
    p0 = {k: np.asarray(v, dtype=float) for k, v in numbers["readout0"].items()}
    bins = np.linspace(0, max(q.max() for q in p0.values()) * 1.02, 80)
    for k, q in p0.items():
        ax[0].hist(q, bins=bins, alpha=0.6, label=k, color=COLORS[k.split(" (")[0]])
    ax[0].axvline(1 / CLASSES, color="k", ls=":", label="chance 1/C")
    p3b = ttest_1samp(p0[AFTER], 1 / CLASSES)["p"]                      # 0.0: below the smallest double
    ax[0].set(xlabel=f"p_0 (readout neuron 0, network 0) on {len(p0[AFTER])} {numbers['probe']}", ylabel="images",
              yscale="log", title=f"Fig. 3b: after noise vs 1/C: p {'<' if p3b == 0 else '='} {max(p3b, 1e-300):.1e} "
              "(paper: NS)")
    ax[0].legend(fontsize=8)
    sv, er = numbers["spectra"], numbers["erank_nets"]
    for l in range(DEPTH):
        for k in sv:
            s = np.asarray(sv[k][l], dtype=float)
            band(ax[1 + l], np.arange(1, s.shape[-1] + 1), (s / s.sum(-1, keepdims=True)).T, k)
        ax[1 + l].set(xlabel="index i", ylabel="sigma_i / sum sigma", yscale="log",
                      title=f"Fig. 3c: spectrum of W_{l}; eff. rank {np.mean(er[BEFORE][l]):.1f} -> "
                            f"{np.mean(er[AFTER][l]):.1f}")
        ax[1 + l].legend(fontsize=8)
    log = [[r[0]] + [np.asarray(e, dtype=float) for e in r[1:]] for r in numbers["erank_log"]]
    for l, ls in zip(range(DEPTH), ("-", "--", ":")):                 # each network against its own start
        band(ax[4], [r[0] / 1e3 for r in log], np.stack([r[1 + l] / log[0][1 + l] for r in log]),
             f"FA w/ (W_{l}, at init {log[0][1 + l].mean():.1f} of {min(dims(DEPTH)[l:l + 2])})", ls=ls)
    ax[4].set(xlabel="noise examples (thousands)", ylabel="effective rank / effective rank at init",
              title="Fig. 3d: effective rank during noise training")
    ax[4].legend(fontsize=8)


def draw(numbers, cfg):
    fig, ax = figure(3, 4, size=(22, 14))
    ax = ax.ravel()
    weights(ax, numbers)
    if "sweep" not in numbers:                     # MNIST absent: what did not run, in place of empty panels
        for a in ax[5:]:
            a.set_axis_off()
        ax[6].text(0.5, 0.5, "Fig. 3e-h and App. C.5 (the size and depth sweeps on MNIST): not run\n"
                   "their data are absent: python data_fetch.py mnist", ha="center", va="center",
                   transform=ax[6].transAxes, fontsize=11)
        return {"": fig}
    conds, size, depths = ("BP", "FA w/o", "FA w/") if cfg.bp else ("FA w/o", "FA w/"), cfg.depth_size, all_depths(cfg)
    at_size, at_depth = (lambda n: (DEPTH, n)), (lambda d: (d, size))
    sweep(ax[5], numbers, cfg.sizes, at_size, "gen", conds, f"Fig. 3e-f: generalization error (depth {DEPTH}, "
          f"{cfg.epochs} epochs)", True)
    sweep(ax[6], numbers, depths, at_depth, "gen", conds[-2:], f"App. C.5: generalization error vs depth (size {size})",
          False)
    sweep(ax[7], numbers, cfg.sizes, at_size, "gram_examples", conds, "variant: Gram rank of examples (not neurons)",
          True)
    sweep(ax[10], numbers, cfg.sizes, at_size, "gram", conds, f"Gram rank (neurons) vs size, depth {DEPTH} (Fig. 3g: {size})",
          True)
    sweep(ax[11], numbers, depths, at_depth, "gram", conds[-2:], f"Fig. 3h: Gram rank (neurons) vs depth (size {size})",
          False)
    for a, (c, g) in zip(ax[8:10], numbers["gram_matrix"].items()):    # Fig. 3g: network 0 of each condition
        im = a.imshow(np.asarray(g["G"], dtype=float), vmin=0, vmax=1, cmap="viridis")
        a.set(title=f"Fig. 3g: {c}, network 0: G_ij = cos(f_i, f_j)\n{len(g['G'])} active neurons, {g['silent']} "
                    f"silent left out; eff. rank {numbers['sweep'][key(DEPTH, size)][c]['gram'][0]:.2f}",
              xlabel="neuron j (sorted by preferred digit)", ylabel="neuron i")
        a.title.set_color(COLORS[c])
        fig.colorbar(im, ax=a, fraction=0.046)
    return {"": fig}
