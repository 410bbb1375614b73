# %% [markdown]
# # Tutorial 2: random-noise pretraining (Algorithm 1) and its loss curve (paper Fig. 1d)
#
# The paper's Algorithm 1: before any data, a 784-100-10 network is trained by feedback
# alignment on inputs x ~ N(0, I) with labels drawn uniformly, independent of x (5x10^5
# examples, batch 64, Adam, lr 1e-4). The labels cannot be predicted from x, yet the training
# loss decreases noticeably (Fig. 1d): the network learns to output chance, 1/10 for every
# class, so the loss approaches log 10 from above. Meanwhile the weights change (tutorial 3).
# Here Algorithm 1 is written out step by step for its first steps, then run whole by the
# library (minifa.pretrain_noise), which must give the same numbers.
# The experiment is minifa/experiments/noise_pretraining.py; its figure minifa/figures/noise_pretraining.py.
#
# Run it here cell by cell (its notebook twin, `02_noise_pretraining.ipynb`), or as a script:
# `python tutorials/02_noise_pretraining.py [--quick | --lab | --paper] [--nets K]`
# (a flag on the command line overrides `SIZE` below).

# %%
SIZE = "lab"   # "quick": seconds, tests nothing; "lab": a class-sized run that shows the effect; "paper": the paper's settings
# %% [markdown]
# ## Settings: K stacked FA networks, Algorithm 1 with the paper's values (Table A.1)
# %%
import math

import numpy as np  # host-side printing only

from minifa import MLP, PAPER, Adam, Noise, backend, step
from minifa.experiments import noise_pretraining
from minifa.experiments.session import Session
from minifa.figures.noise_pretraining import draw
from minifa.stats import fmt
from minifa.threads import blas_threads

s = Session(noise_pretraining, size=SIZE)     # SIZE, or --quick / --lab / --paper / --nets / --init; prints the settings
cfg = s.cfg

# %% [markdown]
# ## The noise batch: x ~ N(0, I), labels uniform and drawn independently of x
# %%
x, y = Noise().sample(backend.rng(cfg.seed), PAPER.batch_size, 784, 10)    # (64, 784), (64,)
batch = {"mean": float(x.mean()), "std": float(x.std())}
print(f"one noise batch ({x.shape[0]} x {x.shape[1]}): mean {batch['mean']:.3f}, std {batch['std']:.3f}  "
      f"(N(0, I): 0 and 1); labels per class {np.bincount(backend.to_host(y), minlength=10)}")

# %% [markdown]
# ## The network, and Algorithm 1 written out for its first steps
# One FA 784-100-10 network (rule "fa": errors travel back through the fixed random B, eq. 5).
# Each step draws a fresh batch from the network's own noise stream (seeded by the run's seed
# and the network's; this is the stream `pretrain_noise` gives network 0 of the stack) and makes
# one `step`: forward (eq. 1), loss (eq. 2), FA's backward pass (eq. 4-5), one Adam update.
# %%
net = MLP(PAPER.dims, rule="fa", seed=cfg.seed, init=cfg.init)
print(net)
opt, rng = Adam(lr=PAPER.lr), backend.rng([cfg.seed, cfg.seed])
n_steps = min(200, cfg.n_noise // PAPER.batch_size)
by_hand = []                                            # the loss every LOG_EVERY steps
with blas_threads():                                    # BLAS threads as in pretrain_noise (threads.py)
    for t in range(1, n_steps + 1):
        x, y = Noise().sample(rng, PAPER.batch_size, 784, 10)   # fresh noise; the labels ignore x
        step(net, opt, x, y)                                    # forward, FA backward, Adam
        if t % noise_pretraining.LOG_EVERY == 0:
            by_hand.append(float(net.loss(y)))          # the loss on this step's batch
print(f"Algorithm 1 by hand, {n_steps} steps: loss {by_hand[0]:.4f} -> {by_hand[-1]:.4f}")

# %% [markdown]
# ## Run: Algorithm 1 whole, for K stacked networks, by the library
# `noise_pretraining.run` builds `MLP(PAPER.dims, rule="fa", seed=[seed, ..., seed + K - 1])` and
# calls `pretrain_noise`, which logs the loss and the mean angle W_1^T vs B_1 every 20 steps.
# %%
numbers = noise_pretraining.run(cfg)

# %% [markdown]
# ## What to look at: the library did what we did by hand; the loss falls towards log 10
# %%
lib = [h[0] for h in numbers["loss"][1:len(by_hand) + 1]]        # network 0, the same steps
print(f"noise batch: {batch == numbers['noise_batch']}; loss by hand vs library over the first "
      f"{n_steps} steps: max |difference| {np.abs(np.subtract(by_hand, lib)).max():.1e}")
print(f"loss before noise training: {fmt(numbers['loss_start'])}  (chance: log 10 = {math.log(10):.4f})")
print(f"loss at the end (mean of the last 20 logs): {fmt(numbers['loss_end'])}")
print(f"mean alignment angle W_1^T vs B_1: {fmt(numbers['angle_start'], ' deg')} -> "
      f"{fmt(numbers['angle_end'], ' deg')}")

# %% [markdown]
# ## The figure: Fig. 1d, and the angle that falls meanwhile (no claim: the paper states no test)
# %%
s.finish(numbers, noise_pretraining.claims(numbers, cfg), draw(numbers, cfg))
