"""Weight alignment (paper §4.1, Fig. 1): the angle between each neuron's forward
weights W_l^T and its feedback weights B_l.

Row i of W[l].T holds the weights neuron i of layer l sends forward; row i of B[l]
holds the weights through which it receives errors (eq. 5). 90 deg: unrelated
(random init); 0 deg: FA sends exactly BP's error (eq. 3 = eq. 5).
"""
from . import backend


def angle(a, b):
    """Angle in degrees between matching rows (last axis) of a and b."""
    xp = backend.xp
    cos = (a * b).sum(axis=-1) / (xp.linalg.norm(a, axis=-1) * xp.linalg.norm(b, axis=-1))
    return xp.degrees(xp.arccos(xp.clip(cos, -1.0, 1.0)))


def forward_and_feedback(net, l):
    """(forward, feedback), each (..., n_l, m): row i holds what neuron i of layer l sends
    forward and what it receives errors through, as the network's rule defines it
    (rules.Rule.compared). FA, KP (and BP's unused B): W_l^T and B_l (m = n_{l+1}).
    DFA: B_l^d stands in for the whole path to the output, (W_{L-1} ... W_l)^T (m = n_L).
    sign: sign(W_l^T), the feedback itself, against W_l^T."""
    return net.rule.compared(net, l)


def alignment_angles(net):
    """{l: per-neuron angles (..., n_l)} between forward and feedback weights, for the layers
    whose feedback the backward pass uses: l = 1..L-1. B[0] would send errors to the input,
    which has no weights to teach, so it is never used and its ~90 deg means nothing."""
    return {l: angle(*forward_and_feedback(net, l)) for l in range(1, net.n_layers)}


def mean_angle(net):
    """Mean over neurons of each used layer, on the host: {l: float, or a list of K floats}."""
    return {l: backend.to_host(a.mean(axis=-1)).tolist() for l, a in alignment_angles(net).items()}
