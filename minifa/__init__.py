"""minifa: random-noise pretraining for feedback alignment (Cheon, Lee, Paik, NeurIPS 2024),
in explicit NumPy/CuPy matrices. Read model.py (eq. 1-5), noise.py and training.py
(Algorithm 1), alignment.py (§4.1) first; the README gives the order.

The science core is imported here. Subpackages a first reading skips are imported on first
use: minifa.datasets (data files), minifa.reproduce (tutorial runs and the report); so are
minifa.analysis, minifa.meta and minifa.stats (the paper's measures and tests).
"""
import importlib

from . import backend
from .alignment import alignment_angles, angle, mean_angle
from .model import MLP, cross_entropy, log_softmax
from .noise import Noise
from .optim import SGD, Adam
from .settings import PAPER
from .training import evaluate, pretrain_noise, step, train

LAZY = ("datasets", "reproduce", "analysis", "meta", "stats")

__all__ = ["backend", "MLP", "cross_entropy", "log_softmax", "Noise", "Adam", "SGD", "PAPER",
           "angle", "alignment_angles", "mean_angle", "step", "pretrain_noise", "train",
           "evaluate", *LAZY]


def __getattr__(name):
    if name in LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'minifa' has no attribute {name!r}")
