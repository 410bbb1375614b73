"""Speed of minifa against plain PyTorch on the paper's workload.

Workload: one FA training step of 784-100-10 on a batch of 64, Gaussian noise sampling
and Adam included (Algorithm 1's inner loop). Prints microseconds per network-step for
minifa with 1, 10 and 100 stacked networks and for PyTorch (a custom autograd function
for the FA backward, torch.optim.Adam; at its default thread count and at one thread), all
measured in this run, and the ratio to the faster PyTorch row.
Then the wall time of the paper's Fig. 2 protocol (10 seeds x BP / FA w/o / FA w/,
5x10^5 noise examples, 100 epochs of 5k MNIST) with minifa.

    python benchmarks/bench.py [--steps 400] [--skip-protocol] [--profile] [--device cpu|gpu]

--profile adds where the time of one step goes (forward, backward, Adam, noise, and the
two big matrix products alone) for 1 and 10 stacked networks. BLAS threads follow minifa's
policy (threads.py: cores - 1 beside the noise thread) unless OPENBLAS_NUM_THREADS is set;
the header says which.

torch is optional (benchmark only): its rows are skipped with a message when absent.
"""
import argparse
import os
import sys
import time

from minifa import MLP, backend, pretrain_noise, train

os.environ.pop("MINIFA_STORE", None)   # timings: never a result kept by a reproduction's store (minifa/store.py)

DIMS = [784, 100, 10]


def sync():
    if backend.device == "gpu":
        backend.xp.cuda.Device().synchronize()


def minifa_us(n_nets, steps, shared=True, repeats=3):
    """Best-of-`repeats` microseconds per network-step of pretrain_noise (the real loop): (wall,
    CPU of the whole process: the main thread, the noise thread and BLAS's)."""
    net = MLP(DIMS, rule="fa", seed=0 if n_nets == 1 else list(range(n_nets)))
    pretrain_noise(net, n_examples=64 * 20, quiet=True, shared_noise=shared)  # warm up
    best, cpu = float("inf"), float("inf")
    for r in range(repeats):
        sync()
        t0, c0 = time.perf_counter(), time.process_time()
        pretrain_noise(net, n_examples=64 * steps, quiet=True, log_every=10**9, seed=r,
                       shared_noise=shared)
        sync()
        best = min(best, (time.perf_counter() - t0) / steps / n_nets * 1e6)
        cpu = min(cpu, (time.process_time() - c0) / steps / n_nets * 1e6)
    return best, cpu


def floor_us(reps=300):
    """The floor under one network-step: its two first-layer products alone (x @ W_0^T, 64x784 by
    784x100, and delta_1^T x, 100x64 by 64x784) at minifa's BLAS threads, best of 3."""
    from minifa.threads import blas_threads
    rng = backend.rng(0)
    x, W, d = (rng.standard_normal(s, dtype=backend.dtype) for s in ((64, 784), (100, 784), (64, 100)))
    best = float("inf")
    with blas_threads():
        for _ in range(3):
            sync()
            t0 = time.perf_counter()
            for _ in range(reps):
                x @ W.T, d.T @ x
            sync()
            best = min(best, (time.perf_counter() - t0) / reps * 1e6)
    return best


def profile(n_nets, reps=200):
    """Microseconds of each part of one step of n_nets stacked networks (no helper thread)."""
    from minifa.noise import Noise
    from minifa.optim import Adam
    net = MLP(DIMS, rule="fa", seed=0 if n_nets == 1 else list(range(n_nets)))
    rng = backend.rng(0)
    x, y = Noise().sample(rng, 64, DIMS[0], DIMS[-1])
    opt = Adam(1e-4)

    def us(f):
        f()
        sync()
        t0 = time.perf_counter()
        for _ in range(reps):
            f()
        sync()
        return (time.perf_counter() - t0) / reps * 1e6

    W = net.W[0].reshape(-1, DIMS[0])                       # (K*100, 784): the stacked W_0
    d = backend.xp.ones((W.shape[0], 64), dtype=backend.dtype)
    parts = {"forward (eq. 1)": us(lambda: net.forward(x, check=False)),
             "backward (eq. 4-5)": us(lambda: net.backward(y, check=False))}
    dW, db = net.backward(y, check=False)
    parts["Adam"] = us(lambda: opt.step(net.theta, dW + db))
    parts["noise batch (Box-Muller)"] = us(lambda: Noise().sample(rng, 64, DIMS[0], DIMS[-1]))
    parts["  of which x @ W_0^T alone"] = us(lambda: x @ W.T)
    parts["  of which delta^T x alone"] = us(lambda: d @ x)
    step = sum(v for k, v in parts.items() if not k.startswith(" ") and "noise" not in k)
    print(f"\nprofile, {n_nets} network(s): one step (forward + backward + Adam) {step:.0f} us"
          f" = {step / n_nets:.0f} us per network")
    for k, v in parts.items():
        print(f"  {k:32s} {v:8.0f} us  ({100 * v / step:4.0f}% of the step)")


def torch_us(steps, device="cpu", repeats=3):
    """The same step written the way a PyTorch user would, or None without torch."""
    try:
        import torch
        from torch_fa import FAFunction          # benchmarks/torch_fa.py
    except ImportError:
        return None

    class FALinear(torch.nn.Module):
        def __init__(self, n_in, n_out):
            super().__init__()
            lin = torch.nn.Linear(n_in, n_out)
            self.W, self.b = lin.weight, lin.bias
            self.register_buffer("B", torch.empty(n_in, n_out).uniform_(-n_in ** -0.5, n_in ** -0.5))

        def forward(self, x):
            return FAFunction.apply(x, self.W, self.b, self.B)

    torch.manual_seed(0)
    net = torch.nn.Sequential(FALinear(784, 100), torch.nn.ReLU(), FALinear(100, 10)).to(device)
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)
    lossf = torch.nn.CrossEntropyLoss()

    def step():
        x = torch.randn(64, 784, device=device)
        y = torch.randint(0, 10, (64,), device=device)
        opt.zero_grad(set_to_none=True)
        lossf(net(x), y).backward()
        opt.step()

    def run(n):
        for _ in range(n):
            step()
        if device == "cuda":
            torch.cuda.synchronize()

    run(20)
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        run(steps)
        best = min(best, (time.perf_counter() - t0) / steps * 1e6)
    return best


def torch_table(steps, device):
    """PyTorch's rows: its default thread count and, on a CPU, one thread (on a loaded or
    shared machine one thread can be the faster; the faster row is the reference)."""
    t = torch_us(steps, device)
    if t is None:
        return []
    import torch
    n = torch.get_num_threads()
    rows = [(f"PyTorch {torch.__version__}, 1 network ({device}, {n} thr)", t)]
    if device == "cpu" and n > 1:
        torch.set_num_threads(1)
        rows.append((f"PyTorch {torch.__version__}, 1 network ({device}, 1 thr)", torch_us(steps, device)))
        torch.set_num_threads(n)
    return rows


TARGETS = {"minifa, 1 network": 0.5, "minifa, 10 stacked (own noise each)": 0.4}   # issue 21: x PyTorch's faster


def table(steps, torch_device):
    rows = [("minifa, 1 network", *minifa_us(1, steps))]
    for k in (10, 100):
        rows.append((f"minifa, {k} stacked (shared noise)", *minifa_us(k, max(steps // k * 4, 20))))
    rows.append(("minifa, 10 stacked (own noise each)", *minifa_us(10, max(steps // 2, 20), shared=False)))
    rows.append(("floor: the two first-layer products alone", floor_us(), None))
    torch_rows = [(n, u, None) for n, u in torch_table(steps, torch_device)]
    t = min(us for _, us, _ in torch_rows) if torch_rows else None   # the faster PyTorch is the reference
    from minifa.threads import policy
    blas = os.environ.get("OPENBLAS_NUM_THREADS") or f"{policy()} (minifa's policy in its loops, threads.py)"
    print(f"\nOne FA step of 784-100-10, batch 64, noise + Adam; {backend.device} "
          f"({os.cpu_count()} cores, BLAS threads: {blas}), float32, minifa on {backend.xp.__name__}")
    print(f"{'':44s} {'us / network-step':>18s} {'CPU us':>8s} {'vs PyTorch':>11s}")
    for name, us, cpu in rows + torch_rows:
        ratio = f"{us / t:.2f}x" if t else "-"
        print(f"{name:44s} {us:18.1f} {'' if cpu is None else f'{cpu:8.1f}':>8s} {ratio:>11s}")
    if t is None:
        print("PyTorch: skipped (torch is not installed; pip install torch to compare)")
    else:
        print("targets: " + "; ".join(f"{name} <= {goal:.2f}x: {us / t:.2f}x, {'met' if us / t <= goal else 'NOT met'}"
                                      for name, us, _ in rows for n, goal in TARGETS.items() if n == name))
    print("CPU us: the whole process's CPU time (main, noise and BLAS threads): what two runs at once on two "
          "cores (the reproduction's --jobs 2) pay")
    return rows, t


def protocol():
    """Fig. 2 protocol: 10 seeds x (BP, FA w/o, FA w/), noise 5e5, 100 epochs of 5k MNIST."""
    from minifa.datasets import MissingDataError, load, subset
    try:
        Xtr, ytr = subset(*load("mnist", "train"), 5000, seed=0)
        Xte, yte = subset(*load("mnist", "test"), 5000, seed=1)
    except MissingDataError as e:
        print(f"\nFig. 2 protocol: skipped, MNIST is not available ({e})")
        return None
    seeds = list(range(10))
    t0 = time.perf_counter()
    nets = {"BP": MLP(DIMS, "bp", seeds), "FA w/o": MLP(DIMS, "fa", seeds), "FA w/": MLP(DIMS, "fa", seeds)}
    pretrain_noise(nets["FA w/"], n_examples=500_000, quiet=True)
    t_noise = time.perf_counter() - t0
    acc = {}
    for name, net in nets.items():
        h = train(net, Xtr, ytr, epochs=100, X_test=Xte, y_test=yte, quiet=True)
        acc[name] = sum(h["test_acc"][-1]) / 10
    sync()
    total = time.perf_counter() - t0
    print(f"\nFig. 2 protocol (10 seeds x 3 conditions, 5e5 noise examples, 100 epochs of 5k MNIST): "
          f"{total:.1f} s (noise pretraining {t_noise:.1f} s); final test accuracy "
          + ", ".join(f"{k} {v:.4f}" for k, v in acc.items()))
    return total


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=400, help="steps timed for one network")
    ap.add_argument("--skip-protocol", action="store_true")
    ap.add_argument("--profile", action="store_true", help="also print where a step's time goes")
    ap.add_argument("--device", default=os.environ.get("MINIFA_DEVICE", "auto"), choices=["auto", "cpu", "gpu"])
    a = ap.parse_args()
    backend.set_device(a.device)
    table(a.steps, "cuda" if backend.device == "gpu" else "cpu")
    if a.profile:
        for k in (1, 10):
            profile(k)
    if not a.skip_protocol:
        protocol()
    sys.exit(0)
