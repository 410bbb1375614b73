"""The checks of the lab exercises, one module each (ex1.py ... ex4.py), and what they share
(common.py). Run them with ../check.py: python tutorials/exercises/check.py 1|2|3|4|all."""
