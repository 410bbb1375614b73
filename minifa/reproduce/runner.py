"""Run every tutorial and write REPRODUCTION.md: each claim of the paper next to our numbers.

    python -m minifa.reproduce --all                  # paper settings: REPRODUCTION.md, reproduction/
    python -m minifa.reproduce --lab --only 03,04     # class-sized runs, written to runs/lab/
    python -m minifa.reproduce --quick                # smoke test, written to runs/quick/
    python -m minifa.reproduce --no-run               # rebuild REPRODUCTION.md from the JSONs
    python -m minifa.reproduce --init pytorch --out reproduction/pytorch --report REPRODUCTION_pytorch.md

Each tutorial runs as a subprocess with `--out DIR` and writes DIR/<stem>.png and .json (claims:
see claims.py). A tutorial that fails, times out or is missing is reported as such and the
others still run. Only a complete run at the paper's settings may write the committed report
(REPRODUCTION*.md, reproduction/): a partial, --lab or --quick run refuses to, unless --force.
"""
import argparse
import concurrent.futures
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import threading
import time

from .report import render, status, write_atomic

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPECTED = [f"{i:02d}" for i in range(1, 10)]  # the tutorials of the reproduction
COMMITTED = ("REPRODUCTION.md", "REPRODUCTION_pytorch.md", "reproduction")


def find_tutorials(folder):
    """{'NN': path} of the tutorials/NN_*.py files in `folder`."""
    return {m.group(1): os.path.join(folder, f) for f in sorted(os.listdir(folder))
            if (m := re.match(r"^(\d\d)_\w+\.py$", f))}


def select(found, only=None):
    """The tutorial numbers to run: `only` ('04,6') or every expected and found one."""
    if only:
        return sorted({f"{int(s):02d}" for s in only.split(",") if s.strip()})
    return sorted(set(EXPECTED) | set(found))


def flags_of(path):
    """The options a tutorial declares (from its own --help): e.g. {'--init', '--lab'}."""
    r = subprocess.run([sys.executable, path, "--help"], capture_output=True, text=True, cwd=ROOT,
                       env={**os.environ, "MPLBACKEND": "Agg"}, timeout=120)
    return set(re.findall(r"(--[a-z][a-z-]*)", r.stdout))


def run_tutorial(path, out, size="paper", timeout=None, echo=True, threads=None, init=None):
    """Run one tutorial with --out `out`; its output is echoed and kept in out/logs/.
    threads: BLAS threads of the child (default: minifa's thread policy). init: passed as
    --init to the tutorials that declare that flag. Returns {'status', 'rc', 'wall_s', 'log'}."""
    stem = os.path.basename(path)[:-3]
    for ext in (".json", ".png"):                     # never report a stale result
        if os.path.exists(os.path.join(out, stem + ext)):
            os.remove(os.path.join(out, stem + ext))
    os.makedirs(os.path.join(out, "logs"), exist_ok=True)
    log = os.path.join(out, "logs", stem + ".log")
    cmd = [sys.executable, path, "--out", out] + ([f"--{size}"] if size != "paper" else [])
    if init and "--init" in flags_of(path):
        cmd += ["--init", init]
    env = {**os.environ, "MPLBACKEND": "Agg"}
    if threads:
        env.update({k: str(threads) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")})
    t0 = time.perf_counter()
    with open(log, "w") as f:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env=env, cwd=ROOT, bufsize=1)
        reader = threading.Thread(target=_copy_lines, args=(proc.stdout, f, echo), daemon=True)
        reader.start()
        try:
            rc, state = proc.wait(timeout=timeout), None
        except subprocess.TimeoutExpired:
            rc, state = None, "timeout"
        finally:                                      # timed out or interrupted: no orphan left
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        reader.join()
    return {"status": state or ("ok" if rc == 0 else "failed"), "rc": rc,
            "wall_s": time.perf_counter() - t0, "log": log}


def _copy_lines(src, log, echo):
    """Copy a child's output to its log file, and to the screen (indented) when echo."""
    for line in src:
        log.write(line)
        if echo:
            print("    " + line, end="", flush=True)


def collect(num, path, out, run=None):
    """What the report needs about one tutorial: its run result and its JSON numbers."""
    res = {"num": num, "path": path, "stem": os.path.basename(path)[:-3] if path else None,
           "title": _title(path), "numbers": None, **(run or {})}
    if path is None:
        res["status"] = "missing"
        return res
    js = os.path.join(out, res["stem"] + ".json")
    if res.get("status", "ok") == "ok":
        try:
            with open(js) as f:
                res["numbers"] = json.load(f)
            res["status"] = "ok"
        except (OSError, ValueError) as e:
            res["status"] = "failed" if run else "not run"
            res["error"] = f"no readable {os.path.basename(js)}: {e}"
    return res


def _title(path):
    """First docstring line of a tutorial, e.g. 'Tutorial 6: ... (paper Fig. 4)'."""
    try:
        with open(path, errors="replace") as f:
            m = re.search(r'"""(.*)', f.read(4000))
    except (OSError, TypeError):
        return ""
    return m.group(1).strip().rstrip('"') if m else ""


def machine():
    """A line describing this machine and the accelerator minifa would use."""
    from .. import backend
    gpu = ""
    if backend.device == "gpu":
        try:
            gpu = f", GPU {backend.xp.cuda.runtime.getDeviceProperties(0)['name'].decode()}"
        except Exception:
            gpu = ", GPU"
    return (f"{platform.platform()}, {os.cpu_count()} CPU cores, Python {platform.python_version()}, "
            f"minifa device '{backend.device}'{gpu}")


def speed(steps=300):
    """A machine-speed figure to scale the wall times by: us per step of Algorithm 1 for one
    784-100-10 network (batch 64, noise and Adam included), best of 3."""
    from .. import MLP, pretrain_noise
    net, best = MLP([784, 100, 10], seed=0), float("inf")
    for r in range(3):
        t0 = time.perf_counter()
        pretrain_noise(net, n_examples=64 * steps, seed=r, log_every=10 ** 9, quiet=True)
        best = min(best, (time.perf_counter() - t0) / steps * 1e6)
    return f"{best:.0f} µs per network-step of Algorithm 1 (784-100-10, batch 64)"


def _last_wall(out, path):
    """The wall time a tutorial took last time (in `out`, else in the committed reproduction/;
    0 if unknown): long ones start first, so that parallel jobs end together."""
    for folder in (out, os.path.join(ROOT, "reproduction")):
        try:
            with open(os.path.join(folder, os.path.basename(path)[:-3] + ".json")) as f:
                return float(json.load(f).get("wall_s") or 0)
        except (OSError, ValueError):
            continue
    return 0.0


def _guard(paths, partial, force):
    """Refuse to overwrite the committed report with a partial or reduced run (unless --force)."""
    committed = {os.path.abspath(os.path.join(ROOT, p)) for p in COMMITTED}
    hits = [p for p in paths if any(p == c or p.startswith(c + os.sep) for c in committed)]
    if partial and hits and not force:
        sys.exit(f"refusing to write {', '.join(hits)}: they hold the committed full reproduction, and "
                 f"this run is {partial}. Leave out --out/--report (it then writes to runs/), or "
                 f"pass --force.")


def main(argv=None):
    ap = argparse.ArgumentParser(description="Run the tutorials and write a claim-by-claim report")
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="run every tutorial (the default)")
    which.add_argument("--only", help="comma-separated tutorial numbers, e.g. 04,06")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--lab", action="store_true", help="pass --lab to every tutorial")
    size.add_argument("--quick", action="store_true", help="pass --quick to every tutorial")
    ap.add_argument("--out", help="folder for figures, JSON, logs (default: reproduction/ for a "
                    "full paper-size run, runs/<size>/ otherwise)")
    ap.add_argument("--report", help="path of the report (default: REPRODUCTION.md for a full "
                    "paper-size run, REPORT.md in --out otherwise)")
    ap.add_argument("--force", action="store_true", help="allow a partial or reduced run to "
                    "overwrite the committed report")
    ap.add_argument("--tutorials", default=os.path.join(ROOT, "tutorials"), help=argparse.SUPPRESS)
    ap.add_argument("--timeout", type=float, help="seconds allowed per tutorial")
    ap.add_argument("--threads", type=int, help="BLAS threads per tutorial (default: minifa's policy)")
    ap.add_argument("--jobs", type=int, default=1, help="tutorials run at once, each in its own "
                    "process (their output then goes to the logs only); e.g. the number of cores")
    ap.add_argument("--init", choices=["pytorch", "he"], help="initialisation for every tutorial "
                    "that takes --init (default: each tutorial's own, 'he')")
    ap.add_argument("--no-run", action="store_true", help="only rebuild the report from --out")
    args = ap.parse_args(argv)
    t_start = time.perf_counter()
    size = "quick" if args.quick else "lab" if args.lab else "paper"
    partial = " and ".join(filter(None, [f"--only {args.only}" if args.only else None,
                                         f"--{size}" if size != "paper" else None]))
    full = not partial
    out = os.path.abspath(args.out or (os.path.join(ROOT, "reproduction") if full else
                                       os.path.join(os.getcwd(), "runs", size)))
    report = os.path.abspath(args.report or (os.path.join(os.path.dirname(out), "REPRODUCTION.md")
                                             if full else os.path.join(out, "REPORT.md")))
    _guard([out, report], partial, args.force)
    os.makedirs(out, exist_ok=True)
    found = find_tutorials(args.tutorials)
    nums = select(found, args.only)
    runs = {}
    if not args.no_run:
        todo = sorted((n for n in nums if n in found), key=lambda n: -_last_wall(out, found[n]))
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = {}
            for num in todo:                          # longest first: the jobs end together
                print(f"{num} {os.path.basename(found[num])} ...", flush=True)
                futures[pool.submit(run_tutorial, found[num], out, size, args.timeout,
                                    args.jobs == 1, args.threads, args.init)] = num
            for f in concurrent.futures.as_completed(futures):
                runs[futures[f]] = f.result()
                print(f"{futures[f]} {os.path.basename(found[futures[f]])}: "
                      f"{status(runs[futures[f]])} in {runs[futures[f]]['wall_s']:.1f} s", flush=True)
    results = [collect(n, found.get(n), out, runs.get(n)) for n in nums]
    for r in results:
        if r["status"] == "missing":
            print(f"{r['num']}: missing (no tutorials/{r['num']}_*.py)")
    info = {"command": "python -m minifa.reproduce " + " ".join(argv if argv is not None else sys.argv[1:]),
            "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine(),
            "size": size, "init": args.init, "speed": None if args.no_run else speed(),
            "wall": None if args.no_run else time.perf_counter() - t_start, "jobs": args.jobs}
    write_atomic(report, render(results, out, report, info))
    print(f"report: {report}")
    failed = [r["num"] for r in results if r["status"] in ("failed", "timeout")]
    if failed:
        print(f"failed tutorials: {', '.join(failed)}")
    return 1 if failed else 0
