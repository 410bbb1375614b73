"""File parsers of the paper's datasets, and the USPS image preprocessing.

Each reader takes a path, checks the file's structure (magic numbers, sizes,
label ranges, gzip/bz2 CRCs) and returns NumPy arrays, or raises ``DataError``
naming the file.  Readers know nothing of where a file lives: ``load`` adds how
to repair it (``store.fix_hint``), from the file's ``path`` attribute on the error.
"""
import bz2
import gzip
import pickle
import zlib
from pathlib import Path

import numpy as np
from scipy import ndimage


class DataError(ValueError):
    """A data file is missing, corrupt, truncated or does not verify."""


def corrupt(path, what):
    """A DataError for a file whose content is wrong; ``err.path`` names the file."""
    err = DataError(f"{path}: {what}; the file is corrupt or truncated")
    err.path = Path(path)
    return err


def _read_maybe_compressed(path):
    """The file's bytes, gunzipped or bunzipped when its magic says so."""
    raw = Path(path).read_bytes()
    try:
        if raw[:2] == b"\x1f\x8b":
            return gzip.decompress(raw)
        if raw[:3] == b"BZh":
            return bz2.decompress(raw)
    except (OSError, EOFError, zlib.error, ValueError) as e:
        raise corrupt(path, f"cannot decompress ({type(e).__name__}: {e})") from e
    return raw


def read_idx(path, expect_magic=None):
    """An idx file (``.gz`` or raw) of unsigned bytes as a uint8 array of its stored shape,
    e.g. (60000, 28, 28) for images (magic 2051) or (60000,) for labels (magic 2049)."""
    data = _read_maybe_compressed(path)
    if len(data) < 4:
        raise corrupt(path, "shorter than an idx header")
    magic = int.from_bytes(data[:4], "big")
    if data[:2] != b"\0\0" or data[2] != 0x08 or not 1 <= data[3] <= 4:
        raise corrupt(path, f"wrong magic number {magic} (not an unsigned-byte idx file)")
    if expect_magic is not None and magic != expect_magic:
        raise corrupt(path, f"wrong magic number {magic}, expected {expect_magic}")
    ndim = data[3]
    dims = tuple(int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    start, count = 4 + 4 * ndim, int(np.prod(dims))
    if len(data) != start + count:
        raise corrupt(path, f"{len(data) - start} bytes of data, header says {dims} = {count}")
    return np.frombuffer(data, np.uint8, count, start).reshape(dims)


def read_libsvm(path, n_features):
    """A LIBSVM text file (``.bz2`` or plain): (X float64 (N, n_features), raw labels
    float64 (N,)).  Feature indices are 1-based; absent features are 0, as the format says."""
    text = _read_maybe_compressed(path)
    try:
        lines = [ln for ln in text.decode("ascii").splitlines() if ln.strip()]
    except UnicodeDecodeError as e:
        raise corrupt(path, "not a text file") from e
    X, y = np.zeros((len(lines), n_features)), np.empty(len(lines))
    for i, line in enumerate(lines):
        tokens = line.replace(":", " ").split()
        try:
            y[i] = float(tokens[0])
            pairs = np.array(tokens[1:], dtype=np.float64).reshape(-1, 2)
        except ValueError as e:
            raise corrupt(path, f"line {i + 1} is not LIBSVM 'label index:value ...'") from e
        idx = pairs[:, 0].astype(np.int64)
        if np.any(idx != pairs[:, 0]) or np.any(idx < 1) or np.any(idx > n_features):
            raise corrupt(path, f"line {i + 1}: feature index outside 1..{n_features}")
        X[i, idx - 1] = pairs[:, 1]
    if not lines:
        raise corrupt(path, "no data lines")
    return X, y


class _BatchUnpickler(pickle.Unpickler):
    """Unpickles only containers, strings, numbers and numpy arrays: a data file can't run code."""
    _ALLOWED = {("numpy", "ndarray"), ("numpy", "dtype"), ("_codecs", "encode"),
                ("numpy.core.multiarray", "_reconstruct"),
                ("numpy._core.multiarray", "_reconstruct"),
                ("numpy.core.multiarray", "scalar"), ("numpy._core.multiarray", "scalar"),
                ("numpy.core.numeric", "_frombuffer"), ("numpy._core.numeric", "_frombuffer")}

    def find_class(self, module, name):
        if (module, name) not in self._ALLOWED:
            raise pickle.UnpicklingError(f"global {module}.{name} is not allowed in a data batch")
        if module.startswith("numpy.core"):   # written by numpy 1.x; numpy 2 has numpy._core
            try:
                return super().find_class(module.replace("numpy.core", "numpy._core"), name)
            except (ImportError, AttributeError):
                pass
        return super().find_class(module, name)


def read_cifar_batch(path, label_key=b"labels"):
    """A CIFAR python pickle: (data uint8 (N, 3072), labels int64 (N,)).  Each row is one
    32x32 image, channel-major: 1024 red, then 1024 green, then 1024 blue values."""
    try:
        with open(path, "rb") as f:
            obj = _BatchUnpickler(f, encoding="bytes").load()
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError,
            IndexError, KeyError, MemoryError) as e:
        raise corrupt(path, f"cannot unpickle ({type(e).__name__}: {e})") from e
    if not isinstance(obj, dict) or b"data" not in obj or label_key not in obj:
        raise corrupt(path, f"not a CIFAR batch (needs keys b'data' and {label_key!r})")
    data, labels = obj[b"data"], np.asarray(obj[label_key])
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 \
            or data.shape[1] != 3072:
        raise corrupt(path, "b'data' is not a uint8 array of shape (N, 3072)")
    if labels.shape != (data.shape[0],) or labels.dtype.kind not in "iu" or labels.min() < 0:
        raise corrupt(path, f"{label_key!r} does not hold {data.shape[0]} non-negative integers")
    return data, labels.astype(np.int64)


_STL_SIDE = 96


def read_stl_images(path):
    """STL-10 ``*_X.bin``: uint8 (N, 3, 96, 96), each plane row-major (the file stores
    column-major planes)."""
    raw = np.fromfile(path, dtype=np.uint8)
    per = 3 * _STL_SIDE * _STL_SIDE
    if raw.size == 0 or raw.size % per:
        raise corrupt(path, f"size {raw.size} bytes is not a whole number of {per}-byte images")
    return raw.reshape(-1, 3, _STL_SIDE, _STL_SIDE).transpose(0, 1, 3, 2)


def read_stl_labels(path):
    """STL-10 ``*_y.bin``: labels 1..10 stored as bytes, returned as int64 (N,) in 0..9."""
    y = np.fromfile(path, dtype=np.uint8).astype(np.int64)
    if y.size == 0 or y.min() < 1 or y.max() > 10:
        raise corrupt(path, "labels are not in 1..10")
    return y - 1


# --------------------------------------------------------------------------- USPS pixels

USPS_RESIZE = {"stretch": "16x16 stretched to 28x28 (the paper's protocol, Fig. C.8)",
               "frame": "16x16 framed like MNIST: 20x20 box in 28x28, centre of mass centred",
               None: "raw 16x16 (256 values)"}


def check_resize(resize):
    """``resize`` itself, or a ValueError listing the valid values."""
    if isinstance(resize, bool) or resize not in USPS_RESIZE:   # True == 1, never a key
        valid = "; ".join(f"{k!r}: {v}" for k, v in USPS_RESIZE.items())
        raise ValueError(f"resize must be one of {valid}; got {resize!r}")
    return resize


def stretch(X16):
    """USPS digits (N, 16, 16) resized to (N, 28, 28) over the whole frame: bilinear with
    half-pixel centres and edge replication, which is what PIL's and torchvision's
    ``Resize((28, 28))`` do; clipped to [0, 1]."""
    if len(X16) == 0:
        return np.zeros((0, 28, 28))
    X = ndimage.zoom(X16, (1, 28 / 16, 28 / 16), order=1, grid_mode=True, mode="nearest")
    return np.clip(X, 0.0, 1.0)


def mnist_frame(img16):
    """One 16x16 USPS digit (values in [0, 1]) framed the way MNIST frames its digits
    (LeCun et al.): scaled to a 20x20 box (bilinear), put in a 28x28 field, and shifted so
    that its centre of mass sits at the centre.  Stretching instead makes the digits ~40%
    larger than MNIST's, and MNIST-trained nets then score far lower on USPS."""
    field = np.zeros((28, 28))
    field[4:24, 4:24] = np.clip(ndimage.zoom(img16, 20 / 16, order=1), 0.0, 1.0)
    if field.sum() == 0:                       # a blank image has no centre of mass
        return field
    cy, cx = ndimage.center_of_mass(field)
    return np.clip(ndimage.shift(field, (13.5 - cy, 13.5 - cx), order=1), 0.0, 1.0)


def usps_images(X16, resize="stretch"):
    """USPS pixels (N, 256) in [-1, 1] -> float32 (N, 784) in [0, 1] (``"stretch"`` or
    ``"frame"``, see USPS_RESIZE) or (N, 256) (``None``).

    Fig. 4 / Fig. C.8 test MNIST-trained networks on USPS, so the digits must come in
    MNIST's 28x28 input size."""
    resize = check_resize(resize)
    X = np.clip((np.asarray(X16, dtype=np.float64) + 1.0) / 2.0, 0.0, 1.0).reshape(-1, 16, 16)
    if resize == "stretch":
        X = stretch(X)
    elif resize == "frame":
        X = np.stack([mnist_frame(img) for img in X]) if len(X) else np.zeros((0, 28, 28))
    return X.reshape(len(X), -1).astype(np.float32)
