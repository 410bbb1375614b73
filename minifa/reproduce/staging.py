"""A reproduction is a transaction: results go to a staging folder beside the target and move
into place only when every experiment ran; one run per output folder (a lock file).

    with OutputLock(out):                       # refuses a second run into `out`
        stage = make_stage(out)                 # <out>-partial-<time>/, writable or an error now
        ... every worker writes into stage ...
        commit(stage, out, stems)               # per-file renames, after all succeeded

An interrupted or failed run leaves `out` and the report exactly as they were; its partial
results stay in the stage folder, and the runner says where.
"""
import datetime
import glob
import os
import shutil
import signal

LOCK = ".minifa-reproduce.lock"


class Refused(Exception):
    """A run that cannot start (folder not writable, another run holds the lock)."""


def check_writable(folder):
    """Create `folder` if needed and write a probe file there, or raise Refused at once."""
    try:
        os.makedirs(folder, exist_ok=True)
        probe = os.path.join(folder, f".minifa-probe-{os.getpid()}")
        with open(probe, "w") as f:
            f.write("probe")
        os.remove(probe)
    except OSError as e:
        raise Refused(f"cannot write into {folder}: {e.strerror or e}. Choose another --out "
                      f"(or make it writable)") from None


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class OutputLock:
    """<out>/.minifa-reproduce.lock holding the holder's pid and start time. A lock left by a
    dead process is taken over (with a message); a live holder makes a second run refuse."""

    def __init__(self, out):
        self.path = os.path.join(out, LOCK)

    def __enter__(self):
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                pid, started = self._holder()
                if pid is not None and _alive(pid):
                    raise Refused(f"another reproduction (pid {pid}, started {started}) is writing into "
                                  f"{os.path.dirname(self.path)}: wait for it, stop it, or choose another --out") from None
                print(f"note: taking over a stale lock of pid {pid} (started {started}; it no longer runs)")
                os.remove(self.path)
                continue
            with os.fdopen(fd, "w") as f:
                f.write(f"{os.getpid()} {datetime.datetime.now().isoformat(timespec='seconds')}\n")
            return self
        raise Refused(f"could not take the lock {self.path}")

    def _holder(self):
        try:
            with open(self.path) as f:
                pid, started = (f.read().split() + ["?", "?"])[:2]
            return int(pid), started
        except (OSError, ValueError):
            return None, "?"

    def __exit__(self, *exc):
        try:
            if self._holder()[0] == os.getpid():
                os.remove(self.path)
        except OSError:
            pass


def make_stage(out):
    """A fresh, writable staging folder beside `out` (same file system: renames are atomic)."""
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    stage = f"{out.rstrip(os.sep)}-partial-{stamp}-{os.getpid()}"
    check_writable(stage)
    return stage


def commit(stage, out, stems):
    """Move the staged results of `stems` into `out`: first every old result of those
    experiments not produced again is removed, then each staged file is renamed into place.
    SIGINT is ignored meanwhile (milliseconds), so the move is never left half done."""
    old = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        staged = {os.path.relpath(p, stage) for p in glob.glob(os.path.join(stage, "**", "*"), recursive=True)
                  if os.path.isfile(p)}
        for stem in stems:
            for p in glob.glob(os.path.join(out, stem + ".json")) + glob.glob(os.path.join(out, stem + "*.png")):
                if os.path.relpath(p, out) not in staged:
                    os.remove(p)                      # a figure this run no longer draws: not stale in the report
        for rel in sorted(staged):
            os.makedirs(os.path.dirname(os.path.join(out, rel)), exist_ok=True)
            os.replace(os.path.join(stage, rel), os.path.join(out, rel))
        shutil.rmtree(stage, ignore_errors=True)
    finally:
        signal.signal(signal.SIGINT, old)
