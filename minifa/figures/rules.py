"""Tutorial 9's figure: one panel per rule (test accuracy w/ vs w/o noise, BP dashed), a row per
net; last column the AUC gain of each network with the t-test's stars."""
import numpy as np  # host-side plotting only

from ..experiments.rules import RULES, claims, nets_of, same_as_fa
from . import COLORS, band, figure, integer_ticks, label_above, stars

W_O, W_ = COLORS["FA w/o"], COLORS["FA w/"]          # w/o and w/ noise: one colour each, every panel


def name(cfg, key):
    return "-".join(map(str, nets_of(cfg)[key]))


def curves(ax, numbers, cfg, key, rule):
    r, bp = numbers["runs"][key][rule], numbers["bp"].get(key)
    if bp:
        ax.plot(bp["epoch"], np.mean(bp["acc"], axis=1), color=COLORS["BP"], ls="--", lw=1, label="BP (mean)")
    band(ax, r["w/"]["epoch"], r["w/o"]["acc"], "w/o noise", color=W_O)
    band(ax, r["w/"]["epoch"], r["w/"]["acc"], "w/ noise", color=W_)
    ax.set(xlabel="epoch", ylabel="test accuracy (%)", ylim=(0, 100),
           title=f"{RULES[rule]}, {name(cfg, key)}" + (" (= FA)" if same_as_fa(rule, key) else ""))
    integer_ticks(ax)
    ax.legend(fontsize=8, loc="lower right")


def differences(ax, numbers, cfg, key, ps):
    """Per rule: AUC w/ minus w/o of each network (dots; the same network with and without noise),
    their mean (bar) and sd; stars from the two-sample t-test."""
    res = numbers["runs"][key]
    diff = {RULES[r]: np.asarray(v["w/"]["auc"]) - np.asarray(v["w/o"]["auc"]) for r, v in res.items()}
    p = {RULES[r]: ps[f"beyond_{r}_auc_{key}"] for r in res}
    sd = {k: v.std(ddof=1) if v.size > 1 else 0.0 for k, v in diff.items()}
    for i, (k, v) in enumerate(diff.items()):
        ax.bar(i, v.mean(), yerr=sd[k], capsize=4, color="0.75")
        ax.plot(np.full(v.size, i), v, "k.", ms=4)
    lo = min(0.0, *(min(v.min(), v.mean() - sd[k]) for k, v in diff.items()))
    hi = max(0.0, *(max(v.max(), v.mean() + sd[k]) for k, v in diff.items()))
    ax.set_ylim(lo - 0.08 * (hi - lo or 1), hi + 0.2 * (hi - lo or 1))    # room for the stars
    for i, (k, v) in enumerate(diff.items()):
        label_above(ax, i, [max(v.max(), v.mean() + sd[k], 0.0)], stars(p[k]))
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xticks(range(len(diff)), list(diff))
    ax.set(ylabel="AUC w/ minus w/o (points of %)", title=f"AUC gain from noise, {name(cfg, key)}\n"
           "(mean ± sd; dots: networks; stars: t-test)")


def draw(numbers, cfg):
    runs = numbers["runs"]
    ps = {c["id"]: c["p"] for c in claims(numbers, cfg)}
    cols = max([len(res) for res in runs.values()] or [len(RULES)])
    fig, ax = figure(max(1, len(runs)), cols + 1, size=(22 * (cols + 1) / (len(RULES) + 1), 4.6 * max(1, len(runs))))
    for row, (key, res) in enumerate(runs.items()):
        for col, rule in enumerate(res):
            curves(ax[row, col], numbers, cfg, key, rule)
        differences(ax[row, -1], numbers, cfg, key, ps)
    if not runs:
        for a in ax.ravel():
            a.set_axis_off()
        ax[0, cols // 2].text(0.5, 0.5, "other learning rules on MNIST: not run\nits data are absent: python "
                              "data_fetch.py mnist", ha="center", va="center", transform=ax[0, cols // 2].transAxes)
    return {"": fig}
