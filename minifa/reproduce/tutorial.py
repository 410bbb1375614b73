"""What every tutorial shares: run sizes and flags, data, claims, figures, saving.

    run = Tutorial(__doc__, paper=dict(n_noise=500_000), lab=dict(n_noise=150_000),
                   quick=dict(n_noise=20_000), init=True, data=("mnist",),
                   times={"quick": "10 s", "lab": "1 min", "paper": "2 min"})
    cfg = run.cfg                       # the chosen size's settings, e.g. cfg.n_noise
    ...
    run.finish(fig, claims, numbers)    # prints the claims, writes <stem>.png and <stem>.json

Three sizes: the paper's settings (default), --lab (a class-sized run that still shows the
effect) and --quick (a smoke test that tests nothing). Every value that differs from the
paper's is printed as a deviation, with its reason.
"""
import argparse
import json
import os
import sys
import time
from types import SimpleNamespace

from .. import backend
from ..settings import PAPER
from .claims import KEYS, verdict_line

COLORS = {"BP": "C0", "FA w/o": "C1", "FA w/": "C2", "data -> noise": "C4",   # one colour per condition
          "noise -> data": "C2", "data only": "C1", "noise": "C2"}
SIZES = ("paper", "lab", "quick")


def _stem(doc):
    """The script's name without .py (or, in a notebook, 'tutorial_NN' from 'Tutorial NN: ...')."""
    name = os.path.basename(sys.argv[0])
    if name.endswith(".py") and name[:2].isdigit():
        return name[:-3]
    words = doc.split(":")[0].split()
    return f"tutorial_{int(words[-1]):02d}" if words and words[-1].isdigit() else "tutorial"


class Tutorial:
    def __init__(self, doc, paper, lab=None, quick=None, init=False, data=(), times=None,
                 flags=None, budget=None, argv=None):
        """doc: the tutorial's docstring (first line: title). paper/lab/quick: its settings at
        each size (lab and quick only list what they change). flags: extra command-line
        options {name: (type, help)} whose value overrides the setting of that name (type bool:
        a switch that sets it True). budget: what the default run changes from the paper's protocol
        to fit the reproduction's time budget ({name: value}, plus "why": the reason); --full
        restores the paper's values."""
        self.title, self.stem = doc.strip().splitlines()[0], _stem(doc)
        self.notes, self.deviations, self.t0 = [], [], time.perf_counter()
        budget = dict(budget or {})
        why = budget.pop("why", "to fit the reproduction's time budget")
        self.args = self._parse(doc, init, data, times or {}, flags or {}, argv, bool(budget))
        self.size = "quick" if self.args.quick else "lab" if self.args.lab else "paper"
        cut = budget if self.size == "paper" and not getattr(self.args, "full", False) else {}
        chosen = {**paper, **({"lab": lab, "quick": quick, "paper": cut}[self.size] or {})}
        chosen.update({k: getattr(self.args, k) for k in (flags or {}) if getattr(self.args, k) is not None})
        self.cfg = SimpleNamespace(**chosen, seed=self.args.seed, init=self.args.init or PAPER.init)
        self.paper = SimpleNamespace(**paper)
        backend.set_device(self.args.device)
        os.makedirs(self.args.out, exist_ok=True)
        self._header(chosen, paper, why if cut else None)

    def _parse(self, doc, init, data, times, flags, argv, budget):
        when = "; ".join(f"{s} {times[s]}" for s in SIZES if s in times)
        ap = argparse.ArgumentParser(
            description=doc.strip().splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
            epilog=(f"Run time on a 2-core CPU: {when}.\n" if when else "")
            + (f"Needs the datasets: {', '.join(data)} (python data_fetch.py, see README)." if data
               else "Needs no data."))
        size = ap.add_mutually_exclusive_group()
        size.add_argument("--lab", action="store_true", help="a class-sized run that still shows the effect")
        size.add_argument("--quick", action="store_true", help="a smoke test of seconds: tests nothing")
        ap.add_argument("--out", default=os.path.join(os.getcwd(), "figures"),
                        help="folder for the figure (PNG) and numbers (JSON); default ./figures")
        ap.add_argument("--seed", type=int, default=0, help="base random seed")
        ap.add_argument("--device", default=os.environ.get("MINIFA_DEVICE") or "auto",
                        choices=backend.DEVICES, help="NumPy (cpu) or CuPy (gpu)")
        if budget:
            ap.add_argument("--full", action="store_true", help="the paper's whole protocol (the default "
                            "leaves part out to fit the reproduction's time budget, and says what)")
        if init:
            ap.add_argument("--init", choices=("he", "pytorch"), help=f"initialisation (default {PAPER.init})")
        for name, (typ, help_) in flags.items():
            if typ is bool:                              # a switch: on when given
                ap.add_argument(f"--{name.replace('_', '-')}", action="store_const", const=True, help=help_)
            else:
                ap.add_argument(f"--{name.replace('_', '-')}", type=typ, help=help_ + " (default: per run size)")
        if argv is None and "ipykernel" in sys.modules:   # a notebook: the kernel's own -f flag is not ours
            args = ap.parse_known_args(os.environ.get("MINIFA_TUTORIAL_ARGS", "").split())[0]
        else:
            args = ap.parse_args(argv)
        args.init = getattr(args, "init", None)
        return args

    def _header(self, chosen, paper, budget_why=None):
        print(self.title)
        if self.size == "quick":
            print("QUICK RUN: a smoke test with tiny sizes. It checks that the code runs and "
                  "tests nothing: its numbers and verdicts mean nothing.")
        changed = [k for k in chosen if chosen[k] != paper.get(k)]
        if changed:
            why = {"lab": "--lab, a class-sized run", "quick": "--quick",
                   "paper": f"{budget_why} (--full runs the paper's protocol)" if budget_why else "command-line flag"}[self.size]
            self.deviation(f"{why}: " + ", ".join(f"{k} {chosen[k]} (paper: {paper.get(k)})" for k in changed))

    def deviation(self, text):
        """Print and keep a deviation from the paper's protocol, with its reason."""
        self.deviations.append(text)
        print(f"deviation from the paper: {text}")

    def note(self, text):
        """Print and keep a note (e.g. a dataset absent from the mirror)."""
        self.notes.append(text)
        print(f"note: {text}")

    def load(self, key, skipped, **kw):
        """(X, y, X_test, y_test) of a dataset, or None once the reason is noted; `skipped`
        says what runs without it. An absent dataset is never replaced by anything."""
        from ..datasets import DataError, load
        try:
            return (*load(key, "train", **kw), *load(key, "test"))
        except DataError as e:
            self.note(f"{key} not loaded: {skipped} ({e})")
            return None

    def settings(self, text):
        """The settings line every claim of this tutorial carries (printed once)."""
        self.settings_text = text
        print(f"settings: {text}")
        return text

    def claims(self, claims, figure=None):
        """Claims with this tutorial's figure and settings filled in."""
        return [{**c, "figure": c.get("figure") or figure or self.stem + ".png",
                 "settings": c.get("settings") or getattr(self, "settings_text", "")} for c in claims]

    def figure(self, rows, cols, size=(10, 4), **kw):
        """A matplotlib figure that needs no screen (Agg backend); axes always 2-d."""
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt.subplots(rows, cols, figsize=size, squeeze=False, layout="constrained", **kw)

    def save_figure(self, fig, name=None):
        """Write <out>/<name>.png (default: the tutorial's own name) and say where."""
        png = os.path.join(self.args.out, (name or self.stem) + ".png")
        fig.savefig(png, dpi=120)
        print(f"figure: {png}")

    def finish(self, fig, claims=(), numbers=None, name=None):
        """Print the claims block; write <out>/<name>.png and .json; say the wall time."""
        claims = self.claims(list(claims))
        if claims:
            print("\nclaims" + (" (QUICK RUN: not a test)" if self.size == "quick" else "") + ":")
            for c in claims:
                print(verdict_line(c))
        name = name or self.stem
        self.save_figure(fig, name)
        wall = round(time.perf_counter() - self.t0, 2)
        out = {**(numbers or {}), "claims": claims, "notes": self.notes, "deviations": self.deviations,
               "size": self.size, "quick": self.size == "quick", "device": backend.device,
               "init": self.cfg.init, "wall_s": wall}
        assert all(set(KEYS) <= set(c) for c in claims)
        path = os.path.join(self.args.out, name + ".json")
        with open(path + ".partial", "w") as f:
            json.dump(out, f, indent=1)
        os.replace(path + ".partial", path)            # never a half-written JSON
        print(f"numbers: {path}\nwall time: {wall:.1f} s on {backend.device}")
