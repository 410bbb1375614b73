"""Tests for minifa.datasets.fetch and data_fetch.py: atomic fetching from a mirror or the
network, archives, the destination check, Ctrl-C, stale .partial- files, the SHA256SUMS lock."""
import errno
import gzip
import http.server
import importlib
import io
import os
import pickle
import signal
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import replace

import numpy as np
import pytest

from data_helpers import (PAGE, REPO, _isolated_env, cifar_bytes, closed_port_url,  # noqa: F401
                          http_root, idx_bytes, leftovers, md5, real_mirror, register, sha256,
                          small_disk, toy_idx_files, toy_idx_spec, write)
from minifa import datasets as data
from minifa.datasets import registry, store
from minifa.datasets.registry import Archive, DatasetSpec, FileSpec

fetch_mod = importlib.import_module("minifa.datasets.fetch")   # data.fetch is the function
transfer = importlib.import_module("minifa.datasets.transfer")
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_fetch_from_mirror_then_skip(tmp_path, register, monkeypatch, capsys):
    files = toy_idx_files()
    spec = register(toy_idx_spec(files))
    mirror, dest = write(tmp_path / "mirror", "toy", files), tmp_path / "dest"
    report = data.fetch("toy", dest, mirror)
    assert all(status == "copied" for status, _ in report.results.values())
    X, y = data.load("toy", "train", root=dest)
    assert X.shape == (20, 16) and X.dtype == np.float32 and y.tolist() == list(range(10)) * 2
    assert (dest / "SHA256SUMS").read_text().count("toy/") == 4
    assert report.split_state() == data.split_status("toy", dest) == {"train": "complete",
                                                                       "test": "complete"}
    stats = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (dest / "toy").iterdir()}

    def no_copy(*a, **k):
        raise AssertionError("second run must not copy")
    monkeypatch.setattr(fetch_mod, "install", no_copy)
    capsys.readouterr()
    report = data.fetch("toy", dest, mirror)
    assert all(status == "present" for status, _ in report.results.values())
    assert capsys.readouterr().out.count("already present, verified") == len(spec.files)
    assert stats == {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (dest / "toy").iterdir()}


def test_checksum_mismatch_leaves_nothing(tmp_path, register):
    files = toy_idx_files()
    register(toy_idx_spec(files))
    bad = dict(files, **{"train-labels-idx1-ubyte.gz": toy_idx_files(seed=1)["train-labels-idx1-ubyte.gz"]})
    bad["train-labels-idx1-ubyte.gz"] = gzip.compress(idx_bytes(np.zeros(20)))
    mirror, dest = write(tmp_path / "mirror", "toy", bad), tmp_path / "dest"
    with pytest.raises(data.ChecksumError) as err:
        data.fetch("toy", dest, mirror)
    msg = str(err.value)
    assert "train-labels-idx1-ubyte.gz" in msg and md5(files["train-labels-idx1-ubyte.gz"]) in msg
    assert md5(bad["train-labels-idx1-ubyte.gz"]) in msg and "nothing was written" in msg
    assert "delete" not in msg                                   # the bad copy is the mirror's
    assert not (dest / "toy" / "train-labels-idx1-ubyte.gz").exists()
    assert (dest / "toy" / "train-images-idx3-ubyte.gz").exists()   # good files still placed
    assert leftovers(dest) == [] and err.value.report.results["train-labels-idx1-ubyte.gz"][0] == "error"
    assert err.value.report.split_state() == {"train": "partial", "test": "complete"}


def test_corrupt_destination_file_is_replaced(tmp_path, register):
    files = toy_idx_files()
    register(toy_idx_spec(files))
    mirror, dest = write(tmp_path / "mirror", "toy", files), tmp_path / "dest"
    write(dest, "toy", {"t10k-images-idx3-ubyte.gz": b"junk"})
    report = data.fetch("toy", dest, mirror)
    assert report.results["t10k-images-idx3-ubyte.gz"][0] == "copied"
    assert (dest / "toy" / "t10k-images-idx3-ubyte.gz").read_bytes() == files["t10k-images-idx3-ubyte.gz"]


def test_partial_mirror_reports_absent_and_loads_what_exists(tmp_path, register):
    files = toy_idx_files()
    register(toy_idx_spec(files))
    part = {k: v for k, v in files.items() if k != "train-images-idx3-ubyte.gz"}
    mirror, dest = write(tmp_path / "mirror", "toy", part), tmp_path / "dest"
    report = data.fetch("toy", dest, mirror)
    assert report.results["train-images-idx3-ubyte.gz"][0] == "absent"
    assert not (dest / "toy" / "train-images-idx3-ubyte.gz").exists()
    assert report.summary()[0] == "partial" and data.available_splits("toy", dest) == ["test"]
    assert data.split_status("toy", dest) == {"train": "partial", "test": "complete"}
    assert report.split_state() == data.split_status("toy", dest)      # one count serves both
    assert data.load("toy", "test", root=dest)[0].shape == (10, 16)
    with pytest.raises(data.MissingDataError, match="train-images-idx3-ubyte.gz"):
        data.load("toy", "train", root=dest)


def test_rebuilt_cifar_batch_needs_mirror_sha256(tmp_path, register):
    raw, x, _ = cifar_bytes()
    spec = register(DatasetSpec(key="toy", folder="toy", title="Toy", fmt="cifar", num_classes=10,
                                image_shape=(3, 32, 32), licence="test",
                                files=(FileSpec("test_batch", "test", "0" * 32, rebuilt_ok=True),)))
    mirror, dest = write(tmp_path / "mirror", "toy", {"test_batch": raw}), tmp_path / "dest"
    with pytest.raises(data.ChecksumError, match="not listed in SHA256SUMS"):
        data.fetch("toy", dest, mirror)
    assert not (dest / "toy").exists() or not any((dest / "toy").iterdir())
    (mirror / "SHA256SUMS").write_text(f"{sha256(raw)}  toy/test_batch\n")
    report = data.fetch("toy", dest, mirror)
    assert "SHA256SUMS" in report.results["test_batch"][1] and "not upstream" in report.results["test_batch"][1]
    X, _ = data.load("toy", "test", root=dest)               # data home's SHA256SUMS vouches now
    assert np.allclose(X * 255, x)
    garbage = b"not a pickle at all"
    write(mirror, "toy", {"test_batch": garbage})
    (mirror / "SHA256SUMS").write_text(f"{sha256(garbage)}  toy/test_batch\n")
    with pytest.raises(data.ChecksumError, match="not a valid Toy batch"):
        data.fetch("toy", tmp_path / "dest2", mirror)
    assert spec.files[0].rebuilt_ok


def test_download_falls_back_to_second_url(tmp_path, register, http_root, capsys, monkeypatch):
    monkeypatch.delenv("MINIFA_QUIET", raising=False)              # progress lines wanted here
    www, url = http_root
    files = toy_idx_files()
    write(www, "", files)
    register(toy_idx_spec(files, base_urls=(closed_port_url(), url)))
    report = data.fetch("toy", tmp_path / "dest")
    assert all(s == "downloaded" for s, _ in report.results.values())
    assert url in report.results["train-images-idx3-ubyte.gz"][1]
    assert "downloading" in capsys.readouterr().err                # progress shown
    assert data.load("toy", "test", root=tmp_path / "dest")[0].shape == (10, 16)


def test_big_transfer_shows_progress_through_minifa_progress(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("MINIFA_QUIET", raising=False)
    payload = os.urandom(3 << 20)
    out = io.BytesIO()
    transfer.stream(io.BytesIO(payload), out, len(payload), "copying big", show=True)
    err = capsys.readouterr().err
    assert out.getvalue() == payload and f"[copying big] {len(payload):,}/{len(payload):,} bytes" in err
    transfer.stream(io.BytesIO(payload), io.BytesIO(), 0, "downloading x", show=True)
    err = capsys.readouterr().err.splitlines()                   # unknown size: paced, not per block
    assert len(err) == 1 and "size unknown" in err[0] and f"{len(payload):,}" in err[0]
    transfer.stream(io.BytesIO(payload), io.BytesIO(), len(payload), "small", show=False)
    assert capsys.readouterr().err == ""


def test_download_archive_extracts_only_wanted_members(tmp_path, register, http_root):
    www, url = http_root
    raw, x, _ = cifar_bytes()
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, payload in [("toy-py/test_batch", raw), ("../evil", b"x"), ("toy-py/readme", b"y")]:
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tf.addfile(info, io.BytesIO(payload))
        link = tarfile.TarInfo("toy-py/meta")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tf.addfile(link)
    (www / "toy.tar.gz").write_bytes(buf.getvalue())
    register(DatasetSpec(
        key="toy", folder="toy", title="Toy", fmt="cifar", num_classes=10, image_shape=(3, 32, 32),
        licence="test", archive=Archive("toy.tar.gz", md5(buf.getvalue()), (url + "toy.tar.gz",), "toy-py"),
        files=(FileSpec("test_batch", "test", md5(raw)), FileSpec("meta", "meta", "1" * 32))))
    dest = tmp_path / "dest"
    with pytest.raises(data.DataError, match="no member toy-py/meta"):
        data.fetch("toy", dest)                              # the symlink is not extracted
    assert sorted(p.name for p in (dest / "toy").iterdir()) == ["test_batch"]
    assert not (tmp_path / "evil").exists() and not (dest / "evil").exists()
    assert leftovers(dest) == []
    assert np.allclose(data.load("toy", "test", root=dest)[0] * 255, x)


def test_archive_with_wrong_md5_is_rejected(tmp_path, register, http_root):
    www, url = http_root
    (www / "toy.tar.gz").write_bytes(b"not the archive")
    register(DatasetSpec(key="toy", folder="toy", title="Toy", fmt="cifar", num_classes=10,
                         image_shape=(3, 32, 32), licence="test",
                         archive=Archive("toy.tar.gz", "2" * 32, (url + "toy.tar.gz",), "toy-py"),
                         files=(FileSpec("test_batch", "test", "3" * 32),)))
    with pytest.raises(data.ChecksumError, match="expected md5 2222"):
        data.fetch("toy", tmp_path / "dest")
    assert leftovers(tmp_path / "dest") == [] and not (tmp_path / "dest" / "toy").exists()


def test_no_network_fails_fast_naming_mirror(tmp_path, monkeypatch, capsys):
    dead = closed_port_url()
    monkeypatch.setitem(registry.REGISTRY, "mnist", replace(registry.MNIST, base_urls=(dead, dead)))
    t0 = time.monotonic()
    assert fetch_mod.main(["mnist", "fashion-mnist", "--dest", str(tmp_path / "d"), "--timeout", "3"]) == 1
    assert time.monotonic() - t0 < 10
    err = capsys.readouterr().err
    assert "--mirror" in err and "MINIFA_MIRROR" in err and "127.0.0.1" in err
    assert "fashion-mnist" not in err and leftovers(tmp_path / "d") == []
    assert not (tmp_path / "d" / "mnist").exists()


def test_mirror_holding_an_archive_and_cifar100_labels(tmp_path, register):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, size=(8, 3072), dtype=np.uint8)
    raw = pickle.dumps({b"data": x, b"fine_labels": list(range(90, 98)),
                        b"coarse_labels": list(range(12, 20))}, protocol=2)
    write(tmp_path / "m", "cifar-100", {"test": raw})
    X, y = data.load("cifar100", "test", root=tmp_path / "m", verify=False)
    assert X.shape == (8, 3072) and y.tolist() == list(range(90, 98))
    assert data.load("cifar100", "test", root=tmp_path / "m", verify=False,
                     label_mode="coarse")[1].tolist() == list(range(12, 20))
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        info = tarfile.TarInfo("toy-py/test")
        info.size = len(raw)
        tf.addfile(info, io.BytesIO(raw))
    mirror = write(tmp_path / "mirror", "toy", {"toy.tar.gz": buf.getvalue()})
    register(DatasetSpec(key="toy", folder="toy", title="Toy", fmt="cifar", num_classes=100,
                         image_shape=(3, 32, 32), licence="test",
                         archive=Archive("toy.tar.gz", md5(buf.getvalue()), (), "toy-py"),
                         files=(FileSpec("test", "test", md5(raw)),)))
    report = data.fetch("toy", tmp_path / "dest", mirror)
    assert report.results["test"][0] == "extracted"
    assert np.array_equal(data.load("toy", "test", root=tmp_path / "dest")[1], np.arange(90, 98))


# --------------------------------------------------------------------------- the real mirror

def test_fetch_mnist_from_real_mirror(tmp_path, monkeypatch, capsys):
    mirror, dest = real_mirror(), tmp_path / "data"
    assert fetch_mod.main(["mnist", "--mirror", str(mirror), "--dest", str(dest)]) == 0
    assert capsys.readouterr().out.count("copied from mirror, md5 matches upstream") == 4
    monkeypatch.setenv("MINIFA_DATA", str(dest))
    Xtr, ytr = data.load("mnist", "train")
    Xte, yte = data.load("mnist", "test")
    assert Xtr.shape == (60000, 784) and Xte.shape == (10000, 784)
    assert Xtr.dtype == np.float32 and ytr.dtype == np.int64
    assert Xtr.min() == 0.0 and Xtr.max() == 1.0 and 0.12 < Xtr.mean() < 0.14
    assert np.bincount(ytr).tolist() == MNIST_TRAIN_COUNTS
    assert np.bincount(yte).tolist() == MNIST_TEST_COUNTS
    monkeypatch.setattr(fetch_mod, "install", lambda *a, **k: pytest.fail("copied twice"))
    assert fetch_mod.main(["mnist", "--mirror", str(mirror), "--dest", str(dest)]) == 0
    assert capsys.readouterr().out.count("already present, verified") == 4


# --------------------------------------------------------------------------- rough edges

def run_cli(*args, **kw):
    env = dict(os.environ, MINIFA_QUIET="1", PYTHONPATH=str(REPO))
    return subprocess.run([sys.executable, str(REPO / "data_fetch.py"), *args], env=env,
                          capture_output=True, text=True, timeout=60, **kw)


def assert_one_line_error(err, *needles):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in err, err
    for n in needles:
        assert str(n) in lines[0], (n, lines[0])


@pytest.mark.parametrize("kind", ["file", "under-a-file"])
def test_destination_that_is_a_file_is_a_clean_error(tmp_path, register, capsys, kind):
    files = toy_idx_files()
    register(toy_idx_spec(files))
    mirror = write(tmp_path / "mirror", "toy", files)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    dest = blocker if kind == "file" else blocker / "sub"
    assert fetch_mod.main(["toy", "--mirror", str(mirror), "--dest", str(dest)]) == 1
    assert_one_line_error(capsys.readouterr().err, "cannot write to", dest,
                          f"{blocker} is a file, not a folder", "--dest DIR", "MINIFA_DATA")
    assert blocker.read_text() == "x"
    with pytest.raises(data.DestinationError):
        data.fetch("toy", dest, mirror)
    if kind == "file":                                         # the real command, end to end
        r = run_cli("mnist", "--mirror", str(real_mirror()), "--dest", str(dest))
        assert r.returncode == 1
        assert_one_line_error(r.stderr, f"{blocker} is a file, not a folder", "--dest DIR")


def test_read_only_destination_is_a_clean_error(tmp_path, register, capsys, monkeypatch):
    files = toy_idx_files()
    register(toy_idx_spec(files))
    mirror, dest = write(tmp_path / "mirror", "toy", files), tmp_path / "ro"
    dest.mkdir()
    dest.chmod(0o555)
    if os.name == "posix" and os.geteuid() == 0:    # root writes anywhere: refuse as the kernel would
        real = tempfile.mkstemp

        def refuse(*a, dir=None, **k):
            if dir is not None and str(dir).startswith(str(dest)):
                raise PermissionError(13, "Permission denied", str(dir))
            return real(*a, dir=dir, **k)
        monkeypatch.setattr(tempfile, "mkstemp", refuse)
    try:
        assert fetch_mod.main(["toy", "--mirror", str(mirror), "--dest", str(dest)]) == 1
        assert_one_line_error(capsys.readouterr().err, f"cannot write to {dest}",
                              "Permission denied (read-only?)", "--dest DIR", "MINIFA_DATA")
        assert not (dest / "toy").exists() and list(dest.iterdir()) == []
    finally:
        dest.chmod(0o755)


def test_ctrl_c_during_fetch_exits_130_and_leaves_no_partial(tmp_path, register, capsys,
                                                              monkeypatch):
    files = toy_idx_files()
    register(toy_idx_spec(files))
    mirror, dest = write(tmp_path / "mirror", "toy", files), tmp_path / "dest"
    real, calls = transfer.stream, []

    def interrupted(src, out, total, label, show):
        calls.append(label)
        if len(calls) == 3:                                    # third file, halfway through
            out.write(src.read(total // 2))
            out.flush()
            assert len(leftovers(dest)) == 1                   # the temp file exists now
            raise KeyboardInterrupt
        return real(src, out, total, label, show)
    monkeypatch.setattr(transfer, "stream", interrupted)
    assert fetch_mod.main(["toy", "--mirror", str(mirror), "--dest", str(dest)]) == 130
    assert_one_line_error(capsys.readouterr().err, "interrupted")
    assert leftovers(dest) == []
    assert len(list((dest / "toy").iterdir())) == 2            # the two finished files stay
    assert (dest / "SHA256SUMS").read_text().count("toy/") == 2


@pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child process")
def test_ctrl_c_on_the_real_command_during_a_download(tmp_path):
    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", str(100 << 20))
            self.end_headers()
            try:
                for _ in range(2000):
                    self.wfile.write(b"\0" * (64 << 10))
                    time.sleep(0.02)
            except OSError:
                pass

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url, dest = f"http://127.0.0.1:{server.server_address[1]}/", tmp_path / "dest"
    code = ("import sys; from dataclasses import replace; from minifa.datasets import registry; "
            f"registry.REGISTRY['mnist'] = replace(registry.MNIST, base_urls=({url!r},)); "
            "from minifa.datasets.fetch import main; "
            f"sys.exit(main(['mnist', '--dest', {str(dest)!r}]))")
    env = dict(os.environ, MINIFA_QUIET="1", PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                # SIGINT as a terminal gives it: an ignored SIGINT is inherited across exec, and
                                # a suite started as a background job of a non-interactive shell (`cmd &`, as
                                # a CI script may) has it ignored from the start (POSIX); no test changes it
                                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))

    def downloading():                                          # some bytes in the temp file
        try:
            return any(p.stat().st_size > 0 for p in (dest / "mnist").glob(".*.partial-*"))
        except OSError:
            return False
    try:
        deadline = time.monotonic() + 30
        while not downloading():
            assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill() if proc.poll() is None else None
        server.shutdown()
        server.server_close()
    assert proc.returncode == 130, (out, err)
    assert_one_line_error(err, "interrupted")
    assert leftovers(dest) == [] and not (dest / "mnist").exists()


def test_stale_partial_files_are_removed_and_reported(tmp_path, register, capsys):
    fcntl = pytest.importorskip("fcntl")
    files = toy_idx_files()
    register(toy_idx_spec(files))
    mirror, dest = write(tmp_path / "mirror", "toy", files), tmp_path / "dest"
    folder = dest / "toy"
    folder.mkdir(parents=True)
    # a fetch killed outright (SIGKILL): its locked temp file stays, the kernel drops the lock
    code = ("import os, signal; from minifa.datasets import store; "
            f"cm = store.partial_file({str(folder)!r}, 'train-images-idx3-ubyte.gz'); "
            "fd, tmp = cm.__enter__(); os.write(fd, b'half'); os.kill(os.getpid(), signal.SIGKILL)")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == -signal.SIGKILL
    (dead,) = leftovers(dest)
    live = folder / ".t10k-images-idx3-ubyte.gz.partial-live"    # a running fetch holds its lock
    fresh = folder / ".t10k-labels-idx1-ubyte.gz.partial-new"     # unlocked but brand new
    sums = dest / ".SHA256SUMS.partial-old"                         # a dead SHA256SUMS rewrite
    for p in (live, fresh, sums):
        p.write_bytes(b"x")
    old = time.time() - 2 * 3600
    for p in (folder / dead, live, sums):
        os.utime(p, (old, old))
    with open(live, "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        report = data.fetch("toy", dest, mirror)
    out = capsys.readouterr().out
    assert f"removed {dead}: a stale partial file" in out and f"removed {sums.name}" in out
    assert sorted(leftovers(dest)) == sorted([live.name, fresh.name])
    assert report.summary()[0] == "complete"


class NoFlock:
    """fcntl on a file system without flock (some NFS mounts): every flock is ENOLCK."""
    LOCK_EX, LOCK_NB = 2, 4

    @staticmethod
    def flock(fd, op):
        raise OSError(errno.ENOLCK, "No locks available")


@pytest.mark.parametrize("fcntl_module", [None, NoFlock], ids=["no-fcntl", "no-flock"])
def test_stale_rule_without_locks_is_one_hour(tmp_path, monkeypatch, fcntl_module):
    monkeypatch.setattr(store, "fcntl", fcntl_module)
    old, recent = tmp_path / ".a.partial-1", tmp_path / ".b.partial-2"
    for p, age in ((old, 3700), (recent, 1800)):
        p.write_bytes(b"x")
        os.utime(p, (time.time() - age,) * 2)
    assert transfer.remove_stale_partials(tmp_path) == [old.name] and recent.exists()
    store.record_sum(tmp_path, "toy/a", "a" * 64)                # no lock: still works
    assert store.read_sums(tmp_path) == {"toy/a": "a" * 64}


def test_sha256sums_concurrent_updates_keep_every_line(tmp_path):
    pytest.importorskip("fcntl")
    n_threads, per = 8, 25
    barrier = threading.Barrier(n_threads)

    def writer(t):
        barrier.wait()
        for i in range(per):
            store.record_sum(tmp_path, f"toy/f{t}-{i}", f"{t:02d}{i:02d}".ljust(64, "0"))
    threads = [threading.Thread(target=writer, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    sums = store.read_sums(tmp_path)
    assert len(sums) == n_threads * per and sums["toy/f3-7"] == "0307".ljust(64, "0")
    assert (tmp_path / ".SHA256SUMS.lock").exists() and leftovers(tmp_path) == []


# --------------------------------------------------------------------------- a full disk

def two_rebuilt_batches(tmp_path, register, n=30):
    """A toy CIFAR whose two batches are rebuilt copies (not upstream's bytes: trusted only
    through a SHA256SUMS line), in a mirror that lists them; returns (mirror, {name: bytes})."""
    files = {f"data_batch_{i}": cifar_bytes(n=n, seed=i)[0] for i in (1, 2)}
    register(DatasetSpec(key="toy", folder="toy", title="Toy", fmt="cifar", num_classes=10,
                         image_shape=(3, 32, 32), licence="test",
                         files=tuple(FileSpec(k, "train", "0" * 32, rebuilt_ok=True) for k in files)))
    mirror = write(tmp_path / "mirror", "toy", files)
    (mirror / "SHA256SUMS").write_text("".join(f"{sha256(b)}  toy/{k}\n" for k, b in files.items()))
    return mirror, files


def copies(monkeypatch):
    """The list of file names the next fetches copy from a mirror."""
    real, names = fetch_mod.install, []

    def counting(ds, fs, *args, **kw):
        names.append(fs.name)
        return real(ds, fs, *args, **kw)
    monkeypatch.setattr(fetch_mod, "install", counting)
    return names


def test_full_disk_while_rewriting_sha256sums_strands_nothing(tmp_path, register, small_disk,
                                                              capsys, monkeypatch):
    """A real tmpfs that fills up: the second batch's temp file takes its last free page, so
    the SHA256SUMS rewrite that would list it fails with ENOSPC."""
    mirror, files = two_rebuilt_batches(tmp_path, register)
    pages = -(-len(files["data_batch_1"]) // PAGE)
    dest = small_disk((2 * pages + 1) * PAGE)          # two batches and a one-page SHA256SUMS
    assert fetch_mod.main(["toy", "--mirror", str(mirror), "--dest", str(dest)]) == 1
    assert_one_line_error(capsys.readouterr().err, "No space left on device",
                          f"could not update {dest / 'SHA256SUMS'}, left as it was",
                          "data_batch_2 was not put in place", "run the same command again")
    first = f"{sha256(files['data_batch_1'])}  toy/data_batch_1\n"
    assert (dest / "SHA256SUMS").read_text() == first                # whole, as it was
    assert [p.name for p in (dest / "toy").iterdir()] == ["data_batch_1"] and leftovers(dest) == []
    assert data.load("toy", "train", root=dest, allow_partial=True)[0].shape == (30, 3072)
    small_disk.resize(dest, (2 * pages + 2) * PAGE)    # one page freed
    copied = copies(monkeypatch)
    report = data.fetch("toy", dest, mirror)
    assert copied == ["data_batch_2"] and report.results["data_batch_1"][0] == "present"
    assert data.load("toy", "train", root=dest)[0].shape == (60, 3072)


@pytest.mark.parametrize("kind", ["rebuilt", "upstream"])
def test_sha256sums_write_failing_midway_keeps_what_was_verified(tmp_path, register, monkeypatch,
                                                                 capsys, kind):
    """The same without a tmpfs: the second rewrite of SHA256SUMS writes half its text, then
    ENOSPC.  A file matching upstream's md5 needs no line and is kept; a rebuilt one is not
    placed unlisted.  Either way SHA256SUMS stays whole and the next fetch copies only the
    files not yet there."""
    if kind == "rebuilt":
        mirror, files = two_rebuilt_batches(tmp_path, register)
    else:
        files = toy_idx_files()
        register(toy_idx_spec(files))
        mirror = write(tmp_path / "mirror", "toy", files)
    names, dest = list(files), tmp_path / "dest"
    real, calls = store.write_all, []

    def disk_fills(fd, text):
        calls.append(text)
        if len(calls) == 2:
            real(fd, text[:len(text) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd, text)
    monkeypatch.setattr(store, "write_all", disk_fills)
    assert fetch_mod.main(["toy", "--mirror", str(mirror), "--dest", str(dest)]) == 1
    err = capsys.readouterr().err
    assert_one_line_error(err, "No space left on device", "left as it was")
    assert (dest / "SHA256SUMS").read_text() == f"{sha256(files[names[0]])}  toy/{names[0]}\n"
    assert leftovers(dest) == []
    placed = sorted(p.name for p in (dest / "toy").iterdir())
    if kind == "rebuilt":
        assert placed == names[:1] and f"{names[1]} was not put in place" in err
    else:
        assert placed == sorted(names[:2]) and f"{names[1]} is in place all the same" in err
    monkeypatch.setattr(store, "write_all", real)
    copied = copies(monkeypatch)
    report = data.fetch("toy", dest, mirror)
    assert copied == names[len(placed):] and report.summary()[0] == "complete"
    assert set(store.read_sums(dest)) == {f"toy/{k}" for k in names}      # every line there
    if kind == "upstream":
        assert "line in SHA256SUMS written again" in report.results[names[1]][1]


def test_a_batch_whose_line_was_lost_is_verified_by_the_mirror_not_copied_again(
        tmp_path, register, monkeypatch):
    """A rebuilt batch left unlisted in the data home (by an older minifa after a full disk,
    or SHA256SUMS deleted): the mirror's SHA256SUMS vouches for it, so it is kept and its line
    written again; a batch the mirror does not vouch for is copied."""
    mirror, files = two_rebuilt_batches(tmp_path, register)
    dest = tmp_path / "dest"
    data.fetch("toy", dest, mirror)
    (dest / "SHA256SUMS").unlink()
    with pytest.raises(data.ChecksumError, match="not listed in SHA256SUMS"):
        data.load("toy", "train", root=dest)
    copied = copies(monkeypatch)
    report = data.fetch("toy", dest, mirror)
    assert copied == [] and all(st == "present" for st, _ in report.results.values())
    assert "verified by the mirror's SHA256SUMS" in report.results["data_batch_1"][1]
    assert data.load("toy", "train", root=dest)[0].shape == (60, 3072)
    (dest / "toy" / "data_batch_1").write_bytes(cifar_bytes(n=30, seed=9)[0])   # valid, not vouched for
    report = data.fetch("toy", dest, mirror)
    assert copied == ["data_batch_1"] and report.results["data_batch_1"][0] == "copied"


def _big_idx_files():
    x = np.random.default_rng(0).integers(0, 256, size=(3000, 4, 4), dtype=np.uint8)
    y = np.arange(3000, dtype=np.uint8) % 10
    return {"train-images-idx3-ubyte.gz": gzip.compress(idx_bytes(x)),      # 48 KB: 12 pages
            "train-labels-idx1-ubyte.gz": gzip.compress(idx_bytes(y))}


@pytest.mark.parametrize("disk", ["tmpfs", "patched"])
def test_full_disk_during_a_download_is_not_called_a_network_error(tmp_path, register, http_root,
                                                                   small_disk, monkeypatch,
                                                                   capsys, disk):
    www, url = http_root
    files = _big_idx_files()
    register(toy_idx_spec(files, base_urls=(url, closed_port_url())))
    write(www, ".", files)
    if disk == "tmpfs":
        dest = small_disk(4 * PAGE)
    else:
        dest, real = tmp_path / "dest", transfer.stream

        def disk_fills(src, out, total, label, show):
            out.write(src.read(total // 2))
            out.flush()
            raise OSError(errno.ENOSPC, "No space left on device")
        monkeypatch.setattr(transfer, "stream", disk_fills)
    assert fetch_mod.main(["toy", "--dest", str(dest)]) == 1
    err = capsys.readouterr().err
    assert_one_line_error(err, "No space left on device")
    assert "No network" not in err and "could not download" not in err
    assert leftovers(dest) == [] and not (dest / "toy").exists()
