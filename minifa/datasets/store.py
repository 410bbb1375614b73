"""Where data files live and how they are trusted: the data home, the mirror, checksums,
the ``SHA256SUMS`` file, temporary ``.partial-`` files, and the error classes.

Layout, in the data home and in a mirror alike: ``<root>/<folder>/<canonical file name>``,
plus ``<root>/SHA256SUMS`` (``sha256sum`` format, paths relative to root).
"""
import errno
import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from .durable import fsync_dir, write_all
from .formats import DataError, read_cifar_batch
from .registry import get_spec, split_states

try:
    import fcntl
except ImportError:        # not POSIX (Windows): no locks (see transfer.remove_stale_partials)
    fcntl = None

SUMS_FILE = "SHA256SUMS"
SUMS_LOCK = ".SHA256SUMS.lock"   # kept: deleting a lock file lets two writers lock two files


class MissingDataError(DataError, FileNotFoundError):
    """A file a loader needs is in neither the data home nor the mirror."""


class ChecksumError(DataError):
    """A file's checksum matches neither upstream nor a trusted SHA256SUMS."""


class DestinationError(DataError):
    """The fetch destination cannot be written (read-only, or a file, not a folder)."""


# --------------------------------------------------------------------------- places

def data_home():
    """The data home: ``$MINIFA_DATA`` if set, else ``~/.minifa/data``."""
    return Path(os.environ.get("MINIFA_DATA") or "~/.minifa/data").expanduser()


def mirror_from_env():
    """The local mirror named by ``$MINIFA_MIRROR``, or None."""
    value = os.environ.get("MINIFA_MIRROR")
    return Path(value).expanduser() if value else None


def search_roots(root=None):
    """Folders searched for files: [root] if given, else [data home, $MINIFA_MIRROR]."""
    if root is not None:
        return [Path(root).expanduser()]
    roots = [data_home()]
    mirror = mirror_from_env()
    if mirror is not None and mirror.resolve() != roots[0].resolve():
        roots.append(mirror)
    return roots


def locate(name, filename, root=None):
    """Path of ``<root>/<folder>/<filename>`` in the first root that has it, else None."""
    spec = get_spec(name)
    for r in search_roots(root):
        p = r / spec.folder / filename
        if p.is_file():
            return p
    return None


def split_status(name, root=None):
    """{split: "complete" | "partial" | "missing"} by which files are present.

    Presence only; checksums are checked when a split is loaded."""
    return split_states(get_spec(name), lambda f: locate(name, f.name, root) is not None)


def available_splits(name, root=None):
    """Splits whose files are all present, e.g. ``['test']`` for the mirror's KMNIST."""
    return [s for s, st in split_status(name, root).items() if st == "complete"]


def _inside(path, folder):
    try:
        return folder is not None and Path(path).resolve().is_relative_to(Path(folder).resolve())
    except OSError:
        return False


# --------------------------------------------------------------------------- checksums

def file_digests(path):
    """(md5, sha256) hex digests of a file, in one pass."""
    md5, sha = hashlib.md5(), hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            md5.update(block)
            sha.update(block)
    return md5.hexdigest(), sha.hexdigest()


def read_sums(root):
    """Parse ``<root>/SHA256SUMS`` (``sha256sum`` format) into {relative path: sha256}."""
    path = Path(root) / SUMS_FILE
    sums = {}
    if path.is_file():
        for line in path.read_text().splitlines():
            parts = line.strip().split(None, 1)
            if len(parts) == 2 and len(parts[0]) == 64:
                sums[parts[1].lstrip("*").strip()] = parts[0].lower()
    return sums


def lock(fd, wait=True):
    """Take an exclusive lock on the open file ``fd`` (released when it is closed): True once
    held, False when another process holds it (``wait=False``), None where locks don't
    exist (no fcntl; a file system without flock)."""
    if fcntl is None:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        return True
    except OSError as e:
        if e.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
            return None
        if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
            return False
        raise


@contextmanager
def _locked(path):
    """Hold an exclusive lock on the file ``path`` (created if absent); none where locks
    don't exist."""
    with open(path, "a") as f:
        lock(f.fileno())
        yield


def record_sum(root, rel, sha):
    """Set ``rel``'s line in ``<root>/SHA256SUMS``.  Read-modify-write under a lock on
    ``<root>/.SHA256SUMS.lock``, so concurrent fetches lose no line.  The new text goes to a
    temporary file in ``root``, is flushed to disk (fsync) and replaces the old file by an
    atomic rename: a reader never sees half a file, and a full disk or a crash leaves the
    previous SHA256SUMS whole (the error, e.g. ENOSPC, is raised; the temp file removed)."""
    root = Path(root)
    with _locked(root / SUMS_LOCK):
        sums = read_sums(root)
        sums[rel] = sha
        with partial_file(root, SUMS_FILE) as (fd, tmp):
            write_all(fd, "".join(f"{h}  {p}\n" for p, h in sorted(sums.items())).encode())
            os.fsync(fd)
            os.chmod(tmp, umask_mode())
            os.replace(tmp, root / SUMS_FILE)
        fsync_dir(root)


def umask_mode():
    """Mode 0o666 less the umask (mkstemp creates files 0o600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def partial_file(folder, name):
    """A new temporary ``<folder>/.<name>.partial-XXXX``: yields (fd, path).  Locked while it
    exists, so ``transfer.remove_stale_partials`` never takes a live one; removed on exit (error,
    Ctrl-C) unless the caller renamed it into place."""
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.partial-", dir=folder)
    try:
        lock(fd, wait=False)      # a new file: nobody else can hold it
        yield fd, tmp
    finally:
        try:
            os.remove(tmp)        # before closing: the lock is ours until it is gone
        except FileNotFoundError:
            pass
        os.close(fd)


# --------------------------------------------------------------------------- verification

def fix_hint(ds, path):
    """How to repair the bad file ``path``.  Deleting is advised only in the data home:
    a mirror is shared and often read-only, so there the advice is to fetch a good copy
    into the data home, which loaders read first."""
    path, home, mirror = Path(path), data_home(), mirror_from_env()
    if _inside(path, home):
        return (f"delete it and fetch again: python data_fetch.py {ds.key} "
                f"(or add --mirror DIR to copy from a local mirror)")
    fetch_home = f"python data_fetch.py {ds.key} (into the data home {home}, read first)"
    if _inside(path, mirror):
        return (f"the copy in the mirror {mirror} (MINIFA_MIRROR) is bad: leave the mirror as "
                f"it is (shared, often read-only), tell whoever maintains it, and fetch a good "
                f"copy into your data home: {fetch_home}")
    root = path.parent.parent
    return (f"if {root} is your own folder, delete the file and fetch again: "
            f"python data_fetch.py {ds.key} --dest {root}; if it is a shared mirror, leave it "
            f"and fetch into your data home instead: {fetch_home}")


def verify_file(path, ds, fs, sums=None, *, shown=None, hint=None):
    """Check one file; return how it was verified, or raise ``ChecksumError``.

    Accepted: md5 (and sha256, where known) equal to upstream.  For files marked
    ``rebuilt_ok`` (CIFAR pickles), also a copy whose sha256 is listed for
    ``<folder>/<name>`` in ``sums`` (the SHA256SUMS of the mirror or data home it
    sits in) and which parses as a valid batch.  ``shown`` names the file in
    messages (default ``path``); ``hint`` says how to fix it (default ``fix_hint``).
    """
    shown, hint = shown or path, hint or fix_hint(ds, path)
    md5, sha = file_digests(path)
    if md5 == fs.md5 and fs.sha256 in (None, sha):
        return "md5 matches upstream" + (" (and sha256)" if fs.sha256 else "")
    listed = (sums or {}).get(f"{ds.folder}/{fs.name}")
    if fs.rebuilt_ok and listed == sha:
        try:
            _check_parses(path, ds, fs)
        except DataError as e:
            raise ChecksumError(f"{shown}: listed in SHA256SUMS but not a valid {ds.title} "
                                f"batch ({e}); {hint}") from e
        return ("sha256 matches mirror SHA256SUMS, parses OK "
                "(pixel-exact rebuild, not upstream bytes)")
    why = f"expected md5 {fs.md5}, got {md5}"
    if md5 == fs.md5:
        why = f"md5 matches but sha256 is {sha}, expected {fs.sha256}"
    elif fs.rebuilt_ok:
        why += f"; its sha256 {sha} is not listed in SHA256SUMS" if listed is None else \
               f"; its sha256 {sha} differs from SHA256SUMS ({listed})"
    raise ChecksumError(f"{shown}: checksum mismatch ({why}): corrupt, truncated or not "
                        f"{ds.title}'s {fs.name}; {hint}")


def _check_parses(path, ds, fs):
    """A rebuilt CIFAR batch must parse, with labels in range (its bytes differ from upstream)."""
    if ds.fmt == "cifar" and fs.split != "meta":
        key = b"fine_labels" if ds.num_classes == 100 else b"labels"
        _, labels = read_cifar_batch(path, key)
        if labels.size and labels.max() >= ds.num_classes:
            raise DataError(f"{path}: label {labels.max()} out of range for {ds.title}")
