"""The paper's settings, as values in one place (§3, Algorithm 1, App. A-D).

Tutorials start from PAPER and say when they change a value, and why; pretrain_noise and
train take their defaults from here.
"""
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Settings:
    dims: tuple = (784, 100, 10)           # network of Fig. 1-2 and Table 1 (one hidden layer)
    dims_deep: tuple = (784, 100, 100, 10)  # "network depth: 3" of App. B.3, C, D
    n_noise: int = 500_000                 # Algorithm 1: random-noise examples
    batch_size: int = 64
    optimizer: str = "adam"
    lr: float = 1e-4
    n_nets: int = 10                       # independent networks per condition (t-tests)
    n_train: int = 5_000                   # MNIST subsets of Fig. 2 (balanced)
    n_test: int = 5_000
    epochs: int = 100
    init: str = "he"                       # not stated in the paper: our choice (init.py)

    def replace(self, **changes):
        return replace(self, **changes)

    def algorithm1(self):
        """Algorithm 1's settings as one line of text."""
        return (f"{self.n_noise:,} N(0, I) noise examples, batch {self.batch_size}, "
                f"{'Adam' if self.optimizer == 'adam' else self.optimizer} lr {self.lr:g}")


PAPER = Settings()
