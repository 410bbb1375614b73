"""Checker for the lab exercises: compares your function with minifa's, says what is wrong.

    python tutorials/exercises/check.py 1        # or 2, 3, 4, several (1 3), or all

Exit status 0 when every exercise asked for is correct, 1 otherwise. Each exercise is run
on random inputs of several sizes and seeds and on edge cases, against minifa (NumPy,
float64): ex1 against MLP.backward / MLP.error (rule "fa"), ex2 against statistical tests
and minifa.Noise().sample, ex3 against minifa.alignment_angles and known angles, ex4
against minifa.optim.adam_equations. Exact computations must agree to float64 round-off
(relative 1e-10); statistical ones within bounds set by the sample size (5 standard
errors, or p > 1e-6).

From Python (tests pass a module holding a candidate solution):
    ok, messages = check(1)                  # the student's file, ex1_fa_backward.py
    ok, messages = check(1, module=mod)      # any module with a function fa_delta

The checks of exercise N are in checks/exN.py, what they share in checks/common.py.
"""
import contextlib
import importlib.util
import sys
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


def check(n, module=None):
    """(ok, messages) for exercise n, on `module` (default: the student's file). messages[0]
    is the diagnosis when not ok ('not written yet ...' or 'wrong: ...'); the rest say on
    which inputs, or, when ok, what was checked."""
    if n not in CHECKS:
        raise ValueError(f"no exercise {n!r}: there are {sorted(CHECKS)}")
    try:
        if module is None:
            try:
                module = load(n)
            except Exception as e:
                raise Fail(f"wrong: {EXERCISES[n][0]}.py does not run: {type(e).__name__}: {e}{where(e)}") from None
        with numpy_float64():
            return True, CHECKS[n](module)
    except Fail as f:
        return False, [str(a) for a in f.args]


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if not args or args in (["-h"], ["--help"]) or not all(a == "all" or a in map(str, CHECKS) for a in args):
        print(__doc__.strip().split("\n\n")[0] + "\n\nusage: python tutorials/exercises/check.py {1,2,3,4,all} ...")
        return 0 if args in (["-h"], ["--help"]) else 2
    which = sorted(CHECKS) if "all" in args else sorted({int(a) for a in args})
    status = 0
    for n in which:
        ok, messages = check(n)
        head = "correct" if ok else messages[0]
        print(f"exercise {n}: {head}")
        for m in (messages if ok else messages[1:]):
            print(f"    {m}")
        status |= not ok
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
