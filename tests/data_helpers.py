"""Helpers and fixtures shared by tests/test_data.py and tests/test_fetch.py: toy files in
each format, a toy registry entry, a local HTTP server, the real mirror, a small real disk."""
import functools
import gzip
import hashlib
import http.server
import os
import pickle
import shutil
import socket
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest

from minifa.datasets import registry
from minifa.datasets.registry import DatasetSpec, FileSpec

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """Never touch the user's data home; no mirror unless a test asks for one."""
    monkeypatch.setenv("MINIFA_DATA", str(tmp_path / "home"))
    monkeypatch.delenv("MINIFA_MIRROR", raising=False)


def real_mirror():
    env = os.environ.get("MINIFA_MIRROR")
    for cand in ([Path(env)] if env else []) + [REPO.parent / "shared" / "datasets"]:
        if (cand / "mnist").is_dir():
            return cand
    pytest.skip("no local dataset mirror: set MINIFA_MIRROR or provide ../shared/datasets")


def use_mirror(monkeypatch):
    """Point MINIFA_MIRROR at ../shared/datasets when it is unset and that mirror exists (else the
    data home is used as it is): for tests that run experiments on real data."""
    mirror = REPO.parent / "shared" / "datasets"
    if not os.environ.get("MINIFA_MIRROR") and (mirror / "mnist").is_dir():
        monkeypatch.setenv("MINIFA_MIRROR", str(mirror))


def md5(b):
    return hashlib.md5(b).hexdigest()


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def idx_bytes(arr, magic=None):
    arr = np.asarray(arr, dtype=np.uint8)
    magic = magic if magic is not None else 0x0800 + arr.ndim
    head = magic.to_bytes(4, "big") + b"".join(d.to_bytes(4, "big") for d in arr.shape)
    return head + arr.tobytes()


def toy_images(n=20, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, 4, 4), dtype=np.uint8), np.arange(n, dtype=np.uint8) % 10


def toy_idx_files(seed=0):
    x, y = toy_images(seed=seed)
    return {"train-images-idx3-ubyte.gz": gzip.compress(idx_bytes(x)),
            "train-labels-idx1-ubyte.gz": gzip.compress(idx_bytes(y)),
            "t10k-images-idx3-ubyte.gz": gzip.compress(idx_bytes(x[:10])),
            "t10k-labels-idx1-ubyte.gz": gzip.compress(idx_bytes(y[:10]))}


def toy_idx_spec(files, **kw):
    fspecs = tuple(FileSpec(n, "train" if n.startswith("train") else "test", md5(b))
                   for n, b in files.items())
    return DatasetSpec(key="toy", folder="toy", title="Toy", fmt="idx", files=fspecs,
                       num_classes=10, image_shape=(4, 4), licence="test", **kw)


def cifar_bytes(n=12, seed=0, labels=None):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
    y = [int(v) for v in (labels if labels is not None else rng.integers(0, 10, n))]
    obj = {b"batch_label": b"toy", b"labels": y, b"data": x, b"filenames": [b"f"] * n}
    return pickle.dumps(obj, protocol=2), x, np.array(y)


def write(root, folder, files):
    (root / folder).mkdir(parents=True, exist_ok=True)
    for name, b in files.items():
        (root / folder / name).write_bytes(b)
    return root


@pytest.fixture
def register(monkeypatch):
    def _register(spec):
        monkeypatch.setitem(registry.REGISTRY, spec.key, spec)
        monkeypatch.setitem(registry._ALIASES, spec.key, spec.key)
        return spec
    return _register


@pytest.fixture
def http_root(tmp_path):
    """A local HTTP server on 127.0.0.1 serving tmp_path/www; yields (dir, base URL)."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def closed_port_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def leftovers(folder):
    return [p.name for p in folder.rglob("*.partial-*")] if folder.exists() else []


PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096   # tmpfs counts in pages


@pytest.fixture
def small_disk(tmp_path):
    """``small_disk(size) -> folder``: a real tmpfs of ``size`` bytes, full when its files reach
    it (ENOSPC); ``small_disk.resize(folder, size)`` frees space.  Needs root and ``mount``
    (Linux): skipped elsewhere.  Unmounted after the test."""
    mounted = []

    def mount(size):
        where = tmp_path / f"disk{len(mounted)}"
        where.mkdir()
        if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
            pytest.skip("a small tmpfs needs root and mount")
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs",
                            str(where)], capture_output=True, text=True)
        if r.returncode:
            pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
        mounted.append(where)
        return where

    def resize(where, size):
        subprocess.run(["mount", "-o", f"remount,size={size}", str(where)], check=True)
    mount.resize = resize
    yield mount
    for where in mounted:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)
