"""Exercise 2, the noise sampler (Algorithm 1): sample_noise by its form, its use of the generator
passed in, and statistical tests next to minifa.Noise().sample."""
import math

import numpy as np

from .common import Fail, array, call, student_function


def _hint2(C):
    """The plain-words reading of an error raised by the student's sampler with C classes."""
    def hint(e):
        if isinstance(e, ValueError) and ("high <= 0" in str(e) or "low >= high" in str(e)):
            return (f"with n_classes = {C} your labels have an empty range: rng.integers(low, high) "
                    "never draws high itself, so rng.integers(0, n_classes) already gives 0..n_classes-1 "
                    "(do not subtract 1)")
        return None
    return hint


def _sample(fn, rng, batch, dim, C, case):
    """The student's (x, y), checked for form: pair, shapes, dtypes, label range."""
    out = call(fn, rng, batch, dim, C, hint=_hint2(C))
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


def check(module):
    """What was checked, when `module`'s function for exercise 2 is right; else raises Fail."""
    fn = student_function(module, 2)
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
