"""Tutorial 3: random-noise training aligns the forward weights to the feedback (paper Fig. 1e-f).

Does Algorithm 1 turn each neuron's forward weights (row i of W_1^T) towards its fixed
feedback weights (row i of B_1)? At initialisation the two are independent and their angle
is ~90 deg (§4.1). Fig. 1e: the angles of the 100 hidden neurons before and after, with the
paper's one-sample (vs 90 deg) and two-sample t-tests. Fig. 1f: other input noise.

    python tutorials/03_alignment.py [--quick | --lab] [--init he]
"""
# %% [markdown]
# ## Settings: one FA 784-100-10 network per noise condition, Algorithm 1
# %%
from minifa import MLP, PAPER, Noise, alignment_angles, backend, pretrain_noise
from minifa.reproduce import claims as C
from minifa.reproduce.plots import bars
from minifa.reproduce.tutorial import Tutorial
from minifa.stats import describe

run = Tutorial(__doc__, paper=dict(n_noise=PAPER.n_noise), quick=dict(n_noise=150_000),
               init=True, times={"quick": "10 s", "lab": "the paper's size, 26 s", "paper": "30 s"})
cfg = run.cfg
NOISES = [Noise(), Noise(std=0.5), Noise(std=2.0), Noise(mean=1.0), Noise("uniform", low=-1.0, high=1.0),
          Noise("uniform", low=0.0, high=1.0)]
run.deviation(f"the paper's text does not list Fig. 1f's input conditions: ours are {', '.join(map(str, NOISES))}")
run.settings(f"FA 784-100-10, {cfg.init} init, seed {cfg.seed}, Algorithm 1: "
             f"{PAPER.replace(n_noise=cfg.n_noise).algorithm1()}; n = 100 hidden neurons of one network")

# %% [markdown]
# ## Train: Algorithm 1 for each input noise; the angles of W_1^T and B_1 per neuron
# %%
def angles(noise):
    """Angles (100,) of one network's neurons before and after Algorithm 1 with `noise`."""
    net = MLP(PAPER.dims, rule="fa", seed=cfg.seed, init=cfg.init)
    before = backend.to_host(alignment_angles(net)[1])
    pretrain_noise(net, n_examples=cfg.n_noise, noise=noise, seed=cfg.seed)
    return before, backend.to_host(alignment_angles(net)[1])


before, after = angles(NOISES[0])
after_noise = {str(NOISES[0]): after, **{str(n): angles(n)[1] for n in NOISES[1:]}}

# %% [markdown]
# ## Test: Fig. 1e and 1f
# %%
claims = [C.versus("fig1e_vs_90", "Fig. 1e: after random-noise training the angle between W_1^T "
                   "and B_1 is below 90 deg (forward weights align to the feedback)", after, 90.0,
                   "after", larger=False, unit=" deg"),
          C.compare("fig1e_before_after", "Fig. 1e: the angle is lower after random-noise training "
                    "than before", after, before, ("after", "before"), larger=False, unit=" deg")]
claims += [{**C.versus(f"fig1f_{name}", f"Fig. 1f: noise {name} also aligns the weights (angle below "
                       "90 deg)", a, 90.0, "after", larger=False, unit=" deg"),
            "settings": run.settings_text.replace("N(0, I)", name, 1)}
           for name, a in list(after_noise.items())[1:]]

# %% [markdown]
# ## Plot: the angle histograms (Fig. 1e) and one bar per noise condition (Fig. 1f)
# %%
fig, ax = run.figure(1, 2, size=(12, 4.2))
ax = ax[0]
for a, label in ((before, "before (random init)"), (after, "after noise training")):
    ax[0].hist(a, bins=20, range=(40, 140), alpha=0.6, label=label)
ax[0].axvline(90, color="k", ls=":")
ax[0].set(xlabel="angle W_1^T vs B_1 per neuron (deg)", ylabel="neurons",
          title=f"Fig. 1e  (one-sample p = {claims[0]['p']:.1e})")
ax[0].legend()
bars(ax[1], after_noise, "angle after noise training (deg)", "Fig. 1f: input noise conditions")
ax[1].axhline(90, color="k", ls=":", label="random (90 deg)")
ax[1].tick_params(axis="x", rotation=25)
ax[1].legend()
run.finish(fig, claims, {"n_examples": cfg.n_noise, "before": describe(before), "after": describe(after)})
