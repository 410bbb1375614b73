"""Optimisers written out by hand: plain SGD and Adam (Kingma & Ba 2015, Algorithm 1).

Adam is shown twice: first as the paper writes it (`adam_equations`, new arrays each step),
then in the in-place form training uses (`Adam.step`: the same arithmetic through one
scratch buffer, no allocation per step). tests/test_optim_noise.py checks they agree.
Both update theta, a flat parameter buffer (MLP.theta holds every W and b), from gradients
that tile it in order (MLP.gradients: every dW, then every db): no flat copy of them is made.
On a CPU with Numba (the [fast] extra) `Adam.step` runs `_update`'s 13 operations fused in one
loop (kernels.adam): the same bits, 3-5x faster; `_update` stays the reference.
"""
from . import backend, checks, kernels

CHUNK = 1 << 16   # elements per pass on a CPU: the dozen passes over one chunk (64k float32, 256 KB an
                  # array) stay in the cache instead of streaming theta, m, v and g from memory each time


def tiles(theta, grads, whole=False):
    """(theta piece, gradient piece) pairs: each gradient array against the slice of theta it
    tiles, cut into CHUNK-sized pieces on a CPU (one piece each on a GPU, fewer kernel launches,
    or with whole=True: the fused loop makes one pass whatever the size)."""
    grads = [grads] if hasattr(grads, "shape") else grads
    if sum(g.size for g in grads) != theta.size:
        raise ValueError(f"gradients hold {sum(g.size for g in grads)} values for {theta.size} parameters")
    start = 0
    for g in grads:
        g = g.reshape(-1)                                 # a view when contiguous
        step = CHUNK if backend.device == "cpu" and not whole else max(g.size, 1)
        for i in range(0, g.size, step):
            j = min(i + step, g.size)
            yield slice(start + i, start + j), g[i:j]
        start += g.size


def adam_equations(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step exactly as Kingma & Ba's Algorithm 1 writes it; returns (theta, m, v)."""
    xp = backend.xp
    m = beta1 * m + (1 - beta1) * g                       # m_t = b1 m_{t-1} + (1 - b1) g_t
    v = beta2 * v + (1 - beta2) * g * g                   # v_t = b2 v_{t-1} + (1 - b2) g_t^2
    m_hat = m / (1 - beta1 ** t)                          # bias-corrected first moment
    v_hat = v / (1 - beta2 ** t)                          # bias-corrected second moment
    theta = theta - lr * m_hat / (xp.sqrt(v_hat) + eps)   # theta_t = theta_{t-1} - lr m_hat / (sqrt(v_hat) + eps)
    return theta, m, v


class Adam:
    """Adam with bias correction, in place; defaults as in the paper's PyTorch setting."""

    def __init__(self, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
        # Python floats: an np.float64 beta would make NumPy's passes compute in float64 (NEP 50)
        self.lr, self.beta1, self.beta2, self.eps = checks.rate("lr", lr), float(beta1), float(beta2), float(eps)
        self.t, self.m, self.v, self.s = 0, None, None, None

    def step(self, theta, grads):
        """Update theta in place from its gradient: one array shaped like theta, or a list of
        arrays that tile it in order (tiles). The equations above, rearranged so every
        operation writes into m, v or the scratch buffer s."""
        xp = backend.xp
        if self.m is None:
            self.m, self.v = xp.zeros_like(theta), xp.zeros_like(theta)   # m_0 = v_0 = 0
            self.s = xp.empty_like(theta)
        if theta.shape != self.m.shape:
            raise ValueError("the parameters changed shape since the first Adam step; "
                             "use a new Adam for another network")
        self.t += 1
        bc1, bc2 = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t   # bias corrections
        fused = kernels.fused()
        for k, g in tiles(theta, grads, whole=fused):
            if not (fused and g.dtype == theta.dtype):    # manual implementation: the equations, pass by pass
                self._update(theta[k], g, self.m[k], self.v[k], self.s[k], bc1, bc2)
            else:                                         # fast path: the same 13 operations in one loop
                kernels.adam(theta[k], g, self.m[k], self.v[k], self.beta1, self.beta2, self.eps, self.lr, bc1, bc2)

    def _update(self, theta, g, m, v, s, bc1, bc2):
        xp = backend.xp
        m *= self.beta1
        m += xp.multiply(g, 1 - self.beta1, out=s)        # m_t = b1 m_{t-1} + (1-b1) g
        v *= self.beta2
        xp.multiply(g, g, out=s)
        s *= 1 - self.beta2
        v += s                                            # v_t = b2 v_{t-1} + (1-b2) g^2
        xp.sqrt(v, out=s)
        s *= bc2 ** -0.5
        s += self.eps                                     # sqrt(v_hat) + eps, v_hat = v / bc2
        xp.divide(m, s, out=s)
        s *= self.lr / bc1
        theta -= s                                        # theta -= lr m_hat / (sqrt(v_hat) + eps), m_hat = m / bc1


class SGD:
    def __init__(self, lr=1e-2):
        self.lr = checks.rate("lr", lr)

    def step(self, theta, grads):
        for k, g in tiles(theta, grads):
            theta[k] -= self.lr * g                       # theta <- theta - lr g


def make(name, lr):
    """'adam' or 'sgd' -> optimiser instance."""
    return {"adam": Adam, "sgd": SGD}[checks.choice("optimizer", name, ("adam", "sgd"))](lr)
