"""What the exercises' checks (ex1.py ... ex6.py) share: the Fail they raise, running the student's
function (call), and comparing its result with minifa's (close, first_match, ...). check.py, next to
this folder, is the command line and check(n, module)."""
import math
import traceback
import warnings
from pathlib import Path

import numpy as np

CHECKS_DIR = Path(__file__).resolve().parent      # this folder
HERE = CHECKS_DIR.parent                          # tutorials/exercises: check.py and the student's files
ROOT = HERE.parent.parent
EXERCISES = {1: ("ex1_fa_backward", "fa_delta"), 2: ("ex2_noise_sampler", "sample_noise"),
             3: ("ex3_angle", "neuron_angles"), 4: ("ex4_adam_step", "adam_step"),
             5: ("ex5_effective_rank", "effective_rank"), 6: ("ex6_ttest_90", "ttest_vs_90")}   # 5, 6: stretch
RTOL = 1e-10          # float64 round-off of a few operations, relative
NOT_WRITTEN = "not written yet (NotImplementedError: the stub is still there)"


class Fail(Exception):
    """A finding for the student: args[0] is the diagnosis, args[1:] the details."""


def _ours(filename):
    """Whether filename is one of the checker's own files."""
    path = Path(filename).resolve()
    return path == HERE / "check.py" or path.parent == CHECKS_DIR


def where(e):
    """'line N of file: code' of the innermost frame outside this checker (check.py and this
    folder), or ''."""
    frames = [f for f in traceback.extract_tb(e.__traceback__) if not _ours(f.filename)]
    if not frames:
        return ""
    f = frames[-1]
    return f" (line {f.lineno} of {Path(f.filename).name}: `{(f.line or '').strip()}`)"


def _shown(path):
    """path relative to the repository when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def call(fn, *args, hint=None, **kw):
    """fn(*args, **kw); a raised exception (SystemExit too) becomes a Fail in plain words. hint(e) may add
    an exercise-specific explanation. Numpy's warnings are silenced: nan and inf are
    diagnosed from the result."""
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(*args, **kw)
    except NotImplementedError:
        raise Fail(NOT_WRITTEN, f"replace the line `raise NotImplementedError(\"your code here\")` of "
                   f"{fn.__name__} in {_shown(fn.__code__.co_filename)} with your code") from None
    except SystemExit as e:  # sys.exit(0) must not end the checker as if all were fine
        raise Fail(f"wrong: your {fn.__name__} tries to end the program: it raised SystemExit({e.code!r}) "
                   f"(sys.exit, exit() or quit()){where(e)}; hand the result back with `return` instead") from None
    except Exception as e:  # any error of the student's code is a finding, not a crash
        raised = f"your {fn.__name__} raised {type(e).__name__}: {e}{where(e)}"
        extra = hint(e) if hint else None
        if extra is None and isinstance(e, TypeError) and "argument" in str(e):
            extra = f"keep the stub's signature ({fn.__name__} is called as in its docstring)"
        if extra:                              # the plain-words reading first, numpy's words after
            raise Fail(f"wrong: {extra}", raised) from None
        raise Fail(f"wrong: {raised}") from None


def array(out, what):
    """out as a float-or-int NumPy array, or a Fail that says what came back instead."""
    if out is None:
        raise Fail(f"wrong: {what} is None: did you forget `return`?")
    try:
        a = np.asarray(out)
    except Exception:
        raise Fail(f"wrong: {what} is a {type(out).__name__}, not an array") from None
    if a.dtype.kind not in "biuf":
        raise Fail(f"wrong: {what} is not an array of numbers (dtype {a.dtype}, type {type(out).__name__})")
    return a


def close(a, b, rtol=RTOL, atol=None):
    """Same shape and equal to float64 round-off: |a - b| <= atol + rtol |b|, with atol a
    1e-12 fraction of b's largest value (exact zeros must come out ~0). nan never matches."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    finite = np.isfinite(b)                   # a candidate mistake may give nan or inf: same places
    if not (np.array_equal(finite, np.isfinite(a)) and np.array_equal(a[~finite], b[~finite], equal_nan=True)):
        return False
    a, b = a[finite], b[finite]
    if atol is None:
        atol = 1e-12 * (float(np.abs(b).max()) if b.size else 0.0) + 1e-300
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


def first_match(out, candidates, same=close):
    """The message of the first candidate (message, thunk) whose value `out` equals: same(out,
    value) is true (default close; a thunk that raises matches nothing). None if none does."""
    for message, thunk in candidates:
        try:
            with np.errstate(all="ignore"):
                value = thunk()
        except Exception:
            continue
        if same(out, value):
            return message
    return None


def scale_or_precision(out, ref, what, batch=None):
    """A message when out is ref times a constant, or ref at float32 precision; else None."""
    out, ref = np.asarray(out, float), np.asarray(ref, float)
    denom = float((ref * ref).sum())
    if denom > 0:
        c = float((out * ref).sum()) / denom
        if not math.isclose(c, 1.0, rel_tol=1e-6) and c != 0 and close(out, c * ref):
            msg = f"wrong: your {what} is {c:.6g} times the right one"
            if batch and math.isclose(c * batch, 1.0, rel_tol=1e-9):
                msg += (f": that is 1/batch (1/{batch}); the 1/N of the mean loss is already in "
                        "delta_{l+1}: do not divide again")
            elif batch and math.isclose(c, batch, rel_tol=1e-9):
                msg += f": that is the batch size ({batch}); delta_{{l+1}} is already the error of the mean loss"
            return msg
    if close(out, ref, rtol=1e-4, atol=1e-6 * float(np.abs(ref).max() or 1)):
        rel = float(np.max(np.abs(out - ref) / (np.abs(ref) + 1e-300 + 1e-6 * np.abs(ref).max())))
        return (f"wrong, but only just: your {what} is right to about {rel:.0e}, while float64 agrees to "
                f"1e-10: did you convert to float32 or round somewhere?")
    return None


def largest_difference(out, ref, names):
    """'largest difference D at <index> (yours a, minifa b)' for arrays of equal shape."""
    out, ref = np.asarray(out, float), np.asarray(ref, float)
    diff = np.where(np.isnan(out), np.inf, np.abs(out - ref))
    idx = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    at = ", ".join(f"{n} {i}" for n, i in zip(names, idx))
    return (f"largest difference {float(diff[idx]):.3g}" + (f" at {at}" if at else "")
            + f" (yours {float(out[idx]):.6g}, minifa's {float(ref[idx]):.6g})")


def unchanged(originals, passed, names, why, case, example="`a = a / n`, not `a /= n`"):
    """Fail when the student's function changed any of its inputs in place, naming each one."""
    changed = [name for name, a, b in zip(names, originals, passed) if not np.array_equal(a, b, equal_nan=True)]
    if changed:
        which = " and ".join(filter(None, (", ".join(changed[:-1]), changed[-1])))
        raise Fail(f"wrong: your function changed its input{'s' if len(changed) > 1 else ''} {which} in place "
                   f"({why}): build new arrays instead (e.g. {example})", case)


def student_function(module, n):
    """The function exercise n asks for, from the student's module; a Fail when it has none."""
    name = EXERCISES[n][1]
    fn = getattr(module, name, None)
    if not callable(fn):
        raise Fail(f"wrong: no function {name} in {EXERCISES[n][0]}.py: keep the stub's name and signature")
    return fn
