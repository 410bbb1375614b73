"""Exercise 1, FA's backward line (eq. 5): fa_delta against MLP.backward / MLP.error (rule 'fa')."""
import numpy as np

from .common import (Fail, array, call, close, first_match, largest_difference, scale_or_precision,
                     student_function, unchanged)


def _hint1(shapes):
    def hint(e):
        s = str(e)
        if isinstance(e, ValueError) and ("matmul" in s or "aligned" in s or "shapes" in s):
            return (f"numpy could not multiply these shapes: delta_next is {shapes['delta_next']} "
                    f"(batch, n_{{l+1}}) and B_l is {shapes['B']} (n_l, n_{{l+1}}). Did you multiply "
                    "by B_l or by B_l^T? Write the shapes down: the product must turn each row of "
                    "length n_{l+1} into a row of length n_l")
        if isinstance(e, ValueError) and "broadcast" in s:
            return (f"numpy could not multiply elementwise: relu'(o_l) has o_l's shape {shapes['o']} "
                    "(batch, n_l), and the error B_l delta_{l+1} must have that shape too")
        return None
    return hint


def _check1_layer(fn, delta_next, B, o, l, batch, case):
    """One call delta_l = fn(delta_{l+1}, B_l, o_l) against the reference ref."""
    e = delta_next @ B.T                              # B_l delta_{l+1} in row form
    ref = e * (o > 0)                                 # eq. 5
    args = [a.copy() for a in (delta_next, B, o)]
    shapes = {"delta_next": delta_next.shape, "B": B.shape, "o": o.shape}
    out = call(fn, *args, hint=_hint1(shapes))
    unchanged((delta_next, B, o), args, ("delta_next", "B", "o"),
              "o_l is the network's record of the forward pass, B_l its fixed feedback", case,
              example="`(o > 0)` as a new array, not `o[o <= 0] = 0`")
    out = array(out, f"the delta_{l} you returned")
    n_l, n_next = B.shape
    if out.shape != ref.shape:
        msg = f"wrong: the shape is {out.shape} but should be {ref.shape} (batch, n_{l} = {n_l})"
        if out.shape == (n_l, batch):
            msg += (": you returned the column form B_l delta_{l+1} (n_l, batch); the code works in row "
                    "form, one example per row: transpose it")
        elif out.shape[-1:] == (n_next,) or out.shape[:1] == (n_next,):
            msg += (f": n_{l + 1} = {n_next} is the size of layer l+1 — did you multiply by B_l or by "
                    "B_l^T? The error must arrive at the n_l units of layer l")
        else:
            msg += ": did you multiply by B_l or by B_l^T?"
        raise Fail(msg, case)
    if np.isnan(out).any() or np.isinf(out).any():
        raise Fail("wrong: your delta_l contains nan or inf", case)
    if close(out, ref):
        return out
    pos, zero, neg = o > 0, o == 0, o < 0
    tol = dict(atol=1e-12 * float(np.abs(ref).max()) + 1e-300)
    if close(out[pos], ref[pos], **tol):             # right where the unit is active
        if not close(out[neg], 0 * ref[neg], **tol):
            if close(out, e):
                raise Fail("wrong: your delta ignores relu'(o_l): units with o_l <= 0 must get 0 "
                           "(multiply by relu'(o_l), which is 1 where o_l > 0 and 0 elsewhere)", case)
            raise Fail("wrong: units with o_l < 0 got a nonzero error: relu'(o_l) is 0 there", case)
        if not close(out[zero], 0 * ref[zero], **tol):
            i, j = np.argwhere(zero & (np.abs(out) > tol["atol"]))[0]
            raise Fail("wrong: units with o_l = 0 exactly got a nonzero error: relu'(0) must be 0 as "
                       "in minifa (o_l > 0, not o_l >= 0)",
                       f"{case}: example {i}, unit {j} has o_l = 0 and your delta {out[i, j]:.6g}")
    candidates = [
        ("wrong: you multiplied by relu(o_l) = h_l, not by its derivative relu'(o_l) "
         "(1 where o_l > 0, else 0)", lambda: e * np.maximum(o, 0)),
        ("wrong: relu'(o_l) is the wrong way round: it is 1 where o_l > 0 and 0 where o_l <= 0",
         lambda: e * (o <= 0)),
        ("wrong: relu'(o_l) is the wrong way round: it is 1 where o_l > 0 and 0 where o_l <= 0",
         lambda: e * (o < 0)),
        ("wrong: you sent the error through B_l^T (in row form `delta_next @ B` is B_l^T delta_{l+1}); "
         "eq. 5 sends it through B_l itself. Did you multiply by B_l or by B_l^T?",
         lambda: (delta_next @ B) * (o > 0)),
        ("wrong: you sent the error through B_l^T and ignored relu'(o_l): eq. 5 is "
         "(B_l delta_{l+1}) * relu'(o_l)", lambda: delta_next @ B),
    ]
    msg = first_match(out, candidates) or scale_or_precision(out, ref, "delta_l", batch)
    if msg:
        raise Fail(msg, case)
    raise Fail("wrong: your delta_l differs from minifa's (MLP.backward, rule 'fa')",
               f"{case}: " + largest_difference(out, ref, ("example", "unit")))


def check(module):
    """What was checked, when `module`'s function for exercise 1 is right; else raises Fail."""
    fn = student_function(module, 1)
    from minifa import MLP, backend
    cases = [([6, 5, 3], 4, 0), ([784, 100, 10], 64, 1), ([9, 7, 7], 5, 2),
             ([12, 8, 6, 4], 7, 3), ([5, 1, 2], 3, 4), ([10, 13, 11], 33, 5)]
    for dims, batch, seed in cases:
        case = (f"network {'-'.join(map(str, dims))} (rule 'fa', seed {seed}), batch {batch}; example 0 is "
                f"all zeros{' and so is row 0 of W_0' if dims[1] > 1 else ''}, so some o_l are exactly 0")
        net = MLP(dims, rule="fa", seed=seed)
        if dims[1] > 1:
            net.W[0][0] = 0                          # unit 0 of layer 1: o_1 = b_0 = 0 (He: zero bias)
        rng = np.random.default_rng(1000 + seed)
        x = rng.standard_normal((batch, dims[0]))
        x[0] = 0                                     # example 0: o_1 = b_0 = 0 for every unit
        y = rng.integers(0, dims[-1], batch)
        p = backend.to_host(net.forward(backend.asarray(x)))
        dW, _ = net.backward(y)                      # minifa's gradients, rule 'fa'
        h = [backend.to_host(a) for a in net.h]
        refs = {net.n_layers: (p - np.eye(dims[-1])[y]) / batch}   # eq. 2: delta_L of the mean loss
        for l in reversed(range(1, net.n_layers)):   # eq. 5, delta_{l+1} -> delta_l, as MLP.backward
            B, o = backend.to_host(net.B[l]), backend.to_host(net.o[l])
            refs[l] = refs[l + 1] @ B.T * (o > 0)
        for l in range(1, net.n_layers + 1):         # the reference is what MLP.backward used:
            if not close(refs[l].T @ h[l - 1], backend.to_host(dW[l - 1])):   # eq. 4, dW_{l-1} = delta_l^T h_{l-1}
                raise RuntimeError(f"checker bug: eq. 5 does not give minifa's dW[{l - 1}]")
        for l in reversed(range(1, net.n_layers)):   # the student's line on minifa's delta_{l+1}
            B, o = backend.to_host(net.B[l]), backend.to_host(net.o[l])
            mine = _check1_layer(fn, refs[l + 1], B, o, l, batch, f"layer l = {l} of a {case}")
            if not close(mine.T @ h[l - 1], backend.to_host(dW[l - 1])):
                raise Fail(f"wrong: your delta_{l} does not give minifa's dL/dW_{l - 1} = delta_{l}^T h_{l - 1} "
                           "(eq. 4) from MLP.backward", case)
    return ["checked against MLP.backward (rule 'fa') on 6 networks, 2-3 layers, including units with o_l = 0"]
