"""Tutorial 9: noise pretraining under other rules without weight transport (beyond the paper; protocol of Fig. 2, App. B.3).

The paper asks its question of one rule, feedback alignment. Does random-noise pretraining
(Algorithm 1) also speed up and improve learning under the other rules that avoid weight
transport? Each rule changes one line of the backward pass (model.MLP.error):
  fa    delta_l = (B_l delta_{l+1}) * relu'(o_l), B_l fixed, random    (the paper's eq. 5: the reference)
  dfa   delta_l = (B_l^d delta_L) * relu'(o_l), B_l^d (n_l, n_L) fixed  (Nokland 2016)
  sign  delta_l = (s sign(W_l)^T delta_{l+1}) * relu'(o_l)              (Liao, Leibo & Poggio 2016, uSF)
  kp    FA's line; B_l learns by W_l's update transposed, both decay    (Kolen & Pollack 1994; Akrout et al. 2019)
Per rule, n independent networks: "w/o" from random init, "w/" the same networks after
Algorithm 1; then 5k MNIST as in Fig. 2 (BP as the reference line with --full). Measured: test
accuracy every epoch (every 2 at 100 epochs, printed), its AUC, final accuracy, and the angle
of every feedback matrix the rule uses against what it stands for
(alignment.forward_and_feedback) before noise, after noise, after data. Tests: two-sample t-tests w/ vs w/o (AUC, final accuracy, angle after data), paired
before vs after noise (angle). Each result is stated as a finding, whichever way it comes out;
none is a claim of the paper (REPRODUCTION.md, "Beyond the paper"). Watch KP's ||W_l||_F: its
decay (model.KP_DECAY per step, on W and B) shrinks W during Algorithm 1 as well as W - B^T.
By default only 784-100-10 (the whole reproduction must fit ~30 min); --full adds 784-100-100-10 and BP.

    python tutorials/09_other_rules.py [--quick | --lab | --full] [--nets 10] [--init he]
"""
# %% [markdown]
# ## Settings: Fig. 2's protocol per rule; 784-100-100-10 (App. B.3's net) with --full
# %%
import numpy as np  # host-side statistics and plotting only

from minifa import MLP, PAPER, backend, mean_angle, pretrain_noise, train
from minifa.analysis import auc
from minifa.datasets import subset
from minifa.reproduce import claims as C
from minifa.reproduce.plots import COLORS, band, integer_ticks, label_above, stars
from minifa.reproduce.tutorial import Tutorial
from minifa.stats import describe, fmt

RULES = {"fa": "FA", "dfa": "DFA", "sign": "sign", "kp": "KP"}
NETS = {2: PAPER.dims, 3: PAPER.dims_deep}            # depth (weight layers) -> dims
STAGES = {"before": "before", "noise": "after noise", "w/o": "after data w/o", "w/": "w/"}
W_O, W_ = COLORS["FA w/o"], COLORS["FA w/"]          # w/o and w/ noise: one colour each, every panel
run = Tutorial(__doc__, paper=dict(nets=PAPER.n_nets, n_noise=PAPER.n_noise, epochs=PAPER.epochs,
                                   n_train=PAPER.n_train, n_test=PAPER.n_test, deep=True, bp=True),
               lab=dict(nets=5, n_noise=200_000, epochs=15, n_train=2000, n_test=2000, deep=False, bp=False),
               quick=dict(nets=2, n_noise=3_000, epochs=2, n_train=300, n_test=300), init=True,
               data=("mnist",), flags={"nets": (int, "networks per condition")},
               budget=dict(deep=False, bp=False, why="784-100-100-10 (App. B.3's net) and the BP reference line "
                           "left out: they would more than double this tutorial and take the whole reproduction past "
                           "~30 min"),
               times={"quick": "5 s", "lab": "40 s", "paper": "8 min (--full: ~20 min)"})
cfg = run.cfg
seeds = [cfg.seed + k for k in range(cfg.nets)]
depths = [2, 3] if cfg.deep or run.size == "quick" else [2]
EVERY = 2 if cfg.epochs >= 50 else 1           # epochs between test-accuracy points of the AUC (as 04)
if EVERY > 1:
    run.deviation(f"test accuracy every {EVERY} epochs, the AUC by trapezoids over those points (as tutorial 4)")
run.settings(f"{cfg.n_train} train / {cfg.n_test} test MNIST images (balanced), {cfg.epochs} epochs, batch 64, "
             f"Adam lr 1e-4; w/: Algorithm 1 with {cfg.n_noise} noise examples first; n = {cfg.nets} independent "
             f"networks per rule and condition (own noise and data order), {cfg.init} init")


# %% [markdown]
# ## Train: per rule, the same networks with (w/) and without (w/o) noise first
# %%
def feedback(rule, l, L):
    """(forward, feedback): what the angle of layer l compares (alignment.forward_and_feedback)."""
    path = f"W_{l}^T" if rule != "dfa" or l == L - 1 else f"(W_{L - 1}...W_{l})^T"
    return path, {"dfa": f"B_{l}^d", "sign": f"sign({path})"}.get(rule, f"B_{l}")


def angles(net):
    """Mean angle over neurons of every used feedback matrix: (layers, K) host array."""
    return np.asarray(list(mean_angle(net).values()))


def norms(net):
    """||W_l||_F of every layer: (layers, K). KP's decay shrinks W as well as W - B^T."""
    return np.asarray([np.linalg.norm(backend.to_host(W).reshape(len(seeds), -1), axis=1) for W in net.W])


def show(norm):
    return "/".join(f"{v:.2f}" for v in norm.mean(axis=1))


def learn(net, data):
    """Train on data; test accuracy every EVERY epochs (as in tutorial 4), its AUC."""
    hist = train(net, data[0], data[1], X_test=data[2], y_test=data[3], epochs=cfg.epochs, seed=cfg.seed,
                 train_metrics=False, record_every=EVERY)
    acc = 100 * np.asarray(hist["test_acc"])                   # (points, K)
    return {"acc": acc, "auc": auc(acc, x=hist["epoch"]), "final": acc[-1], "epoch": np.asarray(hist["epoch"])}


def rule_run(rule, dims, data):
    """Angles and ||W|| before noise, after noise, after data; learning curves w/o and w/ noise."""
    w = MLP(dims, rule=rule, seed=seeds, init=cfg.init)
    wo = w.copy()                                              # the same networks, never shown noise
    out = {"angle": {"before": angles(w)}, "norm": {"before": norms(w)}}
    pretrain_noise(w, n_examples=cfg.n_noise, seed=cfg.seed, log_every=1000)
    out["angle"]["noise"], out["norm"]["noise"] = angles(w), norms(w)
    for c, net in (("w/o", wo), ("w/", w)):
        out[c] = learn(net, data)
        out["angle"][c], out["norm"][c] = angles(net), norms(net)
    print(f"  {RULES[rule]:<4} AUC w/o {fmt(out['w/o']['auc'], '%')}  w/ {fmt(out['w/']['auc'], '%')}   "
          f"final w/o {fmt(out['w/o']['final'], '%')}  w/ {fmt(out['w/']['final'], '%')}\n"
          f"       ||W_l||_F (l = 0..{len(dims) - 2}): " + ", ".join(f"{STAGES[s]} {show(n)}" for s, n in out["norm"].items()))
    return out


data = run.load("mnist", "nothing runs")
results, bp = {}, {}
if data is not None:
    data = (*subset(*data[:2], cfg.n_train, seed=cfg.seed, balanced=True),
            *subset(*data[2:], cfg.n_test, seed=cfg.seed, balanced=True))
    for d in depths:
        print(f"\n{'-'.join(map(str, NETS[d]))}")
        if cfg.bp:
            bp[d] = learn(MLP(NETS[d], rule="bp", seed=seeds, init=cfg.init), data)
        results[d] = {}
        for rule in RULES:
            if rule == "dfa" and d == 2:   # one hidden layer: B_1^d is B_1 and delta_L is delta_2, so DFA
                results[d][rule] = results[d]["fa"]    # is FA exactly (tests/test_rules.py): not run twice
                print("  DFA  = FA on one hidden layer (same networks, same numbers)")
                continue
            results[d][rule] = rule_run(rule, NETS[d], data)


# %% [markdown]
# ## Test: w/ vs w/o per rule and net, each result worded as what it found
# %%
def finding(id, where, said, a, b, names, larger=True, paired=False, unit="%", digits=2):
    """C.compare in the direction in which noise would help, its text the finding itself:
    said = (helping, the opposite, the measure). Its verdict is true when noise helps."""
    c = C.compare(id, "", a, b, names, larger=larger, paired=paired, unit=unit, digits=digits)
    up, down, measure = said
    c["test"] = c["test"].replace(" > ", " vs ").replace(" < ", " vs ") + " (two-sided)"   # a finding has no side
    what = up if c["p"] < C.ALPHA and c["reproduced"] else down if c["p"] < C.ALPHA else f"does not change {measure}"
    c["claim"] = (f"{where}: noise pretraining {what}: {names[0]} {np.mean(a):.{digits}f}{unit} vs "
                  f"{names[1]} {np.mean(b):.{digits}f}{unit}, p = {c['p']:.2g}")
    return {**c, "beyond": True}


claims = []
for d, res in results.items():
    for rule, r in res.items():
        tag = f"beyond_{rule}_{{}}_{d}layer"
        where = f"{RULES[rule]}, {'-'.join(map(str, NETS[d]))}" + (" (DFA = FA here)" if rule == "dfa" and d == 2 else "")
        claims += [finding(tag.format("auc"), where, ("speeds up learning", "slows down learning", "the learning "
                           "speed"), r["w/"]["auc"], r["w/o"]["auc"], ("AUC w/", "w/o")),
                   finding(tag.format("final_acc"), where, ("raises the final accuracy", "lowers the final accuracy",
                           "the final accuracy"), r["w/"]["final"], r["w/o"]["final"], ("final w/", "w/o"))]
        for i, l in enumerate(range(1, d)):
            f, b = feedback(rule, l, d)
            a = {s: v[i] for s, v in r["angle"].items()}
            claims += [finding(tag.format(f"angle_noise_W{l}"), where, (f"aligns {f} to {b}", f"turns {f} away "
                               f"from {b}", f"the angle between {f} and {b}"), a["noise"], a["before"],
                               ("after noise", "before"), larger=False, paired=True, unit=" deg"),
                       finding(tag.format(f"angle_data_W{l}"), where, (f"keeps {f} closer to {b} after data",
                               f"leaves {f} farther from {b} after data", f"the angle between {f} and {b} after "
                               "data"), a["w/"], a["w/o"], ("w/", "w/o"), larger=False, unit=" deg")]
if data is None:
    claims = [{**C.claim("beyond_other_rules", "noise pretraining under DFA, sign, KP", "—", "not run", None,
                         None, False, absent=True), "beyond": True}]
print("\nfindings (beyond the paper; two-sample t-tests w/ vs w/o, paired for the noise angle):")
for c in claims:
    print(f"  {c['claim']}")


# %% [markdown]
# ## Plot: one panel per rule (w/ vs w/o, BP dashed), a row per net; AUC differences with stars
# %%
def curves(ax, d, rule):
    r = results[d][rule]
    x = r["w/"]["epoch"]
    if d in bp:
        ax.plot(bp[d]["epoch"], bp[d]["acc"].mean(axis=1), color=COLORS["BP"], ls="--", lw=1, label="BP (mean)")
    band(ax, x, r["w/o"]["acc"], "w/o noise", color=W_O)
    band(ax, x, r["w/"]["acc"], "w/ noise", color=W_)
    ax.set(xlabel="epoch", ylabel="test accuracy (%)", ylim=(0, 100),
           title=f"{RULES[rule]}, {'-'.join(map(str, NETS[d]))}" + (" (= FA)" if rule == "dfa" and d == 2 else ""))
    integer_ticks(ax)
    ax.legend(fontsize=8, loc="lower right")


def differences(ax, d):
    """Per rule: AUC w/ minus w/o of each network (dots; the same network with and without noise),
    their mean (bar) and sd; stars from the two-sample t-test."""
    diff = {RULES[r]: res["w/"]["auc"] - res["w/o"]["auc"] for r, res in results[d].items()}
    ps = {RULES[r]: next(c["p"] for c in claims if c["id"] == f"beyond_{r}_auc_{d}layer") for r in results[d]}
    sd = {k: v.std(ddof=1) if v.size > 1 else 0.0 for k, v in diff.items()}
    for i, (k, v) in enumerate(diff.items()):
        ax.bar(i, v.mean(), yerr=sd[k], capsize=4, color="0.75")
        ax.plot(np.full(v.size, i), v, "k.", ms=4)
    lo = min(0.0, *(min(v.min(), v.mean() - sd[k]) for k, v in diff.items()))
    hi = max(0.0, *(max(v.max(), v.mean() + sd[k]) for k, v in diff.items()))
    ax.set_ylim(lo - 0.08 * (hi - lo or 1), hi + 0.2 * (hi - lo or 1))    # room for the stars
    for i, (k, v) in enumerate(diff.items()):
        label_above(ax, i, [max(v.max(), v.mean() + sd[k], 0.0)], stars(ps[k]))
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xticks(range(len(diff)), list(diff))
    ax.set(ylabel="AUC w/ minus w/o (points of %)", title=f"AUC gain from noise, {'-'.join(map(str, NETS[d]))}\n"
           "(mean ± sd; dots: networks; stars: t-test)")


def curve(r):
    """Mean, sd, n of AUC and final accuracy, and the mean curve, for the JSON."""
    return {"auc": describe(r["auc"]), "final": describe(r["final"]), "acc_curve_mean": r["acc"].mean(1).tolist()}


def summary(r):
    return {**{c: curve(r[c]) for c in ("w/o", "w/")},
            **{m: {s: [describe(a) for a in v] for s, v in r[m].items()} for m in ("angle", "norm")}}


fig, ax = run.figure(max(1, len(results)), len(RULES) + 1, size=(22, 4.6 * max(1, len(results))))
for row, d in enumerate(results):
    for col, rule in enumerate(RULES):
        curves(ax[row, col], d, rule)
    differences(ax[row, -1], d)
if not results:
    ax[0, 0].text(0.5, 0.5, "MNIST absent: nothing run (see the notes)", ha="center")
run.finish(fig, claims, {f"{d}layer": {"bp": curve(bp[d]) if d in bp else None, **{rule: summary(r) for rule, r in results[d].items()}}
                         for d in results})
