"""The sensitivity map (beyond the paper): when does random-noise pretraining help FA?

    python -m minifa.sweep --experiment fig2 --grid init_gain=0.25,0.58,1,1.41,2 \\
        --grid n_noise=0,50000,150000,500000,1500000 --size lab --out DIR [--jobs N | --scheduler ADDRESS]

Each cell of the grid runs Fig. 2's protocol (minifa/experiments/fig2.py: FA w/o and FA w/, n
networks each, at the size's settings with the cell's values) and is written whole to
DIR/cells/<cell>.json (cell.py: outcomes and t-tests; store.py: atomic writes). A rerun skips
the finished cells, so a killed sweep resumes; DIR/SWEEP.md and DIR/heatmap_*.png are built from
the cells (report.py; --no-run builds only them). Cells run in local worker processes (--jobs N)
or on a Dask cluster (--scheduler tcp://HOST:PORT; engine.py). Exit status: 0 every cell of the
grid computed, 1 some cell failed, 2 bad flags (named), 130 interrupted.
"""
import argparse
import json
import os
import shlex
import signal
import sys
import time

from . import engine, grid, report, store

PARTS = ("Fig. 2", "App. B.3", "App. B.4-B.6")      # fig2's experiments: the network and data of a cell


def parser():
    ap = argparse.ArgumentParser(prog="python -m minifa.sweep", description=__doc__.strip().splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="axes of a fig2 cell:\n" + "\n".join(
                                     f"  {k:<10} {what}" for k, (_, what) in grid.AXES["fig2"].items()))
    ap.add_argument("--experiment", default="fig2", help="the experiment of every cell (default fig2)")
    ap.add_argument("--part", default="Fig. 2", choices=PARTS, help="which of its networks (default 'Fig. 2': "
                    "MNIST 784-100-10; 'App. B.3': 784-100-100-10, the 3-layer net for --grid rule=...)")
    ap.add_argument("--grid", action="append", default=[], metavar="NAME=V1,V2,...",
                    help="an axis: a setting and its values (repeat for more axes)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=V",
                    help="a setting fixed for every cell (e.g. --set nets=10)")
    ap.add_argument("--size", default="lab", help="the run size of every cell: quick, lab (default), paper")
    ap.add_argument("--out", required=True, help="the sweep's folder (cells/, SWEEP.md, heatmaps)")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=int, default=1, help="local worker processes (default 1)")
    where.add_argument("--scheduler", metavar="ADDRESS", help="a Dask scheduler, e.g. tcp://10.0.0.5:8786")
    ap.add_argument("--no-run", action="store_true", help="only rebuild SWEEP.md and the heatmaps from the cells")
    return ap


def meta_of(args, out):
    """The sweep's description (DIR/sweep.json): from the flags, or with --no-run and no --grid the saved one."""
    path = os.path.join(out, "sweep.json")
    if args.no_run and not args.grid and os.path.isfile(path):
        with open(path) as f:
            return json.load(f)
    return {"experiment": args.experiment, "part": args.part, "size": args.size, "grid": args.grid,
            "set": args.set, "command": "python -m minifa.sweep " + shlex.join(sys.argv[1:])}


def main(argv=None):
    ap = parser()
    args = ap.parse_args(argv)
    out = os.path.abspath(args.out)
    if args.jobs < 1:
        ap.error(f"--jobs {args.jobs}: at least 1")
    meta = meta_of(args, out)
    try:
        cells = grid.build(meta["experiment"], meta["part"], meta["size"], meta["grid"], meta["set"])
    except grid.GridError as e:
        ap.error(str(e))
    if args.no_run:
        done = store.finished(out)
        cells = cells if meta["grid"] or len(cells) > 1 else [
            {"name": r["cell"], "axes": r["axes"]} for r in done.values()]
        paths = report.write(out, meta, cells, done)
        print(f"report of {sum(c['name'] in done for c in cells)} of {len(cells)} cells: {', '.join(paths)}")
        return 0
    try:
        with store.Lock(out):
            return sweep(args, out, meta, cells)
    except store.Busy as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


def sweep(args, out, meta, cells):
    """Run the grid's unfinished cells, then write the report; the exit status."""
    for path in store.clean(out):
        print(f"removed a temporary file a killed run left: {os.path.basename(path)}")
    done = store.finished(out)
    for c in cells:
        if c["name"] in done and done[c["name"]]["settings"] != grid.resolved(c):
            old, new = done[c["name"]]["settings"], grid.resolved(c)
            diff = ", ".join(f"{k} {old.get(k)!r} there, {new.get(k)!r} here" for k in sorted(set(old) | set(new))
                             if old.get(k) != new.get(k))
            print(f"error: --out {args.out}: cell {c['name']} was computed with other settings ({diff}); "
                  "use another --out for this sweep, or delete that cell", file=sys.stderr)
            return 2
    todo = [c for c in cells if c["name"] not in done]
    try:
        ex, where = engine.dask(args.scheduler) if args.scheduler else engine.local(min(args.jobs, len(todo) or 1))
    except engine.SetupError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"{meta['experiment']} ({meta['part']}), size {meta['size']}: {len(cells)} cells, "
          f"{len(cells) - len(todo)} finished already, {len(todo)} to run on {where}", flush=True)
    t0, failed, status = time.perf_counter(), {}, None
    sigterm = signal.signal(signal.SIGTERM, signal.default_int_handler)      # SIGTERM stops like Ctrl-C
    try:
        _, failed = engine.run(todo, ex, on_record=lambda r: store.save(out, r), say=lambda s: print(s, flush=True))
        ex.shutdown(wait=True)
        if getattr(ex, "client", None) is not None:
            ex.client.close()
    except KeyboardInterrupt:
        engine.stop(ex)
        print("interrupted: the finished cells are saved; rerun the same command to go on", file=sys.stderr)
        status = 130
    finally:
        signal.signal(signal.SIGTERM, sigterm)                    # as it was: main() may run inside a program
    meta.update(wall_s=time.perf_counter() - t0, host=engine.host(), where=where)
    store.write_atomic(os.path.join(out, "sweep.json"), json.dumps(meta, indent=1))
    done = store.finished(out)
    paths = report.write(out, meta, cells, done)
    missing = [c["name"] for c in cells if c["name"] not in done]
    print(f"{len(cells) - len(missing)} of {len(cells)} cells computed; report: {', '.join(paths)}")
    for name, err in failed.items():
        print(f"failed: {name}: {err}", file=sys.stderr)
    return status or (1 if missing else 0)
