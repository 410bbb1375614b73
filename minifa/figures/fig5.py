"""Fig. 5a (the meta-loss through Algorithm 1, in total and per task), the alignment of W_1 and
W_2 through it, and Fig. 5c (test accuracy while each condition adapts to each task)."""
import numpy as np  # host-side plotting only

from . import band, figure, integer_ticks


def meta_panel(ax, ex, values, bp_values, ylabel, title):
    """One quantity of the meta-loss through noise (FA w/), with BP's (no pretraining) as a line."""
    band(ax, ex, values, "FA w/ (through noise)", marker="o")
    ax.axhline(np.mean(bp_values), color="C0", ls="--", label="BP, no pretraining")
    ax.set(xlabel="noise examples (thousands)", ylabel=ylabel, title=title)
    ax.legend(fontsize=8)


def draw(numbers, cfg):
    fig, ax = figure(2, 4, size=(20, 8.5))
    curve, meta, names = numbers["meta_loss_curve"], numbers["meta_loss"], numbers["tasks"]
    ex = np.asarray(curve["examples"]) / 1e3
    if names:
        meta_panel(ax[0, 0], ex, curve["total"], meta["BP"]["total"], "meta-loss (sum over tasks)",
                   "Fig. 5a: meta-loss (mean ± sd)")
    for j, name in enumerate(names):
        meta_panel(ax[0, j + 1], ex, curve["tasks"][name], meta["BP"]["loss"][name],
                   "test loss after adaptation", f"Fig. 5a: {name}")
    angles = numbers["angle_curve"]
    for l, ls in ((1, "-"), (2, "--")):
        band(ax[1, 0], np.asarray(angles["examples"]) / 1e3, angles[f"W{l}"], f"FA w/ (W_{l}^T vs B_{l})", ls=ls)
    ax[1, 0].set(xlabel="noise examples (thousands)", ylabel="angle (deg)",
                 title="alignment through noise (mean ± sd)")
    ax[1, 0].legend(fontsize=8)
    for j, (name, r) in enumerate(numbers["curves"].items()):
        for c in r:
            band(ax[1, j + 1], r[c]["epoch"], r[c]["acc"], c)
        ax[1, j + 1].set(xlabel="epoch", ylabel="test accuracy (%)", ylim=(0, 100),
                         title=f"Fig. 5c: adapting to {name} (mean ± sd)")
        integer_ticks(ax[1, j + 1])
        ax[1, j + 1].legend(fontsize=8)
    return {"": fig}
