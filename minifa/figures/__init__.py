"""The experiments' figures, drawn from their numbers (minifa.figures.<experiment>.draw), and
the helpers they share: one colour per condition in every panel, mean +- sd bands, zero-based
bars (or dot plots where only the spread matters), integer ticks.

draw(numbers, cfg) -> {suffix: figure}: "" is <stem>.png; numbers may be what run() returned
or the same read back from its JSON (lists instead of arrays), so a figure redraws without
training (python -m minifa.experiments NN --redraw FILE.json)."""
import numpy as np  # host-side plotting only

COLORS = {"BP": "C0", "FA w/o": "C1", "FA w/": "C2", "data -> noise": "C4",   # one colour per condition
          "noise -> data": "C2", "data only": "C1", "noise": "C2"}


def figure(rows, cols, size=(10, 4), **kw):
    """A matplotlib figure that needs no screen (Agg backend, unless a notebook chose one);
    axes always 2-d."""
    import matplotlib
    if "ipykernel" not in __import__("sys").modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt.subplots(rows, cols, figsize=size, squeeze=False, layout="constrained", **kw)


def color(name):
    return COLORS.get(name)


def band(ax, x, Y, label, marker=None, **kw):
    """Mean +- sd over networks (axis 1 of Y, shape (len(x), K)) against x."""
    Y = np.asarray(Y, dtype=float).reshape(len(x), -1)
    m = Y.mean(axis=1)
    s = Y.std(axis=1, ddof=1) if Y.shape[1] > 1 else np.zeros_like(m)
    kw.setdefault("color", color(label.split(" (")[0]))
    line, = ax.plot(x, m, label=label, marker=marker, ms=3, **kw)
    ax.fill_between(x, m - s, m + s, color=line.get_color(), alpha=0.2, lw=0)
    return line


def integer_ticks(ax, axis="x"):
    """Whole numbers only on an axis of counts (epochs, layers)."""
    from matplotlib.ticker import MaxNLocator
    (ax.xaxis if axis == "x" else ax.yaxis).set_major_locator(MaxNLocator(integer=True))


def bars(ax, groups, ylabel, title, scale=1.0):
    """One zero-based bar (mean +- sd) per group, every network as a dot."""
    for i, (name, v) in enumerate(groups.items()):
        v = scale * np.asarray(v, dtype=float).ravel()
        ax.bar(i, v.mean(), yerr=v.std(ddof=1) if v.size > 1 else 0, capsize=4, alpha=0.6,
               color=color(name))
        ax.plot(np.full(v.size, i), v, "k.", ms=4)
    ax.set_xticks(range(len(groups)), list(groups))
    ax.set(ylabel=ylabel, title=title)
    ax.set_ylim(bottom=min(0, ax.get_ylim()[0]))


def dots(ax, groups, ylabel, title, scale=1.0):
    """Every network as a dot and mean +- sd as a bar of error, per group. No bar area, so the
    axis need not start at zero: for small differences between large values (e.g. 92 vs 93 %)."""
    for i, (name, v) in enumerate(groups.items()):
        v = scale * np.asarray(v, dtype=float).ravel()
        jitter = np.linspace(-0.12, 0.12, v.size) if v.size > 1 else [0.0]
        ax.plot(i + np.asarray(jitter), v, ".", color=color(name), ms=6, alpha=0.7)
        ax.errorbar(i + 0.25, v.mean(), yerr=v.std(ddof=1) if v.size > 1 else 0, fmt="o",
                    color="k", capsize=4, ms=5)
    ax.set_xticks(range(len(groups)), list(groups))
    ax.set_xlim(-0.5, len(groups) - 0.5)
    ax.set(ylabel=ylabel, title=title + "\n(dots: networks; black: mean ± sd; axis not from 0)")


def stars(p):
    """'***', '**', '*' or 'n.s.' for a p-value."""
    return "*" * sum(p < a for a in (0.05, 0.01, 0.001)) or "n.s."


def label_above(ax, x, tops, text):
    """Write `text` just above the highest of `tops` (bar + error), never on top of it."""
    lo, hi = ax.get_ylim()
    ax.text(x, max(tops) + 0.03 * (hi - lo), text, ha="center", va="bottom", fontsize=9)
