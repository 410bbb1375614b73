"""minifa.reproduce: runs the experiments as worker processes, and assembles REPRODUCTION.md
from their JSON claims."""
import json
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from minifa.experiments.claims import KEYS, claim, compare, versus
from minifa.reproduce import jobs, runner
from minifa.reproduce.report import render
from minifa.reproduce.runner import collect

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INFO = {"command": "python -m minifa.reproduce --test", "date": "today", "machine": "test box", "quick": True}
ENV = {**os.environ, "MINIFA_DEVICE": "cpu", "MPLBACKEND": "Agg", "MINIFA_QUIET": "1"}


def exp(stem, title="Tutorial 9: a fake", takes_init=False):
    return SimpleNamespace(STEM=stem, TITLE=title, NAME=stem[3:], TAKES_INIT=takes_init)


def _fake_output(folder, stem, claims=None, **numbers):
    """An experiment's output as reproduce reads it: <stem>.json (+ a png)."""
    with open(os.path.join(folder, stem + ".json"), "w") as f:
        json.dump({"device": "cpu", "quick": True, "wall_s": 1.5, **numbers,
                   **({"claims": claims} if claims is not None else {})}, f)
    with open(os.path.join(folder, stem + ".png"), "wb") as f:
        f.write(b"png")


def _report(tmp_path, results):
    return render(results, str(tmp_path / "reproduction"), str(tmp_path / "REPRODUCTION.md"), INFO)


@pytest.fixture
def out(tmp_path):
    d = tmp_path / "reproduction"
    d.mkdir()
    return str(d)


def test_an_underflowed_p_is_written_as_a_bound_not_zero(tmp_path, out):
    from minifa.stats import p_text
    assert p_text(0.0) == "p < 1e-300" and p_text(0.0123) == "p = 0.012" and p_text(2e-9, ".1e") == "p = 2.0e-09"
    assert p_text(0.0, named=False) == "< 1e-300" and p_text(0.0123, named=False) == "0.012"
    claims = [claim("fig9_huge", "A beats B", "A: 2 ± 0.01 (n=10000)", "one-sample t-test", 49.4, 0.0, True,
                    "09_fake.png", "784-100-10")]
    _fake_output(out, "09_fake", claims)
    text = _report(tmp_path, [collect("09", exp("09_fake"), out, {"status": "ok", "rc": 0, "wall_s": 2.0})])
    row = next(line for line in text.splitlines() if line.startswith("| 09 | fig9_huge"))
    assert "| 49.4 | < 1e-300 |" in row
    assert "t = 49.4, p < 1e-300;" in text and "p = 0;" not in text


def test_claims_become_table_rows_with_their_verdicts(tmp_path, out):
    claims = [claim("fig9_yes", "A beats B", "A: 2 ± 1 (n=3); B: 1 ± 1 (n=3)", "two-sample t-test",
                    3.5, 0.001, True, "09_fake.png", "784-100-10, he init"),
              claim("fig9_no", "C | D beats E", "C: 1", "paired t-test", -0.4, 0.7, False, "09_fake.png",
                    "pytorch init")]
    _fake_output(out, "09_fake", claims, notes=["KMNIST: train images absent"], markdown="| x | y |")
    text = _report(tmp_path, [collect("09", exp("09_fake"), out, {"status": "ok", "rc": 0, "wall_s": 2.0})])
    rows = [line for line in text.splitlines() if line.startswith("| 09 | fig9_")]
    assert len(rows) == 2
    assert "A beats B" in rows[0] and "| 3.5 | 0.001 |" in rows[0]
    assert "| reproduced |" in rows[0] and "[09_fake.png](reproduction/09_fake.png)" in rows[0]
    assert "**did not reproduce**" in rows[1] and "C \\| D beats E" in rows[1]   # | escaped in a cell
    assert "| 09 09_fake | ok | 2.0 | cpu | 1 of 2 |" in text
    assert "![09_fake](reproduction/09_fake.png)" in text and "*Tutorial 9: a fake*" in text
    assert "protocol: 784-100-10, he init" in text and "protocol: pytorch init" in text
    assert "Note: KMNIST: train images absent" in text and "| x | y |" in text


def test_tally_borderline_absent_and_beyond_the_paper(tmp_path, out):
    claims = [claim("a", "clear", "x", "t-test", 5.0, 1e-5, True, "09_f.png", "s"),
              claim("b", "close call", "x", "t-test", 2.1, 0.04, True, "09_f.png", "s"),
              claim("c", "failed", "x", "t-test", 0.5, 0.6, False, "09_f.png", "s"),
              claim("d", "no data", "—", "t-test", None, None, False, "09_f.png", "s", absent=True),
              claim("e", "other rule", "x", "t-test", 3.0, 0.001, True, "09_f.png", "s", beyond=True)]
    _fake_output(out, "09_f", claims)
    text = _report(tmp_path, [collect("09", exp("09_f"), out, {"status": "ok", "rc": 0, "wall_s": 1.0})])
    assert "Tally: 2 of 3 tested claims reproduced, 1 not, 1 absent (data missing); 1 borderline." in text
    assert "| 09 | b | close call |" in text and "reproduced (borderline p)" in text
    assert "absent (not tested)" in text
    beyond = text.split("## Beyond the paper")[1]
    assert "| 09 | e | other rule |" in beyond and "| 09 | e |" not in text.split("## Beyond the paper")[0]


def test_failed_and_claimless_experiments_are_reported(tmp_path, out):
    log = os.path.join(out, "10_broken.log")
    with open(log, "w") as f:
        f.write("Traceback ...\nValueError: the data are gone\n")
    _fake_output(out, "01_plain", None)
    results = [collect("01", exp("01_plain"), out, {"status": "ok", "rc": 0, "wall_s": 1.0}),
               collect("10", exp("10_broken"), out, {"status": "failed", "rc": 1, "wall_s": 0.5, "log": log})]
    text = _report(tmp_path, results)
    assert "| 10 10_broken | **FAILED** (exit code 1) | 0.5 |" in text
    assert "ValueError: the data are gone" in text                              # its last output lines
    assert "No claims listed" in text


def test_an_experiment_that_exits_0_without_its_json_is_failed(tmp_path, out):
    res = collect("11", exp("11_silent"), out, {"status": "ok", "rc": 0, "wall_s": 0.1})
    assert res["status"] == "failed" and "11_silent.json" in res["error"]
    assert "**FAILED**" in _report(tmp_path, [res])


def test_malformed_claims_are_flagged_not_trusted(tmp_path, out):
    _fake_output(out, "12_bad", [{"id": "x", "claim": "no numbers"}])
    text = _report(tmp_path, [collect("12", exp("12_bad"), out, {"status": "ok", "rc": 0, "wall_s": 1})])
    assert "malformed claim 'x'" in text and "| 12 | x |" not in text


def test_compare_and_versus_decide_with_the_claimed_direction():
    a, b = [5.0, 5.1, 5.2, 4.9, 5.05], [1.0, 1.1, 0.9, 1.2, 1.0]
    assert compare("c", "a > b", a, b, ("a", "b"))["reproduced"] is True
    assert compare("c", "a < b", a, b, ("a", "b"), larger=False)["reproduced"] is False
    assert compare("c", "paired", a, b, ("a", "b"), paired=True)["test"].startswith("paired")
    v = versus("v", "below 90", [80.0, 82.0, 79.0, 81.0], 90.0, "after", larger=False)
    assert v["reproduced"] is True and v["t"] < 0
    assert set(v) == set(KEYS)


def test_select_takes_numbers_and_names_and_refuses_the_rest():
    found = {"01": exp("01_equations"), "04": exp("04_fast_learning")}
    found["04"].NAME = "fig2"
    assert runner.select(found, "4,01") == ["01", "04"] and runner.select(found, "fig2") == ["04"]
    assert runner.select(found) == ["01", "04"]
    for bad in ("abc", "99", ","):
        with pytest.raises(ValueError, match="no experiment"):
            runner.select(found, bad)


@pytest.mark.parametrize("argv, says", [(["--jobs", "0"], "--jobs must be >= 1"),
                                        (["--timeout", "-5"], "--timeout must be > 0"),
                                        (["--threads", "-3"], "--threads must be >= 1"),
                                        (["--only", "abc"], "no experiment abc"),
                                        (["--only", "99"], "no experiment 99")])
def test_bad_flags_exit_2_with_one_line(argv, says, tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        runner.main(argv + ["--quick", "--out", str(tmp_path / "o")])
    assert e.value.code == 2 and says in capsys.readouterr().err
    assert not (tmp_path / "o").exists()                   # refused before any work


def test_gpu_asked_without_cuda_is_one_line_not_a_traceback(tmp_path):
    pytest.importorskip("minifa.backend")
    from minifa import backend
    if backend._cupy_or_none() is not None:
        pytest.skip("a GPU is present: MINIFA_DEVICE=gpu is valid here")
    r = subprocess.run([sys.executable, "-m", "minifa.reproduce", "--quick", "--only", "1", "--out",
                        str(tmp_path / "o")], capture_output=True, text=True, timeout=120,
                       env={**ENV, "MINIFA_DEVICE": "gpu"}, cwd=tmp_path)
    assert r.returncode == 2 and "Traceback" not in r.stderr and "CuPy" in r.stderr


def _fake_registry(monkeypatch, tmp_path, scripts):
    """Experiments whose worker is a given script (real subprocesses, fake science)."""
    found = {}
    for num, (stem, code) in scripts.items():
        path = tmp_path / f"{stem}.py"
        path.write_text(code)
        found[num] = exp(stem)
    monkeypatch.setattr(runner, "registry", lambda: found)
    monkeypatch.setattr(runner, "speed", lambda: "fast")
    monkeypatch.setattr(jobs, "command", lambda num, out, size, init, takes: [
        sys.executable, str(tmp_path / f"{found[num].STEM}.py"), "--out", out, f"--{size}"])


GOOD = '''import argparse, json, os
ap = argparse.ArgumentParser(); ap.add_argument("--out"); ap.add_argument("--quick", action="store_true")
a = ap.parse_args()
stem = os.path.basename(__file__)[:-3]
open(os.path.join(a.out, stem + ".png"), "wb").write(b"png")
json.dump({"device": "cpu", "quick": a.quick, "wall_s": 0.1, "claims": [{"id": "c1", "claim": "x beats y",
    "ours": "x: 1", "test": "t-test", "t": 3.5, "p": 0.004, "reproduced": True, "figure": stem + ".png",
    "settings": "s"}]}, open(os.path.join(a.out, stem + ".json"), "w"))
'''


def test_a_failed_run_leaves_the_previous_report_and_says_where_its_results_are(tmp_path, monkeypatch, capsys):
    _fake_registry(monkeypatch, tmp_path, {"01": ("01_ok", GOOD),
                                           "02": ("02_crash", "print('starting'); raise SystemExit('boom: data absent')"),
                                           "03": ("03_slow", "import time; time.sleep(60)")})
    out = tmp_path / "runs"
    out.mkdir()
    (out / "REPORT.md").write_text("the previous report")
    (out / "01_ok.json").write_text("previous numbers")
    rc = runner.main(["--quick", "--timeout", "3", "--out", str(out)])
    assert rc == 1
    assert (out / "REPORT.md").read_text() == "the previous report"          # nothing replaced
    assert (out / "01_ok.json").read_text() == "previous numbers"
    said = capsys.readouterr().out
    stage = said.split("results and report are in ")[1].split()[0]
    text = open(os.path.join(stage, "REPORT.md")).read()                      # the failed run's own report
    assert "| 01 | c1 | x beats y |" in text and "boom: data absent" in text
    assert "| 02 02_crash | **FAILED** (exit code 1) |" in text and "| 03 03_slow | **FAILED** (timed out) |" in text
    assert "failed experiments: 02, 03" in said


def test_a_complete_run_moves_its_results_into_place(tmp_path, monkeypatch):
    _fake_registry(monkeypatch, tmp_path, {"01": ("01_ok", GOOD)})
    out = tmp_path / "runs"
    out.mkdir()
    (out / "01_ok_old_panel.png").write_text("a figure this run no longer draws")
    (out / "99_other.json").write_text("another experiment's result")
    assert runner.main(["--quick", "--out", str(out)]) == 0
    assert json.loads((out / "01_ok.json").read_text())["claims"][0]["id"] == "c1"
    assert "| 01 | c1 |" in (out / "REPORT.md").read_text() and (out / "logs" / "01_ok.log").exists()
    assert not (out / "01_ok_old_panel.png").exists() and (out / "99_other.json").exists()
    assert not [p for p in os.listdir(tmp_path) if "-partial-" in p] and not (out / ".minifa-reproduce.lock").exists()


def test_one_run_per_output_folder_and_a_stale_lock_is_taken_over(tmp_path, monkeypatch, capsys):
    _fake_registry(monkeypatch, tmp_path, {"01": ("01_ok", GOOD)})
    out = tmp_path / "runs"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (out / ".minifa-reproduce.lock").write_text(f"{holder.pid} 2026-01-01T00:00:00\n")
        assert runner.main(["--quick", "--out", str(out)]) == 2
        assert f"another reproduction (pid {holder.pid}" in capsys.readouterr().err
    finally:
        holder.kill()
        holder.wait()
    assert runner.main(["--quick", "--out", str(out)]) == 0                   # the holder is dead now
    assert f"taking over a stale lock of pid {holder.pid}" in capsys.readouterr().out


def test_the_committed_report_is_guarded_through_symlinks(tmp_path):
    link = tmp_path / "alias"
    link.symlink_to(os.path.join(ROOT, "reproduction"))
    for argv in (["--quick"], ["--only", "03"], ["--lab", "--only", "3"]):
        for target in (["--out", os.path.join(ROOT, "reproduction")], ["--out", str(link)],
                       ["--report", os.path.join(ROOT, "REPRODUCTION.md")]):
            assert runner.main(argv + target + ["--no-run"]) == 2


def test_a_read_only_out_fails_at_once(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(ro)], capture_output=True).returncode:
        pytest.skip("cannot mount a read-only tmpfs here (needs root); chmod does not stop root")
    try:
        r = subprocess.run([sys.executable, "-m", "minifa.reproduce", "--quick", "--only", "3", "--out", str(ro)],
                           capture_output=True, text=True, env=ENV, timeout=60, cwd=tmp_path)
    finally:
        subprocess.run(["umount", str(ro)])
    assert r.returncode == 2 and "cannot write into" in r.stderr and "Read-only" in r.stderr


def test_ctrl_c_stops_every_worker_and_keeps_the_previous_results(tmp_path):
    """A real SIGINT to a real reproduction at the paper's size: exit 130 within seconds, no
    worker left, the output folder as it was. Started with SIGINT ignored, as a shell starts a
    background job (`cmd &`): the runner must still take it."""
    import signal
    out = tmp_path / "reproduction"
    out.mkdir()
    (out / "03_alignment.json").write_text("previous")
    p = subprocess.Popen([sys.executable, "-m", "minifa.reproduce", "--only", "02,03", "--jobs", "2", "--force",
                          "--out", str(out)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         env=ENV, cwd=tmp_path, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    try:
        _interrupt_and_check(p, tmp_path, out)
    finally:                                          # a failed check must not leave a run behind
        if p.poll() is None:
            p.terminate()                             # SIGTERM: the runner stops its workers too
            p.wait(timeout=30)


def _interrupt_and_check(p, tmp_path, out):
    import signal
    import time
    stage = None
    for _ in range(600):                              # until both workers run (their logs exist)
        stages = [d for d in os.listdir(tmp_path) if "-partial-" in d]
        if stages and len(os.listdir(tmp_path / stages[0] / "logs") if (tmp_path / stages[0] / "logs").exists() else []) == 2:
            stage = tmp_path / stages[0]
            break
        time.sleep(0.1)
    assert stage is not None, "the workers never started"
    time.sleep(2)
    t0 = time.perf_counter()
    p.send_signal(signal.SIGINT)
    said = p.communicate(timeout=20)[0]
    assert p.returncode == 130 and time.perf_counter() - t0 < 20
    assert "interrupted" in said and str(stage) in said
    assert (out / "03_alignment.json").read_text() == "previous" and not (out / "REPORT.md").exists()
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert str(stage) not in ps                       # no worker outlived the run


def test_a_claim_with_a_nan_test_is_no_result_not_a_failure(tmp_path, out):
    """Identical samples or NaN numbers give t = p = NaN: the run has no result for that claim,
    which the tally must not read as 'NOT reproduced'."""
    claims = [claim("ok", "fine", "x", "t-test", 5.0, 1e-5, True, "09_f.png", "s"),
              claim("nan", "broken run", "x", "t-test", float("nan"), float("nan"), False, "09_f.png", "s")]
    _fake_output(out, "09_f", claims)
    text = _report(tmp_path, [collect("09", exp("09_f"), out, {"status": "ok", "rc": 0, "wall_s": 1.0})])
    assert "Tally: 1 of 1 tested claims reproduced, 0 not" in text and "1 without a result" in text
    assert "| 09 | nan | broken run |" in text and "**no result** (t-test undefined: NaN)" in text


def test_a_complete_run_describes_itself_and_other_choices_sit_beside_it(tmp_path, monkeypatch):
    """run.json records a complete run (command, choices, wall time); --no-run rebuilds the report with
    that description; a run kept in a folder inside --out (another pipeline choice) gets its row in the
    sensitivity table, tallied like the header."""
    _fake_registry(monkeypatch, tmp_path, {"01": ("01_ok", GOOD)})
    out = tmp_path / "runs"
    assert runner.main(["--quick", "--out", str(out)]) == 0
    info = json.loads((out / "run.json").read_text())
    assert info["command"] == f"python -m minifa.reproduce --quick --out {out}" and info["wall"] > 0
    assert info["report"] == "REPORT.md" and info["scaling"] == "standard" and info["init"] == "he"
    other = out / "standard"
    other.mkdir()
    paper = {"id": "p1", "claim": "x", "ours": "x", "test": "t", "t": 5.0, "p": 1e-5, "reproduced": True,
             "figure": "f.png", "settings": "s", "kind": "paper", "verdict_at_paper_level": "reproduced", "ref": "a"}
    untested = {**paper, "id": "u1", "kind": "paper-untested", "reproduced": False, "p": 0.5, "ref": "b"}
    (other / "04_x.json").write_text(json.dumps({"claims": [paper, untested]}))
    (other / "run.json").write_text(json.dumps({"command": "c", "date": "d1", "scaling": "unit", "wall": 12.0,
                                                "report": "REPORT.md"}))
    assert runner.main(["--quick", "--out", str(out), "--no-run"]) == 0
    text = (out / "REPORT.md").read_text()
    assert f"Generated by `python -m minifa.reproduce --quick --out {out} (report rebuilt on" in text
    assert "## Sensitivity: the same run under other pipeline choices" in text
    assert ("| [standard/](standard/) | init 'he', inputs in [0, 1] | 1 of 1 | 1 of 1 | 0 of 1 | "
            "12 s | d1 |") in text
    assert "| this report | init 'he', inputs standardised (mean, std) |" in text
    (other / "run.json").unlink()                      # an incomplete folder (no run.json) is not a row
    assert runner.main(["--quick", "--out", str(out), "--no-run"]) == 0
    assert "## Sensitivity" not in (out / "REPORT.md").read_text()


def test_no_run_rebuilds_the_tutorial_table_the_run_wrote(tmp_path, monkeypatch):
    """run.json keeps each worker's wall time, so a report rebuilt with --no-run shows the same
    tutorial table (wall times included) as the run's own, only its header says 'rebuilt'."""
    _fake_registry(monkeypatch, tmp_path, {"01": ("01_ok", GOOD)})
    out = tmp_path / "runs"
    assert runner.main(["--quick", "--out", str(out)]) == 0
    row = lambda: [l for l in (out / "REPORT.md").read_text().splitlines() if l.startswith("| 01 01_ok |")]
    first = row()
    info = json.loads((out / "run.json").read_text())
    assert set(info["walls"]) == {"01"} and len(first) == 1 and f"| {info['walls']['01']:.1f} |" in first[0]
    assert runner.main(["--quick", "--out", str(out), "--no-run"]) == 0
    assert row() == first and "(report rebuilt on" in (out / "REPORT.md").read_text()
    info["walls"]["01"] = 12.3                            # the row reads run.json, not the JSON's own clock
    (out / "run.json").write_text(json.dumps(info))
    assert runner.main(["--quick", "--out", str(out), "--no-run"]) == 0
    assert row() == ["| 01 01_ok | ok | 12.3 | cpu | 1 of 1 |"]


def test_the_sensitivity_section_lists_the_claims_whose_verdict_differs():
    """A claim of the paper with another verdict (at p < 0.05, or only at the paper's level) in an
    alternative run is listed with both verdicts; same verdicts, extras and unknown ids are not."""
    from minifa.reproduce.sensitivity import differing
    base = {"kind": "paper", "reproduced": True, "p": 1e-5, "verdict_at_paper_level": "reproduced", "panel": "Fig. 3f"}
    own = [{**base, "id": "a"}, {**base, "id": "b"}, {**base, "id": "c", "kind": "extra"}, {**base, "id": "d"},
           {**base, "id": "e", "kind": "paper-untested", "verdict_at_paper_level": None}]
    other = [{**base, "id": "a", "p": 0.2, "reproduced": False, "verdict_at_paper_level": "not reproduced"},
             {**base, "id": "b", "p": 0.01, "verdict_at_paper_level": "not reproduced"},
             {**base, "id": "c", "reproduced": False},
             {**base, "id": "d", "p": 2e-5},
             {**base, "id": "e", "kind": "paper-untested", "verdict_at_paper_level": None, "absent": True}]
    diff = differing(own, other)
    assert [c["id"] for c, _, _ in diff] == ["a", "b", "e"]
    assert diff[0][1] == "reproduced (p = 1e-05), at the paper's level reproduced"
    assert diff[0][2] == "not reproduced (p = 0.2), at the paper's level not reproduced"
    assert diff[1][2] == "reproduced (p = 0.01), at the paper's level not reproduced" and diff[2][2] == "absent"


def test_the_protocol_line_on_a_tie_is_the_first_in_claim_order_whatever_the_hash_seed():
    """Two settings lines shared by as many claims (Table 1: two rows on one network, two absent
    datasets): the report names the first in claim order, the same under every PYTHONHASHSEED."""
    code = ("from minifa.reproduce.report import _protocol; print(_protocol({'numbers': {'claims': ["
            + ", ".join("{'id': '%s', 'claim': 'c', 'ours': 'o', 'test': 't', 't': 1.0, 'p': 0.5, 'reproduced': True, "
                        "'figure': 'f', 'settings': '%s'}" % (i, s) for i, s in enumerate(["B", "A", "B", "A", "C"]))
            + "]}}))")
    out = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout.strip() for seed in range(8)}
    assert out == {"B"}
