"""Table 1 / App. B: the learning curves that fix the epoch count (top row), the accuracies and
the gain from noise pretraining (bottom row)."""
import numpy as np  # host-side plotting only

from ..experiments.table1 import CONDS, row_claim
from . import COLORS, band, figure, integer_ticks


def draw(numbers, cfg):
    results, curves = numbers["results"], numbers["curves"]
    fig, ax = figure(2, max(2, len(results)), size=(4.2 * max(2, len(results)), 8.5))
    for j, r in enumerate(results):
        for c in CONDS:
            band(ax[0, j], np.arange(cfg.epochs + 1), curves[r["dataset"]][c], c)
        ax[0, j].set(xlabel="epoch", ylabel="test accuracy (%)", title=f"{r['dataset']} ({'-'.join(map(str, r['dims']))})")
        integer_ticks(ax[0, j])
        ax[0, j].legend(fontsize=7)
    x, w = np.arange(len(results)), 0.27
    labels = [r["dataset"].replace(" ", "\n") for r in results]
    for i, c in enumerate(CONDS):
        ax[1, 0].bar(x + (i - 1) * w, [np.mean(r[c]) for r in results], w, yerr=[np.std(r[c], ddof=1) for r in results],
                     capsize=2, label=c, color=COLORS[c])
    ax[1, 0].set_xticks(x, labels, fontsize=8)
    ax[1, 0].set(ylabel="test accuracy (%)", ylim=(0, 105), title=f"Table 1 / App. B: mean ± sd of {cfg.trials} trials")
    ax[1, 0].legend(ncol=3, loc="upper right", fontsize=8)
    gain = [np.mean(r["FA w/"]) - np.mean(r["FA w/o"]) for r in results]
    se = [np.sqrt(np.var(r["FA w/"], ddof=1) / len(r["FA w/"]) + np.var(r["FA w/o"], ddof=1) / len(r["FA w/o"]))
          for r in results]
    ax[1, 1].bar(x, gain, yerr=se, capsize=3,
                 color=[COLORS["FA w/"] if row_claim(r, cfg)["reproduced"] else "0.6" for r in results])
    ax[1, 1].axhline(0, color="k", lw=0.8)
    ax[1, 1].set_xticks(x, labels, fontsize=8)
    ax[1, 1].set(ylabel="FA w/ minus FA w/o (points)", title="gain from noise pretraining (± s.e.; green: p < 0.05)")
    for a in ax[1, 2:]:
        a.set_axis_off()
    return {"": fig}
