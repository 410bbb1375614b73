"""Fig. 4: MNIST learning curves, accuracy per test set (stars: FA w/ vs FA w/o), the test
images; without MNIST, Algorithm 1's alignment (what did run)."""
import numpy as np  # host-side plotting only

from ..experiments.fig4 import comparisons, pixels
from . import COLORS, band, figure, integer_ticks, label_above, stars


def draw(numbers, cfg):
    fig, ax = figure(1, 3, size=(17, 4.8))
    ax = ax[0]
    acc = {c: {n: np.asarray(a, dtype=float) for n, a in per.items()} for c, per in numbers["accuracy"].items()}
    if not acc:                        # no MNIST: show what did run, Algorithm 1's alignment
        curve = numbers["noise_curve"]
        ax[0].plot(np.array(curve["examples"]) / 1e3, curve["angle"], "k")
        ax[0].set(xlabel="noise examples (thousands)", ylabel="mean angle W_1^T vs B_1 (deg)",
                  title="FA w/: Algorithm 1 (MNIST absent: Fig. 4 not run)")
        for a in ax[1:]:
            a.set_axis_off()
        ax[1].text(1.0, 0.5, "Fig. 4 (MNIST training, in- and out-of-distribution tests): not run\n"
                   "its data are absent: python data_fetch.py mnist usps", ha="center", va="center",
                   transform=ax[1].transAxes, fontsize=11)
        return {"": fig}
    conds = list(acc)
    for c in conds:
        band(ax[0], numbers["test_acc_curve"][c]["epoch"], numbers["test_acc"][c], c)
    integer_ticks(ax[0])
    ax[0].set(xlabel="epoch", ylabel="MNIST test accuracy (%)",
              title="training on MNIST (mean ± sd" + (f"; {cfg.n_curve} test images)" if hasattr(cfg, "n_curve") else ")"), ylim=(0, 100))
    ax[0].legend()
    names, w = list(acc[conds[0]]), 0.27
    for i, c in enumerate(conds):
        ax[1].bar(np.arange(len(names)) + (i - (len(conds) - 1) / 2) * w, [acc[c][n].mean() for n in names], w,
                  yerr=[acc[c][n].std(ddof=1) for n in names], capsize=2, label=c, color=COLORS[c])
    ax[1].set(ylabel="test accuracy (%)", ylim=(0, 118), title="Fig. 4b-c: in- and out-of-distribution")
    p = {name: cl["p"] for name, cl in comparisons(numbers).items()}
    for j, name in enumerate(names):
        label_above(ax[1], j + (len(conds) - 2) * w / 2, [acc[c][name].mean() + acc[c][name].std(ddof=1)
                                                        for c in conds[-2:]], stars(p[name]))
    ax[1].set_xticks(range(len(names)), [n.replace(" ", "\n") for n in names])
    ax[1].legend(loc="lower left", ncol=3, fontsize=8)
    imgs = [numbers["images"][n] for n in names]
    grid = [np.concatenate([pixels(x[i]) for x in imgs], axis=1) for i in range(len(imgs[0]))]
    ax[2].imshow(np.concatenate(grid, axis=0), cmap="gray")
    ax[2].set_xticks(14 + 28 * np.arange(len(names)), [n.replace(" ", "\n") for n in names])
    ax[2].set(yticks=[], title="test images (columns: test sets)")
    return {"": fig}
