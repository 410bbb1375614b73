"""Every bad input a user met gets a clear error naming the argument (issue: course-ready):
never a silent wrong number, a loop that does nothing, or a traceback from deep inside."""
import os
import subprocess
import sys

import numpy as np
import pytest

import minifa
from minifa import MLP, Adam, evaluate, mean_angle, pretrain_noise, train

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def toy(n=20, d=4, classes=3):
    rng = np.random.default_rng(0)
    return rng.standard_normal((n, d)), rng.integers(0, classes, n)


def test_loss_with_labels_out_of_range_raises():
    net = MLP([4, 3, 3], seed=0)
    net.forward(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"labels must lie in 0\.\.2"):
        net.loss(np.array([0, 3]))


@pytest.mark.parametrize("X,y,err,match", [
    (np.zeros((5, 4)), np.array([0, 1, 10, 0, 1]), ValueError, r"labels of X must lie in 0\.\.2"),
    (np.full((5, 4), np.nan), np.zeros(5, int), ValueError, "NaN"),
    (np.zeros((5, 4)), np.zeros(5), TypeError, "labels of X must be integers"),
    (np.zeros((0, 4)), np.zeros(0, int), ValueError, "X is empty"),
    (np.zeros((5, 3)), np.zeros(5, int), ValueError, r"X must be \(batch, 4\)"),
    ("pixels", np.zeros(5, int), TypeError, "X must be an array or a list"),
])
def test_evaluate_checks_its_inputs(X, y, err, match):
    with pytest.raises(err, match=match):
        evaluate(MLP([4, 3, 3], seed=0), X, y)


def test_lists_are_accepted_where_arrays_are():
    X, y = toy()
    loss, acc = evaluate(MLP([4, 3, 3], seed=0), X.tolist(), y.tolist())
    assert isinstance(loss, float) and 0 <= acc <= 1
    hist = train(MLP([4, 3, 3], seed=0), X.tolist(), y.tolist(), epochs=1, batch_size=5)
    assert len(hist["epoch"]) == 2
    with pytest.raises(TypeError, match="use minifa.backend.asarray"):
        MLP([4, 3, 3], seed=0).forward(X.tolist())


@pytest.mark.parametrize("kw,err,match", [
    ({"n_examples": 0}, ValueError, "n_examples must be >= 1"),
    ({"n_examples": -5}, ValueError, "n_examples must be >= 1"),
    ({"n_examples": 10.5}, TypeError, "n_examples must be a whole number"),
    ({"lr": -1e-3}, ValueError, "lr must be a finite number >= 0"),
    ({"lr": float("nan")}, ValueError, "lr must be"),
    ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
    ({"optimizer": "adagrad"}, ValueError, "optimizer must be one of"),
])
def test_pretrain_noise_refuses_bad_settings(kw, err, match):
    with pytest.raises(err, match=match):
        pretrain_noise(MLP([4, 3, 3], seed=0), **{"n_examples": 64, **kw})


@pytest.mark.parametrize("kw,match", [({"epochs": -1}, "epochs must be >= 0"), ({"batch_size": 0}, "batch_size must be >= 1"),
                                      ({"record_every": 0}, "record_every must be >= 1")])
def test_train_refuses_bad_settings(kw, match):
    X, y = toy()
    with pytest.raises(ValueError, match=match):
        train(MLP([4, 3, 3], seed=0), X, y, **kw)


def test_network_shapes_seeds_and_options_are_checked():
    with pytest.raises(TypeError, match=r"dims\[1\] must be a whole number, got 100.7"):
        MLP([784, 100.7, 10])
    with pytest.raises(ValueError, match=r"dims\[1\] must be >= 1"):
        MLP([784, 0, 10])
    with pytest.raises(ValueError, match="at least 2 layer sizes"):
        MLP([784])
    assert MLP([4, 3], seed=np.int64(3)).seeds == [3]                   # NumPy integers are seeds
    assert MLP([4, 3], seed=np.arange(3)).n_nets == 3
    with pytest.raises(TypeError, match="seed must be an int"):
        MLP([4, 3], seed="0")
    with pytest.raises(ValueError, match="rule must be one of"):
        MLP([4, 3], rule="backprop")
    with pytest.raises(ValueError, match="lr must be"):
        Adam(lr=-1)


def test_angles_are_plain_floats():
    a = mean_angle(MLP([6, 5, 3], seed=0))
    assert type(a[1]) is float
    b = mean_angle(MLP([6, 5, 3], seed=[0, 1]))
    assert isinstance(b[1], list) and all(type(v) is float for v in b[1])


def test_subpackages_load_on_first_use_as_the_readme_writes_them():
    code = ("import minifa, sys; core = sorted(m for m in sys.modules if m.startswith('minifa')); "
            "assert 'minifa.datasets' not in core, core; X, y = minifa.datasets.subset("
            "__import__('numpy').zeros((20, 2)), __import__('numpy').arange(20) % 2, 4); print(len(X))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.strip() == "4", r.stderr


def test_a_gpu_asked_for_without_a_gpu_fails_on_use_not_on_import(tmp_path):
    env = {**os.environ, "MINIFA_DEVICE": "gpu"}
    for cmd in ([sys.executable, "-c", "import minifa, minifa.datasets"],
                [sys.executable, os.path.join(ROOT, "data_fetch.py"), "--help"],
                [sys.executable, os.path.join(ROOT, "tutorials", "03_alignment.py"), "--help"]):
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
        assert r.returncode == 0, r.stderr
    if minifa.backend._cupy_or_none() is None:                          # no GPU here: a clear error on use
        r = subprocess.run([sys.executable, "-c", "import minifa; minifa.MLP([3, 2])"], capture_output=True,
                           text=True, env=env, cwd=ROOT)
        assert r.returncode != 0 and "MINIFA_DEVICE=cpu / --device cpu" in r.stderr
        r = subprocess.run([sys.executable, os.path.join(ROOT, "tutorials", "01_equations.py"), "--device", "cpu",
                            "--out", str(tmp_path)], capture_output=True, text=True,
                           env={**env, "MPLBACKEND": "Agg"}, cwd=ROOT)
        assert r.returncode == 0 and "on cpu" in r.stdout, r.stderr        # --device cpu overrides it


@pytest.mark.parametrize("kw,err,match", [
    ({"mean": float("nan")}, ValueError, "mean must be a finite number, got nan"),
    ({"std": float("inf")}, ValueError, "std must be a finite number, got inf"),
    ({"std": "1"}, TypeError, "std must be a real number, got '1'"),
    ({"low": None}, TypeError, "low must be a real number"),
    ({"high": True}, TypeError, "high must be a real number, got True"),
    ({"std": 0.0}, ValueError, "std > 0, got std=0.0"),
    ({"std": -1}, ValueError, "std > 0, got std=-1"),
    ({"low": 1.0, "high": 1.0}, ValueError, r"high > low, got low=1.0, high=1.0"),
])
def test_noise_parameters_are_checked_by_name(kw, err, match):
    with pytest.raises(err, match=match):
        minifa.Noise(**kw)
    assert str(minifa.Noise(mean=np.float64(0.5), std=2)) == "N(0.5, 2^2)"   # NumPy and int values are fine


def test_seeds_must_be_distinct_and_not_negative():
    with pytest.raises(ValueError, match="seed lists 0, 3 more than once: those networks would be identical, "
                                         "not independent"):
        MLP([4, 3], seed=[0, 3, 1, 0, 3])
    with pytest.raises(ValueError, match="seed must be >= 0, got -1"):
        MLP([4, 3], seed=-1)
    with pytest.raises(ValueError, match=r"seed\[1\] must be >= 0, got -2"):
        MLP([4, 3], seed=[0, -2])


def test_a_diverging_training_stops_naming_the_learning_rate():
    X, y = toy()
    with np.errstate(all="ignore"):
        with pytest.raises(FloatingPointError, match=r"training diverged at learning rate lr=1e\+30, epoch 1: .*"
                                                     "lower the learning rate"):
            train(MLP([4, 3, 3], seed=0), X, y, lr=1e30, optimizer="sgd")
        with pytest.raises(FloatingPointError, match=r"lr=1e\+30, step 3 \(192 noise examples\): W\[0\], .* hold "
                                                     "NaN or infinite values; lower the learning rate"):
            pretrain_noise(MLP([4, 8, 8, 3], seed=[0, 1]), n_examples=640, lr=1e30, optimizer="sgd", log_every=3)
        with pytest.raises(FloatingPointError, match=r"lr=1e\+30, epoch 2: the loss reached .* the largest weights "
                                                     r"in [Wb]\[\d\]"):   # finite but absurd: still diverged
            train(MLP([4, 3], seed=0), X, y, epochs=2, lr=1e30, optimizer="sgd", train_metrics=False)
    net = MLP([4, 3, 3], seed=0)
    net.W[1] = np.full((3, 3), np.nan)                                     # also when a weight is set so
    with pytest.raises(FloatingPointError, match=r"W\[1\] hold NaN"):
        train(net, X, y, epochs=1)


def test_test_labels_without_test_inputs_are_refused():
    X, y = toy()
    with pytest.raises(ValueError, match="y_test given without X_test"):
        train(MLP([4, 3, 3], seed=0), X, y, epochs=1, y_test=y)
    with pytest.raises(TypeError, match="labels of X_test must be an array or a list"):
        train(MLP([4, 3, 3], seed=0), X, y, epochs=1, X_test=X)
    with pytest.raises(TypeError, match="labels of X must be an array or a list"):
        evaluate(MLP([4, 3, 3], seed=0), X, None)


def test_repeated_seeds_only_on_purpose():
    """A repeated seed makes identical networks: refused, unless asked for by name (copies made on
    purpose, e.g. FA w/o and FA w/ in one stack); those networks then start equal."""
    import pytest as _pytest
    from minifa import MLP
    with _pytest.raises(ValueError, match="allow_repeats=True"):
        MLP([4, 3, 2], seed=[0, 0])
    net = MLP([4, 3, 2], seed=[0, 1, 0], allow_repeats=True)
    assert (net.W[0][0] == net.W[0][2]).all() and not (net.W[0][0] == net.W[0][1]).all()
