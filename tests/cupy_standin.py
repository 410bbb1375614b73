"""A strict CPU stand-in for CuPy 14, so the CuPy code path of minifa is tested without a GPU.

Device arrays are `ndarray` objects that wrap a numpy.ndarray (`_a`); NumPy cannot see inside them.
Names are limited to those of the real CuPy (tests/cupy_api.json, written by tests/make_cupy_api.py).

A test that passes on the stand-in shows that the code
- never converts a device array implicitly: numpy.asarray(x), numpy functions and ufuncs on x,
  scipy, matplotlib raise TypeError; .get(), .item(), float(x), int(x), bool(x), repr(x) work, each
  counted as one device->host sync (sync_count(); no_sync() makes a sync an error: SyncError);
- never mixes host and device arrays: a numpy.ndarray in an operator or an xp function is a
  TypeError (as CuPy's kernels raise); only asarray/array/asanyarray move host data to the device;
- only calls what CuPy has (module, linalg, random, ndarray and random.Generator names);
- relies on CuPy's own semantics where they differ from NumPy: full reductions give 0-d arrays,
  Generator.random/standard_exponential(out=U) without size draw ONE value and broadcast it into
  U (standard_normal/standard_gamma fill U), `x[:] = numpy_array` raises, basic indexing gives
  views (`.base` is the root array, the same object each time), ndarray has no __index__.
It does NOT show that the code runs on CUDA: no kernels, no cuBLAS/cuRAND rounding or summation
order, no CuPy kernel bugs, no memory limits, no streams or asynchrony, no speed; the random streams
are NumPy's PCG64, not CuPy's XORWOW. Where it is stricter than CuPy (code that fails here may
still run there): numpy ufuncs/functions called on a device array raise here, while CuPy dispatches
them to cupy (NEP 13/18 in cupy/_core/core.pyx); out-of-range integer-array indices raise here,
CuPy wraps them around; lists pass through to NumPy as array arguments (CuPy's kernels reject them).
"""
import contextlib as _contextlib
import json as _json
import numbers as _numbers
import pathlib as _pathlib
import sys as _sys
import threading as _threading
import types as _types
import weakref as _weakref

import numpy as _np

_API = _json.loads(_pathlib.Path(__file__).with_name("cupy_api.json").read_text())
__version__ = _API["cupy_version"]
_NUMERIC = "?bhilqBHILQefdFD"  # dtype chars CuPy supports
_SYNCING = {"nonzero", "argwhere", "flatnonzero", "unique", "compress", "extract", "tobytes",
            "tofile", "dump", "dumps", "save", "savez", "savez_compressed", "array_repr",
            "array_str", "array2string"}  # output size depends on data, or copies to the host
_ZERO_D = {"allclose", "array_equal", "array_equiv", "count_nonzero"}  # NumPy: Python bool/int
_NOT_EMULATED = {"ufunc", "broadcast", "flatiter", "vectorize", "apply_along_axis", "piecewise",
                 "fromfunction", "flat", "cstruct", "mdspan", "reduced_view", "toDlpack"}

# ---- syncs -----------------------------------------------------------------------------------
_lock, _local, _syncs = _threading.Lock(), _threading.local(), [0]


class SyncError(RuntimeError):
    """A device->host synchronization happened inside no_sync()."""


def _sync(what):
    if getattr(_local, "forbid", 0):
        raise SyncError(f"device->host sync inside no_sync(): {what}")
    with _lock:
        _syncs[0] += 1


def sync_count():
    """Device->host syncs so far, all threads together."""
    return _syncs[0]


def reset_sync_count():
    _syncs[0] = 0


@_contextlib.contextmanager
def no_sync():
    """Any sync in this thread inside the block raises SyncError (like cupyx.allow_synchronize(False))."""
    _local.forbid = getattr(_local, "forbid", 0) + 1
    try:
        yield
    finally:
        _local.forbid -= 1


# ---- wrapping --------------------------------------------------------------------------------
_wrappers = _weakref.WeakValueDictionary()  # id(numpy array) -> its one wrapper, for `is` checks


def _wrap(x):
    """NumPy results as device values: arrays wrapped (one wrapper per numpy object), NumPy scalars
    as 0-d arrays (CuPy never returns them), namedtuples as plain tuples."""
    if isinstance(x, _np.ndarray):
        w = _wrappers.get(id(x))
        if w is None or w._a is not x:
            w = object.__new__(ndarray)
            w._a = x
            _wrappers[id(x)] = w
        return w
    if isinstance(x, _np.generic):
        return _wrap(_np.asarray(x))
    if isinstance(x, tuple):
        return tuple(_wrap(v) for v in x)
    if isinstance(x, list):
        return [_wrap(v) for v in x]
    return x


def _host_error(x):
    return TypeError(f"Unsupported type {type(x)}: CuPy rejects a numpy.ndarray here; move it to the "
                     "device with xp.asarray first (cupy/_core/_kernel.pyx _preprocess_arg)")


def _unwrap(x, host_ok=False):
    if isinstance(x, ndarray):
        return x._a
    if isinstance(x, _np.ndarray):
        if host_ok:
            return x
        raise _host_error(x)
    if type(x) in (list, tuple):
        return type(x)(_unwrap(v, host_ok) for v in x)
    return x


def _device_function(fn, name, owner="cupy"):
    """`fn` (NumPy's) with device arrays in and out; host arrays rejected."""
    def f(*args, **kwargs):
        args, kwargs = _unwrap(args), {k: _unwrap(v) for k, v in kwargs.items()}
        if name in _SYNCING or (name == "where" and len(args) == 1):
            _sync(f"{owner}.{name}")
        result = fn(*args, **kwargs)
        if name in _ZERO_D and isinstance(result, (bool, int)):
            result = _np.asarray(result)
        return _wrap(result)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Stand-in for {owner}.{name}: NumPy's, on device arrays."
    if isinstance(fn, _np.ufunc):  # cupy.ufunc has these too
        for m in ("reduce", "accumulate", "reduceat", "outer", "at"):
            setattr(f, m, _device_function(getattr(fn, m), m, f"{owner}.{name}"))
        f.nin, f.nout, f.nargs, f.types, f.name = fn.nin, fn.nout, fn.nargs, fn.types, name
    return f


def _lookup(namespace, owner, np_module, cupy_names, name, wrap=True):
    """A name of CuPy's `owner`, made from NumPy's on first use; AttributeError for names CuPy lacks."""
    if name.startswith("__"):
        raise AttributeError(name)
    if name not in cupy_names:
        also = " (NumPy has it)" if np_module is not None and hasattr(np_module, name) else ""
        raise AttributeError(f"module {owner!r} has no attribute {name!r}: "
                             f"real CuPy {__version__} lacks it{also}")
    obj = getattr(np_module, name, _lookup) if wrap else _lookup
    if obj is _lookup or name in _NOT_EMULATED or isinstance(obj, _types.ModuleType):
        raise AttributeError(f"{owner}.{name} exists in CuPy but the CPU stand-in does not emulate it")
    if callable(obj) and not isinstance(obj, type):  # types (dtypes, finfo, ...) pass through
        obj = _device_function(obj, name, owner)
    namespace[name] = obj
    return obj


def __getattr__(name):
    return _lookup(globals(), "cupy", _np, _API["cupy"], name)


# ---- the array -------------------------------------------------------------------------------
_NDARRAY_NAMES = frozenset(_API["cupy.ndarray"])


class _Flags:
    __slots__ = ("c_contiguous", "f_contiguous", "owndata")

    def __init__(self, c, f, own):
        self.c_contiguous, self.f_contiguous, self.owndata = c, f, own

    def __getitem__(self, name):
        return getattr(self, name.lower())


def _index(key, what):
    """An index as CuPy 14 takes it. Found in cupy/_core/_routines_indexing.pyx, _prepare_slice_list:
    lists, tuples, bools and NumPy arrays in an index are converted with core.array (sent to the
    device), so `x[numpy_index]` works, as does `x[numpy_index] = ...`; a boolean mask makes CuPy
    count its Trues on the host (_prepare_mask_indexing_single: `int(mask_scanned[-1])`): one sync."""
    items, out, advanced = key if isinstance(key, tuple) else (key,), [], False
    for s in items:
        if isinstance(s, ndarray):
            s = s._a
        if isinstance(s, (list, tuple, bool, _np.bool_, _np.ndarray)):
            s, advanced = _np.asarray(_unwrap(s, host_ok=True)), True
            if s.dtype == bool:
                _sync(f"boolean-mask {what}")
        out.append(s)
    if not any(s is Ellipsis for s in out):
        out.append(Ellipsis)  # so x[i] is a 0-d view, not a NumPy scalar, as in CuPy
    return tuple(out), advanced


class ndarray:
    """Device array of the stand-in: wraps a numpy.ndarray in `_a` (not a subclass, so NumPy cannot use
    it). Only attributes that cupy.ndarray has; the rest of NumPy's are an AttributeError."""
    __slots__ = ("_a", "__weakref__")
    __array_priority__ = 100

    def __init__(self, *args, **kwargs):
        raise TypeError("the CuPy stand-in makes arrays with asarray/zeros/empty/..., not ndarray(...)")

    # host <-> device, each read of values on the host is one sync
    def get(self, stream=None, order="C", out=None, blocking=True):
        _sync("ndarray.get()")
        if out is None:
            return _np.array(self._a, order=order, copy=True)
        if not isinstance(out, _np.ndarray):
            raise TypeError("Only numpy.ndarray can be obtained from cupy.ndarray")
        if out.dtype != self.dtype or out.shape != self.shape:
            raise TypeError(f"{out.dtype}{out.shape} array cannot be obtained from "
                            f"{self.dtype}{self.shape} array")
        out[...] = self._a
        return out

    def set(self, arr, stream=None):
        if not isinstance(arr, _np.ndarray):
            raise TypeError("Only numpy.ndarray can be set to cupy.ndarray")
        if arr.dtype != self.dtype or arr.shape != self.shape:
            raise (TypeError if arr.dtype != self.dtype else ValueError)(
                f"{arr.dtype}{arr.shape} array cannot be set to {self.dtype}{self.shape} array")
        self._a[...] = arr

    def item(self):
        _sync("ndarray.item()")
        if self.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        return self._a.item()

    def tolist(self):
        _sync("ndarray.tolist()")
        return self._a.tolist()

    def _host(self, what):
        _sync(what)
        return self._a

    __bool__ = lambda self: bool(self._host("bool(x)"))
    __float__ = lambda self: float(self._host("float(x)"))
    __int__ = lambda self: int(self._host("int(x)"))  # CuPy has no __index__: range(x) is a TypeError
    __complex__ = lambda self: complex(self._host("complex(x)"))
    __repr__ = lambda self: repr(self._host("repr(x)"))
    __str__ = lambda self: str(self._host("str(x)"))
    __format__ = lambda self, spec: format(self._host("format(x)"), spec)
    __reduce__ = lambda self: (array, (self.get(),))
    __copy__ = lambda self: self.copy()
    __deepcopy__ = lambda self, memo: self.copy()

    def __array__(self, dtype=None, copy=None):  # message from cupy/_core/core.pyx
        raise TypeError("Implicit conversion to a NumPy array is not allowed. "
                        "Please use `.get()` to construct a NumPy array explicitly.")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        # `np.float32(2) * x` and `np.float32(2) < x` arrive here (NumPy makes the scalar a 0-d array
        # for comparisons); CuPy computes them (core.pyx __array_ufunc__, comparisons via .item()).
        cmp = ufunc.__name__ in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal")
        args = [x.item() if cmp and isinstance(x, _np.ndarray) and x.ndim == 0 else x for x in inputs]
        if (method == "__call__" and not kwargs and len(args) == 2
                and any(isinstance(x, (_numbers.Number, _np.generic)) for x in args)
                and all(isinstance(x, (ndarray, _numbers.Number, _np.generic)) for x in args)):
            return _wrap(ufunc(*[_unwrap(x) for x in args]))
        raise TypeError(f"numpy.{ufunc.__name__} on a device array: use xp.{ufunc.__name__} "
                        "(the stand-in refuses; CuPy would reject host operands or dispatch to cupy)")

    def __array_function__(self, func, types, args, kwargs):
        raise TypeError(f"numpy.{func.__name__} on a device array: use xp.{func.__name__} "
                        "(the stand-in refuses what CuPy would dispatch to cupy)")

    # attributes
    shape = property(lambda self: self._a.shape, lambda self, v: setattr(self._a, "shape", v))
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    dtype = property(lambda self: self._a.dtype)
    itemsize = property(lambda self: self._a.itemsize)
    nbytes = property(lambda self: self._a.nbytes)
    strides = property(lambda self: self._a.strides)
    T = property(lambda self: self if self.ndim < 2 else _wrap(self._a.T))
    data = property(lambda self: _types.SimpleNamespace(ptr=self._a.__array_interface__["data"][0]))
    device = property(lambda self: cuda.Device(0))
    flags = property(lambda self: _Flags(self._a.flags.c_contiguous, self._a.flags.f_contiguous,
                                         self._a.base is None))

    @property
    def base(self):
        """None for an array that owns its memory, else the root array (CuPy collapses view chains)."""
        a = self._a
        if a.base is None:
            return None
        while isinstance(a.base, _np.ndarray):
            a = a.base
        return _wrap(a)

    def __getattr__(self, name):  # only for names not defined above
        if name.startswith("_") or name not in _NDARRAY_NAMES:  # e.g. __index__: CuPy has none
            raise AttributeError(f"'cupy.ndarray' object has no attribute {name!r} "
                                 f"(real CuPy {__version__} lacks it)")
        attr = getattr(self._a, name, None)
        if attr is None and callable(getattr(_np, name, None)):  # e.g. ptp, gone from ndarray in NumPy 2
            attr = lambda *args, **kwargs: getattr(_np, name)(self._a, *args, **kwargs)
        if attr is None or name in _NOT_EMULATED:
            raise AttributeError(f"cupy.ndarray.{name} exists in CuPy but the stand-in does not emulate it")
        return _device_function(attr, name, "cupy.ndarray") if callable(attr) else _wrap(attr)

    def fill(self, value):  # cupy/_core/core.pyx ndarray.fill: scalars and 0-d arrays only
        if isinstance(value, ndarray) and value.shape != ():
            raise ValueError("non-scalar cupy.ndarray cannot be used for fill")
        if isinstance(value, _np.ndarray):
            if value.shape != ():
                raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
            value = value.item()
        self._a.fill(_unwrap(value))

    # indexing
    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return len(self._a)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(len(self._a)))

    def __getitem__(self, key):
        return _wrap(self._a[_index(key, "indexing")[0]])

    def __setitem__(self, key, value):
        # cupy/_core/_routines_indexing.pyx _scatter_op: with an advanced index the value goes through
        # core.array (host values accepted); with a basic index a non-device value goes to
        # ndarray.fill, which takes only scalars: `x[:] = numpy_array` is a ValueError, a list a
        # TypeError (fill_kernel: "Unsupported type"). CUPY_EXPERIMENTAL_SLICE_COPY is not emulated.
        idx, advanced = _index(key, "assignment")
        if isinstance(value, ndarray):
            value = value._a
        elif isinstance(value, _np.ndarray) or type(value) in (list, tuple):
            if advanced:
                value = _np.asarray(_unwrap(value, host_ok=True))
            elif isinstance(value, _np.ndarray) and value.ndim == 0:
                value = value.item()
            elif isinstance(value, _np.ndarray):
                raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
            else:
                raise TypeError(f"Unsupported type {type(value)}")
        self._a[idx] = value

    def _scatter(self, ufunc, slices, value):
        ufunc.at(self._a, _index(slices, "scatter")[0], _unwrap(value))

    scatter_add = lambda self, slices, value: self._scatter(_np.add, slices, value)
    scatter_max = lambda self, slices, value: self._scatter(_np.maximum, slices, value)
    scatter_min = lambda self, slices, value: self._scatter(_np.minimum, slices, value)


def _operand(other):
    """Operands CuPy takes beside a device array: device arrays, Python and NumPy scalars."""
    if isinstance(other, ndarray):
        return other._a
    if isinstance(other, _np.ndarray):
        raise _host_error(other)
    return other if isinstance(other, (_numbers.Number, _np.generic)) else NotImplemented


def _operators(ufunc):
    def op(self, other):
        o = _operand(other)
        return NotImplemented if o is NotImplemented else _wrap(ufunc(self._a, o))

    def rop(self, other):
        o = _operand(other)
        return NotImplemented if o is NotImplemented else _wrap(ufunc(o, self._a))

    def iop(self, other):
        o = _operand(other)
        if o is NotImplemented:
            return NotImplemented
        ufunc(self._a, o, out=self._a)
        return self
    return op, rop, iop


for _name, _uf in [("add", _np.add), ("sub", _np.subtract), ("mul", _np.multiply),
                   ("truediv", _np.true_divide), ("floordiv", _np.floor_divide), ("mod", _np.remainder),
                   ("pow", _np.power), ("and", _np.bitwise_and), ("or", _np.bitwise_or),
                   ("xor", _np.bitwise_xor), ("lshift", _np.left_shift), ("rshift", _np.right_shift),
                   ("matmul", _np.matmul), ("divmod", _np.divmod)]:
    _op, _rop, _iop = _operators(_uf)
    setattr(ndarray, f"__{_name}__", _op)
    setattr(ndarray, f"__r{_name}__", _rop)
    if _name not in ("matmul", "divmod"):  # CuPy has no __imatmul__
        setattr(ndarray, f"__i{_name}__", _iop)
for _name, _uf in [("eq", _np.equal), ("ne", _np.not_equal), ("lt", _np.less),
                   ("le", _np.less_equal), ("gt", _np.greater), ("ge", _np.greater_equal)]:
    setattr(ndarray, f"__{_name}__", _operators(_uf)[0])
for _name, _uf in [("neg", _np.negative), ("pos", _np.positive), ("abs", _np.absolute),
                   ("invert", _np.invert)]:
    setattr(ndarray, f"__{_name}__", lambda self, _uf=_uf: _wrap(_uf(self._a)))
ndarray.__hash__ = None  # unhashable, as cupy.ndarray


# ---- host <-> device functions ----------------------------------------------------------------
def _to_device(obj, dtype=None, copy=True, order="K", ndmin=0):
    if not isinstance(obj, ndarray):  # host data: the transfer is a copy, never an alias
        if copy is False:
            raise ValueError("copy=False: host data cannot reach the device without a copy")
        copy = True
    a = _np.array(_unwrap(obj, host_ok=True), dtype=dtype, copy=copy, order=order or "K", ndmin=ndmin)
    if a.dtype.char not in _NUMERIC:
        raise ValueError(f"Unsupported dtype {a.dtype}")
    return _wrap(a)


def array(obj, dtype=None, copy=True, order="K", subok=False, ndmin=0, *, blocking=False):
    """Host data (NumPy arrays, lists, scalars) or device arrays to a device array."""
    return _to_device(obj, dtype, copy, order, ndmin)


def asarray(a, dtype=None, order=None, *, copy=None, blocking=False):
    """Like array, but a device array comes back itself when no cast or copy is needed."""
    return _to_device(a, dtype, copy, order)


asanyarray = asarray


def asnumpy(a, stream=None, order="C", out=None, *, blocking=True):
    """A NumPy array: a device array is copied to the host (one sync), host data passes through."""
    if isinstance(a, ndarray):
        return a.get(stream, order, out, blocking)
    return _np.asarray(a, order=order)


def get_array_module(*args):
    return _sys.modules[__name__] if any(isinstance(a, ndarray) for a in args) else _np


def is_available():
    return True


# ---- cuda, linalg ----------------------------------------------------------------------------
class _Device:
    def __init__(self, device=None):
        self.id = 0 if device is None else int(device)
        if self.id != 0:
            raise ValueError(f"the CuPy stand-in has one device, 0, not {self.id}")

    def synchronize(self):
        _sync("cuda.Device().synchronize()")

    use = lambda self: None
    __enter__ = lambda self: self
    __exit__ = lambda self, *exc: False


def _module(name, attrs, np_module=None, wrap=True):
    """A submodule holding `attrs`; other names CuPy's `name` has come from `np_module` (if wrap)."""
    m = _types.ModuleType(name)
    m.__dict__.update(attrs)
    if name in _API:
        m.__getattr__ = lambda attr: _lookup(m.__dict__, name, np_module, _API[name], attr, wrap)
    return m


def _device_properties(device):
    _Device(device)
    return {"name": b"CuPy stand-in (CPU)"}


cuda = _module("cupy.cuda", {"Device": _Device, "is_available": is_available, "runtime": _module(
    "cupy.cuda.runtime", {"getDeviceCount": lambda: 1, "getDeviceProperties": _device_properties})})
linalg = _module("cupy.linalg", {}, _np.linalg)

# ---- random ----------------------------------------------------------------------------------
# CuPy's Generator (cupy/random/_generator_api.pyx, CuPy 14) with NumPy's PCG64 underneath.
def _shape(size):
    return () if size is None else size


def _draw_dtype(dtype):  # CuPy draws float64 for float64, else float32, then casts
    return _np.float64 if _np.dtype(dtype).char == "d" else _np.float32


def _param(x, name):
    """A distribution parameter: CuPy takes a device array or a Python float/int, nothing else."""
    if isinstance(x, ndarray):
        return x._a
    if type(x) in (float, int):
        return x
    raise TypeError(f"{name} is required to be a cupy.ndarray or a scalar")


class _Generator:
    """cupy.random.Generator: CuPy's methods, signatures and `out` rules; NumPy's numbers."""
    __slots__ = ("_g",)

    def __init__(self, bit_generator):
        self._g = _np.random.Generator(bit_generator)

    def _check_out(self, dtype, size, out, c_only=False):
        if not isinstance(out, ndarray):
            raise _host_error(out)
        if out.dtype.char != _np.dtype(dtype).char:
            raise TypeError("Supplied output array has the wrong type. "
                            f"Expected {_np.dtype(dtype).name}, got {out.dtype.name}")
        if not (out.flags.c_contiguous or (out.flags.f_contiguous and not c_only)):
            raise ValueError("Supplied output array is not contiguous, writable or aligned.")
        if size is not None and (tuple(size) if _np.iterable(size) else (size,)) != out.shape:
            raise ValueError("size must match out.shape when used together")

    @staticmethod
    def _into(y, out, dtype):
        """CuPy draws `size` values (ONE when size is None) and then copies them into `out`,
        broadcasting: random(out=U) without size fills all of U with a single number."""
        if out is None:
            return _wrap(_np.asarray(y).astype(dtype, copy=False))
        out._a[...] = y
        return out

    def random(self, size=None, dtype=_np.float64, out=None):
        if out is not None:
            self._check_out(dtype, size, out)
        return self._into(self._g.random(_shape(size), dtype=_draw_dtype(dtype)), out, dtype)

    def standard_exponential(self, size=None, dtype=_np.float64, method="inv", out=None):
        if method == "zig":
            raise NotImplementedError("Ziggurat method is not supported")
        if out is not None:
            self._check_out(dtype, size, out)
        return self._into(self._g.standard_exponential(_shape(size)), out, dtype)

    def standard_normal(self, size=None, dtype=_np.float64, out=None):
        if out is not None:  # unlike random(): CuPy draws straight into out, every element its own
            self._check_out(dtype, size, out)
            size, dtype = out.shape, out.dtype
        if _np.dtype(dtype).char not in "fd":
            raise TypeError(f"Unsupported dtype {_np.dtype(dtype).name} for standard_normal")
        return self._into(self._g.standard_normal(_shape(size), dtype=dtype), out, dtype)

    def standard_gamma(self, shape, size=None, dtype=_np.float64, out=None):
        if shape is None:
            raise TypeError("shape must be real number, not NoneType")
        if not isinstance(shape, ndarray) and type(shape) not in (float, int):
            raise ValueError("shape is required to be a cupy.ndarray or a scalar")
        shape = _np.asarray(_unwrap(shape), dtype=_np.float64)
        if size is not None and not isinstance(size, tuple):
            size = (size,)
        elif size is None:  # here out decides the shape: all of out gets fresh values
            size = shape.shape if out is None else out.shape
        if out is not None:
            self._check_out(dtype, size, out, c_only=True)
        if _np.dtype(dtype).char not in "fd":
            raise TypeError(f"Unsupported dtype {_np.dtype(dtype).name} for standard_gamma")
        return self._into(self._g.standard_gamma(shape, size), out, dtype)

    def integers(self, low, high=None, size=None, dtype=_np.int64, endpoint=False):
        lo, hi = (0, int(low)) if high is None else (int(low), int(high))  # int(): a sync on CuPy too
        hi -= not endpoint
        if lo > hi:
            raise ValueError("low >= high")
        info, name = _np.iinfo(dtype), _np.dtype(dtype).name
        if lo < info.min or hi > info.max:
            raise ValueError(f"{'low' if lo < info.min else 'high'} is out of bounds for {name}")
        return _wrap(_np.asarray(self._g.integers(lo, hi, _shape(size), dtype=dtype, endpoint=True)))

    def uniform(self, low=0.0, high=1.0, size=None, dtype=_np.float64):
        low, high = asarray(low), asarray(high)  # CuPy calls cupy.asarray: host values are accepted
        if size is None:
            size = _np.broadcast_shapes(low.shape, high.shape)
        y = _wrap(_np.asarray(self._g.random(size, dtype=_draw_dtype(dtype))))
        return (low + (high - low) * y).astype(dtype, copy=False)

    def _numpy(self, method, *params, size=None, dtype=None):
        y = _np.asarray(getattr(self._g, method)(*params, size=size))
        return _wrap(y if dtype is None else y.astype(dtype, copy=False))

    def beta(self, a, b, size=None, dtype=_np.float64):
        return self._numpy("beta", _param(a, "a"), _param(b, "b"), size=size, dtype=dtype)

    def binomial(self, n, p, size=None):
        if not isinstance(p, ndarray) and type(p) is not float:
            raise TypeError("p is required to be a cupy.ndarray or a scalar")
        return self._numpy("binomial", _param(n, "n"), _param(p, "p"), size=size)

    def chisquare(self, df, size=None):
        return self._numpy("chisquare", _param(df, "df"), size=size)

    def dirichlet(self, alpha, size=None):
        return self._numpy("dirichlet", _param(alpha, "alpha"), size=size)

    def exponential(self, scale=1.0, size=None):
        return self.standard_exponential(size) * scale  # CuPy's: one draw for an array scale, no size

    def f(self, dfnum, dfden, size=None):
        return self._numpy("f", _param(dfnum, "dfnum"), _param(dfden, "dfden"), size=size)

    def gamma(self, shape, scale=1.0, size=None):
        if size is None:
            size = _np.broadcast_shapes(_np.shape(_unwrap(shape)), _np.shape(_unwrap(scale)))
        y = self.standard_gamma(shape, size)
        y *= scale
        return y

    def geometric(self, p, size=None):
        return self._numpy("geometric", _param(p, "p"), size=size)

    def hypergeometric(self, ngood, nbad, nsample, size=None):
        return self._numpy("hypergeometric", _param(ngood, "ngood"), _param(nbad, "nbad"),
                           _param(nsample, "nsample"), size=size)

    def logseries(self, p, size=None):
        return self._numpy("logseries", _param(p, "p"), size=size)

    def poisson(self, lam=1.0, size=None):
        return self._numpy("poisson", _param(lam, "lam"), size=size)

    def power(self, a, size=None):
        return self._numpy("power", _param(a, "a"), size=size)


_Generator.__name__ = _Generator.__qualname__ = "Generator"


def _default_rng(seed=None):
    """A Generator; the same seed gives the same numbers (NumPy's, not CuPy's XORWOW ones)."""
    return seed if isinstance(seed, _Generator) else _Generator(_np.random.PCG64(seed))


def _legacy_functions():
    """The module-level functions of cupy.random (a global RandomState, cupy/random/_generator.py)
    that can be written faithfully; its other names raise AttributeError."""
    state = [_np.random.default_rng()]

    def float_dtype(dtype):
        if _np.dtype(dtype).char not in "fd":
            raise TypeError("cupy.random only supports float32 and float64")
        return _np.dtype(dtype)

    def seed(seed=None):
        state[0] = _np.random.default_rng(seed)

    def random_sample(size=None, dtype=float):
        return _wrap(_np.asarray(state[0].random(_shape(size), dtype=float_dtype(dtype))))

    def normal(loc=0.0, scale=1.0, size=None, dtype=float):
        if size is None:
            size = _np.broadcast_shapes(_np.shape(_unwrap(loc)), _np.shape(_unwrap(scale)))
        x = _wrap(_np.asarray(state[0].standard_normal(size, dtype=float_dtype(dtype))))
        x *= scale
        x += loc
        return x

    def permutation(a):
        perm = _wrap(state[0].permutation(a if isinstance(a, int) else len(a)))
        return perm if isinstance(a, int) else a[perm]

    def shuffle(a):
        if not isinstance(a, ndarray):
            raise TypeError("The array must be cupy.ndarray")
        if a.ndim == 0:
            raise TypeError("An array whose ndim is 0 is not supported")
        a[:] = a[_wrap(state[0].permutation(len(a)))]

    return dict(seed=seed, random_sample=random_sample, random=random_sample, ranf=random_sample,
                sample=random_sample, rand=lambda *size, dtype=float: random_sample(size, dtype),
                randn=lambda *size, dtype=float: normal(size=size, dtype=dtype),
                standard_normal=lambda size=None, dtype=float: normal(size=size, dtype=dtype),
                normal=normal, permutation=permutation, shuffle=shuffle)


random = _module("cupy.random", dict(Generator=_Generator, default_rng=_default_rng,
                                     **_legacy_functions()), _np.random, wrap=False)
