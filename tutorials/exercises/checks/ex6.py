"""Exercise 6 (stretch), the one-sample t-test against 90 deg (Fig. 1e): ttest_vs_90 against
scipy.stats.ttest_1samp (and minifa.stats.ttest_1samp), with the typical mistakes named."""
import math

import numpy as np
from scipy import stats

from .common import Fail, call, first_match, student_function, unchanged

P_RTOL = 1e-8     # two evaluations of Student's t tail (incomplete beta, ~1e-13 relative each) agree
                  # to far better than this, also at p ~ 1e-21; t itself is a few operations: 1e-10


def _pair(out, case):
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise Fail("wrong: return the pair (t, p); yours returned a " + type(out).__name__
                   + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""), case)
    try:
        return float(np.asarray(out[0]).reshape(())), float(np.asarray(out[1]).reshape(()))
    except (TypeError, ValueError):
        raise Fail("wrong: t and p must be numbers (floats)", case) from None


def _one(fn, a, case):
    passed = a.copy()
    t, p = _pair(call(fn, passed), case)
    unchanged((a,), (passed,), ("angles",), "the caller's angles are its data", case,
              example="`a - 90`, not `a -= 90`")
    ref = stats.ttest_1samp(a, 90.0)
    rt, rp = float(ref.statistic), float(ref.pvalue)
    t_ok = math.isclose(t, rt, rel_tol=1e-10, abs_tol=1e-12)
    p_ok = math.isclose(p, rp, rel_tol=P_RTOL, abs_tol=1e-300)
    if t_ok and p_ok:
        return rt, rp
    n, m = a.size, a.mean()
    s0, s1 = a.std(), a.std(ddof=1)
    if not t_ok:
        msg = first_match(t, [
            ("wrong: t has the wrong sign: t = (a_bar - 90) / (s / sqrt(n)), negative when the angles "
             "are below 90", lambda: -rt),
            ("wrong: your s divides by n; the sample standard deviation divides by n - 1 (np.std(a, ddof=1))",
             lambda: (m - 90) / (s0 / math.sqrt(n))),
            ("wrong: you divided by s, not by the standard error s / sqrt(n)", lambda: (m - 90) / s1),
            ("wrong: you divided by s / n; the standard error is s / sqrt(n)", lambda: (m - 90) / (s1 / n)),
            ("wrong: you divided by the variance s^2 / n; the standard error is s / sqrt(n)",
             lambda: (m - 90) / (s1 ** 2 / n)),
        ], same=lambda x, y: math.isclose(x, y, rel_tol=1e-10))
        raise Fail(msg or f"wrong: t is {t:.6g}, the right one {rt:.6g} (t = (a_bar - 90) / (s / sqrt(n)))", case)
    msg = first_match(p, [
        ("wrong: p is one-sided; the paper's test is two-sided: p = 2 P(T > |t|)", lambda: rp / 2),
        ("wrong: your p is twice the right one: p = 2 P(T > |t|) already counts both tails; do not double it "
         "again", lambda: 2 * rp),
        ("wrong: the degrees of freedom are n - 1, not n", lambda: 2 * stats.t.sf(abs(rt), n)),
        ("wrong: p comes from Student's t with n - 1 degrees of freedom, not the normal distribution",
         lambda: 2 * stats.norm.sf(abs(rt))),
        ("wrong: p = 2 P(T > |t|) needs |t|: for a negative t yours is 2 P(T > t), above 1",
         lambda: 2 * stats.t.sf(rt, n - 1)),
        ("wrong: p = 1 - cdf, rounded to 0 in the tail: use the survival function, stats.t.sf(|t|, n - 1), "
         "which keeps the tiny p-values", lambda: 2 * (1 - stats.t.cdf(abs(rt), n - 1))),
    ], same=lambda x, y: math.isclose(x, y, rel_tol=P_RTOL, abs_tol=1e-300))
    raise Fail(msg or f"wrong: p is {p:.6g}, the right one {rp:.6g} (p = 2 P(T > |t|), n - 1 degrees of freedom)",
               case)


def check(module):
    """What was checked, when `module`'s function for exercise 6 is right; else raises Fail."""
    from minifa.stats import ttest_1samp
    fn = student_function(module, 6)
    rng = np.random.default_rng(6)
    cases = [(100, 74.0, 22.0), (100, 90.0, 22.0), (10, 95.0, 10.0), (2, 80.0, 5.0), (100, 60.0, 25.0),
             (30, 89.0, 1.0)]
    for n, mean, sd in cases:
        a = rng.normal(mean, sd, n)
        rt, rp = _one(fn, a, f"{n} angles ~ N({mean:g}, {sd:g}^2) deg (mean {a.mean():.4g}, p = {stats.ttest_1samp(a, 90).pvalue:.3g})")
        ours = ttest_1samp(a, 90.0)
        if not (math.isclose(ours["t"], rt, rel_tol=1e-12) and math.isclose(ours["p"], rp, rel_tol=1e-12)):
            raise RuntimeError("checker bug: minifa.stats.ttest_1samp differs from scipy's")
    return [f"checked {len(cases)} samples (n = 2 to 100, p from ~1e-20 to ~1) against scipy.stats.ttest_1samp: "
            "t to 1e-10, p to 1e-8 relative"]
