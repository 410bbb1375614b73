"""Tutorial 2: random-noise pretraining (Algorithm 1) and its loss curve (paper Fig. 1d).

The paper's Algorithm 1: before any data, a 784-100-10 network is trained by feedback
alignment on inputs x ~ N(0, I) with labels drawn uniformly, independent of x (5x10^5
examples, batch 64, Adam, lr 1e-4). The labels cannot be predicted from x, yet the training
loss decreases noticeably (Fig. 1d): the network learns to output chance, 1/10 for every
class, so the loss approaches log 10 from above. Meanwhile the weights change (tutorial 3).
"""
from .. import MLP, PAPER, Noise, backend, pretrain_noise
from . import claims as C
from .common import Log, seeds, sizes

NAME, NUM, STEM = "noise_pretraining", "02", "02_noise_pretraining"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
TAKES_INIT, DATA, FLAGS = True, (), {"nets": (int, "networks trained at once (stacked)")}
MIN_NETS = 1            # no t-test over networks here: one network is a valid run
TIMES = {"quick": "5 s", "lab": "the paper's size, 25 s", "paper": "25 s"}
LOG_EVERY, LAST = 20, 20     # steps between logged losses; logs averaged for the end loss


def settings_text(cfg):
    return (f"Algorithm 1: {cfg.nets} x FA 784-100-10 ({cfg.init} init), "
            f"{PAPER.replace(n_noise=cfg.n_noise).algorithm1()}")


def run(cfg):
    """{'noise_batch': mean and std of one 64 x 784 noise batch; 'examples', 'loss', 'angle1':
    Algorithm 1's history every LOG_EVERY steps ((logs, K) lists: loss on the batch, mean angle
    W_1^T vs B_1); 'loss_start', 'loss_end' (mean of the last LAST logs), 'angle_start',
    'angle_end': per network; 'n_examples'}."""
    log = Log(cfg)
    x0 = Noise().sample(backend.rng(cfg.seed), PAPER.batch_size, PAPER.dims[0], PAPER.dims[-1])[0]
    net = MLP(PAPER.dims, rule="fa", seed=seeds(cfg, cfg.nets), init=cfg.init)
    hist = pretrain_noise(net, n_examples=cfg.n_noise, noise=Noise(), seed=cfg.seed, log_every=LOG_EVERY, label="FA")
    last = [sum(h[k] for h in hist["loss"][-LAST:]) / LAST for k in range(cfg.nets)]
    return log.numbers(noise_batch={"mean": float(x0.mean()), "std": float(x0.std())},
                       examples=hist["examples"], loss=hist["loss"], angle1=hist["angle1"],
                       loss_start=hist["loss"][0], loss_end=last, angle_start=hist["angle1"][0],
                       angle_end=hist["angle1"][-1], n_examples=cfg.n_noise)


def claims(numbers, cfg):
    """Fig. 1d, stated without a test: the loss falls (paired over the stacked networks; one
    network gives no test)."""
    if cfg.nets < 2:
        return []
    return [C.compare("fig1d_loss_falls", "Fig. 1d: the loss of Algorithm 1 falls: its end (mean of the last "
                      f"{LAST} logs) below its first log, same networks", numbers["loss_end"], numbers["loss_start"],
                      ("end", "start"), larger=False, paired=True, digits=4, ref="fig1d_loss")]
