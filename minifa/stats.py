"""The statistics the paper reports: mean +- sd over n, and Student's t-tests (scipy.stats).

All functions take host or device arrays and return plain Python floats.
"""
from scipy import stats as _st

from . import backend


def describe(a):
    """{'mean', 'sd', 'n'} of a 1-d sample (sd with n-1 in the denominator)."""
    a = backend.to_host(a).ravel()
    return {"mean": float(a.mean()), "sd": float(a.std(ddof=1)) if a.size > 1 else 0.0, "n": int(a.size)}


def fmt(a, unit="", digits=2, sep="+-"):
    """'mean +- sd (n=N)' of a sample, for printing."""
    d = describe(a)
    return f"{d['mean']:.{digits}f}{unit} {sep} {d['sd']:.{digits}f}{unit} (n={d['n']})"


def p_text(p, spec=".2g", named=True):
    """'p = 0.012' (spec: a format spec, or a function of p giving its text), or 'p < 1e-300'
    where the p-value underflowed to 0.0 (scipy's t-tests do below ~1e-308, e.g. t = 49 over
    n = 10,000): a p-value is never 0. named=False: the value alone, for a table's p column
    ('0.012', '< 1e-300')."""
    if p == 0:
        return "p < 1e-300" if named else "< 1e-300"
    value = spec(p) if callable(spec) else format(p, spec)
    return f"p = {value}" if named else value


def ttest_1samp(a, popmean):
    """One-sample t-test of mean(a) against popmean (e.g. angles against 90 deg, Fig. 1e)."""
    r = _st.ttest_1samp(backend.to_host(a).ravel(), popmean)
    return {"t": float(r.statistic), "p": float(r.pvalue)}


def ttest_ind(a, b):
    """Two-sample (independent) t-test of mean(a) against mean(b)."""
    r = _st.ttest_ind(backend.to_host(a).ravel(), backend.to_host(b).ravel())
    return {"t": float(r.statistic), "p": float(r.pvalue)}


def ttest_rel(a, b):
    """Paired t-test (the same neurons or networks before and after)."""
    r = _st.ttest_rel(backend.to_host(a).ravel(), backend.to_host(b).ravel())
    return {"t": float(r.statistic), "p": float(r.pvalue)}
