"""The paper's settings, and every experiment's at each run size, as plain values in one place.

PAPER: the core values (§3, Algorithm 1, App. A-D); pretrain_noise and train take their
defaults from it. EXPERIMENTS: for each experiment of minifa.experiments, its settings at the
paper's size (each value tagged with the table of the paper it comes from, or "ours" where the
paper states none: the default run, and the reproduction's, is the paper's whole protocol), and
what --lab and --quick change.
"""
from dataclasses import dataclass, replace

ALPHA = 0.05          # a claim is reproduced at p < ALPHA (two-sided t-test, in the claimed direction)
BORDERLINE = (0.01, 0.1)   # p in [0.01, 0.1): last-digit (BLAS) differences between machines can flip it
KP_DECAY = 1e-4       # ours: Kolen-Pollack's weight decay lambda per step, on W and B alike: over the
                      # ~16k steps of noise + data training W - B^T shrinks to e^-1.6; 1e-3 would
                      # shrink W itself ~2000-fold during Algorithm 1 alone (at Adam lr 1e-4)
META = dict(steps=10, batch_size=10, lr=1e-3)   # Table D.1: adaptation steps, examples per step, Adam lr


@dataclass(frozen=True)
class Settings:
    dims: tuple = (784, 100, 10)           # Table A.1, B.1: network of Fig. 1-2 and Table 1
    dims_deep: tuple = (784, 100, 100, 10)  # Table B.2, C.1, D.1: "network depth: 3"
    n_noise: int = 500_000                 # Algorithm 1, Table A.1: random-noise examples
    batch_size: int = 64                   # Table A.1, B.1
    optimizer: str = "adam"                # Table A.1, B.1
    lr: float = 1e-4                       # Table A.1, B.1
    n_nets: int = 10                       # §4.2 "n_Net = 10": independent networks per condition
    n_train: int = 5_000                   # Table B.1: MNIST subsets of Fig. 2 (balanced)
    n_test: int = 5_000                    # Table B.1
    epochs: int = 100                      # Table B.1
    init: str = "he"                       # not stated in the paper: the authors' later code (init.py)
    scaling: str = "standard"              # not stated in the paper: inputs standardised by the training
                                           # set's mean and std, as the authors' later code (Normalize(mean,
                                           # std)); "unit" feeds pixels in [0, 1] (experiments/common.py)

    def replace(self, **changes):
        return replace(self, **changes)

    def algorithm1(self):
        """Algorithm 1's settings as one line of text."""
        return (f"{self.n_noise:,} N(0, I) noise examples, batch {self.batch_size}, "
                f"{'Adam' if self.optimizer == 'adam' else self.optimizer} lr {self.lr:g}")


PAPER = Settings()
P = PAPER

# name: {"paper": the paper's protocol, "lab": / "quick": what those sizes change}
EXPERIMENTS = {
    "equations": dict(paper={}),                                   # a 4-3-2 network by hand: one size
    "noise_pretraining": dict(                                     # Fig. 1d
        paper=dict(n_noise=P.n_noise, nets=5),                     # Table A.1; nets: ours (stacked, for the spread)
        quick=dict(n_noise=50_000)),
    "alignment": dict(                                             # Fig. 1e-f
        paper=dict(n_noise=P.n_noise),                             # Table A.1
        quick=dict(n_noise=150_000)),
    "fig2": dict(                                                  # Fig. 2, App. B.2-B.6
        paper=dict(nets=P.n_nets, n_noise=P.n_noise,               # §4.2 n_Net = 10; Table B.1-B.3
                   epochs=P.epochs, n_train=P.n_train, n_test=P.n_test,   # Table B.1-B.3
                   experiments=["Fig. 2", "App. B.3", "App. B.4-B.6"],   # Fig. 2, Fig. B.3, Fig. B.5-B.6
                   appB_nets=P.n_nets, appB_bp=True, appB_order=True,    # §4.2; BP: Fig. B.3b; order: Fig. B.6c-d
                   lr=P.lr, hidden=P.dims[1],                      # Table A.1, B.1: Adam lr; 100 hidden units
                   rule="fa", init_gain=None),                     # the paper's FA (eq. 5); None: init's own law
        lab=dict(nets=5, epochs=15, n_train=2000, n_test=2000, experiments=["Fig. 2"]),
        quick=dict(nets=2, n_noise=5_000, epochs=2, n_train=500, n_test=500, appB_nets=2)),
    "fig3": dict(                                                  # Fig. 3, App. C
        paper=dict(nets=P.n_nets, n_noise=P.n_noise, epochs=500,   # Table C.1; Table C.2-C.3: 500 epochs
                   sizes=[100, 200, 400, 800, 1600],               # Table C.2
                   depths=[2, 3, 4, 5, 6], depth_size=1600,        # Table C.3 (our reading: weight layers)
                   n_test=1000, n_probe=10_000, bp=True),          # Table C.2-C.3: 1000 test; n_probe: ours
        lab=dict(nets=5, n_noise=100_000, epochs=100, sizes=[100, 400], depths=[2, 3, 4], depth_size=400, bp=False),
        quick=dict(nets=2, n_noise=5_000, epochs=3, sizes=[100, 200], depths=[2, 3], depth_size=200, n_test=200,
                   n_probe=500)),
    "fig4": dict(                                                  # Fig. 4, App. C.6
        paper=dict(nets=P.n_nets, n_train=P.n_train, epochs=P.epochs,   # §4.2 protocol (Table B.1)
                   n_noise=P.n_noise, n_test=10_000, dims=list(P.dims_deep), bp=True,   # Table C.1's net
                   n_curve=P.n_test),                              # ours: the curve's test images, Fig. 2's
        lab=dict(nets=5, epochs=30, bp=False),
        quick=dict(nets=3, n_train=1000, epochs=3, n_noise=20_000, n_test=1000, n_curve=500)),
    "fig5": dict(                                                  # Fig. 5, App. D
        paper=dict(nets=P.n_nets, n_noise=P.n_noise, n_train=P.n_train,   # Table D.1
                   n_test=P.n_test, epochs=P.epochs, bp_adapt=True),      # Table D.1
        lab=dict(nets=5, n_noise=150_000, n_train=2000, n_test=2000, epochs=25, bp_adapt=False),
        quick=dict(nets=2, n_noise=5_000, n_train=200, n_test=200, epochs=2)),
    "table1": dict(                                                # Table 1, App. B
        paper=dict(trials=3, epochs=20, n_noise=P.n_noise,         # table1-summary.md: three trials; epochs: ours
                   deep="mnist:3,cifar10:3", n_train=None),        # deep: ours (extras); n_train None: whole sets
        lab=dict(epochs=5, deep="", n_train=20_000),
        quick=dict(trials=2, epochs=1, n_noise=10_000, deep="mnist:3", n_train=2000)),
    "sensitivity": dict(                                           # beyond the paper: Fig. 2 over a grid (minifa.sweep)
        paper=dict(grid=["init_gain=0.25,0.58,1,1.41,2",           # ours: init gain g, W, B ~ N(0, g^2/n_in)
                         "n_noise=0,50000,150000,500000,1500000"],  # ours: Algorithm 1's amount around Table A.1's
                   cell_size="paper", cell_set=[], jobs=1),        # a cell: Fig. 2's protocol (n = 10, Table B.1)
        lab=dict(grid=["init_gain=0.58,1,1.41", "n_noise=0,50000,150000"], cell_size="lab"),
        quick=dict(grid=["init_gain=0.58,1.41", "n_noise=0,2000"], cell_size="quick",
                   cell_set=["n_train=200", "n_test=200", "epochs=1"])),
    "rules": dict(                                                 # beyond the paper: Fig. 2's protocol per rule
        paper=dict(nets=P.n_nets, n_noise=P.n_noise, epochs=P.epochs,   # §4.2 n_Net = 10; Table A.1, B.1
                   n_train=P.n_train, n_test=P.n_test,             # Table B.1
                   deep=False, bp=True,                            # ours: deep adds App. B.3's net (Table B.2), where
                                                                   # DFA differs from FA (--deep); bp: Fig. 2's line
                   rules=["fa", "dfa", "sign", "kp"]),             # ours: the rules run (a guard runs fewer)
        lab=dict(nets=5, n_noise=200_000, epochs=15, n_train=2000, n_test=2000, deep=False, bp=False),
        quick=dict(nets=2, n_noise=3_000, epochs=2, n_train=300, n_test=300)),
}
