"""A run's store of trained networks: the same training, asked for again later in a run, is not run again.

Several tutorials train networks that are, bit for bit, another tutorial's: tutorial 9's FA and
BP networks are Fig. 2's (tutorial 4), tutorial 6's are App. B.3's, tutorial 5's Algorithm 1 at
depth 2 is Fig. 2's, tutorial 8's is the first three networks of Fig. 2's, App. B.3's and App.
B.4-B.6's. `python -m minifa.reproduce` runs them in separate processes and gives its workers one
temporary folder, MINIFA_STORE, removed at the run's end: there pretrain_noise and train
(training.py) keep what each call returns (the history) and the trained values; a later call
whose every input is the same takes them instead of training again. There is no lock: two
workers asking for the same training at once both train it (the same bits; the second write
replaces the first). Without MINIFA_STORE (the library's default) nothing is kept or read;
timings (machine.speed, doctor, the benchmark) run with off().

"Every input" is the key (keys()): the network's values (W, b, B), its shape, rule, seeds and
dtype, the data's values (sha256 of the arrays' bytes), every setting of the call, the device
and array module, what chooses the arithmetic (fused Adam or not, one-GEMM paths, the BLAS
library, version, CPU architecture and thread settings, NumPy's version) and minifa's source.
A stack whose networks draw their own noise and data order is kept network by network (keys()):
each trains as it would alone, so a later stack of some of them (Table 1's three are the first
three of Fig. 2's ten) takes theirs; a stack sharing its batches is kept whole.
Algorithm 1 with a callback keeps the network's values at every record too (record()); a later
call with a callback takes the result and replays the records to its callback, which sees the
network at each record as training would have shown it (callbacks must only read the network's
values and the history, as minifa's all do): App. B.3's, Fig. 3d's and Fig. 5a's Algorithm 1 on
the same ten networks run once. train() with a callback writes its entry but never reads one; a
call continuing an optimiser (train(opt=...)) neither reads nor writes. An entry is written whole (a
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


def trained(net):
    """The arrays training changes, in order: every W, every b, and a trained B (KP's)."""
    return list(net.W) + list(net.b) + (list(net.B) if net.rule.trains_B else [])


def record(ks, net):
    """A host copy of net's trained values now (save(..., records) keeps one per record of a call)."""
    if not ks.per_net:
        return backend.to_host(net.theta).copy()
    return [backend.to_host(a).copy() for a in trained(net)]


def _put(ks, net, values, i):
    """Write kept values into net: network i's into its place in the stack, or the whole theta."""
    if ks.per_net:
        for a, v in zip(trained(net), values):
            a[i] = backend.asarray(v, dtype=a.dtype)
    else:
        net.theta[...] = backend.asarray(values, dtype=net.theta.dtype)


def load(ks, net, callback=None):
    """The history kept under the keys ks (keys()), with net's trained values (W, b, a trained B) set
    from the entries (a fixed B is in the key: the same); None (net untouched) where there is no store
    or an entry is missing. Per-network entries are put back together: each network's values into its
    place in the stack, each record's per-network values into one list. callback(net, hist): replayed
    at every record from the values kept there (None where the entries kept none), as training
    calls it: net holding that record's values, hist the records up to it."""
    root = folder()
    paths = [os.path.join(root, k + ".pkl") for k in ks] if root else []
    if not paths or not all(os.path.exists(p) for p in paths):
        return None
    entries = []
    for path in paths:
        with open(path, "rb") as f:
            entries.append(pickle.load(f))
    if callback is not None and any(e["records"] is None for e in entries):
        return None
    hist = entries[0]["hist"] if not ks.per_net else {
        name: [[e["hist"][name][j][0] for e in entries] if isinstance(v, list) else v for j, v in enumerate(values)]
        for name, values in entries[0]["hist"].items()}
    for j in range(len(entries[0]["records"]) if callback else 0):
        for i, e in enumerate(entries):
            _put(ks, net, e["records"][j], i)
        callback(net, {name: values[:j + 1] for name, values in hist.items()})
    for i, e in enumerate(entries):
        _put(ks, net, e["values"], i)
    return hist


def _entries(ks, net, hist, records):
    """(key, what to pickle) pairs: one entry (theta, history, records), or one per network of a stack,
    each with its own values, history (its value of each per-network record as a one-item list) and
    records; none where a record is a list but not one value per network (nothing kept)."""
    if not ks.per_net:
        return [(ks[0], {"values": backend.to_host(net.theta), "hist": hist, "records": records})]
    if any(isinstance(v, list) and len(v) != len(ks) for values in hist.values() for v in values):
        return []
    return [(k, {"values": [backend.to_host(a[i]) for a in trained(net)],
                 "hist": {name: [[v[i]] if isinstance(v, list) else v for v in vs] for name, vs in hist.items()},
                 "records": None if records is None else [[a[i] for a in r] for r in records]})
            for i, k in enumerate(ks)]


def save(ks, net, hist, records=None):
    """Keep net's trained values and the history under the keys ks (nothing without a store), and
    records: net's values at each record (record()), for a later call's callback. A write that fails
    (e.g. a full disk) is reported on stderr and leaves nothing more: the store only saves time, it
    never stops a run. Each entry is written whole (a temporary file renamed into place)."""
    root = folder()
    if not root:
        return
    for k, entry in _entries(ks, net, hist, records):
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
