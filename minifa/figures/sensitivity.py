"""Tutorial 10's figure: the map's heatmaps (AUC gain, final-accuracy gain, angle after noise,
ECE after data; minifa/sweep/report.py), the learning curves at the largest amount of noise, and
the ECE through the stages."""
import numpy as np  # host-side plotting only

from ..sweep.report import HEATMAPS, OUTCOMES, axes_of, heat_panel, limit, panels
from . import figure


def curves(ax, cells, top):
    """Mean test accuracy w/ (solid) and w/o (dashed) of each cell at the largest amount of noise."""
    for i, r in enumerate(c for c in cells if c["settings"]["n_noise"] == top):
        cv, label = r["numbers"]["curve"], ", ".join(f"{k} {v}" for k, v in r["axes"].items() if k != "n_noise")
        ax.plot(cv["epoch"], cv["w/"], color=f"C{i}", label=f"{label or 'w/'} w/")
        ax.plot(cv["epoch"], cv["w/o"], color=f"C{i}", ls="--", label=f"{label or 'w/o'} w/o")
    ax.set(xlabel="epoch", ylabel="test accuracy (%, mean over networks)",
           title=f"learning at n_noise {top}: w/ solid, w/o dashed")
    ax.legend(fontsize=7)


def calibration(ax, cells, top):
    """ECE (mean over networks) before noise, after it, after data w/o and w/, per cell at the largest noise."""
    stages = ("before", "noise", "w/o", "w/")
    for i, r in enumerate(c for c in cells if c["settings"]["n_noise"] == top):
        label = ", ".join(f"{k} {v}" for k, v in r["axes"].items() if k != "n_noise") or "ECE"
        ax.plot(range(4), [np.mean(r["numbers"]["ece"][s]) for s in stages], "o-", color=f"C{i}", label=label)
    ax.set_xticks(range(4), ["untrained", "after noise", "after data\nw/o", "after data\nw/"])
    ax.set(ylabel="ECE (%, 10 bins)", title=f"calibration at n_noise {top}")
    ax.legend(fontsize=7)


def draw(numbers, cfg):
    cells = [{**r, "name": r["cell"]} for r in numbers["cells"]]
    fig, ax = figure(2, 3, size=(15, 8.5))
    if not cells:
        ax[0][0].text(0.5, 0.5, "no cell ran (MNIST absent)", ha="center")
        return {"": fig}
    done, axes = {c["name"]: c for c in cells}, axes_of(cells)
    panel = panels(cells, axes)[0]                  # the first two axes (the tutorial's grid has two)
    for a, key in zip([ax[0][0], ax[0][1], ax[0][2], ax[1][0]], HEATMAPS):
        im = heat_panel(a, key, panel, done, limit(key, cells, done))
        a.set_title(OUTCOMES[key][0].replace(" (", "\n("), fontsize=9)
        fig.colorbar(im, ax=a, label=OUTCOMES[key][1], shrink=0.8)
    top = max(c["settings"]["n_noise"] for c in cells)
    curves(ax[1][1], cells, top)
    calibration(ax[1][2], cells, top)
    fig.suptitle("When does noise pretraining help? Fig. 2's protocol per cell; squares: mean w/ - w/o "
                 "(stars: t-test, * p < 0.05, ** < 0.01, *** < 0.001)", fontsize=10)
    return {"": fig}
