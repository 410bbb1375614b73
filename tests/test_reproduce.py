"""minifa.reproduce: runs tutorials, and assembles REPRODUCTION.md from their JSON claims."""
import json
import os
import subprocess
import sys

import pytest

from minifa.reproduce import runner
from minifa.reproduce.claims import KEYS, claim, compare, versus
from minifa.reproduce.report import render
from minifa.reproduce.runner import collect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INFO = {"command": "python -m minifa.reproduce --test", "date": "today", "machine": "test box", "quick": True}


def _fake_tutorial(folder, stem, claims=None, **numbers):
    """A tutorial's output as reproduce reads it: <stem>.json (+ a png)."""
    with open(os.path.join(folder, stem + ".json"), "w") as f:
        json.dump({"device": "cpu", "quick": True, "wall_s": 1.5, **numbers,
                   **({"claims": claims} if claims is not None else {})}, f)
    with open(os.path.join(folder, stem + ".png"), "wb") as f:
        f.write(b"png")


def _report(tmp_path, results):
    out = str(tmp_path / "reproduction")
    return render(results, out, str(tmp_path / "REPRODUCTION.md"), INFO)


@pytest.fixture
def out(tmp_path):
    d = tmp_path / "reproduction"
    d.mkdir()
    return str(d)


def test_claims_become_table_rows_with_their_verdicts(tmp_path, out):
    claims = [claim("fig9_yes", "A beats B", "A: 2 ± 1 (n=3); B: 1 ± 1 (n=3)", "two-sample t-test",
                    3.5, 0.001, True, "09_fake.png", "784-100-10, he init"),
              claim("fig9_no", "C | D beats E", "C: 1", "paired t-test", -0.4, 0.7, False, "09_fake.png",
                    "pytorch init")]
    _fake_tutorial(out, "09_fake", claims, notes=["KMNIST: train images absent"], markdown="| x | y |")
    text = _report(tmp_path, [collect("09", "09_fake.py", out, {"status": "ok", "rc": 0, "wall_s": 2.0})])
    rows = [line for line in text.splitlines() if line.startswith("| 09 | fig9_")]
    assert len(rows) == 2
    assert "A beats B" in rows[0] and "| 3.5 |" in rows[0] and "0.001" in rows[0]
    assert "| reproduced |" in rows[0] and "[09_fake.png](reproduction/09_fake.png)" in rows[0]
    assert "**did not reproduce**" in rows[1] and "C \\| D beats E" in rows[1]   # | escaped in a cell
    assert "| 09 09_fake | ok | 2.0 | cpu | 1 of 2 |" in text                   # tutorials table
    assert "![09_fake](reproduction/09_fake.png)" in text                       # the figure
    assert "protocol: 784-100-10, he init" in text and "protocol: pytorch init" in text
    assert "Note: KMNIST: train images absent" in text and "| x | y |" in text


def test_tally_borderline_absent_and_beyond_the_paper(tmp_path, out):
    claims = [claim("a", "clear", "x", "t-test", 5.0, 1e-5, True, "09_f.png", "s"),
              claim("b", "close call", "x", "t-test", 2.1, 0.04, True, "09_f.png", "s"),
              claim("c", "failed", "x", "t-test", 0.5, 0.6, False, "09_f.png", "s"),
              claim("d", "no data", "—", "t-test", None, None, False, "09_f.png", "s", absent=True),
              claim("e", "other rule", "x", "t-test", 3.0, 0.001, True, "09_f.png", "s", beyond=True)]
    _fake_tutorial(out, "09_f", claims)
    text = _report(tmp_path, [collect("09", "09_f.py", out, {"status": "ok", "rc": 0, "wall_s": 1.0})])
    assert "Tally: 2 of 3 tested claims reproduced, 1 not, 1 absent (data missing); 1 borderline." in text
    assert "| 09 | b | close call |" in text and "reproduced (borderline p)" in text
    assert "absent (not tested)" in text
    beyond = text.split("## Beyond the paper")[1]
    assert "| 09 | e | other rule |" in beyond and "| 09 | e |" not in text.split("## Beyond the paper")[0]


def test_failed_missing_and_claimless_tutorials_are_reported(tmp_path, out):
    log = os.path.join(out, "10_broken.log")
    with open(log, "w") as f:
        f.write("Traceback ...\nValueError: the data are gone\n")
    _fake_tutorial(out, "01_plain", None)
    results = [collect("01", "01_plain.py", out, {"status": "ok", "rc": 0, "wall_s": 1.0}),
               collect("04", None, out),
               collect("10", "10_broken.py", out, {"status": "failed", "rc": 1, "wall_s": 0.5, "log": log})]
    text = _report(tmp_path, results)
    assert "| 10 10_broken | **FAILED** (exit code 1) | 0.5 |" in text
    assert "ValueError: the data are gone" in text                              # its last output lines
    assert "| 04  | missing" in text
    assert "No claims listed" in text


def test_a_tutorial_that_exits_0_without_its_json_is_failed(tmp_path, out):
    res = collect("11", "11_silent.py", out, {"status": "ok", "rc": 0, "wall_s": 0.1})
    assert res["status"] == "failed" and "11_silent.json" in res["error"]
    assert "**FAILED**" in _report(tmp_path, [res])


def test_malformed_claims_are_flagged_not_trusted(tmp_path, out):
    _fake_tutorial(out, "12_bad", [{"id": "x", "claim": "no numbers"}])
    text = _report(tmp_path, [collect("12", "12_bad.py", out, {"status": "ok", "rc": 0, "wall_s": 1})])
    assert "malformed claim 'x'" in text and "| 12 | x |" not in text


def test_compare_and_versus_decide_with_the_claimed_direction():
    a, b = [5.0, 5.1, 5.2, 4.9, 5.05], [1.0, 1.1, 0.9, 1.2, 1.0]
    assert compare("c", "a > b", a, b, ("a", "b"))["reproduced"] is True
    assert compare("c", "a < b", a, b, ("a", "b"), larger=False)["reproduced"] is False
    assert compare("c", "paired", a, b, ("a", "b"), paired=True)["test"].startswith("paired")
    v = versus("v", "below 90", [80.0, 82.0, 79.0, 81.0], 90.0, "after", larger=False)
    assert v["reproduced"] is True and v["t"] < 0
    assert set(v) == set(KEYS)


def test_select_lists_missing_tutorials_too():
    found = {"01": "a", "03": "b"}
    assert runner.select(found, "3,04") == ["03", "04"]
    assert runner.select(found)[:3] == ["01", "02", "03"] and "08" in runner.select(found)


def test_reproduce_quick_runs_tutorials_and_writes_the_report(tmp_path):
    out = tmp_path / "reproduction"
    env = {**os.environ, "MINIFA_DEVICE": "cpu", "MPLBACKEND": "Agg"}
    r = subprocess.run([sys.executable, "-m", "minifa.reproduce", "--quick", "--only", "01,03",
                        "--threads", "1", "--out", str(out)], capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "01_equations.py: ok" in r.stdout and "03_alignment.py: ok" in r.stdout
    text = (out / "REPORT.md").read_text()             # a partial run never writes REPRODUCTION.md
    numbers = json.loads((out / "03_alignment.json").read_text())
    for c in numbers["claims"]:                                  # every claim of 03 has its row
        assert f"| 03 | {c['id']} |" in text
    assert "| 01 01_equations | ok |" in text and "![03_alignment](03_alignment.png)" in text
    assert "02_noise_pretraining" not in text                   # --only: nothing else ran
    assert not [f for f in os.listdir(tmp_path) if ".partial" in f]


GOOD = '''import argparse, json, os
ap = argparse.ArgumentParser(); ap.add_argument("--out"); ap.add_argument("--quick", action="store_true")
a = ap.parse_args()
open(os.path.join(a.out, "01_ok.png"), "wb").write(b"png")
json.dump({"device": "cpu", "quick": a.quick, "wall_s": 0.1, "claims": [{"id": "c1", "claim": "x beats y",
    "ours": "x: 1", "test": "t-test", "t": 3.5, "p": 0.004, "reproduced": True, "figure": "01_ok.png",
    "settings": "s"}]}, open(os.path.join(a.out, "01_ok.json"), "w"))
print("wall time: 0.1 s")
'''


def test_main_goes_on_after_a_crash_and_a_timeout(tmp_path, capsys):
    tdir = tmp_path / "tutorials"
    tdir.mkdir()
    (tdir / "01_ok.py").write_text(GOOD)
    (tdir / "02_crash.py").write_text("print('starting'); raise SystemExit('boom: data absent')")
    (tdir / "03_slow.py").write_text("import time; time.sleep(60)")
    rc = runner.main(["--tutorials", str(tdir), "--only", "1,2,3,4", "--quick", "--timeout", "3",
                         "--out", str(tmp_path / "reproduction")])
    assert rc == 1                                               # some tutorials failed
    text = (tmp_path / "reproduction" / "REPORT.md").read_text()
    assert "| 01 | c1 | x beats y |" in text and "| reproduced |" in text
    assert "| 02 02_crash | **FAILED** (exit code 1) |" in text and "boom: data absent" in text
    assert "| 03 03_slow | **FAILED** (timed out) |" in text
    assert "| 04  | missing" in text
    assert "failed tutorials: 02, 03" in capsys.readouterr().out


ECHO_INIT = '''import argparse, json, os, sys
ap = argparse.ArgumentParser(); ap.add_argument("--out"); ap.add_argument("--quick", action="store_true")
{extra}
a = ap.parse_args()
stem = os.path.basename(__file__)[:-3]
json.dump({{"device": "cpu", "quick": a.quick, "wall_s": 0.1, "argv": sys.argv[1:]}},
          open(os.path.join(a.out, stem + ".json"), "w"))
'''


def test_init_is_passed_to_the_tutorials_that_take_it(tmp_path):
    tdir, out = tmp_path / "tutorials", tmp_path / "reproduction"
    tdir.mkdir()
    (tdir / "01_plain.py").write_text(ECHO_INIT.format(extra=""))
    (tdir / "02_nets.py").write_text(ECHO_INIT.format(
        extra='ap.add_argument("--init", default="pytorch")  # init=(str, "pytorch", "...")'))
    assert runner.main(["--tutorials", str(tdir), "--init", "he", "--out", str(out)]) == 0
    assert json.loads((out / "01_plain.json").read_text())["argv"] == ["--out", str(out)]
    assert json.loads((out / "02_nets.json").read_text())["argv"][-2:] == ["--init", "he"]
    assert "initialisation 'he' in every tutorial that takes --init" in (tmp_path / "REPRODUCTION.md").read_text()


def test_a_partial_or_quick_run_never_overwrites_the_committed_report(tmp_path, monkeypatch):
    for argv in (["--quick"], ["--only", "03"], ["--lab", "--only", "3"]):
        for target in (["--out", os.path.join(ROOT, "reproduction")], ["--report", os.path.join(ROOT, "REPRODUCTION.md")]):
            with pytest.raises(SystemExit, match="refusing to write"):
                runner.main(argv + target + ["--no-run"])
    # without --out the partial run goes to runs/<size>/ under the working directory
    monkeypatch.chdir(tmp_path)
    assert runner.main(["--quick", "--only", "1", "--no-run", "--tutorials", str(tmp_path)]) == 0
    assert (tmp_path / "runs" / "quick" / "REPORT.md").exists()


def test_a_tutorial_runs_in_a_notebook_kernel(tmp_path, monkeypatch):
    """Jupyter / VS Code pass the kernel's own flags (-f kernel.json): a tutorial ignores them,
    takes its own from MINIFA_TUTORIAL_ARGS, and names its files after 'Tutorial NN'."""
    import types
    from minifa.reproduce.tutorial import Tutorial
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    monkeypatch.setattr(sys, "argv", ["/x/ipykernel_launcher.py", "-f", "/y/kernel-1.json"])
    monkeypatch.setenv("MINIFA_TUTORIAL_ARGS", f"--quick --out {tmp_path}")
    run = Tutorial("Tutorial 3: a test\n", paper=dict(n=10), quick=dict(n=2))
    assert run.size == "quick" and run.cfg.n == 2 and run.stem == "tutorial_03"
    assert run.args.out == str(tmp_path)


def test_a_budget_cut_is_printed_and_full_restores_the_papers_protocol(tmp_path, capsys):
    """The default (paper) size may leave a part out to fit the time budget: said as a deviation
    with its reason; --full runs the paper's values; --lab and --quick keep their own."""
    from minifa.reproduce.tutorial import Tutorial
    kw = dict(paper=dict(depths=[2, 3, 4, 5, 6], bp=True), lab=dict(depths=[2]),
              budget=dict(depths=[2, 4, 6], why="to fit the budget"))
    run = Tutorial("Tutorial 5: t\n", argv=["--out", str(tmp_path)], **kw)
    assert run.cfg.depths == [2, 4, 6] and run.cfg.bp is True
    assert "to fit the budget (--full runs the paper's protocol): depths [2, 4, 6] (paper: [2, 3, 4, 5, 6])" in capsys.readouterr().out
    full = Tutorial("Tutorial 5: t\n", argv=["--full", "--out", str(tmp_path)], **kw)
    assert full.cfg.depths == [2, 3, 4, 5, 6] and not full.deviations
    assert Tutorial("Tutorial 5: t\n", argv=["--lab", "--out", str(tmp_path)], **kw).cfg.depths == [2]
