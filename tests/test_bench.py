"""benchmarks/bench.py runs and prints its table and profile (timings are not asserted:
speed targets live in the benchmark's output, never in a test)."""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_bench_prints_table_and_profile():
    env = {**os.environ, "MINIFA_DEVICE": "cpu", "OPENBLAS_NUM_THREADS": "1"}
    r = subprocess.run([sys.executable, os.path.join(ROOT, "benchmarks", "bench.py"), "--steps", "20",
                        "--skip-protocol", "--profile"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    out = r.stdout
    assert "BLAS threads: 1" in out
    for row in ("minifa, 1 network", "minifa, 10 stacked (shared noise)",
                "minifa, 100 stacked (shared noise)", "minifa, 10 stacked (own noise each)"):
        m = re.search(re.escape(row) + r"\s+([0-9.]+)", out)
        assert m and float(m.group(1)) > 0, row
    assert ("PyTorch" in out and "1.00x" in out) or "PyTorch: skipped" in out   # 1.00x: the faster PyTorch row
    assert re.search(r"floor: the two first-layer products alone\s+[0-9.]+", out)
    assert "PyTorch: skipped" in out or re.search(r"targets: minifa, 1 network <= 0.50x: [0-9.]+x, (met|NOT met); "
                                                  r"minifa, 10 stacked \(own noise each\) <= 0.40x", out)
    for n in (1, 10):
        m = re.search(rf"profile, {n} network\(s\): one step \(forward \+ backward \+ Adam\) [0-9]+ us = [0-9]+ us per network", out)
        assert m, out
    assert out.count("Adam") >= 2 and out.count("forward (eq. 1)") == 2


def test_data_step_benchmark_times_a_stacked_step():
    """benchmarks/data_step.py's timing of a stacked data step and an evaluation pass, on a toy shape."""
    import numpy as np
    sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
    try:
        import data_step
    finally:
        sys.path.pop(0)
    us, ev = data_step.time_shape([20, 8, 10], np.random.default_rng(0))
    assert 0 < us < 1e6 and 0 < ev < 60
