"""Tutorial 9: noise pretraining under other rules without weight transport (beyond the paper; protocol of Fig. 2, App. B.3).

The paper asks its question of one rule, feedback alignment. Does random-noise pretraining
(Algorithm 1) also speed up and improve learning under the other rules that avoid weight
transport? Each rule changes one line of the backward pass (minifa/model.py):
  fa    delta_l = (B_l delta_{l+1}) * relu'(o_l), B_l fixed, random    (the paper's eq. 5: the reference)
  dfa   delta_l = (B_l^d delta_L) * relu'(o_l), B_l^d (n_l, n_L) fixed  (Nokland 2016)
  sign  delta_l = (s sign(W_l)^T delta_{l+1}) * relu'(o_l)              (Liao, Leibo & Poggio 2016, uSF)
  kp    FA's line; B_l learns by W_l's update transposed, both decay    (Kolen & Pollack 1994; Akrout et al. 2019)
Per rule, n independent networks: "w/o" from random init, "w/" the same networks after
Algorithm 1; then 5k MNIST as in Fig. 2, BP as the reference line (784-100-10; --deep adds 784-100-100-10). Measured: test
accuracy every epoch (every 2 at 100 epochs), its AUC, final accuracy, and the angle of every
feedback matrix the rule uses against what it stands for (alignment.forward_and_feedback)
before noise, after noise, after data. Tests: two-sample t-tests w/ vs w/o (AUC, final
accuracy, angle after data), paired before vs after noise (angle). Each result is stated as a
finding, whichever way it comes out; none is a claim of the paper ("beyond": true).
"""
import numpy as np  # host-side arithmetic only

from .. import MLP, PAPER, backend, mean_angle, pretrain_noise, train
from ..analysis import auc
from ..datasets import subset
from ..stats import describe, p_text
from . import claims as C
from .common import Log, every, load, noise_log_every, seeds, sizes

NAME, NUM, STEM = "rules", "09", "09_other_rules"
TITLE = __doc__.strip().splitlines()[0]
SIZES = sizes(NAME)
TAKES_INIT, DATA, FLAGS = True, ("mnist",), {"nets": (int, "networks per condition"),
                                             "deep": (bool, "also 784-100-100-10 (App. B.3's net), where DFA differs from FA")}
TIMES = {"quick": "5 s", "lab": "40 s", "paper": "~10 min (--deep: ~20 min)"}
RULES = {"fa": "FA", "dfa": "DFA", "sign": "sign", "kp": "KP"}     # rule -> its name in the text
STAGES = {"before": "before", "noise": "after noise", "w/o": "after data w/o", "w/": "w/"}


def settings_text(cfg):
    return (f"{cfg.n_train} train / {cfg.n_test} test MNIST images (balanced), {cfg.epochs} epochs, batch 64, "
            f"Adam lr 1e-4; w/: Algorithm 1 with {cfg.n_noise} noise examples first; n = {cfg.nets} independent "
            f"networks per rule and condition (own noise and data order), {cfg.init} init")


def nets_of(cfg):
    """{'2layer': dims, ...}: the networks run (784-100-100-10, App. B.3's, with cfg.deep or --quick)."""
    return {"2layer": list(PAPER.dims), **({"3layer": list(PAPER.dims_deep)} if cfg.deep or cfg.size == "quick" else {})}


def same_as_fa(rule, key):
    """One hidden layer: B_1^d is B_1 and delta_L is delta_2, so DFA is FA exactly (tests/test_rules.py)."""
    return rule == "dfa" and key == "2layer"


def angles(net):
    """Mean angle over neurons of every used feedback matrix: (layers, K) host array."""
    return np.asarray(list(mean_angle(net).values()))


def norms(net, k):
    """||W_l||_F of every layer: (layers, K). KP's decay shrinks W as well as W - B^T."""
    return np.asarray([np.linalg.norm(backend.to_host(W).reshape(k, -1), axis=1) for W in net.W])


def learn(cfg, net, data, label=None):
    """Train on data; test accuracy every `every` epochs, its AUC and the final accuracy (%)."""
    hist = train(net, data[0], data[1], X_test=data[2], y_test=data[3], epochs=cfg.epochs, seed=cfg.seed,
                 train_metrics=False, record_every=every(cfg), label=label)
    acc = 100 * np.asarray(hist["test_acc"])                   # (points, K)
    return {"acc": acc, "auc": auc(acc, x=hist["epoch"]), "final": acc[-1], "epoch": np.asarray(hist["epoch"])}


def rule_run(cfg, rule, dims, data):
    """Angles and ||W|| before noise, after noise, after data; learning curves w/o and w/ noise."""
    w = MLP(dims, rule=rule, seed=seeds(cfg, cfg.nets), init=cfg.init)
    wo = w.copy()                                              # the same networks, never shown noise
    out = {"angle": {"before": angles(w)}, "norm": {"before": norms(w, cfg.nets)}}
    pretrain_noise(w, n_examples=cfg.n_noise, seed=cfg.seed, log_every=noise_log_every(cfg), label=f"{rule} w/")
    out["angle"]["noise"], out["norm"]["noise"] = angles(w), norms(w, cfg.nets)
    for c, net in (("w/o", wo), ("w/", w)):
        out[c] = learn(cfg, net, data, label=f"{rule} {c}")
        out["angle"][c], out["norm"][c] = angles(net), norms(net, cfg.nets)
    return out


def curve(r):
    """Mean, sd, n of AUC and final accuracy, and the mean curve."""
    return {"auc": describe(r["auc"]), "final": describe(r["final"]), "acc_curve_mean": r["acc"].mean(1).tolist()}


def summary(r):
    return {**{c: curve(r[c]) for c in ("w/o", "w/")},
            **{m: {s: [describe(a) for a in v] for s, v in r[m].items()} for m in ("angle", "norm")}}


def run(cfg):
    """{'runs': {'2layer' (, '3layer'): {rule: {'w/o', 'w/': {'acc' (points, K), 'auc', 'final' (K,),
    'epoch'}, 'angle', 'norm': {stage: (layers, K)}}}}, 'bp': {net: BP's curves} (with cfg.bp),
    and per net its summary (mean, sd, n) under '2layer' / '3layer'} (host arrays).
    Without MNIST nothing runs (runs empty)."""
    log = Log(cfg)
    if every(cfg) > 1:
        log.deviation(f"test accuracy every {every(cfg)} epochs, the AUC by trapezoids over those points (as tutorial 4)")
    data = load(log, "mnist", "nothing runs", cfg=cfg)
    runs, bp = {}, {}
    if data is not None:
        data = (*subset(*data[:2], cfg.n_train, seed=cfg.seed, balanced=True),
                *subset(*data[2:], cfg.n_test, seed=cfg.seed, balanced=True))
        for key, dims in nets_of(cfg).items():
            print(f"{'-'.join(map(str, dims))} ...", flush=True)
            if cfg.bp:
                bp[key] = learn(cfg, MLP(dims, rule="bp", seed=seeds(cfg, cfg.nets), init=cfg.init), data, "BP")
            runs[key] = {}
            for rule in (r for r in RULES if r in cfg.rules):
                fa = runs[key].get("fa")
                runs[key][rule] = fa if same_as_fa(rule, key) and fa else rule_run(cfg, rule, dims, data)
    return log.numbers(runs=runs, bp=bp, **{key: {"bp": curve(bp[key]) if key in bp else None,
                                                  **{rule: summary(r) for rule, r in res.items()}}
                                            for key, res in runs.items()})


def feedback(rule, l, L):
    """(forward, feedback): what the angle of layer l compares (alignment.forward_and_feedback)."""
    path = f"W_{l}^T" if rule != "dfa" or l == L - 1 else f"(W_{L - 1}...W_{l})^T"
    return path, {"dfa": f"B_{l}^d", "sign": f"sign({path})"}.get(rule, f"B_{l}")


def finding(id, where, said, a, b, names, larger=True, paired=False, unit="%", digits=2):
    """C.compare in the direction in which noise would help, its text the finding itself:
    said = (helping, the opposite, the measure). Its verdict is true when noise helps."""
    c = C.compare(id, "", a, b, names, larger=larger, paired=paired, unit=unit, digits=digits, ref="rules")
    up, down, measure = said
    c["test"] = c["test"].replace(" > ", " vs ").replace(" < ", " vs ") + " (two-sided)"   # a finding has no side
    what = up if c["p"] < C.ALPHA and c["reproduced"] else down if c["p"] < C.ALPHA else f"does not change {measure}"
    c["claim"] = (f"{where}: noise pretraining {what}: {names[0]} {np.mean(a):.{digits}f}{unit} vs "
                  f"{names[1]} {np.mean(b):.{digits}f}{unit}, {p_text(c['p'])}")
    return {**c, "beyond": True}


def claims(numbers, cfg):
    """Per net and rule, as findings: AUC and final accuracy w/ vs w/o; per used feedback matrix,
    its angle after noise vs before (paired) and after data w/ vs w/o."""
    out = []
    for key, res in numbers["runs"].items():
        d, dims = int(key[0]), nets_of(cfg)[key]
        for rule, r in res.items():
            tag = f"beyond_{rule}_{{}}_{key}"
            where = f"{RULES[rule]}, {'-'.join(map(str, dims))}" + (" (DFA = FA here)" if same_as_fa(rule, key) else "")
            out += [finding(tag.format("auc"), where, ("speeds up learning", "slows down learning", "the learning "
                            "speed"), r["w/"]["auc"], r["w/o"]["auc"], ("AUC w/", "w/o")),
                    finding(tag.format("final_acc"), where, ("raises the final accuracy", "lowers the final accuracy",
                            "the final accuracy"), r["w/"]["final"], r["w/o"]["final"], ("final w/", "w/o"))]
            for i, l in enumerate(range(1, d)):
                f, b = feedback(rule, l, d)
                a = {s: v[i] for s, v in r["angle"].items()}
                out += [finding(tag.format(f"angle_noise_W{l}"), where, (f"aligns {f} to {b}", f"turns {f} away "
                                f"from {b}", f"the angle between {f} and {b}"), a["noise"], a["before"],
                                ("after noise", "before"), larger=False, paired=True, unit=" deg"),
                        finding(tag.format(f"angle_data_W{l}"), where, (f"keeps {f} closer to {b} after data",
                                f"leaves {f} farther from {b} after data", f"the angle between {f} and {b} after "
                                "data"), a["w/"], a["w/o"], ("w/", "w/o"), larger=False, unit=" deg")]
    if not numbers["runs"]:
        out = [{**C.claim("beyond_other_rules", "noise pretraining under DFA, sign, KP", "—", "not run", None,
                          None, False, absent=True, ref="rules"), "beyond": True}]
    return out
