# %% [markdown]
# # Tutorial 1: equations 1-5 by hand on a tiny network, BP versus FA
#
# The paper's §3 in numbers: a 4-3-2 network and one batch of 2 examples. Every input, weight
# and intermediate value of the forward pass (eq. 1-2) and of the backward pass, once through
# W^T (BP, eq. 3-4) and once through the fixed random B (FA, eq. 5), is computed here by hand in
# plain NumPy and printed, so each line can be redone with pen and paper; then the hand values
# are checked against the library's (minifa.MLP) and BP against finite differences.
# The experiment is minifa/experiments/equations.py; its figure minifa/figures/equations.py.
#
# Run it here cell by cell (its notebook twin, `01_equations.ipynb`), or as a script:
# `python tutorials/01_equations.py [--quick | --lab | --paper]`
# (a flag on the command line overrides `SIZE` below).

# %%
SIZE = "lab"   # "quick": seconds, tests nothing; "lab": a class-sized run that shows the effect; "paper": the paper's settings
# %% [markdown]
# ## Settings: a 4-3-2 network (n_0 = 4 inputs, n_1 = 3 hidden units, n_2 = 2 classes)
# `equations.run` builds it twice from one seed, `MLP([4, 3, 2], rule="bp")` and `rule="fa"`
# (the same W, b and B), runs the library's forward and backward passes in float64 and keeps
# every value. The inputs x, the weights W and the feedback B come from three independent random
# streams: any pattern you see between them is chance. We take its inputs and weights and redo
# all of it by hand.
# %%
import numpy as np  # the hand computation: plain NumPy, nothing from minifa

from minifa.experiments import equations
from minifa.experiments.session import Session
from minifa.figures.equations import draw

s = Session(equations, size=SIZE)
numbers = equations.run(s.cfg)
np.set_printoptions(precision=4, suppress=True)
x, y = numbers["inputs"]["x"], numbers["inputs"]["y"]
W0, b0, W1, b1, B1 = (numbers["inputs"][k] for k in ("W0", "b0", "W1", "b1", "B1"))
for name, a in (("h_0 = x (2 examples x 4)", x), ("labels y", y), ("W_0 (3x4)", W0), ("b_0", b0),
                ("W_1 (2x3)", W1), ("b_1", b1), ("B_1 (3x2), fixed random feedback", B1)):
    print(f"{name}:\n{a}")

# %% [markdown]
# ## Forward pass (eq. 1-2), by hand
# Row form with a batch axis: `x @ W0.T` is W_0 h_0 for both examples at once.
# %%
o1 = x @ W0.T + b0                              # eq. 1: o_1 = W_0 h_0 + b_0
h1 = np.maximum(o1, 0)                          # eq. 1: h_1 = relu(o_1)
o2 = h1 @ W1.T + b1                             # eq. 1: o_2 = W_1 h_1 + b_1
p = np.exp(o2) / np.exp(o2).sum(axis=1, keepdims=True)   # eq. 1: p = softmax(o_2)
L = -np.log(p[np.arange(len(y)), y]).mean()     # eq. 2: L = -mean log p_y
print("\n== forward pass ==")
print("o_1 = W_0 h_0 + b_0   (eq. 1):\n", o1)
print("h_1 = relu(o_1)       (eq. 1):\n", h1)
print("o_2 = W_1 h_1 + b_1   (eq. 1):\n", o2)
print("p = softmax(o_2)      (eq. 1):\n", p)
print(f"L = -mean log p_y     (eq. 2): {L:.6f}")

# %% [markdown]
# ## Backward pass, by hand: BP (eq. 3-4) against FA (eq. 4-5)
# The two rules differ in one product only: the error reaches h_1 through W_1^T (BP) or
# through the fixed B_1 (FA). The last layer's gradient is the same under both.
# %%
delta2 = (p - np.eye(2)[y]) / len(y)            # dL/do_2 of the mean loss (eq. 2)
e_bp, e_fa = delta2 @ W1, delta2 @ B1.T         # eq. 3: W_1^T delta_2;  eq. 5: B_1 delta_2
relu1 = (o1 > 0).astype(int)                    # relu'(o_1)
d1_bp, d1_fa = e_bp * relu1, e_fa * relu1       # delta_1 under each rule
hand = {"BP": {"dW1": delta2.T @ h1, "db1": delta2.sum(0), "dW0": d1_bp.T @ x, "db0": d1_bp.sum(0)},   # eq. 4
        "FA": {"dW1": delta2.T @ h1, "db1": delta2.sum(0), "dW0": d1_fa.T @ x, "db0": d1_fa.sum(0)}}
print("\n== backward pass ==\ndelta_2 = (p - onehot(y)) / N     (eq. 2):\n", delta2)
print("BP error into h_1, W_1^T delta_2   (eq. 3):\n", e_bp)
print("FA error into h_1, B_1 delta_2     (eq. 5):\n", e_fa)
print("relu'(o_1) = [o_1 > 0]:\n", relu1)
print("delta_1 BP = W_1^T delta_2 * relu'(o_1):\n", d1_bp)
print("delta_1 FA = B_1 delta_2 * relu'(o_1):\n", d1_fa)
print("dL/dW_1 = delta_2^T h_1 (eq. 4), the same under both rules:\n", hand["BP"]["dW1"])
print("dL/db_1 = sum of delta_2 (eq. 4):", hand["BP"]["db1"])
print("dL/dW_0 BP (eq. 3-4):\n", hand["BP"]["dW0"], "\ndL/dW_0 FA (eq. 4-5):\n", hand["FA"]["dW0"])
print("dL/db_0 BP:", hand["BP"]["db0"], "  FA:", hand["FA"]["db0"])

# %% [markdown]
# ## Check: the hand values are the library's, and BP is the true gradient
# `MLP.forward` / `MLP.backward` (minifa/model.py) compute the same lines for any depth and
# for K stacked networks; here they must agree with the hand values to rounding (float64).
# Finite differences of eq. 2 (nudge each weight of W_0 by +-1e-6) confirm that BP's dL/dW_0
# is the gradient, which FA's, sent back through B_1, is not.
# %%
lib = numbers["forward"]
pairs = [("o_1", o1, lib["o1"]), ("h_1", h1, lib["h1"]), ("o_2", o2, lib["o2"]), ("p", p, lib["p"]),
         ("L", L, lib["loss"])]
pairs += [(f"{g} {rule}", a, numbers["backward"][rule][g]) for rule, grads in hand.items() for g, a in grads.items()]
print("\nhand vs library (max |difference|):")
for name, a, b in pairs:
    print(f"  {name:<20} {np.abs(np.asarray(a) - np.asarray(b)).max():.1e}")
assert all(np.allclose(a, b, rtol=1e-12, atol=1e-14) for _, a, b in pairs), "hand and library disagree"
print(f"max relative error of dL/dW_0 against finite differences: {numbers['fd_rel_error']:.2e} (BP), "
      f"{np.abs(numbers['fd_dW0'] - hand['FA']['dW0']).max() / np.abs(numbers['fd_dW0']).max():.2e} (FA)")

# %% [markdown]
# ## The figure: forward W_1^T next to feedback B_1, and the error each sends back
# %%
s.finish(numbers, equations.claims(numbers, s.cfg), draw(numbers, s.cfg))
