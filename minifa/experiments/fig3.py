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
from .common import Log, load, scale, seeds, sizes
from .fig3_sweeps import CLASSES, DEPTH, Pretrained, all_depths, depth_runs, dims, key, sweeps

NAME, NUM, STEM = "fig3", "05", "05_pre_regularization"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
TAKES_INIT, DATA, FLAGS = True, ("mnist",), {"nets": (int, "networks per condition")}
TIMES = {"quick": "5 s", "lab": "31 s", "paper": "~25 min"}
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


INPUTS = {"MNIST": "mnist", "FMNIST": "fashion-mnist", "KMNIST": "kmnist"}     # App. C.1b's data inputs


def other_inputs(cfg, pre):
    """App. C.1b: readout neuron 0 of network 0 after Algorithm 1 over cfg.n_probe inputs of each kind
    (N(0, I) noise, MNIST, FMNIST, KMNIST test images; the absent ones left out): {input: (n_probe,)}.
    Under cfg.scaling 'standard' each dataset's images are scaled by the mean and std of its own test
    split, the split they come from (the mirror holds no KMNIST training images)."""
    from ..datasets import DataError
    from ..datasets import load as load_split
    X = {"noise": backend.to_host(backend.rng(cfg.seed + 1).standard_normal((cfg.n_probe, 784)))}
    for name, key in INPUTS.items():
        try:
            Xt = load_split(key, "test")[0]
        except DataError:
            continue
        X[name] = scale(cfg, Xt, Xt[:cfg.n_probe])
    return {k: backend.to_host(readout_probabilities(pre[DEPTH], x))[0, :, 0] for k, x in X.items()}


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
    data = load(log, "mnist", "Fig. 3b probed with N(0, I) noise, Fig. 3e-h skipped", cfg=cfg)
    if data is not None:
        from ..datasets import subset
        test_set = subset(*data[2:], cfg.n_test, seed=cfg.seed, balanced=True)
    pre = Pretrained(cfg)                          # Algorithm 1's networks per depth; Fig. 3d's record
    probe = "MNIST test images" if data else "N(0, I) noise inputs"
    X_probe = (data[2][:cfg.n_probe] if data else
               backend.to_host(backend.rng(cfg.seed + 1).standard_normal((cfg.n_probe, 784))))
    w = weights(cfg, pre, X_probe)
    w["readout_inputs"] = other_inputs(cfg, pre)
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


def top_share(s):
    """Fig. 3c's 'dominant' singular values: the share of the largest tenth of them (10 of W_0's and
    W_1's 100, 1 of W_2's 10) in their sum, per network."""
    s = -np.sort(-np.asarray(s), axis=-1)
    return s[..., :max(1, s.shape[-1] // 10)].sum(-1) / s.sum(-1)


def layer_claims(er, sv):
    """App. C.2b-g: each layer's spectrum (share of the largest tenth) and effective rank before and after
    Algorithm 1; then the main text's Fig. 3c-d, read on W_1 (registry.py's ambiguities say why)."""
    def top(l, ref, text):
        return C.compare(f"fig3c_top_tenth_W{l}" if ref != "fig3c" else "fig3c_top_tenth", f"{text}: a few singular "
                         f"values of W_{l} become dominant: the share of the largest tenth grows through Algorithm 1",
                         top_share(sv[AFTER][l]), top_share(sv[BEFORE][l]), ("after noise", "random init"),
                         paired=True, digits=3, ref=ref)

    def rank(l, ref, text):
        return C.compare(f"fig3d_erank_W{l}" if ref != "fig3d" else "fig3d_erank", f"{text}: the effective rank of "
                         f"W_{l} decreases through Algorithm 1", er[AFTER][l], er[BEFORE][l],
                         ("after noise", "random init"), larger=False, paired=True, ref=ref)
    return ([top(l, f"appC2{'bcd'[l]}", f"App. C.2{'bcd'[l]}") for l in range(DEPTH)]
            + [rank(l, f"appC2{'efg'[l]}", f"App. C.2{'efg'[l]}") for l in range(DEPTH)]
            + [top(1, "fig3c", "Fig. 3c (read on W_1)"), rank(1, "fig3d", "Fig. 3d (read on W_1)")])


def sweep_plan(cfg):
    """Fig. 3e-h and App. C.4-C.6's claims on MNIST: (id, depth, n, measure, text, ref, larger) each."""
    big, out = max(cfg.sizes), []
    gram = f"the effective rank of the last hidden layer's neuron x neuron Gram matrix is lower for FA w/ than FA w/o"
    out.append(("fig3e_generr", DEPTH, big, "gen", f"Fig. 3e: the generalization error (test - train loss) is lower "
                f"for FA w/ than FA w/o ({big} MNIST images, depth {DEPTH})", "fig3e", False))
    out += [(f"fig3f_generr_n{n}", DEPTH, n, "gen", "Fig. 3f: random-noise pretraining reduces the generalization "
             f"error of FA trained on {n} MNIST images", "fig3f", False) for n in cfg.sizes]
    out += [(f"figC4_test_acc_n{n}", DEPTH, n, "test_acc", f"App. C.4b: FA w/ reaches a higher test accuracy than "
             f"FA w/o on {n} MNIST images", "figC4", True) for n in cfg.sizes]
    if cfg.depth_size in cfg.sizes:
        out.append(("fig3g_gram_erank", DEPTH, cfg.depth_size, "gram", f"Fig. 3g: {gram} (depth {DEPTH}, "
                    f"{cfg.depth_size} images)", "fig3g", False))
    for d in (d for d in all_depths(cfg) if d != DEPTH):
        out += [(f"fig3h_gram_erank_depth{d}", d, cfg.depth_size, "gram", f"Fig. 3h: {gram} (depth {d}, "
                 f"{cfg.depth_size} images)", "fig3h", False),
                (f"figC5_generr_depth{d}", d, cfg.depth_size, "gen", "App. C.5c: random-noise pretraining reduces "
                 f"the generalization error of a {d}-layer FA network", "figC5", False),
                (f"figC6_test_acc_depth{d}", d, cfg.depth_size, "test_acc", f"App. C.6b: FA w/ reaches a higher test "
                 f"accuracy than FA w/o at depth {d}", "figC6", True)]
    return out


def claims(numbers, cfg):
    """Each statement of Fig. 3 and App. C (registry.py), tested on the experiment's numbers; without MNIST,
    the claims on it as absent records (the same ids)."""
    p0, er, sv, dev, ns = (numbers[k] for k in ("readout0", "erank_nets", "spectra", "readout_dev", "readout_ns"))
    n, K = len(p0[AFTER]), len(er[AFTER][0])
    out = [C.away("fig3b_untrained_vs_chance", f"Fig. 3b, left: the untrained readout differs from chance: readout "
                  f"neuron 0 (network 0) over {n} {numbers['probe']} vs 1/10", p0[BEFORE], 1 / CLASSES,
                  "p_0 untrained", digits=4, ref="fig3b_untrained"),
           C.same("fig3b_trained_vs_chance", f"Fig. 3b, right: after random-noise training the readout does not differ "
                  f"from chance: readout neuron 0 (network 0) over {n} {numbers['probe']} vs 1/10", p0[AFTER],
                  1 / CLASSES, "p_0 after noise", digits=4, ref="fig3b_trained"),
           C.compare("figC1a_readout_near_chance", "App. C.1a: after random-noise training the readout neurons' output "
                     f"probabilities lie closer to chance: each network's mean |p_c - 1/10| over its {CLASSES} readout "
                     f"neurons and {n} {numbers['probe']} is lower than before", dev[AFTER], dev[BEFORE],
                     ("after noise", "random init"), larger=False, paired=True, digits=4, ref="appC1a")]
    out[-1]["ours"] += (f"; readout neurons at chance (one-sample t-test, p >= 0.05): {ns[BEFORE]} of {K * CLASSES} "
                        f"before, {ns[AFTER]} of {K * CLASSES} after")
    inputs = numbers.get("readout_inputs", {})
    out += [C.same(f"figC1b_{name.lower()}", f"App. C.1b: after random-noise training the readout over {name} inputs "
                   "does not differ from chance (neuron 0, network 0)", p, 1 / CLASSES, "p_0 after noise", digits=4,
                   ref="figC1b") for name, p in inputs.items()]
    out += [C.absent(f"figC1b_{name.lower()}", f"App. C.1b: after random-noise training the readout over {name} "
                     "inputs does not differ from chance (neuron 0, network 0)", f"{name} test split", ref="figC1b")
            for name in INPUTS if name not in inputs]
    out += layer_claims(er, sv)
    for cid, depth, size, measure, text, ref, larger in sweep_plan(cfg):
        if "sweep" not in numbers:
            out.append(C.absent(cid, text, "MNIST", ref=ref))
            continue
        r = numbers["sweep"][key(depth, size)]
        out.append(C.compare(cid, text, r["FA w/"][measure], r["FA w/o"][measure], ("FA w/", "FA w/o"), larger=larger,
                             digits=3, ref=ref))
    return out
