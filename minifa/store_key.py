"""The key of a training call in the run's store of trained networks (store.py): every input.

"Every input": the network's values (W, b, B), its shape, rule, seeds and dtype, the data's values
(sha256 of the arrays' bytes), every setting of the call, the device and array module, what
chooses the arithmetic (fused Adam or not, one-GEMM paths, the BLAS library, version, CPU
architecture and thread settings, NumPy's version) and minifa's source (another version of the
code is another key).
"""
import hashlib
import os
import platform

from . import backend

_SOURCE = []          # sha256 of minifa's source files, computed once per process
NUMERIC_ENV = ("MINIFA_FUSED", "MINIFA_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "BLIS_NUM_THREADS")   # environment variables that may choose the arithmetic's path


def arithmetic():
    """What decides how the numbers are computed, beyond the inputs: array module and its version,
    fused Adam, one-GEMM paths, the BLAS libraries (version, CPU kernels, threads) and the
    environment variables that set them."""
    from . import fast, kernels
    from threadpoolctl import threadpool_info
    xp = backend.xp
    return {"xp": xp.__name__, "version": getattr(xp, "__version__", None), "numpy": backend.host.__version__,
            "fused": kernels.fused(), "one_gemm": fast.ONE_GEMM, "machine": platform.machine(),
            "blas": sorted((i.get("internal_api"), i.get("version"), i.get("architecture"), i.get("num_threads"))
                           for i in threadpool_info() if i.get("user_api") == "blas"),
            "env": {v: os.environ.get(v) for v in NUMERIC_ENV}}


def source_hash():
    """sha256 over every .py file of the minifa package (path and bytes): another version of the code
    is another key."""
    if not _SOURCE:
        h, root = hashlib.sha256(), os.path.dirname(os.path.abspath(__file__))
        for dirpath, dirnames, files in os.walk(root):
            dirnames.sort()
            for name in sorted(f for f in files if f.endswith(".py")):
                path = os.path.join(dirpath, name)
                h.update(os.path.relpath(path, root).encode())
                with open(path, "rb") as f:
                    h.update(f.read())
        _SOURCE.append(h.hexdigest())
    return _SOURCE[0]


def _feed(h, value):
    """Add `value` to the hash h without ambiguity: arrays by dtype, shape and bytes (on the host),
    containers item by item, anything else by its repr (numbers, strings, None, dataclasses)."""
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        a = backend.host.ascontiguousarray(backend.to_host(value))     # no copy when it already is
        h.update(f"array {a.dtype.str} {a.shape}|".encode())
        h.update(a.reshape(-1).view(backend.host.uint8))                # its bytes, read in place
    elif isinstance(value, dict):
        h.update(f"dict {len(value)}|".encode())
        for k in sorted(value, key=repr):
            _feed(h, k)
            _feed(h, value[k])
    elif isinstance(value, (list, tuple)):
        h.update(f"{type(value).__name__} {len(value)}|".encode())
        for v in value:
            _feed(h, v)
    else:
        h.update(f"{type(value).__name__} {value!r}|".encode())


def net_state(net, i=None):
    """What a network brings to its training: shape, rule, seeds (its noise and data streams), dtype,
    and its values (theta: W, b and a trained B; a fixed B apart). i: network i of a stack alone."""
    shape = {"dims": list(net.dims), "rule": net.rule.name, "kp_decay": net.kp_decay}
    if i is None:
        return {**shape, "seeds": list(net.seeds), "n_nets": net.n_nets, "theta": net.theta, "B": list(net.B)}
    return {**shape, "seed": net.seeds[i], "stacked": True, "W": [W[i] for W in net.W], "b": [b[i] for b in net.b],
            "B": [B[i] for B in net.B]}


def _hash(*parts):
    h = hashlib.sha256()
    _feed(h, parts)
    return h.hexdigest()


def _call(kind, inputs):
    """The hash of what a call's networks share: kind, inputs (the data hashed once), device, dtype,
    arithmetic, source."""
    return _hash(kind, inputs, backend.device, backend.host.dtype(backend.dtype).str, arithmetic(), source_hash())


class Keys(list):
    """The keys of one training call (keys()); per_net: one per network of the stack, in its order."""

    def __init__(self, keys, per_net):
        super().__init__(keys)
        self.per_net = per_net


def keys(kind, net, own_streams, **inputs):
    """The hex keys of one training call, kind ('noise' or 'data'): sha256 of the network's state, the
    call's inputs, the device and dtype, the arithmetic (arithmetic()) and minifa's source. For a
    stack whose networks draw their own streams (own_streams) one per network (net_state(net, i)):
    network k trains as it would alone, in whatever stack (tests/test_store.py checks it), so a later
    stack of some of the same networks finds theirs; else one for the whole call (a shared batch's
    products span the stack)."""
    call = _call(kind, inputs)
    if net.n_nets is not None and own_streams:
        return Keys([_hash(call, net_state(net, i)) for i in range(net.n_nets)], per_net=True)
    return Keys([_hash(call, net_state(net))], per_net=False)
