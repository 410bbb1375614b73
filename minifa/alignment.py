"""Weight alignment (paper §4.1, Fig. 1): the angle between each neuron's forward
weights W_l^T and its feedback weights B_l.

Row i of W[l].T holds the weights neuron i of layer l sends forward; row i of B[l]
holds the weights through which it receives errors (eq. 5). 90 deg: unrelated
(random init); 0 deg: FA sends exactly BP's error (eq. 3 = eq. 5).
"""
from . import backend
from .fast import mT


def angle(a, b):
    """Angle in degrees between matching rows (last axis) of a and b."""
    xp = backend.xp
    cos = (a * b).sum(axis=-1) / (xp.linalg.norm(a, axis=-1) * xp.linalg.norm(b, axis=-1))
    return xp.degrees(xp.arccos(xp.clip(cos, -1.0, 1.0)))


def alignment_angles(net):
    """{l: per-neuron angles (..., n_l)} between W[l].T and B[l], for the layers whose B
    the backward pass uses: l = 1..L-1. B[0] would send errors to the input, which has
    no weights to teach, so it is never used and its ~90 deg means nothing."""
    return {l: angle(mT(net.W[l]), net.B[l]) for l in range(1, net.n_layers)}


def mean_angle(net):
    """Mean over neurons of each used layer, on the host: {l: float, or a list of K floats}."""
    return {l: backend.to_host(a.mean(axis=-1)).tolist() for l, a in alignment_angles(net).items()}
