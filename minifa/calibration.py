"""Calibration (beyond the paper): does a network's confidence match its accuracy?

The same group's follow-up work claims that random-noise pretraining calibrates networks; this
module measures that under FA. For each example n, the confidence is c_n = max_k p_{n,k} (eq. 1's
softmax) and the prediction argmax_k p_{n,k}. The expected calibration error (ECE; Guo et al.
2017, after Naeini et al. 2015) with M = 10 equal-width confidence bins I_m = ((m-1)/M, m/M]
(the first bin also takes c = 0):

    ECE = sum_m (|B_m| / N) |acc(B_m) - conf(B_m)|,
    acc(B_m) = (1/|B_m|) sum_{n in B_m} 1[prediction_n = y_n],   conf(B_m) = (1/|B_m|) sum_{n in B_m} c_n,

B_m the examples whose confidence falls in I_m; empty bins add nothing. conf(B_m) is the mean
confidence of the bin's examples, as in Guo et al.; the authors' follow-up code uses the bin's
centre (m - 1/2)/M instead, which gives a somewhat different number for the same network.
0: perfectly calibrated; 1 at most. ECE has no sign: gap(p, y) = mean_n c_n - accuracy says which
way a network errs (> 0 overconfident, < 0 underconfident, as a network early in training).
"""
from . import backend

BINS = 10


def ece(p, y, bins=BINS):
    """Expected calibration error of probabilities p (..., N, C) against labels y (N,) or (..., N):
    a float, or a host array (K,) for K stacked networks. Host-side arithmetic (NumPy)."""
    hp = backend.host
    p, y = hp.asarray(backend.to_host(p), float), hp.asarray(backend.to_host(y))
    if p.ndim < 2 or y.shape[-1] != p.shape[-2]:
        raise ValueError(f"p must be (..., N, C) and y (N,): got p {p.shape}, y {y.shape}")
    conf = p.max(axis=-1)                                          # c_n
    right = (p.argmax(axis=-1) == y).astype(float)                 # 1[prediction_n = y_n]
    m = hp.digitize(conf, hp.linspace(0.0, 1.0, bins + 1)[1:-1], right=True)   # bin of c_n: ((m-1)/M, m/M]
    total = hp.zeros(conf.shape[:-1])
    for b in range(bins):
        inside = m == b
        n_b = inside.sum(axis=-1)
        gap = hp.abs((right * inside).sum(axis=-1) - (conf * inside).sum(axis=-1))   # |B_m| |acc - conf|
        total = total + hp.where(n_b > 0, gap, 0.0)
    out = total / conf.shape[-1]
    return float(out) if out.ndim == 0 else out


def gap(p, y):
    """Mean confidence minus accuracy, (K,) or a float: > 0 overconfident, < 0 underconfident."""
    hp = backend.host
    p, y = hp.asarray(backend.to_host(p), float), hp.asarray(backend.to_host(y))
    out = p.max(axis=-1).mean(axis=-1) - (p.argmax(axis=-1) == y).mean(axis=-1)
    return float(out) if out.ndim == 0 else out


def probabilities(net, X, batch_size=10_000):
    """p (..., N, C) of a network (or K stacked ones) on the host: its forward pass (eq. 1) in batches."""
    X = backend.xp.asarray(X)
    return backend.host.concatenate([backend.to_host(net.forward(X[i:i + batch_size]))
                                     for i in range(0, X.shape[0], batch_size)], axis=-2)


def network_ece(net, X, y, bins=BINS, batch_size=10_000):
    """ECE of a network (or K stacked ones) on a data set."""
    return ece(probabilities(net, X, batch_size), y, bins)
