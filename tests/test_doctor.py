"""python -m minifa.doctor: exit 0 when the lab can run here, 1 naming the fix when it cannot
(its data absent or corrupt, a GPU asked for that is not there), 2 on a bad flag."""
import os
import shutil
import subprocess
import sys

from data_helpers import real_mirror

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def doctor(env, *args):
    env = {**{k: v for k, v in os.environ.items() if k not in ("MINIFA_MIRROR", "MINIFA_DEVICE")}, **env}
    return subprocess.run([sys.executable, "-m", "minifa.doctor", *args], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120)


def test_ready_with_the_data_and_every_part_reported(tmp_path):
    r = doctor({"MINIFA_DATA": str(tmp_path), "MINIFA_MIRROR": str(real_mirror())})
    assert r.returncode == 0, r.stdout + r.stderr
    for part in ("Python", "numpy", "scipy", "matplotlib", "BLAS", "kernels       ", "threads", "device",
                 "µs per network-step",
                 "bits          W_0 kept as W_0^T gives"):
        assert part in r.stdout
    assert "mnist         * present, verified (train + test)" in r.stdout and "READY" in r.stdout
    import json
    import re
    committed = re.match(r"\d+", json.load(open(os.path.join(ROOT, "reproduction", "run.json")))["speed"]).group()
    assert f"the committed run's machine: {committed} µs)" in r.stdout      # read from reproduction/run.json


def test_it_says_which_adam_runs():
    r = doctor({"MINIFA_DEVICE": "cpu", "MINIFA_FUSED": "yes"})
    assert r.returncode == 1 and "Adam          NOT USABLE: MINIFA_FUSED must be 0 or 1" in r.stdout, r.stdout
    assert "Traceback" not in r.stderr
    r = doctor({"MINIFA_DEVICE": "cpu", "MINIFA_FUSED": "0"})
    assert "Adam          NumPy's 13 passes" in r.stdout, r.stdout
    try:
        import numba  # noqa: F401
    except ImportError:
        return                                                  # the [fast] extra absent: nothing more to check
    r = doctor({"MINIFA_DEVICE": "cpu"})
    assert "Adam          fused in one loop by Numba" in r.stdout, r.stdout


def test_not_ready_without_the_data_naming_data_fetch(tmp_path):
    r = doctor({"MINIFA_DATA": str(tmp_path)})
    assert r.returncode == 1 and "NOT READY" in r.stdout
    assert "MISSING (needed): python data_fetch.py mnist" in r.stdout


def test_a_corrupt_file_is_found_by_its_checksum(tmp_path):
    home = tmp_path / "home" / "mnist"
    shutil.copytree(real_mirror() / "mnist", home)
    for f in home.iterdir():
        f.chmod(0o644)
    labels = home / "t10k-labels-idx1-ubyte.gz"
    data = bytearray(labels.read_bytes())
    data[-1] ^= 0xFF                                   # one flipped byte
    labels.write_bytes(bytes(data))
    r = doctor({"MINIFA_DATA": str(tmp_path / "home")})
    assert r.returncode == 1 and "CORRUPT" in r.stdout and "checksum mismatch" in r.stdout


def test_the_whole_reproduction_needs_every_dataset(tmp_path):
    mirror = real_mirror()
    r = doctor({"MINIFA_DATA": str(tmp_path), "MINIFA_MIRROR": str(mirror)}, "--all")
    absent = [d for d in ("cifar100", "stl10") if not (mirror / d).is_dir()]
    assert r.returncode == (1 if absent else 0), r.stdout
    for d in absent:
        assert f"MISSING (needed): python data_fetch.py {d}" in r.stdout


def test_a_gpu_asked_for_without_one_is_not_ready(tmp_path):
    import importlib.util
    if importlib.util.find_spec("cupy") is not None:
        import pytest
        pytest.skip("CuPy is installed here: whether its GPU works is what the doctor would report")
    r = doctor({"MINIFA_DATA": str(tmp_path), "MINIFA_MIRROR": str(real_mirror()), "MINIFA_DEVICE": "gpu"})
    assert r.returncode == 1 and "NOT USABLE" in r.stdout


def test_a_bad_flag_exits_2():
    r = doctor({}, "--lba")
    assert r.returncode == 2 and "unrecognized arguments: --lba" in r.stderr


def test_it_names_the_kernels_numpy_runs_and_a_machines_override():
    """The BLAS kernels fix a product's last bits: the report's machine line and the doctor name NumPy's
    (not SciPy's, loaded first), and the override a machine sets (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE)."""
    from minifa.threads import kernel
    info = [{"internal_api": "openblas", "version": "0.3.30", "architecture": "Haswell", "filepath": "/s/scipy_openblas.so"},
            {"internal_api": "openblas", "version": "0.3.31", "architecture": "SkylakeX",
             "filepath": "/v/numpy.libs/libscipy_openblas64_.so"}]
    assert kernel(info, env={}) == "openblas 0.3.31, SkylakeX kernels"
    assert kernel(info, env={"OPENBLAS_CORETYPE": "Haswell", "OPENBLAS_L2_SIZE": "512"}) == \
        "openblas 0.3.31, SkylakeX kernels (OPENBLAS_CORETYPE=Haswell, OPENBLAS_L2_SIZE=512 set)"
    assert kernel([{"internal_api": "mkl", "version": "2024.2", "filepath": "/v/numpy/mkl.so"}],
                  env={"OPENBLAS_CORETYPE": "Haswell"}) == "mkl 2024.2"               # not OpenBLAS's variable
    assert kernel([], env={}) == "none found by threadpoolctl"
    from minifa.reproduce.machine import machine
    assert machine().endswith(f", BLAS {kernel()}")                  # the report's Machine line


def test_with_the_kernels_forced_it_says_what_openblas_picks_by_itself():
    """Sandybridge (AVX, no AVX2) is what no OpenBLAS picks by itself for a CPU of the last decade: the doctor
    asks a fresh Python without the override, and names that choice and the command."""
    r = doctor({"MINIFA_DEVICE": "cpu", "OPENBLAS_CORETYPE": "Sandybridge"})
    line = next(l for l in r.stdout.splitlines() if l.startswith("kernels"))
    from threadpoolctl import threadpool_info
    if not any(i.get("internal_api") == "openblas" for i in threadpool_info()):
        assert "OPENBLAS_CORETYPE" not in line, line                       # another BLAS: nothing to say
        return
    assert "Sandybridge kernels (OPENBLAS_CORETYPE=Sandybridge" in line, line
    assert "OpenBLAS's own choice here: " in line and "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE" in line, line
    import json
    import re
    committed = re.search(r", (\w+) kernels", json.load(open(os.path.join(ROOT, "reproduction", "run.json")))["machine"])
    assert committed and f"(the committed report ran on {committed.group(1)} kernels: " in line, line   # read from run.json
