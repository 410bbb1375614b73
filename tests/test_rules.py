"""Learning rules beyond the paper (model.MLP.error): DFA, sign-concordant feedback and
Kolen-Pollack, against BP, FA and hand-written references."""
import numpy as np
import pytest

from minifa import MLP, Adam, backend, mean_angle, pretrain_noise, step, train
from minifa.analysis import weight_distance
from minifa.fast import mT

RULES = ["bp", "fa", "dfa", "sign", "kp"]


def batch(xp, dims, n=9, seed=0, K=None):
    rng = np.random.default_rng(seed)
    x = xp.asarray(rng.standard_normal(((K,) if K else ()) + (n, dims[0])))
    y = xp.asarray(rng.integers(0, dims[-1], size=((K,) if K else ()) + (n,)))
    return x, y


def host(a):
    return backend.to_host(a)


@pytest.mark.parametrize("rule", RULES)
def test_every_rule_gives_the_last_layer_bps_gradient(device, rule):
    dims = [7, 6, 5, 4]
    net, bp = MLP(dims, rule=rule, seed=1), MLP(dims, rule="bp", seed=1)
    x, y = batch(device, dims)
    net.forward(x), bp.forward(x)
    (dW, db), (dW_bp, db_bp) = net.backward(y), bp.backward(y)
    assert np.array_equal(host(dW[-1]), host(dW_bp[-1])) and np.array_equal(host(db[-1]), host(db_bp[-1]))


def test_dfa_equals_fa_on_a_two_layer_network(device):
    """One hidden layer: DFA's B_1^d (n_1, n_L) is FA's B_1, and delta_L is delta_2."""
    dfa, fa = MLP([8, 6, 3], rule="dfa", seed=[2, 3]), MLP([8, 6, 3], rule="fa", seed=[2, 3])
    assert np.array_equal(host(dfa.B[1]), host(fa.B[1]))
    x, y = batch(device, [8, 6, 3])
    dfa.forward(x), fa.forward(x)
    for a, b in zip(sum(dfa.backward(y), []), sum(fa.backward(y), [])):
        assert np.array_equal(host(a), host(b))


def test_dfa_on_a_deeper_network_against_a_hand_written_loop(device):
    dims = [6, 5, 4, 3, 2]
    net = MLP(dims, rule="dfa", seed=4)
    assert [tuple(B.shape) for B in net.B] == [(6, 2), (5, 2), (4, 2), (3, 2)]   # B_l^d (n_l, n_L)
    x, y = batch(device, dims)
    p = host(net.forward(x))
    dW, db = net.backward(y)
    W, b, B = ([host(a) for a in arrays] for arrays in (net.W, net.b, net.B))
    h, o = [host(x)], [None]                          # the forward pass again, by hand
    for l in range(4):
        o.append(h[l] @ W[l].T + b[l])
        h.append(np.maximum(o[-1], 0))
    e = (p - np.eye(2)[host(y)]) / len(p)             # delta_L
    delta = e
    for l in reversed(range(4)):
        np.testing.assert_allclose(host(dW[l]), delta.T @ h[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(host(db[l]), delta.sum(0), rtol=1e-12, atol=1e-15)
        if l > 0:
            delta = (e @ B[l].T) * (o[l] > 0)         # every hidden layer hears delta_L directly


def test_sign_feedback_follows_the_current_weights(device):
    dims = [6, 5, 3]
    net = MLP(dims, rule="sign", seed=5)
    x, y = batch(device, dims)
    scale = (2 / (5 + 3)) ** 0.5
    for flip in (False, True):
        if flip:                                       # change the forward weights' signs:
            net.W[1][...] = -net.W[1]                  # the feedback must follow at once
        net.forward(x)
        dW, _ = net.backward(y)
        delta2 = host(net.logp)
        delta2 = (np.exp(delta2) - np.eye(3)[host(y)]) / 9
        delta1 = (delta2 @ (scale * np.sign(host(net.W[1])))) * (host(net.o[1]) > 0)
        np.testing.assert_allclose(host(dW[0]), delta1.T @ host(x), rtol=1e-12, atol=1e-15)
    opt = Adam(0.05)                                   # and after a training step, the new W's signs
    step(net, opt, x, y)
    net.forward(x)
    dW, _ = net.backward(y)
    delta2 = (np.exp(host(net.logp)) - np.eye(3)[host(y)]) / 9
    delta1 = (delta2 @ (scale * np.sign(host(net.W[1])))) * (host(net.o[1]) > 0)
    np.testing.assert_allclose(host(dW[0]), delta1.T @ host(x), rtol=1e-12, atol=1e-15)


def test_kolen_pollack_drives_B_to_W_transpose_on_noise_and_on_data(device):
    """W_l - B_l^T shrinks by (1 - lambda) a step, (1 - 5e-3)^3000 = 3e-7: what is left of W_l
    and B_l is what they learnt together, the same updates. Measured as the angle between the
    whole matrices W_l^T and B_l (a silent neuron's row never learns, so its own angle keeps
    its random ~90 deg; per-neuron means mix those in)."""
    def matrix_angle(net, l):
        return np.degrees(2 * np.arcsin(host(weight_distance(net, l, normalize=True)) / 2))
    net = MLP([20, 16, 16, 4], rule="kp", seed=[0, 1], kp_decay=5e-3)
    assert all(abs(np.mean(a) - 90) < 15 for a in mean_angle(net).values())
    assert matrix_angle(net, 1).min() > 60
    d0 = [host(weight_distance(net, l)) for l in (1, 2)]
    pretrain_noise(net, n_examples=64 * 3000, batch_size=64, lr=1e-3)
    for l in (1, 2):                                   # the law, to float32 round-off of 3000 steps
        np.testing.assert_allclose(host(weight_distance(net, l)) / d0[l - 1], 0.995 ** 3000, rtol=0.02)
        assert matrix_angle(net, l).max() < 1, (l, matrix_angle(net, l))
    twin = MLP([20, 16, 16, 4], rule="kp", seed=[0, 1], kp_decay=5e-3)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((256, 20))
    y = (X[:, :4] ** 2).argmax(axis=1)
    hist = train(twin, X, y, epochs=500, batch_size=64, lr=1e-3)
    assert max(matrix_angle(twin, 1).max(), matrix_angle(twin, 2).max()) < 2
    assert max(hist["angle1"][-1]) < max(hist["angle1"][0]) - 20     # the neurons' mean falls too
    assert min(np.subtract(hist["train_acc"][-1], hist["train_acc"][0])) > 0.1   # and it learns


def test_fa_B_stays_fixed_and_kp_B_moves(device):
    x, y = batch(device, [6, 5, 3])
    for rule, moves in (("fa", False), ("dfa", False), ("kp", True)):
        net = MLP([6, 5, 3], rule=rule, seed=0)
        B0 = host(net.B[1]).copy()
        step(net, Adam(0.01), x, y)
        assert np.array_equal(B0, host(net.B[1])) != moves


@pytest.mark.parametrize("rule", RULES)
def test_stacked_networks_equal_one_by_one_for_every_rule(device, rule):
    dims = [7, 6, 5, 3]
    stack = MLP(dims, rule=rule, seed=[4, 5])
    x, y = batch(device, dims, K=2)
    opt = Adam(0.01)
    for _ in range(3):
        step(stack, opt, x, y)
    for k, s in enumerate([4, 5]):
        net, o = MLP(dims, rule=rule, seed=s), Adam(0.01)
        for _ in range(3):
            step(net, o, x[k], y[k])
        for a, b in zip(stack.W + stack.b + stack.B, net.W + net.b + net.B):
            np.testing.assert_allclose(host(a[k]), host(b), rtol=1e-10, atol=1e-13)


def test_rules_that_reshape_B_cannot_be_switched():
    net = MLP([4, 3, 2], rule="fa")
    net.rule = "sign"                                  # same B: allowed
    net.rule = "bp"
    with pytest.raises(ValueError, match="build a new MLP"):
        net.rule = "dfa"
    with pytest.raises(ValueError, match="build a new MLP"):
        MLP([4, 3, 2], rule="kp").rule = "fa"
    assert "rule='kp'" in repr(MLP([4, 3, 2], rule="kp"))
    assert mT(MLP([4, 3, 2], rule="kp").B[1]).shape == (2, 3)


def test_the_rule_is_an_object_named_as_before():
    from minifa import rules
    from minifa.model import RULES as NAMES
    assert NAMES == ("bp", "fa", "dfa", "sign", "kp") == tuple(rules.RULES)
    for name, cls in zip(NAMES, (rules.BP, rules.FA, rules.DFA, rules.Sign, rules.KP)):
        net = MLP([4, 3, 2], rule=name)
        assert type(net.rule) is cls and net.rule.name == name and net.rule == name and str(net.rule) == name
        assert f"rule={name!r}" in repr(net)                        # printed text unchanged
        assert net.rule != ("bp" if name != "bp" else "fa")
        assert cls.__doc__ and any(s in cls.__doc__ for s in ("eq. 3", "eq. 5", "2016", "2019"))
    assert MLP([4, 3, 2], rule=rules.KP()).rule == "kp"             # a rule object is accepted too
    assert [c.trains_B for c in rules.RULES.values()] == [False, False, False, False, True]


def test_adding_a_rule_is_adding_one_class(device):
    """A rule is one class: subclassing Rule registers it under its name for MLP(rule=...)."""
    from minifa import rules

    class HalfFA(rules.Rule):
        """FA's error line (eq. 5) at half strength: only to show what a new rule takes."""
        name = "half_fa"

        def error(self, net, l, delta, delta_L):
            return 0.5 * (delta @ mT(net.B[l]))
    try:
        dims = [6, 5, 3]
        half, fa = MLP(dims, rule="half_fa", seed=[1, 2]), MLP(dims, rule="fa", seed=[1, 2])
        x, y = batch(device, dims)
        half.forward(x), fa.forward(x)
        (dW, db), (dW_fa, db_fa) = half.backward(y), fa.backward(y)
        assert np.array_equal(host(dW[0]), 0.5 * host(dW_fa[0]))   # x 0.5 is exact in floating point
        assert np.array_equal(host(dW[1]), host(dW_fa[1]))
        assert "rule='half_fa'" in repr(half) and set(mean_angle(half)) == {1}
        step(half, Adam(0.01), x, y)
        half.rule = "fa"                                            # same B: it may switch
    finally:
        del rules.RULES["half_fa"]
    with pytest.raises(ValueError, match="rule must be one of 'bp', 'fa', 'dfa', 'sign', 'kp'; got 'half_fa'"):
        MLP([4, 2], rule="half_fa")
