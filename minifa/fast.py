"""Speed tricks the equations do not need, kept out of model.py's equation lines.

Each gives the same numbers as the plain expression beside it in its docstring.
"""
from . import backend


def mT(a):
    """Transpose of the last two axes: W.T for one network, each W.T for a stack."""
    return a.swapaxes(-1, -2)


def linear(h, W, b):
    """W h + b for a batch, in row form h @ W.T + b: (..., batch, n) -> (..., batch, m).

    Why: K stacked networks sharing one batch (h 2-d, W (K, m, n)) need K products; side by
    side they are ONE (batch, n) @ (n, K*m) product, and one large GEMM beats K small ones."""
    if h.ndim == 2 and W.ndim == 3:
        K, m, n = W.shape
        return (h @ W.reshape(K * m, n).T).reshape(-1, K, m).swapaxes(0, 1) + b[:, None, :]
    return h @ mT(W) + b[..., None, :]


def outer(delta, h):
    """The batch sum of delta h^T, i.e. mT(delta) @ h: (..., batch, m), (..., batch, n) -> (..., m, n).

    Why: for a batch h shared by K networks this too is one GEMM, (K*m, batch) @ (batch, n)."""
    if h.ndim == 2 and delta.ndim == 3:
        K, N, m = delta.shape
        return (delta.swapaxes(1, 2).reshape(K * m, N) @ h).reshape(K, m, -1)
    return mT(delta) @ h


def flat_views(arrays):
    """Copy arrays into one flat buffer; return (buffer, views shaped like the arrays).

    Why: the optimiser then updates every parameter in a dozen passes over one buffer
    instead of a dozen passes per array (optim.Adam)."""
    buffer = backend.xp.concatenate([a.ravel() for a in arrays])
    views, start = [], 0
    for a in arrays:
        views.append(buffer[start:start + a.size].reshape(a.shape))
        start += a.size
    return buffer, views
