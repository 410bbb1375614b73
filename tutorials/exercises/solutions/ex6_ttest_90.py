"""Exercise 6 (stretch): the paper's one-sample t-test of the angles against 90 deg (Fig. 1e).

Are a network's alignment angles (exercise 3) below 90 deg, the angle of unrelated random
vectors? The paper answers with a one-sample Student's t-test over the n = 100 hidden
neurons ("alignment angle in an untrained network vs. 90°, n = 100, one-sample t-test").
For a sample a_1..a_n with mean a_bar and standard deviation s (n - 1 in its denominator):

  t  = (a_bar - 90) / (s / sqrt(n))                 n - 1 degrees of freedom
  p  = 2 P(T > |t|),  T ~ Student's t with n - 1 degrees of freedom     (two-sided)

What to write: ttest_vs_90(angles) returning the pair (t, p) of floats, for a 1-d array of
n >= 2 angles in degrees, not all equal. For P(T > |t|), use scipy.stats.t.sf(|t|, df), the
survival function (1 - cdf, accurate far in the tail where 1 - cdf rounds to 0); writing
t = ... yourself is the exercise, not calling scipy.stats.ttest_1samp. Do not change angles in place.

How to check:  python tutorials/exercises/check.py 6
(samples of several sizes below, at and above 90 deg, against scipy.stats.ttest_1samp and
minifa.stats.ttest_1samp). Compare with minifa/stats.py once you are done.
"""
import numpy as np
from scipy import stats


def ttest_vs_90(angles):
    """One-sample, two-sided t-test of mean(angles) against 90 deg: (t, p)."""
    # SOLUTION
    a = np.asarray(angles, dtype=float)
    n = a.size
    t = (a.mean() - 90.0) / (a.std(ddof=1) / np.sqrt(n))  # s with n - 1 in its denominator
    p = 2 * stats.t.sf(abs(t), df=n - 1)                   # two-sided
    return float(t), float(p)
    # END SOLUTION
