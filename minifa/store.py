"""A run's store of trained networks: the same training, asked for again later in a run, is not run again.

Several tutorials train networks that are, bit for bit, another tutorial's: tutorial 9's FA
and BP networks are Fig. 2's (tutorial 4), tutorial 6's are App. B.3's, tutorial 5's Algorithm 1
at depth 2 is Fig. 2's, tutorial 8's Algorithm 1 on 784-100-10, 784-100-100-10 and 3072-100-10
is that of Fig. 2, App. B.3 and App. B.4-B.6 (their first three networks). `python -m
minifa.reproduce` runs them in separate processes, so it gives its workers one temporary
folder, MINIFA_STORE, removed at the run's end. There,
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
A stack whose networks draw their own noise and data order is kept network by network (keys()):
each trains as it would alone, so a later stack of some of them (Table 1's three are the first
three of Fig. 2's ten) takes theirs; a stack sharing its batches is kept whole.
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


def net_state(net, i=None):
    """What a network brings to its training: shape, rule, seeds (its noise and data streams), dtype,
    and its values (theta: W, b and a trained B; a fixed B apart). i: network i of a stack alone."""
    if i is None:
        return {"dims": list(net.dims), "rule": net.rule.name, "kp_decay": net.kp_decay, "seeds": list(net.seeds),
                "n_nets": net.n_nets, "theta": net.theta, "B": list(net.B)}
    return {"dims": list(net.dims), "rule": net.rule.name, "kp_decay": net.kp_decay, "seed": net.seeds[i],
            "stacked": True, "W": [W[i] for W in net.W], "b": [b[i] for b in net.b], "B": [B[i] for B in net.B]}


def _hash(kind, state, inputs):
    h = hashlib.sha256()
    _feed(h, {"kind": kind, "net": state, "inputs": inputs, "device": backend.device,
              "dtype": backend.host.dtype(backend.dtype).str, "arithmetic": arithmetic(), "source": source_hash()})
    return h.hexdigest()


def key(kind, net, **inputs):
    """The hex key of one training call: kind ('noise' or 'data'), the network's state, the
    call's inputs, the device and dtype, the arithmetic (arithmetic()) and minifa's source."""
    return _hash(kind, net_state(net), inputs)


class Keys(list):
    """The keys of one training call (keys()); per_net: one per network of the stack, in its order."""

    def __init__(self, keys, per_net):
        super().__init__(keys)
        self.per_net = per_net


def keys(kind, net, own_streams, **inputs):
    """The keys of a call: for a stack whose networks draw their own streams (own_streams), one per
    network (net_state(net, i)): network k trains as it would alone, in whatever stack (tests/
    test_store.py checks it), so a later stack holding some of the same networks finds theirs; else
    one key for the whole call (a shared batch's products span the stack)."""
    if net.n_nets is not None and own_streams:
        return Keys([_hash(kind, net_state(net, i), inputs) for i in range(net.n_nets)], per_net=True)
    return Keys([key(kind, net, **inputs)], per_net=False)


def load(ks, net):
    """The history kept under the keys ks (keys()), with net's trained values (theta: W, b and a trained
    B) set from the entries (a fixed B is in the key: the same); None (net untouched) where there is
    no store or an entry is missing. Per-network entries are put back together: each network's
    values into its place in the stack, each record's per-network values into one list."""
    root = folder()
    paths = [os.path.join(root, k + ".pkl") for k in ks] if root else []
    if not paths or not all(os.path.exists(p) for p in paths):
        return None
    entries = []
    for path in paths:
        with open(path, "rb") as f:
            entries.append(pickle.load(f))
    if not ks.per_net:
        net.theta[...] = backend.asarray(entries[0]["theta"], dtype=net.theta.dtype)
        return entries[0]["hist"]
    for i, e in enumerate(entries):
        for name, arrays in (("W", net.W), ("b", net.b)) + ((("B", net.B),) if net.rule.trains_B else ()):
            for a, value in zip(arrays, e[name]):
                a[i] = backend.asarray(value, dtype=a.dtype)
    return {name: [[e["hist"][name][j][0] for e in entries] if isinstance(v, list) else v
                   for j, v in enumerate(values)] for name, values in entries[0]["hist"].items()}


def _entries(ks, net, hist):
    """(key, what to pickle) pairs: one entry (theta and history), or one per network of a stack, each
    with its W, b, B and its history (its value of each per-network record as a one-item list); none
    where a record is a list but not one value per network (nothing kept: trained again if asked)."""
    if not ks.per_net:
        return [(ks[0], {"theta": backend.to_host(net.theta), "hist": hist})]
    if any(isinstance(v, list) and len(v) != len(ks) for values in hist.values() for v in values):
        return []
    host = backend.to_host
    return [(k, {"W": [host(W[i]) for W in net.W], "b": [host(b[i]) for b in net.b],
                 "B": [host(B[i]) for B in net.B],
                 "hist": {name: [[v[i]] if isinstance(v, list) else v for v in values]
                          for name, values in hist.items()}}) for i, k in enumerate(ks)]


def save(ks, net, hist):
    """Keep net's trained values and the history under the keys ks (nothing without a store). A write
    that fails (e.g. a full disk) is reported on stderr and leaves nothing more: the store only saves
    time, it never stops a run. Each entry is written whole (a temporary file renamed into place)."""
    root = folder()
    if not root:
        return
    for k, entry in _entries(ks, net, hist):
        tmp = None
        try:
            os.makedirs(root, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=root, prefix=".part-", suffix=".pkl")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(entry, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, os.path.join(root, k + ".pkl"))
        except OSError as e:
            print(f"warning: the run's store of trained networks ({root}) could not keep a result, which is "
                  f"then trained again where asked for: {e}", file=sys.stderr, flush=True)
            _remove(tmp)
            return
        except BaseException:
            _remove(tmp)
            raise


def _remove(path):
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass
