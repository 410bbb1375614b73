"""Load a dataset split as arrays, and draw reproducible subsets of it.

``load`` finds the split's files (data home, then ``$MINIFA_MIRROR``), verifies
each (checksum, then structure) and parses it.  A missing, truncated or corrupt
file raises a ``DataError`` naming it and saying how to fix it; nothing is guessed
or replaced.
"""
import numbers

import numpy as np

from .formats import (DataError, check_resize, corrupt, read_cifar_batch, read_idx,
                      read_libsvm, read_stl_images, read_stl_labels, usps_images)
from .registry import get_spec
from .store import (MissingDataError, available_splits, fix_hint, locate, mirror_from_env,
                    read_sums, search_roots, verify_file)

LABEL_MODES = ("fine", "coarse")


def _missing_message(ds, split, missing, root):
    places = ", ".join(str(r / ds.folder) for r in search_roots(root))
    names = ", ".join(f.name for f in missing)
    msg = (f"{ds.title} {split} split needs {names}: not found in {places}. "
           f"Fetch it: python data_fetch.py {ds.key}  (downloads; offline, copy from a local "
           f"mirror: python data_fetch.py {ds.key} --mirror ../shared/datasets, or set "
           f"MINIFA_MIRROR; files a mirror lacks are reported ABSENT, see docs/datasets.md).")
    mirror = mirror_from_env()
    if root is None and mirror is not None:
        msg += f" The mirror {mirror} (MINIFA_MIRROR) lacks it too."
    have = available_splits(ds.key, root)
    msg += f" Splits available now: {have or 'none'}"
    msg += f", e.g. load({ds.key!r}, {have[0]!r})." if have else "."
    return msg


def _split_paths(ds, split, root, allow_partial):
    """[(FileSpec, path, SHA256SUMS of its root)] for the split; raise if files are missing."""
    if split not in ds.splits:
        raise ValueError(f"split {split!r} is not one of {ds.title}'s splits: "
                         f"{', '.join(map(repr, ds.splits))}")
    found, missing = [], []
    for fs in ds.split_files(split):
        p = locate(ds.key, fs.name, root)
        (found if p else missing).append((fs, p))
    chunked = ds.fmt == "cifar"   # each CIFAR batch stands alone
    if missing and not (allow_partial and chunked and found):
        msg = _missing_message(ds, split, [fs for fs, _ in missing], root)
        if chunked and found:
            msg += f" {len(found)} of {len(found) + len(missing)} files are present: pass " \
                   f"allow_partial=True to load only those."
        raise MissingDataError(msg)
    return [(fs, p, read_sums(p.parent.parent)) for fs, p in found]


def _parse(ds, paths, resize, label_mode):
    """Parse verified files of one split into (images (N, D) uint8 or float, labels int64 (N,))."""
    if ds.fmt == "idx":
        images, labels = read_idx(paths[0], 2051), read_idx(paths[1], 2049)
        return images.reshape(len(images), -1), labels.astype(np.int64)
    if ds.fmt == "libsvm":
        X, y = read_libsvm(paths[0], 256)
        if np.abs(X).max() > 1 + 1e-6:
            raise corrupt(paths[0], "USPS values outside [-1, 1]")
        if np.any(y != np.round(y)) or y.min() < 1 or y.max() > 10:
            raise corrupt(paths[0], "USPS labels outside 1..10")
        return usps_images(X, resize), y.astype(np.int64) - 1
    if ds.fmt == "cifar":
        key = b"labels" if ds.num_classes == 10 else \
            {"fine": b"fine_labels", "coarse": b"coarse_labels"}[label_mode]
        parts = [read_cifar_batch(p, key) for p in paths]
        return np.concatenate([d for d, _ in parts]), np.concatenate([y for _, y in parts])
    if ds.fmt == "stl":
        images, labels = read_stl_images(paths[0]), read_stl_labels(paths[1])
        return images.reshape(len(images), -1), labels
    raise AssertionError(ds.fmt)


def load(name, split="train", *, root=None, verify=True, allow_partial=False,
         resize="stretch", label_mode="fine"):
    """Load a split as ``(X float32 (N, D) in [0, 1], y int64 (N,) in 0..C-1)``.

    Images are flattened row-major; colour images channel-major (all R, then G, then B).
    name: mnist, fashion-mnist, kmnist, usps, cifar10, cifar100, stl10 (or an alias).
    split: "train" or "test".
    root: a folder laid out like the data home (default: data home, then $MINIFA_MIRROR).
    verify: check checksums before parsing (structure is always checked).
    allow_partial: CIFAR only: load the batches present (e.g. 2 of 5 CIFAR-10 train batches).
    resize: USPS only: "stretch" (default, the paper's protocol, Fig. C.8: the 16x16 digit
            resized to 28x28 over the whole frame, bilinear, D = 784), "frame" (framed like
            MNIST's digits: a 20x20 box in 28x28, centre of mass centred, D = 784) or None
            (the raw 16x16 digit, D = 256).
    label_mode: CIFAR-100 only: "fine" (100 classes) or "coarse" (20).
    """
    ds = get_spec(name)
    check_resize(resize)
    if label_mode not in LABEL_MODES:
        raise ValueError(f"label_mode must be 'fine' or 'coarse', not {label_mode!r}")
    files = _split_paths(ds, split, root, allow_partial)
    if verify:
        for fs, p, sums in files:
            verify_file(p, ds, fs, sums)
    paths = [p for _, p, _ in files]
    try:
        X, y = _parse(ds, paths, resize, label_mode)
        classes = 20 if (ds.num_classes == 100 and label_mode == "coarse") else ds.num_classes
        if len(X) != len(y):
            raise corrupt(paths[-1], f"{len(y)} labels for {len(X)} images")
        if y.size and (y.min() < 0 or y.max() >= classes):
            raise corrupt(paths[-1], f"labels outside 0..{classes - 1}")
    except DataError as e:
        if getattr(e, "path", None) is not None:   # readers don't know where a file lives
            e.args = (f"{e} — {fix_hint(ds, e.path)}",)
        raise
    if X.dtype == np.uint8:
        X = X.astype(np.float32) / np.float32(255.0)
    return np.ascontiguousarray(X, dtype=np.float32), y.astype(np.int64)


# --------------------------------------------------------------------------- subsets

def subset_indices(y, n, seed=0, balanced=False):
    """Indices (int64 (n,), in drawn order) of a reproducible random subset of size ``n``.

    balanced: ``n // C`` per class (the remainder goes to randomly chosen classes),
    e.g. the paper's 5,000-sample train/test subsets with 500 per digit.
    """
    y = np.asarray(y)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 0 < n <= len(y):
        raise ValueError(f"subset size n must be an integer in 1..{len(y)} (the number of "
                         f"samples), got {n!r}")
    rng = np.random.default_rng(seed)
    if not balanced:
        return rng.choice(len(y), size=n, replace=False)
    classes = np.unique(y)
    per = np.full(len(classes), n // len(classes))
    per[rng.choice(len(classes), size=n % len(classes), replace=False)] += 1
    picks = []
    for c, k in zip(classes, per):
        members = np.flatnonzero(y == c)
        if k > len(members):
            raise ValueError(f"subset size n={n}: class {c} has {len(members)} samples, a "
                             f"balanced subset needs {k} of each class")
        picks.append(rng.choice(members, size=k, replace=False))
    return rng.permutation(np.concatenate(picks))


def subset(X, y, n, seed=0, balanced=False):
    """``(X[idx], y[idx])`` for ``idx = subset_indices(y, n, seed, balanced)``; X (N, ...)."""
    if len(X) != len(y):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}")
    idx = subset_indices(y, n, seed, balanced)
    return X[idx], np.asarray(y)[idx]
