"""One run of an experiment from the command line or a tutorial: flags, settings, saving.

    s = Session(fig2)                   # parses --lab / --quick / --paper / --out / --seed ...
    numbers = fig2.run(s.cfg)           # the experiment itself (no plotting, no files)
    s.finish(numbers, fig2.claims(numbers, s.cfg), draw(numbers, s.cfg))   # prints claims, writes files

`python -m minifa.experiments NN` does exactly this (main below), which is what
`python -m minifa.reproduce` runs in its worker processes; `--redraw FILE.json` redraws the
figures of a saved run without training.
"""
import argparse
import importlib
import json
import os
import sys
import time

from .. import backend
from ..settings import PAPER
from .claims import KEYS, verdict_line
from .common import SCALINGS, Config, jsonable, settings


def figures_of(exp):
    """The module that draws an experiment's figures: minifa.figures.<name>."""
    return importlib.import_module(f"minifa.figures.{exp.NAME}")


def parser(exp, doc=None):
    times = getattr(exp, "TIMES", {})
    when = "; ".join(f"{s} {times[s]}" for s in ("paper", "lab", "quick") if s in times)
    data = getattr(exp, "DATA", ())
    ap = argparse.ArgumentParser(
        prog=f"python -m minifa.experiments {exp.NUM}", description=(doc or exp.__doc__).strip().splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(f"Run time on a 2-core CPU: {when}.\n" if when else "")
        + (f"Needs the datasets: {', '.join(data)} (python data_fetch.py, see README)." if data else "Needs no data."))
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--paper", action="store_true", help="the paper's settings (the default of "
                      "`python -m minifa.experiments`; a tutorial's default is its SIZE cell)")
    size.add_argument("--lab", action="store_true", help="a class-sized run that still shows the effect")
    size.add_argument("--quick", action="store_true", help="a smoke test of seconds: tests nothing")
    ap.add_argument("--out", default=os.path.join(os.getcwd(), "figures"),
                    help="folder for the figure (PNG) and numbers (JSON); default ./figures")
    ap.add_argument("--seed", type=int, default=0, help="base random seed")
    ap.add_argument("--device", default=os.environ.get("MINIFA_DEVICE") or "auto",
                    choices=backend.DEVICES, help="NumPy (cpu) or CuPy (gpu)")
    if getattr(exp, "TAKES_INIT", False):
        ap.add_argument("--init", choices=("he", "pytorch"), help=f"initialisation (default {PAPER.init})")
    if getattr(exp, "DATA", ()):
        ap.add_argument("--scaling", choices=tuple(SCALINGS), default=PAPER.scaling, help="the inputs: 'standard' (default), "
                        "by the training set's mean and std (the authors' later code), or 'unit', pixels in [0, 1]")
    for name, (typ, help_) in getattr(exp, "FLAGS", {}).items():
        flag = f"--{name.replace('_', '-')}"
        if name == "nets":                               # a t-test follows: n >= 2 networks (MIN_NETS)
            low = getattr(exp, "MIN_NETS", 2)
            ap.add_argument(flag, dest=name, type=lambda text: _nets(text, low),
                            help=help_ + f" (>= {low}; default: per run size)")
        elif typ is bool:
            ap.add_argument(flag, dest=name, action="store_const", const=True, help=help_)
        else:
            ap.add_argument(flag, dest=name, type=typ, help=help_ + " (default: per run size)")
    return ap


def _nets(text, low=2):
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number >= {low}, got {text!r}") from None
    if n < low:
        raise argparse.ArgumentTypeError(f"must be >= {low}" + (" (a t-test over networks needs two or more)"
                                         if low == 2 else "") + f", got {n}")
    return n


class MissingData(Exception):
    """The datasets an experiment needs are absent: nothing of it ran."""


class Session:
    """Flags parsed, settings chosen and printed; finish() prints the claims and writes the files."""

    def __init__(self, exp, argv=None, doc=None, size=None):
        """size: the run size when no flag names one (a tutorial's SIZE cell: "quick", "lab" or
        "paper"); default "paper"."""
        sizes = ("quick", "lab", "paper")
        if size is not None and size not in sizes:
            raise ValueError(f"SIZE must be one of {', '.join(map(repr, sizes))}, not {size!r}: set it in the "
                             "tutorial's first code cell, e.g. SIZE = \"lab\"")
        ap = parser(exp, doc)
        # a notebook has no command line of its own (the kernel's -f flag is not ours): SIZE decides
        args = ap.parse_args([] if argv is None and "ipykernel" in sys.modules else argv)
        self.exp, self.args, self.t0 = exp, args, time.perf_counter()
        size = "quick" if args.quick else "lab" if args.lab else "paper" if args.paper else size or "paper"
        flags = {k: getattr(args, k) for k in getattr(exp, "FLAGS", {})}
        self.cfg = settings(exp.NAME, size, seed=args.seed, init=getattr(args, "init", None),
                            scaling=getattr(args, "scaling", None), **flags)
        try:
            backend.set_device(args.device)
        except RuntimeError as e:                        # gpu asked for, none usable: one line
            print(f"error: {e}", file=sys.stderr)
            raise SystemExit(2) from None
        os.makedirs(args.out, exist_ok=True)
        self.title = (doc or exp.__doc__).strip().splitlines()[0]
        print(self.title)
        print(f"run size: {size}" + {"quick": " (a smoke test)", "lab": " (a class-sized run, not the paper's: "
              "read its main effect, not its tally)", "paper": " (the paper's settings)"}[size])
        if size == "quick":
            print("QUICK RUN: a smoke test with tiny sizes. It checks that the code runs and "
                  "tests nothing: its numbers and verdicts mean nothing.")
        parts = [exp.settings_text(self.cfg) if hasattr(exp, "settings_text") else ""]
        if getattr(exp, "DATA", ()):                     # every run that reads data says how it scaled it
            parts.append(f"inputs: {SCALINGS[self.cfg.scaling]}")
        self.settings_text = "; ".join(p for p in parts if p)   # Table 1 has no shared part: no leading "; "
        if self.settings_text:
            print(f"settings: {self.settings_text}")

    def check_ran(self, numbers, claims):
        """Raise MissingData when an experiment that needs data tested nothing because its data
        are absent (no figure is then drawn for a run that did not happen)."""
        missing = [k for k in getattr(self.exp, "DATA", ()) if any(n.startswith(f"{k} not loaded")
                                                                  for n in numbers.get("notes", []))]
        if missing and not [c for c in claims if not c.get("absent")]:
            raise MissingData(f"{self.exp.STEM} ran nothing: its data are absent ({', '.join(missing)}). Fetch "
                              f"them: python data_fetch.py {' '.join(missing)}   (or set MINIFA_MIRROR to a mirror)")

    def claims(self, claims):
        """Claims with this experiment's figure and settings filled in; each must name the paper's
        statement it tests (registry.py), so its record carries panel, quote and kind."""
        unnamed = [c["id"] for c in claims if "kind" not in c]
        if unnamed:
            raise ValueError(f"{self.exp.STEM}: claims {', '.join(unnamed)} name no statement of the paper: pass "
                             "ref=<key of minifa/experiments/registry.py STATEMENTS> to the claim")
        return [{**c, "figure": c.get("figure") or self.exp.STEM + ".png",
                 "settings": c.get("settings") or self.settings_text} for c in claims]

    def finish(self, numbers, claims=(), figures=None):
        """Print the claims; write <out>/<stem>.png (and any other figure) and <stem>.json.
        An experiment whose data are absent writes nothing and exits with status 3, saying
        what to fetch."""
        try:
            self.check_ran(numbers, claims)
        except MissingData as e:
            print(f"error: {e}", file=sys.stderr)
            raise SystemExit(3) from None
        claims = self.claims(list(claims))
        quick = self.cfg.size == "quick"
        if claims:
            print("\nclaims" + (" (QUICK RUN: not a test)" if quick else "") + ":")
            for c in claims:
                print(verdict_line(c))
        assert all(set(KEYS) <= set(c) for c in claims)
        for suffix, fig in (figures or {}).items():
            save_figure(fig, os.path.join(self.args.out, self.exp.STEM + suffix + ".png"))
        wall = round(time.perf_counter() - self.t0, 2)
        out = {**jsonable(numbers), "claims": claims, "size": self.cfg.size, "quick": quick, "device": backend.device,
               "init": self.cfg.init, "config": jsonable(vars(self.cfg)), "wall_s": wall}
        path = os.path.join(self.args.out, self.exp.STEM + ".json")
        write_json(path, out)
        print(f"numbers: {path}\nwall time: {wall:.1f} s on {backend.device}")
        return out


def save_figure(fig, png):
    """Write a figure to png through a temporary file, and say where."""
    tmp = png[:-4] + f".partial-{os.getpid()}.png"
    fig.savefig(tmp, dpi=120)
    os.replace(tmp, png)
    print(f"figure: {png}")


def write_json(path, data):
    """Write JSON through a temporary file: never a half-written one."""
    tmp = f"{path}.partial-{os.getpid()}"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
    os.replace(tmp, path)


def redraw(exp, path):
    """Redraw the figures of a saved run (its JSON) beside it, without training."""
    with open(path) as f:
        numbers = json.load(f)
    cfg = Config(**numbers["config"])
    for suffix, fig in figures_of(exp).draw(numbers, cfg).items():
        save_figure(fig, os.path.join(os.path.dirname(os.path.abspath(path)), exp.STEM + suffix + ".png"))


def main(exp, argv=None, doc=None):
    """Run experiment `exp` as its command line says; 0 when it ran."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--redraw" in argv:
        redraw(exp, argv[argv.index("--redraw") + 1])
        return 0
    s = Session(exp, argv, doc)
    numbers = exp.run(s.cfg)
    s.finish(numbers, exp.claims(numbers, s.cfg), figures_of(exp).draw(numbers, s.cfg))
    return 0
