"""PyTorch as the gold reference: minifa's gradients (eq. 1-5), its Adam and one whole FA noise
step (Algorithm 1) against torch.autograd and torch.optim.Adam, on the same weights and batch.

Tolerance, everywhere float64: both sides compute the same sums of products in other orders
(other BLAS kernels, other blockings), so they differ by round-off only. A sum of n products
rounds to within n*u of sum |a_i b_i| (u = 2^-53 = 1.1e-16; Higham, Accuracy and Stability,
§3.1), typically sqrt(n)*u; with n <= 784 and three layers of such sums a gradient agrees to
~1e-14 relative to its norm. We ask 1e-12 (normwise, since single entries can cancel to ~0):
two orders of magnitude of slack for round-off, and still 1e9 below any real mistake (a wrong
term, a missing 1/N, a transposed B), which changes gradients by > 1e-3 relative.
Adam is elementwise with no sums: each updated value agrees to a few ulps (rtol 1e-13).
"""
import os
import sys

import numpy as np
import pytest

from minifa import MLP, Adam, Noise, backend, step

torch = pytest.importorskip("torch", reason="PyTorch, the gold reference, is not installed "
                                            "(its CPU build: pip install torch==2.13.0, see .ci/run)")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))
from torch_fa import FAFunction  # noqa: E402  benchmarks/torch_fa.py: FA as a PyTorch user writes it

TOL = 1e-12   # normwise relative, float64 (see the module docstring)


def host(a):
    return backend.to_host(a)


def close(ours, theirs, tol=TOL):
    ours, theirs = host(ours), theirs.detach().numpy()
    assert ours.shape == theirs.shape
    err = np.linalg.norm(ours - theirs) / max(np.linalg.norm(theirs), 1e-300)
    assert err < tol, err


def data(net, n=32, seed=0, K=None):
    rng = np.random.default_rng(seed)
    shape = ((K,) if K else ()) + (n, net.dims[0])
    return rng.standard_normal(shape), rng.integers(0, net.dims[-1], size=shape[:-1])


def tensors(arrays):
    """Leaf tensors (float64, with grad) holding copies of the arrays."""
    return [torch.tensor(host(a), dtype=torch.float64, requires_grad=True) for a in arrays]


def torch_loss(W, b, x, y, B=None):
    """eq. 1-2 in torch: relu layers, log-softmax readout, mean cross-entropy."""
    h = torch.tensor(x, dtype=torch.float64)
    for l in range(len(W)):
        o = h @ W[l].T + b[l] if B is None else FAFunction.apply(h, W[l], b[l], B[l])
        h = torch.relu(o) if l + 1 < len(W) else o
    return torch.nn.functional.cross_entropy(h, torch.as_tensor(y))


@pytest.mark.parametrize("dims", [[784, 100, 10], [784, 100, 100, 10]])
@pytest.mark.parametrize("rule", ["bp", "fa"])
def test_gradients_equal_torch_autograd(device, dims, rule):
    """BP against autograd itself; FA against autograd through a Function whose backward is eq. 5."""
    net = MLP(dims, rule=rule, seed=1)
    x, y = data(net)
    net.forward(device.asarray(x))
    loss = net.loss(device.asarray(y))
    dW, db = net.backward(device.asarray(y))
    W, b = tensors(net.W), tensors(net.b)
    B = [torch.tensor(host(a), dtype=torch.float64) for a in net.B] if rule == "fa" else None
    ref = torch_loss(W, b, x, y, B)
    ref.backward()
    assert float(loss) == pytest.approx(ref.item(), rel=TOL)
    for l in range(net.n_layers):
        close(dW[l], W[l].grad)
        close(db[l], b[l].grad)


@pytest.mark.parametrize("steps", [1, 4])
def test_adam_equals_torch_optim_adam(device, steps):
    rng = np.random.default_rng(2)
    theta0 = rng.standard_normal(1000)
    grads = [rng.standard_normal(1000) * 10.0 ** rng.integers(-4, 2) for _ in range(steps)]
    kw = dict(lr=3e-3, betas=(0.8, 0.99), eps=1e-6)
    theta, opt = device.asarray(theta0.copy()), Adam(kw["lr"], *kw["betas"], kw["eps"])
    p = torch.tensor(theta0.copy(), requires_grad=True)
    ref = torch.optim.Adam([p], **kw)
    for g in grads:
        opt.step(theta, device.asarray(g))
        p.grad = torch.tensor(g)
        ref.step()
    state = ref.state[p]
    np.testing.assert_allclose(host(theta), p.detach().numpy(), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(host(opt.m), state["exp_avg"].numpy(), rtol=1e-13, atol=1e-300)
    np.testing.assert_allclose(host(opt.v), state["exp_avg_sq"].numpy(), rtol=1e-13, atol=1e-300)


@pytest.mark.parametrize("seed,per_net", [(0, False), ([0, 1, 2], False), ([0, 1, 2], True)])
def test_one_fa_noise_step_equals_torch(device, seed, per_net):
    """Algorithm 1's step (forward, FA backward, Adam) for 1 and 3 stacked networks, with a
    shared and a per-network noise batch, against torch, network by network."""
    net = MLP([784, 100, 10], rule="fa", seed=seed)
    K = net.n_nets
    x, y = Noise().sample(backend.rng(5), 64, 784, 10, n_nets=K if per_net else None)
    L, start = net.n_layers, [host(a).copy() for a in net.W + net.b]
    step(net, Adam(1e-3), x, y)
    for k in range(K or 1):
        mine = (lambda a: a) if K is None else (lambda a: a[k])      # network k's copy of an array
        W, b = tensors(map(mine, start[:L])), tensors(map(mine, start[L:]))
        B = [torch.tensor(host(mine(a))) for a in net.B]
        xk, yk = (host(x)[k], host(y)[k]) if per_net else (host(x), host(y))
        ref = torch.optim.Adam(W + b, lr=1e-3)
        torch_loss(W, b, xk, yk, B).backward()
        ref.step()
        for ours, theirs in zip(net.W + net.b, W + b):
            close(mine(ours), theirs)
