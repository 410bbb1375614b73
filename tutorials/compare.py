"""Compare a tutorial run with its expected output: which numbers differ beyond the run-to-run
spread, and whether the verdicts agree.

    python tutorials/compare.py figures/04_fast_learning.json      # against tutorials/expected/04_fast_learning.json
    python tutorials/compare.py RUN.json --expected PATH            # against any other run of the same tutorial
    python tutorials/compare.py RUN.json --exact                    # every number equal to the last bit

Exit status 0 when they agree, 1 when a number differs beyond the spread or a verdict differs,
2 on bad input (a file missing or not a tutorial's JSON, another tutorial, another run size).

The numbers. Each claim prints its groups as "name: mean ± sd (n=N)" (minifa.experiments.claims:
N networks, neurons or images, what its t-test counts). For a group in both runs, d is the
difference of the means and se = sqrt(sd_run^2/n_run + sd_exp^2/n_exp) the standard error of that
difference; the group differs beyond the run-to-run spread when |d| > k se + u, where u is one unit
of the last printed digit (each mean is rounded to half of one) and k is the two-sided 0.1 % point
of Student's t with Welch's degrees of freedom: 3.29 for large n, 5.04 for 5 networks against 5
(df 8), 8.61 for 3 against 3 (df 4). So two honest runs of the same tutorial (another seed, or
the same seed on another machine, whose round-off grows through training) flag a given number
with probability 0.001, and a tutorial of 30 numbers flags one in at most 3 % of honest runs;
a mistake in the code, a changed setting or a broken install moves numbers by far more. Where
the N units come from one network (neurons in 03, images in 05's readout) another seed moves the
mean by more than this spread: compare runs of the same seed (the expected files are seed 0).
Tutorial 01 has no claims and no randomness left once seeded: its numbers must agree to 1e-6
relative or 1e-9 absolute (float64 on a 4-3-2 network differs between machines by ~1e-16, its
finite differences, step 1e-6, by ~1e-10). Tutorial 02's per-network measures (loss and angle at
the start and end of Algorithm 1) are compared as groups too, mean ± sd over its networks.

The verdicts. Each claim's verdict (reproduced or not, absent or not) must be the same in both
runs; a flip where either p is borderline (0.01 <= p < 0.1, minifa.experiments.claims) is shown
and not counted: round-off alone can move such a p across 0.05. Another seed can flip a weak
effect's verdict outright (03's fig1e_asymptotic: p = 0.41 at seed 0, 0.003 at seed 1, every mean
within the spread): judge a student's run made with the default seed.

Same machine and seed: when the runs' settings are the same and every number is equal to the
last bit, it says so; --exact demands that (the machine that made the expected files).
"""
import argparse
import json
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tutorials" / "expected"
ALPHA = 0.001                        # per number: the chance an honest run is flagged
RTOL_EXACT, ATOL_EXACT = 1e-6, 1e-9  # tutorial 01 (see above)
META = ("config", "wall_s", "device", "size", "quick", "full", "init", "notes", "deviations", "claims")
PER_NETWORK = {"02_noise_pretraining": ("loss_start", "loss_end", "angle_start", "angle_end")}
NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
GROUP = re.compile(rf"(?P<name>[^;:,]*?)[:\s]\s*(?P<mean>{NUM})\s*(?P<unit>[^\s±;(]*)\s*±\s*(?P<sd>{NUM})\s*"
                   rf"[^\s(;]*\s*\(n=(?P<n>\d+)\)")
try:
    from minifa.experiments.claims import borderline
except ImportError:                  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))
    from minifa.experiments.claims import borderline


class BadInput(Exception):
    """The files cannot be compared: says which and what to do."""


def load(path, what):
    """A tutorial run's JSON, checked for what compare needs."""
    try:
        with open(path) as f:
            data = json.load(f)
    except FileNotFoundError:
        raise BadInput(f"{what} {path}: no such file" + (" (the expected outputs are tutorials/expected/NN_name.json, "
                                                         "01 to 09; pass another with --expected PATH)"
                                                         if what == "expected" else "")) from None
    except (OSError, ValueError) as e:
        raise BadInput(f"{what} {path}: not a JSON file a tutorial wrote ({e})") from None
    if not isinstance(data, dict) or not isinstance(data.get("config"), dict) or not isinstance(data.get("claims"), list):
        raise BadInput(f"{what} {path}: not a tutorial's numbers (no 'config' and 'claims'): pass the NN_name.json "
                       "a tutorial wrote beside its figure")
    return data


def stem_of(data, path):
    """The tutorial's NN_name of a run, from the experiment its settings name."""
    from minifa.experiments import get
    try:
        return get(data["config"].get("name")).STEM
    except (ValueError, TypeError):
        raise BadInput(f"{path}: its settings name no tutorial ({data['config'].get('name')!r})") from None


def groups(claim):
    """{(index, name): (mean, sd, n, unit of its last digit)} of a claim's 'ours' text."""
    out = {}
    for i, m in enumerate(GROUP.finditer(claim.get("ours") or "")):
        mean = m["mean"]
        decimals = len(mean.split(".")[1].split("e")[0].split("E")[0]) if "." in mean else 0
        out[(i, m["name"].strip())] = (float(mean), float(m["sd"]), int(m["n"]), 10.0 ** -decimals)
    return out


def spread(a, b):
    """(|d| / se, k, beyond) for groups a, b = (mean, sd, n, unit)."""
    from scipy import stats
    (m1, s1, n1, u1), (m2, s2, n2, u2) = a, b
    v1, v2 = s1 * s1 / max(n1, 1), s2 * s2 / max(n2, 1)
    se = math.sqrt(v1 + v2)
    den = (v1 * v1 / (n1 - 1) if n1 > 1 else 0.0) + (v2 * v2 / (n2 - 1) if n2 > 1 else 0.0)
    df = (v1 + v2) ** 2 / den if den > 0 else max(n1 + n2 - 2, 1)
    k = float(stats.t.ppf(1 - ALPHA / 2, df))
    d = abs(m1 - m2)
    return (d / se if se > 0 else math.inf if d else 0.0), k, d > k * se + max(u1, u2)


def per_network(stem, data):
    """Tutorial 02's per-network measures as groups {(0, key): (mean, sd, n, 0)}."""
    out = {}
    for key in PER_NETWORK.get(stem, ()):
        v = [float(x) for x in data.get(key, [])]
        if len(v) >= 2:
            mean = sum(v) / len(v)
            out[(0, key)] = (mean, math.sqrt(sum((x - mean) ** 2 for x in v) / (len(v) - 1)), len(v), 0.0)
    return out


def leaves(x, path=""):
    """Every number of a JSON value, by its path."""
    if isinstance(x, dict):
        for k, v in x.items():
            yield from leaves(v, f"{path}.{k}" if path else str(k))
    elif isinstance(x, list):
        for i, v in enumerate(x):
            yield from leaves(v, f"{path}[{i}]")
    elif isinstance(x, (int, float)) and not isinstance(x, bool):
        yield path, float(x)


def numbers_of(data):
    return dict(leaves({k: v for k, v in data.items() if k not in META}))


def compare(run, exp, stem, exact=False):
    """(lines, agree) for two runs of one tutorial."""
    lines, bad = [], 0
    same_settings = run["config"] == exp["config"]
    identical = same_settings and numbers_of(run) == numbers_of(exp) and [
        {k: c.get(k) for k in ("id", "ours", "t", "p", "reproduced", "absent")} for c in run["claims"]] == [
        {k: c.get(k) for k in ("id", "ours", "t", "p", "reproduced", "absent")} for c in exp["claims"]]
    if identical:
        return ["identical: the same settings and every number equal to the last bit (same machine and seed)"], True
    if not same_settings:
        diff = {k: (run["config"].get(k), exp["config"].get(k)) for k in set(run["config"]) | set(exp["config"])
                if run["config"].get(k) != exp["config"].get(k)}
        lines.append("settings differ (yours, expected): " + "; ".join(f"{k} {a!r}, {b!r}" for k, a, b in
                                                                        ((k, *v) for k, v in sorted(diff.items()))))
    if exact:
        lines.append("not identical (--exact): the numbers differ in their last digits at least")
        bad += 1
    if stem == "01_equations" or (not exp["claims"] and stem not in PER_NETWORK):
        a, b = numbers_of(run), numbers_of(exp)
        off = [p for p in b if p not in a or not abs(a[p] - b[p]) <= ATOL_EXACT + RTOL_EXACT * abs(b[p])]
        lines.append(f"numbers: {len(b) - len(off)} of {len(b)} agree to {RTOL_EXACT:g} relative / {ATOL_EXACT:g}")
        lines += [f"  {p}: yours {a.get(p, 'absent')}, expected {b[p]!r}" for p in off[:20]]
        return lines, not off and not bad
    found = [(c["id"], groups(c), groups(e)) for c, e in pairs(run, exp)]
    found += [("per network", per_network(stem, run), per_network(stem, exp))] if stem in PER_NETWORK else []
    n_cmp, beyond = 0, []
    for cid, ga, gb in found:
        for key in gb:
            if key in ga:
                n_cmp += 1
                z, k, out = spread(ga[key], gb[key])
                if out:
                    beyond.append(f"  {cid}, {key[1]}: yours {ga[key][0]:g} ± {ga[key][1]:g} (n={ga[key][2]}), "
                                  f"expected {gb[key][0]:g} ± {gb[key][1]:g} (n={gb[key][2]}): {z:.1f} standard "
                                  f"errors apart (beyond k = {k:.2f})")
    lines.append(f"numbers: {n_cmp - len(beyond)} of {n_cmp} means within the run-to-run spread"
                 + (f", {len(beyond)} beyond it:" if beyond else ""))
    lines += beyond
    agree_v, flips, only = 0, [], []
    for c, e in pairs(run, exp, both=False):
        if c is None or e is None:
            only.append(f"  {(c or e)['id']}: only in {'the expected run' if c is None else 'yours'}")
            continue
        if bool(c.get("reproduced")) == bool(e.get("reproduced")) and bool(c.get("absent")) == bool(e.get("absent")):
            agree_v += 1
            continue
        soft = borderline(c.get("p")) or borderline(e.get("p"))
        flips.append((soft, f"  {c['id']}: yours {verdict(c)} (p = {fmt(c.get('p'))}), expected {verdict(e)} "
                            f"(p = {fmt(e.get('p'))})" + (": a borderline p, not counted" if soft else "")))
    total = agree_v + len(flips) + len(only)
    lines.append(f"verdicts: {agree_v} of {total} agree" + (":" if flips or only else ""))
    lines += [text for _, text in flips] + only
    bad += len(beyond) + sum(not soft for soft, _ in flips) + len(only)
    return lines, not bad


def pairs(run, exp, both=True):
    """(claim of run, claim of exp) by id, in the expected order; both=False adds the unpaired."""
    a, b = {c["id"]: c for c in run["claims"]}, {c["id"]: c for c in exp["claims"]}
    out = [(a.get(i), c) for i, c in b.items()] + [(c, None) for i, c in a.items() if i not in b]
    return [(x, y) for x, y in out if x is not None and y is not None] if both else out


def verdict(c):
    return "absent" if c.get("absent") else "reproduced" if c.get("reproduced") else "NOT reproduced"


def fmt(p):
    return "—" if p is None else f"{p:.2g}"


def shown(path):
    """path relative to the working directory when it lies below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python tutorials/compare.py", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("run", help="a tutorial's NN_name.json (e.g. figures/04_fast_learning.json)")
    ap.add_argument("--expected", help="the run to compare with (default: tutorials/expected/<same name>)")
    ap.add_argument("--exact", action="store_true", help="every number must be equal to the last bit")
    args = ap.parse_args(argv)
    try:
        run = load(args.run, "your run")
        stem = stem_of(run, args.run)
        expected = Path(args.expected) if args.expected else EXPECTED / f"{stem}.json"
        exp = load(expected, "expected")
        if run["config"].get("name") != exp["config"].get("name"):
            raise BadInput(f"{args.run} is tutorial '{run['config'].get('name')}', {expected} is "
                           f"'{exp['config'].get('name')}': compare two runs of the same tutorial")
        if run.get("size") != exp.get("size") or bool(run.get("full")) != bool(exp.get("full")):
            raise BadInput(f"your run is --{run.get('size')}, the expected one --{exp.get('size')}: their spreads differ; "
                           f"run the same size (python tutorials/{stem}.py --{exp.get('size')})")
    except BadInput as e:
        print(f"compare.py: {e}", file=sys.stderr)
        return 2
    print(f"{stem}: yours {args.run} against {shown(expected)} ({exp.get('size')} size)")
    lines, agree = compare(run, exp, stem, args.exact)
    print("\n".join(lines))
    print("AGREE: nothing differs beyond the run-to-run spread" if agree else
          "DIFFER: see above (a number beyond the spread, or a verdict)")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
