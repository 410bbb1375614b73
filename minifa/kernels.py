"""Fused CPU loops, compiled by Numba when it is installed (the optional `[fast]` extra).

NumPy runs Adam's update (optim.Adam._update) as 13 passes over the parameters: each
operation a ufunc call that reads and writes whole arrays, at ~140 µs per step of one
784-100-10 network. `adam` runs the same 13 operations in ONE loop, element by element, in
the same order and the same precision (float32 constants, float32 arithmetic): ~42 µs for
one network (~3x), ~26 µs per network for 10 stacked (~5x), on this project's 2-core CPU.
IEEE 754 rounds each +, -, *, / and sqrt correctly, wherever it runs, so each element gets
the same bits as NumPy's passes give it (tests/test_kernels.py checks that on random values
and on real training). Only these five operations: no log, exp, sin or cos, whose compiled
versions may differ from NumPy's in the last bit; no fast-math, so no FMA contraction.
`box_muller` likewise: the noise of Algorithm 1 (noise.box_muller_into's passes and the uniforms
before them) in 3 loops around NumPy's own log1p, cos and sin: the same bits, ~17% faster.

Without Numba, or with MINIFA_FUSED=0, minifa runs the NumPy form: the same numbers, slower.
On a GPU (CuPy) the NumPy form runs as CuPy kernels; this module is CPU-only.
"""
import math
import os

import numpy   # the CPU's array module: these loops are CPU-only

from . import backend

_KERNELS = {}   # name -> the compiled function (compiled on first use: importing Numba costs ~0.3 s)


def available():
    """Whether Numba imports (the [fast] extra)."""
    if "numba" not in _KERNELS:
        try:
            import numba
            _KERNELS["numba"] = numba
        except ImportError:
            _KERNELS["numba"] = None
    return _KERNELS["numba"] is not None


def fused():
    """Whether optim.Adam uses `adam`: on the CPU, with Numba, unless MINIFA_FUSED=0."""
    own = os.environ.get("MINIFA_FUSED")
    if own not in (None, "", "0", "1"):
        raise ValueError(f"MINIFA_FUSED must be 0 or 1, got {own!r}")
    if own == "0" or backend.device != "cpu":
        return False
    if own == "1" and not available():
        raise RuntimeError("MINIFA_FUSED=1 asks for the fused Adam, but Numba is not installed: "
                           "pip install -e '.[fast]' (or unset MINIFA_FUSED)")
    return available()


def _adam_loop(theta, g, m, v, b1, c1, b2, c2, k2, eps, k1):
    """optim.Adam._update's 13 operations for each element i, in its order (one line each there):
        m = m b1 + g c1                 m *= b1;  s = g c1;  m += s
        v = v b2 + (g g) c2             v *= b2;  s = g g;  s *= c2;  v += s
        theta -= m / (sqrt(v) k2 + eps) k1       s = sqrt(v); s *= k2; s += eps; s = m / s; s *= k1; theta -= s
    with c1 = 1 - b1, c2 = 1 - b2, k2 = bc2^-1/2, k1 = lr / bc1, every constant in the arrays' dtype."""
    for i in range(theta.size):
        gi = g[i]
        mi = m[i] * b1 + gi * c1
        vi = v[i] * b2 + (gi * gi) * c2
        m[i] = mi
        v[i] = vi
        theta[i] -= mi / (math.sqrt(vi) * k2 + eps) * k1


def _compile(loop):
    """loop compiled by Numba, its machine code cached on disk (minifa/__pycache__ or Numba's user
    cache) where one is writable: ~0.4 s to load in a new process instead of ~0.6 s to compile.
    On a read-only install Numba refuses to cache ("no locator available"): compiled each time."""
    available()
    jit = _KERNELS["numba"].njit
    try:
        return jit(nogil=True, cache=True, error_model="numpy")(loop)
    except RuntimeError:
        return jit(nogil=True, cache=False, error_model="numpy")(loop)


def adam(theta, g, m, v, beta1, beta2, eps, lr, bc1, bc2):
    """One Adam step on 1-D arrays of one dtype (theta, m, v updated in place), the numbers of
    optim.Adam._update: its Python-float constants become the arrays' dtype first, as NumPy
    casts a Python float meeting a float32 array."""
    if "adam" not in _KERNELS:
        _KERNELS["adam"] = _compile(_adam_loop)
    f = theta.dtype.type
    _KERNELS["adam"](theta, g, m, v, f(beta1), f(1 - beta1), f(beta2), f(1 - beta2), f(bc2 ** -0.5), f(eps),
                     f(lr / bc1))


def _radius_angle_loop(u32, r, phi, scale, two_pi):
    """noise.uniform_into's float32 uniforms u_i = (u32_i >> 8) scale, then box_muller_into's first
    passes on them, for each i (k = r.size):
        r_i = -u_i             (i < k; log1p, NumPy's, follows)      phi_i = u_{k+i} two_pi
    Then, after NumPy's log1p(r): r_i = sqrt(r_i minus_two) (_radius_loop)."""
    k, f32 = r.size, numpy.float32
    for i in range(k):
        r[i] = -(f32(u32[i] >> 8) * scale)
    for i in range(phi.size):
        phi[i] = (f32(u32[k + i] >> 8) * scale) * two_pi


def _radius_loop(r, minus_two):
    for i in range(r.size):
        r[i] = math.sqrt(r[i] * minus_two)


def _scale_loop(out, r):
    """out = [cos(phi) r, sin(phi) r] in place (out holds NumPy's cos and sin of phi)."""
    k = r.size
    for i in range(k):
        out[i] *= r[i]
        out[k + i] *= r[i]


def box_muller(u32, out, r, phi):
    """noise.box_muller_into(U, out, r, phi) of the float32 uniforms U that uniform_into makes from the
    32-bit draws u32 (out.size even), in 3 loops and NumPy's log1p, cos and sin (whose compiled versions may
    differ in the last bit): the same operations in the same order, so the same numbers
    (tests/test_kernels.py); ~17% faster than the 10 NumPy passes (no uniforms array)."""
    for name, loop in (("noise1", _radius_angle_loop), ("noise2", _radius_loop), ("noise3", _scale_loop)):
        if name not in _KERNELS:
            _KERNELS[name] = _compile(loop)
    f, k = numpy.float32, r.size
    _KERNELS["noise1"](u32, r, phi, f(2.0 ** -24), f(2 * math.pi))
    numpy.log1p(r, out=r)
    _KERNELS["noise2"](r, f(-2.0))
    numpy.cos(phi, out=out[:k])
    numpy.sin(phi, out=out[k:])
    _KERNELS["noise3"](out, r)
