"""The GPU path on the CuPy stand-in (tests/cupy_standin.py): what only a strict CuPy can show.
A training step never reads a value back to the host; syncs happen only when a loop logs."""
import numpy as np
import pytest

import cupy_standin
from minifa import MLP, Adam, Noise, backend, pretrain_noise, step, train


@pytest.fixture
def standin(monkeypatch):
    saved = {k: vars(backend).get(k) for k in ("xp", "device", "dtype")}
    monkeypatch.setattr(backend, "_cupy_or_none", lambda: cupy_standin)
    backend.set_device("gpu")
    yield cupy_standin
    for k, v in saved.items():
        vars(backend).pop(k, None) if v is None else setattr(backend, k, v)


@pytest.mark.parametrize("rule", ["bp", "fa", "dfa", "sign", "kp"])
@pytest.mark.parametrize("seed,per_net", [(0, False), ([0, 1, 2], False), ([0, 1, 2], True)])
def test_a_training_step_never_syncs(standin, rule, seed, per_net):
    net = MLP([20, 8, 6, 3], rule=rule, seed=seed)
    rng = backend.rng(0)
    x, y = Noise().sample(rng, 16, 20, 3, n_nets=net.n_nets if per_net else None)
    opt = Adam(1e-3)
    with standin.no_sync():                      # any device->host read raises SyncError
        for _ in range(3):
            step(net, opt, x, y)


def test_noise_batches_are_standard_normal_on_the_standin(standin):
    # CuPy's Generator.random(out=U) without size fills U with ONE value: the noise would then
    # hold two distinct numbers (Box-Muller) and its std would not be 1
    x, y = Noise().sample(backend.rng(0), 64, 784, 10)
    x = x.get()
    assert np.unique(x).size > 0.99 * x.size and abs(x.std() - 1) < 0.02 and abs(x.mean()) < 0.02
    assert np.unique(y.get()).size == 10


def syncs(fn):
    cupy_standin.reset_sync_count()
    fn()
    return cupy_standin.sync_count()


def test_syncs_come_from_logging_not_from_steps(standin):
    """The count of syncs does not grow with the number of steps between logs."""
    def noise(n):
        return lambda: pretrain_noise(MLP([30, 8, 4], seed=[0, 1]), n_examples=n, batch_size=16,
                                      log_every=10 ** 6)
    assert syncs(noise(16 * 20)) == syncs(noise(16 * 200))
    X = np.random.default_rng(0).standard_normal((64, 30))
    y = np.arange(64) % 4

    def data(epochs):
        return lambda: train(MLP([30, 8, 4], seed=[0, 1]), X, y, epochs=epochs, batch_size=8)
    per_epoch = syncs(data(3)) - syncs(data(2))
    assert per_epoch == syncs(data(2)) - syncs(data(1))          # the same each epoch
    print(f"stand-in syncs: Algorithm 1 {syncs(noise(16 * 20))} per run (logs only); "
          f"train {per_epoch} per epoch (its record: evaluate + angles), 0 per step")


def test_divergence_is_caught_at_the_logs_on_the_standin(standin):
    """The checks for a diverged run read the device only where the loops log (above: no sync per
    step), and work on device arrays: a NaN weight and a huge loss are both caught."""
    X = np.random.default_rng(0).standard_normal((64, 30))
    y = np.arange(64) % 4
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match=r"lr=1e\+30, epoch 1"):
        train(MLP([30, 8, 4], seed=[0, 1]), X, y, epochs=3, batch_size=8, lr=1e30, optimizer="sgd")
    net = MLP([30, 8, 4], seed=[0, 1])
    net.b[0] = np.full((2, 8), np.inf)                           # a host array, written into the device buffer
    with np.errstate(all="ignore"), pytest.raises(FloatingPointError, match=r"before the first step: b\[0\] hold"):
        pretrain_noise(net, n_examples=64, batch_size=16)
