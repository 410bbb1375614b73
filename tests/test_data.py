"""Tests for minifa.datasets: parsers, verification, loading (USPS resizing included), error
messages and their advice, argument checks, subsets and the OOD transforms of Fig. C.7.
Fetching is tested in tests/test_fetch.py; shared helpers are in tests/data_helpers.py."""
import bz2
import gzip
import os
import pickle

import numpy as np
import pytest
from scipy import ndimage

from data_helpers import (_isolated_env, cifar_bytes, idx_bytes, real_mirror,  # noqa: F401
                          toy_images, write)
from minifa import datasets as data
from minifa.datasets.fetch import main as fetch_main

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def test_import_minifa_does_not_import_the_data_layer():
    import subprocess
    import sys
    code = ("import sys, minifa; assert not any(m.startswith('minifa.datasets') for m in "
            "sys.modules); minifa.datasets.load; assert 'minifa.datasets.fetch' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- parsers

def test_idx_roundtrip_and_plain_file(tmp_path):
    x, y = toy_images()
    (tmp_path / "i.gz").write_bytes(gzip.compress(idx_bytes(x)))
    (tmp_path / "l").write_bytes(idx_bytes(y))
    assert np.array_equal(data.read_idx(tmp_path / "i.gz", 2051), x)
    assert np.array_equal(data.read_idx(tmp_path / "l", 2049), y)


@pytest.mark.parametrize("mangle, message", [
    (lambda b: gzip.compress(b)[:-20], "decompress"),      # truncated gzip stream
    (lambda b: gzip.compress(b[:-7]), "header says"),        # valid gzip, short payload
    (lambda b: gzip.compress(b"\x12\x34" + b[2:]), "magic"),  # not an idx file
    (lambda b: gzip.compress(b)[:10] + b"\0" * 30, "decompress"),  # garbage
])
def test_idx_corrupt_files_are_reported_by_name(tmp_path, mangle, message):
    x, _ = toy_images()
    path = tmp_path / "broken-images-idx3-ubyte.gz"
    path.write_bytes(mangle(idx_bytes(x)))
    with pytest.raises(data.DataError, match=message) as err:
        data.read_idx(path, 2051)
    assert str(path) in str(err.value)


def test_idx_wrong_magic_labels_for_images(tmp_path):
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(idx_bytes(np.arange(5))))
    with pytest.raises(data.DataError, match="magic number 2049, expected 2051"):
        data.read_idx(path, 2051)


def usps_lines(n=10, seed=0, sparse_row=None):
    rng = np.random.default_rng(seed)
    vals = rng.uniform(-1, 1, size=(n, 256)).round(6)
    labels = np.arange(n) % 10 + 1
    lines = []
    for i in range(n):
        feats = [f"{j + 1}:{vals[i, j]}" for j in range(256) if i != sparse_row or j % 2 == 0]
        lines.append(f"{labels[i]} " + " ".join(feats))
    if sparse_row is not None:
        vals[sparse_row, 1::2] = 0.0
    return ("\n".join(lines) + "\n").encode(), vals, labels


def test_libsvm_parse_dense_and_sparse(tmp_path):
    text, vals, labels = usps_lines(sparse_row=3)
    (tmp_path / "u.bz2").write_bytes(bz2.compress(text))
    X, y = data.read_libsvm(tmp_path / "u.bz2", 256)
    assert np.allclose(X, vals) and np.array_equal(y, labels)


def usps_with_white_first(tmp_path):
    """A toy usps.t.bz2 whose first image is constant white; returns (vals, labels)."""
    text, vals, labels = usps_lines(n=10)
    vals[0] = 1.0
    lines = text.decode().splitlines()
    lines[0] = "1 " + " ".join(f"{j + 1}:1" for j in range(256))
    write(tmp_path, "usps", {"usps.t.bz2": bz2.compress("\n".join(lines).encode())})
    return vals, labels


def test_usps_loader_maps_labels_values_and_frames(tmp_path):
    vals, labels = usps_with_white_first(tmp_path)
    X, y = data.load("usps", "test", root=tmp_path, verify=False, resize="frame")
    assert X.shape == (10, 784) and X.dtype == np.float32 and y.dtype == np.int64
    assert np.array_equal(y, labels - 1) and 0.0 <= X.min() and X.max() <= 1.0
    white = X[0].reshape(28, 28)                            # a constant image fills MNIST's
    assert np.allclose(white[4:24, 4:24], 1.0) and white.sum() == pytest.approx(400, abs=1e-3)
    for img in X.reshape(-1, 28, 28):                       # 20x20 box, centred by mass
        assert np.allclose(ndimage.center_of_mass(img), (13.5, 13.5), atol=0.6)
    X16, _ = data.load("usps", "test", root=tmp_path, resize=None, verify=False)
    assert X16.shape == (10, 256) and np.allclose(X16[1:], (vals[1:] + 1) / 2, atol=1e-6)


def test_usps_default_stretches_16_to_28_like_the_paper(tmp_path):
    vals, labels = usps_with_white_first(tmp_path)
    X, y = data.load("usps", "test", root=tmp_path, verify=False)          # resize="stretch"
    assert X.shape == (10, 784) and X.dtype == np.float32 and np.array_equal(y, labels - 1)
    assert np.allclose(X[0], 1.0)                           # the whole 28x28 frame, no border
    assert 0.0 <= X.min() and X.max() <= 1.0
    Image = pytest.importorskip("PIL.Image")                # torchvision's Resize on PIL images
    for x16, x28 in zip((vals + 1) / 2, X):
        img = Image.fromarray(x16.reshape(16, 16).astype(np.float32), mode="F")
        expect = np.asarray(img.resize((28, 28), Image.BILINEAR))
        assert np.allclose(x28.reshape(28, 28), np.clip(expect, 0, 1), atol=1e-5)
    same, _ = data.load("usps", "test", root=tmp_path, verify=False, resize="stretch")
    assert np.array_equal(same, X)
    framed, _ = data.load("usps", "test", root=tmp_path, verify=False, resize="frame")
    assert not np.allclose(framed, X)


@pytest.mark.parametrize("bad", ["stretched", "bilinear", True, False, 28, ""])
def test_usps_resize_is_validated(tmp_path, bad):
    usps_with_white_first(tmp_path)
    with pytest.raises(ValueError, match=r"resize must be one of 'stretch'.*'frame'.*None") as e:
        data.load("usps", "test", root=tmp_path, verify=False, resize=bad)
    assert repr(bad) in str(e.value)


@pytest.mark.parametrize("content, message", [
    (lambda t: bz2.compress(t)[:-50], "decompress"),
    (lambda t: bz2.compress(b"hello world\n"), "not LIBSVM"),
    (lambda t: bz2.compress(b"1 300:0.5\n"), "feature index"),
])
def test_libsvm_corrupt(tmp_path, content, message):
    path = tmp_path / "usps.t.bz2"
    path.write_bytes(content(usps_lines()[0]))
    with pytest.raises(data.DataError, match=message) as err:
        data.read_libsvm(path, 256)
    assert str(path) in str(err.value)


def test_usps_label_range_checked(tmp_path):
    write(tmp_path, "usps", {"usps.t.bz2": bz2.compress(b"11 1:0.5\n")})
    with pytest.raises(data.DataError, match="labels outside 1..10"):
        data.load("usps", "test", root=tmp_path, verify=False)


def test_cifar_pickle_roundtrip_and_loader(tmp_path):
    raw, x, y = cifar_bytes()
    write(tmp_path, "cifar-10", {"test_batch": raw})
    d, l = data.read_cifar_batch(tmp_path / "cifar-10" / "test_batch")
    assert np.array_equal(d, x) and np.array_equal(l, y)
    X, Y = data.load("cifar10", "test", root=tmp_path, verify=False)
    assert X.shape == (12, 3072) and np.allclose(X * 255, x) and np.array_equal(Y, y)


def test_cifar_truncated_and_malicious_pickles(tmp_path):
    raw, _, _ = cifar_bytes()
    (tmp_path / "trunc").write_bytes(raw[: len(raw) // 2])
    with pytest.raises(data.DataError, match="trunc"):
        data.read_cifar_batch(tmp_path / "trunc")

    class Evil:
        def __reduce__(self):
            return (os.mkdir, (str(tmp_path / "pwned"),))
    (tmp_path / "evil").write_bytes(pickle.dumps({b"data": Evil()}, protocol=2))
    with pytest.raises(data.DataError, match="not allowed"):
        data.read_cifar_batch(tmp_path / "evil")
    assert not (tmp_path / "pwned").exists()
    (tmp_path / "wrong").write_bytes(pickle.dumps({b"data": np.zeros((2, 5), np.uint8),
                                                   b"labels": [0, 1]}, protocol=2))
    with pytest.raises(data.DataError, match=r"\(N, 3072\)"):
        data.read_cifar_batch(tmp_path / "wrong")


def test_stl_binary_layout_and_errors(tmp_path):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(2, 3, 96, 96), dtype=np.uint8)   # row-major truth
    stored = img.transpose(0, 1, 3, 2).tobytes()                       # STL stores column-major
    write(tmp_path, "stl10", {"test_X.bin": stored, "test_y.bin": bytes([1, 10])})
    X, y = data.load("stl10", "test", root=tmp_path, verify=False)
    assert X.shape == (2, 27648) and np.allclose(X * 255, img.reshape(2, -1))
    assert y.tolist() == [0, 9]
    (tmp_path / "short_X.bin").write_bytes(stored[:-1])
    with pytest.raises(data.DataError, match="short_X.bin"):
        data.read_stl_images(tmp_path / "short_X.bin")
    (tmp_path / "bad_y.bin").write_bytes(bytes([0, 3]))
    with pytest.raises(data.DataError, match="1..10"):
        data.read_stl_labels(tmp_path / "bad_y.bin")
    write(tmp_path, "stl10", {"test_y.bin": bytes([1, 2, 3])})
    with pytest.raises(data.DataError, match="3 labels for 2 images"):
        data.load("stl10", "test", root=tmp_path, verify=False)


# --------------------------------------------------------------------------- names, errors

def test_unknown_dataset_and_split():
    with pytest.raises(ValueError, match="valid names: mnist, fashion-mnist"):
        data.load("imagenet")
    with pytest.raises(ValueError, match="splits"):
        data.load("mnist", "validation")
    assert data.get_spec("CIFAR-10").key == "cifar10" and data.get_spec("fmnist").key == "fashion-mnist"
    with pytest.raises(SystemExit) as e:
        fetch_main(["notadataset"])
    assert e.value.code == 2


def test_bad_arguments_name_the_argument_and_the_valid_values():
    with pytest.raises(ValueError, match=r"dataset name 'imagenet'; valid names: mnist, .*stl10"):
        data.load("imagenet")
    with pytest.raises(ValueError, match=r"split 'validation' is not one of MNIST's splits: "
                                         r"'train', 'test'"):
        data.load("mnist", "validation")
    with pytest.raises(ValueError, match=r"split 'val' is not one of USPS's splits: 'train', 'test'"):
        data.load("usps", "val")
    with pytest.raises(ValueError, match="label_mode must be 'fine' or 'coarse'"):
        data.load("cifar100", "test", label_mode="medium")
    with pytest.raises(ValueError, match="dataset name 'nope'"):
        data.available_splits("nope")
    y = np.repeat(np.arange(10), 100)
    X = np.zeros((1000, 2), np.float32)
    for n in (0, -3, 1001, 2.5, True, "5"):
        with pytest.raises(ValueError, match=r"subset size n must be an integer in 1\.\.1000 "
                                             r"\(the number of samples\), got") as e:
            data.subset(X, y, n)
        assert repr(n) in str(e.value)
    assert len(data.subset_indices(y, np.int64(7))) == 7     # NumPy integers are integers
    with pytest.raises(ValueError, match="X has 999 samples but y has 1000"):
        data.subset(X[:-1], y, 5)


def test_missing_dataset_names_the_fetch_command():
    with pytest.raises(data.MissingDataError) as err:
        data.load("mnist", "train")
    msg = str(err.value)
    assert "python data_fetch.py mnist" in msg and "--mirror" in msg
    assert "train-images-idx3-ubyte.gz" in msg
    assert isinstance(err.value, FileNotFoundError)
    assert data.available_splits("mnist") == []


def test_corrupt_file_in_data_home_is_not_loaded(tmp_path):
    home = tmp_path / "home"
    x, y = toy_images()
    write(home, "mnist", {"t10k-images-idx3-ubyte.gz": gzip.compress(idx_bytes(x)),
                          "t10k-labels-idx1-ubyte.gz": gzip.compress(idx_bytes(y))})
    with pytest.raises(data.ChecksumError) as err:
        data.load("mnist", "test")
    assert "t10k-images-idx3-ubyte.gz" in str(err.value) and "9fb629c4189551a2d022fa330f9573f3" in str(err.value)
    assert "python data_fetch.py mnist" in str(err.value)
    assert "delete it and fetch again" in str(err.value)      # the data home is ours to fix
    (home / "mnist" / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(x))[:-9])
    with pytest.raises(data.DataError, match="t10k-images-idx3-ubyte.gz.*corrupt or truncated"):
        data.load("mnist", "test", verify=False)
    with pytest.raises(data.DataError, match="delete it and fetch again: python data_fetch.py mnist"):
        data.load("mnist", "test", verify=False)


def test_bad_file_in_mirror_is_never_to_be_deleted(tmp_path, monkeypatch):
    """A mirror is shared and often read-only: the advice is to fetch into the data home."""
    mirror = tmp_path / "mirror"
    x, y = toy_images()
    write(mirror, "mnist", {"t10k-images-idx3-ubyte.gz": gzip.compress(idx_bytes(x)),
                            "t10k-labels-idx1-ubyte.gz": gzip.compress(idx_bytes(y))})
    monkeypatch.setenv("MINIFA_MIRROR", str(mirror))
    with pytest.raises(data.ChecksumError) as err:               # checksum mismatch
        data.load("mnist", "test")
    (mirror / "mnist" / "t10k-images-idx3-ubyte.gz").write_bytes(gzip.compress(idx_bytes(x))[:-9])
    with pytest.raises(data.DataError, match="corrupt or truncated") as err2:   # parse error
        data.load("mnist", "test", verify=False)
    for msg in (str(err.value), str(err2.value)):
        assert str(mirror) in msg and "MINIFA_MIRROR" in msg and "leave the mirror" in msg
        assert "delete" not in msg.lower()
        assert "python data_fetch.py mnist" in msg and str(tmp_path / "home") in msg
    monkeypatch.delenv("MINIFA_MIRROR")
    with pytest.raises(data.DataError) as err3:                  # a root= folder: maybe shared
        data.load("mnist", "test", root=mirror, verify=False)
    msg = str(err3.value)
    assert "if it is a shared mirror, leave it" in msg and f"--dest {mirror}" in msg


# --------------------------------------------------------------------------- the real mirror

def test_real_mirror_partial_datasets(tmp_path, monkeypatch):
    mirror = real_mirror()
    monkeypatch.setenv("MINIFA_MIRROR", str(mirror))        # loaders read the mirror directly
    if not (mirror / "kmnist" / "train-images-idx3-ubyte.gz").exists():
        with pytest.raises(data.MissingDataError, match="train-images-idx3-ubyte.gz.*lacks it too"):
            data.load("kmnist", "train")
        assert "test" in data.available_splits("kmnist")
        assert data.split_status("kmnist") == {"train": "partial", "test": "complete"}
    X, y = data.load("kmnist", "test")
    assert X.shape == (10000, 784) and np.bincount(y).tolist() == [1000] * 10
    X, y = data.load("usps", "test")
    assert X.shape == (2007, 784) and 0 <= X.min() and X.max() <= 1 and set(y.tolist()) == set(range(10))
    Xf, _ = data.load("usps", "test", resize="frame")
    assert Xf.shape == (2007, 784) and not np.allclose(Xf, X)
    X, y = data.load("cifar10", "test")                     # rebuilt batch: mirror SHA256SUMS
    assert X.shape == (10000, 3072) and np.bincount(y).tolist() == [1000] * 10
    complete = data.split_status("cifar10")["train"] == "complete"
    X, y = data.load("cifar10", "train", allow_partial=not complete)
    assert X.shape[0] % 10000 == 0 and X.shape[1] == 3072
    if complete:                                            # the mirror now has all 5 batches
        assert X.shape == (50000, 3072) and np.bincount(y).tolist() == [5000] * 10


# --------------------------------------------------------------------------- subsets

def test_subset_reproducible_and_balanced():
    y = np.repeat(np.arange(10), 100)
    X = np.arange(1000)[:, None].astype(np.float32)
    a, ya = data.subset(X, y, 50, seed=3)
    b, yb = data.subset(X, y, 50, seed=3)
    c, _ = data.subset(X, y, 50, seed=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert len(np.unique(a)) == 50 and np.array_equal(y[a[:, 0].astype(int)], ya)
    _, yb = data.subset(X, y, 500, seed=0, balanced=True)
    assert np.bincount(yb).tolist() == [50] * 10
    _, yr = data.subset(X, y, 503, seed=0, balanced=True)
    assert sorted(np.bincount(yr).tolist()) == [50] * 7 + [51] * 3
    with pytest.raises(ValueError):
        data.subset(X, y, 1001)
    with pytest.raises(ValueError, match="class"):
        data.subset(X[:105], y[:105], 20, balanced=True)


# --------------------------------------------------------------------------- OOD transforms

def digits(n=6, seed=0):
    rng = np.random.default_rng(seed)
    X = np.zeros((n, 28, 28), np.float32)
    X[:, 8:20, 10:18] = rng.uniform(0.2, 1.0, size=(n, 12, 8))
    return X.reshape(n, 784)


def test_translate_integer_shift_is_the_shifted_image():
    X = digits()
    out = data.translate(X, shift=(2, -3))
    expect = np.zeros((6, 28, 28), np.float32)
    expect[:, 2:, :-3] = X.reshape(6, 28, 28)[:, :-2, 3:]
    assert np.allclose(out.reshape(6, 28, 28), expect, atol=1e-6)


def test_identity_parameters():
    X = digits()
    assert np.array_equal(data.rotate(X, angle=0), X)
    assert np.allclose(data.scale(X, factor=1.0), X, atol=1e-6)
    assert np.allclose(data.translate(X, shift=(0, 0)), X, atol=1e-6)
    square = np.zeros((28, 28), np.float32)
    square[5:12, 3:9] = 1.0
    rot = data.rotate(square.ravel(), angle=90).reshape(28, 28)
    assert np.allclose(rot, np.rot90(square), atol=1e-4)


def centroid(img):
    img = img.reshape(28, 28)
    r, c = np.indices(img.shape)
    return np.array([(img * r).sum(), (img * c).sum()]) / img.sum()


def test_random_transforms_range_seed_and_parameters():
    X = digits(20)
    for kind in ("translate", "scale", "rotate"):
        a, b, c = data.ood(X, kind, seed=1), data.ood(X, kind, seed=1), data.ood(X, kind, seed=2)
        assert a.shape == X.shape and a.dtype == np.float32
        assert a.min() >= 0.0 and a.max() <= 1.0
        assert np.array_equal(a, b) and not np.array_equal(a, c) and not np.allclose(a, X)
    moved = data.translate(X, seed=5)
    shifts = np.array([centroid(o) - centroid(i) for o, i in zip(moved, X)])
    assert np.abs(shifts).max() <= 0.05 * 28 + 1e-3 and np.abs(shifts).max() > 0.3
    angles = np.random.default_rng(7).uniform(-25, 25, size=20)
    expected = np.stack([data.rotate(x, angle=a) for x, a in zip(X, angles)])
    assert np.array_equal(data.rotate(X, seed=7), expected)
    mass = [data.scale(X[:1], factor=f).sum() for f in (0.8, 1.2)]
    assert mass[0] < X[0].sum() < mass[1]                     # shrink / enlarge about the centre
    with pytest.raises(ValueError, match="translate, scale, rotate"):
        data.ood(X, "shear")


def test_transforms_on_colour_images():
    X = np.random.default_rng(0).uniform(size=(3, 3072)).astype(np.float32)
    out = data.rotate(X, angle=0)
    assert np.array_equal(out, X)
    shifted = data.translate(X, shift=(0, 1)).reshape(3, 3, 32, 32)
    assert np.allclose(shifted[..., 1:], X.reshape(3, 3, 32, 32)[..., :-1], atol=1e-6)
    assert np.all(shifted[..., 0] == 0)
