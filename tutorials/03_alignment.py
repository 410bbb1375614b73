# %% [markdown]
# # Tutorial 3: random-noise training aligns the forward weights to the feedback (paper Fig. 1e-f)
#
# Does Algorithm 1 turn each neuron's forward weights (row i of W_1^T) towards its fixed
# feedback weights (row i of B_1)? At initialisation the two are independent and their angle
# is ~90 deg (§4.1). Fig. 1e: the angles of the 100 hidden neurons before and after, with the
# paper's one-sample (vs 90 deg) and two-sample t-tests. Fig. 1f: other input noise.
# The experiment is minifa/experiments/alignment.py; its figure minifa/figures/alignment.py.
#
# Run it here cell by cell (its notebook twin, `03_alignment.ipynb`), or as a script:
# `python tutorials/03_alignment.py [--quick | --lab | --paper] [--init he]`
# (a flag on the command line overrides `SIZE` below).

# %%
SIZE = "lab"   # "quick": seconds, tests nothing; "lab": a class-sized run that shows the effect; "paper": the paper's settings
# %% [markdown]
# ## Settings: one FA 784-100-10 network per noise condition, Algorithm 1 (Table A.1)
# %%
import numpy as np  # host-side arithmetic of the check below

from minifa import MLP, PAPER, backend, pretrain_noise
from minifa.experiments import alignment
from minifa.experiments.session import Session
from minifa.figures.alignment import draw
from minifa.stats import fmt

s = Session(alignment, size=SIZE)     # SIZE, or --quick / --lab / --paper / --init; prints the settings
cfg = s.cfg

# %% [markdown]
# ## Step by step: the angle of neuron i is the angle between row i of W_1^T and row i of B_1
# cos(theta_i) = <W_1^T[i], B_1[i]> / (|W_1^T[i]| |B_1[i]|), computed here by hand.
# %%
def angles_by_hand(net):
    Wt, B = backend.to_host(net.W[1]).T, backend.to_host(net.B[1])      # (100, 10) each
    cos = (Wt * B).sum(axis=1) / (np.linalg.norm(Wt, axis=1) * np.linalg.norm(B, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


net = MLP(PAPER.dims, rule="fa", seed=cfg.seed, init=cfg.init)
before = angles_by_hand(net)
pretrain_noise(net, n_examples=cfg.n_noise, seed=cfg.seed)            # Algorithm 1, x ~ N(0, I)
after = angles_by_hand(net)
print(f"by hand: angle before {fmt(before, ' deg')}; after {fmt(after, ' deg')}")

# %% [markdown]
# ## Run: the experiment does the same for every input noise of Fig. 1f (alignment.run)
# %%
numbers = alignment.run(cfg)
assert np.allclose(numbers["after"], after, atol=1e-3)   # the library's angles equal ours (float32)

# %% [markdown]
# ## What to look at: the angles start near 90 deg (independent random vectors) and fall
# %%
for noise, a in {**numbers["after_noise"], **numbers["after_offset"]}.items():
    print(f"  after noise {noise:<26} {fmt(a, ' deg')}")
# U(0, 1) is kept apart: std 0.29 and an offset of 0.5 (the authors' later code describes noise
# by mean and std; ours are Gaussian and uniform noise of equal mean and std).

# %% [markdown]
# ## Claims (Fig. 1e and 1f) and the figure
# %%
s.finish(numbers, alignment.claims(numbers, cfg), draw(numbers, cfg))
