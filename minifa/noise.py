"""The random-noise inputs of Algorithm 1: x ~ N(0, I), labels uniform and independent of x.

Noise(dist, ...) also gives the input variants of Fig. 1f: other means and standard
deviations of the Gaussian, or uniform noise on [low, high). NoiseStream serves the batches
of a whole pretraining run.
"""
import math
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import KW_ONLY, dataclass

from . import backend, checks, kernels
from .threads import noise_thread


def box_muller(u, n):
    """N(0, 1) samples by the Box-Muller transform of uniforms u (..., 2k), exact in
    distribution: the first k give radii, the last k angles; the first n results along the
    last axis are kept.

    Why not rng.standard_normal: on a CPU NumPy's ziggurat costs ~8 ns a sample, while
    two uniforms, a log, a sqrt, a cos and a sin cost ~2.5 ns; noise sampling is the
    largest cost of Algorithm 1. Uniforms are float32-grained, so |x| <= 5.8 (the
    normal puts 1e-8 of its mass beyond that).
    """
    xp = backend.xp
    k = u.shape[-1] // 2
    r = xp.sqrt(-2.0 * xp.log1p(-u[..., :k]))      # radius; 1 - u in (0, 1]: log is finite
    phi = (2 * math.pi) * u[..., k:]               # angle
    return xp.concatenate([r * xp.cos(phi), r * xp.sin(phi)], axis=-1)[..., :n]


def box_muller_into(u, out, r, phi):
    """box_muller(u, out.shape[-1]) written into `out` through scratch arrays r and phi
    (u.shape[:-1] + (k,)): the same operations in the same order, so the same numbers.

    Why: each new array of a noise batch's size is fresh memory; making a dozen of them per
    batch, as box_muller does, cost more page faults and cache misses than the arithmetic."""
    xp = backend.xp
    k, n = u.shape[-1] // 2, out.shape[-1]
    xp.negative(u[..., :k], out=r)
    xp.log1p(r, out=r)
    xp.multiply(r, -2.0, out=r)
    xp.sqrt(r, out=r)                              # radius r = sqrt(-2 log(1 - u))
    xp.multiply(u[..., k:], 2 * math.pi, out=phi)  # angle
    xp.cos(phi, out=out[..., :k])
    out[..., :k] *= r                              # r cos(phi)
    if n - k == k:                                 # n even: every r sin(phi) is kept
        xp.sin(phi, out=out[..., k:])
        out[..., k:] *= r                          # r sin(phi)
    else:
        xp.sin(phi, out=phi)
        phi *= r
        out[..., k:] = phi[..., :n - k]


_RAW = {}   # bit generator type -> whether its raw outputs give Generator.random's numbers (checked once)


def _raw_matches(kind):
    """Whether uniforms built from kind's raw 64-bit outputs equal numpy's Generator.random
    (float64: (raw >> 11) 2^-53; float32: each raw output is two 32-bit draws, low half first,
    (u32 >> 8) 2^-24): checked once per bit generator type on two fresh generators."""
    if kind not in _RAW:
        import numpy
        a, b = numpy.random.Generator(kind(12345)), numpy.random.Generator(kind(12345))
        want = [a.random(6, dtype=numpy.float32), a.random(5), a.random(6, dtype=numpy.float32)]
        got = [numpy.empty(6, numpy.float32), numpy.empty(5), numpy.empty(6, numpy.float32)]
        for out in got:
            _from_raw(b, out)
        _RAW[kind] = all(numpy.array_equal(w, g) for w, g in zip(want, got)) and a.random() == b.random()
    return _RAW[kind]


def _from_raw(rng, out):
    import numpy
    bits = rng.bit_generator
    if out.dtype == numpy.float32:
        u = bits.random_raw(out.size // 2).view(numpy.uint32)   # little-endian: low half first
        numpy.right_shift(u, 8, out=u)
        out.reshape(-1)[...] = u
        out *= 2.0 ** -24
    else:
        u = bits.random_raw(out.size)
        numpy.right_shift(u, 11, out=u)
        out.reshape(-1)[...] = u
        out *= 2.0 ** -53


def uniform_into(rng, out):
    """rng.random(out.shape, dtype=out.dtype, out=out): out filled with U[0, 1), and rng left
    in the same state as that call leaves it.

    Why: on a CPU numpy's Generator.random makes one function call per number; the same
    numbers come from its bit generator's raw 64-bit outputs in one call (_from_raw), ~25%
    faster. Used where that is exact: numpy's Generator on a CPU, float32 (an even count,
    no half-used 32-bit draw pending) or float64, a bit generator whose raw outputs were
    checked against Generator.random once (_raw_matches); otherwise rng.random itself."""
    if _raw_exact(rng, out):
        _from_raw(rng, out)
    else:
        rng.random(out.shape, dtype=out.dtype, out=out)   # size given: CuPy draws ONE value without it


def _raw_exact(rng, out):
    """Whether _from_raw(rng, out) gives rng.random's numbers (uniform_into says when)."""
    import numpy
    return (backend.device == "cpu" and isinstance(rng, numpy.random.Generator) and out.flags.c_contiguous
            and (out.dtype == numpy.float64 or (out.dtype == numpy.float32 and out.size % 2 == 0 and sys.byteorder
                                                == "little" and rng.bit_generator.state.get("has_uint32") == 0))
            and _raw_matches(type(rng.bit_generator)))


@dataclass
class Noise:
    dist: str = "gaussian"   # 'gaussian' or 'uniform'
    _: KW_ONLY               # the rest by name only: Noise("uniform", low=0, high=1)
    mean: float = 0.0        # gaussian
    std: float = 1.0         # gaussian
    low: float = -1.0        # uniform
    high: float = 1.0        # uniform

    def __post_init__(self):
        if self.dist not in ("gaussian", "uniform"):
            raise ValueError(f"dist must be 'gaussian' or 'uniform', got {self.dist!r}")
        for name in ("mean", "std", "low", "high"):
            checks.finite(name, getattr(self, name))
        if self.std <= 0:
            raise ValueError(f"noise needs std > 0, got std={self.std!r}")
        if self.high <= self.low:
            raise ValueError(f"noise needs high > low, got low={self.low!r}, high={self.high!r}")

    def sample(self, rng, batch_size, dim, n_classes, n_nets=None, n_batches=None):
        """Noise batches: x (batch, dim) and labels y (batch,) uniform over 0..n_classes-1,
        drawn independently of x (Algorithm 1). n_nets=K: an own batch per network,
        (K, batch, dim); n_batches=T: T batches at once, (T, ...), equal to T calls in a
        row (each batch's uniforms, then its labels), so batching changes no result."""
        xp = backend.xp
        one = ((n_nets,) if n_nets is not None else ()) + (batch_size, dim)   # one batch
        x = xp.empty((n_batches or 1,) + one, dtype=backend.dtype)
        y = xp.empty((n_batches or 1,) + one[:-1], dtype=xp.int64)
        self.fill(rng, x, y, n_classes)
        return (x, y) if n_batches is not None else (x[0], y[0])

    def fill(self, rng, x, y, n_classes, scratch=None):
        """Draw len(x) batches in a row into x (T, ..., dim) and y (T, ...): batch t's
        uniforms, then its labels, then batch t + 1's. scratch: a dict this may keep work
        arrays in between calls (one caller at a time).

        On a CPU batch by batch, in place (box_muller_into); on a GPU all T batches' uniforms
        first and one box_muller over them (fewer kernel launches): the same numbers."""
        xp, T, n = backend.xp, len(x), math.prod(x.shape[1:])
        gauss = self.dist == "gaussian"
        m = 2 * ((n + 1) // 2) if gauss else n      # uniforms per batch: Box-Muller uses them in pairs
        if backend.device != "cpu":
            U = xp.empty((T, m), dtype=x.dtype)
            for t in range(T):                      # batch by batch, in the order of single calls
                uniform_into(rng, U[t])
                y[t] = rng.integers(0, n_classes, size=y.shape[1:])
            x[...] = self._transform(box_muller(U, n) if gauss else U).reshape(x.shape)
            return
        scratch = {} if scratch is None else scratch
        if scratch.get("m") != (m, x.dtype):
            scratch.update(m=(m, x.dtype), U=xp.empty(m, x.dtype), r=xp.empty(m // 2, x.dtype),
                           phi=xp.empty(m // 2, x.dtype), out=xp.empty(n, x.dtype))
        import numpy
        U, fused = scratch["U"], gauss and m == n and x.dtype == numpy.float32 and kernels.fused()
        for t in range(T):
            into = x[t].reshape(-1) if x[t].flags.c_contiguous else scratch["out"]   # a view of x, or scratch
            if fused and _raw_exact(rng, U):        # fast path: the same numbers in fewer passes (kernels.py)
                u32 = rng.bit_generator.random_raw(m // 2).view(numpy.uint32)   # uniform_into's draws
                y[t] = rng.integers(0, n_classes, size=y.shape[1:])
                kernels.box_muller(u32, into, scratch["r"], scratch["phi"])
            else:                                   # manual implementation: uniforms, labels, Box-Muller
                uniform_into(rng, U)
                y[t] = rng.integers(0, n_classes, size=y.shape[1:])
                if gauss:
                    box_muller_into(U, into, scratch["r"], scratch["phi"])
                else:
                    into[...] = U
            self._transform(into, in_place=True)
            if into is scratch["out"]:
                x[t] = into.reshape(x.shape[1:])

    def _transform(self, z, in_place=False):
        """Standard noise (N(0, 1) or U(0, 1)) to this noise: x = z std + mean (gaussian),
        x = z (high - low) + low (uniform)."""
        scale, shift = (self.std, self.mean) if self.dist == "gaussian" else (self.high - self.low, self.low)
        if self.dist == "gaussian" and scale == 1.0 and shift == 0.0:
            return z
        if not in_place:
            return z * scale + shift
        z *= scale
        z += shift
        return z

    def __str__(self):
        if self.dist == "gaussian":
            return f"N({self.mean:g}, {self.std:g}^2)"
        return f"U({self.low:g}, {self.high:g})"


class NoiseStream:
    """The noise batches of Algorithm 1, drawn `chunk` batches at a time.

    rng: one generator, whose batches (batch, dim) all stacked networks share; or a list of K
    generators, one per network, each drawing that network's own batches: (K, batch, dim).
    On the CPU a helper thread draws the next chunk while the network trains on this one
    (NumPy releases the GIL while it fills arrays), so sampling hides behind the matrix
    products. Each generator draws in order, and Noise.sample(n_batches=T) equals T single
    draws: the stream is deterministic and does not depend on the chunk.
    Why whole chunks and not one batch at a time: the helper thread's many small temporary
    arrays made glibc return and re-fault memory pages (9 million page faults in tutorial
    02, twice its run time); a few large arrays per chunk do not, and Noise.fill reuses its
    work arrays (self.scratch) from chunk to chunk."""

    def __init__(self, noise, rng, n_examples, batch_size, dim, n_classes):
        self.noise, self.rngs, self.shape = noise, rng, (batch_size, dim, n_classes)
        per_batch = batch_size * dim * (len(rng) if isinstance(rng, list) else 1)
        self.chunk = max(1, min(64, (1 << 22) // per_batch))        # <= 16 MB of float32 a chunk
        self.n_full, self.last = divmod(n_examples, batch_size)
        self.scratch = {}                 # Noise.fill's work arrays; one draw runs at a time

    def _draw(self, n_batches, batch_size=None):
        """The next n_batches batches, new arrays: x (T, batch, dim) shared, (T, K, batch, dim)
        one per network; y likewise without dim."""
        full, dim, n_classes = self.shape
        xp, per_net = backend.xp, isinstance(self.rngs, list)
        lead = (n_batches,) + ((len(self.rngs),) if per_net else ()) + (batch_size or full,)
        x, y = xp.empty(lead + (dim,), dtype=backend.dtype), xp.empty(lead, dtype=xp.int64)
        for k, r in enumerate(self.rngs if per_net else [self.rngs]):   # each network its own batches
            self.noise.fill(r, x[:, k] if per_net else x, y[:, k] if per_net else y, n_classes, self.scratch)
        return x, y

    def __len__(self):
        return self.n_full + (self.last > 0)

    def __iter__(self):
        sizes = [min(self.chunk, self.n_full - i) for i in range(0, self.n_full, self.chunk)]
        threaded = backend.device == "cpu" and len(sizes) > 1 and noise_thread()
        with ThreadPoolExecutor(max_workers=1) as pool:
            draw = (lambda n: pool.submit(self._draw, n)) if threaded else self._draw
            nxt = draw(sizes[0]) if sizes else None
            for i in range(len(sizes)):
                x, y = nxt.result() if threaded else nxt
                nxt = draw(sizes[i + 1]) if i + 1 < len(sizes) else None
                yield from zip(x, y)
        if self.last:                                               # the smaller final batch
            x, y = self._draw(1, self.last)
            yield x[0], y[0]
