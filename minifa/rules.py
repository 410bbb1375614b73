"""The learning rules, one class each: everything in which BP (eq. 3), FA (eq. 5) and, beyond
the paper, DFA, sign-concordant feedback and Kolen-Pollack differ.

A rule says
  error(net, l, delta, delta_L)  the error that reaches h_l from delta_{l+1} (= delta), before
                                 relu' (MLP.backward multiplies by relu'(o_l));
  feedback_width(dims, l)        the columns of its feedback matrix B_l (n_l, ...): n_{l+1}, the
                                 shape of W_l^T, unless the rule says otherwise (DFA: n_L);
  trains_B, B_gradients(dW)      whether B_l is trained, and from what (KP: dW_l^T);
  after_step(net)                what happens after each optimiser step (KP: weight decay);
  compared(net, l)               what its alignment angle compares (alignment.py, paper §4.1).
Adding a rule means adding one class here: subclasses register themselves under `name`, and
MLP(dims, rule=name) finds them.
"""
from . import backend
from .fast import mT

RULES = {}   # name -> class, filled by Rule.__init_subclass__


class Rule:
    """The defaults are FA's: a fixed random B_l with W_l^T's shape, compared with W_l^T."""
    name = None
    trains_B = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        RULES[cls.name] = cls

    def error(self, net, l, delta, delta_L):
        raise NotImplementedError

    def feedback_width(self, dims, l):
        return None                                   # None: n_{l+1}, B_l has W_l^T's shape

    def B_gradients(self, dW):
        """The update directions of the trained B (laid out after dW, db in MLP.theta)."""
        return []

    def after_step(self, net):
        """Runs after every optimiser step (training.step)."""

    def compared(self, net, l):
        """(forward, feedback), each (..., n_l, m): row i holds what neuron i of layer l sends
        forward and what it receives errors through: W_l^T and B_l."""
        return mT(net.W[l]), net.B[l]

    def same_feedback(self, other):
        """Whether a network can switch from this rule to `other`: same B shape and training."""
        return (type(self).feedback_width is type(other).feedback_width
                and self.trains_B == other.trains_B)

    def __eq__(self, other):
        """Equal to a rule of the same class, and to its name: net.rule == "fa"."""
        if isinstance(other, str):
            return self.name == other
        return type(other) is type(self)

    def __hash__(self):
        return hash(self.name)

    def __str__(self):
        return self.name

    def __repr__(self):
        return f"{type(self).__name__}()"


class BP(Rule):
    """Backpropagation, eq. 3: delta_l = (W_l^T delta_{l+1}) * relu'(o_l). It uses no B; its
    B (drawn as FA's) is kept, so that a network can switch between BP and FA (e.g. to compare
    gradients on the same weights) and its angle reports how far W_l^T is from that B."""
    name = "bp"

    def error(self, net, l, delta, delta_L):
        return delta @ net.W[l]                        # eq. 3: W_l^T delta_{l+1} (row form)


class FA(Rule):
    """Feedback alignment, eq. 5 (the paper's rule; Lillicrap et al. 2016):
    delta_l = (B_l delta_{l+1}) * relu'(o_l), B_l (n_l, n_{l+1}) fixed and random."""
    name = "fa"

    def error(self, net, l, delta, delta_L):
        return delta @ mT(net.B[l])                    # eq. 5: B_l delta_{l+1} (row form)


class DFA(Rule):
    """Direct feedback alignment (Nøkland 2016, §2): every hidden layer hears the output error
    e = delta_L directly, delta_l = (B_l^d e) * relu'(o_l), B_l^d (n_l, n_L) fixed and random.
    With one hidden layer B_1^d is FA's B_1 (drawn alike) and DFA is FA."""
    name = "dfa"

    def error(self, net, l, delta, delta_L):
        return delta_L @ mT(net.B[l])                  # B_l^d e

    def feedback_width(self, dims, l):
        return dims[-1]

    def compared(self, net, l):
        """B_l^d stands in for the whole path to the output, (W_{L-1} ... W_l)^T (m = n_L)."""
        path = net.W[l]
        for k in range(l + 1, net.n_layers):
            path = net.W[k] @ path                     # (..., n_{k+1}, n_l)
        return mT(path), net.B[l]


class Sign(Rule):
    """Sign-concordant feedback (Liao, Leibo & Poggio 2016, "uSF"): B_l = s sign(W_l)^T, the
    current weights' signs at a fixed scale s = sqrt(2 / (n_l + n_{l+1})), as BioTorch's usf."""
    name = "sign"

    def error(self, net, l, delta, delta_L):
        scale = (2 / (net.dims[l] + net.dims[l + 1])) ** 0.5
        return delta @ (scale * backend.xp.sign(net.W[l]))   # (s sign(W_l))^T delta_{l+1}

    def compared(self, net, l):
        """sign(W_l^T), the feedback itself, against W_l^T."""
        return mT(net.W[l]), backend.xp.sign(mT(net.W[l]))


class KP(FA):
    """Kolen-Pollack (Kolen & Pollack 1994; Akrout et al. 2019, §3): FA's error line, eq. 5, but
    B_l learns too: its update direction is (delta_{l+1} h_l^T)^T = dW_l^T, so B_l gets W_l^T's
    update, and a weight decay lambda (the network's kp_decay, default settings.KP_DECAY) on W_l
    and B_l after every step shrinks W_l - B_l^T by (1 - lambda) a step: B_l -> W_l^T."""
    name = "kp"
    trains_B = True

    def B_gradients(self, dW):
        return [mT(g) for g in dW]                     # dL/dB_l := dW_l^T

    def after_step(self, net):
        for a in net.W + net.B:                        # -lambda W_l and -lambda B_l
            a *= 1 - net.kp_decay


def get(rule):
    """A rule object from its name ('bp', 'fa', 'dfa', 'sign', 'kp') or a rule object."""
    if isinstance(rule, Rule):
        return rule
    if not isinstance(rule, str) or rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(map(repr, RULES))}; got {rule!r}")
    return RULES[rule]()
