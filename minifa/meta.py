"""Meta-loss and adaptation curves: how fast a network adapts to new tasks (paper §4.4, Fig. 5).

The paper measures task-agnostic readiness to learn with a MAML-style meta-loss (§4.4;
settings in Table D.1): for every task, a COPY of the network is adapted with
10 Adam steps (lr 1e-3) on batches of 10 examples of that task, then its loss (eq. 2)
is measured on held-out examples of the task; the meta-loss is the sum over tasks:

    meta-loss(theta) = sum_tasks L_task(adapt_task(theta), held-out examples)

The network itself never changes. A stacked network (MLP(dims, seed=[...])) adapts
all K copies at once, each on its own batches (adaptation_order), and gives K meta-losses.
"""
from dataclasses import dataclass

from . import backend, optim
from .settings import META
from .training import batches, evaluate, step

# Table D.1 (minifa/settings.py META): adaptation steps, examples per step, Adam lr
STEPS, BATCH_SIZE, LR = META["steps"], META["batch_size"], META["lr"]


@dataclass
class Task:
    """One task (§4.4): examples to adapt on and held-out examples to measure the loss on.
    Arrays may be host or device; they are moved to the active device once, here."""
    name: str
    X_adapt: object
    y_adapt: object
    X_eval: object
    y_eval: object

    def __post_init__(self):
        self.X_adapt, self.X_eval = backend.asarray(self.X_adapt), backend.asarray(self.X_eval)
        self.y_adapt, self.y_eval = backend.xp.asarray(self.y_adapt), backend.xp.asarray(self.y_eval)
        xp = backend.xp
        for X, y in ((self.X_adapt, self.y_adapt), (self.X_eval, self.y_eval)):
            if X.ndim != 2 or y.shape != X.shape[:1] or X.shape[1] != self.X_adapt.shape[-1]:
                raise ValueError(f"task {self.name!r}: inputs (N, D) with N labels, got "
                                 f"{tuple(X.shape)} and {tuple(y.shape)}")
            if len(y) == 0:
                raise ValueError(f"task {self.name!r} needs adaptation and evaluation examples")
            if not bool(xp.isfinite(X).all()) or y.dtype.kind not in "iu" or int(y.min()) < 0:
                raise ValueError(f"task {self.name!r}: inputs must be finite, labels integers >= 0")
        self.n_classes = int(max(self.y_adapt.max(), self.y_eval.max())) + 1  # checked once, here

    def check(self, net):
        """The task fits the network: input width and number of classes."""
        if self.X_adapt.shape[1] != net.dims[0] or self.n_classes > net.dims[-1]:
            raise ValueError(f"task {self.name!r} has {self.X_adapt.shape[1]} inputs and labels up to "
                             f"{self.n_classes - 1}; the network is {net.dims}")


def adaptation_order(net, n, need, seed=0):
    """The first `need` indices of shuffled passes through n examples (none repeats before all
    have been used), one order per network of a stack, each from its own stream seeded by
    (seed, network seed): (need,) for one network, (K, need) for K. Drawn on the host (CuPy's
    Generator has no permutation) and moved to the device once."""
    hp = backend.host

    def order(s):
        rng = backend.host_rng([seed, s])
        return hp.concatenate([rng.permutation(n) for _ in range(-(-need // n))])[:need]
    orders = hp.stack([order(s) for s in net.seeds])
    return backend.xp.asarray(orders if net.n_nets is not None else orders[0])


def adapt(net, task, steps=STEPS, batch_size=BATCH_SIZE, lr=LR, seed=0, optimizer="adam"):
    """A copy of `net` after `steps` updates (its own rule, BP or FA) on batches of
    `batch_size` adaptation examples of `task` (§4.4, Table D.1). `net` is unchanged."""
    return adaptation_curve(net, task, steps, batch_size, lr, seed, optimizer, at=())[1]


def adaptation_curve(net, task, steps=100, batch_size=BATCH_SIZE, lr=LR, seed=0,
                     optimizer="adam", at=None):
    """Held-out loss and accuracy of a copy of `net` while it adapts to `task` (Fig. 5c,
    "faster adaptation"). at: the step counts to measure at (default every step 0..steps).
    Returns ({'step', 'loss', 'acc'} host lists, per network for a stack; adapted copy)."""
    at = set(range(steps + 1) if at is None else at)
    task.check(net)
    new = net.copy()
    opt = optim.make(optimizer, lr)
    curve = {"step": [], "loss": [], "acc": []}

    def measure(t):
        if t in at:
            loss, acc = evaluate(new, task.X_eval, task.y_eval, check=False)
            curve["step"].append(t)
            curve["loss"].append(loss)
            curve["acc"].append(acc)

    measure(0)
    order = adaptation_order(net, task.X_adapt.shape[-2], steps * batch_size, seed)
    for t, (xb, yb) in enumerate(batches(task.X_adapt, task.y_adapt, order, batch_size), 1):
        step(new, opt, xb, yb)
        measure(t)
    return curve, new


def _add(a, b):
    """a + b for host floats, or elementwise for per-network lists."""
    return [u + v for u, v in zip(a, b)] if isinstance(a, list) else a + b


def meta_loss(net, tasks, steps=STEPS, batch_size=BATCH_SIZE, lr=LR, seed=0, optimizer="adam"):
    """Meta-loss of §4.4: sum over `tasks` of the held-out loss (eq. 2) after adapting a
    copy of `net` to each task (Table D.1: 10 steps x 10 examples, Adam lr 1e-3).
    Task i draws its batches with seed + i. Returns {'total': float (list of K for a
    stack), 'loss': {task: loss}, 'acc': {task: accuracy}}, host values."""
    out = {"total": None, "loss": {}, "acc": {}}
    for i, task in enumerate(tasks):
        adapted = adapt(net, task, steps, batch_size, lr, seed + i, optimizer)
        loss, acc = evaluate(adapted, task.X_eval, task.y_eval)
        out["loss"][task.name], out["acc"][task.name] = loss, acc
        out["total"] = loss if out["total"] is None else _add(out["total"], loss)
    return out
