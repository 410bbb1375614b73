"""The network of the paper, §3: an MLP trained by backpropagation or feedback alignment.

Equations (the paper's numbering, column vectors; the code below is row form with a batch
axis, so `h @ W.T` is W h for every example at once):
  eq. 1  o_{l+1} = W_l h_l + b_l,    h_{l+1} = relu(o_{l+1});   p = softmax(o_L)
  eq. 2  L = -(1/N) sum_n log p_{n, y_n}                          (cross-entropy)
  eq. 3  BP: delta_l = (W_l^T delta_{l+1}) * relu'(o_l)
  eq. 4  dL/dW_l = delta_{l+1} h_l^T,   dL/db_l = delta_{l+1}
  eq. 5  FA: delta_l = (B_l delta_{l+1}) * relu'(o_l),   B_l fixed and random

Indices as in the paper: layers 0..L with n_l units; W[l] (n_{l+1}, n_l) and b[l] (n_{l+1},)
take h_l to o_{l+1}; B[l] (n_l, n_{l+1}) has W[l].T's shape. After forward, h[l] = h_l for
l = 0..L-1 (h_0 = x) and o[l] = o_l for l = 1..L (o[0] is None).
K stacked networks: every array gains a leading axis K (W[l] (K, n_{l+1}, n_l), h[l]
(K, batch, n_l)); `@` broadcasts over it, so the same lines train one network or K.

Beyond the paper, other rules without weight transport change one line, MLP.error:
dfa (direct feedback alignment), sign (sign-concordant feedback), kp (Kolen-Pollack).
"""
from . import backend, checks
from .fast import flat_views, linear, mT, outer
from .init import INITS, init_layer

RULES = ("bp", "fa", "dfa", "sign", "kp")
KP_DECAY = 1e-4          # Kolen-Pollack's weight decay lambda per step, on W and B alike: over the
                         # ~16k steps of noise + data training W - B^T shrinks to e^-1.6; 1e-3 would
                         # shrink W itself ~2000-fold during Algorithm 1 alone (at Adam lr 1e-4)


def relu(o):
    return backend.xp.maximum(o, 0)


def log_softmax(o):
    """log p = o - log sum exp o over the class axis (eq. 1's softmax, in logs)."""
    xp = backend.xp
    z = o - o.max(axis=-1, keepdims=True)  # shift: exp cannot overflow, p is unchanged
    return z - xp.log(xp.exp(z).sum(axis=-1, keepdims=True))


def one_hot(y, n_classes):
    """(..., batch) int labels -> (..., batch, n_classes) of 0/1 in the active dtype."""
    return (y[..., None] == backend.xp.arange(n_classes)).astype(backend.dtype)


def cross_entropy(logp, y):
    """eq. 2: mean over the batch of -log p_y. A scalar, or (K,) for K networks."""
    return -(one_hot(y, logp.shape[-1]) * logp).sum(axis=-1).mean(axis=-1)


class MLP:
    """dims = [n_0, ..., n_L]; rule 'bp' (eq. 3), 'fa' (eq. 5), or beyond the paper 'dfa',
    'sign', 'kp' (MLP.error).

    seed: an int builds one network; a list of K ints builds K networks stacked on a leading
    axis, network k identical to MLP(dims, seed=seeds[k]).
    init: 'he' (default; N(0, 2/n_in), zero bias) or 'pytorch' (U(+-1/sqrt(n_in)), as
    torch.nn.Linear); B is drawn with the law of W.T from its own stream (init.py).
    kp_decay: Kolen-Pollack's weight decay per step (rule 'kp' only)."""

    def __init__(self, dims, rule="fa", seed=0, init="he", kp_decay=KP_DECAY):
        self.dims, self.rule = checks.layer_sizes(dims), rule
        self.kp_decay = checks.rate("kp_decay", kp_decay)
        self.init = checks.choice("init", init, INITS)
        self.seeds, self.n_nets = checks.seeds(seed)     # n_nets None: one network, no stack axis
        n_fb = self.dims[-1] if rule == "dfa" else None   # DFA: B_l^d (n_l, n_L)
        layers = [[init_layer(init, n_in, n_out, s, l, n_fb) for l, (n_in, n_out)
                   in enumerate(zip(self.dims[:-1], self.dims[1:]))] for s in self.seeds]
        stack = (lambda arrays: arrays[0]) if self.n_nets is None else backend.xp.stack
        W, b, B = ([stack([backend.asarray(net[l][i]) for net in layers])
                    for l in range(self.n_layers)] for i in range(3))
        self._set_params(W, b, B)

    def _set_params(self, W, b, B):
        """W and b (and for KP, B) become views of one flat buffer, theta, that the optimiser
        updates (fast.py); a fixed B stays apart."""
        L = self.n_layers
        trained = W + b + (B if self.rule == "kp" else [])
        self.theta, views = flat_views(trained)
        self.W, self.b = views[:L], views[L:2 * L]
        self.B = views[2 * L:] if self.rule == "kp" else B

    @property
    def n_layers(self):
        return len(self.dims) - 1

    @property
    def rule(self):
        return self._rule

    @rule.setter
    def rule(self, rule):
        rule = checks.choice("rule", rule, RULES)
        old = getattr(self, "_rule", rule)
        if rule != old and {"dfa", "kp"} & {rule, old}:
            raise ValueError(f"a {old!r} network cannot become {rule!r} (its B differs in shape or "
                             "training): build a new MLP")
        self._rule = rule

    def forward(self, x, check=True):
        """eq. 1 through every layer, softmax on the last. x: (batch, n_0), shared by all
        networks, or (K, batch, n_0), one batch each. Returns p: (..., batch, n_L)."""
        if check:
            checks.inputs(self, x)
        L = self.n_layers
        self.h, self.o = [x] + [None] * (L - 1), [None] * (L + 1)
        for l in range(L):
            self.o[l + 1] = linear(self.h[l], self.W[l], self.b[l])  # eq. 1: o_{l+1} = W_l h_l + b_l  (..., batch, n_{l+1})
            if l + 1 < L:
                self.h[l + 1] = relu(self.o[l + 1])                  # eq. 1: h_{l+1} = relu(o_{l+1})
        self.logp = log_softmax(self.o[L])                           # eq. 1: softmax readout (in logs)
        return backend.xp.exp(self.logp)                             # p  (..., batch, n_L)

    def loss(self, y, check=True):
        """eq. 2 for the last forward pass."""
        if check:
            checks.labels(self, y, self.h[0].shape[-2])
        return cross_entropy(self.logp, y)

    def backward(self, y, check=True):
        """Gradients of the mean loss (eq. 2) for the last forward pass: lists dW, db shaped
        like W, b. Errors travel back through W.T (bp, eq. 3) or B (fa, eq. 5)."""
        if check:
            checks.labels(self, y, self.h[0].shape[-2])
        delta = (backend.xp.exp(self.logp) - one_hot(y, self.dims[-1])) / y.shape[-1]  # eq. 2: delta_L = dL/do_L
        delta_L, dW, db = delta, [None] * self.n_layers, [None] * self.n_layers
        for l in reversed(range(self.n_layers)):       # here delta is delta_{l+1}
            dW[l] = outer(delta, self.h[l])            # eq. 4: dL/dW_l = delta_{l+1} h_l^T  (..., n_{l+1}, n_l)
            db[l] = delta.sum(axis=-2)                 # eq. 4: dL/db_l = delta_{l+1}, summed over the batch
            if l > 0:                                  # (no error is needed for the input h_0)
                delta = self.error(l, delta, delta_L) * (self.o[l] > 0)   # eq. 3/5: delta_l = (...) * relu'(o_l)
        return dW, db

    def error(self, l, delta, delta_L):
        """The error that reaches h_l from delta_{l+1} (= delta), before relu': (..., batch, n_l).
        The one line in which the learning rules differ."""
        if self.rule == "bp":
            return delta @ self.W[l]                   # eq. 3: W_l^T delta_{l+1}
        if self.rule == "dfa":                         # Nøkland 2016 (DFA), §2: B_l^d e, e = delta_L
            return delta_L @ mT(self.B[l])             #   B_l^d (n_l, n_L), fixed and random
        if self.rule == "sign":                        # Liao, Leibo & Poggio 2016 (uSF): sign(W_l)^T delta_{l+1},
            scale = (2 / (self.dims[l] + self.dims[l + 1])) ** 0.5   # scaled as BioTorch's usf
            return delta @ (scale * backend.xp.sign(self.W[l]))
        return delta @ mT(self.B[l])                   # eq. 5: B_l delta_{l+1} (fa; kp, whose B also learns)

    def gradients(self, dW, db):
        """What the optimiser receives, laid out like theta: dW and db, and for KP also B's own
        update direction (delta_{l+1} h_l^T)^T = dW_l^T (Kolen & Pollack 1994; Akrout et al.
        2019, §3), so that B_l follows W_l^T."""
        return dW + db + ([mT(g) for g in dW] if self.rule == "kp" else [])

    def decay(self):
        """KP's weight decay, -lambda W_l and -lambda B_l each step (lambda = kp_decay): with
        equal updates, W_l - B_l^T shrinks by (1 - lambda) a step, so B_l -> W_l^T
        (Akrout et al. 2019, §3)."""
        for a in self.W + self.B:
            a *= 1 - self.kp_decay

    def copy(self):
        """An independent copy (same weights and B, same rule), e.g. to adapt to a task."""
        new = object.__new__(MLP)
        new.dims, new.init, new.rule, new.n_nets = list(self.dims), self.init, self.rule, self.n_nets
        new.seeds, new.kp_decay = list(self.seeds), self.kp_decay
        new._set_params(list(self.W), list(self.b), [a.copy() for a in self.B])
        return new

    def __repr__(self):
        stack = "" if self.n_nets is None else f", {self.n_nets} stacked networks"
        per_net = self.theta.size // (self.n_nets or 1)
        return (f"MLP({'-'.join(map(str, self.dims))}, rule={self.rule!r}, init={self.init!r}"
                f"{stack}, {per_net:,} trained parameters each)")
