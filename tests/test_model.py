"""Equations 1-5 against independent references: finite differences (BP), BP itself (FA with
B = W.T), and one-by-one networks (the stacked axis)."""
import numpy as np
import pytest

from minifa import MLP, backend, cross_entropy
from minifa.model import log_softmax


def batch(xp, net, n=7, seed=0, stacked=False):
    rng = np.random.default_rng(seed)
    shape = (net.n_nets, n, net.dims[0]) if stacked else (n, net.dims[0])
    x = xp.asarray(rng.standard_normal(shape))
    y = xp.asarray(rng.integers(0, net.dims[-1], size=shape[:-1]))
    return x, y


def loss_at(net, x, y):
    net.forward(x)
    return float(net.loss(y))


@pytest.mark.parametrize("dims", [[5, 3], [6, 4, 3], [5, 4, 6, 3], [4, 5, 3, 4, 3]])
@pytest.mark.parametrize("init", ["pytorch", "he"])
def test_bp_gradients_match_finite_differences(device, dims, init):
    net = MLP(dims, rule="bp", seed=1, init=init)
    # He init has zero biases: an example whose hidden layer is all off then sits exactly on
    # relu's kink (o = 0), where no finite difference can agree. Move the biases off zero.
    net.b = [b + 0.1 for b in net.b]
    x, y = batch(device, net)
    net.forward(x)
    dW, db = net.backward(y)
    eps = 1e-6
    for analytic, params in ((dW, net.W), (db, net.b)):
        for g, p in zip(analytic, params):
            numeric = np.zeros(p.shape)
            for i in np.ndindex(*p.shape):
                old = float(p[i])
                p[i] = old + eps
                up = loss_at(net, x, y)
                p[i] = old - eps
                down = loss_at(net, x, y)
                p[i] = old
                numeric[i] = (up - down) / (2 * eps)
            g = backend.to_host(g)
            rel = np.abs(g - numeric).max() / max(np.abs(numeric).max(), 1e-12)
            assert rel < 1e-6, (dims, rel)


def test_fa_with_B_equal_W_transpose_is_bp(device):
    bp = MLP([6, 5, 4, 3], rule="bp", seed=2)
    fa = MLP([6, 5, 4, 3], rule="fa", seed=2)
    fa.B = [W.T.copy() for W in fa.W]
    x, y = batch(device, bp)
    bp.forward(x), fa.forward(x)
    # same values, but W and the transposed copy B.T lie differently in memory, so BLAS may
    # take another kernel: equal to float64 round-off, not bit for bit
    for a, b in zip(bp.backward(y)[0] + bp.backward(y)[1], fa.backward(y)[0] + fa.backward(y)[1]):
        np.testing.assert_allclose(backend.to_host(a), backend.to_host(b), rtol=1e-12, atol=1e-15)


def test_fa_differs_from_bp_except_last_layer(device):
    net = MLP([6, 5, 4, 3], rule="fa", seed=3)
    x, y = batch(device, net)
    net.forward(x)
    dW_fa, db_fa = net.backward(y)
    net.rule = "bp"
    dW_bp, db_bp = net.backward(y)
    # the readout's gradient needs no feedback matrix: identical under both rules
    assert np.array_equal(backend.to_host(dW_fa[-1]), backend.to_host(dW_bp[-1]))
    assert np.array_equal(backend.to_host(db_fa[-1]), backend.to_host(db_bp[-1]))
    # hidden layers receive errors through B, not W.T: different
    for l in range(net.n_layers - 1):
        assert not np.allclose(backend.to_host(dW_fa[l]), backend.to_host(dW_bp[l]))


@pytest.mark.parametrize("rule", ["bp", "fa"])
@pytest.mark.parametrize("per_net_batch", [False, True])
def test_stacked_networks_equal_one_by_one(device, rule, per_net_batch):
    seeds = [4, 5, 6]
    stack = MLP([7, 6, 5, 3], rule=rule, seed=seeds)
    singles = [MLP([7, 6, 5, 3], rule=rule, seed=s) for s in seeds]
    x, y = batch(device, stack, stacked=per_net_batch)
    p = stack.forward(x)
    dW, db = stack.backward(y)
    loss = stack.loss(y)
    for k, net in enumerate(singles):
        xk, yk = (x[k], y[k]) if per_net_batch else (x, y)
        for a, b in zip(stack.W + stack.b + stack.B, net.W + net.b + net.B):
            assert np.array_equal(backend.to_host(a[k]), backend.to_host(b))
        np.testing.assert_allclose(backend.to_host(p[k]), backend.to_host(net.forward(xk)), rtol=1e-12)
        np.testing.assert_allclose(float(loss[k]), float(net.loss(yk)), rtol=1e-12)
        dWk, dbk = net.backward(yk)
        for a, b in zip(dW + db, dWk + dbk):
            np.testing.assert_allclose(backend.to_host(a[k]), backend.to_host(b), rtol=1e-10, atol=1e-14)


def test_softmax_and_cross_entropy(device):
    o = device.asarray([[0.0, 0.0, 0.0, 0.0], [1000.0, 0.0, 0.0, 0.0]])
    logp = log_softmax(o)
    np.testing.assert_allclose(backend.to_host(device.exp(logp)).sum(-1), [1.0, 1.0])
    y = device.asarray([2, 0])
    # uniform output: log 4; a confident right answer: ~0 (and no overflow at 1000)
    np.testing.assert_allclose(float(cross_entropy(logp, y)), np.log(4) / 2, rtol=1e-12)


def test_init_laws_and_independence():
    net = MLP([400, 300, 10], seed=0, init="pytorch")
    W = backend.to_host(net.W[0])
    assert np.abs(W).max() <= 400 ** -0.5 and W.std() == pytest.approx(400 ** -0.5 / 3 ** 0.5, rel=0.02)
    he = MLP([400, 300, 10], seed=0, init="he")
    assert backend.to_host(he.W[0]).std() == pytest.approx((2 / 400) ** 0.5, rel=0.02)
    assert not backend.to_host(he.b[0]).any()
    # B has W.T's shape and law but is drawn independently of W
    B = backend.to_host(he.B[1])
    assert B.shape == (300, 10)
    corr = np.corrcoef(B.ravel(), backend.to_host(he.W[1]).T.ravel())[0, 1]
    assert abs(corr) < 0.05
    assert not np.array_equal(backend.to_host(MLP([4, 3], seed=1).W[0]), backend.to_host(MLP([4, 3], seed=2).W[0]))


def test_bad_inputs_raise_clear_errors(device):
    net = MLP([4, 3, 2], seed=0)
    with pytest.raises(ValueError, match=r"input must be \(batch, 4\)"):
        net.forward(device.zeros((5, 3)))
    x = device.zeros((5, 4))
    x[2, 1] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        net.forward(x)
    net.forward(device.zeros((5, 4)))
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.1"):
        net.backward(device.asarray([0, 1, 2, 0, 1]))
    with pytest.raises(ValueError, match="4 labels for a batch of 5"):
        net.backward(device.asarray([0, 1, 1, 0]))
    with pytest.raises(ValueError, match="rule must be"):
        MLP([4, 2], rule="dfb")
    with pytest.raises(ValueError, match="init must be"):
        MLP([4, 2], init="xavier")
    stack = MLP([4, 3, 2], seed=[0, 1])
    with pytest.raises(ValueError, match="stacks 2 networks"):
        stack.forward(device.zeros((3, 5, 4)))
