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

"Every input" is the key (keys(), store_key.py): the network's values, the data, every setting,
the arithmetic's switches and minifa's source.
A stack whose networks draw their own noise and data order is kept network by network (keys()):
each trains as it would alone, so a later stack of some of them (Table 1's three are the first
three of Fig. 2's ten) takes theirs; a stack sharing its batches is kept whole.
Algorithm 1 with a callback keeps the network's values at every record too (record(); a file of
their own, read only by a call with a callback); a later
call with a callback takes the result and replays the records to its callback, which sees the
network at each record as training would have shown it (callbacks must only read the network's
values and the history, as minifa's all do): App. B.3's, Fig. 3d's and Fig. 5a's Algorithm 1 on
the same ten networks run once. train() with a callback writes its entry but never reads one; a
call continuing an optimiser (train(opt=...)) neither reads nor writes. An entry is written whole (a
temporary file renamed into place): a reader sees all of it or none; a failed write (a full
disk) is reported and training goes on.
"""
import os
import pickle
import sys
import tempfile
from contextlib import contextmanager

from . import backend
from .store_key import keys  # noqa: F401 (store.keys: the keys of a training call)

ENV = "MINIFA_STORE"
RECORDS = ".records"  # <key>.records.pkl: Algorithm 1's network at every record, for a later call's callback


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
    at every record from the values kept there (None where none were kept; read only then), as
    training calls it: net holding that record's values, hist the records up to it."""
    root = folder()
    entries = root and _read(root, ks)
    records = entries and callback and _read(root, [k + RECORDS for k in ks])
    if not entries or (callback and not records):
        return None
    hist = entries[0]["hist"] if not ks.per_net else {
        name: [[e["hist"][name][j][0] for e in entries] if isinstance(v, list) else v for j, v in enumerate(values)]
        for name, values in entries[0]["hist"].items()}
    for j in range(len(records[0]) if callback else 0):
        for i, r in enumerate(records):
            _put(ks, net, r[j], i)
        callback(net, {name: values[:j + 1] for name, values in hist.items()})
    for i, e in enumerate(entries):
        _put(ks, net, e["values"], i)
    return hist


def _read(root, names):
    """The objects pickled in root's files <name>.pkl, or None where one is missing."""
    paths = [os.path.join(root, name + ".pkl") for name in names]
    if not all(os.path.exists(p) for p in paths):
        return None
    out = []
    for path in paths:
        with open(path, "rb") as f:
            out.append(pickle.load(f))
    return out


def _entries(ks, net, hist, records):
    """(key, entry, records) triples: one (theta and history), or one per network of a stack, each with
    its own values, history (its value of each per-network record as a one-item list) and records;
    none where a record is a list but not one value per network (nothing kept)."""
    if not ks.per_net:
        return [(ks[0], {"values": backend.to_host(net.theta), "hist": hist}, records)]
    if any(isinstance(v, list) and len(v) != len(ks) for values in hist.values() for v in values):
        return []
    return [(k, {"values": [backend.to_host(a[i]) for a in trained(net)],
                 "hist": {name: [[v[i]] if isinstance(v, list) else v for v in vs] for name, vs in hist.items()}},
             None if records is None else [[a[i] for a in r] for r in records]) for i, k in enumerate(ks)]


def save(ks, net, hist, records=None):
    """Keep net's trained values and the history under the keys ks (nothing without a store), and
    records: net's values at each record (record()), for a later call's callback, in a file of their
    own (<key>.records.pkl, written first; read only by a call with a callback). A write that fails
    (e.g. a full disk) is reported on stderr and leaves nothing more: the store only saves time, it
    never stops a run. Each file is written whole (a temporary file renamed into place)."""
    root = folder()
    for k, entry, recs in _entries(ks, net, hist, records) if root else []:
        if not all(_write(root, name, obj) for name, obj in ((k + RECORDS, recs), (k, entry)) if obj is not None):
            return


def _write(root, name, obj):
    """Pickle obj to root/<name>.pkl through a temporary file renamed into place; False (reported)
    where the write failed."""
    tmp = None
    try:
        os.makedirs(root, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=root, prefix=".part-", suffix=".pkl")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(root, name + ".pkl"))
        return True
    except OSError as e:
        print(f"warning: the run's store of trained networks ({root}) could not keep a result, which is "
              f"then trained again where asked for: {e}", file=sys.stderr, flush=True)
        _remove(tmp)
        return False
    except BaseException:
        _remove(tmp)
        raise


def _remove(path):
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass
