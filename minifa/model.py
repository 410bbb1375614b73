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

The learning rule (bp, fa and, beyond the paper, dfa, sign, kp) is an object of rules.py: its
error line (MLP.error), the shape and training of B, what follows a step.
"""
from . import backend, checks, rules
from .fast import TRANSPOSED, Params, fast_path, flat_views, kept_T, linear, mT, one_gemm, outer, stored_T
from .init import INITS, init_layer
from .settings import KP_DECAY

RULES = tuple(rules.RULES)   # the rules' names: 'bp', 'fa', 'dfa', 'sign', 'kp'


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
    'sign', 'kp' (rules.py); net.rule is then the rule object (net.rule.name the name).

    seed: an int builds one network; a list of K distinct ints builds K networks stacked on a
    leading axis, network k identical to MLP(dims, seed=seeds[k]).
    init: 'he' (default; N(0, 2/n_in), zero bias) or 'pytorch' (U(+-1/sqrt(n_in)), as
    torch.nn.Linear); B is drawn with the law of W.T from its own stream (init.py).
    gain: beyond the paper, W, B ~ N(0, gain^2/n_in) with zero bias (init 'he' only; sqrt(2) is
    He's law); None (default): the init's own law (init.py).
    kp_decay: Kolen-Pollack's weight decay per step (rule 'kp' only).
    allow_repeats: True lets a seed come back in the list, for copies made on purpose (one stack
    holding FA w/o and FA w/ from the same networks, trained side by side on the same data
    order); such copies are not independent samples of each other.
    W, b, B: lists with one array per layer. Assigning, net.W[l] = new or net.W = [...], writes
    the new values into the arrays training updates (fast.Params): nothing detaches."""

    W = property(lambda self: self._W, lambda self, arrays: self._W.assign(arrays))
    b = property(lambda self: self._b, lambda self, arrays: self._b.assign(arrays))
    B = property(lambda self: self._B, lambda self, arrays: self._B.assign(arrays))

    def __init__(self, dims, rule="fa", seed=0, init="he", kp_decay=KP_DECAY, allow_repeats=False, gain=None):
        self.dims, self.rule = checks.layer_sizes(dims), rule
        self.kp_decay = checks.rate("kp_decay", kp_decay)
        self.init = checks.choice("init", init, INITS)
        self.seeds, self.n_nets = checks.seeds(seed, allow_repeats)   # n_nets None: one network, no stack axis
        self.gain = gain
        layers = [[init_layer(init, n_in, n_out, s, l, self.rule.feedback_width(self.dims, l), gain)
                   for l, (n_in, n_out) in enumerate(zip(self.dims[:-1], self.dims[1:]))] for s in self.seeds]
        stack = (lambda arrays: arrays[0]) if self.n_nets is None else backend.xp.stack
        W, b, B = ([stack([backend.asarray(net[l][i]) for net in layers])
                    for l in range(self.n_layers)] for i in range(3))
        self._set_params(W, b, B)

    def _set_params(self, W, b, B):
        """W and b (and a trained B, KP's) become views of one flat buffer, theta, that the
        optimiser updates (fast.py); a fixed B stays apart. W_0 is kept there as W_0^T (fast.TRANSPOSED:
        its products run faster); net.W[0] is its transposed view, shaped (n_1, n_0) as the paper's."""
        L, trains_B = self.n_layers, self.rule.trains_B
        kept = [mT(W[l]) if l in TRANSPOSED else W[l] for l in range(L)]
        self.theta, views = flat_views(kept + b + (B if trains_B else []))
        W = [mT(v) if l in TRANSPOSED else v for l, v in enumerate(views[:L])]
        self._W, self._b = Params("W", W), Params("b", views[L:2 * L])
        self._B = Params("B", views[2 * L:] if trains_B else B)

    @property
    def n_layers(self):
        return len(self.dims) - 1

    @property
    def rule(self):
        return self._rule

    @rule.setter
    def rule(self, rule):
        rule = rules.get(rule)
        old = getattr(self, "_rule", rule)
        if not old.same_feedback(rule):
            raise ValueError(f"a {old.name!r} network cannot become {rule.name!r} (its B differs in shape "
                             "or training): build a new MLP")
        self._rule = rule

    def forward(self, x, check=True):
        """eq. 1 through every layer, softmax on the last. x: (batch, n_0), shared by all
        networks, or (K, batch, n_0), one batch each. Returns p: (..., batch, n_L)."""
        if check:
            checks.inputs(self, x)
        L = self.n_layers
        self.h, self.o = [x] + [None] * (L - 1), [None] * (L + 1)
        for l in range(L):
            if not fast_path(self.h[l], self.W[l]):    # manual implementation, as the equation reads:
                self.o[l + 1] = self.h[l] @ mT(self.W[l]) + self.b[l][..., None, :]   # eq. 1: o_{l+1} = W_l h_l + b_l
            else:                                      # fast path: one GEMM for a shared batch, W h^T else (fast.linear)
                self.o[l + 1] = linear(self.h[l], self.W[l], self.b[l])
            if l + 1 < L:
                self.h[l + 1] = relu(self.o[l + 1])    # eq. 1: h_{l+1} = relu(o_{l+1})
        self.logp = log_softmax(self.o[L])             # eq. 1: softmax readout (in logs)
        return backend.xp.exp(self.logp)               # p  (..., batch, n_L)

    def loss(self, y, check=True):
        """eq. 2 for the last forward pass."""
        if check:
            checks.labels(self, y, self.h[0].shape[-2])
        return cross_entropy(self.logp, y)

    def backward(self, y, check=True):
        """Gradients of the mean loss (eq. 2) for the last forward pass: lists dW, db shaped
        like W, b. Errors travel back by the rule's error line (MLP.error)."""
        if check:
            checks.labels(self, y, self.h[0].shape[-2])
        delta = (backend.xp.exp(self.logp) - one_hot(y, self.dims[-1])) / y.shape[-1]  # eq. 2: delta_L = dL/do_L
        delta_L, dW, db = delta, [None] * self.n_layers, [None] * self.n_layers
        for l in reversed(range(self.n_layers)):       # here delta is delta_{l+1}  (..., batch, n_{l+1})
            if not (one_gemm(self.h[l], delta) or kept_T(self.W[l])):   # manual implementation, as the equation reads:
                dW[l] = mT(delta) @ self.h[l]          # eq. 4: dL/dW_l = delta_{l+1} h_l^T, summed over the batch
            elif one_gemm(self.h[l], delta):           # fast path: K networks share the batch (fast.outer)
                dW[l] = outer(delta, self.h[l])
            else:                                      # fast path: W_0 kept as W_0^T (fast.TRANSPOSED), dW_0 in its order
                dW[l] = mT(mT(self.h[l]) @ delta)      # eq. 4: (h_0^T delta_1)^T = delta_1 h_0^T
            db[l] = delta.sum(axis=-2)                 # eq. 4: dL/db_l = delta_{l+1}, summed over the batch
            if l > 0:                                  # (no error is needed for the input h_0)
                delta = self.error(l, delta, delta_L) * (self.o[l] > 0)   # eq. 3/5: delta_l = (...) * relu'(o_l)
        return dW, db

    def error(self, l, delta, delta_L):
        """The error that reaches h_l from delta_{l+1} (= delta), before relu': (..., batch, n_l).
        The one line in which the learning rules differ: the rule's error (rules.py), e.g.
        W_l^T delta_{l+1} (bp, eq. 3), B_l delta_{l+1} (fa, eq. 5)."""
        return self.rule.error(self, l, delta, delta_L)

    def gradients(self, dW, db):
        """What the optimiser receives, laid out like theta: dW and db, and for a rule that
        trains B its update directions (KP: dW_l^T, rules.KP). dW_0 as theta holds W_0 (W_0^T's order)."""
        return [mT(g) if stored_T(W) else g for g, W in zip(dW, self.W)] + db + self.rule.B_gradients(dW)

    def copy(self):
        """An independent copy (same weights and B, same rule), e.g. to adapt to a task."""
        new = object.__new__(MLP)
        new.dims, new.init, new.rule, new.n_nets = list(self.dims), self.init, self.rule, self.n_nets
        new.seeds, new.kp_decay, new.gain = list(self.seeds), self.kp_decay, getattr(self, "gain", None)
        new._set_params(list(self.W), list(self.b), [a.copy() for a in self.B])
        return new

    def __getstate__(self):
        """Pickle (and copy.deepcopy) W, b, B as plain arrays; __setstate__ makes them views of
        a new theta again, so a loaded network still trains."""
        state = {k: v for k, v in vars(self).items() if k not in ("theta", "_W", "_b", "_B")}
        return {**state, "_W": list(self.W), "_b": list(self.b), "_B": list(self.B)}

    def __setstate__(self, state):
        W, b, B = (state.pop(k) for k in ("_W", "_b", "_B"))
        vars(self).update(state)
        self._set_params(W, b, B)

    def __repr__(self):
        stack = "" if self.n_nets is None else f", {self.n_nets} stacked networks"
        per_net = self.theta.size // (self.n_nets or 1)
        return (f"MLP({'-'.join(map(str, self.dims))}, rule={self.rule.name!r}, init={self.init!r}"
                f"{stack}, {per_net:,} trained parameters each)")
