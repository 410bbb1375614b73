# %% [markdown]
# # Tutorial 5: random-noise training is a pre-regularization (paper Fig. 3, App. C.1-C.6)
#
# Does noise training, before any data, make an FA network (784-100-100-10, App. C.1) simpler,
# so that it later generalises better? Algorithm 1 brings each readout probability to chance
# (Fig. 3b: one readout neuron's p over the 10,000 MNIST test images, one-sample t-test against
# 1/C, paper: NS) and lowers the effective rank exp(H(sigma / sum sigma)) of the weights (3c-d).
# Then on balanced MNIST subsets, 500 epochs, 1,000 test images: Fig. 3e-f the generalization error
# (test - train loss) at 1600 images and against training-set size (100-1600), App. C.5 against
# depth (2-6 weight layers, size 1600); Fig. 3g-h the paper's Gram matrix, "the cosine similarity of feature vectors
# across neurons", G_ij = cos(f_i, f_j) with f_i neuron i's activations (last hidden layer) over
# the test images, and its effective rank against size and depth. FA w/o (random init), FA w/
# (same W and B after Algorithm 1), BP: n independent networks each (own noise and
# data order); two-sample t-tests FA w/ vs FA w/o.
# The experiment is minifa/experiments/fig3.py (its training: fig3_sweeps.py); its figure
# minifa/figures/fig3.py.
#
# Run it here cell by cell (its notebook twin, `05_pre_regularization.ipynb`), or as a script:
# `python tutorials/05_pre_regularization.py [--quick | --lab | --paper] [--nets 10] [--init he]`
# (a flag on the command line overrides `SIZE` below).

# %%
SIZE = "lab"   # "quick": seconds, tests nothing; "lab": a class-sized run that shows the effect; "paper": the paper's settings
# %% [markdown]
# ## Settings: 784-100-100-10, 500 epochs, sizes 100-1600, depths 2-6 at 1600, 1,000 test images (App. C.1)
# %%
from minifa.experiments import claims as C
from minifa.experiments import fig3
from minifa.experiments.fig3 import AFTER, BEFORE, CLASSES, DEPTH
from minifa.experiments.fig3_sweeps import all_depths, dims, key
from minifa.experiments.session import Session
from minifa.figures.fig3 import draw
from minifa.stats import fmt, ttest_1samp, ttest_ind, ttest_rel

s = Session(fig3, size=SIZE)     # SIZE, or --quick / --lab / --paper / --nets / --init; prints the settings
cfg = s.cfg

# %% [markdown]
# ## Run: Algorithm 1 once per depth (tracking the effective rank of every W_l at depth 3), then data
# `fig3.run` builds K FA networks, measures them, runs `pretrain_noise` on a copy of the same W and B
# and measures again (Fig. 3b-d); then it trains FA w/o and FA w/ as one stack of 2K networks with
# `train` on each MNIST subset, and reads `generalization_error` and the Gram ranks of the last hidden
# layer from `minifa.analysis` (Fig. 3e-h).
# %%
numbers = fig3.run(cfg)

# %% [markdown]
# ## What to look at (Fig. 3b): does each readout probability sit at chance, 1/C, after noise?
# %%
p0, dev = numbers["readout0"], numbers["readout_dev"]
print(f"\nFig. 3b: readout probability of each neuron over {len(p0[AFTER])} {numbers['probe']}, one-sample t-test "
      "against 1/C")
for k, q in p0.items():
    t = ttest_1samp(q, 1 / CLASSES)
    print(f"  {k:<21} neuron 0 of network 0: {fmt(q, digits=4)}, t = {t['t']:.2f}, p = {t['p']:.2e};"
          f"  NS (p >= 0.05): {numbers['readout_ns'][k]} of {cfg.nets * CLASSES} neurons")
t = ttest_rel(dev[AFTER], dev[BEFORE])
print(f"  (extra, not a claim) mean |p_c - 1/C| over images and neurons, per network: {C.pm(dev[BEFORE], digits=4)} "
      f"-> {C.pm(dev[AFTER], digits=4)}; paired t = {t['t']:.2f}, p = {t['p']:.2e}")

# %% [markdown]
# ## Fig. 3c-d: the effective rank of each W_l falls during noise training (the main effect)
# %%
er = numbers["erank_nets"]
print("\nFig. 3c-d: effective rank exp(H(sigma / sum sigma)) of each W_l, per network")
for l in range(DEPTH):
    print(f"  W_{l} (full rank {min(dims(DEPTH)[l:l + 2])}): random init {fmt(er[BEFORE][l])} -> after noise "
          f"{fmt(er[AFTER][l])}")

# %% [markdown]
# ## Fig. 3e-h: generalization error and Gram rank of FA w/ against FA w/o, after data training
# The per-condition generalization errors were printed as each network stack finished; here the
# Gram matrix's effective rank by depth, and a variant over examples instead of neurons.
# %%
if "sweep" in numbers:
    res = numbers["sweep"]
    print(f"\nFig. 3g-h: Gram matrix of the last hidden layer's neurons over {cfg.n_test} test images, effective rank")
    for d in all_depths(cfg):
        r = res[key(d, cfg.depth_size)]
        w, wo = r["FA w/"], r["FA w/o"]
        print(f"  depth {d}: FA w/ {C.pm(w['gram'])} vs FA w/o {C.pm(wo['gram'])}; silent neurons (left out) "
              f"FA w/ {C.pm(w['silent'], digits=1)}, FA w/o {C.pm(wo['silent'], digits=1)}")
    r = res[key(DEPTH, cfg.depth_size)]
    t = ttest_ind(r["FA w/"]["gram_examples"], r["FA w/o"]["gram_examples"])
    print(f"  (variant, not a claim) example x example Gram matrix (cosine of the test images' representations), "
          f"effective rank at depth {DEPTH}, {cfg.depth_size} images: FA w/ {C.pm(r['FA w/']['gram_examples'])} vs "
          f"FA w/o {C.pm(r['FA w/o']['gram_examples'])}; t = {t['t']:.2f}, p = {t['p']:.2e}"
          + ("  (borderline p)" if C.borderline(t["p"]) else ""))

# %% [markdown]
# ## Claims (Fig. 3b-h, App. C.1-C.6) and the figure (Fig. 3b-h)
# %%
s.finish(numbers, fig3.claims(numbers, cfg), draw(numbers, cfg))
