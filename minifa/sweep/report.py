"""A sweep's report, built from its cells alone: DIR/SWEEP.md and one heatmap PNG per outcome.

Each heatmap puts the first axis on the rows and the second on the columns (one row when the
grid has one axis; one panel per combination of any further axes); a square shows the cell's
mean difference w/ - w/o (or after noise - before) with the t-test's stars, a grey square a
cell not (yet) computed. python -m minifa.sweep --no-run rebuilds all of it from DIR/cells.
"""
import itertools
import os

import numpy as np  # host-side tables and plotting only

from ..stats import p_text
from .store import TMP, write_atomic

# test key -> (what the square shows, unit); the tests are minifa/sweep/cell.py's
OUTCOMES = {"auc_gain": ("AUC gain: FA w/ - FA w/o (Fig. 2b, learning speed)", "points of %"),
            "final_gain": ("final test accuracy gain: FA w/ - FA w/o", "points of %"),
            "angle_noise": ("angle W_1^T vs B_1: after noise - before (negative: aligned)", "deg"),
            "angle_data": ("angle W_1^T vs B_1 after data: FA w/ - FA w/o", "deg"),
            "ece_data": ("calibration error (ECE) after data: FA w/ - FA w/o (negative: better calibrated)",
                         "points of %"),
            "ece_noise": ("ECE: after noise - before (the same networks)", "points of %")}
HEATMAPS = ("auc_gain", "final_gain", "angle_noise", "ece_data")


def stars(p):
    """'***', '**', '*' for p < 0.001, 0.01, 0.05; '' otherwise or when p is undefined."""
    return "" if p is None or p != p else "*" * sum(p < a for a in (0.05, 0.01, 0.001))


def axes_of(cells):
    """{axis: [values in grid order]} of a list of cells (dicts with 'axes')."""
    out = {}
    for c in cells:
        for k, v in c["axes"].items():
            out.setdefault(k, [])
            if v not in out[k]:
                out[k].append(v)
    return out


def panels(cells, axes):
    """[(title, rows axis, row values, columns axis, column values, {(row, col): cell name})], one per
    combination of the axes beyond the first two."""
    names = list(axes)
    if not names:
        names, axes = ["cell"], {"cell": ["default"]}
        cells = [{**c, "axes": {"cell": "default"}} for c in cells]
    r, c = (names[0], None) if len(names) == 1 else names[:2]
    out = []
    for rest in itertools.product(*(axes[k] for k in names[2:])):
        fixed = dict(zip(names[2:], rest))
        where = {(x["axes"][r], x["axes"].get(c)): x["name"] for x in cells
                 if all(x["axes"].get(k) == v for k, v in fixed.items())}
        title = ", ".join(f"{k}={v}" for k, v in fixed.items())
        out.append((title, r, axes[r], c, axes[c] if c else [None], where))
    return out


def limit(key, cells, done):
    """The colour scale's half-range of one outcome: its largest |gain| over the computed cells."""
    vals = [done[c["name"]]["tests"][key]["gain"] for c in cells if c["name"] in done]
    return max([abs(v) for v in vals if v == v] or [1.0]) or 1.0


def heat_panel(a, key, panel, done, lim):
    """One panel of a heatmap on axes `a`: panel is one entry of panels(); returns the image."""
    title, r, rv, c, cv, where = panel
    grid = np.full((len(rv), len(cv)), np.nan)
    for (y, x), name in where.items():
        if name in done:
            t = done[name]["tests"][key]
            grid[rv.index(y), cv.index(x)] = t["gain"]
            a.text(cv.index(x), rv.index(y), f"{t['gain']:+.2f}\n{stars(t['p'])}", ha="center", va="center",
                   fontsize=8, color="w" if abs(t["gain"]) > 0.6 * lim else "k")
        else:
            a.text(cv.index(x), rv.index(y), "not run", ha="center", va="center", fontsize=7, color="0.4")
    a.set_facecolor("0.85")
    im = a.imshow(np.ma.masked_invalid(grid), cmap="RdBu_r" if key.startswith(("angle", "ece")) else "RdBu",
                  vmin=-lim, vmax=lim, aspect="auto")
    a.set_yticks(range(len(rv)), [str(v) for v in rv])
    a.set_xticks(range(len(cv)), [str(v) for v in cv] if c else [""])
    a.set(ylabel=r, xlabel=c or "", title=title)
    return im


def heatmap(key, cells, done, axes):
    """The figure of one outcome over the grid (see the module's docstring)."""
    from ..figures import figure
    ps, lim = panels(cells, axes), limit(key, cells, done)
    cols = min(3, len(ps))
    rows = -(-len(ps) // cols)
    fig, ax = figure(rows, cols, size=(4.2 * cols + 1, 3.4 * rows + 0.6))
    for i, panel in enumerate(ps):
        im = heat_panel(ax[i // cols][i % cols], key, panel, done, lim)
    for j in range(len(ps), rows * cols):
        ax[j // cols][j % cols].axis("off")
    fig.colorbar(im, ax=ax.ravel().tolist(), label=OUTCOMES[key][1], shrink=0.8)
    fig.suptitle(OUTCOMES[key][0] + "\n(stars: t-test, * p < 0.05, ** < 0.01, *** < 0.001)", fontsize=10)
    return fig


def _m(t, side):
    return f"{t[side]:.2f}"


def table(key, cells, done, axes):
    """A markdown table of one outcome: rows the first axis, columns the second."""
    lines = []
    for title, r, rv, c, cv, where in panels(cells, axes):
        head = [f"{r} \\ {c}" if c else r] + [str(x) if c else "gain" for x in cv]
        lines += ([f"*{title}*", ""] if title else []) + ["| " + " | ".join(head) + " |",
                                                          "|" + "---|" * len(head)]
        for y in rv:
            row = []
            for x in cv:
                t = done[where[(y, x)]]["tests"][key] if where.get((y, x)) in done else None
                row.append("not run" if t is None else f"{t['gain']:+.2f}{stars(t['p'])} ({p_text(t['p'])})")
            lines.append(f"| {y} | " + " | ".join(row) + " |")
        lines.append("")
    return lines


def common_text(cells, done):
    """What every cell shares, as one line of settings: the size's settings and the --set values
    (the axes left out); from a saved cell where the grid is not known."""
    from ..experiments import fig2
    from .grid import config
    c = cells[0]
    if "settings" in c:
        fixed = {k: v for k, v in c["settings"].items() if k not in c["axes"]}
        cfg = config({**c, "settings": fixed})
        return f"{fig2.settings_text(cfg)}, network {'-'.join(map(str, fig2.dims_of(cfg, fig2.EXPERIMENTS[c['part']][1])))}"
    r = done[c["name"]]
    return f"as its axes say, otherwise {r['settings_text']}, network {'-'.join(map(str, r['dims']))}"


def markdown(meta, cells, done):
    """SWEEP.md's text."""
    axes, ok = axes_of(cells), [c for c in cells if c["name"] in done]
    workers = sorted({done[c["name"]]["ran_on"] for c in ok})
    lines = [f"# Sensitivity sweep: {meta.get('experiment', 'fig2')}, {meta.get('part', 'Fig. 2')}, "
             f"size {meta.get('size', '?')}", "",
             f"{len(ok)} of {len(cells)} cells computed" + ("" if len(ok) == len(cells) else
                                                            " (the rest show as 'not run': rerun the sweep)")
             + f"; {sum(done[c['name']]['wall_s'] for c in ok):.0f} s of cell time on {len(workers)} worker(s)"
             + (f"; last run {meta['wall_s']:.0f} s wall on {meta.get('host', '?')} ({meta.get('where', '')})"
                if meta.get("wall_s") is not None else "") + ".", ""]
    if meta.get("command"):
        lines += ["Command: `" + meta["command"] + "`", ""]
    lines += ["Axes: " + "; ".join(f"{k} = {', '.join(map(str, v))}" for k, v in axes.items()), ""]
    if ok or "settings" in cells[0]:
        lines += [f"Every cell: {common_text(cells, done)}; its axes' values replace these. Tests: two-sample t-tests FA w/ vs FA w/o over the networks, "
                  "paired after noise vs before; two-sided, mean difference shown with * p < 0.05, ** < 0.01, "
                  "*** < 0.001. ECE: 10 equal-width confidence bins, the mean confidence of each (the authors' "
                  "follow-up uses bin centres), on the test subset, in %; conf - acc: mean confidence minus "
                  "accuracy after data (> 0 overconfident, < 0 underconfident).", ""]
    for key, (what, unit) in OUTCOMES.items():
        png = f" (heatmap_{key}.png)" if key in HEATMAPS else ""
        lines += [f"## {what}, {unit}{png}", ""] + table(key, cells, done, axes)
    lines += ["## Every cell", "", "| cell | AUC w/o | AUC w/ | final w/o | final w/ | angle before | after noise "
              "| after data w/o | w/ | ECE before | after noise | w/o | w/ | conf - acc w/o | w/ | s | ran on |",
              "|" + "---|" * 17]
    for c in ok:
        d = done[c["name"]]
        t, n = d["tests"], d["numbers"]
        ece = [f"{np.mean(n['ece'][s]):.2f}" for s in ("before", "noise", "w/o", "w/")]
        ece += [f"{np.mean(n['gap'][s]):+.2f}" for s in ("w/o", "w/")]
        lines.append(f"| {c['name']} | {_m(t['auc_gain'], 'b')} | {_m(t['auc_gain'], 'a')} | "
                     f"{_m(t['final_gain'], 'b')} | {_m(t['final_gain'], 'a')} | {_m(t['angle_noise'], 'b')} | "
                     f"{_m(t['angle_noise'], 'a')} | {_m(t['angle_data'], 'b')} | {_m(t['angle_data'], 'a')} | "
                     + " | ".join(ece) + f" | {d['wall_s']:.0f} | {d['ran_on']} |")
    missing = [c["name"] for c in cells if c["name"] not in done]
    if missing:
        lines += ["", "Not computed yet: " + ", ".join(missing)]
    return "\n".join(lines) + "\n"


def write(out, meta, cells, done):
    """DIR/SWEEP.md and DIR/heatmap_<outcome>.png (each written atomically); the paths written."""
    paths = [os.path.join(out, "SWEEP.md")]
    write_atomic(paths[0], markdown(meta, cells, done))
    if any(c["name"] in done for c in cells):
        import matplotlib.pyplot as plt
        for key in HEATMAPS:
            fig = heatmap(key, cells, done, axes_of(cells))
            paths.append(os.path.join(out, f"heatmap_{key}.png"))
            tmp = os.path.join(out, f".heatmap_{key}.png.{os.getpid()}{TMP}")
            fig.savefig(tmp, dpi=110, format="png")
            os.replace(tmp, paths[-1])
            plt.close(fig)
    return paths
