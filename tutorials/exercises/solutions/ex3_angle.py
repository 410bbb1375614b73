"""Exercise 3: the alignment angle of each neuron (paper §4.1, Fig. 1e).

Neuron i of layer l sends its output forward through column i of W_l (= row i of W_l^T,
a vector of length n_{l+1}) and receives its error, under FA (eq. 5), through row i of
B_l (also length n_{l+1}). Its alignment angle is the angle between these two vectors:

  a_i = row i of W_l^T,   b_i = row i of B_l
  theta_i = arccos( a_i . b_i / (||a_i|| ||b_i||) )    in DEGREES, for i = 1..n_l

90 deg: unrelated (random initialisation); 0 deg: FA sends exactly BP's error (eq. 3).
Random-noise training pulls these angles below 90 deg (tutorials/03_alignment.py).

What to write: neuron_angles(W, B) returning theta, shape (n_l,):
  W   (n_{l+1}, n_l)   W_l, forward weights of layer l -> l+1
  B   (n_l, n_{l+1})   B_l, the feedback matrix (the shape of W_l^T)
Plain NumPy, no loops. Mind round-off: a cosine computed as 1.0000000000000002 has no
arccos. Do not change W or B in place (they are the network's weights).

How to check:  python tutorials/exercises/check.py 3
(random matrices of several sizes against minifa.alignment_angles, and known cases:
identical rows -> 0 deg, opposite -> 180 deg, orthogonal -> 90 deg, scaled -> 0 deg).
Compare with minifa/alignment.py, angle, once you are done.
"""
import numpy as np


def neuron_angles(W, B):
    """Angle in degrees between row i of W_l^T and row i of B_l, for every neuron i: (n_l,)."""
    # SOLUTION
    a, b = W.T, B                                        # row i: a_i of W_l^T, b_i of B_l
    cos = (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))   # clip: round-off may pass |cos| = 1
    # END SOLUTION
