"""The exercises as an instructor's kit: the stretch exercises 5 and 6 (correct and typical
wrong solutions), the reference solutions in tutorials/exercises/solutions/ (each passes
`check.py N --solution PATH`, each student stub fails it, the stubs are made from them by
make_stubs.py), and the command line's --solution and score line. Candidates are small modules
built here; the checker is the one tests/test_exercises.py loads."""
import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.linalg
from scipy import stats

from test_exercises import CHECK, ENV, ROOT, checker, module

EXERCISES = Path(CHECK).parent
SOLUTIONS = EXERCISES / "solutions"
MAKE_STUBS = EXERCISES / "make_stubs.py"


# ---------------------------------------------------------------- exercise 5: the effective rank (§4.2)

def erank_right(A):
    s = np.linalg.svd(A, compute_uv=False)
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-(p * np.log(p)).sum()))


def erank_right_scipy(A):                    # scipy's entropy normalises and treats 0 log 0 = 0 itself
    return float(np.exp(stats.entropy(scipy.linalg.svdvals(A))))


def erank_entropy_only(A):
    s = np.linalg.svd(A, compute_uv=False)
    p = s / s.sum()
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def erank_squared(A):                        # eigenvalues of A^T A instead of singular values
    s = np.linalg.svd(A, compute_uv=False) ** 2
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-(p * np.log(p)).sum()))


def erank_zeros_kept(A):                     # 0 log 0 is nan in NumPy
    s = np.linalg.svd(A, compute_uv=False)
    p = s / s.sum()
    return float(np.exp(-(p * np.log(p)).sum()))


def erank_log2(A):
    s = np.linalg.svd(A, compute_uv=False)
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-(p * np.log2(p)).sum()))


def erank_ordinary_rank(A):
    return float(np.linalg.matrix_rank(A))


def erank_in_place(A):
    A /= np.abs(A).max()                     # harmless for the value, not for the caller's A
    return erank_right(A)


# ---------------------------------------------------------------- exercise 6: t-test against 90 deg

def ttest_right(angles):
    a = np.asarray(angles, float)
    t = (a.mean() - 90) / (a.std(ddof=1) / np.sqrt(a.size))
    return float(t), float(2 * stats.t.sf(abs(t), a.size - 1))


def ttest_right_cdf(angles):                 # the lower tail's cdf keeps small p-values too
    a = np.asarray(angles, float)
    t = (a.mean() - 90) * np.sqrt(a.size) / np.sqrt(np.var(a, ddof=1))
    return float(t), float(2 * stats.t.cdf(-abs(t), a.size - 1))


def ttest_ddof0(angles):
    t = (angles.mean() - 90) / (angles.std() / np.sqrt(angles.size))
    return t, 2 * stats.t.sf(abs(t), angles.size - 1)


def ttest_one_sided(angles):
    t = ttest_right(angles)[0]
    return t, stats.t.sf(abs(t), angles.size - 1)


def ttest_normal(angles):
    t = ttest_right(angles)[0]
    return t, 2 * stats.norm.sf(abs(t))


def ttest_one_minus_cdf(angles):
    t = ttest_right(angles)[0]
    return t, 2 * (1 - stats.t.cdf(abs(t), angles.size - 1))


def ttest_df_n(angles):
    t = ttest_right(angles)[0]
    return t, 2 * stats.t.sf(abs(t), angles.size)


def ttest_sign(angles):
    t, p = ttest_right(angles)
    return -t, p


def ttest_in_place(angles):
    angles -= 90
    t = angles.mean() / (angles.std(ddof=1) / np.sqrt(angles.size))
    return t, 2 * stats.t.sf(abs(t), angles.size - 1)


def noise_labels_minus_one(rng, batch_size, dim, n_classes):      # exercise 2's off-by-one label range
    return rng.standard_normal((batch_size, dim)), rng.integers(0, n_classes - 1, batch_size)


CORRECT = [(5, erank_right), (5, erank_right_scipy), (6, ttest_right), (6, ttest_right_cdf)]

WRONG = [  # (exercise, solution, words the diagnosis must contain)
    (5, erank_entropy_only, "you returned rho, the entropy"),
    (5, erank_squared, "SQUARED singular values"),
    (5, erank_zeros_kept, "0 * log 0 = nan"),
    (5, erank_log2, "log base 2"),
    (5, erank_ordinary_rank, "the ordinary rank"),
    (5, erank_in_place, "changed its input A in place"),
    (6, ttest_ddof0, "divides by n"),
    (6, ttest_one_sided, "one-sided"),
    (6, ttest_normal, "not the normal distribution"),
    (6, ttest_one_minus_cdf, "survival function"),
    (6, ttest_df_n, "n - 1, not n"),
    (6, ttest_sign, "wrong sign"),
    (6, ttest_in_place, "changed its input angles in place"),
    (2, noise_labels_minus_one, "do not subtract 1"),
]


@pytest.mark.parametrize("n, fn", CORRECT, ids=[f.__name__ for _, f in CORRECT])
def test_stretch_checker_accepts_correct_solutions(n, fn):
    ok, messages = checker.check(n, module(n, fn))
    assert ok, messages


@pytest.mark.parametrize("n, fn, words", WRONG, ids=[f.__name__ for _, f, _ in WRONG])
def test_stretch_checker_rejects_typical_mistakes_in_plain_words(n, fn, words):
    ok, messages = checker.check(n, module(n, fn))
    assert not ok and messages[0].startswith("wrong: ")
    assert words in messages[0], messages


# ---------------------------------------------------------------- the reference solutions and the stubs

SOLUTION_FILES = sorted(SOLUTIONS.glob("ex*_*.py"))


def number(path):
    return int(path.name[2:path.name.index("_")])


def test_six_exercises_each_with_a_solution_and_a_stub():
    assert [number(p) for p in SOLUTION_FILES] == sorted(checker.EXERCISES) == [1, 2, 3, 4, 5, 6]
    assert all((EXERCISES / p.name).is_file() for p in SOLUTION_FILES)


@pytest.mark.parametrize("path", SOLUTION_FILES, ids=[p.stem for p in SOLUTION_FILES])
def test_each_solution_passes_and_its_stub_fails(path):
    ok, messages = checker.check(number(path), path=path)          # a fresh Python, as the command line
    assert ok, messages
    ok, messages = checker.check(number(path), path=EXERCISES / path.name)
    assert not ok and messages[0].startswith("not written yet")


def run_check(*args, check=CHECK):
    return subprocess.run([sys.executable, str(check), *map(str, args)], capture_output=True, text=True,
                          env=ENV, cwd=ROOT, timeout=300)


def test_command_line_solutions_folder_scores_six_of_six():
    r = run_check("all", "--solution", SOLUTIONS)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "6 of 6 correct"
    r = run_check(4, "--solution", SOLUTIONS / "ex4_adam_step.py")
    assert r.returncode == 0 and r.stdout.startswith("exercise 4 (") and ": correct" in r.stdout.splitlines()[0]


def test_command_line_score_counts_what_is_correct(tmp_path):
    """A folder with four right files, one wrong, one still a stub: '4 of 6 correct', exit 1."""
    for p in SOLUTION_FILES:
        shutil.copy(p, tmp_path / p.name)
    shutil.copy(EXERCISES / "ex2_noise_sampler.py", tmp_path)           # the stub
    (tmp_path / "ex3_angle.py").write_text("import numpy as np\n\n\ndef neuron_angles(W, B):\n"
                                           "    return np.zeros(W.shape[1])\n")
    r = run_check("all", "--solution", tmp_path)
    assert r.returncode == 1, r.stdout + r.stderr
    heads = [line for line in r.stdout.splitlines() if line.startswith("exercise")]
    assert [(": correct" in h) for h in heads] == [True, False, False, True, True, True], heads
    assert "not written yet" in heads[1] and ": wrong: " in heads[2]
    assert r.stdout.splitlines()[-1] == "4 of 6 correct"


@pytest.mark.parametrize("args, words", [(("4", "--solution", "no/such/file.py"), "no such file or folder"),
                                         (("all", "--solution", SOLUTIONS / "ex4_adam_step.py"),
                                          "check.py 4 --solution"),
                                         (("4", "--solution"), "--solution needs a PATH")])
def test_command_line_refuses_a_bad_solution_path(args, words):
    r = run_check(*args)
    assert r.returncode == 2 and words in r.stdout and "Traceback" not in r.stderr, r.stdout + r.stderr


def test_stubs_are_in_sync_with_the_solutions():
    r = subprocess.run([sys.executable, str(MAKE_STUBS), "--check"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout


def test_make_stubs_finds_and_mends_a_stub_out_of_sync(tmp_path):
    folder = tmp_path / "exercises"
    (folder / "solutions").mkdir(parents=True)
    shutil.copy(MAKE_STUBS, folder)
    for p in SOLUTION_FILES:
        shutil.copy(p, folder / "solutions" / p.name)
        shutil.copy(EXERCISES / p.name, folder / p.name)
    sol = folder / "solutions" / "ex3_angle.py"
    sol.write_text(sol.read_text().replace("Exercise 3:", "Exercise 3 (edited):"))
    make = [sys.executable, str(folder / "make_stubs.py")]
    r = subprocess.run(make + ["--check"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and r.stdout.strip() == ("out of sync: ex3_angle.py (run python "
                                                      "tutorials/exercises/make_stubs.py)"), r.stdout
    assert subprocess.run(make, capture_output=True, timeout=60).returncode == 0
    stub = (folder / "ex3_angle.py").read_text()
    assert "Exercise 3 (edited):" in stub and 'raise NotImplementedError("your code here")' in stub
    assert "# SOLUTION" not in stub and "np.degrees" not in stub.split('"""')[-1]   # the answer is gone
    assert subprocess.run(make + ["--check"], capture_output=True, timeout=60).returncode == 0


def test_a_solution_without_its_block_is_refused():
    spec = importlib.util.spec_from_file_location("make_stubs", MAKE_STUBS)
    make_stubs = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_stubs)
    with pytest.raises(ValueError, match="# SOLUTION"):
        make_stubs.stub_of("def f():\n    return 1\n")
