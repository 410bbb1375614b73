"""The same reproduction under other pipeline choices, side by side: each complete run records
what it was (run.json beside its JSONs), and the main report tallies every such run kept in a
folder inside its own (reproduction/unit/: pixels in [0, 1] instead of standardised inputs;
reproduction/pytorch/: PyTorch's initialisation instead of He's), so a reader sees how much of the
paper holds under each choice.

    python -m minifa.reproduce --all --jobs 2 --scaling unit --out reproduction/unit --report REPRODUCTION_unit.md
    python -m minifa.reproduce --all --jobs 2 --init pytorch --out reproduction/pytorch --report REPRODUCTION_pytorch.md
"""
import glob
import json
import os

from ..stats import p_text

RUN = "run.json"     # a complete run's description: command, date, machine, choices, wall time


def save(out, info):
    """Write out/run.json (through a temporary file)."""
    path, tmp = os.path.join(out, RUN), os.path.join(out, f"{RUN}.partial-{os.getpid()}")
    with open(tmp, "w") as f:
        json.dump(info, f, indent=1)
    os.replace(tmp, path)


def load(out):
    """The run.json of folder `out`, or None."""
    try:
        with open(os.path.join(out, RUN)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def choices(info):
    """The pipeline choices of a run, in words."""
    from ..settings import PAPER
    return (f"init '{info.get('init') or PAPER.init}', inputs "
            + ("standardised (mean, std)" if (info.get("scaling") or PAPER.scaling) == "standard" else "in [0, 1]"))


def runs_in(out):
    """[(folder, run.json, results)] of the complete runs kept in folders inside `out`; results as
    the report reads them ({'numbers': an experiment's JSON})."""
    found = []
    for folder in sorted(glob.glob(os.path.join(out, "*", ""))):
        info = load(folder)
        if info is None:
            continue
        results = []
        for path in sorted(glob.glob(os.path.join(folder, "[0-9][0-9]_*.json"))):
            try:
                with open(path) as f:
                    results.append({"numbers": json.load(f)})
            except (OSError, ValueError):
                continue
        found.append((folder.rstrip(os.sep), info, results))
    return found


def _verdict(c):
    """A claim's verdict in words: at p < 0.05, and at the paper's level for a "paper" claim."""
    if c.get("absent"):
        return "absent"
    p = c.get("p")
    text = ("reproduced" if c["reproduced"] else "not reproduced") + (f" ({p_text(p)})" if isinstance(p, float) else "")
    level = c.get("verdict_at_paper_level")
    return text + (f", at the paper's level {level}" if level in ("reproduced", "not reproduced") else "")


def differing(own, other):
    """[(claim, its verdict here, there)] of the paper's claims (stated with or without a test) whose
    verdict at p < 0.05 or at the paper's level differs between two runs, in this run's order."""
    there = {c["id"]: c for c in other}
    key = lambda c: (bool(c.get("absent")), c["reproduced"], c.get("verdict_at_paper_level"))
    return [(c, _verdict(c), _verdict(there[c["id"]])) for c in own
            if c.get("kind") in ("paper", "paper-untested") and c["id"] in there and key(c) != key(there[c["id"]])]


def section(out, rdir, own_info, own_counts, counts_of, own_claims, claims_of):
    """The report's lines comparing this run with the runs kept inside `out` (none: no lines).
    counts_of(results) -> (paper-level reproduced, paper-level tested, at 0.05 of the paper's
    claims reproduced, tested, untested reproduced, tested) as the report's header counts them;
    own_claims: this run's claims; claims_of(result) -> (claims, malformed), for each row's differing verdicts."""
    others = runs_in(out)
    if not others:
        return []
    head = ["", "## Sensitivity: the same run under other pipeline choices", "",
            "The paper does not state its initialisation or its input scaling; the authors' later code draws W and B "
            "from N(0, 2/n_in) ('he') and standardises the inputs by their mean and std. Each row is one complete "
            "run of the same command with one choice changed (each folder's run.json says how and when it ran).", "",
            "| run | choices | stated with a test: at the paper's level | at p < 0.05 | stated without a test "
            "(p < 0.05) | wall time | date |", "|---|---|---|---|---|---|---|"]

    def row(name, info, c):
        wall = info.get("wall")
        return (f"| {name} | {choices(info)} | {c[0]} of {c[1]} | {c[2]} of {c[3]} | {c[4]} of {c[5]} | "
                + (f"{wall:.0f} s" if isinstance(wall, (int, float)) else "—") + f" | {info.get('date', '—')} |")
    rows, changed = [row("this report", own_info, own_counts)], []
    for folder, info, results in others:
        rel = os.path.relpath(folder, rdir).replace(os.sep, "/")
        report = os.path.join(folder, info["report"]) if info.get("report") else None   # kept relative to folder
        name = f"[{rel}/]({rel}/)" + (f" ([{os.path.basename(report)}]"
                                       f"({os.path.relpath(report, rdir).replace(os.sep, '/')}))"
                                       if report and os.path.exists(report) else "")
        rows.append(row(name, info, counts_of(results)))
        diff = differing(own_claims, [c for r in results for c in claims_of(r)[0]])
        changed.append(f"- {name}: {len(diff)} of the paper's claims with another verdict" + (":" if diff else "."))
        changed.extend(f"  - {c.get('panel', '')} `{c['id']}`: here {a}; there {b}" for c, a, b in diff)
    return head + rows + ["", "Verdicts that differ from this report's (every number: `python -m "
                          "minifa.reproduce.compare --numbers FOLDER_A FOLDER_B`):", "", *changed]
