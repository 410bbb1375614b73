"""Fig. 3's networks: Algorithm 1 once per depth (Fig. 3d's record at depth 3), and the data
sweeps of Fig. 3e-h (FA w/o and FA w/ trained as one stack; BP beside them with cfg.bp).

The experiment itself is minifa/experiments/fig3.py; this module holds its training."""
import time

import numpy as np  # host-side statistics only

from .. import MLP, PAPER, backend, pretrain_noise, train
from ..analysis import (effective_rank, generalization_error, gram_effective_rank, hidden_features,
                        neuron_gram_effective_rank, neuron_gram_matrix, silent_neurons)
from . import claims as C
from .common import noise_log_every, seeds

CLASSES, DEPTH = 10, len(PAPER.dims_deep) - 1     # DEPTH 3: "network depth: 3" (App. C.1)


def dims(depth):
    """`depth` weight layers: 784, then depth-1 hidden layers of 100, then 10 (App. C.1)."""
    return [784] + [100] * (depth - 1) + [CLASSES]


def all_depths(cfg):
    """The depths of Fig. 3f-h's panels: the depth sweep's and DEPTH (the size sweep's)."""
    return sorted(set(cfg.depths) | {DEPTH})


def depth_runs(cfg):
    """The depths the depth sweep trains (at cfg.depth_size): those the size sweep has not."""
    done, out = {(DEPTH, n) for n in cfg.sizes}, []
    for d in cfg.depths:
        if (d, cfg.depth_size) not in done:
            done.add((d, cfg.depth_size))
            out.append(d)
    return out


def key(depth, n):
    return f"depth{depth}_n{n}"


class Pretrained(dict):
    """depth -> the cfg.nets FA networks of that depth after Algorithm 1 (trained on first use,
    then copied); erank_log: Fig. 3d's record at DEPTH, [examples seen, effective rank (K,) of
    each W_l] per log entry."""

    def __init__(self, cfg):
        super().__init__()
        self.cfg, self.erank_log = cfg, []

    def __missing__(self, depth):
        cfg, K = self.cfg, self.cfg.nets
        print(f"Algorithm 1: {'-'.join(map(str, dims(depth)))}, {K} networks, {cfg.n_noise} noise examples", flush=True)
        net = MLP(dims(depth), rule="fa", seed=seeds(cfg, K), init=cfg.init)

        def log(net, hist):        # Fig. 3d: (examples seen, effective rank of each W_l), depth 3 only
            self.erank_log.append([hist["examples"][-1]] + [backend.to_host(effective_rank(W)) for W in net.W])
        pretrain_noise(net, n_examples=cfg.n_noise, seed=cfg.seed, callback=log if depth == DEPTH else None,
                       label="FA w/", log_every=noise_log_every(cfg))   # Fig. 2's records: App. B.3's call at depth 3
        self[depth] = net
        return net


def fa_stack(cfg, pre, depth):
    """FA w/o (networks 0..K-1, random init) and FA w/ (K..2K-1, the same W and B after Algorithm 1) in ONE
    stack of 2K, trained as one array program; network k and K+k share a seed, hence their data order."""
    K = cfg.nets
    net, noisy = MLP(dims(depth), rule="fa", seed=seeds(cfg, K) * 2, init=cfg.init, allow_repeats=True), pre[depth]
    assert all((B[K:] == Bn).all() for B, Bn in zip(net.B, noisy.B))     # Algorithm 1 leaves B alone
    for mine, theirs in zip(net.W + net.b, noisy.W + noisy.b):
        mine[K:] = theirs
    return net


def conditions(cfg, pre, train_set, test_set, depth, n, bp):
    """Train on the balanced n-image subset: ({condition: per-network generalization error, test accuracy
    and, on the last hidden layer over the test images, Gram ranks and silent neurons}, the FA stack).
    BP too if bp."""
    from ..datasets import subset
    K, (X_test, y_test) = cfg.nets, test_set
    stacks = {("FA w/o", "FA w/"): fa_stack(cfg, pre, depth)}          # Algorithm 1 first, if not yet run
    if bp:
        stacks = {("BP",): MLP(dims(depth), rule="bp", seed=seeds(cfg, K), init=cfg.init), **stacks}
    print(f"  depth {depth}, {n} images: training {'BP, ' if bp else ''}FA w/o and FA w/, {K} networks each",
          flush=True)
    X, y, t0, out = *subset(*train_set, n, seed=cfg.seed, balanced=True), time.perf_counter(), {}
    for conds, net in stacks.items():
        hist = train(net, X, y, epochs=cfg.epochs, X_test=X_test, y_test=y_test, seed=cfg.seed,
                     record_every=cfg.epochs, train_metrics=False,     # only the end is needed
                     label=f"{' and '.join(conds)}, {n} images")
        F = hidden_features(net, X_test)                                # (stack, test images, 100)
        m = {"gen": generalization_error(hist), "test_acc": 100 * np.asarray(hist["test_acc"][-1]),
             "gram": backend.to_host(neuron_gram_effective_rank(F)),
             "silent": backend.to_host(silent_neurons(F).sum(-1)),
             "gram_examples": backend.to_host(gram_effective_rank(F))}
        out.update({c: {k: v[i * K:(i + 1) * K] for k, v in m.items()} for i, c in enumerate(conds)})
    print("    " + ";  ".join(f"{c} {C.pm(r['gen'], digits=3)} (test acc {r['test_acc'].mean():.1f}%, Gram rank "
                              f"{r['gram'].mean():.2f}, silent {r['silent'].mean():.1f})" for c, r in out.items())
          + f"  [{time.perf_counter() - t0:.0f} s]", flush=True)
    return out, stacks["FA w/o", "FA w/"]


def gram_panel(cfg, net, test_set):
    """Fig. 3g: network 0 of FA w/o and of FA w/ (network K of the stack): {condition: {"G": the Gram
    matrix G_ij = cos(f_i, f_j) of its active neurons, sorted by preferred digit, "silent": how many were
    left out}}."""
    X_test, y_test = test_set
    F = hidden_features(net, X_test)
    G, silent, F = backend.to_host(neuron_gram_matrix(F)), backend.to_host(silent_neurons(F)), backend.to_host(F)
    y_test, out = backend.to_host(y_test), {}
    for c, i in (("FA w/o", 0), ("FA w/", cfg.nets)):
        keep = np.flatnonzero(~silent[i])                                # preferred digit of each active neuron:
        o = keep[np.argsort(np.argmax([F[i][y_test == d][:, keep].mean(0) for d in range(CLASSES)], 0), kind="stable")]
        out[c] = {"G": G[i][np.ix_(o, o)], "silent": int(silent[i].sum())}
    return out


def sweeps(cfg, pre, train_set, test_set):
    """Fig. 3e (sizes at DEPTH), 3f (depths at cfg.depth_size), 3g: ({key(depth, n): conditions}, gram_panel)."""
    res, panel = {}, {}

    def one(d, n, bp):
        res[key(d, n)], net = conditions(cfg, pre, train_set, test_set, d, n, bp=bp)
        if (d, n) == (DEPTH, cfg.depth_size):
            panel.update(gram_panel(cfg, net, test_set))
    print(f"\nFig. 3e: generalization error (test loss - train loss) after {cfg.epochs} epochs, by training-set size")
    for n in cfg.sizes:
        one(DEPTH, n, cfg.bp)
    print(f"\nFig. 3f: the same by depth, at training-set size {cfg.depth_size} (depth {DEPTH}: the networks above)")
    for d in depth_runs(cfg):
        one(d, cfg.depth_size, False)
    return res, panel
