"""Checker for the lab exercises: compares your function with minifa's, says what is wrong.

    python tutorials/exercises/check.py 1        # or 2, 3, 4, several (1 3), or all

Exit status 0 when every exercise asked for is correct, 1 otherwise. Each exercise is run
on random inputs of several sizes and seeds and on edge cases, against minifa (NumPy,
float64): ex1 against MLP.backward / MLP.error (rule "fa"), ex2 against statistical tests
and minifa.Noise().sample, ex3 against minifa.alignment_angles and known angles, ex4
against minifa.optim.adam_equations. Exact computations must agree to float64 round-off
(relative 1e-10); statistical ones within bounds set by the sample size (5 standard
errors, or p > 1e-6).

From Python (tests pass a module holding a candidate solution):
    ok, messages = check(1)                  # the student's file, ex1_fa_backward.py
    ok, messages = check(1, module=mod)      # any module with a function fa_delta
"""
import contextlib
import importlib.util
import math
import sys
import traceback
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
try:
    import minifa  # noqa: F401  (installed, e.g. pip install -e .)
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

EXERCISES = {1: ("ex1_fa_backward", "fa_delta"), 2: ("ex2_noise_sampler", "sample_noise"),
             3: ("ex3_angle", "neuron_angles"), 4: ("ex4_adam_step", "adam_step")}
RTOL = 1e-10          # float64 round-off of a few operations, relative
NOT_WRITTEN = "not written yet (NotImplementedError: the stub is still there)"


class Fail(Exception):
    """A finding for the student: args[0] is the diagnosis, args[1:] the details."""


# ---------------------------------------------------------------------------- helpers

@contextlib.contextmanager
def numpy_float64():
    """minifa on NumPy in float64 for the reference computations; its previous device and
    dtype come back afterwards (tests run the checker inside the test process)."""
    from minifa import backend
    saved = {k: vars(backend).get(k) for k in ("xp", "device", "dtype")}
    backend.set_device("cpu")
    backend.set_dtype("float64")
    try:
        yield backend
    finally:
        for k, v in saved.items():
            if v is None:
                vars(backend).pop(k, None)
            else:
                setattr(backend, k, v)


def load(n):
    """The student's exercise file as a module."""
    name = EXERCISES[n][0]
    spec = importlib.util.spec_from_file_location(f"minifa_exercise_{n}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def where(e):
    """'line N of file: code' of the innermost frame outside this checker, or ''."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if Path(f.filename).resolve() != Path(__file__).resolve()]
    if not frames:
        return ""
    f = frames[-1]
    return f" (line {f.lineno} of {Path(f.filename).name}: `{(f.line or '').strip()}`)"


def _shown(path):
    """path relative to the repository when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def call(fn, *args, hint=None, **kw):
    """fn(*args, **kw); a raised exception becomes a Fail in plain words. hint(e) may add
    an exercise-specific explanation. Numpy's warnings are silenced: nan and inf are
    diagnosed from the result."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kw)
    except NotImplementedError:
        raise Fail(NOT_WRITTEN, f"replace the line `raise NotImplementedError(\"your code here\")` of "
                   f"{fn.__name__} in {_shown(fn.__code__.co_filename)} with your code") from None
    except Exception as e:  # any error of the student's code is a finding, not a crash
        raised = f"your {fn.__name__} raised {type(e).__name__}: {e}{where(e)}"
        extra = hint(e) if hint else None
        if extra is None and isinstance(e, TypeError) and "argument" in str(e):
            extra = f"keep the stub's signature ({fn.__name__} is called as in its docstring)"
        if extra:                              # the plain-words reading first, numpy's words after
            raise Fail(f"wrong: {extra}", raised) from None
        raise Fail(f"wrong: {raised}") from None


def array(out, what):
    """out as a float-or-int NumPy array, or a Fail that says what came back instead."""
    if out is None:
        raise Fail(f"wrong: {what} is None: did you forget `return`?")
    try:
        a = np.asarray(out)
    except Exception:
        raise Fail(f"wrong: {what} is a {type(out).__name__}, not an array") from None
    if a.dtype.kind not in "biuf":
        raise Fail(f"wrong: {what} is not an array of numbers (dtype {a.dtype}, type {type(out).__name__})")
    return a


def close(a, b, rtol=RTOL, atol=None):
    """Same shape and equal to float64 round-off: |a - b| <= atol + rtol |b|, with atol a
    1e-12 fraction of b's largest value (exact zeros must come out ~0). nan never matches."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    finite = np.isfinite(b)                   # a candidate mistake may give nan or inf: same places
    if not (np.array_equal(finite, np.isfinite(a)) and np.array_equal(a[~finite], b[~finite], equal_nan=True)):
        return False
    a, b = a[finite], b[finite]
    if atol is None:
        atol = 1e-12 * (float(np.abs(b).max()) if b.size else 0.0) + 1e-300
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


def first_match(out, candidates):
    """The message of the first candidate (message, thunk) whose value `out` equals."""
    for message, thunk in candidates:
        try:
            with np.errstate(all="ignore"):
                value = thunk()
        except Exception:
            continue
        if close(out, value):
            return message
    return None


def scale_or_precision(out, ref, what, batch=None):
    """A message when out is ref times a constant, or ref at float32 precision; else None."""
    out, ref = np.asarray(out, float), np.asarray(ref, float)
    denom = float((ref * ref).sum())
    if denom > 0:
        c = float((out * ref).sum()) / denom
        if not math.isclose(c, 1.0, rel_tol=1e-6) and c != 0 and close(out, c * ref):
            msg = f"wrong: your {what} is {c:.6g} times the right one"
            if batch and math.isclose(c * batch, 1.0, rel_tol=1e-9):
                msg += (f": that is 1/batch (1/{batch}); the 1/N of the mean loss is already in "
                        "delta_{l+1}: do not divide again")
            elif batch and math.isclose(c, batch, rel_tol=1e-9):
                msg += f": that is the batch size ({batch}); delta_{{l+1}} is already the error of the mean loss"
            return msg
    if close(out, ref, rtol=1e-4, atol=1e-6 * float(np.abs(ref).max() or 1)):
        rel = float(np.max(np.abs(out - ref) / (np.abs(ref) + 1e-300 + 1e-6 * np.abs(ref).max())))
        return (f"wrong, but only just: your {what} is right to about {rel:.0e}, while float64 agrees to "
                f"1e-10: did you convert to float32 or round somewhere?")
    return None


def largest_difference(out, ref, names):
    """'largest difference D at <index> (yours a, minifa b)' for arrays of equal shape."""
    out, ref = np.asarray(out, float), np.asarray(ref, float)
    diff = np.where(np.isnan(out), np.inf, np.abs(out - ref))
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    at = ", ".join(f"{n} {i}" for n, i in zip(names, idx))
    return (f"largest difference {float(diff[idx]):.3g}" + (f" at {at}" if at else "")
            + f" (yours {float(out[idx]):.6g}, minifa's {float(ref[idx]):.6g})")


def unchanged(originals, passed, names, why, case):
    """Fail when the student's function changed one of its inputs in place."""
    for name, a, b in zip(names, originals, passed):
        if not np.array_equal(a, b, equal_nan=True):
            raise Fail(f"wrong: your function changed its input {name} in place ({why}): build new "
                       "arrays instead (e.g. `a = a / n`, not `a /= n`; `o > 0`, not `o[o <= 0] = 0`)", case)


# ---------------------------------------------------------------------------- exercise 1

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
              "o_l is the network's record of the forward pass, B_l its fixed feedback", case)
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


def _check1(module):
    fn = _function(module, 1)
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


# ---------------------------------------------------------------------------- exercise 2

def _sample(fn, rng, batch, dim, C, case):
    """The student's (x, y), checked for form: pair, shapes, dtypes, label range."""
    out = call(fn, rng, batch, dim, C)
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise Fail(f"wrong: return the pair (x, y); yours returned a {type(out).__name__}"
                   + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""), case)
    x, y = array(out[0], "x"), array(out[1], "y")
    if x.ndim == 1 and y.ndim == 2 and y.shape == (batch, dim):
        raise Fail("wrong: you returned (y, x): return (x, y), inputs first", case)
    if x.shape != (batch, dim):
        msg = f"wrong: x has shape {x.shape} but should be {(batch, dim)} (batch_size, dim)"
        if x.shape == (dim, batch):
            msg += ": one example per ROW"
        raise Fail(msg, case)
    if y.shape != (batch,):
        msg = f"wrong: y has shape {y.shape} but should be {(batch,)} (batch_size,)"
        if y.shape == (batch, C):
            msg += ": that looks one-hot; return the class index of each example, 0..C-1"
        elif y.shape == (batch, 1):
            msg += ": return a flat array, one label per example"
        raise Fail(msg, case)
    if x.dtype.kind != "f":
        raise Fail(f"wrong: x has dtype {x.dtype}: the inputs are real numbers drawn from N(0, 1)", case)
    if y.dtype.kind not in "iu":
        raise Fail(f"wrong: labels are {'floats' if y.dtype.kind == 'f' else y.dtype} (dtype {y.dtype}), "
                   "must be integers: class indices 0..C-1 (look at rng.integers)", case)
    if not np.isfinite(x).all():
        raise Fail("wrong: x contains nan or inf", case)
    if y.min() < 0 or y.max() > C - 1:
        msg = f"wrong: labels must be in 0..{C - 1} (C = {C}), yours run {y.min()}..{y.max()}"
        if y.min() >= 1 and y.max() == C:
            msg += ": classes are numbered from 0, as in Python"
        elif y.max() >= C:
            msg += ": rng.integers(low, high) never returns high itself"
        raise Fail(msg, case)
    return x, y


def _statistics(x, y, C):
    """The tests of Algorithm 1's noise on one large batch: list of (name, value, passed, message)."""
    from scipy import stats
    N = x.size
    mean, std = float(x.mean()), float(x.std())
    tol_mean, tol_std = 5 / math.sqrt(N), 5 / math.sqrt(2 * N)        # 5 standard errors
    findings = []
    xs = (x - mean) / (std or 1.0)                 # correlations: centred and scaled
    rows = float((xs[1:] * xs[:-1]).mean())        # neighbouring examples, pooled over inputs
    cols = float((xs[:, 1:] * xs[:, :-1]).mean())  # neighbouring inputs, pooled over examples
    findings.append(("rows", rows, abs(rows) < 5 / math.sqrt(x[1:].size),
                     f"neighbouring examples are correlated (correlation {rows:.3g}, should "
                     "be ~0): every example must be a fresh draw — did you draw one row and repeat it?"))
    findings.append(("cols", cols, abs(cols) < 5 / math.sqrt(x[:, 1:].size),
                     f"neighbouring inputs of an example are correlated ({cols:.3g}, should be ~0): N(0, I) has "
                     "independent inputs — did you draw one value per example and repeat it?"))
    msg = f"mean of x is {mean:.3g}, should be 0 (within ±{tol_mean:.1g}: 5 standard errors of {N:,} values)"
    if abs(mean - 0.5) < 0.01 and abs(std - math.sqrt(1 / 12)) < 0.01:
        msg = (f"mean of x is {mean:.2f}: did you use uniform noise (rng.random) instead of Gaussian "
               "(rng.standard_normal)?")
    findings.append(("mean", mean, abs(mean) < tol_mean, msg))
    msg = f"std of x is {std:.4g}, should be 1 (within ±{tol_std:.1g}): N(0, I) has variance 1 per input"
    if abs(std - 1 / math.sqrt(3)) < 0.01:
        msg = (f"std of x is {std:.3f}, that of uniform noise on [-1, 1): did you use rng.uniform instead "
               "of Gaussian noise (rng.standard_normal)?")
    elif std < 1e-12:
        msg = "every value of x is the same: x must be random"
    findings.append(("std", std, abs(std - 1) < tol_std, msg))
    ks = stats.kstest(x.ravel(), "norm")
    tails = float((np.abs(x) > 2).mean())
    kurt = float(stats.kurtosis(x.ravel()))
    findings.append(("ks_p", float(ks.pvalue), ks.pvalue > 1e-6,
                     f"x has the wrong distribution: a Kolmogorov-Smirnov test against N(0, 1) rejects it "
                     f"(D = {ks.statistic:.3g}, p = {ks.pvalue:.1e}); {100 * tails:.2f}% of values lie beyond ±2 "
                     "(Gaussian: 4.55%)" + ("; its shape is that of uniform noise (flat, no tails): use "
                                            "rng.standard_normal" if kurt < -0.8 else "")))
    counts = np.bincount(y, minlength=C)
    chi = stats.chisquare(counts)
    msg = (f"the labels are not uniform over 0..{C - 1}: chi-square = {chi.statistic:.1f} on {C - 1} degrees "
           f"of freedom, p = {chi.pvalue:.1e}; counts {counts.tolist()}")
    if (counts == 0).any():
        msg = f"class {int(np.argmin(counts))} never appears among {len(y)} labels; counts {counts.tolist()}"
    findings.append(("chi2_p", float(chi.pvalue), chi.pvalue > 1e-6 and (counts > 0).all(), msg))
    # independence: the mean of every input j within every class c is ~0 (se 1/sqrt(n_c))
    means = np.stack([x[y == c].mean(axis=0) if counts[c] else np.zeros(x.shape[1]) for c in range(C)])
    z = means * np.sqrt(counts)[:, None]
    used = counts > 0
    p = float(stats.chi2.sf((z[used] ** 2).sum(), used.sum() * x.shape[1]))
    c, j = np.unravel_index(int(np.argmax(np.abs(z))), z.shape)
    findings.append(("independence_p", p, p > 1e-6,
                     f"the labels depend on x: within class {c} the mean of input {j} is {means[c, j]:.3g} "
                     f"(should be 0 ± {1 / math.sqrt(counts[c]):.2g}; chi-square test of all class means: "
                     f"p = {p:.1e}); draw y independently of x (Algorithm 1)"))
    return findings


def _check2(module):
    fn = _function(module, 2)
    from minifa import Noise, backend
    for batch, dim, C, seed in [(7, 3, 3, 0), (1, 1, 1, 1), (64, 784, 10, 2), (5, 2, 1, 3), (33, 17, 7, 4)]:
        case = f"batch_size {batch}, dim {dim}, n_classes {C}, rng = np.random.default_rng({seed})"
        rng = np.random.default_rng(seed)
        state = rng.bit_generator.state
        _sample(fn, rng, batch, dim, C, case)
        if C > 1 and rng.bit_generator.state == state:   # (integers(0, 1) draws nothing)
            raise Fail("wrong: your function did not draw from the generator it was given (its state did "
                       "not change): use rng.standard_normal and rng.integers, not np.random.* or a "
                       "generator of your own", case)
    # it uses the generator passed in: same seed -> same batch, different seed -> different
    batch, dim, C = 50, 20, 10
    case = f"batch_size {batch}, dim {dim}, n_classes {C}"
    a = _sample(fn, np.random.default_rng(7), batch, dim, C, case)
    b = _sample(fn, np.random.default_rng(7), batch, dim, C, case)
    d = _sample(fn, np.random.default_rng(8), batch, dim, C, case)
    for k, name in enumerate(("x", "labels y")):
        if not np.array_equal(a[k], b[k]):
            raise Fail(f"wrong: two generators with the same seed gave different {name}: draw {name} from "
                       "the rng passed in (not np.random.* or a generator of your own)", case)
    if np.array_equal(a[0], d[0]):
        raise Fail("wrong: two different seeds gave the same x: you seeded a generator of your own inside "
                   "the function; draw from the rng passed in", case)
    # statistics of one large batch, next to minifa.Noise().sample's
    batch, dim, C, seed = 4000, 250, 10, 11
    case = f"one batch of batch_size {batch}, dim {dim}, n_classes {C}, rng = np.random.default_rng({seed})"
    x, y = _sample(fn, np.random.default_rng(seed), batch, dim, C, case)
    xm, ym = Noise().sample(backend.rng(seed), batch, dim, C)
    theirs = _statistics(backend.to_host(xm), backend.to_host(ym), C)
    if not all(f[2] for f in theirs):
        raise RuntimeError(f"checker bug: minifa's sampler fails {[f[0] for f in theirs if not f[2]]}")
    mine = _statistics(np.asarray(x, float), y, C)
    v, w = ({f[0]: f[1] for f in found} for found in (mine, theirs))
    table = (f"your x: mean {v['mean']:+.4f}, std {v['std']:.4f}, KS p = {v['ks_p']:.2g}; labels chi-square "
             f"p = {v['chi2_p']:.2g}; independence p = {v['independence_p']:.2g}   (minifa.Noise().sample: "
             f"mean {w['mean']:+.4f}, std {w['std']:.4f}, KS p = {w['ks_p']:.2g}, chi-square p = "
             f"{w['chi2_p']:.2g}, independence p = {w['independence_p']:.2g})")
    for name, value, passed, msg in mine:
        if not passed:
            raise Fail(f"wrong: {msg}", case, table)
    return [table]


# ---------------------------------------------------------------------------- exercise 3

def _angles(a, b):
    cos = (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _check3_one(fn, W, B, ref, case, atol):
    args = [W.copy(), B.copy()]
    out = call(fn, *args)
    unchanged((W, B), args, ("W", "B"), "W_l and B_l are the network's weights", case)
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


def _check3(module):
    fn = _function(module, 3)
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


# ---------------------------------------------------------------------------- exercise 4

def _adam(theta, g, m, v, t, lr, b1, b2, eps, bias=(True, True), t_bc=None, eps_in=False, sq=True, sign=-1):
    """Adam with switches, for the typical mistakes (the defaults give Kingma & Ba's step)."""
    t_bc = t if t_bc is None else t_bc
    m = b1 * m + (1 - b1) * g
    v = b2 * v + (1 - b2) * (g * g if sq else g)
    m_hat = m / (1 - b1 ** t_bc) if bias[0] else m
    v_hat = v / (1 - b2 ** t_bc) if bias[1] else v
    denom = np.sqrt(v_hat + eps) if eps_in else np.sqrt(v_hat) + eps
    return theta + sign * lr * m_hat / denom, m, v


def _check4_step(fn, theta, g, m, v, t, hp, case):
    from minifa.optim import adam_equations
    lr, b1, b2, eps = hp["lr"], hp["beta1"], hp["beta2"], hp["eps"]
    ref = adam_equations(theta, g, m, v, t, lr=lr, beta1=b1, beta2=b2, eps=eps)
    if not all(close(r, a) for r, a in zip(ref, _adam(theta, g, m, v, t, lr, b1, b2, eps))):
        raise RuntimeError("checker bug: minifa.optim.adam_equations differs from Kingma & Ba")
    out = call(fn, theta.copy(), g.copy(), m.copy(), v.copy(), t, **hp)
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise Fail("wrong: return the tuple (theta, m, v): the caller keeps m and v for the next step; yours "
                   f"returned a {type(out).__name__}" + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""),
                   case)
    out = [array(o, name) for o, name in zip(out, ("theta_t", "m_t", "v_t"))]
    for o, r, name in zip(out, ref, ("theta_t", "m_t", "v_t")):
        if o.shape != r.shape:
            raise Fail(f"wrong: {name} has shape {o.shape} but should be {r.shape}, the shape of theta "
                       "(every operation of Adam is elementwise)", case)
    if all(close(o, r) for o, r in zip(out, ref)):
        return ref
    ok = [close(o, r) for o, r in zip(out, ref)]
    args = (theta, g, m, v, t, lr, b1, b2, eps)
    mv_swapped = close(out[1], ref[2]) and close(out[2], ref[1])
    if not np.isfinite(out[0]).all() and t == 1 and ok[1] and ok[2]:
        raise Fail("wrong: theta_t has inf or nan at the first step (t = 1): with t = 1, 1 - beta^t is "
                   "1 - beta > 0 — did you use t - 1 in the bias correction?", case)
    candidates = [
        ("wrong: forgot the bias correction: m_hat = m_t / (1 - beta1^t) and v_hat = v_t / (1 - beta2^t) "
         "go into the step, not m_t and v_t", lambda: _adam(*args, bias=(False, False))),
        ("wrong: forgot the bias correction of m: m_hat = m_t / (1 - beta1^t)", lambda: _adam(*args, bias=(False, True))),
        ("wrong: forgot the bias correction of v: v_hat = v_t / (1 - beta2^t)", lambda: _adam(*args, bias=(True, False))),
        ("wrong: your bias correction uses t + 1: t is already this step's number (1 at the first step); "
         "do not add 1", lambda: _adam(*args, t_bc=t + 1)),
        ("wrong: your bias correction uses t - 1: t is already this step's number (1 at the first step)",
         lambda: _adam(*args, t_bc=t - 1)),
        ("wrong: eps goes outside the square root: sqrt(v_hat) + eps, not sqrt(v_hat + eps)",
         lambda: _adam(*args, eps_in=True)),
        ("wrong: v must average the SQUARED gradient: v_t = beta2 v_{t-1} + (1 - beta2) g_t^2",
         lambda: _adam(*args, sq=False)),
        ("wrong: theta moved up the gradient: theta_t = theta_{t-1} MINUS lr m_hat / (sqrt(v_hat) + eps)",
         lambda: _adam(*args, sign=+1)),
        ("wrong: the step divides by sqrt(v_hat) + eps: you forgot the square root",
         lambda: (theta - lr * (ref[1] / (1 - b1 ** t)) / (ref[2] / (1 - b2 ** t) + eps), ref[1], ref[2])),
        ("wrong: beta and 1 - beta are swapped: m_t = beta1 m_{t-1} + (1 - beta1) g_t, likewise v_t",
         lambda: _adam(theta, g, m, v, t, lr, 1 - b1, 1 - b2, eps)),
        ("wrong: the learning rate went into m: m_t = beta1 m_{t-1} + (1 - beta1) g_t carries no lr; lr "
         "multiplies only the step of theta", lambda: (ref[0], b1 * m + (1 - b1) * lr * g, ref[2])),
        ("wrong: the learning rate went into m, and so theta's step is wrong too: lr multiplies only the "
         "step of theta, m_t = beta1 m_{t-1} + (1 - beta1) g_t carries none",
         lambda: (lambda mm: (theta - (mm / (1 - b1 ** t)) / (np.sqrt(ref[2] / (1 - b2 ** t)) + eps), mm, ref[2]))(
             b1 * m + (1 - b1) * lr * g)),
        ("wrong: the step of theta uses the OLD m and v (m_{t-1}, v_{t-1}); update m and v first, then "
         "theta with the new ones", lambda: (theta - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps),
                                             ref[1], ref[2])),
    ]
    defaults = {"lr": 1e-4, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}
    ignored = [k for k in defaults if hp[k] != defaults[k]]
    if ignored:
        candidates.append((f"wrong: you ignored the arguments {', '.join(ignored)} and used the default "
                           "values: use the ones passed in",
                           lambda: _adam(theta, g, m, v, t, *[defaults[k] for k in ("lr", "beta1", "beta2", "eps")])))
        for k in ignored:
            d = {**hp, k: defaults[k]}
            candidates.append((f"wrong: you did not use the {k} passed in ({hp[k]:g}), but {defaults[k]:g}",
                               lambda d=d: _adam(theta, g, m, v, t, d["lr"], d["beta1"], d["beta2"], d["eps"])))
    for msg, thunk in candidates:
        try:
            with np.errstate(all="ignore"):
                cand = thunk()
        except Exception:
            continue
        if all(close(o, c) for o, c in zip(out, cand)):
            raise Fail(msg, case)
    if mv_swapped:
        raise Fail("wrong: m and v are swapped in what you return: return (theta, m, v)", case)
    if not np.isfinite(out[0]).all():
        raise Fail("wrong: theta_t contains nan or inf" + ("; v_t has negative values: did you square g?"
                                                          if (out[2] < 0).any() else ""), case)
    names = ("theta_t", "m_t", "v_t")
    eqs = {"m_t": "m_t = beta1 m_{t-1} + (1 - beta1) g_t", "v_t": "v_t = beta2 v_{t-1} + (1 - beta2) g_t^2",
           "theta_t": "theta_t = theta_{t-1} - lr m_hat_t / (sqrt(v_hat_t) + eps)"}
    wrong = [n for n, good in zip(names, ok) if not good]
    first = wrong[1] if wrong[0] == "theta_t" and len(wrong) > 1 else wrong[0]   # m, v feed theta
    o, r = out[names.index(first)], ref[names.index(first)]
    right = [n for n in names if n not in wrong]
    msg = scale_or_precision(o, r, first)
    raise Fail(msg or (f"wrong: {first} is not right ({eqs[first]})" + (f"; {' and '.join(right)} are right" if right else "")),
               f"{case}: " + largest_difference(o.reshape(-1), r.reshape(-1), ("element",)))


def _check4(module):
    fn = _function(module, 4)
    settings = [((7,), dict(lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8), 1.0, 5),
                ((3, 5), dict(lr=1e-2, beta1=0.8, beta2=0.99, eps=1e-3), 1e-3, 6),
                ((1,), dict(lr=0.1, beta1=0.5, beta2=0.9, eps=1e-6), 1.0, 4),
                ((1000,), dict(lr=3e-3, beta1=0.9, beta2=0.999, eps=1e-8), 10.0, 3)]
    for k, (shape, hp, g_scale, steps) in enumerate(settings):
        rng = np.random.default_rng(20 + k)
        theta, m, v = rng.standard_normal(shape), np.zeros(shape), np.zeros(shape)
        hps = ", ".join(f"{n}={x:g}" for n, x in hp.items())
        for t in range(1, steps + 1):
            g = g_scale * rng.standard_normal(shape)
            case = f"step t = {t} of {steps} from m_0 = v_0 = 0, theta of shape {shape}, {hps}, gradients ~ N(0, {g_scale:g}^2)"
            new = _check4_step(fn, theta, g, m, v, t, hp, case)
            if t == 2:   # no state of its own: the same call twice gives the same result
                again = call(fn, theta.copy(), g.copy(), m.copy(), v.copy(), t, **hp)
                if not all(close(a, b) for a, b in zip(again, new)):
                    raise Fail("wrong: called twice with the same inputs, your function gave different results: "
                               "it must keep no state of its own (the caller passes t, m and v)", case)
            theta, m, v = new
    return ["checked against minifa.optim.adam_equations: 18 steps, 4 shapes, 4 settings of lr, betas and eps"]


# ---------------------------------------------------------------------------- driver

def _function(module, n):
    name = EXERCISES[n][1]
    fn = getattr(module, name, None)
    if not callable(fn):
        raise Fail(f"wrong: no function {name} in {EXERCISES[n][0]}.py: keep the stub's name and signature")
    return fn


CHECKS = {1: _check1, 2: _check2, 3: _check3, 4: _check4}


def check(n, module=None):
    """(ok, messages) for exercise n, on `module` (default: the student's file). messages[0]
    is the diagnosis when not ok ('not written yet ...' or 'wrong: ...'); the rest say on
    which inputs, or, when ok, what was checked."""
    if n not in CHECKS:
        raise ValueError(f"no exercise {n!r}: there are {sorted(CHECKS)}")
    try:
        if module is None:
            try:
                module = load(n)
            except Exception as e:
                raise Fail(f"wrong: {EXERCISES[n][0]}.py does not run: {type(e).__name__}: {e}{where(e)}") from None
        with numpy_float64():
            return True, CHECKS[n](module)
    except Fail as f:
        return False, [str(a) for a in f.args]


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args in (["-h"], ["--help"]) or not all(a == "all" or a in map(str, CHECKS) for a in args):
        print(__doc__.strip().split("\n\n")[0] + "\n\nusage: python tutorials/exercises/check.py {1,2,3,4,all} ...")
        return 0 if args in (["-h"], ["--help"]) else 2
    which = sorted(CHECKS) if "all" in args else sorted({int(a) for a in args})
    status = 0
    for n in which:
        ok, messages = check(n)
        head = "correct" if ok else messages[0]
        print(f"exercise {n}: {head}")
        for m in (messages if ok else messages[1:]):
            print(f"    {m}")
        status |= not ok
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
