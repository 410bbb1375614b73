"""Checking one exercise in this process: the student's file loaded (or any file, --solution),
minifa set to NumPy float64 for the references, the exercise's checks run, every failure turned
into (False, messages). check.py, next to this folder, runs this in a process of its own."""
import contextlib
import importlib.util
from pathlib import Path

from . import ex1, ex2, ex3, ex4, ex5, ex6
from .common import EXERCISES, HERE, Fail, where

CHECKS = {1: ex1.check, 2: ex2.check, 3: ex3.check, 4: ex4.check, 5: ex5.check, 6: ex6.check}
STRETCH = (5, 6)          # beyond the 90-minute lab


def student_file(n):
    """The student's file of exercise n: tutorials/exercises/exN_name.py."""
    return HERE / f"{EXERCISES[n][0]}.py"


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


def load(n, path=None):
    """The file of exercise n (default: the student's, exN_name.py) as a module."""
    path = Path(path) if path is not None else student_file(n)
    spec = importlib.util.spec_from_file_location(f"minifa_exercise_{n}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ended(e, what):
    """The finding for a SystemExit raised by the student's code."""
    return (f"wrong: {what} tries to end the program: it raised SystemExit({e.code!r}) (sys.exit, "
            f"exit() or quit()){where(e)}; hand the result back with `return` instead")


def check_here(n, module=None, path=None):
    """(ok, messages) of exercise n on `module`, else on the file `path` (default: the student's
    file), in this process, without a time limit."""
    file, fn = EXERCISES[n]
    name = Path(path).name if path is not None else f"{file}.py"
    try:
        if module is None:
            try:
                module = load(n, path)
            except SystemExit as e:
                raise Fail(ended(e, f"{name}, when loaded,")) from None
            except Exception as e:
                raise Fail(f"wrong: {name} does not run: {type(e).__name__}: {e}{where(e)}") from None
        with numpy_float64():
            return True, CHECKS[n](module)
    except Fail as f:
        return False, [str(a) for a in f.args]
    except SystemExit as e:     # not through common.call: e.g. from an object fn returned
        return False, [ended(e, f"your {fn}")]
