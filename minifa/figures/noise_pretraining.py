"""Tutorial 2's figure: Fig. 1d (the loss during Algorithm 1, per network) and the mean angle
W_1^T vs B_1 that falls meanwhile."""
import math

from . import figure


def draw(numbers, cfg):
    fig, ax = figure(1, 2, size=(11, 4))
    ax = ax[0]
    ex = [e / 1e3 for e in numbers["examples"]]
    for k in range(len(numbers["loss_start"])):
        ax[0].plot(ex, [h[k] for h in numbers["loss"]], lw=0.6, alpha=0.7)
        ax[1].plot(ex, [h[k] for h in numbers["angle1"]], lw=1)
    ax[0].axhline(math.log(10), color="k", ls="--", label="chance, log 10")
    ax[0].set(xlabel="noise examples (thousands)", ylabel="training loss (eq. 2)",
              title="Fig. 1d: loss during random-noise training")
    ax[0].legend()
    ax[1].axhline(90, color="k", ls=":")
    ax[1].set(xlabel="noise examples (thousands)", ylabel="mean angle W_1^T vs B_1 (deg)",
              title="alignment during noise training")
    return {"": fig}
