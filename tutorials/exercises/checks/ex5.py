"""Exercise 5 (stretch), the effective rank (paper §4.2, Definition; Roy & Vetterli 2007):
effective_rank against exp of the entropy of the normalised singular values (NumPy's SVD, float64),
known cases, and minifa.analysis.effective_rank."""
import numpy as np

from .common import Fail, call, close, first_match, student_function, unchanged


def _erank(sigma, log=np.log, base_exp=np.exp):
    p = sigma / sigma.sum()
    p = p[p > 0]
    return float(base_exp(-(p * log(p)).sum()))


def _one(fn, A, case, expect=None):
    passed = A.copy()
    out = call(fn, passed)
    unchanged((A,), (passed,), ("A",), "A is the network's weight matrix", case)
    try:
        value = float(np.asarray(out).reshape(()))
    except (TypeError, ValueError):
        raise Fail(f"wrong: return one number, the effective rank; yours returned {type(out).__name__}"
                   + (f" of shape {np.shape(out)}" if hasattr(out, "shape") else ""), case) from None
    sigma = np.linalg.svd(A, compute_uv=False)
    ref = _erank(sigma) if expect is None else expect
    if close(value, ref):                       # float64 SVD: exact to round-off, relative 1e-10
        return ref
    k = min(A.shape)
    if np.isnan(value):
        raise Fail("wrong: your effective rank is nan: a zero singular value (A has rank "
                   f"{np.linalg.matrix_rank(A)} < {k}) gives 0 * log 0 = nan in NumPy; leave zeros out "
                   "(0 log 0 = 0 by definition)", case)
    p = sigma / sigma.sum()
    q = sigma ** 2 / (sigma ** 2).sum()
    candidates = [
        ("wrong: you returned rho, the entropy; the effective rank is exp(rho)",
         lambda: -(p[p > 0] * np.log(p[p > 0])).sum()),
        ("wrong: you normalised the SQUARED singular values (the eigenvalues of A^T A); the paper "
         "normalises the singular values themselves: sigma_i / sum_j sigma_j",
         lambda: _erank(sigma ** 2)),
        ("wrong: you used log base 2 (or 10) with the natural exp: use np.log with np.exp, or 2**H with log2",
         lambda: _erank(sigma, log=np.log2)),
        ("wrong: you used log base 10 with the natural exp: use np.log with np.exp",
         lambda: _erank(sigma, log=np.log10)),
        ("wrong: you normalised by the largest singular value; sigma_bar_i = sigma_i / SUM_j sigma_j",
         lambda: (lambda r: float(np.exp(-(r[r > 0] * np.log(r[r > 0])).sum())))(sigma / sigma.max())),
        ("wrong: the entropy is minus the sum: rho = - sum_i sigma_bar_i log sigma_bar_i",
         lambda: float(np.exp((p[p > 0] * np.log(p[p > 0])).sum()))),
        ("wrong: that is the effective rank of the squared singular values normalised by their sum "
         "(q_i = sigma_i^2 / sum sigma_j^2); use sigma_i / sum sigma_j",
         lambda: float(np.exp(-(q[q > 0] * np.log(q[q > 0])).sum()))),
        ("wrong: you returned the ordinary rank (the number of non-zero singular values)",
         lambda: float(np.linalg.matrix_rank(A))),
    ]
    msg = first_match(value, candidates)
    raise Fail(msg or f"wrong: your effective rank is {value:.6g}, the right one {ref:.6g}", case)


def check(module):
    """What was checked, when `module`'s function for exercise 5 is right; else raises Fail."""
    from minifa import analysis, backend
    fn = student_function(module, 5)
    rng = np.random.default_rng(5)
    n = 0
    for shape in [(3, 5), (5, 3), (20, 20), (100, 784), (10, 100)]:
        A = rng.standard_normal(shape)
        ref = _one(fn, A, f"A ~ N(0, 1) of shape {shape}")
        ours = float(analysis.effective_rank(backend.asarray(A)))
        # minifa's singular values come from the Gram matrix (accurate to ~1e-8 sigma_max)
        if not np.isclose(ours, ref, rtol=1e-6):
            raise RuntimeError(f"checker bug: minifa.analysis.effective_rank {ours} vs {ref}")
        _one(fn, 3.7 * A, f"3.7 A, A ~ N(0, 1) of shape {shape}: scaling leaves it unchanged", expect=ref)
        n += 2
    known = [(np.eye(6), 6.0, "the identity 6 x 6: six equal singular values"),
             (np.outer(rng.standard_normal(4), rng.standard_normal(7)), 1.0, "a rank-one matrix 4 x 7"),
             (np.diag([2.0, 2.0, 2.0, 0.0, 0.0]), 3.0, "diag(2, 2, 2, 0, 0): rank 3, equal singular values"),
             (np.array([[1.0, 0.0], [0.0, 1e-300]]), 1.0, "diag(1, 1e-300): one singular value is ~0")]
    for A, expect, case in known:
        _one(fn, A, case, expect=expect)
        n += 1
    return [f"checked {n} matrices: random ones of 5 shapes (and scaled), the identity, rank one, rank 3 "
            "with zeros, against NumPy's SVD (float64, relative 1e-10) and minifa.analysis.effective_rank"]
