"""Where a sweep's cells run: local worker processes, or an existing Dask cluster.

Both are concurrent.futures executors: ProcessPoolExecutor (spawned processes, --jobs N) or
dask.distributed's Client(address).get_executor() (--scheduler tcp://HOST:PORT). The cell runs
on the worker and returns its record; this process writes it (store.save), so a remote cluster
needs no shared disk, and a record exists whole or not at all. A local worker whose parent dies
(kill -9) exits within a second (it watches its parent), so none outlives the sweep.
"""
import os
import signal
import socket
import threading
import time
from concurrent.futures import FIRST_COMPLETED, wait

from ..stats import p_text
from .cell import run_cell

CONNECT_S = 10          # seconds to reach a Dask scheduler


class SetupError(RuntimeError):
    """The executor cannot start: the message names the flag and the fix."""


def _watch_parent(parent):
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(1)                       # the sweep died: nothing here is worth finishing


def _local_init(parent, threads):
    """Each local worker: quiet progress bars, its share of BLAS threads, Ctrl-C left to the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault("MINIFA_QUIET", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")
    if threads:
        os.environ.setdefault("MINIFA_BLAS_THREADS", str(threads))
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def local(jobs):
    """(executor, what it is) of `jobs` spawned worker processes on this machine."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    cores = os.cpu_count() or 1
    threads = max(1, cores // jobs - 1) if jobs > 1 else None     # a core per worker's noise thread
    ex = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                             initializer=_local_init, initargs=(os.getpid(), threads))
    return ex, f"{jobs} local worker process{'es' if jobs > 1 else ''}"


def dask(address):
    """(executor, what it is) sending cells to the Dask scheduler at `address`."""
    try:
        from distributed import Client
    except ImportError:
        raise SetupError("--scheduler needs dask.distributed, which is not installed here: "
                         "pip install -e \".[cluster]\" (or pip install \"distributed>=2024.1\")") from None
    try:
        client = Client(address, timeout=CONNECT_S)
    except (OSError, TimeoutError, ValueError) as e:
        raise SetupError(f"--scheduler {address}: no Dask scheduler answers there ({type(e).__name__}: {e}). "
                         f"Start one with `dask scheduler` and workers with `dask worker {address}`") from None
    n = len(client.scheduler_info().get("workers", {}))
    ex = client.get_executor(pure=False)          # pure=False: a rerun computes again, never a cached result
    ex.client = client
    return ex, f"the Dask cluster at {address} ({n} worker{'s' if n != 1 else ''} now" + \
        ("; cells wait until one joins" if not n else "") + ")"


def stop(ex):
    """Stop an executor now: pending cells cancelled, local workers terminated."""
    for p in list((getattr(ex, "_processes", None) or {}).values()):
        p.terminate()
    ex.shutdown(wait=False, cancel_futures=True) if hasattr(ex, "_processes") else ex.shutdown(wait=False)
    if getattr(ex, "client", None) is not None:
        ex.client.close()


def line(record):
    """A cell's progress line: its main outcomes, time and worker."""
    t = record["tests"]
    return (f"AUC gain {t['auc_gain']['gain']:+.2f} ({p_text(t['auc_gain']['p'])}), final accuracy gain "
            f"{t['final_gain']['gain']:+.2f} ({p_text(t['final_gain']['p'])}), ECE after data w/ - w/o "
            f"{t['ece_data']['gain']:+.2f}; {record['wall_s']:.1f} s on {record['ran_on']}")


def run(cells, ex, on_record=None, say=print):
    """Run `cells` on executor `ex`; on_record(record) as each arrives (the sweep saves it there).
    Returns ({name: record}, {name: error text} of the cells that failed)."""
    futures, records = {ex.submit(run_cell, c): c for c in cells}, {}
    failed, n, k = {}, len(cells), 0
    pending = set(futures)
    while pending:
        finished, pending = wait(pending, return_when=FIRST_COMPLETED)
        for f in finished:
            c, k = futures[f], k + 1
            try:
                record = f.result()
            except Exception as e:                     # one cell's failure stops no other cell
                failed[c["name"]] = f"{type(e).__name__}: {e}"
                say(f"[{k}/{n}] {c['name']}: FAILED: {failed[c['name']]}")
                continue
            if on_record is not None:
                on_record(record)
            records[c["name"]] = record
            say(f"[{k}/{n}] {c['name']}: {line(record)}")
    return records, failed


def host():
    return socket.gethostname()
