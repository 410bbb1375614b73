# %% [markdown]
# # Tutorial 7: random-noise pretraining lowers the meta-loss, so FA adapts faster to any task (paper Fig. 5, App. D.1)
#
# Does noise training prepare a network for tasks it has never seen (§4.4)? n independent FA
# networks 784-100-100-10 (App. D.1; each with its own noise stream and data order) train on
# random noise (Algorithm 1). Tasks: MNIST, Fashion-MNIST and Kuzushiji-MNIST (KMNIST), each a
# 5k/5k train/test subset (App. D.1). Three conditions:
#   FA w/o   the FA networks before noise training
#   FA w/    the same networks (same W, same B) after Algorithm 1
#   BP       the same initial weights trained by backpropagation (a reference)
# Fig. 5a: the meta-loss (minifa.meta; Table D.1: per task, 10 Adam steps at lr 1e-3 on batches
# of 10 training images, then the loss on the test images; summed over tasks) at checkpoints of
# Algorithm 1, beside the alignment of both used feedback layers (W_1^T vs B_1, W_2^T vs B_2).
# Fig. 5c (App. D.1): each condition learns each task for 100 epochs (batch 64, Adam lr 1e-4);
# faster adaptation = a larger area under the test-accuracy curve (AUC). Two-sample t-tests, as
# the paper's "random and data trained vs. data trained" (FA w/ and FA w/o start from the same
# W and B, and adapt on the same batches in the same order).
# The experiment is minifa/experiments/fig5.py; its figure minifa/figures/fig5.py.
#
# Run it here cell by cell (its notebook twin, `07_task_agnostic.ipynb`), or as a script:
# `python tutorials/07_task_agnostic.py [--quick | --lab | --paper] [--nets 10] [--init he]`
# (a flag on the command line overrides `SIZE` below).

# %%
SIZE = "lab"   # "quick": seconds, tests nothing; "lab": a class-sized run that shows the effect; "paper": the paper's settings
# %% [markdown]
# ## Settings: three 5k/5k tasks, 784-100-100-10 FA networks, Table D.1's meta-loss, App. D.1's adaptation
# The meta-loss of a network (`minifa.meta.meta_loss`) adapts a COPY of it to each task with
# Table D.1's 10 Adam steps and sums the held-out losses: the network itself never changes.
# %%
from minifa.experiments import fig5
from minifa.experiments.claims import pm
from minifa.experiments.session import Session
from minifa.figures.fig5 import draw

s = Session(fig5, size=SIZE)     # SIZE, or --quick / --lab / --paper / --nets / --init; prints the settings
cfg = s.cfg

# %% [markdown]
# ## Run: Algorithm 1 with the meta-loss at checkpoints (Fig. 5a), then every condition learns every task (Fig. 5c)
# `fig5.run` builds n stacked FA networks and keeps two copies before noise (FA w/o; BP, the
# same weights with `rule = "bp"`), runs `pretrain_noise` with a callback that measures
# `meta_loss` at checkpoints, then `train`s a copy of each condition on each task.
# %%
numbers = fig5.run(cfg)

# %% [markdown]
# ## What to look at: the meta-loss before and after noise, both layers' alignment, the AUCs
# The meta-loss should fall through Algorithm 1 (FA w/ below FA w/o), with the feedback
# alignment of W_1 and W_2; FA w/ should then learn every task faster (a larger AUC).
# %%
meta = numbers["meta_loss"]
if meta:
    print(f"meta-loss: FA w/o {pm(meta['FA w/o']['total'])} -> FA w/ {pm(meta['FA w/']['total'])} "
          f"(BP, no pretraining: {pm(meta['BP']['total'])})")
for l in (1, 2):
    a = numbers["angle_curve"][f"W{l}"]
    print(f"  angle W_{l}^T vs B_{l}: {pm(a[0])} deg before noise -> {pm(a[-1])} deg after")
for name, r in numbers["curves"].items():
    for c, v in r.items():
        print(f"  {name:<7} {c:<7} AUC {pm(v['auc'], ' %')}   final test accuracy {pm(v['final'], ' %')}")
t = numbers["timing_s"]
print(f"time: Algorithm 1 {t['noise']:.1f} s, meta-loss checkpoints {t['meta_loss']:.1f} s, "
      f"Fig. 5c {t['adaptation']:.1f} s")

# %% [markdown]
# ## Claims (Fig. 5a: lower meta-loss after noise, in total and per task; Fig. 5c: faster adaptation) and the figure
# %%
s.finish(numbers, fig5.claims(numbers, cfg), draw(numbers, cfg))
