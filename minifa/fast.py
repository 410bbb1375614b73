"""Speed tricks the equations do not need, kept out of model.py's equation lines.

Each gives the numbers of the plain expression named in its docstring, to float round-off
(tests/test_model.py checks it).
"""
import threading
from contextlib import contextmanager

from . import backend

ONE_GEMM = True   # the one place that chooses the fast paths of linear/outer (model.py asks fast_path);
                  # False: every product is computed as model.py's equation line reads
TRANSPOSED = (0,)   # layers whose W_l is kept in memory as W_l^T (MLP._set_params; net.W[l] is a view of it):
                    # the input layer's two products, x W_0^T (eq. 1) and x^T delta_1 (eq. 4, its transpose),
                    # then read C-ordered operands: 441 + 447 µs instead of 509 + 550 for 64 x 3072 -> 100,
                    # 119 + 121 instead of 138 + 111 for 64 x 784 -> 100 on a quiet VM (less on a loaded one),
                    # the same bits above SMALL_GEMM (kept_T_differs; tests/test_model.py checks round-off)


def mT(a):
    """Transpose of the last two axes: W.T for one network, each W.T for a stack."""
    return a.swapaxes(-1, -2)


SMALL_GEMM = 100 ** 3   # float32 on OpenBLAS (0.3.x): a product of M*N*K <= 100^3 multiply-adds, or of one row, runs
                        # in its small-matrix or vector kernels, whose sums run in another order for the two
                        # operand layouts: W_0 x^T and x W_0^T then differ in the last bits (N <= 12 rows at
                        # 784 -> 100, N <= 3 at 3072 -> 100); above it, the same bits (float64 differs at more
                        # sizes: it keeps the old product). Measured over 6 x 6 layer shapes and N = 1..10^4;
                        # kept_T_differs checks the paper's first layers on any machine (python -m minifa.doctor)


def kept_T_differs(shapes=((784, 100), (3072, 100)), rows=(8, 16, 32, 64), K=2):
    """Where this machine's BLAS gives W_0 kept as W_0^T other bits than W_0 kept as is: the
    (n_0, n_1, rows, 'eq. 1' or 'eq. 4') of the paper's first layers (MNIST, CIFAR-10) and batch
    sizes (the full 64 and an epoch's thin last ones) whose products differ. Empty: a reproduction
    here gives the bits of one that kept W_0 as is (python -m minifa.doctor prints it)."""
    xp, rng, bad = backend.xp, backend.host.random.default_rng(0), []
    for n, m in shapes:
        plain = xp.asarray(rng.standard_normal((K, m, n)).astype("float32"))
        kept, b = mT(xp.ascontiguousarray(mT(plain))), xp.zeros((K, m), "float32")   # W_0 as TRANSPOSED keeps it
        for N in rows:
            h, d = (xp.asarray(rng.standard_normal(s).astype("float32")) for s in ((K, N, n), (K, N, m)))
            if not bool((linear(h, kept, b) == linear(h, plain, b)).all()):
                bad.append((n, m, N, "eq. 1"))
            if not bool((mT(mT(h) @ d) == mT(d) @ h).all()):
                bad.append((n, m, N, "eq. 4"))
    return bad


def stored_T(W):
    """Whether W (..., m, n) is a transposed view of C-ordered memory: a layer of TRANSPOSED."""
    return W.ndim >= 2 and not W.flags.c_contiguous and mT(W).flags.c_contiguous


def kept_T(W):
    """Whether model.backward computes dW for W as W^T is kept (a fast path: ONE_GEMM)."""
    return ONE_GEMM and stored_T(W)


def fast_path(h, W):
    """Whether model.forward uses `linear` for h (..., batch, n) and W (..., m, n)."""
    return ONE_GEMM and (one_gemm(h, W) or backend.device == "cpu")


_blocks = threading.local()   # per_network() blocks open in this thread (a sweep may train in threads)


def one_gemm(h, a):
    """Whether K stacked networks (a: W (K, m, n) or delta (K, batch, m)) share one batch h
    (batch, n) and make ONE product for all K in `outer` and `linear` (not inside per_network())."""
    return ONE_GEMM and not getattr(_blocks, "open", 0) and h.ndim == 2 and a.ndim == 3


@contextmanager
def per_network():
    """Inside the block, K stacked networks that share a batch compute each its own products, as a
    network alone does, not one product for all: network k's numbers then do not depend on the stack
    it is in, on any BLAS. One product's block k can change its last bits with K (OpenBLAS's Haswell
    kernels: at nearly every size; its SkylakeX kernels: at small ones, e.g. 40 rows at 100 -> 10), and
    the run's store takes a stack's networks one by one (training.evaluate runs in this block). A stack
    that trains on a shared batch (shared_noise, shared_order) keeps the one product: the store keeps it whole."""
    _blocks.open = getattr(_blocks, "open", 0) + 1
    try:
        yield
    finally:
        _blocks.open -= 1


def linear(h, W, b):
    """h @ mT(W) + b[..., None, :] (eq. 1, row form), to float round-off (tests/test_model.py):

    K networks W (K, m, n), b (K, m) sharing a batch h (batch, n) -> (K, batch, m): `@` would
    make K small (batch, n) @ (n, m) products; side by side the K networks are ONE
    (batch, n) @ (n, K*m) product, and one large GEMM beats K small ones.

    Otherwise (one network, or a batch per network, on a CPU): mT(W @ mT(h)), the transposed
    product, into a C-ordered o. OpenBLAS packs the operands the other way round and runs
    ~7% faster at 64 x 784 -> 100 (132 vs 142 µs); each o_ij is still one dot product over
    k = 1..n. In float32 on this project's OpenBLAS the same bits (every number of the
    reproduction unchanged); in float64 they differ in the last bits (~1e-14).

    W_0, kept as W_0^T (TRANSPOSED): h @ mT(W) itself, both operands C-ordered, for a batch per
    network above SMALL_GEMM in float32; else (a shared batch; a thin one, e.g. an epoch's last) the products
    above from a C-ordered copy of W, so that every product has the bits it had before W_0^T was kept."""
    xp = backend.xp
    if stored_T(W):                                    # W_0, kept as W_0^T (TRANSPOSED)
        N, (m, n) = h.shape[-2], W.shape[-2:]
        if not one_gemm(h, W) and min(N, m) > 1 and N * m * n > SMALL_GEMM and h.dtype == W.dtype == xp.float32:
            return h @ mT(W) + b[..., None, :]         # eq. 1, the row form: reads W_0^T in order
        W = xp.ascontiguousarray(W)
    if one_gemm(h, W):
        K, m, n = W.shape
        return (h @ W.reshape(K * m, n).T).reshape(-1, K, m).swapaxes(0, 1) + b[:, None, :]
    lead = backend.host.broadcast_shapes(h.shape[:-2], W.shape[:-2], b.shape[:-1])   # the stack axes of h @ mT(W) + b
    o = xp.empty(lead + (h.shape[-2], W.shape[-2]), dtype=xp.result_type(h, W, b))
    return xp.add(mT(W @ mT(h)), b[..., None, :], out=o)


def outer(delta, h):
    """mT(delta) @ h (eq. 4: the batch sum of delta h^T) for delta (K, batch, m) of K networks
    and a batch h (batch, n) they share -> (K, m, n).

    Why: this too is then one GEMM, (K*m, batch) @ (batch, n), instead of K."""
    K, N, m = delta.shape
    return (delta.swapaxes(1, 2).reshape(K * m, N) @ h).reshape(K, m, -1)


def flat_views(arrays):
    """Copy arrays into one flat buffer; return (buffer, views shaped like the arrays).

    Why: the optimiser then updates every parameter from one buffer: NumPy's 13 passes over
    cache-sized pieces of it, or the fused loop's one pass per gradient array (optim.Adam)."""
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
