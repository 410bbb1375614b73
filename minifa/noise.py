"""The random-noise inputs of Algorithm 1: x ~ N(0, I), labels uniform and independent of x.

Noise(dist, ...) also gives the input variants of Fig. 1f: other means and standard
deviations of the Gaussian, or uniform noise on [low, high).
"""
import math
from dataclasses import dataclass

from . import backend


def box_muller(u, n):
    """N(0, 1) samples by the Box-Muller transform of uniforms u (..., 2h), exact in
    distribution: the first h give radii, the last h angles; the first n results along the
    last axis are kept.

    Why not rng.standard_normal: on a CPU NumPy's ziggurat costs ~8 ns a sample, while
    two uniforms, a log, a sqrt, a cos and a sin cost ~2.5 ns; noise sampling is the
    largest cost of Algorithm 1. Uniforms are float32-grained, so |x| <= 5.8 (the
    normal puts 1e-8 of its mass beyond that).
    """
    xp = backend.xp
    h = u.shape[-1] // 2
    r = xp.sqrt(-2.0 * xp.log1p(-u[..., :h]))      # radius; 1 - u in (0, 1]: log is finite
    theta = (2 * math.pi) * u[..., h:]             # angle
    return xp.concatenate([r * xp.cos(theta), r * xp.sin(theta)], axis=-1)[..., :n]


@dataclass
class Noise:
    dist: str = "gaussian"   # 'gaussian' or 'uniform'
    mean: float = 0.0        # gaussian
    std: float = 1.0         # gaussian
    low: float = -1.0        # uniform
    high: float = 1.0        # uniform

    def __post_init__(self):
        if self.dist not in ("gaussian", "uniform"):
            raise ValueError(f"dist must be 'gaussian' or 'uniform', got {self.dist!r}")
        if self.std <= 0 or self.high <= self.low:
            raise ValueError("noise needs std > 0 and high > low")

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
            rng.random(U[t].shape, dtype=backend.dtype, out=U[t])   # size given: CuPy draws one value without it
            y.append(rng.integers(0, n_classes, size=one[:-1]))
        if gauss:
            x = box_muller(U, n)
            if self.std != 1.0 or self.mean != 0.0:
                x = x * self.std + self.mean
        else:
            x = U * (self.high - self.low) + self.low
        x, y = x.reshape((len(U),) + one), xp.stack(y)
        return (x, y) if n_batches is not None else (x[0], y[0])

    def label(self):
        if self.dist == "gaussian":
            return f"N({self.mean:g}, {self.std:g}^2)"
        return f"U({self.low:g}, {self.high:g})"
