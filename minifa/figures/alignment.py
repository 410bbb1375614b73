"""Fig. 1e (angle histograms before and after Algorithm 1) and Fig. 1f (one bar per noise)."""
from ..stats import p_text, ttest_1samp
from . import bars, figure


def draw(numbers, cfg):
    fig, ax = figure(1, 2, size=(12, 4.2))
    ax = ax[0]
    for a, label in ((numbers["before"], "before (random init)"), (numbers["after"], "after noise training")):
        ax[0].hist(a, bins=20, range=(40, 140), alpha=0.6, label=label)
    ax[0].axvline(90, color="k", ls=":")
    p = ttest_1samp(numbers["after"], 90.0)["p"]
    ax[0].set(xlabel="angle W_1^T vs B_1 per neuron (deg)", ylabel="neurons",
              title=f"Fig. 1e  (one-sample {p_text(p, '.1e')})")
    ax[0].legend()
    extra = {f"{k} (extra)": v for k, v in numbers.get("after_offset", {}).items()}
    bars(ax[1], {**numbers["after_noise"], **extra}, "angle after noise training (deg)",
         "Fig. 1f: input noise conditions")
    ax[1].axhline(90, color="k", ls=":", label="random (90 deg)")
    ax[1].tick_params(axis="x", rotation=25)
    ax[1].legend()
    return {"": fig}
