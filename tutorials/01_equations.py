"""Tutorial 1: equations 1-5 by hand on a tiny network, BP versus FA.

The paper's §3 in numbers: a 4-3-2 network and one batch of 2 examples. Every input, weight
and intermediate value of the forward pass (eq. 1-2) and of the backward pass, once through
W^T (BP, eq. 3-4) and once through the fixed random B (FA, eq. 5), is printed, so each line
can be redone with pen and paper; then BP is checked against finite differences.

    python tutorials/01_equations.py
"""
# %% [markdown]
# ## Settings: a 4-3-2 network (n_0 = 4 inputs, n_1 = 3 hidden units, n_2 = 2 classes)
# %%
import numpy as np  # host-side printing and the finite-difference reference only

from minifa import MLP, backend
from minifa.reproduce.plots import COLORS
from minifa.reproduce.tutorial import Tutorial

run = Tutorial(__doc__, paper={}, times={"quick": "2 s", "lab": "2 s", "paper": "2 s (one size)"})
backend.set_dtype("float64")
np.set_printoptions(precision=4, suppress=True)
show = backend.to_host
net = MLP([4, 3, 2], rule="bp", seed=run.cfg.seed)
x = backend.asarray(np.random.default_rng(run.cfg.seed).standard_normal((2, 4)))   # h_0 (batch, n_0)
y = backend.xp.asarray([0, 1])                                                     # labels
for name, a in (("h_0 = x (2 examples x 4)", x), ("labels y", y), ("W_0 (3x4)", net.W[0]),
                ("b_0", net.b[0]), ("W_1 (2x3)", net.W[1]), ("b_1", net.b[1]),
                ("B_1 (3x2), fixed random feedback", net.B[1])):
    print(f"{name}:\n{show(a)}")

# %% [markdown]
# ## Forward pass (eq. 1-2)
# %%
p = net.forward(x)
print("\n== forward pass ==")
print("o_1 = W_0 h_0 + b_0   (eq. 1):\n", show(net.o[1]))
print("h_1 = relu(o_1)       (eq. 1):\n", show(net.h[1]))
print("o_2 = W_1 h_1 + b_1   (eq. 1):\n", show(net.o[2]))
print("p = softmax(o_2)      (eq. 1):\n", show(p))
print(f"L = -mean log p_y     (eq. 2): {float(net.loss(y)):.6f}")

# %% [markdown]
# ## Backward pass: BP (eq. 3-4) against FA (eq. 4-5)
# %%
delta2 = (show(p) - np.eye(2)[show(y)]) / 2                # dL/do_2 of the mean loss
e_bp, e_fa = delta2 @ show(net.W[1]), delta2 @ show(net.B[1]).T
dW_bp, db_bp = net.backward(y)
net.rule = "fa"
dW_fa, db_fa = net.backward(y)
print("\n== backward pass ==\ndelta_2 = (p - onehot(y)) / N     (eq. 2):\n", delta2)
print("BP error into h_1, W_1^T delta_2   (eq. 3):\n", e_bp)
print("FA error into h_1, B_1 delta_2     (eq. 5):\n", e_fa)
print("relu'(o_1) = [o_1 > 0]:\n", (show(net.o[1]) > 0).astype(int))
print("delta_1 BP = W_1^T delta_2 * relu'(o_1):\n", e_bp * (show(net.o[1]) > 0))
print("delta_1 FA = B_1 delta_2 * relu'(o_1):\n", e_fa * (show(net.o[1]) > 0))
print("dL/dW_1 = delta_2^T h_1 (eq. 4), the same under both rules:\n", show(dW_bp[1]))
print("dL/db_1 = sum of delta_2 (eq. 4):", show(db_bp[1]))
print("dL/dW_0 BP (eq. 3-4):\n", show(dW_bp[0]), "\ndL/dW_0 FA (eq. 4-5):\n", show(dW_fa[0]))
print("dL/db_0 BP:", show(db_bp[0]), "  FA:", show(db_fa[0]))

# %% [markdown]
# ## Check: BP equals central finite differences of eq. 2
# %%
net.rule = "bp"
W0, num = net.W[0], np.zeros(net.W[0].shape)
for i in np.ndindex(*W0.shape):
    old, losses = float(W0[i]), []
    for h in (1e-6, -1e-6):
        W0[i] = old + h
        net.forward(x)
        losses.append(float(net.loss(y)))
    W0[i] = old
    num[i] = (losses[0] - losses[1]) / 2e-6
err = np.abs(num - show(dW_bp[0])).max() / np.abs(num).max()
print(f"\nmax relative error of dL/dW_0 against finite differences: {err:.2e}")

# %% [markdown]
# ## Plot: forward W_1^T next to feedback B_1, and the error each sends back
# %%
fig, ax = run.figure(1, 3, size=(10, 3.2), width_ratios=[1, 1, 2])
ax = ax[0]
for a, m, t in ((ax[0], show(net.W[1]).T, "forward W_1^T"), (ax[1], show(net.B[1]), "feedback B_1")):
    im = a.imshow(m, cmap="RdBu_r", vmin=-1.5, vmax=1.5)
    a.set(title=t, xlabel="output neuron", ylabel="hidden neuron", xticks=range(2), yticks=range(3))
fig.colorbar(im, ax=ax[:2], shrink=0.8)
ax[2].bar(np.arange(3) - 0.18, e_bp[0], 0.35, label="BP: W_1^T delta_2 (eq. 3)", color=COLORS["BP"])
ax[2].bar(np.arange(3) + 0.18, e_fa[0], 0.35, label="FA: B_1 delta_2 (eq. 5)", color=COLORS["FA w/o"])
ax[2].axhline(0, color="k", lw=0.6)
ax[2].set(xticks=range(3), xlabel="hidden neuron", title="error sent to h_1 (example 1)")
ax[2].legend(fontsize=8)
run.finish(fig, numbers={"fd_rel_error": float(err)})
