"""Alignment angles (paper §4.1) and the training loops: determinism, the stacked axis
during training, and the paper's claim that noise pretraining aligns W^T to B."""
import numpy as np
import pytest

from minifa import MLP, alignment_angles, angle, backend, pretrain_noise, train
from minifa.stats import describe, fmt, ttest_1samp, ttest_ind, ttest_rel


def test_angle_of_identical_and_orthogonal_vectors(device):
    a = device.asarray([[1.0, 2.0, 3.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]])
    b = device.asarray([[2.0, 4.0, 6.0], [0.0, 5.0, 0.0], [-1.0, -1.0, 0.0]])
    np.testing.assert_allclose(backend.to_host(angle(a, b)), [0.0, 90.0, 180.0], atol=1e-6)


def test_fresh_network_is_unaligned_and_only_used_layers_reported():
    net = MLP([784, 100, 100, 10], seed=list(range(5)))
    angles = alignment_angles(net)
    assert sorted(angles) == [1, 2]          # B[0] is never used: not reported
    for a in angles.values():
        a = backend.to_host(a)
        assert a.shape == (5, 100)
        assert abs(a.mean() - 90) < 1.5      # random vectors: orthogonal on average


def test_noise_pretraining_with_paper_settings_aligns_weights():
    """Algorithm 1, paper settings: 784-100-10, 5e5 examples, batch 64, Adam lr 1e-4."""
    net = MLP([784, 100, 10], rule="fa", seed=0)
    before = backend.to_host(alignment_angles(net)[1])
    hist = pretrain_noise(net, quiet=True)
    after = backend.to_host(alignment_angles(net)[1])
    assert abs(before.mean() - 90) < 3
    assert after.mean() < before.mean() - 5, (before.mean(), after.mean())
    # the paper's test (Fig. 1e): one-sample t-test of the 100 angles against 90 deg
    assert ttest_1samp(after, 90.0)["p"] < 1e-4 and ttest_1samp(after, 90.0)["t"] < 0
    assert hist["examples"][-1] == 500_000 and hist["angle1"][-1] == pytest.approx(after.mean(), rel=1e-5)
    # random labels cannot be learnt: the loss stays near chance, log 10 (He-initialised
    # logits are larger than PyTorch-initialised ones, so a batch's loss sits a little above)
    assert abs(np.mean(hist["loss"][-10:]) - np.log(10)) < 0.1


def test_bp_noise_training_does_not_align():
    net = MLP([784, 100, 10], rule="bp", seed=0)
    pretrain_noise(net, n_examples=100_000, quiet=True)
    assert abs(backend.to_host(alignment_angles(net)[1]).mean() - 90) < 5


def test_same_seed_same_weights_after_training(device):
    runs = []
    for _ in range(2):
        net = MLP([20, 8, 3], seed=7)
        pretrain_noise(net, n_examples=2_000, batch_size=32, seed=3, quiet=True)
        runs.append([backend.to_host(w) for w in net.W + net.b])
    for a, b in zip(*runs):
        assert np.array_equal(a, b)
    net = MLP([20, 8, 3], seed=7)
    pretrain_noise(net, n_examples=2_000, batch_size=32, seed=4, quiet=True)
    assert not np.array_equal(runs[0][0], backend.to_host(net.W[0]))


def _toy_data(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 12))
    y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1).astype(int)
    return X, y


@pytest.mark.parametrize("rule", ["bp", "fa"])
def test_training_on_data_learns_and_stacked_equals_single(device, rule):
    X, y = _toy_data()
    stack = MLP([12, 16, 3], rule=rule, seed=[0, 1])
    hs = train(stack, X, y, epochs=15, batch_size=32, lr=1e-2, X_test=X, y_test=y, quiet=True)
    assert min(hs["train_acc"][-1]) > 0.85 and max(hs["train_acc"][0]) < 0.7
    assert len(hs["epoch"]) == 16 and len(hs["test_acc"]) == 16
    for k, seed in enumerate([0, 1]):
        net = MLP([12, 16, 3], rule=rule, seed=seed)
        h1 = train(net, X, y, epochs=15, batch_size=32, lr=1e-2, quiet=True)
        np.testing.assert_allclose([a[k] for a in hs["train_loss"]], h1["train_loss"], rtol=1e-9)
        for a, b in zip(stack.W, net.W):
            np.testing.assert_allclose(backend.to_host(a[k]), backend.to_host(b), rtol=1e-9, atol=1e-12)


def test_train_rejects_bad_data(device):
    X, y = _toy_data(50)
    net = MLP([12, 4, 3], seed=0)
    with pytest.raises(ValueError, match=r"X must be \(batch, 12\)"):
        train(net, X[:, :10], y, epochs=1, quiet=True)
    with pytest.raises(ValueError, match="labels of X must lie in 0..2"):
        train(net, X, y + 1, epochs=1, quiet=True)
    Xn = X.copy()
    Xn[3, 3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        train(net, Xn, y, epochs=1, quiet=True)
    with pytest.raises(ValueError, match="does not match"):
        train(net, X, y[:-1], epochs=1, quiet=True)


def test_statistics_helpers():
    a = np.array([1.0, 2.0, 3.0, 4.0])
    assert describe(a) == {"mean": 2.5, "sd": pytest.approx(np.std(a, ddof=1)), "n": 4}
    assert fmt(a) == "2.50 +- 1.29 (n=4)"
    # t = (mean - mu) / (sd / sqrt(n)) by hand
    assert ttest_1samp(a, 2.0)["t"] == pytest.approx(0.5 / (np.std(a, ddof=1) / 2))
    assert ttest_ind(a, a + 10)["p"] < 1e-4 and ttest_ind(a, a)["p"] == pytest.approx(1.0)
    assert ttest_rel(a, a + np.array([1.0, 1.1, 0.9, 1.0]))["t"] < -10


def test_copy_is_independent_and_callbacks_run(device):
    net = MLP([6, 4, 3], seed=[0, 1])
    twin = net.copy()
    twin.W[0][...] = 0.0
    assert backend.to_host(net.W[0]).any() and twin.n_nets == 2 and twin.rule == net.rule
    seen = []
    pretrain_noise(net, n_examples=640, batch_size=64, log_every=2, quiet=True,
                   callback=lambda n, h: seen.append(h["examples"][-1]))
    assert seen == [0, 128, 256, 384, 512, 640]                       # entry 0 included
    X, y = _toy_data(40)
    net = MLP([12, 4, 3], seed=0)
    epochs = []
    train(net, X, y, epochs=3, quiet=True, callback=lambda n, h: epochs.append(h["epoch"][-1]))
    assert epochs == [0, 1, 2, 3]


def test_stacked_noise_pretraining_equals_networks_trained_alone(device):
    stack = MLP([30, 8, 5], seed=[0, 1, 2])
    hs = pretrain_noise(stack, n_examples=3_000, batch_size=32, seed=9, log_every=10, quiet=True)
    for k in range(3):
        net = MLP([30, 8, 5], seed=k)
        h1 = pretrain_noise(net, n_examples=3_000, batch_size=32, seed=9, log_every=10, quiet=True)
        np.testing.assert_allclose([a[k] for a in hs["angle1"]], h1["angle1"], rtol=1e-9)
        for a, b in zip(stack.W + stack.b, net.W + net.b):
            np.testing.assert_allclose(backend.to_host(a[k]), backend.to_host(b), rtol=1e-9, atol=1e-12)
    # the fast option: one noise batch shared by all networks gives other (not independent) runs
    shared = MLP([30, 8, 5], seed=[0, 1, 2])
    pretrain_noise(shared, n_examples=3_000, batch_size=32, seed=9, quiet=True, shared_noise=True)
    assert not np.allclose(backend.to_host(shared.W[0][1]), backend.to_host(stack.W[0][1]))


def test_stacked_networks_draw_independent_noise_and_data_orders(device):
    """By default each network of a stack has its own noise stream and data order, seeded by
    (seed, its network seed); shared=True gives all the same batches."""
    X, y = _toy_data(64)
    seen = {}
    for shared in (False, True):
        net = MLP([12, 4, 3], seed=[0, 1])
        batches = []
        orig = net.forward
        net.forward = lambda x, check=True: batches.append(backend.to_host(x).copy()) or orig(x, check)
        pretrain_noise(net, n_examples=64, batch_size=32, quiet=True, shared_noise=shared)
        train(net, X, y, epochs=1, batch_size=32, quiet=True, shared_order=shared)
        seen[shared] = [b for b in batches if b.ndim == 3 or shared]
    noise_own, noise_shared = seen[False][0], seen[True][0]
    assert noise_own.shape == (2, 32, 12) and not np.allclose(noise_own[0], noise_own[1])
    assert noise_shared.shape == (32, 12)
    data_own = [b for b in seen[False] if b.shape == (2, 32, 12)][-1]   # a training batch
    assert not np.array_equal(data_own[0], data_own[1])                 # different examples
