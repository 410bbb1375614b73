"""A run's store of trained networks: the same training, asked for twice in one run, runs once.

Several tutorials train networks that are, bit for bit, another tutorial's: tutorial 9's FA
and BP networks are Fig. 2's (tutorial 4), tutorial 6's are App. B.3's, tutorial 5's Algorithm 1
at depth 2 is Fig. 2's. `python -m minifa.reproduce` runs them in separate processes, so it
gives its workers one folder, MINIFA_STORE, for the run (deleted at its end). There,
pretrain_noise and train (training.py) keep what each call returns (the history) and the
network's trained values; a later call whose every input is the same takes them instead of
training again. Without MINIFA_STORE (the library's default) nothing is kept or read.

"Every input" is the key (key()): the network's values (W, b, B), its shape, rule, seeds and
dtype, the data's values (sha256 of the arrays' bytes), every setting of the call, the device,
and the source of minifa itself. A call with a callback writes its entry (a callback reads the
network, training.py never lets it change it) but never reads one: its callback must see the
network at every record. A call continuing an optimiser (train(opt=...)) neither reads nor writes.
An entry is written whole (a temporary file renamed into place): a reader sees all of it or none.
"""
import hashlib
import os
import pickle
import tempfile

from . import backend

ENV = "MINIFA_STORE"
_SOURCE = []          # sha256 of minifa's source files, computed once per process


def folder():
    """The store's folder (MINIFA_STORE), or None: no store."""
    return os.environ.get(ENV) or None


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
    """Add `value` to the hash h without ambiguity: arrays by dtype, shape and bytes (host copy),
    containers item by item, anything else by its repr (numbers, strings, None, dataclasses)."""
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        a = backend.host.ascontiguousarray(backend.to_host(value))
        h.update(f"array {a.dtype.str} {a.shape}|".encode())
        h.update(a.tobytes())
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
    call's inputs, the device and dtype, and minifa's source."""
    h = hashlib.sha256()
    _feed(h, {"kind": kind, "net": net_state(net), "inputs": inputs, "device": backend.device,
              "dtype": backend.host.dtype(backend.dtype).str, "source": source_hash()})
    return h.hexdigest()


def load(k, net):
    """The history kept under key k, with net's trained values set from the entry; None (net
    untouched) where there is no store or no such entry."""
    root = folder()
    path = root and os.path.join(root, k + ".pkl")
    if not path or not os.path.exists(path):
        return None
    with open(path, "rb") as f:
        entry = pickle.load(f)
    net.theta[...] = backend.asarray(entry["theta"], dtype=net.theta.dtype)
    for B, kept in zip(net.B, entry["B"]):
        B[...] = backend.asarray(kept, dtype=B.dtype)
    return entry["hist"]


def save(k, net, hist):
    """Keep net's trained values and the history under key k (nothing without a store)."""
    root = folder()
    if not root:
        return
    os.makedirs(root, exist_ok=True)
    entry = {"theta": backend.to_host(net.theta), "B": [backend.to_host(B) for B in net.B], "hist": hist}
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".part-", suffix=".pkl")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(entry, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, os.path.join(root, k + ".pkl"))
    except BaseException:
        os.unlink(tmp)
        raise
