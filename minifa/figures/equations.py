"""Tutorial 1's figure: forward W_1^T next to feedback B_1, and the error each sends back to h_1."""
import numpy as np  # host-side plotting only

from . import COLORS, figure


def draw(numbers, cfg):
    inp, err = numbers["inputs"], {k: np.asarray(v) for k, v in numbers["error_h1"].items()}
    fig, ax = figure(1, 3, size=(10, 3.2), width_ratios=[1, 1, 2])
    ax = ax[0]
    for a, m, t in ((ax[0], np.asarray(inp["W1"]).T, "forward W_1^T"), (ax[1], np.asarray(inp["B1"]), "feedback B_1")):
        im = a.imshow(m, cmap="RdBu_r", vmin=-1.5, vmax=1.5)
        a.set(title=t, xlabel="output neuron", ylabel="hidden neuron", xticks=range(m.shape[1]), yticks=range(m.shape[0]))
    fig.colorbar(im, ax=ax[:2], shrink=0.8)
    n = err["BP"].shape[1]
    ax[2].bar(np.arange(n) - 0.18, err["BP"][0], 0.35, label="BP: W_1^T delta_2 (eq. 3)", color=COLORS["BP"])
    ax[2].bar(np.arange(n) + 0.18, err["FA"][0], 0.35, label="FA: B_1 delta_2 (eq. 5)", color=COLORS["FA w/o"])
    ax[2].axhline(0, color="k", lw=0.6)
    ax[2].set(xticks=range(n), xlabel="hidden neuron", title="error sent to h_1 (example 1)")
    ax[2].legend(fontsize=8)
    return {"": fig}
