"""Tutorial 3: random-noise training aligns the forward weights to the feedback (paper Fig. 1e-f).

Does Algorithm 1 turn each neuron's forward weights (row i of W_1^T) towards its fixed
feedback weights (row i of B_1)? At initialisation the two are independent and their angle
is ~90 deg (§4.1). Fig. 1e: the angles of the 100 hidden neurons before, halfway and after, with
the paper's one-sample (untrained vs 90 deg) and two-sample t-tests. Fig. 1f: Gaussian and
uniform noise of the same mean and std (U(0, 1) as an extra).
"""
import numpy as np  # host-side differences only

from .. import MLP, PAPER, Noise, alignment_angles, backend, pretrain_noise
from . import claims as C
from .common import Log, sizes

NAME, NUM, STEM = "alignment", "03", "03_alignment"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
TAKES_INIT, DATA, FLAGS = True, (), {}
TIMES = {"quick": "10 s", "lab": "the paper's size, 26 s", "paper": "30 s"}
R3 = 3 ** 0.5            # U(-a, a) has std a / sqrt(3)
NOISES = [Noise(), Noise(std=0.5), Noise(std=2.0), Noise(mean=1.0),          # Fig. 1f: the paper lists none;
          Noise("uniform", low=-R3 / 2, high=R3 / 2), Noise("uniform", low=-R3, high=R3),   # ours: Gaussian and
          Noise("uniform", low=-2 * R3, high=2 * R3), Noise("uniform", low=1 - R3, high=1 + R3)]  # uniform of the
OFFSET = Noise("uniform", low=0.0, high=1.0)   # same mean and std; U(0, 1) (std 0.29, mean 0.5): an extra


def name(noise):
    """A noise's name: N(mean, std^2), or a uniform law by its mean and std (U(0, 1) as itself)."""
    if noise.dist == "gaussian" or (noise.low, noise.high) == (0.0, 1.0):
        return str(noise)
    return f"U(mean {(noise.low + noise.high) / 2:.3g}, std {(noise.high - noise.low) / 12 ** 0.5:.3g})"


def settings_text(cfg):
    return (f"FA 784-100-10, {cfg.init} init, seed {cfg.seed}, Algorithm 1: "
            f"{PAPER.replace(n_noise=cfg.n_noise).algorithm1()}; n = 100 hidden neurons of one network")


def angles(cfg, noise, halfway=None):
    """Angles (100,) of one network's neurons before and after Algorithm 1 with `noise`; with a
    list `halfway`, the angles after half of its steps are appended to it (Fig. 1e's curve)."""
    net = MLP(PAPER.dims, rule="fa", seed=cfg.seed, init=cfg.init)
    before = backend.to_host(alignment_angles(net)[1])
    half = max(1, -(-cfg.n_noise // PAPER.batch_size) // 2)          # steps in the first half (>= 1)

    def middle(net, hist):
        if hist["examples"][-1] == min(half * PAPER.batch_size, cfg.n_noise):
            halfway.append(backend.to_host(alignment_angles(net)[1]))
    pretrain_noise(net, n_examples=cfg.n_noise, noise=noise, seed=cfg.seed, label=name(noise),
                   **({} if halfway is None else dict(callback=middle, log_every=half)))
    return before, backend.to_host(alignment_angles(net)[1])


def run(cfg):
    """{'before', 'after': per-neuron angles (deg) of Gaussian noise training, 'after_noise':
    {noise: angles after training with it}} (host arrays)."""
    log = Log(cfg)
    log.deviation(f"the paper's text does not list Fig. 1f's input conditions: ours are {', '.join(map(name, NOISES))}; "
                  f"{OFFSET} as an extra")
    halfway = []
    before, after = angles(cfg, NOISES[0], halfway)
    after_noise = {name(NOISES[0]): after, **{name(n): angles(cfg, n)[1] for n in NOISES[1:]}}
    return log.numbers(n_examples=cfg.n_noise, before=before, halfway=halfway[0], after=after, after_noise=after_noise,
                       after_offset={name(OFFSET): angles(cfg, OFFSET)[1]})


def claims(numbers, cfg):
    before, half, after = (np.asarray(numbers[k]) for k in ("before", "halfway", "after"))
    out = [C.same("fig1e_untrained_vs_90", "Fig. 1e, left: at initialisation the angle between W_1^T and B_1 does "
                  "not differ from 90 deg", before, 90.0, "untrained", unit=" deg", ref="fig1e_untrained"),
           C.compare("fig1e_untrained_vs_trained", "Fig. 1e, right: the angle is lower after random-noise training "
                     "than before", after, before, ("after", "before"), larger=False, unit=" deg",
                     ref="fig1e_trained"),
           C.compare("fig1e_asymptotic", "Fig. 1e: the angle falls asymptotically: each neuron's fall in the first "
                     "half of Algorithm 1 exceeds its fall in the second", before - half, half - after,
                     ("first half", "second half"), paired=True, unit=" deg", ref="fig1e_asymptotic"),
           C.versus("fig1e_trained_vs_90", "extra: after random-noise training the angle is below 90 deg", after,
                    90.0, "after", larger=False, unit=" deg", ref="fig1e_vs_90")]
    noises = [*list(numbers["after_noise"].items())[1:], *numbers["after_offset"].items()]
    out += [{**C.versus(f"fig1f_{name}", f"Fig. 1f: noise {name} also aligns the weights (angle below 90 deg)", a,
                        90.0, "after", larger=False, unit=" deg",
                        ref="fig1f_offset" if name in numbers["after_offset"] else "fig1f"),
             "settings": settings_text(cfg).replace("N(0, I)", name, 1)} for name, a in noises]
    return out
