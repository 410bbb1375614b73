"""Array-module shim: the one place that decides NumPy (CPU) or CuPy (GPU).

Numerical code never imports numpy itself; it reads `backend.xp` at call time, so one
`set_device("gpu")` moves every later computation to CuPy. The device is chosen on FIRST
USE, not at import: the environment variable MINIFA_DEVICE=cpu|gpu|auto (default auto:
CuPy when it imports and sees a GPU, else NumPy), or `set_device` before any computation.
So `import minifa`, `--help` and the data tools work whatever MINIFA_DEVICE says.
Default dtype float32 (what a GPU is fast at); `set_dtype("float64")` for tests.
"""
import os

import numpy

host = numpy           # the host array module: initial weights, statistics, plots
dtype = numpy.float32  # the active floating-point type
DEVICES = ("cpu", "gpu", "auto")


def __getattr__(name):
    """`backend.xp` (the active array module) and `backend.device` ('cpu' or 'gpu'):
    chosen from MINIFA_DEVICE the first time either is read, unless set_device ran."""
    if name in ("xp", "device"):
        set_device(os.environ.get("MINIFA_DEVICE") or "auto")
        return globals()[name]
    raise AttributeError(f"module 'minifa.backend' has no attribute {name!r}")


def _cupy_or_none():
    """CuPy if it imports and sees at least one GPU, else None."""
    try:
        import cupy
        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception:  # not installed, no driver, no device: all mean "no GPU"
        pass
    return None


def set_device(name="auto"):
    """Pick 'cpu' (NumPy), 'gpu' (CuPy, error if unusable) or 'auto'. Returns the module."""
    if name not in DEVICES:
        raise ValueError(f"device must be one of {DEVICES}, got {name!r} "
                         "(check MINIFA_DEVICE or --device)")
    cupy = None if name == "cpu" else _cupy_or_none()
    if name == "gpu" and cupy is None:
        raise RuntimeError("device 'gpu' asked for, but CuPy is not installed or sees no GPU; "
                           "install the wheel for your CUDA (see README, 'GPU'), "
                           "or use MINIFA_DEVICE=cpu / --device cpu")
    globals()["xp"], globals()["device"] = (cupy, "gpu") if cupy is not None else (numpy, "cpu")
    return globals()["xp"]


def set_dtype(name="float32"):
    """Set the floating-point type of every array made from now on."""
    global dtype
    if name not in ("float32", "float64"):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {name!r}")
    dtype = numpy.dtype(name).type


def _xp():
    return globals()["xp"] if "xp" in globals() else __getattr__("xp")


def asarray(a, dtype=None):
    """Move `a` to the active device as the active float type (or `dtype`)."""
    return _xp().asarray(a, dtype=dtype or globals()["dtype"])


def to_host(a):
    """`a` as a NumPy array (for plotting, statistics, saving). On the CPU this is the array
    itself, not a copy: weights change in place during training, so .copy() a checkpoint."""
    return a.get() if hasattr(a, "get") else numpy.asarray(a)


def rng(seed):
    """A random generator on the active device (fast sampling of noise batches).
    CuPy's Generator has only some of NumPy's methods (random, integers, standard_normal,
    uniform, ...; no permutation or choice): draw those from host_rng."""
    return _xp().random.default_rng(seed)


def host_rng(seed):
    """A random generator on the host: initial weights and permutations are drawn here, so a
    seed gives the same network and the same data order on CPU and GPU."""
    return numpy.random.default_rng(seed)
