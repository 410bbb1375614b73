"""Writing files into a data home safely: the destination check, stale temporary files,
streaming with progress, verifying and renaming into place, extracting archive members,
and downloading.

A file is written to a locked temporary ``<folder>/.<name>.partial-XXXX``
(``store.partial_file``), verified, then renamed into place; a ``.partial-`` file
survives only a process killed outright, and ``remove_stale_partials`` clears it later.
"""
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
from .store import (ChecksumError, DestinationError, file_digests, lock, partial_file,
                    record_sum, umask_mode, verify_file)

STALE_UNLOCKED_S = 60     # an unlocked .partial- file this old (seconds) was left by a dead fetch
STALE_NO_LOCKS_S = 3600   # where locks don't exist (no fcntl, or no flock on the file system)
BIG = 64 << 20            # copies and extractions from this size (bytes) show progress


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
    """Verify a finished temp file, rename it into place, record its sha256; return how verified."""
    how = verify_file(tmp, ds, fs, sums, shown=shown, hint=hint)
    sha = file_digests(tmp)[1]
    os.chmod(tmp, umask_mode())
    os.replace(tmp, dest / ds.folder / fs.name)
    record_sum(dest, f"{ds.folder}/{fs.name}", sha)
    return how


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
