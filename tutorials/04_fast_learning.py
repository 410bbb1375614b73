# %% [markdown]
# # Tutorial 4: a noise-pretrained FA network learns fast (paper Fig. 2, App. B.2-B.6)
#
# Fig. 2's question: once Algorithm 1 has turned W_1 towards the fixed feedback B_1 (tutorial 3),
# does feedback alignment then learn MNIST faster? n networks in each of three conditions: BP,
# FA from random init (FA w/o), and the same FA networks after noise training (FA w/). We compare
# their learning speed (the area under the test-accuracy curve, AUC), the angle and the distance
# between W_1^T and B_1 through noise and then data, the path of W_1 (PCA), and what happens when
# noise comes after the data instead. App. B asks the same of a deeper network and of CIFAR-10.
# The experiment is minifa/experiments/fig2.py; its figures minifa/figures/fig2.py.
#
# Run it here cell by cell (its notebook twin, `04_fast_learning.ipynb`), or as a script:
# `python tutorials/04_fast_learning.py [--quick | --lab | --paper] [--nets 10] [--init he]`
# (a flag on the command line overrides `SIZE` below).

# %%
SIZE = "lab"   # "quick": seconds, tests nothing; "lab": a class-sized run that shows the effect; "paper": the paper's settings
# %% [markdown]
# ## Settings: 5k/5k subsets, 100 epochs, n = 10 per condition (App. B.2); three experiments
# Fig. 2 on MNIST with 784-100-10, App. B.3 with 784-100-100-10, App. B.4-B.6 on CIFAR-10.
# The paper's size runs all three whole (n = 10, BP, the order control); --lab runs Fig. 2 only.
# %%
from minifa.experiments import fig2
from minifa.experiments.claims import pm
from minifa.experiments.session import Session
from minifa.figures.fig2 import draw
from minifa.stats import fmt, ttest_ind

s = Session(fig2, size=SIZE)     # SIZE, or --quick / --lab / --paper / --nets / --init; prints the settings
cfg = s.cfg

# %% [markdown]
# ## Run: noise, then data, recording each layer's angle and distance to its feedback
# Per experiment, `fig2.run` builds the three conditions from the same seeds
# (`MLP(dims, rule="bp" | "fa", seed=[...])`), runs `pretrain_noise` on the FA w/ networks,
# `train`s all three on the same data subset, and, as the order control, runs Algorithm 1
# on a copy of the trained FA w/o networks (data -> noise). A callback keeps
# `weight_distance(net, l)` and network 0's W_1 along the way; run reduces the W_1 paths to
# their PCA (Fig. 2d, 2f) so that the saved numbers stay small.
# %%
numbers = fig2.run(cfg)

# %% [markdown]
# ## What to look at: the AUC (learning speed) of FA w/ above FA w/o, and near BP's
# %%
for name in cfg.experiments:
    r = numbers[name] and numbers[name]["runs"]
    if not r:
        continue
    print(f"\n{name}:")
    for c in [c for c in fig2.CONDS if c in r]:
        print(f"  {c:<7} AUC {fmt(r[c]['auc'], '%')}   final test accuracy {fmt(100 * r[c]['acc'][-1], '%')}")

# %% [markdown]
# Fig. 2g says that after data "subsequent random training could not move the weights", and
# reports a test (*P < 0.001) between data trained and data-and-random trained: the claim
# fig2g_data_vs_data_random runs that test on the raw distance. Here the same with the scale
# removed (normalised distance), printed only.
# %%
r = numbers.get("Fig. 2") and numbers["Fig. 2"]["runs"]
if r:
    dn, d = fig2.end(r, "data -> noise", "ndist"), fig2.end(r, "FA w/o", "ndist")
    t = ttest_ind(dn, d)
    print(f"\nFig. 2 (extra) data -> noise vs data only, normalised distance: "
          f"{pm(dn, digits=3)} vs {pm(d, digits=3)}; t = {t['t']:.2f}, p = {t['p']:.2e}")

# %% [markdown]
# ## Claims (Fig. 2b-g, App. B.3-B.6) and the figures (04_fast_learning.png, _appB.png)
# %%
s.finish(numbers, fig2.claims(numbers, cfg), draw(numbers, cfg))
