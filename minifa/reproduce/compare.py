"""Compare every claim of two reproduction folders, field by field (bit for bit for t and p).

    python -m minifa.reproduce.compare reproduction/ runs/new/      # exit 1 when any claim differs
    python -m minifa.reproduce.compare --everything reproduction/ runs/new/

For code that moves or speeds up without changing a number: each claim's id, text, our
numbers, test, t, p, verdict and settings must be equal in both folders. Prints one line per
experiment and every difference; claims present in only one folder are listed too.
--everything compares every value of the NN_*.json files instead, claims and the numbers behind
them (curves, per-network values, summaries), bit for bit, all but the times a run measured
(TIMES); it lists the paths of the values that differ.
"""
import argparse
import glob
import json
import math
import os
import sys

FIELDS = ("claim", "ours", "test", "t", "p", "reproduced", "settings", "absent", "beyond")
NUMBERS = ("t", "p", "absent")      # --numbers: the measured values only (texts may be reworded)
RENAMED = {    # ids renamed when the claims were transcribed from the paper (registry.py): old -> new
    "fig1e_vs_90": "fig1e_trained_vs_90", "fig1e_before_after": "fig1e_untrained_vs_trained",
    "fig2d_distance": "fig2e_distance", "fig2d_distance_normalized": "fig2e_distance_normalized",
    "fig3b_readout_chance": "fig3b_trained_vs_chance", "fig3h_gram_erank": "fig3g_gram_erank",
    **{f"fig3e_generr_n{n}": f"fig3f_generr_n{n}" for n in (100, 200, 400, 800, 1600)},
    **{f"fig3f_generr_depth{d}": f"figC5_generr_depth{d}" for d in (2, 4, 5, 6)}}


TIMES = ("wall_s", "timing_s")   # --everything: what a run measures of itself, never equal twice


def everything(a, b):
    """(lines, number of differences): every value of each NN_*.json of folder a against b's, by path."""
    lines, n_diff = [], 0

    def walk(x, y, path, out):
        if isinstance(x, dict) and isinstance(y, dict):
            for k in list(x) + [k for k in y if k not in x]:
                if k in TIMES:
                    continue
                if k not in x or k not in y:
                    out.append(f"  {path}.{k}: only in {a if k in x else b}")
                else:
                    walk(x[k], y[k], f"{path}.{k}", out)
        elif isinstance(x, list) and isinstance(y, list) and len(x) == len(y):
            for i, (p, q) in enumerate(zip(x, y)):
                walk(p, q, f"{path}[{i}]", out)
        elif not _same(x, y):
            out.append(f"  {path}: {str(x)[:60]!s} -> {str(y)[:60]!s}")

    stems = sorted({os.path.basename(p) for f in (a, b) for p in glob.glob(os.path.join(f, "[0-9][0-9]_*.json"))})
    for stem in stems:
        pa, pb = os.path.join(a, stem), os.path.join(b, stem)
        if not (os.path.exists(pa) and os.path.exists(pb)):
            lines.append(f"{stem[:-5]}: only in {a if os.path.exists(pa) else b}")
            n_diff += 1
            continue
        with open(pa) as fa, open(pb) as fb:
            out = []
            walk(json.load(fa), json.load(fb), "", out)
        lines.append(f"{stem[:-5]}: " + ("every value identical" if not out else f"{len(out)} values differ"))
        lines += out[:20] + ([f"  ... and {len(out) - 20} more"] if len(out) > 20 else [])
        n_diff += len(out)
    return lines, n_diff


def claims_in(folder, renamed=False):
    """{stem: {claim id: claim}} of the NN_*.json files in a folder (renamed: old ids as RENAMED's)."""
    out = {}
    for path in sorted(glob.glob(os.path.join(folder, "[0-9][0-9]_*.json"))):
        with open(path) as f:
            out[os.path.basename(path)[:-5]] = {RENAMED.get(c["id"], c["id"]) if renamed else c["id"]: c
                                               for c in json.load(f).get("claims", [])}
    return out


def _nan(x):
    return isinstance(x, float) and x != x


def _same(x, y):
    """Bit for bit, as JSON keeps them: the same type, and for floats the same value and sign
    (0.0 is not -0.0, 1 is not 1.0), NaN equal to NaN."""
    if type(x) is not type(y):
        return False
    if isinstance(x, float):
        return (_nan(x) and _nan(y)) or (x == y and math.copysign(1.0, x) == math.copysign(1.0, y))
    return x == y


def compare(a, b, fields=FIELDS, renamed=False):
    """(lines, number of differences) between folders a and b (renamed: a's old ids renamed)."""
    A, B = claims_in(a, renamed), claims_in(b)
    lines, n_diff = [], 0
    for stem in sorted(set(A) | set(B)):
        if stem not in A or stem not in B:
            lines.append(f"{stem}: only in {a if stem in A else b}")
            n_diff += 1
            continue
        same, diffs = 0, []
        for cid in list(A[stem]) + [c for c in B[stem] if c not in A[stem]]:
            ca, cb = A[stem].get(cid), B[stem].get(cid)
            if ca is None or cb is None:
                diffs.append(f"  {cid}: only in {a if cb is None else b}")
                continue
            bad = [f for f in fields if ca.get(f) != cb.get(f) and not (_nan(ca.get(f)) and _nan(cb.get(f)))]
            if bad:
                diffs += [f"  {cid}.{f}: {ca.get(f)!r} -> {cb.get(f)!r}" for f in bad]
            else:
                same += 1
        lines.append(f"{stem}: {same} of {len(set(A[stem]) | set(B[stem]))} claims identical")
        lines += diffs
        n_diff += len(diffs)
    return lines, n_diff


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("a", help="a reproduction folder (its NN_*.json files)")
    ap.add_argument("b", help="another one")
    ap.add_argument("--numbers", action="store_true", help="compare t, p and absence only (texts may differ)")
    ap.add_argument("--renamed", action="store_true", help="read a's claim ids through RENAMED (old -> new)")
    ap.add_argument("--everything", action="store_true", help="compare every value of the JSON files (curves, "
                    "per-network numbers, claims), all but the run's own times")
    args = ap.parse_args(argv)
    if args.everything and (args.numbers or args.renamed):
        ap.error("--everything compares every value as it is: leave out --numbers and --renamed")
    for folder in (args.a, args.b):
        if not glob.glob(os.path.join(folder, "[0-9][0-9]_*.json")):
            ap.error(f"{folder}: no NN_*.json files there")
    lines, n_diff = (everything(args.a, args.b) if args.everything else
                     compare(args.a, args.b, NUMBERS if args.numbers else FIELDS, args.renamed))
    print("\n".join(lines))
    print(f"{'identical' if not n_diff else f'{n_diff} differences'}: {args.a} vs {args.b}")
    return 1 if n_diff else 0


if __name__ == "__main__":
    sys.exit(main())
