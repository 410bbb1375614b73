"""A claim of the paper, tested: the record each experiment returns and REPRODUCTION.md reads.

    {"id", "claim", "ours", "test", "t", "p", "reproduced", "figure", "settings"}

compare / versus / same / away / differ return that record (without figure and settings, which
the run adds: experiments.session.Session.claims); with ref=, the name of the paper's statement
in registry.py, it also carries panel, quote, kind, paper_test, verdict and, for a statement the
paper tests, verdict_at_paper_level.
"""
from ..settings import ALPHA, BORDERLINE
from ..stats import fmt, p_text, ttest_1samp, ttest_ind, ttest_rel
from .registry import annotate

KEYS = ("id", "claim", "ours", "test", "t", "p", "reproduced", "figure", "settings")


def claim(id, claim, ours, test, t, p, reproduced, figure=None, settings=None, ref=None, **extra):
    """One finding of the paper as a tutorial reports it (ref: its statement in registry.py)."""
    c = {"id": id, "claim": claim, "ours": ours, "test": test, "t": _num(t), "p": _num(p),
         "reproduced": bool(reproduced), "figure": figure, "settings": settings, **extra}
    return c if ref is None else annotate(c, ref)


def absent(id, text, missing, ref=None):
    """The record of a claim the run could not test because `missing` (its data) is absent: counted
    as absent under its statement, so the report's tally of the paper's results is the same with and
    without the data."""
    return claim(id, text, f"— ({missing} absent)", "not run", None, None, False, absent=True, ref=ref)


def _num(x):
    return None if x is None else float(x)


def pm(a, unit="", digits=2):
    """'mean ± sd (n=N)' of a sample."""
    return fmt(a, unit, digits, sep="±")


def borderline(p):
    """True when p is close enough to alpha that another machine's rounding may flip the verdict."""
    return p is not None and BORDERLINE[0] <= p < BORDERLINE[1]


def compare(id, text, a, b, names, larger=True, paired=False, unit="", digits=2, ref=None):
    """The claim "mean(a) > mean(b)" (larger=False: "<"), two-sample t-test (paired=True: the
    same networks before and after). Reproduced when p < 0.05 with the claimed sign."""
    r = (ttest_rel if paired else ttest_ind)(a, b)
    right_sign = r["t"] > 0 if larger else r["t"] < 0
    ours = f"{names[0]}: {pm(a, unit, digits)}; {names[1]}: {pm(b, unit, digits)}"
    test = f"{'paired' if paired else 'two-sample'} t-test, {names[0]} {'>' if larger else '<'} {names[1]}"
    return claim(id, text, ours, test, r["t"], r["p"], right_sign and r["p"] < ALPHA, ref=ref)


def versus(id, text, a, value, name, larger=True, unit="", digits=2, ref=None):
    """The claim "mean(a) > value" (larger=False: "<"), one-sample t-test (Fig. 1e: angles
    against 90 deg). Reproduced when p < 0.05 with the claimed sign."""
    r = ttest_1samp(a, value)
    right_sign = r["t"] > 0 if larger else r["t"] < 0
    test = f"one-sample t-test, {name} {'>' if larger else '<'} {value:g}{unit}"
    return claim(id, text, f"{name}: {pm(a, unit, digits)}", test, r["t"], r["p"],
                 right_sign and r["p"] < ALPHA, ref=ref)


def same(id, text, a, value, name, unit="", digits=2, ref=None):
    """The claim "mean(a) does not differ from value" (Fig. 3b: readout at chance, "NS"),
    one-sample t-test. Reproduced when p >= 0.05 (no significant difference)."""
    r = ttest_1samp(a, value)
    test = f"one-sample t-test, {name} = {value:g}{unit} (claim: not significant)"
    return claim(id, text, f"{name}: {pm(a, unit, digits)}", test, r["t"], r["p"], r["p"] >= ALPHA, ref=ref)


def away(id, text, a, value, name, unit="", digits=2, ref=None):
    """The claim "mean(a) differs from value" (Fig. 3b, untrained: readout vs chance, *P < 0.001),
    one-sample t-test, two-sided. Reproduced when p < 0.05."""
    r = ttest_1samp(a, value)
    test = f"one-sample t-test, {name} vs {value:g}{unit} (two-sided)"
    return claim(id, text, f"{name}: {pm(a, unit, digits)}", test, r["t"], r["p"], r["p"] < ALPHA, ref=ref)


def differ(id, text, a, b, names, unit="", digits=2, sign=None, ref=None):
    """The paper reports a significant difference between a and b (e.g. Fig. 2b, FA w/ vs BP,
    "P < 0.001"): reproduced when the two-sample t-test gives p < 0.05 (and, if sign is
    +1 / -1, mean(a) - mean(b) has that sign)."""
    r = ttest_ind(a, b)
    ok = r["p"] < ALPHA and (sign is None or (r["t"] > 0) == (sign > 0))
    ours = f"{names[0]}: {pm(a, unit, digits)}; {names[1]}: {pm(b, unit, digits)}"
    return claim(id, text, ours, f"two-sample t-test, {names[0]} vs {names[1]}", r["t"], r["p"], ok, ref=ref)


def verdict_line(c):
    """One printed line per claim, the same in every tutorial."""
    if c.get("absent"):
        return f"  [absent] {c['id']}: not tested, {c['ours']}"
    if c["t"] != c["t"] or c["p"] != c["p"]:    # NaN: e.g. two identical samples
        return f"  [no result] {c['id']}: {c['ours']}; the t-test is undefined (NaN): not a verdict"
    v = "reproduced" if c["reproduced"] else "NOT reproduced"
    if c.get("kind") == "paper":
        v += f" at p < 0.05; at the paper's level ({c['paper_level']}): {c['verdict_at_paper_level']}"
    elif c.get("kind"):
        v += f" ({c['kind']})"
    flag = "  (borderline p: may flip on another machine)" if borderline(c["p"]) else ""
    said = f"\n      {c['panel']}: \"{c['quote']}\"" if c.get("quote") else ""
    return f"  [{v}] {c['id']}:{said}\n      ours: {c['ours']}; t = {c['t']:.2f}, {p_text(c['p'], '.2e')}{flag}"
