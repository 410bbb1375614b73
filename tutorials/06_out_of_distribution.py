# %% [markdown]
# # Tutorial 6: noise-pretrained FA networks generalise better out of distribution (paper Fig. 4, App. C.7-C.8)
#
# Networks trained on MNIST meet data unlike it (§4.3): MNIST test images translated (+-5% of
# the side), scaled (0.8-1.2) or rotated (+-25 deg) (Fig. C.7), and the USPS digits (another
# scanner, other writers), resized from 16x16 to 28x28 (Fig. C.8). Are the noise-pretrained
# networks (FA w/) more accurate there than FA w/o? Three conditions, n independent networks
# each (same initial W and B across conditions, own noise and data order):
#   BP       backpropagation (eq. 3);  FA w/o  feedback alignment (eq. 5);
#   FA w/    feedback alignment after Algorithm 1.
# Two-sample t-tests over the networks, FA w/ vs FA w/o, on every test set.
# The experiment is minifa/experiments/fig4.py; its figure minifa/figures/fig4.py.
#
# Run it here cell by cell (its notebook twin, `06_out_of_distribution.ipynb`), or as a script:
# `python tutorials/06_out_of_distribution.py [--quick | --lab | --paper] [--nets 10] [--init he]`
# (a flag on the command line overrides `SIZE` below).

# %%
SIZE = "lab"   # "quick": seconds, tests nothing; "lab": a class-sized run that shows the effect; "paper": the paper's settings
# %% [markdown]
# ## Settings: 784-100-100-10 (App. C.1), MNIST 5,000 (balanced), 100 epochs; OOD test sets of Fig. C.7-C.8
# The paper's text gives neither Fig. 4's training-set size nor its epochs: we take Fig. 2's.
# Every condition starts from the same W and B (seed per network); FA w/ first runs Algorithm 1.
# %%
from minifa.experiments import fig4
from minifa.experiments.claims import pm
from minifa.experiments.session import Session
from minifa.figures.fig4 import draw

s = Session(fig4, size=SIZE)     # SIZE, or --quick / --lab / --paper / --nets / --init; prints the settings
cfg = s.cfg

# %% [markdown]
# ## Run: Algorithm 1 for FA w/, then every condition trained on MNIST and tested on every test set
# The test sets: the MNIST test images, the same translated, scaled and rotated
# (`minifa.datasets.translate / scale / rotate`, seeded), and USPS resized to 28x28 as in the
# paper; "USPS framed" (fitted into a 20x20 box like MNIST's digits) is printed, not claimed.
# %%
numbers = fig4.run(cfg)

# %% [markdown]
# ## What to look at: FA w/ against FA w/o on every test set
# In-distribution (MNIST) the gain is the faster learning of tutorial 4; the paper's claim is
# that it persists, or grows, on the images the networks never saw the like of.
# %%
conds, rows = fig4.conditions(cfg), fig4.comparisons(numbers)
if rows:
    print("\nFig. 4: test accuracy (%), mean ± sd over networks")
    print(f"  {'test set':<12}" + "".join(f"{c:>26}" for c in conds) + "   FA w/ vs FA w/o")
    for name, cl in rows.items():
        if name == "pooled":             # Fig. 4b's one statement: each network's mean over the three
            print(f"  {'4b pooled':<12}" + " " * 26 * len(conds) + f"   t = {cl['t']:.2f}, p = {cl['p']:.1e}")
            continue                     # transformed sets (the claim fig4b_transformed)
        print(f"  {name:<12}" + "".join(f"{pm(numbers['accuracy'][c][name], ' %'):>26}" for c in conds)
              + f"   t = {cl['t']:.2f}, p = {cl['p']:.1e}"
              + ("   (variant, not a claim)" if name in numbers["variants"] else ""))

# %% [markdown]
# ## Claims (Fig. 4b-c) and the figure: learning curves, accuracy per test set, the test images
# %%
s.finish(numbers, fig4.claims(numbers, cfg), draw(numbers, cfg))
