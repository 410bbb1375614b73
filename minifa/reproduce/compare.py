"""Compare every claim of two reproduction folders, field by field (bit for bit for t and p).

    python -m minifa.reproduce.compare reproduction/ runs/new/      # exit 1 when any claim differs

For code that moves or speeds up without changing a number: each claim's id, text, our
numbers, test, t, p, verdict and settings must be equal in both folders. Prints one line per
experiment and every difference; claims present in only one folder are listed too.
"""
import argparse
import glob
import json
import os
import sys

FIELDS = ("claim", "ours", "test", "t", "p", "reproduced", "settings", "absent", "beyond")


def claims_in(folder):
    """{stem: {claim id: claim}} of the NN_*.json files in a folder."""
    out = {}
    for path in sorted(glob.glob(os.path.join(folder, "[0-9][0-9]_*.json"))):
        with open(path) as f:
            out[os.path.basename(path)[:-5]] = {c["id"]: c for c in json.load(f).get("claims", [])}
    return out


def compare(a, b, fields=FIELDS):
    """(lines, number of differences) between folders a and b."""
    A, B = claims_in(a), claims_in(b)
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
            bad = [f for f in fields if ca.get(f) != cb.get(f)]
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
    args = ap.parse_args(argv)
    for folder in (args.a, args.b):
        if not glob.glob(os.path.join(folder, "[0-9][0-9]_*.json")):
            ap.error(f"{folder}: no NN_*.json files there")
    lines, n_diff = compare(args.a, args.b)
    print("\n".join(lines))
    print(f"{'identical' if not n_diff else f'{n_diff} differences'}: {args.a} vs {args.b}")
    return 1 if n_diff else 0


if __name__ == "__main__":
    sys.exit(main())
