"""Speed tricks the equations do not need, kept out of model.py's equation lines.

Each gives the numbers of the plain expression named in its docstring, to float round-off
(tests/test_model.py checks it).
"""
from . import backend

ONE_GEMM = True   # the one place that chooses the fast path of linear/outer (model.py asks one_gemm);
                  # False: every product is computed as model.py's equation line reads


def mT(a):
    """Transpose of the last two axes: W.T for one network, each W.T for a stack."""
    return a.swapaxes(-1, -2)


def one_gemm(h, a):
    """Whether linear/outer apply: K stacked networks (a: W (K, m, n) or delta (K, batch, m))
    that share one batch h (batch, n). Otherwise `@` broadcasts as the equation reads."""
    return ONE_GEMM and h.ndim == 2 and a.ndim == 3


def linear(h, W, b):
    """h @ mT(W) + b[..., None, :] (eq. 1, row form) for a batch h (batch, n) shared by K
    networks W (K, m, n), b (K, m) -> (K, batch, m).

    Why: `@` would make K small (batch, n) @ (n, m) products; side by side the K networks are
    ONE (batch, n) @ (n, K*m) product, and one large GEMM beats K small ones."""
    K, m, n = W.shape
    return (h @ W.reshape(K * m, n).T).reshape(-1, K, m).swapaxes(0, 1) + b[:, None, :]


def outer(delta, h):
    """mT(delta) @ h (eq. 4: the batch sum of delta h^T) for delta (K, batch, m) of K networks
    and a batch h (batch, n) they share -> (K, m, n).

    Why: this too is then one GEMM, (K*m, batch) @ (batch, n), instead of K."""
    K, N, m = delta.shape
    return (delta.swapaxes(1, 2).reshape(K * m, N) @ h).reshape(K, m, -1)


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


class Params(list):
    """The list net.W (or net.b, net.B): one array per layer, views of the buffer the optimiser
    trains (MLP.theta). Replacing an array would detach it (training would update the buffer,
    the network would compute with the new array), so assignment writes INTO the array:
    `net.W[l] = new` is `net.W[l][...] = new` (same shape; cast to the array's dtype and moved
    to its device). The list's length is fixed: it has one array per layer."""

    def __init__(self, name, arrays):
        super().__init__(arrays)
        self.name = name

    def __setitem__(self, l, value):
        if isinstance(l, slice):
            raise TypeError(f"{self.name}[{l!r}] = ...: assign one layer at a time, {self.name}[l] = array")
        target = self[l]
        value = backend.xp.asarray(value, dtype=target.dtype)
        if value.shape != target.shape:
            raise ValueError(f"{self.name}[{l}] is {tuple(target.shape)}; the new value is "
                             f"{tuple(value.shape)} (layer sizes and stacked networks are fixed: "
                             "build a new MLP for others)")
        target[...] = value

    def assign(self, arrays):
        """net.W = [...]: write each layer's array into place (MLP's W, b, B setters)."""
        arrays = list(arrays)
        if len(arrays) != len(self):
            raise ValueError(f"{self.name} has {len(self)} layers, got {len(arrays)} arrays")
        for l, a in enumerate(arrays):
            self[l] = a

    def _fixed(self, *args, **kwargs):
        raise TypeError(f"{self.name} holds one array per layer: it cannot grow, shrink or be "
                        f"reordered; write into a layer with {self.name}[l] = array")

    append = extend = insert = pop = remove = clear = sort = reverse = __delitem__ = __iadd__ = __imul__ = _fixed
