"""Training loops: random-noise pretraining (Algorithm 1) and training on data.

Both run one network or K stacked ones (MLP(dims, seed=[...])) with the same code,
and return a plain dict of host lists (history) for plots and statistics.
"""
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from . import backend, optim
from .alignment import mean_angle
from .noise import Noise


def step(net, opt, x, y, check=False):
    """One update: forward (eq. 1), backward (eq. 3-5), optimiser. Returns nothing;
    the loss of this batch stays available as net.loss(y)."""
    net.forward(x, check=check)
    dW, db = net.backward(y, check=check)
    opt.step(net.W + net.b, dW + db)


class Progress:
    """A progress line on stderr every `every` seconds (none when quiet)."""

    def __init__(self, label, total, quiet=False, every=5.0):
        self.label, self.total, self.quiet, self.every = label, total, quiet, every
        self.t0 = self.last = time.perf_counter()

    def update(self, done, **stats):
        now = time.perf_counter()
        if self.quiet or (now - self.last < self.every and done < self.total):
            return
        self.last = now
        extra = "  ".join(f"{k} {v:.4g}" for k, v in stats.items())
        print(f"[{self.label}] {done}/{self.total}  {extra}  {now - self.t0:.1f}s",
              file=sys.stderr, flush=True)


def _summary(net, loss):
    """Host scalars (or per-network lists) of loss and mean alignment angle per used layer."""
    out = {"loss": backend.to_host(loss).tolist()}
    for l, a in mean_angle(net).items():
        out[f"angle{l}"] = backend.to_host(a).tolist()
    return out


def _mean(v):
    return sum(v) / len(v) if isinstance(v, list) else v


class NoiseStream:
    """The noise batches of Algorithm 1, drawn `chunk` batches at a time.

    On the CPU a helper thread draws the next chunk while the network trains on this one
    (NumPy releases the GIL while it fills arrays), so sampling hides behind the matrix
    products. One thread draws in order from one generator, and noise.sample(n_batches=T)
    equals T single draws: the stream is deterministic and does not depend on the chunk.
    Why whole chunks and not one batch at a time: the helper thread's many small temporary
    arrays made glibc return and re-fault memory pages (9 million page faults in tutorial
    02, twice its run time); a few large arrays per chunk do not."""

    def __init__(self, noise, rng, n_examples, batch_size, dim, n_classes, n_nets=None):
        self.args = (noise, rng, batch_size, dim, n_classes, n_nets)
        per_batch = batch_size * dim * (n_nets or 1)
        self.chunk = max(1, min(64, (1 << 22) // per_batch))        # <= 16 MB of float32 a chunk
        self.n_full, self.last = divmod(n_examples, batch_size)

    def _draw(self, n_batches, batch_size=None):
        noise, rng, full, dim, n_classes, n_nets = self.args
        return noise.sample(rng, batch_size or full, dim, n_classes, n_nets, n_batches=n_batches)

    def __iter__(self):
        sizes = [min(self.chunk, self.n_full - i) for i in range(0, self.n_full, self.chunk)]
        threaded = backend.device == "cpu" and len(sizes) > 1
        with ThreadPoolExecutor(max_workers=1) as pool:
            draw = (lambda n: pool.submit(self._draw, n)) if threaded else self._draw
            nxt = draw(sizes[0]) if sizes else None
            for i in range(len(sizes)):
                x, y = nxt.result() if threaded else nxt
                nxt = draw(sizes[i + 1]) if i + 1 < len(sizes) else None
                yield from zip(x, y)
        if self.last:                                               # the smaller final batch
            x, y = self._draw(1, self.last)
            yield x[0], y[0]


def pretrain_noise(net, n_examples=500_000, batch_size=64, lr=1e-4, noise=None,
                   optimizer="adam", seed=0, log_every=100, quiet=False, callback=None,
                   shared_noise=True):
    """Algorithm 1: train `net` (with its rule, FA in the paper) on random inputs
    x ~ noise (default N(0, I)) with uniformly random labels, n_examples in batches.

    Stacked networks see the same noise batches (shared_noise=True, as they see the same
    data batches in `train`): network k then equals MLP(seed=k) trained alone with this
    seed, and one batch serves all K. shared_noise=False draws an own batch per network.
    Returns history {'examples', 'loss', 'angle<l>'} logged every `log_every` steps;
    `callback(net, hist)` runs after each log (e.g. to keep weight checkpoints)."""
    noise = noise or Noise()
    rng = backend.rng(seed)
    opt = optim.make(optimizer, lr)
    n_nets = None if shared_noise else net.n_nets
    hist = {"examples": [0], **{k: [v] for k, v in _initial(net, noise, rng, batch_size).items()}}
    stream = NoiseStream(noise, rng, n_examples, batch_size, net.dims[0], net.dims[-1], n_nets)
    bar = Progress("noise", n_examples, quiet)
    n_steps = -(-n_examples // batch_size)  # ceil: the last batch may be smaller
    for t, (x, y) in enumerate(stream, start=1):
        step(net, opt, x, y)
        if t % log_every == 0 or t == n_steps:
            rec = _summary(net, net.loss(y))
            hist["examples"].append(min(t * batch_size, n_examples))
            for k, v in rec.items():
                hist[k].append(v)
            if callback:
                callback(net, hist)
            bar.update(hist["examples"][-1], loss=_mean(rec["loss"]))
    return hist


def _initial(net, noise, rng, batch_size):
    """Loss and angles of the untrained network on one noise batch (history entry 0)."""
    x, y = noise.sample(rng, batch_size, net.dims[0], net.dims[-1])
    net.forward(x, check=False)
    return _summary(net, net.loss(y))


def evaluate(net, X, y, batch_size=10_000):
    """Mean loss (eq. 2) and accuracy over a data set, per network: host floats or lists.
    X, y may be host arrays: they are moved to the active device first (a no-op when there)."""
    xp = backend.xp
    X, y = backend.asarray(X), xp.asarray(y)
    loss_sum, correct = 0.0, 0.0
    for i in range(0, X.shape[-2], batch_size):
        xb, yb = X[..., i:i + batch_size, :], y[..., i:i + batch_size]
        p = net.forward(xb, check=False)
        loss_sum = loss_sum + net.loss(yb) * yb.shape[-1]
        correct = correct + (xp.argmax(p, axis=-1) == yb).sum(axis=-1)
    n = X.shape[-2]
    return backend.to_host(loss_sum / n).tolist(), backend.to_host(correct / n).tolist()


def check_data(net, X, y):
    """Validate a data set once, before training: shapes, finiteness, label range."""
    X, y = backend.asarray(X), backend.xp.asarray(y)
    net.check_input(X)
    if y.shape != X.shape[:-1]:
        raise ValueError(f"labels shape {tuple(y.shape)} does not match inputs {tuple(X.shape)}")
    net.h = [X]  # check_labels compares with the batch of the last input
    net.check_labels(y)
    return X, y


def train(net, X, y, epochs=100, batch_size=64, lr=1e-4, X_test=None, y_test=None,
          optimizer="adam", seed=0, quiet=False, opt=None, callback=None):
    """Train on data for `epochs` passes in shuffled mini-batches (all stacked networks
    see the same batches). History per epoch, entry 0 before training: train/test loss
    and accuracy, and mean alignment angles. Pass `opt` to continue with an optimiser;
    `callback(net, hist)` runs after each epoch's record."""
    X, y = check_data(net, X, y)
    if X_test is not None:
        X_test, y_test = check_data(net, X_test, y_test)
    rng = backend.host_rng(seed)     # permutations on the host (CuPy's Generator has none), moved once an epoch
    opt = opt or optim.make(optimizer, lr)
    n = X.shape[-2]
    hist = {"epoch": []}
    bar = Progress("train", epochs, quiet)

    def record(epoch):
        rec = dict(zip(("train_loss", "train_acc"), evaluate(net, X, y)))
        if X_test is not None:
            rec.update(zip(("test_loss", "test_acc"), evaluate(net, X_test, y_test)))
        rec.update({k: v for k, v in _summary(net, 0.0 * y.sum()).items() if k != "loss"})
        hist["epoch"].append(epoch)
        for k, v in rec.items():
            hist.setdefault(k, []).append(v)
        if callback:
            callback(net, hist)
        return rec

    record(0)
    for epoch in range(1, epochs + 1):
        order = backend.xp.asarray(rng.permutation(n))
        for i in range(0, n, batch_size):
            idx = order[i:i + batch_size]
            step(net, opt, X[..., idx, :], y[..., idx])
        rec = record(epoch)
        bar.update(epoch, train_loss=_mean(rec["train_loss"]),
                   **({"test_acc": _mean(rec["test_acc"])} if X_test is not None else {}))
    hist["opt"] = opt
    return hist
