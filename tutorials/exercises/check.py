"""Checker for the lab exercises: compares your function with minifa's, says what is wrong.

    python tutorials/exercises/check.py 1        # or 2 ... 6, several (1 3), or all
    python tutorials/exercises/check.py 4 --solution PATH    # check any file for exercise 4
    python tutorials/exercises/check.py all --solution tutorials/exercises/solutions   # a folder

Exercises 1-4 are the lab's, 5 and 6 stretch exercises. Exit status 0 when every exercise asked
for is correct, 1 otherwise, 2 on a bad command line; with several, the last line is the score
("3 of 6 correct"). Each exercise is run on random inputs of several sizes and seeds and on edge
cases, against minifa (NumPy, float64): ex1 against MLP.backward / MLP.error (rule "fa"), ex2
against statistical tests and minifa.Noise().sample, ex3 against minifa.alignment_angles and
known angles, ex4 against minifa.optim.adam_equations, ex5 against NumPy's SVD and
minifa.analysis.effective_rank, ex6 against scipy.stats.ttest_1samp. Exact computations must
agree to float64 round-off (relative 1e-10); statistical ones within bounds set by the sample
size (5 standard errors, or p > 1e-6). A function that changes its inputs in place fails, and
the checker says which input it changed.

Each exercise is checked in a process of its own, stopped after a time limit (60 s; more with
--timeout S or MINIFA_CHECK_TIMEOUT=S, e.g. on a slow machine), so a solution that loops forever
is reported as such instead of hanging the checker, and one that ends the program (sys.exit,
exit(), quit(), os._exit) is a failure saying so, never a pass.

From Python (tests pass a module holding a candidate solution):
    ok, messages = check(1)                  # the student's file, ex1_fa_backward.py
    ok, messages = check(1, path="x.py")     # any file holding a function fa_delta
    ok, messages = check(1, module=mod)      # any module with a function fa_delta
    ok, messages = check(1, timeout=5)       # seconds before the check is stopped
A file runs in a fresh Python; a module passed in runs in a forked copy of this process (where
there is no fork, Windows: in this process, without a time limit).

The checks of exercise N are in checks/exN.py, what they share in checks/common.py, the
in-process driver in checks/driver.py.
"""
import json
import math
import multiprocessing
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
try:
    import minifa  # noqa: F401  (installed, e.g. pip install -e .)
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))
if str(HERE) not in sys.path:  # the checks/ folder next to this file, also when loaded by path (tests)
    sys.path.insert(0, str(HERE))

from checks.common import EXERCISES, NOT_WRITTEN, RTOL, Fail, where  # noqa: E402, F401  (the shared helpers)
from checks.driver import CHECKS, STRETCH, check_here, load, numpy_float64, student_file  # noqa: E402, F401

TIMEOUT_S = 60.0          # per exercise, by default; --timeout S or MINIFA_CHECK_TIMEOUT=S


def check(n, module=None, timeout=None, path=None):
    """(ok, messages) for exercise n, on `module`, else on the file `path` (default: the student's
    file), checked in a process of its own stopped after `timeout` seconds (default:
    $MINIFA_CHECK_TIMEOUT, else 60). messages[0] is the diagnosis when not ok ('not written yet
    ...' or 'wrong: ...'); the rest say on which inputs, or, when ok, what was checked."""
    if n not in CHECKS:
        raise ValueError(f"no exercise {n!r}: there are {sorted(CHECKS)}")
    timeout = time_limit(timeout)
    if module is None:
        return _in_subprocess(n, timeout, path)
    if "fork" in multiprocessing.get_all_start_methods():
        return _in_fork(n, module, timeout)
    return check_here(n, module)


def time_limit(value=None):
    """The time limit in seconds: value, else $MINIFA_CHECK_TIMEOUT, else 60; ValueError
    unless a positive number."""
    if value is None:
        value = os.environ.get("MINIFA_CHECK_TIMEOUT") or TIMEOUT_S
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = math.nan
    if not (seconds > 0 and math.isfinite(seconds)):
        raise ValueError(f"the time limit must be a positive number of seconds, not {value!r} "
                         f"(--timeout S or MINIFA_CHECK_TIMEOUT=S)")
    return seconds


def _timed_out(n, timeout):
    file, fn = EXERCISES[n]
    return (False, [f"wrong: the check of exercise {n} did not finish in {timeout:g} s and was "
                    f"stopped: your {fn} in {file}.py probably loops forever (a `while` loop whose "
                    f"condition never becomes false?)",
                    f"on a slow machine, allow more time: python tutorials/exercises/check.py {n} "
                    f"--timeout {max(300, 5 * timeout):g} (or set MINIFA_CHECK_TIMEOUT)"])


def _no_result(n, code):
    how = f"was killed by signal {-code}" if code is not None and code < 0 else f"exited (status {code})"
    return (False, [f"wrong: the check of exercise {n} ended without a result: the process {how} "
                    f"before it finished: did your code end Python (os._exit) or crash it?"])


def _in_subprocess(n, timeout, path=None):
    """check_here(n) on a file (default: the student's), in a fresh Python (see main's --child)."""
    with tempfile.TemporaryDirectory(prefix="minifa-check-") as tmp:
        out = Path(tmp) / "result.json"
        extra = [] if path is None else [str(Path(path).resolve())]
        try:
            r = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(n), str(out), *extra],
                               stdin=subprocess.DEVNULL, timeout=timeout)
        except subprocess.TimeoutExpired:      # subprocess.run killed it
            return _timed_out(n, timeout)
        if not out.is_file():
            return _no_result(n, r.returncode)
        ok, messages = json.loads(out.read_text())
        return ok, messages


def _answer(n, module=None, path=None):
    try:
        return check_here(n, module, path)
    except BaseException as e:                # Ctrl-C, or a bug in a check: still an answer
        return False, [f"wrong: the check stopped on {type(e).__name__}: {e}{where(e)}"]


def _child(n, module, conn):
    conn.send(_answer(n, module))
    conn.close()


def _in_fork(n, module, timeout):
    """check_here(n, module) in a forked copy of this process."""
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(n, module, send), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(timeout):
            proc.kill()
            return _timed_out(n, timeout)
        try:
            return recv.recv()
        except EOFError:                      # it died without a word
            proc.join(5)
            return _no_result(n, proc.exitcode)
    finally:
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
        recv.close()


def _child_main(args):
    """`check.py --child N OUT [PATH]`: check the file PATH (default: the student's) here, the
    answer as JSON in OUT."""
    Path(args[1]).write_text(json.dumps(list(_answer(int(args[0]), path=args[2] if len(args) > 2 else None))))
    return 0


USAGE = ("usage: python tutorials/exercises/check.py {1,2,3,4,5,6,all} ... [--solution PATH] [--timeout S]\n"
         "  --solution PATH  check the file PATH instead of your exN_*.py (one exercise), or, with a\n"
         "                   folder, each exercise's exN_*.py in it (e.g. tutorials/exercises/solutions)")


def _option(args, name):
    """The value of --name V or --name=V, removed from args (None when absent; '' when V is missing)."""
    for i, a in enumerate(args):
        if a == name or a.startswith(name + "="):
            value = a.partition("=")[2] if "=" in a else (args[i + 1] if i + 1 < len(args) else "")
            del args[i:i + (1 if "=" in a else 2)]
            return value
    return None


def files(which, solution):
    """{exercise: the file to check}; ValueError naming the fix when --solution does not fit."""
    if solution is None:
        return {n: None for n in which}
    path = Path(solution)
    if path.is_dir():
        found = {n: path / f"{EXERCISES[n][0]}.py" for n in which}
        missing = [str(p) for p in found.values() if not p.is_file()]
        if missing:
            raise ValueError(f"--solution {solution}: no file {', '.join(missing)} (a folder must hold "
                             "exN_name.py files, as tutorials/exercises/solutions does)")
        return found
    if not path.is_file():
        raise ValueError(f"--solution {solution!r}: no such file or folder")
    if len(which) != 1:
        guess = next((n for n, (stem, _) in EXERCISES.items() if stem == path.stem), which[0])
        raise ValueError(f"--solution {solution}: a file holds one exercise: name it, e.g. check.py "
                         f"{guess} --solution {solution} (or pass a folder of exN_name.py files)")
    return {which[0]: path}


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["--child"]:
        return _child_main(args[1:])
    try:
        timeout, solution = time_limit(_option(args, "--timeout")), _option(args, "--solution")
        if solution == "":
            raise ValueError("--solution needs a PATH: a file, or a folder of exN_name.py files")
    except ValueError as e:
        print(f"check.py: {e}\n{USAGE}")
        return 2
    if not args or args in (["-h"], ["--help"]) or not all(a == "all" or a in map(str, CHECKS) for a in args):
        print(__doc__.strip().split("\n\n")[0] + "\n\n" + USAGE)
        return 0 if args in (["-h"], ["--help"]) else 2
    which = sorted(CHECKS) if "all" in args else sorted({int(a) for a in args})
    try:
        paths = files(which, solution)
    except ValueError as e:
        print(f"check.py: {e}\n{USAGE}")
        return 2
    correct = 0
    try:
        for n, path in paths.items():
            ok, messages = check(n, timeout=timeout, path=path)
            head = "correct" if ok else messages[0]
            tags = ", ".join(["stretch"] * (n in STRETCH) + [str(path)] * (path is not None))
            print(f"exercise {n}{f' ({tags})' if tags else ''}: {head}", flush=True)
            for m in (messages if ok else messages[1:]):
                print(f"    {m}", flush=True)       # before the next check's own output
            correct += ok
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    if len(which) > 1:
        print(f"{correct} of {len(which)} correct")
    return int(correct < len(which))


if __name__ == "__main__":
    sys.exit(main())
