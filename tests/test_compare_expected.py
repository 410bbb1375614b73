"""The expected outputs (tutorials/expected/, every tutorial at --lab) and tutorials/compare.py:
an expected file agrees with itself; an altered copy is told apart, naming what differs (exit 1);
a change within the run-to-run spread and a borderline verdict flip are not; bad input exits 2."""
import copy
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tutorials" / "expected"
COMPARE = ROOT / "tutorials" / "compare.py"
FILES = sorted(EXPECTED.glob("[0-9][0-9]_*.json"))
spec = importlib.util.spec_from_file_location("tutorial_compare", COMPARE)
compare = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare)


def run(*args):
    return subprocess.run([sys.executable, str(COMPARE), *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)


def read(stem):
    return json.loads((EXPECTED / f"{stem}.json").read_text())


def write(tmp_path, data, name):
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


def test_every_tutorial_has_its_expected_lab_output_and_figure():
    assert len(FILES) >= 8
    for path in FILES:
        data = json.loads(path.read_text())
        assert data["size"] == "lab" and data["config"]["seed"] == 0, path.name
        assert path.with_suffix(".png").is_file(), path.name


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_an_expected_file_agrees_with_itself(path):
    r = run(path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "identical: the same settings and every number equal to the last bit" in r.stdout
    assert r.stdout.splitlines()[-1].startswith("AGREE")


def first_group(c):
    m = compare.GROUP.search(c["ours"])
    return m, float(m["mean"]), float(m["sd"]), int(m["n"])


def moved(c, by_se):
    """A copy of claim c whose first group's mean moved by `by_se` standard errors of the difference."""
    m, mean, sd, n = first_group(c)
    decimals = len(m["mean"].split(".")[1]) if "." in m["mean"] else 0
    new = mean + by_se * (2 * sd * sd / n) ** 0.5 + (10 ** -decimals if by_se > 1 else 0)
    out = dict(c)
    out["ours"] = c["ours"][:m.start("mean")] + f"{new:.{decimals}f}" + c["ours"][m.end("mean"):]
    return out


def test_an_altered_copy_says_what_differs(tmp_path):
    data = read("04_fast_learning")
    claims = [c for c in data["claims"] if compare.GROUP.search(c["ours"] or "") and not c.get("absent")
              and first_group(c)[2] > 0]
    far, flip = claims[0], next(c for c in claims if not compare.borderline(c["p"]))
    altered = copy.deepcopy(data)
    for i, c in enumerate(altered["claims"]):
        if c["id"] == far["id"]:
            altered["claims"][i] = moved(c, 20)
        if c["id"] == flip["id"]:
            altered["claims"][i] = {**altered["claims"][i], "reproduced": not c["reproduced"]}
    r = run(write(tmp_path, altered, "mine.json"))
    assert r.returncode == 1, r.stdout + r.stderr
    name = first_group(far)[0]["name"].strip()
    assert re.search(rf"^  {re.escape(far['id'])}, {re.escape(name)}: yours .* standard errors apart "
                     r"\(beyond k = \d+\.\d\d\)$", r.stdout, re.M), r.stdout
    assert f"  {flip['id']}: yours {compare.verdict({**flip, 'reproduced': not flip['reproduced']})}" in r.stdout
    assert r.stdout.splitlines()[-1].startswith("DIFFER")


def test_a_change_within_the_spread_agrees_but_is_not_identical(tmp_path):
    data = read("03_alignment")
    data["claims"] = [moved(c, 0.5) if compare.GROUP.search(c["ours"] or "") else c for c in data["claims"]]
    data["wall_s"] += 1
    r = run(write(tmp_path, data, "03_alignment.json"))
    assert r.returncode == 0 and "identical" not in r.stdout, r.stdout + r.stderr
    assert re.search(r"numbers: (\d+) of \1 means within the run-to-run spread", r.stdout), r.stdout
    assert run(write(tmp_path, data, "03_alignment.json"), "--exact").returncode == 1


def test_a_borderline_verdict_flip_is_shown_and_not_counted(tmp_path):
    data = read("03_alignment")
    c = data["claims"][0]
    data["claims"][0] = {**c, "p": 0.04, "reproduced": not c["reproduced"]}
    r = run(write(tmp_path, data, "x.json"))
    assert r.returncode == 0 and f"  {c['id']}: yours" in r.stdout and "a borderline p, not counted" in r.stdout


def test_tutorial_01_numbers_compared_to_their_float64_accuracy(tmp_path):
    data = read("01_equations")
    data["inputs"]["W0"][0][0] += 1e-3
    r = run(write(tmp_path, data, "01.json"))
    assert r.returncode == 1 and "inputs.W0[0][0]: yours" in r.stdout, r.stdout
    data["inputs"]["W0"][0][0] -= 1e-3 - 1e-12                  # round-off sized: agrees
    assert run(write(tmp_path, data, "01.json")).returncode == 0


def test_k_is_the_documented_quantile_of_welch_t():
    """5 networks against 5 of equal sd: df 8, k = 5.04 (the docstring's example); large n: 3.29."""
    z, k, beyond = compare.spread((10.0, 1.0, 5, 0.0), (10.0 + 5.0 * (2 / 5) ** 0.5, 1.0, 5, 0.0))
    assert k == pytest.approx(stats.t.ppf(1 - compare.ALPHA / 2, 8)) and round(k, 2) == 5.04
    assert z == pytest.approx(5.0) and not beyond
    assert round(compare.spread((0.0, 1.0, 10 ** 6, 0.0), (0.0, 1.0, 10 ** 6, 0.0))[1], 2) == 3.29


def test_bad_input_exits_2_naming_the_problem(tmp_path):
    lab = read("03_alignment")
    quick = {**lab, "size": "quick", "config": {**lab["config"], "size": "quick"}}
    (tmp_path / "bad.json").write_text("{not json")
    cases = [(tmp_path / "none.json", "no such file"), (tmp_path / "bad.json", "not a JSON file"),
             (write(tmp_path, {"a": 1}, "a.json"), "not a tutorial's numbers"),
             (write(tmp_path, quick, "q.json"), "your run is --quick, the expected one --lab")]
    for path, words in cases:
        r = run(path)
        assert r.returncode == 2 and words in r.stderr and "Traceback" not in r.stderr, r.stderr
    r = run(EXPECTED / "03_alignment.json", "--expected", EXPECTED / "01_equations.json")
    assert r.returncode == 2 and "compare two runs of the same tutorial" in r.stderr
