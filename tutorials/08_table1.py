# %% [markdown]
# # Tutorial 8: test accuracy of BP, FA w/o and FA w/ on every dataset present (paper Table 1, App. B)
#
# Does noise pretraining make FA more accurate on real image datasets? Table 1: a two-layer
# network (input-100-classes) trained on the whole training set by backpropagation (BP), by
# feedback alignment (FA w/o), and by feedback alignment after Algorithm 1 (FA w/); Adam lr
# 1e-4, batch 64; mean ± sd of 3 trials. Datasets: MNIST, Fashion-MNIST, CIFAR-10, CIFAR-100,
# STL-10; an absent one is listed as absent, never replaced. App. B repeats the comparison with a
# deeper network (784-100-100-10 on MNIST, 3072-100-100-10 on CIFAR-10). Two-sample t-tests.
# The experiment is minifa/experiments/table1.py; its figure minifa/figures/table1.py.
#
# Run it here cell by cell (its notebook twin, `08_table1.ipynb`), or as a script:
# `python tutorials/08_table1.py [--quick | --lab | --paper] [--epochs E] [--deep mnist:3,cifar10:3]`
# (a flag on the command line overrides `SIZE` below).

# %%
SIZE = "lab"   # "quick": seconds, tests nothing; "lab": a class-sized run that shows the effect; "paper": the paper's settings
# %% [markdown]
# ## Settings: full training sets, 3 trials, epochs chosen by convergence (the paper gives none)
# Each row's claim carries its own settings (network, training-set size), so no line is shared.
# %%
from minifa.experiments import table1
from minifa.experiments.session import Session
from minifa.figures.table1 import draw

s = Session(table1, size=SIZE)     # SIZE, or --quick / --lab / --paper / --epochs / --deep / --init
cfg = s.cfg
print("rows, where the dataset is present:", ", ".join(f"{label} ({depth} weight layers)" for label, _, depth in table1.jobs(cfg)))

# %% [markdown]
# ## Run: each dataset and depth, each condition
# Algorithm 1 runs once per architecture (the noise does not depend on the dataset): MNIST
# and Fashion-MNIST share one set of noise-pretrained 784-100-10 networks, copied for each.
# An absent dataset is noted and left out, never replaced by another.
# %%
numbers = table1.run(cfg)

# %% [markdown]
# ## What to look at: the table, and whether the curves had levelled off
# The paper gives no epoch count: the deviation line above says how much the test accuracy
# still rose per epoch over the last five (the figure's top row shows the curves).
# %%
print("\nTable 1 (test accuracy %, mean ± sd over trials; t, p: two-sample t-test FA w/ vs FA w/o)\n\n"
      + numbers["markdown"])

# %% [markdown]
# ## Claims (Table 1, App. B) and the figure: learning curves, accuracies, the gain from noise
# %%
s.finish(numbers, table1.claims(numbers, cfg), draw(numbers, cfg))
