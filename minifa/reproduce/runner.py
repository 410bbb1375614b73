"""Run every experiment and write REPRODUCTION.md: each claim of the paper next to our numbers.

    python -m minifa.reproduce --all                  # paper settings: REPRODUCTION.md, reproduction/
    python -m minifa.reproduce --lab --only 03,04     # class-sized runs, written to runs/lab/
    python -m minifa.reproduce --quick                # smoke test, written to runs/quick/
    python -m minifa.reproduce --no-run               # rebuild REPRODUCTION.md from the JSONs
    python -m minifa.reproduce --init pytorch --out reproduction/pytorch --report REPRODUCTION_pytorch.md
    python -m minifa.reproduce --scaling unit --out reproduction/unit --report REPRODUCTION_unit.md

Each experiment runs from the installed package as a worker process (`python -m
minifa.experiments NN --out STAGE`, jobs.py), so this works from any working directory and
any install. A run is a transaction (staging.py): results go to `<out>-partial-<time>/` and
move into place only when every experiment ran; a failed or interrupted run (Ctrl-C stops all
workers within seconds, exit 130) leaves the previous report as it was and says where its
partial results are. Only a complete run at the paper's settings may write the committed
report (REPRODUCTION*.md, reproduction/): a partial, --lab or --quick run refuses to, unless --force.
The workers share a store of trained networks for the run (minifa/store.py, a temporary folder
removed at its end): a training whose every input another worker already trained is not run twice.
"""
import argparse
import datetime
import json
import os
import signal
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

from . import jobs, sensitivity
from .machine import commit_of, machine, speed
from ..settings import PAPER
from .report import render, status, write_atomic
from .staging import OutputLock, Refused, check_writable, commit, make_stage

HERE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# the checkout this package was imported from (None for an installed package): where the
# committed report lives
ROOT = HERE if os.path.isfile(os.path.join(HERE, "pyproject.toml")) and os.path.isdir(os.path.join(HERE, "tutorials")) else None
COMMITTED = ("REPRODUCTION.md", "REPRODUCTION_pytorch.md", "REPRODUCTION_unit.md", "reproduction")


def registry():
    """{'NN': experiment module} of every experiment the reproduction runs."""
    from ..experiments import REGISTRY, get
    return {num: get(num) for num in REGISTRY}


def select(found, only=None):
    """The experiment numbers to run: `only` ('04,6' or names, 'fig2') or every one. Raises
    ValueError naming what does not exist."""
    if not only:
        return sorted(found)
    names = {exp.NAME: num for num, exp in found.items()}
    picked, bad = set(), []
    for s in filter(None, (s.strip() for s in only.split(","))):
        num = f"{int(s):02d}" if s.isdigit() else names.get(s)
        (picked.add(num) if num in found else bad.append(s))
    if bad or not picked:
        raise ValueError(f"--only {only!r}: no experiment {', '.join(bad) or '(none named)'}; experiments: "
                         + ", ".join(f"{n} ({e.NAME})" for n, e in sorted(found.items())))
    return sorted(picked)


def collect(num, exp, out, run=None):
    """What the report needs about one experiment: its run result and its JSON numbers."""
    res = {"num": num, "stem": exp.STEM, "title": exp.TITLE, "numbers": None, **(run or {})}
    js = os.path.join(out, exp.STEM + ".json")
    if res.get("status", "ok") == "ok":
        try:
            with open(js) as f:
                res["numbers"] = json.load(f)
            res["status"] = "ok"
        except (OSError, ValueError) as e:
            res["status"] = "failed" if run else "not run"
            res["error"] = f"no readable {os.path.basename(js)}: {e}"
    return res


def _last_wall(out, stem):
    """The wall time an experiment took last time (in `out`, else in the committed
    reproduction/; 0 if unknown): long ones start first, so that parallel jobs end together."""
    for folder in (out, os.path.join(ROOT, "reproduction") if ROOT else None):
        try:
            with open(os.path.join(folder, stem + ".json")) as f:
                return float(json.load(f).get("wall_s") or 0)
        except (OSError, ValueError, TypeError):
            continue
    return 0.0


def _guard(paths, partial, force):
    """Refuse to overwrite the committed report with a partial or reduced run (unless --force);
    paths are compared after resolving symbolic links."""
    if ROOT is None:
        return
    committed = {os.path.realpath(os.path.join(ROOT, p)) for p in COMMITTED}
    hits = [p for p in paths if any(os.path.realpath(p) == c or os.path.realpath(p).startswith(c + os.sep)
                                    for c in committed)]
    if partial and hits and not force:
        raise Refused(f"refusing to write {', '.join(hits)}: they hold the committed full reproduction, and "
                      f"this run is {partial}. Leave out --out/--report (it then writes to runs/), or pass --force.")


def parse(argv):
    ap = argparse.ArgumentParser(prog="python -m minifa.reproduce",
                                 description="Run the experiments and write a claim-by-claim report")
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="run every experiment (the default)")
    which.add_argument("--only", help="comma-separated experiment numbers or names, e.g. 04,06 or fig2")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--lab", action="store_true", help="every experiment at --lab size")
    size.add_argument("--quick", action="store_true", help="every experiment at --quick size")
    ap.add_argument("--out", help="folder for figures, JSON, logs (default: reproduction/ for a "
                    "full paper-size run, runs/<size>/ otherwise)")
    ap.add_argument("--report", help="path of the report (default: REPRODUCTION.md for a full "
                    "paper-size run, REPORT.md in --out otherwise)")
    ap.add_argument("--force", action="store_true", help="allow a partial or reduced run to "
                    "overwrite the committed report")
    ap.add_argument("--timeout", type=float, help="seconds allowed per experiment (> 0)")
    ap.add_argument("--threads", type=int, help="BLAS threads per experiment (>= 1; default: minifa's policy)")
    ap.add_argument("--jobs", type=int, default=1, help="experiments run at once, each in its own "
                    "process (their output then goes to the logs only); e.g. the number of cores")
    ap.add_argument("--scaling", choices=["unit", "standard"], help="input scaling for every experiment that "
                    "reads data (default 'standard': by the training set's mean and std; 'unit': pixels in [0, 1])")
    ap.add_argument("--init", choices=["pytorch", "he"], help="initialisation for every experiment "
                    "that takes --init (default: each one's own, 'he')")
    ap.add_argument("--no-run", action="store_true", help="only rebuild the report from --out")
    args = ap.parse_args(argv)
    for name, value, ok, need in (("--jobs", args.jobs, args.jobs >= 1, ">= 1"),
                                  ("--timeout", args.timeout, args.timeout is None or args.timeout > 0, "> 0"),
                                  ("--threads", args.threads, args.threads is None or args.threads >= 1, ">= 1")):
        if not ok:
            ap.error(f"{name} must be {need}, got {value:g}")
    try:
        from .. import backend
        backend.device                                   # MINIFA_DEVICE=gpu without CUDA: one line, now
    except (RuntimeError, ValueError) as e:
        ap.error(str(e))
    return ap, args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    ap, args = parse(argv)
    t_start = time.perf_counter()
    size = "quick" if args.quick else "lab" if args.lab else "paper"
    found = registry()
    try:
        nums = select(found, args.only)
    except ValueError as e:
        ap.error(str(e))
    partial = " and ".join(filter(None, [f"--only {args.only}" if args.only else None,
                                         f"--{size}" if size != "paper" else None]))
    base = ROOT if ROOT and not partial else os.getcwd()
    out = os.path.abspath(args.out or (os.path.join(base, "reproduction") if not partial else
                                       os.path.join(base, "runs", size)))
    report = os.path.abspath(args.report or (os.path.join(os.path.dirname(out), "REPRODUCTION.md")
                                             if not partial else os.path.join(out, "REPORT.md")))
    try:
        _guard([out, report], partial, args.force)
        check_writable(out)
        check_writable(os.path.dirname(report))
        with OutputLock(out):
            return _run(args, found, nums, size, out, report, argv, t_start)
    except Refused as e:
        print(f"error: {e}", file=sys.stderr)
        return 2


def _run(args, found, nums, size, out, report, argv, t_start):
    info = {"command": "python -m minifa.reproduce " + " ".join(argv),
            "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine(), "commit": commit_of(ROOT),
            "size": size, "init": args.init or PAPER.init, "scaling": args.scaling or PAPER.scaling, "speed": None, "wall": None, "jobs": args.jobs}
    if args.no_run:                                      # the run's own description, where it left one
        kept = sensitivity.load(out)
        info = {**kept, "command": f"{kept['command']} (report rebuilt on {info['date']} with --no-run)"} if kept else info
        walls = (kept or {}).get("walls") or {}                # each worker's own wall time, where recorded
        write_atomic(report, render([collect(n, found[n], out, {"wall_s": walls[n]} if n in walls else None)
                                     for n in nums], out, report, info))
        print(f"report: {report}")
        return 0
    stage = make_stage(out)
    store = tempfile.TemporaryDirectory(prefix="minifa-store-")   # the run's trained networks (store.py), then gone
    runs, pool, sigint = {}, ThreadPoolExecutor(max_workers=args.jobs), signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, signal.default_int_handler)   # even where a shell started us with SIGINT ignored
    try:
        with jobs.TermAsInterrupt():
            futures = {}
            for num in sorted(nums, key=lambda n: -_last_wall(out, found[n].STEM)):   # longest first
                exp = found[num]
                print(f"{num} {exp.STEM} ...", flush=True)
                cmd = jobs.command(num, stage, size, args.init, getattr(exp, "TAKES_INIT", False))
                cmd += ["--scaling", args.scaling] if args.scaling and getattr(exp, "DATA", ()) else []
                futures[pool.submit(jobs.run_job, cmd, os.path.join(stage, "logs", exp.STEM + ".log"),
                                    args.timeout, args.jobs == 1,
                                    jobs.child_env(args.threads, args.jobs, store.name))] = num
            for f in as_completed(futures):
                num = futures[f]
                runs[num] = f.result()
                print(f"{num} {found[num].STEM}: {status(runs[num])} in {runs[num]['wall_s']:.1f} s", flush=True)
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)     # a second Ctrl-C must not cut the clean-up short
        jobs.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        done = ", ".join(sorted(n for n, r in runs.items() if r["status"] == "ok")) or "none"
        print(f"\ninterrupted: stopped every worker; finished: {done}. Nothing was replaced in {out} "
              f"or {report}; partial results are in {stage}", flush=True)
        return 130
    finally:
        pool.shutdown(wait=True)
        jobs.reset()
        store.cleanup()
        signal.signal(signal.SIGINT, sigint)
    results = [collect(n, found[n], stage, runs.get(n)) for n in nums]
    info.update(speed=speed(), wall=time.perf_counter() - t_start)
    failed = [r["num"] for r in results if r["status"] != "ok"]
    if failed:
        staged_report = os.path.join(stage, os.path.basename(report))
        write_atomic(staged_report, render(results, stage, staged_report, info))
        print(f"failed experiments: {', '.join(failed)}. Nothing was replaced in {out} or {report}; "
              f"this run's results and report are in {stage}")
        return 1
    commit(stage, out, [found[n].STEM for n in nums])
    sensitivity.save(out, {**info, "report": os.path.relpath(report, out),
                           "walls": {n: runs[n]["wall_s"] for n in nums}})
    results = [collect(n, found[n], out, {**runs[n], "log": os.path.join(out, "logs", found[n].STEM + ".log")})
               for n in nums]
    write_atomic(report, render(results, out, report, info))
    print(f"report: {report}")
    return 0

