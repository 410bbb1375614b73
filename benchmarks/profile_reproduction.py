"""Where the reproduction's time goes: each experiment run in this process, its wall time split
into training steps, evaluation, noise sampling, analysis, data loading and the rest.

    python benchmarks/profile_reproduction.py [--size quick|lab|paper] [--only 03,04] [--json OUT]

Each experiment's run(cfg) (minifa.experiments, the functions the reproduction runs) is timed
with a few functions of minifa wrapped by a timer. A category's time is exclusive: while a
wrapped function of another category runs inside it (a training step inside meta-learning's
adaptation, an evaluation inside a callback), the clock counts for the inner one. Categories:

  step          training.step: forward (eq. 1), backward (eq. 2-5), Adam - the arithmetic
  evaluate      training.evaluate: test (and train) loss and accuracy over a data set
  noise wait    the main thread waiting for its next noise batch (NoiseStream): what the helper
                thread did not hide (its own CPU time is printed beside, "noise thread CPU")
  batches       training.batches: gathering each mini-batch X[order] of the data
  analysis      minifa.analysis and minifa.alignment (angles, distances, SVDs, Gram matrices, PCA)
  data          loading and subsetting datasets (minifa.datasets), scaling
  other         the rest: Python loops, host reads, setting up networks, t-tests, figures' numbers

Run it on a quiet machine; the split, not the absolute time, is what carries to another one.
Experiments run one after another in this process (the reproduction runs two at a time in
worker processes: its wall time is about half the sum of these).
"""
import argparse
import functools
import json
import os
import sys
import threading
import time

os.environ.pop("MINIFA_STORE", None)   # timings: never a result kept by a reproduction's store (minifa/store.py)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

CATS = ("step", "evaluate", "noise wait", "batches", "analysis", "data", "other")


class Clock:
    """Exclusive time per category on the main thread: a stack of running categories."""

    def __init__(self):
        self.total = dict.fromkeys(CATS, 0.0)
        self.stack, self.t = [], time.perf_counter()
        self.noise_cpu = 0.0

    def _switch(self):
        now = time.perf_counter()
        self.total[self.stack[-1] if self.stack else "other"] += now - self.t
        self.t = now

    def enter(self, cat):
        if threading.current_thread() is threading.main_thread():
            self._switch()
            self.stack.append(cat)

    def leave(self):
        if threading.current_thread() is threading.main_thread():
            self._switch()
            self.stack.pop()

    def reset(self):
        self.total, self.stack, self.t, self.noise_cpu = dict.fromkeys(CATS, 0.0), [], time.perf_counter(), 0.0

    def close(self):
        self._switch()
        return dict(self.total)


CLOCK = Clock()


def timed(fn, cat):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        CLOCK.enter(cat)
        try:
            return fn(*args, **kwargs)
        finally:
            CLOCK.leave()
    return wrapper


def timed_generator(fn, cat):
    """A generator function whose every next() counts for cat (the consumer's time does not)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        it = fn(*args, **kwargs)
        while True:
            CLOCK.enter(cat)
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                CLOCK.leave()
            yield item
    return wrapper


def instrument():
    """Wrap the functions of each category, where they are looked up (module globals)."""
    import minifa
    from minifa import alignment, analysis, meta, noise, training
    from minifa.experiments import common, fig2, fig3, fig3_sweeps, fig4, fig5, rules, table1

    draw = noise.NoiseStream._draw

    def draw_timed(self, *a, **k):
        t = time.thread_time()
        try:
            return draw(self, *a, **k)
        finally:
            CLOCK.noise_cpu += time.thread_time() - t
    noise.NoiseStream._draw = draw_timed
    noise.NoiseStream.__iter__ = timed_generator(noise.NoiseStream.__iter__, "noise wait")
    step = timed(training.step, "step")
    evaluate = timed(training.evaluate, "evaluate")
    batches = timed_generator(training.batches, "batches")
    for mod in (training, meta, minifa):
        for name, new in (("step", step), ("evaluate", evaluate), ("batches", batches)):
            if hasattr(mod, name):
                setattr(mod, name, new)
    for mod in (fig2, fig3, fig3_sweeps, fig4, fig5, rules, table1):
        if hasattr(mod, "evaluate"):
            mod.evaluate = evaluate
    for mod in (analysis, alignment):
        for name in [n for n in dir(mod) if not n.startswith("_") and callable(getattr(mod, n))
                     and getattr(getattr(mod, n), "__module__", "") == mod.__name__]:
            wrapped = timed(getattr(mod, name), "analysis")
            setattr(mod, name, wrapped)
            for user in (training, fig2, fig3, fig3_sweeps, fig4, fig5, rules, table1, meta, alignment, analysis):
                if getattr(user, name, None) is not None and user is not mod and getattr(user, name).__module__ == mod.__name__:
                    setattr(user, name, wrapped)
    from minifa import datasets
    for mod, name in [(datasets, n) for n in ("load", "subset", "subset_indices", "available_splits")] + [
            (common, "load"), (common, "scale")]:
        fn = getattr(mod, name)
        wrapped = timed(fn, "data")
        for user in (mod, fig2, fig3, fig4, fig5, rules, table1, common):
            if getattr(user, name, None) is fn:          # the same function, imported by name
                setattr(user, name, wrapped)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--size", default="paper", choices=("quick", "lab", "paper"))
    ap.add_argument("--only", default="", help="tutorial numbers, e.g. 03,04 (default: all)")
    ap.add_argument("--json", help="also write the table as JSON here")
    args = ap.parse_args(argv)
    os.environ.setdefault("MINIFA_QUIET", "1")
    import contextlib
    import io

    from minifa import backend
    from minifa.experiments import REGISTRY, get
    from minifa.experiments.common import settings
    instrument()
    backend.set_device("cpu")
    nums = [n.zfill(2) for n in args.only.split(",") if n] or list(REGISTRY)
    rows = {}
    print(f"profile of the reproduction's experiments at size {args.size!r}, one after another in one process")
    print(f"{'':<22}{'wall s':>8}" + "".join(f"{c:>11}" for c in CATS) + f"{'noise CPU':>11}")
    for num in nums:
        exp = get(num)
        cfg = settings(exp.NAME, args.size)
        CLOCK.reset()
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            exp.run(cfg)
        wall = time.perf_counter() - t0
        parts = CLOCK.close()
        rows[f"{num} {exp.NAME}"] = {"wall_s": wall, **parts, "noise thread CPU": CLOCK.noise_cpu}
        print(f"{num + ' ' + exp.NAME:<22}{wall:8.1f}" + "".join(f"{100 * parts[c] / wall:10.0f}%" for c in CATS)
              + f"{CLOCK.noise_cpu:10.1f}s", flush=True)
    total = {c: sum(r[c] for r in rows.values()) for c in ("wall_s", *CATS, "noise thread CPU")}
    print(f"{'all':<22}{total['wall_s']:8.1f}" + "".join(f"{100 * total[c] / total['wall_s']:10.0f}%" for c in CATS)
          + f"{total['noise thread CPU']:10.1f}s")
    if args.json:
        tmp = args.json + ".partial"
        with open(tmp, "w") as f:
            json.dump({"size": args.size, "rows": rows, "total": total}, f, indent=1)
        os.replace(tmp, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
