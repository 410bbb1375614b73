"""Tutorial 5: random-noise training is a pre-regularization (paper Fig. 3, App. C.1-C.6).

Fig. 3 and App. C as a library function.

run(cfg): Algorithm 1 on 784-100-100-10 FA networks (Fig. 3b-d: readout against chance,
spectra, effective rank before and after), then MNIST subsets for FA w/o, FA w/ (and BP):
the generalization error against training-set size and depth (Fig. 3e-f) and the effective
rank of the neuron x neuron Gram matrix (Fig. 3g-h); fig3_sweeps.py holds the training.
The narrative, with the paper's definitions: tutorials/05_pre_regularization.py.
"""
import numpy as np  # host-side statistics only

from .. import MLP, PAPER, backend
from ..analysis import effective_rank, readout_probabilities, singular_values
from ..stats import describe, ttest_1samp
from . import claims as C
from .common import Log, load, seeds, sizes
from .fig3_sweeps import CLASSES, DEPTH, Pretrained, all_depths, depth_runs, dims, key, sweeps

NAME, NUM, STEM = "fig3", "05", "05_pre_regularization"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
TAKES_INIT, DATA, FLAGS = True, ("mnist",), {"nets": (int, "networks per condition")}
TIMES = {"quick": "5 s", "lab": "31 s", "paper": "~18 min (--full: ~25 min)"}
BEFORE, AFTER = "FA w/o (random init)", "FA w/ (after noise)"     # Fig. 3b-d's two conditions


def settings_text(cfg):
    return (f"FA {'-'.join(map(str, PAPER.dims_deep))}, {cfg.init} init, Algorithm 1 with {cfg.n_noise} noise "
            f"examples; MNIST balanced training subsets {cfg.sizes}, {cfg.epochs} epochs, batch 64, Adam lr 1e-4, "
            f"{cfg.n_test} test images (balanced); depth sweep {cfg.depths} weight layers at size {cfg.depth_size}; "
            f"n = {cfg.nets} independent networks per condition (own noise, own data order)")


def weights(cfg, pre, X_probe):
    """Fig. 3b-d at depth 3, before and after Algorithm 1: readout probabilities over X_probe, spectra and
    effective ranks of each W_l (host arrays)."""
    K = cfg.nets
    nets0 = {BEFORE: MLP(dims(DEPTH), rule="fa", seed=seeds(cfg, K), init=cfg.init), AFTER: pre[DEPTH]}
    p = {k: backend.to_host(readout_probabilities(n, X_probe)) for k, n in nets0.items()}     # (K, images, C)
    ns = {k: int(sum(ttest_1samp(q[i, :, c], 1 / CLASSES)["p"] >= 0.05 for i in range(K) for c in range(CLASSES)))
          for k, q in p.items()}
    dev = {k: np.abs(q - 1 / CLASSES).mean(axis=(1, 2)) for k, q in p.items()}       # (K,): mean |p_c - 1/C|
    sv = {k: [backend.to_host(singular_values(W)) for W in n.W] for k, n in nets0.items()}
    er = {k: [backend.to_host(effective_rank(W)) for W in n.W] for k, n in nets0.items()}
    return dict(readout0={k: q[0, :, 0] for k, q in p.items()}, readout_ns=ns, readout_dev=dev, spectra=sv,
                erank_nets=er)


def run(cfg):
    """Fig. 3b-h: {'probe', 'readout0': {condition: p_0 of network 0 over the probe images}, 'readout_ns':
    NS neurons of all K x C, 'readout_dev': per-network mean |p_c - 1/C|, 'spectra' and 'erank_nets':
    {condition: per layer (K, rank) singular values and (K,) effective ranks}, 'erank_log': Fig. 3d's record
    [examples, (K,) per layer], 'sweep': {'depth<d>_n<n>': {condition: {measure: (K,)}}}, 'gram_matrix':
    Fig. 3g}, plus the old summaries (readout_neuron0, readout_mean_abs_dev, erank, erank_during_noise,
    depth<d>_n<n>: mean, sd, n). Host arrays."""
    log, K = Log(cfg), cfg.nets
    log.deviation(f"not stated in the paper, our choices: {cfg.init} init; class-balanced subsets; generalization "
                  "error = test - train loss after the last epoch; Fig. 3b tests readout neuron 0 of network 0 (the "
                  f"paper shows one neuron) and counts the NS ones of all {K} x {CLASSES}; Fig. 3g-h: last hidden "
                  f"layer, the same {cfg.n_test} test images, silent neurons (never active there: no cosine) left "
                  "out, counted (rank unchanged)")
    if cfg.size == "lab":
        log.note("--lab: after 100 epochs FA w/o has not yet fitted its training set, so its small test - train gap "
                 "is under-fitting, not generalization; Fig. 3e-f's gap needs the paper's 500 epochs (the lab shows "
                 "3c-d, 3h)")
    data = load(log, "mnist", "Fig. 3b probed with N(0, I) noise, Fig. 3e-h skipped")
    if data is not None:
        from ..datasets import subset
        test_set = subset(*data[2:], cfg.n_test, seed=cfg.seed, balanced=True)
    pre = Pretrained(cfg)                          # Algorithm 1's networks per depth; Fig. 3d's record
    probe = "MNIST test images" if data else "N(0, I) noise inputs"
    X_probe = (data[2][:cfg.n_probe] if data else
               backend.to_host(backend.rng(cfg.seed + 1).standard_normal((cfg.n_probe, 784))))
    w = weights(cfg, pre, X_probe)
    numbers = {"probe": probe, "readout_neuron0": {k: describe(v) for k, v in w["readout0"].items()},
               "readout_mean_abs_dev": {k: describe(v) for k, v in w["readout_dev"].items()},
               "erank": {k: [describe(e) for e in v] for k, v in w["erank_nets"].items()},
               "erank_during_noise": [[float(np.mean(e)) for e in r] for r in pre.erank_log], **w,
               "erank_log": pre.erank_log}
    if data is not None:
        res, panel = sweeps(cfg, pre, data[:2], test_set)
        numbers.update({k: {c: {m: describe(v) for m, v in r.items()} for c, r in rs.items()} for k, rs in res.items()})
        numbers.update(sweep=res, gram_matrix=panel)
    return log.numbers(**numbers)


def claims(numbers, cfg):
    p0, er = numbers["readout0"][AFTER], numbers["erank_nets"]
    out = [C.same("fig3b_readout_chance", "Fig. 3b: after random-noise training each readout probability approaches "
                  f"the chance level 1/C: readout neuron 0 (network 0) over {len(p0)} {numbers['probe']} does not "
                  "differ from 1/10 (paper: one-sample t-test, NS).", p0, 1 / CLASSES, "p_0 after noise", digits=4)]
    out += [C.compare(f"fig3d_erank_W{l}", f"Fig. 3c-d: the effective dimensionality of the weights W_{l} decreases "
                      "in a network pretrained with random noise (effective rank after noise < before).",
                      er[AFTER][l], er[BEFORE][l], ("after noise", "random init"), larger=False, paired=True)
            for l in range(DEPTH)]
    if "sweep" not in numbers:
        return out + [C.claim("fig3e_h", "Fig. 3e-h on MNIST", "MNIST absent", "not run", None, None, False,
                              absent=True)]

    def gap(name, depth, n, measure, text):                           # the claim FA w/ < FA w/o
        r = numbers["sweep"][key(depth, n)]
        return C.compare(name, text, r["FA w/"][measure], r["FA w/o"][measure], ("FA w/", "FA w/o"), larger=False,
                         digits=3)
    out += [gap(f"fig3e_generr_n{n}", DEPTH, n, "gen", "Fig. 3e: random-noise pretraining reduces the "
                f"generalization error (test - train loss) of FA trained on {n} MNIST images.") for n in cfg.sizes]
    out += [gap(f"fig3f_generr_depth{d}", d, cfg.depth_size, "gen", "Fig. 3f: random-noise pretraining reduces the "
                f"generalization error of a {d}-layer FA network.") for d in depth_runs(cfg)]
    out += [gap("fig3h_gram_erank" + ("" if d == DEPTH else f"_depth{d}"), d, cfg.depth_size, "gram",
                "Fig. 3h: the pre-regularization lets the network learn simple solutions of a low rank: the effective "
                "rank of the Gram matrix of the last hidden layer's neurons is lower for FA w/ than FA w/o (depth "
                f"{d}, {cfg.depth_size} images).") for d in all_depths(cfg)]
    return out
