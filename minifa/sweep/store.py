"""A sweep's folder: DIR/cells/<cell>.json, each written whole or not at all, and one writer at a time.

A cell's JSON goes to a temporary file beside it (.<cell>.json.<pid>.tmp), is flushed and
fsync'ed, then renamed over the final name (os.replace: atomic on POSIX), and the folder is
fsync'ed so the rename survives a crash. A killed sweep therefore leaves whole cells and at most
stray temporary files, which readers ignore and the next run removes. The writer holds an flock
on DIR/.sweep.lock, which the kernel releases when its process dies, even by kill -9.
"""
import fcntl
import glob
import json
import os

TMP = ".tmp"


class Busy(RuntimeError):
    """Another sweep is writing this folder."""


def cells_dir(out):
    return os.path.join(out, "cells")


def write_atomic(path, text):
    """Write text to path through a fsync'ed temporary file and os.replace."""
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}{TMP}")
    with open(tmp, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    fd = os.open(folder or ".", os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def save(out, record):
    """DIR/cells/<cell>.json, atomically."""
    os.makedirs(cells_dir(out), exist_ok=True)
    path = os.path.join(cells_dir(out), record["cell"] + ".json")
    write_atomic(path, json.dumps(record, indent=1))
    return path


def load(path):
    """A cell's record, or None when the file is absent or not a whole record."""
    try:
        with open(path) as f:
            record = json.load(f)
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and "cell" in record and "tests" in record else None


def finished(out):
    """{cell name: record} of every whole cell in DIR/cells (temporary files ignored)."""
    found = {}
    for path in sorted(glob.glob(os.path.join(cells_dir(out), "*.json"))):
        record = load(path)
        if record is not None:
            found[record["cell"]] = record
    return found


def clean(out):
    """Remove the temporary files a killed writer left (only call while holding the lock)."""
    stray = glob.glob(os.path.join(cells_dir(out), f".*{TMP}")) + glob.glob(os.path.join(out, f".*{TMP}"))
    for path in stray:
        os.remove(path)
    return stray


class Lock:
    """with Lock(out): the one writer of DIR (fcntl.flock; Busy when another sweep holds it)."""

    def __init__(self, out):
        self.path = os.path.join(out, ".sweep.lock")

    def __enter__(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.f = open(self.path, "a+")
        try:
            fcntl.flock(self.f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.f.seek(0)
            who = self.f.read().strip() or "another process"
            self.f.close()
            raise Busy(f"another sweep ({who}) is writing {os.path.dirname(self.path)}: wait for it, or "
                       "use another --out") from None
        self.f.seek(0)
        self.f.truncate()
        self.f.write(f"pid {os.getpid()}")
        self.f.flush()
        return self

    def __exit__(self, *exc):
        self.f.close()
