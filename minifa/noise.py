"""The random-noise inputs of Algorithm 1: x ~ N(0, I), labels uniform and independent of x.

Noise(dist, ...) also gives the input variants of Fig. 1f: other means and standard
deviations of the Gaussian, or uniform noise on [low, high). NoiseStream serves the batches
of a whole pretraining run.
"""
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import KW_ONLY, dataclass

from . import backend, checks


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
        n = math.prod(one)
        gauss = self.dist == "gaussian"
        U = xp.empty((n_batches or 1, 2 * ((n + 1) // 2) if gauss else n), dtype=backend.dtype)
        y = []
        for t in range(len(U)):                    # batch by batch, in the order of single calls
            rng.random(U[t].shape, dtype=backend.dtype, out=U[t])   # size given: CuPy draws ONE value without it
            y.append(rng.integers(0, n_classes, size=one[:-1]))
        if gauss:
            x = box_muller(U, n)
            if self.std != 1.0 or self.mean != 0.0:
                x = x * self.std + self.mean
        else:
            x = U * (self.high - self.low) + self.low
        x, y = x.reshape((len(U),) + one), xp.stack(y)
        return (x, y) if n_batches is not None else (x[0], y[0])

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
    02, twice its run time); a few large arrays per chunk do not."""

    def __init__(self, noise, rng, n_examples, batch_size, dim, n_classes):
        self.noise, self.rngs, self.shape = noise, rng, (batch_size, dim, n_classes)
        per_batch = batch_size * dim * (len(rng) if isinstance(rng, list) else 1)
        self.chunk = max(1, min(64, (1 << 22) // per_batch))        # <= 16 MB of float32 a chunk
        self.n_full, self.last = divmod(n_examples, batch_size)

    def _draw(self, n_batches, batch_size=None):
        full, dim, n_classes = self.shape
        if not isinstance(self.rngs, list):                        # shared: (T, batch, dim)
            return self.noise.sample(self.rngs, batch_size or full, dim, n_classes, n_batches=n_batches)
        xs, ys = zip(*(self.noise.sample(r, batch_size or full, dim, n_classes, n_batches=n_batches)
                       for r in self.rngs))                         # each network its own batch
        return backend.xp.stack(xs, axis=1), backend.xp.stack(ys, axis=1)   # (T, K, batch, dim)

    def __len__(self):
        return self.n_full + (self.last > 0)

    def __iter__(self):
        sizes = [min(self.chunk, self.n_full - i) for i in range(0, self.n_full, self.chunk)]
        threaded = backend.device == "cpu" and len(sizes) > 1
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
