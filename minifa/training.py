"""Training loops: random-noise pretraining (Algorithm 1) and training on data.

Both run one network or K stacked ones (MLP(dims, seed=[...])) with the same code, and
return a history: a dict of plain host lists (per network for a stack) for plots and tests.
"""
from . import backend, checks, optim
from .alignment import mean_angle
from .fast import flat
from .noise import Noise, NoiseStream
from .progress import Progress
from .settings import PAPER
from .threads import blas_threads


def step(net, opt, x, y):
    """One update: forward (eq. 1), backward (eq. 2-5), one optimiser step on every W and b.
    Nothing here reads a value back to the host, so a GPU never waits for the CPU."""
    net.forward(x, check=False)
    dW, db = net.backward(y, check=False)
    opt.step(net.theta, flat(dW + db))


def _log(hist, net, **values):
    """Append host values and the mean alignment angle of each used layer to a history."""
    for k, v in {**values, **{f"angle{l}": a for l, a in mean_angle(net).items()}}.items():
        hist.setdefault(k, []).append(v)


def pretrain_noise(net, n_examples=PAPER.n_noise, batch_size=PAPER.batch_size, lr=PAPER.lr,
                   noise=None, optimizer=PAPER.optimizer, seed=0, log_every=100, quiet=False,
                   callback=None, shared_noise=True):
    """Algorithm 1: train `net` (with its rule, FA in the paper) on random inputs
    x ~ noise (default N(0, I)) with uniformly random labels, n_examples in batches.

    Stacked networks see the same noise batches (shared_noise=True, as they see the same
    data batches in `train`): network k then equals MLP(seed=k) trained alone with this
    seed, and one batch serves all K. shared_noise=False draws an own batch per network.
    Returns history {'examples', 'loss', 'angle<l>'} logged every `log_every` steps (entry
    0: the untrained network on one noise batch); `callback(net, hist)` runs after each log."""
    n_examples = checks.whole("n_examples", n_examples)
    batch_size = checks.whole("batch_size", batch_size)
    log_every = checks.whole("log_every", log_every)
    noise, opt, rng = noise or Noise(), optim.make(optimizer, lr), backend.rng(seed)
    x, y = noise.sample(rng, batch_size, net.dims[0], net.dims[-1])
    net.forward(x, check=False)
    hist = {}
    _log(hist, net, examples=0, loss=backend.to_host(net.loss(y, check=False)).tolist())
    stream = NoiseStream(noise, rng, n_examples, batch_size, net.dims[0], net.dims[-1],
                         None if shared_noise else net.n_nets)
    bar = Progress(f"Algorithm 1, {net}", n_examples, quiet, unit=" noise examples")
    with blas_threads():                     # leave a core to the noise thread (threads.py)
        for t, (x, y) in enumerate(stream, start=1):
            step(net, opt, x, y)
            if t % log_every == 0 or t == len(stream):
                loss = backend.to_host(net.loss(y, check=False)).tolist()
                _log(hist, net, examples=min(t * batch_size, n_examples), loss=loss)
                if callback:
                    callback(net, hist)
                bar.update(hist["examples"][-1], loss=backend.host.mean(loss))
    return hist


def evaluate(net, X, y, batch_size=10_000, check=True):
    """Mean loss (eq. 2) and accuracy over a data set, per network: host floats or lists.
    X, y may be host arrays or lists: they are checked and moved to the active device."""
    xp = backend.xp
    if check:
        X, y = checks.data(net, X, y)
    loss_sum, correct = 0.0, 0.0
    for i in range(0, X.shape[-2], checks.whole("batch_size", batch_size)):
        xb, yb = X[..., i:i + batch_size, :], y[..., i:i + batch_size]
        p = net.forward(xb, check=False)
        loss_sum = loss_sum + net.loss(yb, check=False) * yb.shape[-1]
        correct = correct + (xp.argmax(p, axis=-1) == yb).sum(axis=-1)
    n = X.shape[-2]
    return backend.to_host(loss_sum / n).tolist(), backend.to_host(correct / n).tolist()


def train(net, X, y, epochs=PAPER.epochs, batch_size=PAPER.batch_size, lr=PAPER.lr,
          X_test=None, y_test=None, optimizer=PAPER.optimizer, seed=0, quiet=False, opt=None,
          callback=None):
    """Train on data for `epochs` passes in shuffled mini-batches (all stacked networks see
    the same batches). History per epoch, entry 0 before training: train/test loss and
    accuracy, mean alignment angles. Pass `opt` (e.g. optim.Adam(lr)) to continue with an
    optimiser's state; `callback(net, hist)` runs after each epoch's record."""
    X, y = checks.data(net, X, y)
    if X_test is not None:
        X_test, y_test = checks.data(net, X_test, y_test, "X_test")
    epochs, batch_size = checks.whole("epochs", epochs, low=0), checks.whole("batch_size", batch_size)
    rng = backend.host_rng(seed)     # permutations on the host (CuPy's Generator has none), moved once an epoch
    opt = opt or optim.make(optimizer, lr)
    n, hist = X.shape[-2], {}
    bar = Progress(f"training {net}", epochs, quiet, unit=" epochs")

    def record(epoch):
        loss, acc = evaluate(net, X, y, check=False)
        values = {"epoch": epoch, "train_loss": loss, "train_acc": acc}
        if X_test is not None:
            values["test_loss"], values["test_acc"] = evaluate(net, X_test, y_test, check=False)
        _log(hist, net, **values)
        if callback:
            callback(net, hist)

    record(0)
    with blas_threads():
        for epoch in range(1, epochs + 1):
            order = backend.xp.asarray(rng.permutation(n))
            for i in range(0, n, batch_size):
                idx = order[i:i + batch_size]
                step(net, opt, X[..., idx, :], y[..., idx])
            record(epoch)
            bar.update(epoch, train_loss=backend.host.mean(hist["train_loss"][-1]),
                       **({"test_acc": backend.host.mean(hist["test_acc"][-1])} if X_test is not None else {}))
    return hist
