"""A run's store of trained networks: the same training, asked for again later in a run, is not run again.

Several tutorials train networks that are, bit for bit, another tutorial's: tutorial 9's FA
and BP networks are Fig. 2's (tutorial 4), tutorial 6's are App. B.3's, tutorial 5's Algorithm 1
at depth 2 is Fig. 2's. `python -m minifa.reproduce` runs them in separate processes, so it
gives its workers one temporary folder, MINIFA_STORE, removed at the run's end. There,
pretrain_noise and train (training.py) keep what each call returns (the history) and the
network's trained values (theta); a later call without a callback whose every input is the
same takes them instead of training again. There is no lock: two workers asking for the same
training at the same time both train it (the same bits; the second write replaces the first).
Without MINIFA_STORE (the library's default) nothing is kept or read; timings (machine.speed,
doctor, the benchmark) run with off().

"Every input" is the key (key()): the network's values (W, b, B), its shape, rule, seeds and
dtype, the data's values (sha256 of the arrays' bytes), every setting of the call, the device
and array module, what chooses the arithmetic (fused Adam or not, one-GEMM paths, the BLAS
library, version, CPU architecture and thread settings, NumPy's version) and minifa's source.
A call with a callback writes its entry but never reads one: its callback must see the network
at every record (callbacks must only read the network and history, as minifa's all do). A call
continuing an optimiser (train(opt=...)) neither reads nor writes. An entry is written whole (a
temporary file renamed into place): a reader sees all of it or none; a failed write (a full
disk) is reported and training goes on.
"""
import hashlib
import os
import pickle
import platform
import sys
import tempfile
from contextlib import contextmanager

from . import backend

ENV = "MINIFA_STORE"
_SOURCE = []          # sha256 of minifa's source files, computed once per process


NUMERIC_ENV = ("MINIFA_FUSED", "MINIFA_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
               "BLIS_NUM_THREADS")   # environment variables that may choose the arithmetic's path


def folder():
    """The store's folder (MINIFA_STORE), or None: no store."""
    return os.environ.get(ENV) or None


@contextmanager
def off():
    """No store inside the block (for timings: a kept result would time nothing)."""
    saved = os.environ.pop(ENV, None)
    try:
        yield
    finally:
        if saved is not None:
            os.environ[ENV] = saved


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


def net_state(net):
    """What a network brings to its training: shape, rule, seeds (its noise and data streams), dtype,
    and its values (theta: W, b and a trained B; a fixed B apart)."""
    return {"dims": list(net.dims), "rule": net.rule.name, "kp_decay": net.kp_decay, "seeds": list(net.seeds),
            "n_nets": net.n_nets, "theta": net.theta, "B": list(net.B)}


def key(kind, net, **inputs):
    """The hex key of one training call: kind ('noise' or 'data'), the network's state, the
    call's inputs, the device and dtype, the arithmetic (arithmetic()) and minifa's source."""
    h = hashlib.sha256()
    _feed(h, {"kind": kind, "net": net_state(net), "inputs": inputs, "device": backend.device,
              "dtype": backend.host.dtype(backend.dtype).str, "arithmetic": arithmetic(), "source": source_hash()})
    return h.hexdigest()


def load(k, net):
    """The history kept under key k, with net's trained values (theta: W, b and a trained B) set
    from the entry (a fixed B is in the key: the same); None (net untouched) where there is no
    store or no such entry."""
    root = folder()
    path = root and os.path.join(root, k + ".pkl")
    if not path or not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        entry = pickle.load(f)
    net.theta[...] = backend.asarray(entry["theta"], dtype=net.theta.dtype)
    return entry["hist"]


def save(k, net, hist):
    """Keep net's trained values (theta) and the history under key k (nothing without a store). A
    write that fails (e.g. a full disk) is reported on stderr and leaves nothing: the store only
    saves time, it never stops a run."""
    root = folder()
    if not root:
        return
    tmp = None
    try:
        os.makedirs(root, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=root, prefix=".part-", suffix=".pkl")
        with os.fdopen(fd, "wb") as f:
            pickle.dump({"theta": backend.to_host(net.theta), "hist": hist}, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(root, k + ".pkl"))
    except OSError as e:
        print(f"warning: the run's store of trained networks ({root}) could not keep a result, which is "
              f"then trained again where asked for: {e}", file=sys.stderr, flush=True)
        _remove(tmp)
    except BaseException:
        _remove(tmp)
        raise


def _remove(path):
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass
