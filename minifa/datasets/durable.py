"""Writing bytes so that they survive a crash or a power cut: every write is complete, and a
file's bytes, then the folder entry that a rename makes, are flushed to disk (fsync) before
anything relies on them.  Used by ``store.record_sum`` and ``transfer.finalize``."""
import os


def write_all(fd, data):
    """Write all of ``data`` (bytes) to the open file ``fd``: ``os.write`` may write less, and
    raises (e.g. ENOSPC on a full disk) where it cannot write at all."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def fsync_file(path):
    """Flush a written file's bytes to disk, e.g. before it is renamed into place."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(folder):
    """Flush a folder's entries (a rename into it) to disk; nothing where a folder cannot be
    opened or fsynced (Windows, some network file systems)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
