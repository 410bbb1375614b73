"""Writing files into a data home safely: the destination check, stale temporary files,
streaming with progress, verifying and renaming into place, extracting archive members,
and downloading.

A file is written to a locked temporary ``<folder>/.<name>.partial-XXXX``
(``store.partial_file``), verified, then renamed into place; a ``.partial-`` file
survives only a process killed outright, and ``remove_stale_partials`` clears it later.
"""
import errno
import http.client
import os
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..progress import Progress
from .formats import DataError
from .durable import fsync_dir, fsync_file
from .store import (SUMS_FILE, ChecksumError, DestinationError, file_digests, lock, partial_file,
                    read_sums, record_sum, umask_mode, verify_file)

STALE_UNLOCKED_S = 60     # an unlocked .partial- file this old (seconds) was left by a dead fetch
STALE_NO_LOCKS_S = 3600   # where locks don't exist (no fcntl, or no flock on the file system)
BIG = 64 << 20            # copies and extractions from this size (bytes) show progress
DISK_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}


class NetworkError(DataError):
    """No upstream URL could be reached."""


def _stale(path):
    """Whether a ``.partial-`` file was left by a dead fetch: no process holds its lock (a
    live fetch holds it; the kernel drops it when the process dies) and it is over a minute
    old (a new one is locked microseconds after it is made).  Where locks don't exist: when
    it has not changed for an hour."""
    age = time.time() - path.stat().st_mtime
    if age < STALE_UNLOCKED_S:
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        held = lock(fd, wait=False)
    finally:
        os.close(fd)
    return age > STALE_NO_LOCKS_S if held is None else held


def remove_stale_partials(folder):
    """Delete the stale ``.*.partial-*`` files in ``folder`` (see ``_stale``); return their names."""
    removed = []
    for p in sorted(Path(folder).glob(".*.partial-*")) if Path(folder).is_dir() else []:
        try:
            if p.is_file() and _stale(p):
                p.unlink()
                removed.append(p.name)
        except OSError:           # gone meanwhile, or not ours to delete: leave it
            pass
    return removed


def prepare_dest(dest, folder):
    """Create ``<dest>/<folder>`` and check that both can be written; else DestinationError
    naming the folder and the fix."""
    for where in (dest, dest / folder):
        try:
            where.mkdir(parents=True, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=where)
            os.close(fd)
            os.remove(probe)
        except OSError as e:
            blocker = next((p for p in [where, *where.parents] if p.exists()), where)
            if not blocker.is_dir():
                why, fix = f"{blocker} is a file, not a folder", "naming a folder"
            else:
                why = f"{e.strerror or e} (read-only?)"
                fix = f"naming a writable folder, or make {where} writable"
            raise DestinationError(f"cannot write to {where}: {why}. Pass --dest DIR (or set "
                                   f"MINIFA_DATA=DIR) {fix}") from None


# --------------------------------------------------------------------------- transfer

def stream(src, out, total, label, show):
    """Copy ``src`` to ``out`` in 1 MiB blocks; ``total`` bytes (0: unknown).  When ``show``,
    a progress line goes to stderr every few seconds and at the end."""
    progress = Progress(label if total else f"{label} (size unknown)", total,
                        quiet=not show, unit=" bytes")
    done, last = 0, time.monotonic()
    for block in iter(lambda: src.read(1 << 20), b""):
        out.write(block)
        done += len(block)
        # Progress prints whenever done >= total, i.e. always when total is 0: pace it here
        if total or time.monotonic() - last >= progress.every:
            progress.update(done)
            last = time.monotonic()
    if not total:
        progress.update(done)


def finalize(ds, fs, tmp, dest, *, sums, shown, hint):
    """Verify a finished temp file and put it in place; return how it was verified.

    Order: the file's bytes are flushed to disk, its sha256 is recorded in SHA256SUMS (an
    atomic rewrite, ``store.record_sum``), and only then is it renamed into place.  A crash
    in between leaves at most a line for a file not yet there (harmless: trust needs the
    bytes to match it).  When SHA256SUMS cannot be rewritten (a full disk), it stays as it
    was and an OSError says so: a file matching upstream's md5 is put in place all the same
    (it needs no line); a rebuilt copy, trusted only through its line, is not."""
    how = verify_file(tmp, ds, fs, sums, shown=shown, hint=hint)
    md5, sha = file_digests(tmp)
    os.chmod(tmp, umask_mode())
    fsync_file(tmp)
    final, upstream = dest / ds.folder / fs.name, md5 == fs.md5
    try:
        record_sum(dest, f"{ds.folder}/{fs.name}", sha)
    except OSError as e:
        if upstream:
            _place(tmp, final)
        kept = (f"{fs.name} is in place all the same (it matches upstream's md5)" if upstream
                else f"{fs.name} was not put in place (this rebuilt copy is trusted only "
                     f"through its line there)")
        fix = "Free some space" if e.errno in DISK_ERRNOS else "Fix that"
        raise OSError(e.errno, f"{e.strerror or e}: could not update {dest / SUMS_FILE}, left as "
                               f"it was; {kept}. {fix} and run the same command again") from e
    _place(tmp, final)
    return how


def _place(tmp, final):
    os.replace(tmp, final)
    fsync_dir(final.parent)


def check_present(ds, fs, path, sums, mirror, dest):
    """Verify a file already in ``dest``; return how (or raise ``DataError``), and write its
    missing line in ``dest``'s SHA256SUMS again.  A rebuilt copy whose line is missing or
    stale (lost to a full disk or a crash by an older minifa, or SHA256SUMS deleted) but
    which the mirror's SHA256SUMS lists is accepted, instead of being copied a second time."""
    rel, needed = f"{ds.folder}/{fs.name}", False
    try:
        verify_file(path, ds, fs, sums)
        how = "already present, verified"
        if rel in sums:
            return how
    except ChecksumError as e:
        if not (fs.rebuilt_ok and mirror is not None and (Path(mirror) / SUMS_FILE).is_file()):
            raise
        try:
            verify_file(path, ds, fs, read_sums(mirror))
        except DataError:
            raise e from None
        how, needed = "already present, verified by the mirror's SHA256SUMS", True
    try:
        record_sum(dest, rel, file_digests(path)[1])
    except OSError:
        if needed:             # without its line a rebuilt copy will not load: say so
            raise
        return how             # it matches upstream's md5: the line is a convenience
    return f"{how} (its line in SHA256SUMS written again)"


def install(ds, fs, src, total, dest, *, sums, shown, hint, label, show):
    """Stream ``src`` to a temp file next to the target, then ``finalize`` it."""
    with partial_file(dest / ds.folder, fs.name) as (fd, tmp):
        with os.fdopen(fd, "wb", closefd=False) as out:
            stream(src, out, total, label, show)
        return finalize(ds, fs, tmp, dest, sums=sums, shown=shown, hint=hint)


def check_archive(path, md5, shown, hint):
    got = file_digests(path)[0]
    if got != md5:
        raise ChecksumError(f"{shown}: checksum mismatch (expected md5 {md5}, got {got}); {hint}")


def extract(ds, archive_path, todo, dest, shown, report):
    """Stream the wanted members of a verified archive into place; return those not found."""
    wanted = {f"{ds.archive.prefix}/{fs.name}": fs for fs in todo}
    hint = f"the archive {shown} does not hold the expected files"
    with tarfile.open(archive_path, "r:gz") as tf:
        for member in tf:
            fs = wanted.get(member.name)
            if fs is None or not member.isfile():
                continue
            how = install(ds, fs, tf.extractfile(member), member.size, dest, sums=None,
                          shown=f"{shown}:{member.name}", hint=hint,
                          label=f"extracting {fs.name}", show=member.size >= BIG)
            report.note(fs, "extracted", f"extracted from {ds.archive.name}, {how}")
            del wanted[member.name]
    return list(wanted.values())


# --------------------------------------------------------------------------- network

def download(urls, fd, timeout, key, name):
    """Download the first reachable URL into the open file ``fd``; return it, or raise NetworkError."""
    errors = []
    for url in urls:
        os.lseek(fd, 0, os.SEEK_SET)
        os.ftruncate(fd, 0)            # drop what a failed URL left
        try:
            with urllib.request.urlopen(url, timeout=timeout) as r, \
                    os.fdopen(fd, "wb", closefd=False) as out:
                total = int(r.headers.get("Content-Length") or 0)
                stream(r, out, total, f"downloading {url}", show=True)
            return url
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as e:
            if getattr(e, "errno", None) in DISK_ERRNOS:
                raise                  # the disk is full, not the network down: say so
            errors.append(f"{url}: {getattr(e, 'reason', None) or e}")
    raise NetworkError(
        f"could not download {name}: {'; '.join(errors)}. No network? Copy from a local mirror "
        f"instead: python data_fetch.py {key} --mirror DIR (or set MINIFA_MIRROR=DIR), e.g. "
        f"--mirror ../shared/datasets. See docs/datasets.md.")


def from_network(ds, todo, dest, report, timeout):
    """Download ``todo`` (single files, or the archive and its members) into ``dest``."""
    folder = dest / ds.folder
    hint = (f"the download is damaged or upstream changed; nothing was written to {folder}. "
            f"Retry later")
    if ds.archive is None:
        for fs in todo:
            with partial_file(folder, fs.name) as (fd, tmp):
                try:
                    url = download([b + fs.name for b in ds.base_urls], fd, timeout, ds.key,
                                   fs.name)
                    how = finalize(ds, fs, tmp, dest, sums=None, shown=url, hint=hint)
                    report.note(fs, "downloaded", f"downloaded from {url}, {how}")
                except NetworkError:
                    raise
                except DataError as e:
                    report.fail(fs, e)
        return
    with partial_file(folder, ds.archive.name) as (fd, tmp):
        try:
            url = download(ds.archive.urls, fd, timeout, ds.key, ds.archive.name)
            check_archive(tmp, ds.archive.md5, url, hint)
            report.log(f"  {ds.archive.name:<28} downloaded from {url}, md5 matches upstream")
            for fs in extract(ds, Path(tmp), todo, dest, url, report):
                report.fail(fs, DataError(f"{url} has no member {ds.archive.prefix}/{fs.name}"))
        except NetworkError:
            raise
        except DataError as e:
            report.fail_archive(ds.archive.name, e)
