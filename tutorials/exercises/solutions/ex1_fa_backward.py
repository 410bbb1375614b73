"""Exercise 1: the backward line of feedback alignment (paper eq. 5).

Equations (the paper's numbering, column vectors):
  eq. 3  BP: delta_l = (W_l^T delta_{l+1}) * relu'(o_l)
  eq. 5  FA: delta_l = (B_l   delta_{l+1}) * relu'(o_l),   B_l fixed and random
         relu'(o) = 1 where o > 0, else 0   (also at o = 0 exactly, as in minifa)

FA sends the error of layer l+1 back to layer l through a fixed random matrix B_l instead
of the transpose of the forward weights W_l. That one line is all FA changes.

What to write: fa_delta(delta_next, B, o) returning delta_l, in ROW FORM with a batch axis
(one example per row), as minifa's code does:
  delta_next  (batch, n_{l+1})   delta_{l+1}, the error of layer l+1
  B           (n_l, n_{l+1})     B_l, the feedback matrix (the shape of W_l^T)
  o           (batch, n_l)       o_l, the pre-activations of layer l from the forward pass
  returns     (batch, n_l)       delta_l
Hint: in row form, the column-vector product B_l delta_{l+1} of every example at once is
one matrix product; write down the shapes first. Plain NumPy, no loops. Do not change the
inputs in place (o is the network's own record of the forward pass).

How to check:  python tutorials/exercises/check.py 1
(it compares your delta_l with what minifa.model.MLP.backward uses for rule "fa", on
networks of several sizes, including units with o_l = 0 exactly). Compare with
minifa/model.py, MLP.backward and MLP.error, once you are done.
"""
import numpy as np


def fa_delta(delta_next, B, o):
    """eq. 5 in row form: delta_l = (B_l delta_{l+1}) * relu'(o_l), shape (batch, n_l)."""
    # SOLUTION
    return (delta_next @ B.T) * (o > 0)      # eq. 5, row form: (B_l delta_{l+1})^T = delta_{l+1}^T B_l^T
    # END SOLUTION
