"""Speed of one data step of 10 stacked networks, each on its own batch (the reproduction's
training steps: App. B.3-B.6, Fig. 3, Table 1), for the paper's three first layers.

Prints microseconds per network-step (best of 4 timings of 40 steps, one BLAS thread: as a
worker of `python -m minifa.reproduce --jobs 2` runs) and the time of one evaluation pass over
5,000 images. Random inputs: a step's time does not depend on the values.

    python benchmarks/data_step.py [--rounds 2]
    PYTHONPATH=<another checkout> python benchmarks/data_step.py    # the same for other code

Run two checkouts alternately (--rounds) to compare them on this VM, whose speed drifts.
"""
import argparse
import os
import time

import numpy as np
from threadpoolctl import threadpool_limits

from minifa import MLP, evaluate, optim
from minifa.training import step

os.environ.pop("MINIFA_STORE", None)   # timings: never a result kept by a reproduction's store
SHAPES = ([3072, 100, 10], [784, 100, 10], [784, 100, 100, 10])   # App. B.4-B.6, App. B.3 / Fig. 2, Fig. 3
K, STEPS = 10, 40


def time_shape(dims, rng):
    X = rng.standard_normal((5000, dims[0])).astype(np.float32)
    y = rng.integers(0, 10, 5000)
    net, opt = MLP(dims, "fa", seed=list(range(K))), optim.Adam(1e-4)
    idx, ys = rng.integers(0, 5000, (STEPS, K, 64)), rng.integers(0, 10, (STEPS, K, 64))
    for s in range(5):                                 # warm-up: Numba's compile, first touches
        step(net, opt, X[idx[s]], ys[s])
    best = float("inf")
    for _ in range(4):
        t = time.perf_counter()
        for s in range(STEPS):
            step(net, opt, X[idx[s]], ys[s])
        best = min(best, (time.perf_counter() - t) / STEPS / K * 1e6)
    t = time.perf_counter()
    evaluate(net, X, y)
    return best, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=1, help="times to repeat the table")
    args = ap.parse_args()
    with threadpool_limits(1):
        for r in range(args.rounds):
            for dims in SHAPES:
                us, ev = time_shape(dims, np.random.default_rng(0))
                print(f"{'-'.join(map(str, dims)):>15}: {us:7.0f} µs per network-step, "
                      f"evaluation of 5,000 images x {K} networks {ev:.3f} s", flush=True)


if __name__ == "__main__":
    main()
