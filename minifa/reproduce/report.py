"""REPRODUCTION.md: the paper's claims next to our numbers, from the experiments' JSON files.

Each claim carries its kind (experiments/registry.py): "paper" (stated with a test: the tally
at the paper's level and at p < 0.05), "paper-untested" (stated without one: our test), or
"extra" (our own question: its own section, not counted). Claims marked "beyond": true
(tutorial 09, other learning rules) go to "Beyond the paper", not counted either; "absent":
true marks a claim that could not be tested (its data are absent). A p-value in [0.01, 0.1) is marked borderline: float
round-off differs between machines and can flip such a verdict.
"""
import math
import os

from ..experiments.claims import KEYS, borderline
from ..experiments.registry import AMBIGUITIES, NOT_TESTED
from .kinds import _level_tally, _statements, at_level, claims_of, counts_of, kind, tally, undefined
from ..settings import ALPHA
from ..stats import p_text
from . import sensitivity


def _cell(x):
    """Text safe inside a markdown table cell."""
    return str(x).replace("|", "\\|").replace("\n", " ").replace(" +- ", " ± ")


def _g(x):
    """A number for the report: 3 significant digits, small p-values in e-notation."""
    try:
        x = float(x)
    except (TypeError, ValueError):
        return "—" if x is None else _cell(x)
    if math.isnan(x):
        return "nan"
    return f"{x:.3g}" if abs(x) >= 1e-3 or x == 0 else f"{x:.2e}"


def verdict(c):
    if c.get("absent"):
        return "absent (not tested)"
    if undefined(c):
        return "**no result** (t-test undefined: NaN)"
    if c.get("beyond"):                     # a finding, stated in its own text: no paper to agree with
        return "significant" if c["p"] is not None and c["p"] < ALPHA else "not significant"
    v = "reproduced" if c["reproduced"] else "**did not reproduce**"
    return v + (" (borderline p)" if borderline(c["p"]) else "")


def status(res):
    s = res["status"]
    if s == "failed" and res.get("rc") not in (None, 0):
        return f"**FAILED** (exit code {res['rc']})"
    return {"ok": "ok", "failed": "**FAILED**", "timeout": "**FAILED** (timed out)",
            "missing": "missing (no tutorials/NN_*.py file)", "not run": "not run"}[s]


def _link(out, report_dir, png):
    return os.path.relpath(os.path.join(out, png), report_dir).replace(os.sep, "/")


def _rows(results, out, rdir, kinds):
    rows = []
    for r in results:
        for c in claims_of(r)[0]:
            if kind(c) in kinds:
                quote = f"“{c['quote']}”" if c.get("quote") else "—"
                rows.append(f"| {r['num']} | {_cell(c['id'])} | {_cell(c['claim'])} | {_cell(c.get('panel', '—'))} | "
                            f"{_cell(quote)} | {_cell(c.get('paper_test', '—'))} | {_cell(c['ours'])} | "
                            f"{_cell(c['test'])} | {_g(c['t'])} | {p_text(c['p'], _g, named=False)} | {verdict(c)} | {at_level(c)} | "
                            f"[{_cell(c['figure'])}]({_link(out, rdir, c['figure'])}) |")
    return rows


INPUTS = {"standard": "standardised by the training set's mean and std", "unit": "in [0, 1]"}
HEAD = ["| tutorial | id | claim | panel | the paper's words | the paper's test | ours (mean ± sd, n) | our test | t | p "
        "| at p < 0.05 | at the paper's level | figure |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]


def run_sizes(results, info):
    """The run sizes of the report: the run's own, and each tutorial's as its numbers say."""
    own = info.get("size") or ("quick" if info.get("quick") else "paper")
    return {own} | {(r.get("numbers") or {}).get("size") or own for r in results}


def caveat(results, info):
    """The lines that open a report of any size but the paper's: its verdicts are not the paper's."""
    small = sorted(run_sizes(results, info) - {"paper"})
    if not small:
        return []
    if "quick" in small:
        what = ("**QUICK RUN: a smoke test with tiny sizes.** It checks that the code runs; its numbers and "
                "verdicts mean nothing and reproduce nothing.")
    else:
        what = ("**Not the paper's settings: a class-sized `--lab` run** (fewer networks, examples or epochs, "
                "each deviation listed below). Its verdicts are not a reproduction of the paper: with smaller "
                "samples a claim not reproduced here is not refuted; read each tutorial's main effect, not the tally.")
    return [f"> {what} The reproduction at the paper's settings is `python -m minifa.reproduce` "
            "(REPRODUCTION.md).", ""]


def render(results, out, report_path, info):
    """The text of REPRODUCTION.md from the collected tutorial results."""
    rdir = os.path.dirname(os.path.abspath(report_path))
    every = [c for r in results for c in claims_of(r)[0]]
    paper = [c for c in every if kind(c) in ("paper", "paper-untested")]
    tested_by_paper = [c for c in every if kind(c) == "paper"]
    untested = [c for c in every if kind(c) == "paper-untested"]
    extras = [c for c in every if kind(c) == "extra"]
    rep, nrep, absent, border = tally(paper)
    lv, lv_n = _level_tally(tested_by_paper)
    t_rep, t_nrep, t_abs, _ = tally(tested_by_paper)
    u_rep, u_nrep, u_abs, _ = tally(untested)
    counts = counts_of(results)
    nan = sum(undefined(c) for c in paper)
    L = ["# Reproduction of Cheon, Lee & Paik (NeurIPS 2024), arXiv 2405.16731", "", *caveat(results, info),
         f"Generated by `{info['command']}` on {info['date']}" + (f" (minifa at commit {info['commit']})"
                                                                 if info.get("commit") else "") + ".",
         f"Machine: {info['machine']}. Run size: {info.get('size', 'paper')}"
         + (f"; initialisation '{info['init']}' in every tutorial that takes --init" if info.get("init") else "")
         + (f"; inputs {INPUTS[info['scaling']]} in every tutorial that reads data" if info.get("scaling") else "") + ".",
         "A claim is *reproduced* when its test gives the paper's result (p < 0.05 in the paper's "
         "direction, or p ≥ 0.05 where the paper reports no difference; p is two-sided, Student's "
         "t-test, and a claim in one direction also needs the sign of t); *borderline* marks "
         "0.01 ≤ p < 0.1, where round-off differences between machines can flip the verdict. "
         "Each tutorial prints every deviation from the paper's protocol, listed below.", "",
         f"**Tally: {rep} of {rep + nrep} tested claims reproduced, {nrep} not, {absent} absent "
         f"(data missing); {border} borderline."
         + (f" {nan} without a result (NaN t-test: a failed run, not counted)." if nan else "") + "**", "",
         f"- **Stated by the paper with a test** ({_statements(tested_by_paper)} statements, {len(tested_by_paper)} "
         f"claims; we run its test): **{lv} of {lv_n} reproduced at the paper's level** (*P < 0.001 where it "
         f"reports that, NS where it reports NS), {t_rep} of {t_rep + t_nrep} at p < 0.05"
         + (f"; {t_abs} absent" if t_abs else "") + ".",
         f"- **Stated without a test** ({_statements(untested)} statements, {len(untested)} claims; the test is ours, "
         f"named beside each): {u_rep} of {u_rep + u_nrep} reproduced at p < 0.05" + (f"; {u_abs} absent" if u_abs
                                                                                      else "") + ".",
         f"- Extras (our own questions, {len(extras)} claims) and beyond-the-paper findings have their own sections "
         "and are not counted.", "",
         "## Tutorials", "", "| tutorial | status | wall time (s) | device | claims reproduced |",
         "|---|---|---|---|---|"]
    for r in results:
        good, _ = claims_of(r)
        n = r.get("numbers") or {}
        wall = r.get("wall_s") if r.get("wall_s") is not None else n.get("wall_s")
        wall = "—" if wall is None else f"{wall:.1f}"
        rr, nr, _, _ = tally(good)
        rep_t = f"{rr} of {rr + nr}" if good else "—"
        L.append(f"| {r['num']} {_cell(r['stem'] or '')} | {status(r)} | {wall} | "
                 f"{_cell(n.get('device', '—'))} | {rep_t} |")
    total = sum(w for w in (r.get("wall_s") or (r.get("numbers") or {}).get("wall_s") for r in results) if w)
    L += ["", f"Total wall time of the tutorials (as each one measured itself): {total:.0f} s"
          + (f"; of the whole run ({info.get('jobs', 1)} at a time): {info['wall']:.0f} s" if info.get("wall") else "")
          + (f"; machine speed: {info['speed']}." if info.get("speed") else "."),
          "", "## Protocol", "", "Each tutorial's settings (network, data, epochs, n, tests: details under each "
          "tutorial below) and every deviation from the paper's protocol, with its reason.", "",
          "| tutorial | protocol (ours) | deviations from the paper |", "|---|---|---|",
          *[f"| {r['num']} | {_cell(_protocol(r))} | {_cell('; '.join((r.get('numbers') or {}).get('deviations', [])) or 'none')} |"
            for r in results if r.get("numbers")],
          "", "## The paper's claims", "", "Each with the paper's words (verbatim, from "
          "`../shared/paper/`), its panel as the caption letters it, its test as the paper gives it, and ours. "
          "Stated with a test first, then stated without one.", "", *HEAD,
          *_rows(results, out, rdir, ("paper",)), *_rows(results, out, rdir, ("paper-untested",)),
          *sensitivity.section(out, rdir, info, counts, counts_of, every, claims_of),
          "", "## Ambiguities in the paper, and our reading", "",
          *[f"- **{topic}**: {reading}" for topic, reading in AMBIGUITIES],
          "", "Stated by the paper and not tested here:", "",
          *[f"- **{panel}**: “{quote}”: {why}." for panel, quote, why in NOT_TESTED]]
    extra_rows = _rows(results, out, rdir, ("extra",))
    if extra_rows:
        L += ["", "## Extras", "", "Our own questions beside the paper's (e.g. a final accuracy where the paper "
              "tests the AUC, one test set of a pooled statement); not counted in the tally.", "", *HEAD, *extra_rows]
    beyond = _rows(results, out, rdir, ("beyond",))
    if beyond:
        L += ["", "## Beyond the paper", "", "Questions the paper does not ask, answered with the "
              "same code and tests; not counted in the tally above.", "", *HEAD, *beyond]
    for r in results:
        L += ["", *_section(r, out, rdir)]
    return "\n".join(L) + "\n"


def _protocol(r):
    """The settings line most of a tutorial's claims share (its protocol; on a tie, the first in claim
    order, so that the report does not depend on the hash seed), or '—'."""
    settings = [c["settings"] for c in claims_of(r)[0] if c.get("settings")]
    return max(settings, key=settings.count) if settings else "—"


def _section(r, out, rdir):
    """Per-tutorial details: status, figure, protocol (settings, deviations), notes, claims."""
    L = [f"## {r['num']} {r['stem'] or ''}".rstrip(), ""]
    if r["title"]:
        L += [f"*{r['title']}*", ""]
    L.append(f"Status: {status(r)}.")
    if r.get("error"):
        L.append(f"{r['error']}.")
    n = r.get("numbers")
    if r["status"] in ("failed", "timeout") and r.get("log"):
        L += ["", "Last lines of its output:", "", "```", _tail(r["log"]).rstrip(), "```"]
    if not n:
        return L
    L += [f"Device: {n.get('device', '?')}; wall time in the tutorial: {_g(n.get('wall_s'))} s; "
          f"run size: {n.get('size', 'quick' if n.get('quick') else 'paper')}.", ""]
    if os.path.exists(os.path.join(out, r["stem"] + ".png")):
        L += [f"![{r['stem']}]({_link(out, rdir, r['stem'] + '.png')})", ""]
    for d in n.get("deviations", []):
        L.append(f"- Deviation from the paper: {d}")
    for note in n.get("notes", []):
        L.append(f"- Note: {note}")
    if n.get("markdown"):
        L += ["", str(n["markdown"]), ""]
    good, bad = claims_of(r)
    if not good and not bad:
        L.append("No claims listed (a demonstration or a check; see its JSON).")
    shared = len({str(c["settings"]) for c in good}) == 1
    if good and shared:
        L += ["", f"Protocol of every claim below: {good[0]['settings']}", ""]
    for c in good:
        said = f"  \n  {c['panel']}, the paper: “{c['quote']}” ({c['kind']})" if c.get("quote") else ""
        L += [f"- **{_cell(c['id'])}**: {c['claim']}{said}  ",
              f"  ours: {_cell(c['ours'])}; {c['test']}: t = {_g(c['t'])}, {p_text(c['p'], _g)}; "
              f"**{verdict(c).replace('**', '')}**" + (f"; at the paper's level: **{at_level(c)}**"
                                                         if c.get("verdict_at_paper_level") else "") + "."
              + ("" if shared else f"  \n  protocol: {c['settings']}")]
    for b in bad:
        L.append(f"- malformed claim {b!r}: it lacks one of the keys {', '.join(KEYS)}")
    return L


def _tail(path, n=15):
    try:
        return "".join(open(path, errors="replace").readlines()[-n:])
    except OSError:
        return ""


def write_atomic(path, text):
    """Write `text` to `path` through a temporary file: never a half-written report."""
    tmp = f"{path}.partial-{os.getpid()}"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
