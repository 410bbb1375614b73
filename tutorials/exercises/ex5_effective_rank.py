"""Exercise 5 (stretch): the effective rank of a weight matrix (paper §4.2, Definition; Fig. 3d).

Noise training makes "a small portion of singular values become dominant" (Fig. 3c); the paper
measures this by the effective rank (Roy & Vetterli 2007). For A = U Sigma V^T with singular
values sigma_1 >= ... >= sigma_k, k = min(m, n):

  sigma_bar_i = sigma_i / sum_j sigma_j          the singular values as a distribution
  rho         = - sum_i sigma_bar_i log sigma_bar_i     its Shannon entropy (0 log 0 = 0)
  erank(A)    = exp(rho)                          between 1 (rank one) and k (all equal)

What to write: effective_rank(A) returning erank(A), a float, for any real matrix A (m, n)
that is not all zeros. A matrix of rank r < k has k - r singular values that are 0 (or
round-off of 1e-16 size): they must add nothing (0 log 0 = 0), and no warning or nan.
Do not change A in place.

How to check:  python tutorials/exercises/check.py 5
(random matrices of several shapes, and known cases: the identity n x n -> n, rank one -> 1,
a matrix of rank r with equal singular values -> r, scaling A leaves it unchanged; against
minifa.analysis.effective_rank). Compare with minifa/analysis.py once you are done.
"""
import numpy as np


def effective_rank(A):
    """exp of the Shannon entropy of A's normalised singular values (a float)."""
    raise NotImplementedError("your code here")
