"""What ran a reproduction: the machine, and two speed figures to scale its wall times by (the
report prints both): minifa's step, which moves with minifa's code and the machine, and the
BLAS floor under it, which moves with the machine only."""
import os
import platform
import subprocess
import time


def commit_of(root):
    """The git commit of the checkout at `root` (with '+' when its tracked files other than the committed
    results differ from it), or None (an installed package, no git)."""
    if not root:
        return None
    try:
        git = lambda *a: subprocess.run(["git", "-C", root, *a], capture_output=True, text=True, timeout=20)
        head = git("rev-parse", "--short=12", "HEAD")
        if head.returncode:
            return None
        return head.stdout.strip() + ("+" if git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!REPRODUCTION*.md",
                                             ":!reproduction").stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def machine():
    """A line describing this machine, the accelerator minifa would use and the BLAS kernels (which fix
    a product's last bits: threads.kernel)."""
    from .. import backend
    gpu = ""
    if backend.device == "gpu":
        try:
            gpu = f", GPU {backend.xp.cuda.runtime.getDeviceProperties(0)['name'].decode()}"
        except Exception:
            gpu = ", GPU"
    from ..threads import kernel
    return (f"{platform.platform()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
            f"minifa device '{backend.device}'{gpu}, BLAS {kernel()}")


def speed(steps=300):
    """A machine-speed figure to scale the wall times by: us per step of Algorithm 1 for one
    784-100-10 network (batch 64, noise and Adam included), best of 3."""
    from .. import MLP, pretrain_noise, store
    net, best = MLP([784, 100, 10], seed=0), float("inf")
    for r in range(3):
        t0 = time.perf_counter()
        with store.off():                                  # a kept result would time nothing
            pretrain_noise(net, n_examples=64 * steps, seed=r, log_every=10 ** 9, quiet=True)
        best = min(best, (time.perf_counter() - t0) / steps * 1e6)
    return f"{best:.0f} µs per network-step of Algorithm 1 (784-100-10, batch 64); {blas()}"


def blas(reps=200):
    """The machine's floor under that step, independent of minifa's code: the two first-layer matrix
    products of one step (64x784 by 784x100, and 100x64 by 64x784), best of 3, at minifa's BLAS threads."""
    from .. import backend
    from ..threads import blas_threads
    xp, rng = backend.xp, backend.rng(0)
    x, W, d = (rng.standard_normal(s, dtype=backend.dtype) for s in ((64, 784), (100, 784), (64, 100)))
    best = float("inf")
    with blas_threads():
        for _ in range(3):
            t0 = time.perf_counter()
            for _ in range(reps):
                x @ W.T, d.T @ x
            if backend.device == "gpu":
                xp.cuda.Device().synchronize()
            best = min(best, (time.perf_counter() - t0) / reps * 1e6)
    return f"BLAS floor {best:.0f} µs for the step's two first-layer products ({4 * 64 * 784 * 100 / best / 1e3:.0f} GFLOP/s)"
