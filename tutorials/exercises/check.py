"""Checker for the lab exercises: compares your function with minifa's, says what is wrong.

    python tutorials/exercises/check.py 1        # or 2, 3, 4, several (1 3), or all

Exit status 0 when every exercise asked for is correct, 1 otherwise. Each exercise is run
on random inputs of several sizes and seeds and on edge cases, against minifa (NumPy,
float64): ex1 against MLP.backward / MLP.error (rule "fa"), ex2 against statistical tests
and minifa.Noise().sample, ex3 against minifa.alignment_angles and known angles, ex4
against minifa.optim.adam_equations. Exact computations must agree to float64 round-off
(relative 1e-10); statistical ones within bounds set by the sample size (5 standard
errors, or p > 1e-6).

Each exercise is checked in a process of its own, stopped after a time limit (60 s; more with
--timeout S or MINIFA_CHECK_TIMEOUT=S, e.g. on a slow machine), so a solution that loops forever
is reported as such instead of hanging the checker, and one that ends the program (sys.exit,
exit(), quit(), os._exit) is a failure saying so, never a pass.

From Python (tests pass a module holding a candidate solution):
    ok, messages = check(1)                  # the student's file, ex1_fa_backward.py
    ok, messages = check(1, module=mod)      # any module with a function fa_delta
    ok, messages = check(1, timeout=5)       # seconds before the check is stopped
The student's file runs in a fresh Python; a module passed in runs in a forked copy of this
process (where there is no fork, Windows: in this process, without a time limit).

The checks of exercise N are in checks/exN.py, what they share in checks/common.py.
"""
import contextlib
import importlib.util
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

from checks import ex1, ex2, ex3, ex4  # noqa: E402  (each exercise's checks)
from checks.common import EXERCISES, NOT_WRITTEN, RTOL, Fail, where  # noqa: E402, F401  (the shared helpers)


# ---------------------------------------------------------------------------- driver

@contextlib.contextmanager
def numpy_float64():
    """minifa on NumPy in float64 for the reference computations; its previous device and
    dtype come back afterwards (tests run the checker inside the test process)."""
    from minifa import backend
    saved = {k: vars(backend).get(k) for k in ("xp", "device", "dtype")}
    backend.set_device("cpu")
    backend.set_dtype("float64")
    try:
        yield backend
    finally:
        for k, v in saved.items():
            if v is None:
                vars(backend).pop(k, None)
            else:
                setattr(backend, k, v)


def load(n):
    """The student's exercise file as a module."""
    name = EXERCISES[n][0]
    spec = importlib.util.spec_from_file_location(f"minifa_exercise_{n}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CHECKS = {1: ex1.check, 2: ex2.check, 3: ex3.check, 4: ex4.check}
TIMEOUT_S = 60.0          # per exercise, by default; --timeout S or MINIFA_CHECK_TIMEOUT=S


def check(n, module=None, timeout=None):
    """(ok, messages) for exercise n, on `module` (default: the student's file), checked in a
    process of its own stopped after `timeout` seconds (default: $MINIFA_CHECK_TIMEOUT, else
    60). messages[0] is the diagnosis when not ok ('not written yet ...' or 'wrong: ...'); the
    rest say on which inputs, or, when ok, what was checked."""
    if n not in CHECKS:
        raise ValueError(f"no exercise {n!r}: there are {sorted(CHECKS)}")
    timeout = time_limit(timeout)
    if module is None:
        return _in_subprocess(n, timeout)
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


def _ended(e, what):
    """The finding for a SystemExit raised by the student's code."""
    return (f"wrong: {what} tries to end the program: it raised SystemExit({e.code!r}) (sys.exit, "
            f"exit() or quit()){where(e)}; hand the result back with `return` instead")


def check_here(n, module=None):
    """check(n, module) in this process, without a time limit."""
    file, fn = EXERCISES[n]
    try:
        if module is None:
            try:
                module = load(n)
            except SystemExit as e:
                raise Fail(_ended(e, f"{file}.py, when loaded,")) from None
            except Exception as e:
                raise Fail(f"wrong: {file}.py does not run: {type(e).__name__}: {e}{where(e)}") from None
        with numpy_float64():
            return True, CHECKS[n](module)
    except Fail as f:
        return False, [str(a) for a in f.args]
    except SystemExit as e:     # not through common.call: e.g. from an object fn returned
        return False, [_ended(e, f"your {fn}")]


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


def _in_subprocess(n, timeout):
    """check_here(n) on the student's file, in a fresh Python (see main's --child)."""
    with tempfile.TemporaryDirectory(prefix="minifa-check-") as tmp:
        out = Path(tmp) / "result.json"
        try:
            r = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(n), str(out)],
                               stdin=subprocess.DEVNULL, timeout=timeout)
        except subprocess.TimeoutExpired:      # subprocess.run killed it
            return _timed_out(n, timeout)
        if not out.is_file():
            return _no_result(n, r.returncode)
        ok, messages = json.loads(out.read_text())
        return ok, messages


def _answer(n, module=None):
    try:
        return check_here(n, module)
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
    """`check.py --child N PATH`: check the student's file here, the answer as JSON in PATH."""
    Path(args[1]).write_text(json.dumps(list(_answer(int(args[0])))))
    return 0


USAGE = "usage: python tutorials/exercises/check.py {1,2,3,4,all} ... [--timeout S]"


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["--child"]:
        return _child_main(args[1:])
    timeout = None
    for i, a in enumerate(args):
        if a == "--timeout" or a.startswith("--timeout="):
            timeout = a.partition("=")[2] if "=" in a else (args[i + 1] if i + 1 < len(args) else "")
            del args[i:i + (1 if "=" in a else 2)]
            break
    try:
        timeout = time_limit(timeout)
    except ValueError as e:
        print(f"check.py: {e}\n{USAGE}")
        return 2
    if not args or args in (["-h"], ["--help"]) or not all(a == "all" or a in map(str, CHECKS) for a in args):
        print(__doc__.strip().split("\n\n")[0] + "\n\n" + USAGE)
        return 0 if args in (["-h"], ["--help"]) else 2
    which = sorted(CHECKS) if "all" in args else sorted({int(a) for a in args})
    status = 0
    try:
        for n in which:
            ok, messages = check(n, timeout=timeout)
            head = "correct" if ok else messages[0]
            print(f"exercise {n}: {head}", flush=True)     # before the next check's own output
            for m in (messages if ok else messages[1:]):
                print(f"    {m}", flush=True)
            status |= not ok
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
