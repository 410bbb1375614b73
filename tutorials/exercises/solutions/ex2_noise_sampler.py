"""Exercise 2: the random inputs of Algorithm 1 (random-noise pretraining).

Algorithm 1 (the paper's inputs, one mini-batch):
  x_n ~ N(0, I)                    every input a standard Gaussian vector of length dim
  y_n ~ Uniform{0, ..., C - 1}     a random label, drawn independently of x_n
  n = 1..batch
The network (FA) is then trained on (x, y) as on data. The labels carry no information
about the inputs: there is nothing to learn, and still the forward weights align with B.

What to write: sample_noise(rng, batch_size, dim, n_classes) returning (x, y):
  rng         a numpy.random.Generator (np.random.default_rng(seed)): draw EVERYTHING from it
              (not from np.random.*, not from a generator of your own), so that the same
              seed gives the same batch
  x           (batch_size, dim) floats, x ~ N(0, I)
  y           (batch_size,) integers in 0..n_classes-1, uniform, independent of x
Look at the methods of numpy.random.Generator (help(rng)); two calls are enough.

How to check:  python tutorials/exercises/check.py 2
(shapes, dtypes, mean ~0 and std ~1 of x within 5 standard errors, a Gaussian shape,
uniform labels by a chi-square test, labels independent of x, and that your function
uses the generator it is given; it prints your statistics next to minifa.Noise().sample's).
Compare with minifa/noise.py, Noise.sample, once you are done.
"""
import numpy as np


def sample_noise(rng, batch_size, dim, n_classes):
    """One batch of Algorithm 1's noise: x (batch_size, dim) ~ N(0, I), y (batch_size,) uniform."""
    # SOLUTION
    x = rng.standard_normal((batch_size, dim))           # x ~ N(0, I)
    y = rng.integers(0, n_classes, size=batch_size)      # y ~ Uniform{0, ..., C - 1}, independent of x
    return x, y
    # END SOLUTION
