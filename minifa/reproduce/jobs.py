"""Worker processes of a reproduction: one `python -m minifa.experiments NN` each, logged,
with a timeout, and all of them stopped within seconds on Ctrl-C or SIGTERM.

Each child runs in its own process group (start_new_session), so a terminal's Ctrl-C reaches
only the parent, which then stops every child itself: SIGTERM to its group, and SIGKILL to
whatever still runs GRACE seconds later (stop_all). No child outlives the run.
"""
import os
import signal
import subprocess
import sys
import threading
import time

import minifa

GRACE = 3.0                       # seconds between SIGTERM and SIGKILL when stopping children
_live, _lock = set(), threading.Lock()
_stopping = threading.Event()


def command(num, out, size="paper", init=None, takes_init=False):
    """The command line of one experiment's worker process."""
    cmd = [sys.executable, "-m", "minifa.experiments", num, "--out", out]
    cmd += [f"--{size}"] if size != "paper" else []
    return cmd + (["--init", init] if init and takes_init else [])


def child_env(threads=None, jobs=1, store=None):
    """The child's environment: the same minifa as this process (an installed package, or the
    checkout it was imported from), no screen, BLAS threads when asked, when the jobs run at
    once leave no core free, the noise drawn in the training loop (threads.noise_thread), and
    the run's store of trained networks (minifa/store.py; the run's own, whatever MINIFA_STORE says)."""
    here = os.path.dirname(os.path.dirname(os.path.abspath(minifa.__file__)))
    env = {**os.environ, "MPLBACKEND": "Agg",
           "PYTHONPATH": os.pathsep.join(filter(None, [here, os.environ.get("PYTHONPATH")]))}
    if threads:
        env.update({k: str(threads) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")})
    if jobs >= (os.cpu_count() or 1) and "MINIFA_NOISE_THREAD" not in os.environ:
        env["MINIFA_NOISE_THREAD"] = "0"
    if store:
        env["MINIFA_STORE"] = store
    return env


def run_job(cmd, log, timeout=None, echo=True, env=None):
    """Run cmd, copying its output to `log` (and the screen when echo). Returns
    {'status': ok | failed | timeout | stopped, 'rc', 'wall_s', 'log'}."""
    t0, state = time.perf_counter(), None
    os.makedirs(os.path.dirname(log), exist_ok=True)
    with open(log, "w", buffering=1) as f:               # line-buffered: `tail -f` of a log shows progress
        with _lock:
            if _stopping.is_set():
                return {"status": "stopped", "rc": None, "wall_s": 0.0, "log": log}
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
                                    env=env or child_env(), start_new_session=True)
            _live.add(proc)
        reader = threading.Thread(target=_copy_lines, args=(proc.stdout, f, echo), daemon=True)
        reader.start()
        try:
            rc = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            rc, state = None, "timeout"
            _stop(proc)
        finally:
            with _lock:
                _live.discard(proc)
        reader.join()
    if _stopping.is_set() and state is None and rc != 0:
        state = "stopped"
    return {"status": state or ("ok" if rc == 0 else "failed"), "rc": rc,
            "wall_s": time.perf_counter() - t0, "log": log}


def _copy_lines(src, log, echo):
    for line in src:
        log.write(line)
        if echo:
            print("    " + line, end="", flush=True)


def _stop(proc):
    """SIGTERM to the child's process group, SIGKILL after GRACE seconds."""
    for sig, wait in ((signal.SIGTERM, GRACE), (signal.SIGKILL, None)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def stop_all():
    """Stop every running child (and start no new one); returns when all have exited."""
    _stopping.set()
    with _lock:
        procs = list(_live)
    threads = [threading.Thread(target=_stop, args=(p,)) for p in procs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def reset():
    """Allow new children again (a new run in the same process, e.g. in tests)."""
    _stopping.clear()


class TermAsInterrupt:
    """Inside it, SIGTERM stops the run as Ctrl-C does (KeyboardInterrupt in the main thread)."""

    def __enter__(self):
        def handler(signum, frame):
            raise KeyboardInterrupt
        self.old = signal.signal(signal.SIGTERM, handler)
        return self

    def __exit__(self, *exc):
        signal.signal(signal.SIGTERM, self.old)
        return False
