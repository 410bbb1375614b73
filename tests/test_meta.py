"""The meta-loss of §4.4 (Table D.1) and adaptation curves, on cases with known answers."""
import numpy as np
import pytest

from minifa import MLP, backend, evaluate
from minifa.meta import Task, adapt, adaptation_curve, adaptation_order, meta_loss


def _task(name, seed, n=200, dim=6, classes=3):
    """A linearly separable task: the label is the argmax of a fixed linear map of x."""
    rng = np.random.default_rng(seed)
    M = rng.standard_normal((dim, classes))
    X = rng.standard_normal((2 * n, dim))
    y = np.argmax(X @ M, axis=1)
    return Task(name, X[:n], y[:n], X[n:], y[n:])


def _params(net):
    return [backend.to_host(a).copy() for a in net.W + net.b + net.B]


@pytest.mark.parametrize("seed", [0, [0, 1, 2]])
def test_meta_loss_of_a_frozen_network_is_the_sum_of_task_losses(device, seed):
    """lr = 0: adaptation cannot change the network, so the meta-loss is sum_task L_task."""
    net = MLP([6, 8, 3], rule="fa", seed=seed)
    tasks = [_task("a", 1), _task("b", 2), _task("c", 3)]
    out = meta_loss(net, tasks, lr=0.0)
    plain = [evaluate(net, t.X_eval, t.y_eval)[0] for t in tasks]
    expected = np.sum(plain, axis=0)
    np.testing.assert_allclose(out["total"], expected, rtol=1e-12)
    for t, loss in zip(tasks, plain):
        np.testing.assert_allclose(out["loss"][t.name], loss, rtol=1e-12)
    if isinstance(seed, list):
        assert len(out["total"]) == 3 and len(set(out["total"])) == 3   # one per network


@pytest.mark.parametrize("rule", ["bp", "fa"])
def test_adapting_lowers_the_loss_of_an_easy_task(device, rule):
    net = MLP([6, 16, 3], rule=rule, seed=[0, 1, 2, 3])
    task = _task("easy", 4)
    before = np.array(evaluate(net, task.X_eval, task.y_eval)[0])
    after = np.array(meta_loss(net, [task], steps=50, lr=1e-2)["total"])
    assert np.all(after < before - 0.1), (before, after)


def test_adaptation_leaves_the_network_unchanged(device):
    net = MLP([6, 8, 3], rule="fa", seed=[0, 1])
    start = _params(net)
    adapted = adapt(net, _task("a", 1), steps=20, lr=1e-2)
    meta_loss(net, [_task("a", 1), _task("b", 2)], lr=1e-2)
    adaptation_curve(net, _task("a", 1), steps=5)
    for a, b in zip(start, _params(net)):
        assert np.array_equal(a, b)
    assert not np.array_equal(start[0], backend.to_host(adapted.W[0]))   # the copy moved
    assert np.array_equal(start[-1], backend.to_host(adapted.B[-1]))     # B stays fixed


def test_curve_matches_meta_loss_and_starts_at_the_plain_loss(device):
    net = MLP([6, 8, 3], rule="fa", seed=[0, 1])
    task = _task("a", 1)
    curve, _ = adaptation_curve(net, task, steps=10, lr=1e-2, seed=5, at=[0, 5, 10])
    assert curve["step"] == [0, 5, 10]
    np.testing.assert_allclose(curve["loss"][0], evaluate(net, task.X_eval, task.y_eval)[0])
    # adaptation curve at step 10 == meta-loss of the one task (same batches: seed 5 + 0)
    np.testing.assert_allclose(curve["loss"][-1], meta_loss(net, [task], lr=1e-2, seed=5)["total"])


def test_adaptation_passes_through_every_example_before_repeating(device):
    order = backend.to_host(adaptation_order(MLP([4, 2], seed=0), 25, 60, seed=0))
    assert order.shape == (60,)
    assert len(set(order[:20].tolist())) == 20                          # no repeat within a pass
    assert set(order[:25].tolist()) == set(range(25))
    stack = backend.to_host(adaptation_order(MLP([4, 2], seed=[0, 1]), 25, 60, seed=0))
    assert stack.shape == (2, 60) and np.array_equal(stack[0], order)  # network 0 as alone
    assert not np.array_equal(stack[0], stack[1])                       # each network its own order


def test_task_without_evaluation_examples_is_refused():
    with pytest.raises(ValueError, match="evaluation examples"):
        Task("empty", np.zeros((3, 4)), np.zeros(3, int), np.zeros((0, 4)), np.zeros(0, int))


def test_stacked_adaptation_equals_one_network_at_a_time(device):
    tasks = [_task("a", 1), _task("b", 2)]
    stacked = meta_loss(MLP([6, 8, 3], rule="fa", seed=[3, 4]), tasks, lr=1e-2)
    for k, s in enumerate([3, 4]):
        single = meta_loss(MLP([6, 8, 3], rule="fa", seed=s), tasks, lr=1e-2)
        np.testing.assert_allclose(stacked["total"][k], single["total"], rtol=1e-10)


def test_task_that_does_not_fit_the_network_is_refused():
    with pytest.raises(ValueError, match="network is"):
        meta_loss(MLP([5, 8, 3], seed=0), [_task("a", 1)])          # 6 inputs, not 5
    with pytest.raises(ValueError, match="finite"):
        Task("nan", np.full((3, 4), np.nan), np.zeros(3, int), np.zeros((2, 4)), np.zeros(2, int))


def test_defaults_are_table_d1(device):
    """meta_loss's defaults are Table D.1's (minifa.settings.META): 10 Adam steps, lr 1e-3,
    batches of 10 examples."""
    from minifa.settings import META
    assert META == {"steps": 10, "batch_size": 10, "lr": 1e-3}
    net, tasks = MLP([6, 8, 3], rule="fa", seed=[0, 1]), [_task("a", 1), _task("b", 2)]
    default = meta_loss(net, tasks)["total"]
    assert default == meta_loss(net, tasks, steps=10, batch_size=10, lr=1e-3)["total"]
    assert default != meta_loss(net, tasks, steps=9)["total"]
