"""Exercise 3, the angle of each neuron (section 4.1): neuron_angles against minifa.alignment_angles
and known angles."""
import numpy as np

from .common import (Fail, array, call, close, first_match, largest_difference, scale_or_precision,
                     student_function, unchanged)


def _angles(a, b):
    cos = (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _check3_one(fn, W, B, ref, case, atol):
    args = [W.copy(), B.copy()]
    out = call(fn, *args)
    unchanged((W, B), args, ("W", "B"), "W_l and B_l are the network's weights", case,
              example="`a = W.T / norms`, not `W /= norms`")
    out = array(out, "the angles you returned")
    n_next, n_l = W.shape
    if out.shape != ref.shape:
        msg = f"wrong: the shape is {out.shape} but should be {ref.shape}: one angle per neuron i of layer l (n_l = {n_l})"
        if out.shape == ():
            msg += "; you returned one number for the whole layer"
        elif out.shape == (n_next,):
            msg += (f"; yours has one per neuron of layer l+1 (n_{{l+1}} = {n_next}): you compared rows of "
                    "W_l with columns of B_l. Compare row i of W_l^T (column i of W_l) with row i of B_l")
        elif out.shape == (n_l, n_l):
            msg += "; yours is every pair (i, j): only matching rows, i = j, count (sum over the last axis)"
        raise Fail(msg, case)
    if np.isnan(out).any():
        bad = np.flatnonzero(np.isnan(out))
        if close(out[~np.isnan(out)], ref[~np.isnan(out)], atol=atol):
            raise Fail(f"wrong: nan for {len(bad)} neuron(s) (e.g. neuron {bad[0]}, whose angle is "
                       f"{ref[bad[0]]:.6g} deg): round-off puts the cosine slightly outside [-1, 1], where "
                       "arccos is undefined; clip it first (np.clip(cos, -1, 1))", case)
        raise Fail(f"wrong: nan for {len(bad)} neuron(s), e.g. neuron {bad[0]}", case)
    if close(out, ref, atol=atol):
        return
    row = (W.T * B).sum(-1)
    candidates = [
        ("wrong: your angles are in radians (they run 0..pi = 3.14): the paper and minifa give degrees "
         "(np.degrees)", lambda: np.radians(ref)),
        ("wrong: you returned the cosine of the angle; the angle is its arccos, in degrees",
         lambda: np.cos(np.radians(ref))),
        ("wrong: you compared row i of W_l with row i of B_l; the forward weights of neuron i are row i "
         "of W_l^T (column i of W_l), rows vs columns", lambda: _angles(W, B)),
        ("wrong: rows vs columns: you compared rows of W_l with columns of B_l (neurons of layer l+1). "
         "Compare row i of W_l^T (column i of W_l) with row i of B_l", lambda: _angles(W, B.T)),
        ("wrong: you divided by the norms of the whole matrices; divide each neuron's dot product by the "
         "norms of its own two rows", lambda: np.degrees(np.arccos(np.clip(
             row / (np.linalg.norm(W) * np.linalg.norm(B)), -1, 1)))),
        ("wrong: you forgot to divide the dot product by the two rows' norms (cos = a.b / (|a| |b|))",
         lambda: np.degrees(np.arccos(np.clip(row, -1, 1)))),
    ]
    msg = first_match(out, candidates) or scale_or_precision(out, ref, "angles")
    if msg:
        raise Fail(msg, case)
    raise Fail("wrong: your angles differ from minifa's (alignment.angle)",
               f"{case}: " + largest_difference(out, ref, ("neuron",)))


def check(module):
    """What was checked, when `module`'s function for exercise 3 is right; else raises Fail."""
    fn = student_function(module, 3)
    from minifa import MLP, alignment_angles, angle, backend
    for dims, seed in [([784, 100, 10], 0), ([5, 7, 3], 1), ([4, 6, 6], 2), ([3, 1, 4], 3), ([3, 5, 1], 4)]:
        net = MLP(dims, rule="fa", seed=seed)
        W, B = backend.to_host(net.W[1]), backend.to_host(net.B[1])
        ref = backend.to_host(alignment_angles(net)[1])
        _check3_one(fn, W, B, ref, f"W_1 and B_1 of MLP({dims}, rule='fa', seed={seed}), W_1 {W.shape}", 1e-8)
    rng = np.random.default_rng(3)
    W = rng.standard_normal((13, 40))                 # (n_{l+1}, n_l)
    noise = rng.standard_normal((40, 13))
    B = 0.8 * W.T + 0.5 * noise                       # partly aligned: angles spread below 90 deg
    ref = backend.to_host(angle(backend.asarray(W.T), backend.asarray(B)))
    _check3_one(fn, W, B, ref, "W (13, 40) random, B = 0.8 W^T + 0.5 noise (partly aligned)", 1e-8)
    a = W.T
    ortho = noise - ((noise * a).sum(1) / (a * a).sum(1))[:, None] * a
    scales = rng.uniform(0.1, 10, (40, 1))
    known = [("B = W^T (identical rows)", a.copy(), 0.0), ("B = 3 W^T (scaled)", 3 * a, 0.0),
             ("B = W^T, each row scaled differently", scales * a, 0.0),
             ("B = -W^T (opposite rows)", -a, 180.0), ("rows of B orthogonal to rows of W^T", ortho, 90.0)]
    for what, Bk, deg in known:
        _check3_one(fn, W, Bk, np.full(40, deg), f"known case, W (13, 40): {what} -> {deg:g} deg", 1e-5)
    return ["checked against minifa.alignment_angles on 6 weight pairs and on 0, 90 and 180 deg cases"]
