"""Adam and SGD against hand-computed steps and against Adam's equations; the noise sampler
of Algorithm 1 and its stream."""
import math
import os

import numpy as np
import pytest

from minifa import SGD, Adam, Noise, backend


def test_adam_constant_gradient_moves_lr_per_step(device):
    # with a constant gradient the bias-corrected moments are exactly g and g^2,
    # so every Adam step is lr * g / (|g| + eps): almost lr * sign(g)
    p = device.asarray([1.0, -2.0, 0.5])
    g = device.asarray([0.5, -4.0, 1e-3])
    opt = Adam(lr=0.1)
    for _ in range(3):
        opt.step(p, g)
    expect = np.array([1.0, -2.0, 0.5]) - 3 * 0.1 * np.array([0.5, -4.0, 1e-3]) / (np.abs([0.5, 4.0, 1e-3]) + 1e-8)
    np.testing.assert_allclose(backend.to_host(p), expect, rtol=1e-12)


def test_adam_matches_hand_computed_sequence(device):
    grads = [0.3, -1.2, 0.7, 2.0]
    lr, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    theta, m, v = 0.25, 0.0, 0.0
    expected = []
    for t, g in enumerate(grads, start=1):  # Kingma & Ba, Algorithm 1, in scalars
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        theta -= lr * (m / (1 - b1 ** t)) / (math.sqrt(v / (1 - b2 ** t)) + eps)
        expected.append(theta)
    p = device.asarray([0.25])
    opt = Adam(lr=lr)
    for g, want in zip(grads, expected):
        opt.step(p, device.asarray([g]))
        assert float(p[0]) == pytest.approx(want, rel=1e-12)
    # first step by hand: m_hat = g, v_hat = g^2 -> 0.25 - 0.01 * sign(0.3)
    assert expected[0] == pytest.approx(0.24, abs=1e-9)


def test_sgd_step(device):
    p = device.asarray([1.0, 2.0])
    SGD(lr=0.5).step(p, device.asarray([2.0, -2.0]))
    np.testing.assert_allclose(backend.to_host(p), [0.0, 3.0])


def test_noise_sampler_statistics_and_independence(device):
    rng = backend.rng(0)
    x, y = Noise().sample(rng, 20_000, 50, 10)
    x, y = backend.to_host(x), backend.to_host(y)
    assert x.shape == (20_000, 50) and y.shape == (20_000,)
    assert abs(x.mean()) < 0.01 and abs(x.std() - 1) < 0.01
    counts = np.bincount(y, minlength=10)
    assert counts.min() > 1800 and counts.max() < 2200 and y.min() == 0 and y.max() == 9
    # labels carry no information about x: class means of x are all ~0
    class_means = np.array([x[y == c].mean() for c in range(10)])
    assert np.abs(class_means).max() < 0.01


def test_noise_variants_and_stacking(device):
    rng = backend.rng(1)
    x, _ = Noise(mean=0.5, std=2.0).sample(rng, 10_000, 20, 10)
    assert backend.to_host(x).mean() == pytest.approx(0.5, abs=0.05)
    assert backend.to_host(x).std() == pytest.approx(2.0, rel=0.02)
    x, y = Noise(dist="uniform", low=0.0, high=1.0).sample(rng, 1000, 20, 3, n_nets=4)
    x = backend.to_host(x)
    assert x.shape == (4, 1000, 20) and y.shape == (4, 1000)
    assert x.min() >= 0.0 and x.max() < 1.0 and x.mean() == pytest.approx(0.5, abs=0.01)
    # each stacked network gets its own batch
    assert not np.allclose(x[0], x[1])
    with pytest.raises(ValueError, match="dist must be"):
        Noise(dist="poisson")
    with pytest.raises(ValueError, match="std > 0"):
        Noise(std=0.0)


def test_in_place_adam_equals_adam_equations(device):
    """optim.Adam (in place, one scratch buffer) against optim.adam_equations (Kingma & Ba as
    written): the same arithmetic up to the order of a few float64 operations."""
    from minifa.optim import adam_equations
    rng = np.random.default_rng(0)
    theta = device.asarray(rng.standard_normal(50))
    ref, m, v = theta.copy(), device.zeros(50), device.zeros(50)
    opt = Adam(lr=0.01)
    for t in range(1, 8):
        g = device.asarray(rng.standard_normal(50))
        opt.step(theta, g)
        ref, m, v = adam_equations(ref, g, m, v, t, lr=0.01)
        np.testing.assert_allclose(backend.to_host(theta), backend.to_host(ref), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(backend.to_host(opt.m), backend.to_host(m), rtol=1e-13)


def test_params_are_views_of_one_flat_buffer_that_adam_trains(device):
    from minifa import MLP, step
    from minifa.fast import flat_views
    rng = np.random.default_rng(0)
    arrays = [device.asarray(rng.standard_normal(s)) for s in [(3, 4), (2, 3, 4), (5,)]]
    theta, views = flat_views(arrays)
    assert theta.shape == (12 + 24 + 5,)
    views[1][...] = 7.0                                  # writing a view writes the buffer
    assert backend.to_host(theta)[12:36].min() == 7.0
    net = MLP([4, 3, 2], seed=0)
    before = [backend.to_host(a).copy() for a in net.W + net.b]
    step(net, Adam(0.1), device.asarray(rng.standard_normal((5, 4))), device.asarray([0, 1, 1, 0, 1]))
    for a, b in zip(before, net.W + net.b):              # every W and b moved: all are in theta
        assert not np.array_equal(a, backend.to_host(b))


def test_adam_on_gradient_pieces_and_in_cache_chunks_is_adam_on_one_array(device, monkeypatch):
    """Adam.step takes the gradients as the list of arrays that tile theta (no flat copy) and,
    on a CPU, works through them in chunks: the same arithmetic per element, so bit for bit
    the same numbers as one pass over one flat gradient."""
    from minifa import optim
    rng = np.random.default_rng(1)
    shapes = [(5, 7), (3,), (11, 2)]
    theta0 = rng.standard_normal(35 + 3 + 22)
    runs = []
    for chunk, pieces in ((1 << 30, False), (1 << 30, True), (4, True), (9, True)):
        monkeypatch.setattr(optim, "CHUNK", chunk)
        theta, opt, g_rng = device.asarray(theta0), Adam(lr=0.01), np.random.default_rng(2)
        for _ in range(4):
            gs = [device.asarray(g_rng.standard_normal(s)) for s in shapes]
            opt.step(theta, gs if pieces else device.concatenate([g.ravel() for g in gs]))
        runs.append(backend.to_host(theta))
    for r in runs[1:]:
        np.testing.assert_array_equal(r, runs[0])
    with pytest.raises(ValueError, match="gradients hold 5 values for 60 parameters"):
        Adam().step(device.asarray(theta0), [device.zeros(5)])


def test_gaussian_sampler_is_standard_normal(device):
    from scipy import stats

    z = backend.to_host(Noise().sample(backend.rng(3), 101, 99, 10)[0]).ravel()   # odd size on purpose
    assert z.shape == (9999,) and np.isfinite(z).all()
    assert stats.kstest(z, "norm").pvalue > 0.01
    z = backend.to_host(Noise().sample(backend.rng(4), 400, 1000, 10)[0]).ravel()
    assert abs(z.mean()) < 0.005 and abs(z.std() - 1) < 0.005 and abs(stats.kurtosis(z)) < 0.03


def test_noise_stream_is_deterministic_and_complete(device):
    from minifa.noise import NoiseStream
    runs = []
    for _ in range(2):
        s = NoiseStream(Noise(), backend.rng(5), 1000, 64, 30, 10)
        s.chunk = 4                                    # several chunks: the thread is used on CPU
        runs.append([(backend.to_host(x), backend.to_host(y)) for x, y in s])
    sizes = [len(y) for _, y in runs[0]]
    assert sizes == [64] * 15 + [40]
    for (x1, y1), (x2, y2) in zip(*runs):
        assert np.array_equal(x1, x2) and np.array_equal(y1, y2)
    assert not np.array_equal(runs[0][0][0], runs[0][1][0])   # fresh noise every batch
    rng = backend.rng(5)                               # = one noise.sample per batch, in order:
    for k, (x, y) in enumerate(runs[0]):               # the chunk size changes no result
        xs, ys = Noise().sample(rng, sizes[k], 30, 10)
        assert np.array_equal(x, backend.to_host(xs)) and np.array_equal(y, backend.to_host(ys))


@pytest.mark.parametrize("noise", [Noise(), Noise(std=2.0, mean=1.0), Noise(dist="uniform")])
def test_noise_in_batches_equals_single_draws(device, noise):
    xs, ys = noise.sample(backend.rng(7), 16, 33, 10, n_nets=2, n_batches=3)   # odd sizes
    assert xs.shape == (3, 2, 16, 33) and ys.shape == (3, 2, 16)
    rng = backend.rng(7)
    for t in range(3):
        x, y = noise.sample(rng, 16, 33, 10, n_nets=2)
        assert np.array_equal(backend.to_host(xs[t]), backend.to_host(x))
        assert np.array_equal(backend.to_host(ys[t]), backend.to_host(y))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_uniforms_from_raw_bits_equal_generator_random(dtype):
    """noise.uniform_into (the CPU fast path) gives Generator.random's numbers and leaves the
    generator where Generator.random leaves it: after label draws, for odd sizes (float32 falls
    back), for every numpy bit generator (MT19937 has no 32-bit buffer: falls back)."""
    from minifa.noise import uniform_into
    backend.set_device("cpu")
    for kind in (np.random.PCG64, np.random.PCG64DXSM, np.random.SFC64, np.random.Philox, np.random.MT19937):
        a, b = np.random.Generator(kind(7)), np.random.Generator(kind(7))
        for size in (64 * 33, 17, 1, 2 * 9999):
            want = a.random(size, dtype=dtype)
            got = np.empty(size, dtype)
            uniform_into(b, got)
            np.testing.assert_array_equal(got, want)
            np.testing.assert_array_equal(a.integers(0, 10, size=5), b.integers(0, 10, size=5))
        np.testing.assert_array_equal(a.random(3, dtype=dtype), b.random(3, dtype=dtype))   # the same state after
        np.testing.assert_array_equal(a.bit_generator.random_raw(3), b.bit_generator.random_raw(3))


@pytest.mark.parametrize("n", [784 * 64, 99 * 101])      # even, and odd (the last sine is dropped)
def test_box_muller_in_place_equals_the_equations(device, n):
    from minifa.noise import box_muller, box_muller_into
    m = 2 * ((n + 1) // 2)
    u = backend.rng(3).random((2, m), dtype=backend.dtype)
    out, r, phi = device.empty((2, n)), device.empty((2, m // 2)), device.empty((2, m // 2))
    box_muller_into(u, out, r, phi)
    assert np.array_equal(backend.to_host(out), backend.to_host(box_muller(u, n)))


def test_the_noise_thread_is_a_choice_that_changes_no_number(monkeypatch):
    """MINIFA_NOISE_THREAD=0 draws Algorithm 1's noise in the training loop, =1 on a helper thread
    (threads.noise_thread): the same batches either way; another value is refused by name; the
    reproduction's workers draw in the loop when its jobs leave no core free."""
    from minifa import threads
    from minifa.noise import NoiseStream
    from minifa.reproduce.jobs import child_env
    backend.set_device("cpu")
    runs = {}
    for flag in ("0", "1"):
        monkeypatch.setenv("MINIFA_NOISE_THREAD", flag)
        assert threads.noise_thread() is (flag == "1")
        s = NoiseStream(Noise(), [backend.rng(5), backend.rng(6)], 64 * 9 + 3, 64, 30, 10)
        s.chunk = 2
        runs[flag] = [(x.copy(), y.copy()) for x, y in s]
    assert all(np.array_equal(a, b) for (xa, ya), (xb, yb) in zip(*runs.values()) for a, b in ((xa, xb), (ya, yb)))
    monkeypatch.setenv("MINIFA_NOISE_THREAD", "yes")
    with pytest.raises(ValueError, match="MINIFA_NOISE_THREAD must be 0 or 1"):
        threads.noise_thread()
    monkeypatch.delenv("MINIFA_NOISE_THREAD")
    assert child_env(jobs=os.cpu_count())["MINIFA_NOISE_THREAD"] == "0"
    assert "MINIFA_NOISE_THREAD" not in child_env(jobs=1) or os.cpu_count() == 1
