"""Can this machine run the lab?  ``python -m minifa.doctor`` checks it in one place.

It prints the versions of Python, NumPy, SciPy and matplotlib; the BLAS library, its threads,
the kernels it runs (and OpenBLAS's own choice where the machine overrides it: threads.kernel)
and minifa's thread policy (threads.py); the device (and CuPy, when present); every dataset
of the paper, present and verified by its checksums or the exact ``python data_fetch.py
NAME`` to run; whether the tutorials open as notebooks; whether the speed trick of keeping
W_0 as W_0^T gives this BLAS's old bits (fast.kept_T_differs); and times a few steps of Algorithm 1
end to end (784-100-10, batch 64, two seconds at most), the machine speed the reproduction
report prints beside its times.

    python -m minifa.doctor            # the lab's needs: exit 0 when it can run, 1 otherwise
    python -m minifa.doctor --all      # every dataset of the reproduction must be there too

Exit status: 0 when what was asked for can run, 1 when something it needs is missing (each
missing piece named with its fix), 2 on a bad flag.
"""
import argparse
import importlib
import os
import platform
import sys
import time

LAB_DATA = ("mnist",)      # tutorials 01 -> 03 -> 04 --lab and the exercises: MNIST only (04)
USED = {"kmnist": ("test",), "usps": ("test",)}   # the experiments read only these splits (07, 06)


def _version(name):
    try:
        return importlib.import_module(name).__version__
    except Exception:           # absent, or broken on import
        return None


def software(say):
    """Versions, BLAS and its threads; False when a runtime dependency is missing."""
    ok = True
    say(f"Python        {platform.python_version()} ({sys.executable})")
    for name in ("numpy", "scipy", "matplotlib", "threadpoolctl"):
        v = _version(name)
        say(f"{name:<13} {v or 'MISSING: pip install -e .'}")
        ok &= v is not None
    if not ok:
        return False
    from threadpoolctl import threadpool_info

    import numpy  # noqa: F401  (loads its BLAS, so threadpoolctl sees it)

    for lib in (i for i in threadpool_info() if i.get("user_api") == "blas"):
        whose = next((f"{p}'s " for p in ("numpy", "scipy") if p in str(lib.get("filepath", ""))), "")
        say(f"BLAS          {whose}{lib.get('internal_api')} {lib.get('version')}, {lib.get('num_threads')} threads "
            f"({os.cpu_count()} cores)")
    kernels(say)
    return True


def kernels(say):
    """The BLAS kernels NumPy runs (threads.kernel) and, where the machine overrides OpenBLAS's choice
    (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE), the kernels OpenBLAS picks by itself, asked of a fresh Python."""
    import subprocess

    from .threads import CORE_VARS, kernel
    text = kernel()
    if "OPENBLAS_CORETYPE=" not in text and "OPENBLAS_L2_SIZE=" not in text:
        return say(f"kernels       {text}")
    env = {k: v for k, v in os.environ.items() if k not in CORE_VARS}
    try:                                     # the same threads.kernel, in a Python without the override
        own = subprocess.run([sys.executable, "-c", "from minifa.threads import kernel; print(kernel())"], env=env,
                             capture_output=True, text=True, timeout=60).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        own = None
    committed = _committed_run().get("kernels")
    say(f"kernels       {text}" + ("" if not own or text.startswith(own) else
        f"; OpenBLAS's own choice here: {own}" + (f" (the committed report ran on {committed} kernels: the same "
        f"kernels give its last bits)" if committed else "") + f"; for a reproduction on them or a timing: "
        f"env -u {' -u '.join(CORE_VARS)} python -m ..."))


def device(say):
    """The device minifa picks, and CuPy's version when present."""
    from . import backend
    cupy = _version("cupy")
    try:
        backend.set_device(os.environ.get("MINIFA_DEVICE") or "auto")
    except (RuntimeError, ValueError) as e:     # MINIFA_DEVICE=gpu without a usable GPU, or a typo
        say(f"device        NOT USABLE: {e}")
        return False
    say(f"device        {backend.device}" + (f" (CuPy {cupy})" if cupy else " (CuPy not installed: CPU only)"))
    from . import threads
    n = threads.policy()
    say("threads       minifa's loops use " + (f"{n} BLAS thread(s) and one noise thread (threads.py)" if n else
        "the BLAS threads as set (OPENBLAS_NUM_THREADS, MINIFA_BLAS_THREADS, ... or the device)"))
    from . import kernels
    if backend.device == "cpu":
        numba = _version("numba")
        try:
            fused = kernels.fused()
        except (ValueError, RuntimeError) as e:   # MINIFA_FUSED mistyped, or =1 without Numba
            say(f"Adam          NOT USABLE: {e}")
            return False
        say("Adam          " + (f"fused in one loop by Numba {numba} (kernels.py; the noise's passes too)" if fused else
            "NumPy's 13 passes (MINIFA_FUSED=0)" if numba else
            "NumPy's 13 passes: pip install -e '.[fast]' (Numba) fuses them, the same numbers, 3-5x faster"))
    return True


def datasets(say, required):
    """Each dataset's splits, verified by checksum; False when a required one is not usable."""
    from .datasets import registry, store
    from .datasets.store import ChecksumError, read_sums, verify_file
    ok = True
    roots = ", ".join(str(r) for r in store.search_roots())
    say(f"data          looked for in {roots}")
    for key, spec in registry.REGISTRY.items():
        need = key in required
        states, bad = store.split_status(key), []
        for split, state in states.items():
            if state != "complete":
                continue
            for fs in spec.split_files(split):
                path = store.locate(key, fs.name)
                try:
                    verify_file(path, spec, fs, read_sums(path.parent.parent))
                except ChecksumError as e:
                    bad.append(str(e))
        have = [s for s, st in states.items() if st == "complete"]
        used = USED.get(key, tuple(states))
        usable = not bad and set(used) <= set(have)
        if bad:
            line = f"CORRUPT: {bad[0]}"
        elif usable:
            line = "present, verified (" + " + ".join(have) + (f"; the experiments read only {' + '.join(used)})"
                                                                if set(used) < set(states) else ")")
        else:
            line = (f"{'only ' + ' + '.join(have) + '; ' if have else ''}MISSING"
                    f"{' (needed)' if need else ''}: python data_fetch.py {key}   (offline: --mirror DIR)")
        say(f"  {key:<14}{'*' if need else ' '} {line}")
        ok &= usable or not need
    say("  (* needed for what was asked)")
    return bool(ok)


def notebooks(say):
    """Whether the tutorials open as notebooks here (not needed for the scripts)."""
    missing = [n for n in ("jupytext", "nbclient", "ipykernel") if _version(n) is None]
    say("notebooks     " + ("jupytext, nbclient and ipykernel present: open tutorials/NN_name.ipynb" if not missing
                          else f"{', '.join(missing)} not installed (the .py scripts run without them; "
                          "pip install -e \".[notebooks]\")"))


def bits(say):
    """Whether W_0 kept as W_0^T (fast.TRANSPOSED, a speed trick) computes the old products' bits here."""
    from .fast import kept_T_differs
    bad = kept_T_differs()
    say("bits          " + ("W_0 kept as W_0^T gives the bits of W_0 kept as is at the paper's first layers "
                            "(fast.SMALL_GEMM)" if not bad else
                            f"W_0 kept as W_0^T gives other last bits than W_0 kept as is here (e.g. {bad[0]}): "
                            "a reproduction's numbers may differ from the committed report's in their last bits"))


def speed(say, budget_s=2.0):
    """A few steps of Algorithm 1 end to end on 784-100-10; µs per network-step."""
    import numpy as np

    from . import MLP, backend, pretrain_noise, store
    net = MLP([784, 100, 10], rule="fa", seed=0)
    with store.off():                                            # a kept result would time nothing
        pretrain_noise(net, n_examples=64 * 5, quiet=True)       # warm up: threads, BLAS, first calls
        steps, t0 = 20, time.perf_counter()
        pretrain_noise(net, n_examples=64 * steps, seed=1, quiet=True)
        per = (time.perf_counter() - t0) / steps
        more = max(0, min(int(budget_s / per) - steps, 2000))
        if more:
            t0 = time.perf_counter()
            pretrain_noise(net, n_examples=64 * more, seed=2, quiet=True)
            per = (time.perf_counter() - t0) / more
    finite = all(np.isfinite(backend.to_host(w)).all() for w in net.W)
    committed = _committed_run().get("speed")
    say(f"training      Algorithm 1 784-100-10, batch 64: {per * 1e6:.0f} µs per network-step"
        f"{'' if finite else ' BUT THE WEIGHTS ARE NOT FINITE'} (the report's machine speed"
        + (f"; the committed run's machine: {committed})" if committed else ")"))
    return finite


def _committed_run():
    """The machine speed and BLAS kernels reproduction/run.json states (the committed run, in a checkout):
    {'speed': '452 µs', 'kernels': 'SkylakeX'}, either absent where it does not say."""
    import json
    import re
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "reproduction", "run.json")
    try:
        with open(path) as f:
            run = json.load(f)
        speed = re.match(r"(\d+) µs per network-step", run.get("speed") or "")
        kernels = re.search(r", (\w+) kernels", run.get("machine") or "")
    except (OSError, ValueError, AttributeError, TypeError):
        return {}
    return {**({"speed": f"{speed.group(1)} µs"} if speed else {}), **({"kernels": kernels.group(1)} if kernels else {})}


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m minifa.doctor", description=__doc__.strip().splitlines()[0])
    ap.add_argument("--all", action="store_true", help="every dataset of the reproduction is needed, not only "
                    "the lab's (MNIST)")
    args = ap.parse_args(argv)
    from .datasets import registry
    required = tuple(registry.REGISTRY) if args.all else LAB_DATA
    def say(text):
        print(text, flush=True)

    print(f"minifa doctor: can this machine run {'the reproduction' if args.all else 'the lab'}?")
    ok = software(say)
    if not ok:
        print("NOT READY: install minifa's dependencies: pip install -e .")
        return 1
    if not device(say):
        print("NOT READY: the device or Adam asked for (MINIFA_DEVICE, MINIFA_FUSED) is not usable here")
        return 1
    ok &= datasets(say, required)
    notebooks(say)
    bits(say)
    ok &= speed(say)
    print(("READY: " + ("the reproduction" if args.all else "the lab (01 -> 03 -> 04 --lab, the exercises)")
           + " can run here") if ok else "NOT READY: fix the lines above marked MISSING, CORRUPT or NOT USABLE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
