"""Training loops: random-noise pretraining (Algorithm 1) and training on data.

Both run one network or K stacked ones (MLP(dims, seed=[...])) with the same code, and
return a history: a dict of plain host lists (per network for a stack) for plots and tests.
Stacked networks are independent by default: each draws its own noise and its own data
order from a stream seeded by (seed, its network seed), so network k trains exactly as
MLP(seed=seeds[k]) would alone. shared_noise / shared_order=True give all K the same batches
(faster: one batch, one matrix product; but then the K are not independent samples).
"""
import sys

from . import backend, checks, fast, optim, store
from .alignment import mean_angle
from .noise import Noise, NoiseStream
from .progress import Progress, is_quiet, labelled
from .settings import PAPER
from .threads import blas_threads


def step(net, opt, x, y):
    """One update: forward (eq. 1), backward (eq. 2-5), one optimiser step on every W and b
    (Kolen-Pollack: and on B, then weight decay). Nothing here reads a value back to the host,
    so a GPU never waits for the CPU."""
    net.forward(x, check=False)
    dW, db = net.backward(y, check=False)
    opt.step(net.theta, net.gradients(dW, db))
    net.rule.after_step(net)                 # e.g. Kolen-Pollack's weight decay (rules.KP)


def _log(hist, net, **values):
    """Append host values and the mean alignment angle of each used layer to a history."""
    for k, v in {**values, **{f"angle{l}": a for l, a in mean_angle(net).items()}}.items():
        hist.setdefault(k, []).append(v)


DIVERGED = 1e4   # nats: a mean loss (eq. 2) no learning network reaches (chance is log C, 2.3 for C = 10);
                 # e^-10000 on the right class means weights that blew up, even if still finite


def _check_diverged(net, lr, when, losses=()):
    """FloatingPointError if a trained parameter is not finite, or a logged loss (host floats or
    lists) is not finite or above DIVERGED: training diverged. Called where the loops read values
    back anyway (each log or record, one more read there), never per step."""
    xp, hp = backend.xp, backend.host
    worst = max((float(hp.max(hp.abs(v))) if hp.isfinite(v).all() else hp.inf for v in losses), default=0.0)
    if worst <= DIVERGED and bool(xp.isfinite(net.theta).all()):
        return
    trained = [("W", net.W), ("b", net.b)] + ([("B", net.B)] if net.rule.trains_B else [])
    named = [(f"{name}[{l}]", a) for name, arrays in trained for l, a in enumerate(arrays)]
    bad = [name for name, a in named if not bool(xp.isfinite(a).all())]
    largest = max(named, key=lambda item: float(abs(item[1]).max()))[0] if not bad else None
    what = (f"{', '.join(bad)} hold NaN or infinite values" if bad else f"the loss reached {worst:.3g} "
            f"(chance: log C = {hp.log(net.dims[-1]):.2g}), the largest weights in {largest}")
    raise FloatingPointError(f"training diverged at learning rate lr={lr:g}, {when}: {what}; "
                             f"lower the learning rate (e.g. lr={lr / 10:g})")


def _streams(make, net, seed, shared):
    """One generator (shared by all networks), or one per network seeded by (seed, its seed)."""
    if shared:
        return make(seed)
    gens = [make([seed, s]) for s in net.seeds]
    return gens if net.n_nets is not None else gens[0]


def pretrain_noise(net, n_examples=PAPER.n_noise, batch_size=PAPER.batch_size, lr=PAPER.lr,
                   noise=None, optimizer=PAPER.optimizer, seed=0, log_every=100, quiet=False,
                   callback=None, shared_noise=False, label=None):
    """Algorithm 1: train `net` (with its rule, FA in the paper) on random inputs
    x ~ noise (default N(0, I)) with uniformly random labels, n_examples in batches.
    label: what the progress line names first (e.g. the condition, "FA w/").
    Returns history {'examples', 'loss', 'angle<l>'} logged every `log_every` steps (entry 0:
    the untrained network on the first batch); `callback(net, hist)` runs after each entry,
    entry 0 included, and must only read them (the network's values, the history). With a store
    (store.py, MINIFA_STORE) a call whose every input an earlier call had takes that call's result,
    and its callback sees the network at each record from the values kept there."""
    n_examples = checks.whole("n_examples", n_examples)
    batch_size = checks.whole("batch_size", batch_size)
    log_every = checks.whole("log_every", log_every)
    noise, opt = noise or Noise(), optim.make(optimizer, lr)
    k = store.folder() and store.keys("noise", net, not shared_noise, n_examples=n_examples, batch_size=batch_size,
                                      lr=lr, noise=noise, optimizer=optimizer, seed=seed, log_every=log_every,
                                      shared_noise=shared_noise)
    with blas_threads():                     # a replayed callback computes as it would in training
        kept = k and _from_store(k, net, label, "Algorithm 1", quiet, callback)
    if kept is not None:
        return kept
    records = [] if k and callback else None          # the network at each record, for a later call's callback

    def logged():
        if records is not None:
            records.append(store.record(k, net))
        if callback:
            callback(net, hist)
    stream = NoiseStream(noise, _streams(backend.rng, net, seed, shared_noise), n_examples,
                         batch_size, net.dims[0], net.dims[-1])
    bar, hist = Progress(labelled(label, "Algorithm 1", net), n_examples, quiet, unit=" noise examples"), {}
    with blas_threads():                     # leave a core to the noise thread (threads.py)
        for t, (x, y) in enumerate(stream, start=1):
            if t == 1:                       # entry 0: the untrained network
                net.forward(x, check=False)
                _log(hist, net, examples=0, loss=backend.to_host(net.loss(y, check=False)).tolist())
                _check_diverged(net, getattr(opt, "lr", lr), "before the first step", [hist["loss"][-1]])
                logged()
            step(net, opt, x, y)
            if t % log_every == 0 or t == len(stream):
                loss = backend.to_host(net.loss(y, check=False)).tolist()
                _log(hist, net, examples=min(t * batch_size, n_examples), loss=loss)
                _check_diverged(net, getattr(opt, "lr", lr), f"step {t} ({hist['examples'][-1]:,} noise examples)",
                                [loss])
                logged()
                bar.update(hist["examples"][-1], loss=backend.host.mean(loss))
    if k:
        store.save(k, net, hist, records)
    return hist


def _from_store(k, net, label, phase, quiet, callback=None):
    """The history kept under the keys k in the run's store (store.py), net set to its trained values,
    with a line saying so; None where there is none. callback: replayed at each kept record."""
    hist = store.load(k, net, callback)
    if hist is not None and not is_quiet(quiet):
        print(f"[{labelled(label, phase, net)}] the same inputs were trained earlier in this run: "
              "its networks and history taken from the run's store" + (", its records replayed to the callback"
                                                                      if callback else ""),
              file=sys.stderr, flush=True)
    return hist


def evaluate(net, X, y, batch_size=10_000, check=True):
    """Mean loss (eq. 2) and accuracy over a data set, per network: host floats or lists.
    X, y may be host arrays or lists: they are checked and moved to the active device."""
    xp = backend.xp
    if check:
        X, y = checks.data(net, X, y)
    loss_sum, correct = 0.0, 0.0
    with fast.per_network():            # each network's own products: its numbers are those it gets alone
        for i in range(0, X.shape[-2], checks.whole("batch_size", batch_size)):
            xb, yb = X[..., i:i + batch_size, :], y[..., i:i + batch_size]
            p = net.forward(xb, check=False)
            loss_sum = loss_sum + net.loss(yb, check=False) * yb.shape[-1]
            correct = correct + (xp.argmax(p, axis=-1) == yb).sum(axis=-1)
    n = X.shape[-2]
    return backend.to_host(loss_sum / n).tolist(), backend.to_host(correct / n).tolist()


def batches(X, y, order, batch_size):
    """Mini-batches of (X, y) in `order`: (n,) one order for all networks, or (K, n) one per
    network, which gathers a (K, batch, D) batch (from shared X (N, D) or per-network (K, N, D))."""
    xp = backend.xp
    per_net = order.ndim == 2
    for i in range(0, order.shape[-1], batch_size):
        idx = order[..., i:i + batch_size]
        if not per_net:
            yield X[..., idx, :], y[..., idx]
        elif X.ndim == 2:
            yield X[idx], y[idx]                                       # (K, batch, D)
        else:
            k = xp.arange(X.shape[0])[:, None]
            yield X[k, idx], y[k, idx]


def train(net, X, y, epochs=PAPER.epochs, batch_size=PAPER.batch_size, lr=PAPER.lr,
          X_test=None, y_test=None, optimizer=PAPER.optimizer, seed=0, quiet=False, opt=None,
          callback=None, shared_order=False, record_every=1, train_metrics=True, label=None):
    """Train on data for `epochs` passes in shuffled mini-batches. History, entry 0 before
    training, then every `record_every` epochs and at the last: train loss and accuracy
    (unless train_metrics=False: a pass over the training set costs a third of an epoch),
    test loss and accuracy (with X_test), mean alignment angles. Pass `opt` (e.g.
    optim.Adam(lr)) to continue with an optimiser's state; `callback(net, hist)` runs after
    each record, entry 0 included, and must only read them. label: what the progress line names
    first (the condition). With a store (store.py, MINIFA_STORE) a call without callback and opt
    whose every input an earlier call had takes that call's result."""
    X, y = checks.data(net, X, y)
    if X_test is None and y_test is not None:
        raise ValueError("y_test given without X_test: pass both to record test loss and accuracy")
    if X_test is not None:
        X_test, y_test = checks.data(net, X_test, y_test, "X_test")
    epochs, batch_size = checks.whole("epochs", epochs, low=0), checks.whole("batch_size", batch_size)
    record_every = checks.whole("record_every", record_every)
    orders = _streams(backend.host_rng, net, seed, shared_order)   # on the host: CuPy's Generator has
    k = opt is None and store.folder() and store.keys(
        "data", net, not shared_order, X=X, y=y, X_test=X_test, y_test=y_test, epochs=epochs, batch_size=batch_size,
        lr=lr, optimizer=optimizer, seed=seed, shared_order=shared_order, record_every=record_every,
        train_metrics=train_metrics)
    if k and callback is None and (kept := _from_store(k, net, label, "training", quiet)) is not None:
        return kept
    opt, n, hist = opt or optim.make(optimizer, lr), X.shape[-2], {}   # no permutation; moved once an epoch
    bar = Progress(labelled(label, "training", net), epochs, quiet, unit=" epochs")

    def record(epoch):
        values = {"epoch": epoch}
        if train_metrics or epoch == epochs:
            values["train_loss"], values["train_acc"] = evaluate(net, X, y, check=False)
        if X_test is not None:
            values["test_loss"], values["test_acc"] = evaluate(net, X_test, y_test, check=False)
        _log(hist, net, **values)
        _check_diverged(net, getattr(opt, "lr", lr), f"epoch {epoch}",
                      [values[k] for k in ("train_loss", "test_loss") if k in values])
        if callback:
            callback(net, hist)

    record(0)
    with blas_threads():
        for epoch in range(1, epochs + 1):
            host_order = ([g.permutation(n) for g in orders] if isinstance(orders, list)
                          else orders.permutation(n))
            for xb, yb in batches(X, y, backend.xp.asarray(backend.host.asarray(host_order)), batch_size):
                step(net, opt, xb, yb)
            if epoch % record_every == 0 or epoch == epochs:
                record(epoch)
                bar.update(epoch, **{k: backend.host.mean(hist[k][-1]) for k in ("train_loss", "test_acc")
                                     if k in hist and len(hist[k]) == len(hist["epoch"])})
    if k:
        store.save(k, net, hist)
    return hist
