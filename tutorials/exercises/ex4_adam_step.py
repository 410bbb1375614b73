"""Exercise 4: one step of Adam (Kingma & Ba 2015, Algorithm 1), the optimiser of the paper.

Given the parameters theta_{t-1}, the gradient g_t at step t (t = 1 for the first step),
and the moment estimates m_{t-1}, v_{t-1} (both start at 0):

  m_t     = beta1 m_{t-1} + (1 - beta1) g_t           first moment (running mean of g)
  v_t     = beta2 v_{t-1} + (1 - beta2) g_t^2         second moment (of g squared, elementwise)
  m_hat_t = m_t / (1 - beta1^t)                       bias corrections: m and v start at 0,
  v_hat_t = v_t / (1 - beta2^t)                       so early averages are too small
  theta_t = theta_{t-1} - lr m_hat_t / (sqrt(v_hat_t) + eps)

What to write: adam_step(theta, g, m, v, t, lr, beta1, beta2, eps) returning the tuple
(theta_t, m_t, v_t), all arrays shaped like theta. Every operation is elementwise.
Use the arguments you are given (the checker also tries other lr, betas and eps), and t
as given: the caller counts the steps. The caller keeps m and v for the next step.
Do not change theta, g, m or v in place (no `m *= beta1`, `theta -= ...`): the caller still
holds theta_{t-1}, m_{t-1} and v_{t-1}; return theta_t, m_t and v_t as new arrays.

How to check:  python tutorials/exercises/check.py 4
(several steps with random gradients, several shapes and settings, against
minifa.optim.adam_equations, and that your inputs come back unchanged). Compare with
minifa/optim.py once you are done: Adam.step is the same arithmetic rearranged to work in
place, on arrays the optimiser owns.
"""
import numpy as np


def adam_step(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step: returns (theta_t, m_t, v_t)."""
    raise NotImplementedError("your code here")
