"""How many BLAS threads minifa's loops use on a CPU: one policy, in one place.

Algorithm 1 draws its noise on a helper thread (noise.NoiseStream). With OpenBLAS's default
(one thread per core) the BLAS threads and the helper then compete for the cores, and
OpenBLAS threads spin while they wait: on a loaded 2-core machine that turned a 22 s run
into 345 s. So inside pretrain_noise and train minifa limits BLAS to cores - 1 threads
(at least 1), with threadpoolctl, unless the user chose a count: OPENBLAS_NUM_THREADS,
OMP_NUM_THREADS, MKL_NUM_THREADS or BLIS_NUM_THREADS set, or MINIFA_BLAS_THREADS=N to
give minifa's loops an exact count (0: leave BLAS alone).

The noise thread itself pays only where a core is free for it: with every core busy (the
reproduction running as many experiments as cores) it costs 3-5% more CPU than drawing the noise
in the training loop (two processes on 2 cores, 784-100-10: 680-690 vs 650-670 µs per network-step).
MINIFA_NOISE_THREAD=0 draws it in the loop (python -m minifa.reproduce sets it for its workers when
--jobs >= cores), =1 on a helper thread (the default on a CPU with 2 or more cores).
"""
import os
from contextlib import contextmanager

from . import backend

USER_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def policy():
    """BLAS threads for minifa's loops, or None to leave BLAS as it is."""
    if backend.device != "cpu":
        return None
    own = os.environ.get("MINIFA_BLAS_THREADS")
    if own is not None:
        return int(own) or None
    if any(os.environ.get(v) for v in USER_VARS):
        return None
    return max(1, (os.cpu_count() or 1) - 1)


def noise_thread():
    """Whether Algorithm 1 draws its noise on a helper thread (noise.NoiseStream): MINIFA_NOISE_THREAD,
    else where there are two cores or more. The numbers are the same either way."""
    own = os.environ.get("MINIFA_NOISE_THREAD")
    if own in ("0", "1"):
        return own == "1"
    if own is not None:
        raise ValueError(f"MINIFA_NOISE_THREAD must be 0 or 1, got {own!r}")
    return (os.cpu_count() or 1) >= 2


@contextmanager
def blas_threads():
    """Inside the block, BLAS uses policy() threads (nothing changes when it is None)."""
    n = policy()
    if n is None:
        yield
        return
    from threadpoolctl import threadpool_limits
    with threadpool_limits(limits=n, user_api="blas"):
        yield


CORE_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")    # set by some machines, to override OpenBLAS's choice


def kernel(info=None, env=os.environ):
    """The BLAS NumPy uses and the kernels it runs, e.g. 'openblas 0.3.31.188.0, SkylakeX kernels'.

    The kernels fix the order of a product's sums, so two machines give a reproduction the same last
    bits only on the same kernels (the report's machine line names them: reproduce.machine.machine). A machine may
    override OpenBLAS's own choice (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE): the text then names it.
    `info`: threadpoolctl's BLAS entries (read here when None)."""
    if info is None:
        import numpy  # noqa: F401  (loads its BLAS, so threadpoolctl sees it)
        from threadpoolctl import threadpool_info
        info = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not info:
        return "none found by threadpoolctl"
    lib = next((i for i in info if "numpy" in str(i.get("filepath", ""))), info[0])   # NumPy's runs our products
    arch = lib.get("architecture")
    text = f"{lib.get('internal_api')} {lib.get('version')}" + (f", {arch} kernels" if arch else "")
    forced = [f"{v}={env[v]}" for v in CORE_VARS if env.get(v)]
    return text + (f" ({', '.join(forced)} set)" if forced and lib.get("internal_api") == "openblas" else "")
