"""The fused Adam loop (kernels.adam, Numba) gives the bits of optim.Adam._update's NumPy passes:
on random values across magnitudes, in float32 and float64, and on real training (noise and data)."""
import numpy as np
import pytest

from minifa import MLP, Adam, backend, kernels, pretrain_noise, train

numba = pytest.importorskip("numba", reason="the fused Adam needs Numba (pip install -e '.[fast]'; CI installs it)")


@pytest.fixture(autouse=True)
def cpu():
    """NumPy in float32 for each test (the fused loop is CPU-only), the previous device restored after."""
    saved = {k: vars(backend).get(k) for k in ("xp", "device", "dtype")}
    backend.set_device("cpu")
    backend.set_dtype("float32")
    yield
    for k, v in saved.items():
        if v is None:
            vars(backend).pop(k, None)
        else:
            setattr(backend, k, v)


def _steps(fused, monkeypatch, dtype, seed=0, n_steps=30):
    """theta, m, v after n_steps Adam steps on random gradients of mixed magnitude (1e-9 .. 1e3, zeros)."""
    monkeypatch.setenv("MINIFA_FUSED", "1" if fused else "0")
    rng = np.random.default_rng(seed)
    shapes = [(100, 784), (10, 100), (100,), (10,)]
    theta = rng.standard_normal(sum(int(np.prod(s)) for s in shapes)).astype(dtype)
    opt = Adam(lr=1e-3)
    for _ in range(n_steps):
        grads = [(rng.standard_normal(s) * 10.0 ** rng.integers(-9, 4, size=s)).astype(dtype) for s in shapes]
        grads[2][:7] = 0                                  # zero gradients: v can reach 0 only through eps
        opt.step(theta, grads)
    return theta, opt.m, opt.v


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_adam_equals_numpy_passes_bit_for_bit(monkeypatch, dtype):
    fused = _steps(True, monkeypatch, dtype)
    plain = _steps(False, monkeypatch, dtype)
    for a, b, name in zip(fused, plain, ("theta", "m", "v")):
        assert a.dtype == dtype
        assert np.array_equal(a, b), f"{name}: {np.count_nonzero(a != b)} elements differ"
    assert not np.array_equal(fused[0], _steps(True, monkeypatch, dtype, seed=1)[0])   # the steps did something


def test_fused_adam_matches_equation_form_and_reads_each_constant_in_the_dtype():
    # one step from zero moments: theta - lr g / (|g| + eps) in float32 arithmetic, constants cast first
    theta, g = np.array([1.0, -2.0, 0.5], np.float32), np.array([0.5, -4.0, 1e-3], np.float32)
    m, v = np.zeros(3, np.float32), np.zeros(3, np.float32)
    kernels.adam(theta, g, m, v, 0.9, 0.999, 1e-8, 0.1, 1 - 0.9, 1 - 0.999)
    f = np.float32
    m_want = np.zeros(3, f) * f(0.9) + g * f(1 - 0.9)
    v_want = np.zeros(3, f) * f(0.999) + (g * g) * f(1 - 0.999)
    s = (np.sqrt(v_want) * f((1 - 0.999) ** -0.5) + f(1e-8))
    want = np.array([1.0, -2.0, 0.5], f) - (m_want / s) * f(0.1 / (1 - 0.9))
    assert np.array_equal(m, m_want) and np.array_equal(v, v_want) and np.array_equal(theta, want)


@pytest.mark.parametrize("rule", ["fa", "bp", "kp"])
def test_training_with_the_fused_adam_is_bit_identical(monkeypatch, rule):
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((300, 20)).astype(np.float32), rng.integers(0, 4, 300)
    out = {}
    for fused in ("1", "0"):
        monkeypatch.setenv("MINIFA_FUSED", fused)
        net = MLP([20, 16, 8, 4], rule=rule, seed=[5, 6, 7])
        pretrain_noise(net, n_examples=64 * 12 + 10, quiet=True, log_every=5)
        hist = train(net, X, y, epochs=3, quiet=True)
        out[fused] = (net.theta.copy(), [a.copy() for a in net.B], hist["train_loss"])
    assert np.array_equal(out["1"][0], out["0"][0])
    assert all(np.array_equal(a, b) for a, b in zip(out["1"][1], out["0"][1]))
    assert out["1"][2] == out["0"][2]


def test_minifa_fused_flag(monkeypatch):
    monkeypatch.setenv("MINIFA_FUSED", "yes")
    with pytest.raises(ValueError, match="MINIFA_FUSED must be 0 or 1"):
        kernels.fused()
    monkeypatch.setenv("MINIFA_FUSED", "0")
    assert kernels.fused() is False
    monkeypatch.delenv("MINIFA_FUSED")
    assert kernels.fused() is True                       # Numba is installed here (importorskip above)
    monkeypatch.setitem(kernels._KERNELS, "numba", None)  # as if it were not
    assert kernels.fused() is False
    monkeypatch.setenv("MINIFA_FUSED", "1")
    with pytest.raises(RuntimeError, match=r"pip install -e '.\[fast\]'"):
        kernels.fused()


def test_adam_step_calls_the_fused_loop_on_every_gradient_array_whole(monkeypatch):
    calls = []
    real = kernels.adam
    monkeypatch.setattr(kernels, "adam", lambda theta, g, *a: calls.append((theta.size, g.size)) or real(theta, g, *a))
    monkeypatch.setenv("MINIFA_FUSED", "1")
    net = MLP([784, 100, 10], seed=0)
    Adam().step(net.theta, [np.ones_like(a) for a in list(net.W) + list(net.b)])
    assert calls == [(78400, 78400), (1000, 1000), (100, 100), (10, 10)]   # one call per array, not CHUNK pieces
    calls.clear()
    monkeypatch.setenv("MINIFA_FUSED", "0")
    Adam().step(net.theta, [np.ones_like(a) for a in list(net.W) + list(net.b)])
    assert calls == []


def test_gradients_of_another_dtype_take_the_numpy_passes(monkeypatch):
    # float64 gradients on float32 parameters: NumPy computes g (1 - b1) in float64 before rounding,
    # which the float32 loop would not; Adam.step then runs _update, so the bits stay the reference's
    out = []
    for fused in ("1", "0"):
        monkeypatch.setenv("MINIFA_FUSED", fused)
        rng = np.random.default_rng(2)
        theta, opt = rng.standard_normal(1000).astype(np.float32), Adam(lr=1e-3)
        for _ in range(20):
            opt.step(theta, rng.standard_normal(1000) * 10.0 ** rng.integers(-6, 3, 1000))   # float64
        out.append(theta)
    assert np.array_equal(*out)


def test_numpy_scalar_hyperparameters_are_read_as_python_floats(monkeypatch):
    # an np.float64 beta would make NumPy's passes compute in float64 (a strong scalar, NEP 50) while
    # the loop casts it to float32 first: Adam reads every hyperparameter as a Python float
    out = []
    for fused in ("1", "0"):
        monkeypatch.setenv("MINIFA_FUSED", fused)
        rng = np.random.default_rng(4)
        theta = rng.standard_normal(1000).astype(np.float32)
        opt = Adam(lr=np.float64(1e-3), beta1=np.float64(0.8), beta2=np.float64(0.99), eps=np.float64(1e-7))
        for _ in range(20):
            opt.step(theta, (rng.standard_normal(1000) * 10.0 ** rng.integers(-6, 3, 1000)).astype(np.float32))
        out.append(theta)
    assert np.array_equal(*out)


def test_a_read_only_install_compiles_without_the_disk_cache(monkeypatch):
    # Numba raises RuntimeError ("cannot cache ... no locator available") when no cache folder is
    # writable; kernels._compile then compiles without caching instead of failing every step
    real = numba.njit

    def njit(**options):
        if options.get("cache"):
            raise RuntimeError("cannot cache function '_adam_loop': no locator available for file")
        return real(**options)
    monkeypatch.setattr(numba, "njit", njit)
    monkeypatch.delitem(kernels._KERNELS, "adam", raising=False)
    theta, g = np.ones(5, np.float32), np.full(5, 0.5, np.float32)
    kernels.adam(theta, g, np.zeros(5, np.float32), np.zeros(5, np.float32), 0.9, 0.999, 1e-8, 0.1, 0.1, 0.001)
    assert np.allclose(theta, 1 - 0.1)                     # the first step moves lr * sign(g)
    monkeypatch.delitem(kernels._KERNELS, "adam")           # the next test compiles (and caches) again


def _noise(fused, monkeypatch, seed, odd_draw=False, **shape):
    """Three noise batches (Noise.sample) from a fresh generator; odd_draw: one 32-bit draw first, so
    that half of a 64-bit output waits (has_uint32 = 1): the raw outputs then are not rng.random's."""
    from minifa.noise import Noise
    monkeypatch.setenv("MINIFA_FUSED", "1" if fused else "0")
    rng = np.random.default_rng([seed, 7])
    if odd_draw:
        rng.random(dtype=np.float32)
    x, y = Noise().sample(rng, shape.get("batch", 64), shape.get("dim", 784), 10, n_nets=shape.get("nets"),
                          n_batches=3)
    return x, y, rng.bit_generator.state


@pytest.mark.parametrize("shape", [{}, {"nets": 3}, {"dim": 3072, "batch": 8}, {"dim": 7, "batch": 3}])
@pytest.mark.parametrize("odd_draw", [False, True])
def test_fused_noise_equals_numpy_passes_bit_for_bit(monkeypatch, shape, odd_draw):
    """kernels.box_muller (the uniforms and Box-Muller's passes around NumPy's log1p, cos, sin) draws the
    very numbers of uniform_into + box_muller_into, leaves the generator where they leave it, and is the
    path taken wherever the raw draws are rng.random's (an odd count or a waiting half: NumPy's passes)."""
    calls, real = [], kernels.box_muller
    monkeypatch.setattr(kernels, "box_muller", lambda *a: (calls.append(1), real(*a)))
    for seed in range(3):
        (x0, y0, s0), (x1, y1, s1) = (_noise(f, monkeypatch, seed, odd_draw, **shape) for f in (False, 1))
        assert np.array_equal(x0, x1) and np.array_equal(y0, y1) and s0 == s1
    if shape.get("dim", 784) * shape.get("batch", 64) % 2:
        assert not calls                                  # an odd count: NumPy's passes
    elif not odd_draw:
        assert calls
