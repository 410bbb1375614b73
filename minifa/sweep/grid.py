"""The grid of a sweep: its axes (--grid NAME=V1,V2,...), fixed values (--set NAME=V) and cells.

Every axis is a setting the experiment takes (minifa/settings.py EXPERIMENTS, plus seed, init,
scaling); AXES says, for each, how its values are read and checked. A cell is one point of the
grid, named by its axis values in the order of the --grid flags, e.g.
'init_gain=0.58,n_noise=150000': the name of its file, DIR/cells/<name>.json.
"""
import itertools
import json

from ..experiments.common import SCALINGS, SIZES, jsonable, settings
from ..init import INITS

FEEDBACK_RULES = ("fa", "dfa", "sign", "kp")        # the rules with a feedback pathway to align


class GridError(ValueError):
    """A bad --grid or --set: the message names the flag and the fix."""


def _number(kind, low, strict=False):
    """A reader of whole (kind int) or real (float) numbers >= low (> low when strict)."""
    def read(text):
        try:
            x = float(text.replace("_", ""))
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
        if x != x or x in (float("inf"), float("-inf")):
            raise ValueError(f"{text!r} is not a finite number")
        if kind is int and not x.is_integer():
            raise ValueError(f"{text!r} is not a whole number")
        if x < low or (strict and x == low):
            raise ValueError(f"{text!r} must be {'>' if strict else '>='} {low:g}")
        return int(x) if kind is int else x
    read.what = f"{'a whole' if kind is int else 'a'} number {'>' if strict else '>='} {low:g}"
    return read


def _choice(options):
    def read(text):
        if text not in options:
            raise ValueError(f"{text!r} is not one of {', '.join(options)}")
        return text
    read.what = f"one of {', '.join(options)}"
    return read


# experiment -> {setting: (reader, what it is)}; the settings of one fig2 cell (Fig. 2's protocol)
AXES = {"fig2": {
    "init_gain": (_number(float, 0, strict=True), "W, B ~ N(0, g^2/n_in) (1.41 ~ He's law, 0.58 ~ PyTorch's sd)"),
    "init": (_choice(INITS), "the init's own law: he N(0, 2/n_in), pytorch U(+-1/sqrt(n_in))"),
    "n_noise": (_number(int, 0), "Algorithm 1's noise examples (0: none)"),
    "lr": (_number(float, 0, strict=True), "Adam's learning rate (noise and data)"),
    "scaling": (_choice(tuple(SCALINGS)), "the inputs: [0, 1] or standardised"),
    "rule": (_choice(FEEDBACK_RULES), "the rule of FA w/o and FA w/"),
    "hidden": (_number(int, 1), "the width of every hidden layer"),
    "nets": (_number(int, 2), "independent networks per condition"),
    "epochs": (_number(int, 1), "passes over the training subset"),
    "n_train": (_number(int, 10), "training images (balanced subset)"),
    "n_test": (_number(int, 10), "test images (balanced subset)"),
    "seed": (_number(int, 0), "base random seed"),
}}
SPECIAL = ("seed", "init", "scaling")               # settings() takes these as arguments of their own


def text(value):
    """A value as it appears in a cell's name: 0.58, 150000, he (a float's shortest exact repr)."""
    return repr(value) if isinstance(value, float) else str(value)


def parse(flag, item, experiment):
    """'NAME=V1,V2' of --grid or --set -> (name, [values]); GridError naming the flag otherwise."""
    axes = AXES[experiment]
    name, eq, values = item.partition("=")
    name = name.strip()
    if not eq or not name or not values.strip():
        raise GridError(f"{flag} {item!r}: write {flag} NAME=V1,V2,... (e.g. {flag} n_noise=0,150000)")
    if name not in axes:
        taken = settings(experiment, "quick").values()
        why = "is a setting of the experiment but not of one cell" if name in taken else "is no setting of it"
        raise GridError(f"{flag} {name}: {name!r} {why}; the settings a {experiment} cell takes: "
                        + ", ".join(axes))
    read, _ = axes[name]
    out = []
    for v in (v.strip() for v in values.split(",")):
        try:
            out.append(read(v))
        except ValueError as e:
            raise GridError(f"{flag} {name}: {e}; {name} takes {read.what}") from None
    if len({text(v) for v in out}) < len(out):
        raise GridError(f"{flag} {name}: a value appears twice in {values!r}")
    return name, out


def build(experiment, part, size, grid_items, set_items=()):
    """The cells of a sweep, in grid order: [{'name', 'experiment', 'part', 'size', 'axes', 'settings'}]
    ('settings': the values the cell overrides: its axes and the --set values)."""
    if experiment not in AXES:
        raise GridError(f"--experiment {experiment}: the sweep runs {', '.join(AXES)}")
    if size not in SIZES:
        raise GridError(f"--size {size}: one of {', '.join(SIZES)}")
    axes = [parse("--grid", g, experiment) for g in grid_items]
    fixed = dict(parse("--set", s, experiment) for s in set_items)
    names = [n for n, _ in axes]
    for flag, bad in (("--grid", {n for n in names if names.count(n) > 1}), ("--set", set(names) & set(fixed))):
        if bad:
            raise GridError(f"{flag} {', '.join(sorted(bad))}: named twice (an axis once, in --grid or in --set)")
    for name, values in fixed.items():
        if len(values) != 1:
            raise GridError(f"--set {name}: one value (an axis with several is --grid {name}=...)")
    fixed = {k: v[0] for k, v in fixed.items()}
    cells = []
    for point in itertools.product(*(values for _, values in axes)):
        ax = dict(zip(names, point))
        over = {**fixed, **ax}
        if over.get("init_gain") is not None and over.get("init", "he") != "he":
            raise GridError("--grid/--set init_gain with init=pytorch: init_gain sets the normal law "
                            "N(0, g^2/n_in) (init he); sweep init=pytorch without init_gain")
        name = ",".join(f"{k}={text(v)}" for k, v in ax.items()) or "default"
        cells.append({"name": name, "experiment": experiment, "part": part, "size": size, "axes": ax,
                      "settings": over})
    return cells


def config(cell):
    """The experiment's Config of one cell: its size's settings with the cell's values, one part."""
    over = dict(cell["settings"])
    special = {k: over.pop(k) for k in SPECIAL if k in over}
    return settings(cell["experiment"], cell["size"], **special, **over).replace(experiments=[cell["part"]])


def resolved(cell):
    """The cell's settings in full, as its JSON holds them (to tell whether a saved cell is this one)."""
    return json.loads(json.dumps(jsonable(config(cell).values())))
