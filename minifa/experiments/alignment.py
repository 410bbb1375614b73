"""Tutorial 3: random-noise training aligns the forward weights to the feedback (paper Fig. 1e-f).

Does Algorithm 1 turn each neuron's forward weights (row i of W_1^T) towards its fixed
feedback weights (row i of B_1)? At initialisation the two are independent and their angle
is ~90 deg (§4.1). Fig. 1e: the angles of the 100 hidden neurons before and after, with the
paper's one-sample (vs 90 deg) and two-sample t-tests. Fig. 1f: other input noise.
"""
from .. import MLP, PAPER, Noise, alignment_angles, backend, pretrain_noise
from . import claims as C
from .common import Log, sizes

NAME, NUM, STEM = "alignment", "03", "03_alignment"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
TAKES_INIT, DATA, FLAGS = True, (), {}
TIMES = {"quick": "10 s", "lab": "the paper's size, 26 s", "paper": "30 s"}
NOISES = [Noise(), Noise(std=0.5), Noise(std=2.0), Noise(mean=1.0), Noise("uniform", low=-1.0, high=1.0),
          Noise("uniform", low=0.0, high=1.0)]     # Fig. 1f: the paper lists none; ours


def settings_text(cfg):
    return (f"FA 784-100-10, {cfg.init} init, seed {cfg.seed}, Algorithm 1: "
            f"{PAPER.replace(n_noise=cfg.n_noise).algorithm1()}; n = 100 hidden neurons of one network")


def angles(cfg, noise):
    """Angles (100,) of one network's neurons before and after Algorithm 1 with `noise`."""
    net = MLP(PAPER.dims, rule="fa", seed=cfg.seed, init=cfg.init)
    before = backend.to_host(alignment_angles(net)[1])
    pretrain_noise(net, n_examples=cfg.n_noise, noise=noise, seed=cfg.seed)
    return before, backend.to_host(alignment_angles(net)[1])


def run(cfg):
    """{'before', 'after': per-neuron angles (deg) of Gaussian noise training, 'after_noise':
    {noise: angles after training with it}} (host arrays)."""
    log = Log(cfg)
    log.deviation(f"the paper's text does not list Fig. 1f's input conditions: ours are {', '.join(map(str, NOISES))}")
    before, after = angles(cfg, NOISES[0])
    after_noise = {str(NOISES[0]): after, **{str(n): angles(cfg, n)[1] for n in NOISES[1:]}}
    return log.numbers(n_examples=cfg.n_noise, before=before, after=after, after_noise=after_noise)


def claims(numbers, cfg):
    before, after = numbers["before"], numbers["after"]
    out = [C.versus("fig1e_vs_90", "Fig. 1e: after random-noise training the angle between W_1^T "
                    "and B_1 is below 90 deg (forward weights align to the feedback)", after, 90.0,
                    "after", larger=False, unit=" deg"),
           C.compare("fig1e_before_after", "Fig. 1e: the angle is lower after random-noise training "
                     "than before", after, before, ("after", "before"), larger=False, unit=" deg")]
    out += [{**C.versus(f"fig1f_{name}", f"Fig. 1f: noise {name} also aligns the weights (angle below "
                        "90 deg)", a, 90.0, "after", larger=False, unit=" deg"),
             "settings": settings_text(cfg).replace("N(0, I)", name, 1)}
            for name, a in list(numbers["after_noise"].items())[1:]]
    return out
