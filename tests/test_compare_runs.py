"""python -m minifa.reproduce.compare: the check that speed work changed no number. On copies of a
committed result file, with one value altered at a time."""
import json
import math
import os
import shutil
import subprocess
import sys

import pytest

from minifa.reproduce import compare

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STEM = "02_noise_pretraining.json"


@pytest.fixture
def folders(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for f in (a, b):
        f.mkdir()
        shutil.copy(os.path.join(ROOT, "reproduction", STEM), f / STEM)
    return a, b


def edit(folder, change):
    data = json.loads((folder / STEM).read_text())
    change(data)
    (folder / STEM).write_text(json.dumps(data))


def run(*args):
    return subprocess.run([sys.executable, "-m", "minifa.reproduce.compare", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT, timeout=60)


def test_identical_folders_and_the_run_times_ignored(folders):
    a, b = folders
    edit(b, lambda d: d.update(wall_s=d["wall_s"] + 1.0, timing_s={"noise": 3.0}))   # a run's own times
    edit(a, lambda d: d.update(timing_s={"noise": 2.0}))
    for flags in ((), ("--numbers",), ("--everything",)):
        r = run(*flags, a, b)
        assert r.returncode == 0 and r.stdout.strip().endswith(f"identical: {a} vs {b}"), r.stdout


def test_everything_finds_one_changed_value_deep_in_a_curve(folders):
    a, b = folders
    path = None

    def change(d):                       # the first float inside the first list of floats found
        nonlocal path
        stack = [("", d)]
        while stack:
            where, x = stack.pop(0)
            if isinstance(x, dict):
                stack += [(f"{where}.{k}", v) for k, v in x.items() if k != "claims"]
            elif isinstance(x, list) and x and isinstance(x[0], float):
                x[0] = math.nextafter(x[0], math.inf)          # the last bit only
                path = f"{where}[0]"
                return
            elif isinstance(x, list):
                stack += [(f"{where}[{i}]", v) for i, v in enumerate(x)]
    edit(b, change)
    assert path is not None
    assert run(a, b).returncode == 0                                  # the claims are the same ...
    r = run("--everything", a, b)
    assert r.returncode == 1 and f"  {path}: " in r.stdout and "1 values differ" in r.stdout, r.stdout


def test_claims_compare_t_and_p_bit_for_bit_and_numbers_ignores_texts(folders):
    a, b = folders
    edit(b, lambda d: d["claims"][0].update(claim=d["claims"][0]["claim"] + " (reworded)"))
    assert run("--numbers", a, b).returncode == 0
    r = run(a, b)
    assert r.returncode == 1 and ".claim:" in r.stdout
    edit(b, lambda d: d["claims"][0].update(p=d["claims"][0]["p"] * (1 + 1e-15) + 1e-300))
    r = run("--numbers", a, b)
    assert r.returncode == 1 and ".p:" in r.stdout


def test_bad_uses_exit_2(folders, tmp_path):
    a, b = folders
    r = run("--everything", "--numbers", a, b)
    assert r.returncode == 2 and "leave out --numbers" in r.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run(a, empty)
    assert r.returncode == 2 and "no NN_*.json files there" in r.stderr


def test_a_file_only_in_one_folder_is_a_difference(folders):
    a, b = folders
    shutil.copy(os.path.join(ROOT, "reproduction", "01_equations.json"), b / "01_equations.json")
    lines, n = compare.everything(str(a), str(b))
    assert n == 1 and lines[0] == f"01_equations: only in {b}"


def test_everything_tells_zero_from_minus_zero_and_int_from_float(folders):
    a, b = folders
    edit(a, lambda d: d.update(extra=[0.0, 1, float("nan")]))
    edit(b, lambda d: d.update(extra=[0.0, 1, float("nan")]))
    assert run("--everything", a, b).returncode == 0                  # NaN equals NaN
    edit(b, lambda d: d.update(extra=[-0.0, 1.0, float("nan")]))
    r = run("--everything", a, b)
    assert r.returncode == 1 and ".extra[0]: 0.0 -> -0.0" in r.stdout and ".extra[1]: 1 -> 1.0" in r.stdout, r.stdout
