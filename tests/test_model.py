"""Equations 1-5 against independent references: finite differences (BP), BP itself (FA with
B = W.T), and one-by-one networks (the stacked axis); the fast path against the equation lines;
assigned weights stay the ones training updates. (PyTorch as a reference: test_torch_reference.py.)"""
import threading

import numpy as np
import pytest

from minifa import MLP, Adam, backend, cross_entropy, fast, step
from minifa.fast import mT
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


def _assign(net, src, how):
    """Give `net` the weights (and B) of `src` in one of the supported ways."""
    if how == "items":
        for l in range(net.n_layers):
            net.W[l], net.b[l], net.B[l] = src.W[l], src.b[l], src.B[l]
    elif how == "lists":
        net.W, net.b, net.B = list(src.W), [backend.to_host(b) for b in src.b], list(src.B)  # host arrays too
    else:
        for mine, theirs in zip(net.W + net.b + net.B, src.W + src.b + src.B):
            mine[...] = theirs


@pytest.mark.parametrize("rule", ["fa", "kp"])
@pytest.mark.parametrize("how", ["items", "lists", "in place"])
def test_assigned_weights_are_the_ones_training_updates(device, rule, how):
    """net.W[l] = new, net.W = [...], net.b = [...], net.B = [...]: the values go INTO the arrays
    the optimiser trains (views of net.theta; KP's B too), so training goes on from them exactly
    as from a network built with them. Were an array replaced, it would silently stop training."""
    dims = [7, 6, 5, 3]
    src, net = MLP(dims, rule=rule, seed=[4, 5]), MLP(dims, rule=rule, seed=[8, 9])
    _assign(net, src, how)
    x, y = batch(device, src, stacked=True)
    opt_src, opt_net = Adam(0.01), Adam(0.01)
    for _ in range(3):
        step(src, opt_src, x, y), step(net, opt_net, x, y)
    for a, b in zip(src.W + src.b + src.B, net.W + net.b + net.B):
        assert np.array_equal(backend.to_host(a), backend.to_host(b))
    assert np.array_equal(backend.to_host(src.theta), backend.to_host(net.theta))


def test_assignment_copies_and_keeps_shapes(device):
    net = MLP([4, 3, 2], seed=0)
    new = device.ones((3, 4))
    net.W[0] = new
    new[...] = 5.0                                    # the network holds a copy, not `new`
    assert backend.to_host(net.W[0]).max() == 1.0
    net.b = [device.zeros(3), device.full(2, 0.5)]
    assert backend.to_host(net.b[1]).tolist() == [0.5, 0.5]
    with pytest.raises(ValueError, match=r"W\[0\] is \(3, 4\); the new value is \(4, 3\)"):
        net.W[0] = device.ones((4, 3))
    with pytest.raises(ValueError, match="b has 2 layers, got 1 arrays"):
        net.b = [device.zeros(3)]
    with pytest.raises(TypeError, match="one array per layer"):
        net.W.append(device.ones((2, 2)))
    with pytest.raises(TypeError, match="one layer at a time"):
        net.W[0:1] = [device.ones((3, 4))]
    with pytest.raises(TypeError, match="one array per layer"):
        del net.B[0]
    with pytest.raises(ValueError, match="build a new MLP"):
        MLP([4, 3, 2], seed=[0, 1]).W[1] = device.ones((2, 3))   # one network's W for a stack of 2


def test_pickled_and_deep_copied_networks_still_train(device):
    import copy
    import pickle
    net = MLP([6, 5, 3], rule="kp", seed=[0, 1])
    x, y = batch(device, net)
    for twin in (copy.deepcopy(net), pickle.loads(pickle.dumps(net)), net.copy()):
        assert twin.rule == net.rule and repr(twin) == repr(net)
        a, b = Adam(0.01), Adam(0.01)
        step(twin, a, x, y)
        step(ref := net.copy(), b, x, y)
        for u, v in zip(twin.W + twin.b + twin.B, ref.W + ref.b + ref.B):
            assert np.array_equal(backend.to_host(u), backend.to_host(v))
        assert not np.array_equal(backend.to_host(twin.W[0]), backend.to_host(net.W[0]))   # it moved


def _roundoff_bound(a, b, n, dtype):
    """Two orders of summing n products a_i b_i differ by <= 2 gamma_n sum |a_i b_i|, gamma_n =
    n u / (1 - n u), u the unit round-off (Higham, Accuracy and Stability, §3.1)."""
    u = np.finfo(dtype).eps / 2
    return 2 * n * u / (1 - n * u) * (np.abs(a) @ np.abs(b))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_fast_path_equals_the_equation_lines(device, dtype, monkeypatch):
    """fast.linear / fast.outer (one GEMM for K networks sharing a batch; on a CPU the transposed
    product W h^T otherwise) against the equation lines o = h @ mT(W) + b (eq. 1) and
    dW = mT(delta) @ h (eq. 4), to the round-off bound of a sum of n products, since the GEMM may
    sum in another order (bound: _roundoff_bound, plus one rounding of the bias sum). Then whole
    networks with the fast paths on and off: bit for bit where none applies (1 network or
    per-network batches on a GPU), within the bound's scale where one does."""
    backend.set_dtype(dtype)
    rng = np.random.default_rng(0)
    h, W, b = (device.asarray(rng.standard_normal(s), dtype=dtype) for s in ((9, 7), (3, 5, 7), (3, 5)))
    delta = device.asarray(rng.standard_normal((3, 9, 5)), dtype=dtype)
    H, Wh, D = backend.to_host(h), backend.to_host(W), backend.to_host(delta)
    o_plain, o_fast = backend.to_host(h @ mT(W) + b[..., None, :]), backend.to_host(fast.linear(h, W, b))
    u = np.finfo(dtype).eps / 2
    assert (np.abs(o_plain - o_fast) <= _roundoff_bound(H, mT(Wh), 7, dtype) + 2 * u * np.abs(o_plain)).all()
    for hh, WW, bb in ((h, W[0], b[0]), (delta @ W, W, b)):          # one network; a batch per network
        o_plain, o_fast = backend.to_host(hh @ mT(WW) + bb[..., None, :]), fast.linear(hh, WW, bb)
        assert o_fast.flags.c_contiguous and o_fast.dtype == WW.dtype
        bound = _roundoff_bound(backend.to_host(hh), backend.to_host(mT(WW)), 7, dtype)
        assert (np.abs(o_plain - backend.to_host(o_fast)) <= bound + 2 * u * np.abs(o_plain)).all()
    g_plain, g_fast = backend.to_host(mT(delta) @ h), backend.to_host(fast.outer(delta, h))
    assert (np.abs(g_plain - g_fast) <= _roundoff_bound(mT(D), H, 9, dtype)).all()
    for seed, stacked in ((1, False), ([1, 2, 3], False), ([1, 2, 3], True)):
        out = {}
        for on in (True, False):
            monkeypatch.setattr(fast, "ONE_GEMM", on)
            net = MLP([7, 6, 5, 3], seed=seed)
            x, y = batch(device, net, stacked=stacked)
            p = net.forward(x.astype(dtype))
            out[on] = [backend.to_host(a) for a in [p] + sum(net.backward(y), [])]
        applies = (seed != 1 and not stacked) or backend.device == "cpu"
        for a, b in zip(out[True], out[False]):
            if applies:                   # a few round-offs of each sum, carried through 3 layers
                assert np.abs(a - b).max() <= 100 * u * max(np.abs(b).max(), 1.0)
            else:
                assert np.array_equal(a, b)


@pytest.mark.parametrize("rule", ["fa", "kp"])
@pytest.mark.parametrize("stacked", [False, True])
@pytest.mark.parametrize("dims, n", [([7, 6, 5, 3], 7), ([400, 60, 5, 3], 50)])   # below / above fast.SMALL_GEMM
def test_w0_kept_as_its_transpose_trains_as_w0_kept_as_is(device, rule, stacked, dims, n, monkeypatch):
    """fast.TRANSPOSED: theta holds W_0 as W_0^T (its two products run faster so), net.W[0] is the
    (n_1, n_0) view of it, and the gradients reach the optimiser in theta's order: Adam steps give, to
    float round-off, what a network keeping W_0 as is gets (a batch per network and one shared batch;
    KP also trains B_0 from dW_0^T). Bound: a few round-offs of each sum, as above."""
    import minifa.model
    u, out = np.finfo(np.float32).eps / 2, {}
    for kept in ((0,), ()):
        monkeypatch.setattr(minifa.model, "TRANSPOSED", kept)
        net = MLP(dims, rule=rule, seed=[1, 2, 3])
        W0 = backend.to_host(net.W[0]).copy()
        assert net.W[0].shape == (3, dims[1], dims[0]) and bool(net.W[0].flags.c_contiguous) == (not kept)
        first = backend.to_host(net.theta[:W0.size])
        assert np.array_equal(first, (W0.swapaxes(1, 2) if kept else W0).ravel())   # W_0^T in theta when kept
        opt = Adam(1e-2)
        for s in range(3):
            x, y = batch(device, net, n=n, seed=s, stacked=stacked)
            step(net, opt, x.astype(np.float32), y)
        out[kept] = [backend.to_host(a) for a in list(net.W) + list(net.b) + list(net.B)]
    assert not np.array_equal(out[()][0], W0)                                  # it trained
    for a, b in zip(out[(0,)], out[()]):
        assert np.abs(a - b).max() <= 100 * u * max(np.abs(b).max(), 1.0)


@pytest.mark.parametrize("N", [1, 8, 64])
@pytest.mark.parametrize("shared", [False, True])
def test_linear_of_a_kept_w0_transpose(device, N, shared):
    """fast.linear for W_0 kept as W_0^T: a shared batch, or a product of at most fast.SMALL_GEMM
    multiply-adds (an epoch's thin last batch), is computed from a C-ordered copy of W, so it has exactly the
    bits of W kept as is; above it (a batch per network, N = 64 rows here) h W_0^T reads W_0^T in
    order and agrees to round-off: n = 300 products of float32, bound n u |h| |W| per entry."""
    from minifa import fast
    rng = np.random.default_rng(N)
    W = rng.standard_normal((3, 60, 300)).astype(np.float32)
    h = rng.standard_normal((N, 300) if shared else (3, N, 300)).astype(np.float32)
    b = rng.standard_normal((3, 60)).astype(np.float32)
    W, h, b = (backend.xp.asarray(a) for a in (W, h, b))
    kept = fast.mT(backend.xp.ascontiguousarray(fast.mT(W)))
    assert fast.stored_T(kept) and not fast.stored_T(W)
    got, want = backend.to_host(fast.linear(h, kept, b)), backend.to_host(fast.linear(h, W, b))
    if shared or N < 64:                       # 8 x 60 x 300 <= SMALL_GEMM < 64 x 60 x 300
        assert np.array_equal(got, want)
    else:
        bound = 300 * np.finfo(np.float32).eps / 2 * backend.to_host(abs(h) @ fast.mT(abs(W))).max()
        assert np.abs(got - want).max() <= bound


def test_kept_T_differs_finds_a_product_with_other_bits(monkeypatch):
    """fast.kept_T_differs (python -m minifa.doctor's bits line) compares W_0 kept as W_0^T with W_0 kept
    as is at the paper's first layers; a fast path that changed the last bit of eq. 1 for a kept W_0^T is
    named at every size and batch it checks (and nothing else is)."""
    from minifa import fast
    found = fast.kept_T_differs(shapes=((30, 20),), rows=(8, 64))
    assert all(len(entry) == 4 and entry[3] in ("eq. 1", "eq. 4") for entry in found)   # the BLAS's say
    linear = fast.linear

    def off_by_one_ulp(h, W, b):
        o = linear(h, W, b)
        return np.nextafter(o, np.inf) if fast.stored_T(W) else o
    monkeypatch.setattr(fast, "linear", off_by_one_ulp)
    found = fast.kept_T_differs(shapes=((30, 20),), rows=(8, 64))
    assert [e for e in found if e[3] == "eq. 1"] == [(30, 20, 8, "eq. 1"), (30, 20, 64, "eq. 1")]


@pytest.mark.parametrize("dims, n", [([12, 8, 10], 40), ([400, 60, 10], 50)])   # below / above fast.SMALL_GEMM
def test_a_stacks_evaluation_is_each_networks_alone(dims, n):
    """training.evaluate computes each stacked network's products on its own (fast.per_network): a network's
    loss and accuracy are bit for bit those it gets alone, on any BLAS (the run's store takes a stack's networks
    one by one). One product for the stack gives them other last bits on some kernels (OpenBLAS's Haswell
    kernels at these sizes): without per_network this fails there."""
    from minifa.training import evaluate
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((n, dims[0])).astype(np.float32), rng.integers(0, dims[-1], n)
    stack, alone = MLP(dims, seed=[3, 4, 5]), [MLP(dims, seed=[k]) for k in (3, 4, 5)]
    assert all(np.array_equal(backend.to_host(stack.W[l][i]), backend.to_host(net.W[l][0]))
               for l in range(len(dims) - 1) for i, net in enumerate(alone))
    loss, acc = evaluate(stack, X, y)
    each = [evaluate(net, X, y) for net in alone]
    assert loss == [l[0] for l, _ in each] and acc == [a[0] for _, a in each]
    h = backend.xp.zeros((2, dims[0]), dtype=backend.dtype)
    seen = []
    with fast.per_network():
        assert not fast.one_gemm(h, stack.W[0])
        other = threading.Thread(target=lambda: seen.append(fast.one_gemm(h, stack.W[0])))
        other.start()
        other.join()
    assert seen == [True]                                   # another thread's products are not this block's
    assert fast.one_gemm(h, stack.W[0])                     # outside the block: one product for a shared batch
