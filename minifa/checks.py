"""Input checks: a clear error naming the argument and the fix, instead of silent broadcasting,
NaN weights or a loop that does nothing. Plumbing: a first reading of the equations skips it."""
import math
from numbers import Integral, Real

from . import backend


def whole(name, value, low=1):
    """`value` as an int >= low (NumPy integers accepted; floats and bools refused)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be a whole number, got {value!r} ({type(value).__name__})")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    return int(value)


def positive(name, value):
    """`value` as a finite float > 0 (a rate, a scale)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def rate(name, value):
    """`value` as a finite float >= 0 (a learning rate: 0 freezes the network)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def choice(name, value, options):
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}; got {value!r}")
    return value


def layer_sizes(dims):
    """[n_0, ..., n_L]: at least two whole, positive layer sizes."""
    if isinstance(dims, (str, bytes)) or not hasattr(dims, "__len__") or len(dims) < 2:
        raise ValueError(f"dims must list at least 2 layer sizes, e.g. [784, 100, 10]; got {dims!r}")
    return [whole(f"dims[{i}]", n) for i, n in enumerate(dims)]


def seeds(seed, repeats=False):
    """(list of int seeds, n_nets): an int -> one network (n_nets None), a sequence of distinct
    ints -> a stack (repeats=True: a seed may come back, for copies made on purpose). Seeds are
    >= 0: NumPy's random streams take no negative seeds."""
    if isinstance(seed, Integral) and not isinstance(seed, bool):
        return [whole("seed", seed, low=0)], None
    try:
        out = [whole(f"seed[{i}]", s, low=0) for i, s in enumerate(seed)]
    except TypeError:
        raise TypeError(f"seed must be an int (one network) or a list of ints (a stack), "
                        f"got {seed!r}") from None
    if not out:
        raise ValueError("seed lists no network: give at least one seed")
    repeated = sorted({s for s in out if out.count(s) > 1})
    if repeated and not repeats:
        raise ValueError(f"seed lists {', '.join(map(str, repeated))} more than once: those networks would "
                         "be identical, not independent samples; give each network its own seed (or, for copies made on "
                         "purpose, MLP(..., allow_repeats=True))")
    return out, len(out)


def finite(name, value):
    """`value`, a finite real number (an int or float; bools refused)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return value


def array(name, a, dtype=None):
    """`a` (array or nested list) on the active device; `dtype` default: the float type."""
    if not hasattr(a, "shape") and not isinstance(a, (list, tuple)):
        raise TypeError(f"{name} must be an array or a list, got {type(a).__name__}")
    return backend.asarray(a, dtype) if dtype != "labels" else backend.xp.asarray(a)


def inputs(net, x, name="input"):
    """x: (batch, n_0) shared by all networks, or (K, batch, n_0); finite."""
    if not hasattr(x, "ndim"):
        raise TypeError(f"{name} must be an array on the active device, got {type(x).__name__}; "
                        "use minifa.backend.asarray(x), or train/evaluate, which convert")
    n0 = net.dims[0]
    if x.ndim not in (2, 3) or x.shape[-1] != n0:
        raise ValueError(f"{name} must be (batch, {n0}) or (K, batch, {n0}), got shape {tuple(x.shape)}")
    if x.ndim == 3 and x.shape[0] != net.n_nets:
        raise ValueError(f"{name} has {x.shape[0]} per-network batches but the model stacks "
                         f"{net.n_nets} networks")
    if x.shape[-2] == 0:
        raise ValueError(f"{name} is empty (0 examples)")
    if not bool(backend.xp.isfinite(x).all()):
        raise ValueError(f"{name} contains NaN or infinite values; clean or impute the data first")


def labels(net, y, batch, name="labels"):
    """y: integer classes 0..n_L-1, one per example of a batch of `batch`."""
    C = net.dims[-1]
    if not hasattr(y, "dtype") or y.dtype.kind not in "iu":
        raise TypeError(f"{name} must be integers 0..{C - 1}, got {getattr(y, 'dtype', type(y).__name__)}")
    if y.ndim == 0 or y.shape[-1] != batch:
        raise ValueError(f"{y.shape[-1] if y.ndim else 0} {name} for a batch of {batch} inputs")
    if y.size and (int(y.min()) < 0 or int(y.max()) >= C):
        raise ValueError(f"{name} must lie in 0..{C - 1}, got range {int(y.min())}..{int(y.max())}")


def data(net, X, y, name="X"):
    """A data set for train/evaluate: (X, y) moved to the device and checked once."""
    X, y = array(name, X), array(f"labels of {name}", y, "labels")
    inputs(net, X, name)
    if y.shape != X.shape[:-1]:
        raise ValueError(f"labels of {name}: shape {tuple(y.shape)} does not match inputs {tuple(X.shape)}")
    labels(net, y, X.shape[-2], f"labels of {name}")
    return X, y
