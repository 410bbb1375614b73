"""Tutorial 2: random-noise pretraining (Algorithm 1) and its loss curve (paper Fig. 1d).

The paper's Algorithm 1: before any data, a 784-100-10 network is trained by feedback
alignment on inputs x ~ N(0, I) with labels drawn uniformly, independent of x (5x10^5
examples, batch 64, Adam, lr 1e-4). The labels cannot be predicted from x, yet the training
loss decreases noticeably (Fig. 1d): the network learns to output chance, 1/10 for every
class, so the loss approaches log 10 from above. Meanwhile the weights change (tutorial 3).

    python tutorials/02_noise_pretraining.py [--quick | --lab] [--nets K]
"""
# %% [markdown]
# ## Settings: K stacked FA networks, Algorithm 1 with the paper's values
# %%
import math

from minifa import MLP, PAPER, Noise, backend, pretrain_noise
from minifa.reproduce.tutorial import Tutorial
from minifa.stats import fmt

run = Tutorial(__doc__, paper=dict(n_noise=PAPER.n_noise, nets=5), quick=dict(n_noise=50_000),
               init=True, flags={"nets": (int, "networks trained at once (stacked)")},
               times={"quick": "5 s", "lab": "the paper's size, 25 s", "paper": "25 s"})
cfg = run.cfg
seeds = [cfg.seed + k for k in range(cfg.nets)]
print(f"Algorithm 1: {cfg.nets} x FA 784-100-10 ({cfg.init} init), "
      f"{PAPER.replace(n_noise=cfg.n_noise).algorithm1()}")

x0 = Noise().sample(backend.rng(cfg.seed), PAPER.batch_size, 784, 10)[0]
batch = {"mean": float(x0.mean()), "std": float(x0.std())}
print(f"one noise batch (64 x 784): mean {batch['mean']:.3f}, std {batch['std']:.3f}  (N(0, I): 0 and 1)")

# %% [markdown]
# ## Train: Algorithm 1
# %%
net = MLP(PAPER.dims, rule="fa", seed=seeds, init=cfg.init)
hist = pretrain_noise(net, n_examples=cfg.n_noise, noise=Noise(), seed=cfg.seed, log_every=20)

# %% [markdown]
# ## Measure: loss before and after, and the alignment angle
# %%
first = hist["loss"][0]
last = [sum(h[k] for h in hist["loss"][-20:]) / 20 for k in range(cfg.nets)]
print(f"loss before noise training: {fmt(first)}  (chance: log 10 = {math.log(10):.4f})")
print(f"loss at the end (mean of the last 20 logs): {fmt(last)}")
print(f"mean alignment angle W_1^T vs B_1: {fmt(hist['angle1'][0], ' deg')} -> "
      f"{fmt(hist['angle1'][-1], ' deg')}")

# %% [markdown]
# ## Plot: Fig. 1d, and the angle that falls meanwhile
# %%
fig, ax = run.figure(1, 2, size=(11, 4))
ax = ax[0]
ex = [e / 1e3 for e in hist["examples"]]
for k in range(cfg.nets):
    ax[0].plot(ex, [h[k] for h in hist["loss"]], lw=0.6, alpha=0.7)
    ax[1].plot(ex, [h[k] for h in hist["angle1"]], lw=1)
ax[0].axhline(math.log(10), color="k", ls="--", label="chance, log 10")
ax[0].set(xlabel="noise examples (thousands)", ylabel="training loss (eq. 2)",
          title="Fig. 1d: loss during random-noise training")
ax[0].legend()
ax[1].axhline(90, color="k", ls=":")
ax[1].set(xlabel="noise examples (thousands)", ylabel="mean angle W_1^T vs B_1 (deg)",
          title="alignment during noise training")
run.finish(fig, numbers={"noise_batch": batch, "loss_start": first, "loss_end": last, "angle_start": hist["angle1"][0],
                         "angle_end": hist["angle1"][-1], "n_examples": cfg.n_noise})
