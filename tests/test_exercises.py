"""The lab exercises' checker (tutorials/exercises/check.py): it accepts correct solutions,
rejects the typical wrong ones with the expected plain-words diagnosis, and reports the
unmodified stubs as not written yet.

The solutions live here, not in tutorials/exercises/ (students get the stubs only): each is a
small module built with types.ModuleType holding the function the exercise asks for."""
import importlib.util
import math
import os
import shutil
import subprocess
import sys
import time
import types

import numpy as np
import pytest

from minifa import backend

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECK = os.path.join(ROOT, "tutorials", "exercises", "check.py")
ENV = {**os.environ, "MINIFA_DEVICE": "cpu", "MINIFA_QUIET": "1"}


def _load_checker():
    spec = importlib.util.spec_from_file_location("exercise_checker", CHECK)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


checker = _load_checker()
NAMES = {n: fn for n, (_, fn) in checker.EXERCISES.items()}


def module(n, fn):
    """A module holding `fn` under the name exercise n asks for."""
    m = types.ModuleType(f"candidate_{n}_{fn.__name__}")
    setattr(m, NAMES[n], fn)
    return m


# ---------------------------------------------------------------- exercise 1: eq. 5, FA's backward line

def fa_right(delta_next, B, o):
    return (delta_next @ B.T) * (o > 0)


def fa_right_columns(delta_next, B, o):          # column form inside, transposed back: also right
    return np.where(o > 0, (B @ delta_next.T).T, 0.0)


def fa_Bt(delta_next, B, o):                      # B_l^T instead of B_l
    return (delta_next @ B) * (o > 0)


def fa_no_relu(delta_next, B, o):
    return delta_next @ B.T


def fa_relu_at_zero(delta_next, B, o):            # relu'(0) = 1
    return (delta_next @ B.T) * (o >= 0)


def fa_relu_not_derivative(delta_next, B, o):
    return (delta_next @ B.T) * np.maximum(o, 0)


def fa_column_form(delta_next, B, o):
    return (B @ delta_next.T) * (o > 0).T


def fa_divided_again(delta_next, B, o):
    return (delta_next @ B.T) * (o > 0) / delta_next.shape[0]


def fa_in_place(delta_next, B, o):
    o[o <= 0] = 0
    return (delta_next @ B.T) * (o > 0)


# ---------------------------------------------------------------- exercise 2: Algorithm 1's noise

def noise_right(rng, batch_size, dim, n_classes):
    return rng.standard_normal((batch_size, dim)), rng.integers(0, n_classes, size=batch_size)


def noise_right_labels_first(rng, batch_size, dim, n_classes):
    y = rng.integers(n_classes, size=batch_size)
    return rng.normal(0.0, 1.0, size=(batch_size, dim)), y


def noise_uniform(rng, batch_size, dim, n_classes):
    return rng.random((batch_size, dim)), rng.integers(0, n_classes, batch_size)


def noise_uniform_pm1(rng, batch_size, dim, n_classes):
    return rng.uniform(-1, 1, (batch_size, dim)), rng.integers(0, n_classes, batch_size)


def noise_uniform_std1(rng, batch_size, dim, n_classes):
    return rng.uniform(-math.sqrt(3), math.sqrt(3), (batch_size, dim)), rng.integers(0, n_classes, batch_size)


def noise_float_labels(rng, batch_size, dim, n_classes):
    return rng.standard_normal((batch_size, dim)), rng.integers(0, n_classes, batch_size).astype(float)


def noise_labels_from_one(rng, batch_size, dim, n_classes):
    return rng.standard_normal((batch_size, dim)), rng.integers(1, n_classes + 1, batch_size)


def noise_labels_from_x(rng, batch_size, dim, n_classes):    # uniform labels, but carried by x
    x = rng.standard_normal((batch_size, dim))
    return x, np.argmax(x[:, :n_classes], axis=1)


def noise_global_random(rng, batch_size, dim, n_classes):
    return np.random.standard_normal((batch_size, dim)), np.random.randint(0, n_classes, batch_size)


def noise_global_x(rng, batch_size, dim, n_classes):
    return np.random.standard_normal((batch_size, dim)), rng.integers(0, n_classes, batch_size)


def noise_own_generator_x(rng, batch_size, dim, n_classes):
    own = np.random.default_rng(0)
    return own.standard_normal((batch_size, dim)), rng.integers(0, n_classes, batch_size)


def noise_repeated_row(rng, batch_size, dim, n_classes):
    return np.tile(rng.standard_normal(dim), (batch_size, 1)), rng.integers(0, n_classes, batch_size)


def noise_swapped(rng, batch_size, dim, n_classes):
    x, y = noise_right(rng, batch_size, dim, n_classes)
    return y, x


# ---------------------------------------------------------------- exercise 3: §4.1's angle

def angle_right(W, B):
    a = W.T
    cos = (a * B).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(B, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))


def angle_right_normalised_rows(W, B):
    a = W.T / np.sqrt((W.T ** 2).sum(1, keepdims=True))
    b = B / np.sqrt((B ** 2).sum(1, keepdims=True))
    return np.arccos(np.clip(np.einsum("ij,ij->i", a, b), -1, 1)) * 180 / np.pi


def angle_radians(W, B):
    return np.radians(angle_right(W, B))


def angle_rows_vs_columns(W, B):                 # rows of W_l against columns of B_l
    return angle_right(W.T, B.T)


def angle_no_clip(W, B):
    a = W.T
    cos = (a * B).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(B, axis=1))
    return np.degrees(np.arccos(cos))


def angle_cosine(W, B):
    a = W.T
    return (a * B).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(B, axis=1))


def angle_matrix_norms(W, B):
    return np.degrees(np.arccos(np.clip((W.T * B).sum(1) / (np.linalg.norm(W) * np.linalg.norm(B)), -1, 1)))


def angle_in_place(W, B):
    W /= np.linalg.norm(W, axis=0, keepdims=True)
    B /= np.linalg.norm(B, axis=1, keepdims=True)
    return np.degrees(np.arccos(np.clip((W.T * B).sum(1), -1, 1)))


# ---------------------------------------------------------------- exercise 4: Adam

def adam_right(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    m_hat, v_hat = m / (1 - beta1 ** t), v / (1 - beta2 ** t)
    return theta - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_right_in_place(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    m *= beta1
    m += (1 - beta1) * g
    v *= beta2
    v += (1 - beta2) * g * g
    theta -= lr / (1 - beta1 ** t) * m / (np.sqrt(v) / math.sqrt(1 - beta2 ** t) + eps)
    return theta, m, v


def adam_no_bias_correction(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    return theta - lr * m / (np.sqrt(v) + eps), m, v


def adam_lr_in_m(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):   # lr applied to m only
    m = beta1 * m + (1 - beta1) * lr * g
    v = beta2 * v + (1 - beta2) * g ** 2
    return theta - (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def adam_eps_in_sqrt(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g ** 2
    return theta - lr * (m / (1 - beta1 ** t)) / np.sqrt(v / (1 - beta2 ** t) + eps), m, v


def adam_ignores_arguments(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    return adam_right(theta, g, m, v, t)


def adam_t_plus_one(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    return adam_right(theta, g, m, v, t + 1, lr, beta1, beta2, eps)[0], *adam_right(theta, g, m, v, t)[1:]


def adam_t_minus_one(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    return adam_right(theta, g, m, v, t - 1, lr, beta1, beta2, eps)[0], *adam_right(theta, g, m, v, t)[1:]


def adam_g_not_squared(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g
    return theta - lr * (m / (1 - beta1 ** t)) / (np.sqrt(v / (1 - beta2 ** t)) + eps), m, v


def adam_theta_only(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    return adam_right(theta, g, m, v, t, lr, beta1, beta2, eps)[0]


_calls = [0]


def adam_own_counter(theta, g, m, v, t, lr=1e-4, beta1=0.9, beta2=0.999, eps=1e-8):
    _calls[0] += 1                                # counts its own steps instead of using t
    return adam_right(theta, g, m, v, _calls[0], lr, beta1, beta2, eps)


# ---------------------------------------------------------------- the cases

CORRECT = [(1, fa_right), (1, fa_right_columns), (2, noise_right), (2, noise_right_labels_first),
           (3, angle_right), (3, angle_right_normalised_rows), (4, adam_right)]

WRONG = [  # (exercise, solution, words the diagnosis must contain)
    (1, fa_Bt, "multiply by B_l or by B_l^T"),
    (1, fa_no_relu, "your delta ignores relu'(o_l): units with o_l <= 0 must get 0"),
    (1, fa_relu_at_zero, "relu'(0) must be 0"),
    (1, fa_relu_not_derivative, "relu(o_l) = h_l, not by its derivative"),
    (1, fa_column_form, "column form"),
    (1, fa_divided_again, "1/batch"),
    (1, fa_in_place, "changed its input o in place"),
    (2, noise_uniform, "mean of x is 0.50: did you use uniform noise"),
    (2, noise_uniform_pm1, "that of uniform noise on [-1, 1)"),
    (2, noise_uniform_std1, "Kolmogorov-Smirnov"),
    (2, noise_float_labels, "labels are floats"),
    (2, noise_labels_from_one, "numbered from 0"),
    (2, noise_labels_from_x, "the labels depend on x"),
    (2, noise_global_random, "did not draw from the generator it was given"),
    (2, noise_global_x, "same seed gave different x"),
    (2, noise_own_generator_x, "seeded a generator of your own"),
    (2, noise_repeated_row, "neighbouring examples are correlated"),
    (2, noise_swapped, "you returned (y, x)"),
    (3, angle_radians, "radians"),
    (3, angle_rows_vs_columns, "rows of W_l with columns of B_l"),
    (3, angle_no_clip, "clip"),
    (3, angle_cosine, "cosine"),
    (3, angle_matrix_norms, "norms of the whole matrices"),
    (3, angle_in_place, "changed its inputs W and B in place"),
    (4, adam_no_bias_correction, "forgot the bias correction"),
    (4, adam_lr_in_m, "learning rate went into m"),
    (4, adam_eps_in_sqrt, "eps goes outside the square root"),
    (4, adam_ignores_arguments, "ignored the arguments"),
    (4, adam_t_plus_one, "uses t + 1"),
    (4, adam_t_minus_one, "did you use t - 1"),
    (4, adam_g_not_squared, "SQUARED gradient"),
    (4, adam_theta_only, "return the tuple (theta, m, v)"),
    (4, adam_own_counter, "keep no state of its own"),
    (4, adam_right_in_place, "changed its inputs theta, m and v in place"),   # the docstring forbids it
]


@pytest.mark.parametrize("n, fn", CORRECT, ids=[f.__name__ for _, f in CORRECT])
def test_checker_accepts_correct_solutions(n, fn):
    ok, messages = checker.check(n, module(n, fn))
    assert ok, messages


@pytest.mark.parametrize("n, fn, words", WRONG, ids=[f.__name__ for _, f, _ in WRONG])
def test_checker_rejects_typical_mistakes_in_plain_words(n, fn, words):
    ok, messages = checker.check(n, module(n, fn))
    assert not ok
    assert messages[0].startswith("wrong: ")
    assert words in messages[0], messages


def test_every_exercise_has_a_correct_and_two_wrong_solutions():
    from test_exercises_kit import CORRECT as CORRECT_56, WRONG as WRONG_56   # the stretch exercises
    assert {n for n, _ in CORRECT + CORRECT_56} == set(checker.EXERCISES)
    assert all(sum(m == k for m, _, _ in WRONG + WRONG_56) >= 2 for k in checker.EXERCISES)


def test_missing_function_and_exceptions_are_reported():
    ok, messages = checker.check(1, types.ModuleType("empty"))
    assert not ok and "no function fa_delta" in messages[0]

    def crashes(delta_next, B, o):
        return delta_next @ B                 # (batch, n_{l+1}) @ (n_l, n_{l+1}): no product
    ok, messages = checker.check(1, module(1, crashes))
    assert not ok and "B_l or by B_l^T" in messages[0] and "raised ValueError" in messages[1]


def test_exercise2_prints_statistics_next_to_minifa():
    ok, messages = checker.check(2, module(2, noise_right))
    assert ok and "minifa.Noise().sample" in messages[0] and "chi-square" in messages[0]


def test_checker_restores_minifa_device_and_dtype():
    before = backend.dtype
    checker.check(4, module(4, adam_right))
    assert backend.dtype is before


def test_stubs_are_not_written_yet():
    for n in checker.EXERCISES:
        ok, messages = checker.check(n)
        assert not ok and messages[0].startswith("not written yet")


def test_command_line_on_the_stubs():
    r = subprocess.run([sys.executable, CHECK, "all"], capture_output=True, text=True, env=ENV,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 1, r.stdout + r.stderr
    lines = [line for line in r.stdout.splitlines() if line.startswith("exercise")]
    assert lines == [f"exercise {n}{' (stretch)' if n > 4 else ''}: not written yet (NotImplementedError: "
                     "the stub is still there)" for n in range(1, 7)], r.stdout
    assert r.stdout.splitlines()[-1] == "0 of 6 correct"
    r = subprocess.run([sys.executable, CHECK, "9"], capture_output=True, text=True, env=ENV, cwd=ROOT, timeout=60)
    assert r.returncode == 2 and "usage" in r.stdout


def checker_copy(tmp_path):
    """A copy of tutorials/exercises/ without the student's files: write one, run check.py."""
    folder = tmp_path / "exercises"
    folder.mkdir()
    src = open(CHECK).read()
    (folder / "check.py").write_text(src)
    shutil.copytree(os.path.join(os.path.dirname(CHECK), "checks"), folder / "checks",   # its per-exercise checks
                    ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_command_line_says_correct_and_exits_0(tmp_path):
    """A student's file with a correct solution: 'exercise 3: correct', exit status 0."""
    folder = checker_copy(tmp_path)
    (folder / "ex3_angle.py").write_text(
        "import numpy as np\n\n\ndef neuron_angles(W, B):\n"
        "    cos = (W.T * B).sum(1) / (np.linalg.norm(W, axis=0) * np.linalg.norm(B, axis=1))\n"
        "    return np.degrees(np.arccos(np.clip(cos, -1, 1)))\n")
    r = subprocess.run([sys.executable, str(folder / "check.py"), "3"], capture_output=True, text=True,
                       env={**ENV, "PYTHONPATH": ROOT}, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[0] == "exercise 3: correct"


# ---------------------------------------------------------------- solutions that loop or end the program

def angle_loops_forever(W, B):
    while True:
        pass


def angle_sys_exit_0(W, B):
    sys.exit(0)


def angle_exit_with_a_message(W, B):
    sys.exit("done")


def angle_returns_an_exiting_array(W, B):       # SystemExit from numpy, outside the call itself
    class Exits:
        def __array__(self, *args, **kw):
            raise SystemExit(3)
    return Exits()


def angle_os_exit(W, B):
    os._exit(0)


def test_a_looping_solution_is_stopped_and_named():
    start = time.monotonic()
    ok, messages = checker.check(3, module(3, angle_loops_forever), timeout=1)
    assert time.monotonic() - start < 30
    assert not ok and messages[0].startswith("wrong: the check of exercise 3 did not finish in 1 s")
    assert "probably loops forever" in messages[0] and "neuron_angles" in messages[0]
    assert "--timeout" in messages[1] and "MINIFA_CHECK_TIMEOUT" in messages[1]


@pytest.mark.parametrize("fn, code", [(angle_sys_exit_0, "0"), (angle_exit_with_a_message, "'done'"),
                                      (angle_returns_an_exiting_array, "3")])
def test_sys_exit_in_a_solution_is_a_failure_with_its_message(fn, code):
    ok, messages = checker.check(3, module(3, fn))
    assert not ok and messages[0].startswith("wrong: your ") and "tries to end the program" in messages[0]
    assert f"SystemExit({code})" in messages[0] and "`return`" in messages[0]


def test_os_exit_in_a_solution_is_a_failure():
    ok, messages = checker.check(3, module(3, angle_os_exit))
    assert not ok and "ended without a result" in messages[0] and "os._exit" in messages[0]


def test_time_limit_is_validated(monkeypatch):
    assert checker.time_limit(2) == 2.0
    monkeypatch.setenv("MINIFA_CHECK_TIMEOUT", "7.5")
    assert checker.time_limit() == 7.5
    for bad in (0, -5, "abc", float("inf"), float("nan")):
        with pytest.raises(ValueError, match="positive number of seconds"):
            checker.time_limit(bad)


def test_command_line_stops_a_looping_file_and_fails_sys_exit(tmp_path):
    """The student's own file, through the command line: a loop is stopped after the time
    limit (from MINIFA_CHECK_TIMEOUT, or --timeout), sys.exit(0) is exit status 1, not 0."""
    folder = checker_copy(tmp_path)
    student = folder / "ex3_angle.py"
    env = {**ENV, "PYTHONPATH": ROOT}

    def run(*args, **extra):
        start = time.monotonic()
        r = subprocess.run([sys.executable, str(folder / "check.py"), "3", *args], capture_output=True,
                           text=True, env={**env, **extra}, cwd=ROOT, timeout=120)
        return r, time.monotonic() - start
    student.write_text("def neuron_angles(W, B):\n    print('working on it')\n    while True:\n        pass\n")
    r, took = run(MINIFA_CHECK_TIMEOUT="2")
    assert r.returncode == 1 and took < 60, r.stdout + r.stderr
    assert r.stdout.splitlines()[0] == "working on it"           # the student's print comes through
    assert r.stdout.splitlines()[1].startswith("exercise 3: wrong: the check of exercise 3 did not "
                                               "finish in 2 s and was stopped"), r.stdout
    r, _ = run("--timeout", "2")
    assert r.returncode == 1 and "did not finish in 2 s" in r.stdout
    for source, where in (("import sys\nsys.exit(0)\n", "ex3_angle.py, when loaded,"),
                          ("import sys\n\ndef neuron_angles(W, B):\n    sys.exit(0)\n", "your neuron_angles")):
        student.write_text(source)
        r, _ = run()
        assert r.returncode == 1, r.stdout + r.stderr
        assert r.stdout.startswith(f"exercise 3: wrong: {where} tries to end the program: it raised "
                                   f"SystemExit(0)"), r.stdout
    r, _ = run("--timeout", "0")
    assert r.returncode == 2 and "positive number of seconds" in r.stdout and "Traceback" not in r.stderr
