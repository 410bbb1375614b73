"""The data layer: the datasets of Cheon, Lee & Paik (NeurIPS 2024), located, verified,
parsed and loaded as NumPy arrays, plus the out-of-distribution transforms of Fig. 4 /
Fig. C.7.  ``import minifa`` does not import it; ``minifa.datasets`` loads it on first use.

Loaders return host arrays: ``X`` float32 (N, D) in [0, 1], flattened row-major (colour
images channel-major: all R, then G, then B, each plane row-major), and ``y`` int64 (N,)
in 0..C-1.  Every file is checked before it is parsed (checksum, then structure), so a
truncated or corrupt file raises ``DataError`` naming it and saying how to fix it.

Where files live: ``<root>/<folder>/<canonical upstream file name>`` plus
``<root>/SHA256SUMS``, where root is
  - the data home, ``$MINIFA_DATA`` or ``~/.minifa/data``: ``data_fetch.py`` (``fetch``)
    puts files there, from the upstream URLs or from a local mirror (``--mirror DIR``);
  - a local mirror, ``$MINIFA_MIRROR`` (e.g. ``../shared/datasets``): read-only, looked
    in after the data home.
See docs/datasets.md for the datasets, their sources and licences.

Modules, each importing only those before it: ``registry`` (what each dataset is, its
files and checksums) -> ``formats`` (file parsers, USPS pixels) -> ``durable`` (complete
writes, fsync) -> ``store`` (places, checksums, SHA256SUMS, errors) -> ``load`` (load,
subsets) -> ``transfer`` (safe writes, downloads) -> ``fetch`` (fetch, the data_fetch.py
command); ``ood`` stands alone.
Note: the names ``load``, ``fetch`` and ``ood`` here are the functions; reach those
modules with ``from minifa.datasets.fetch import main`` or ``importlib.import_module``.
"""
from .fetch import FetchReport, NetworkError, fetch
from .formats import (DataError, read_cifar_batch, read_idx, read_libsvm, read_stl_images,
                      read_stl_labels)
from .load import load, subset, subset_indices
from .ood import OOD_TRANSFORMS, ood, rotate, scale, translate
from .registry import REGISTRY, Archive, DatasetSpec, FileSpec, get_spec
from .store import (ChecksumError, DestinationError, MissingDataError, available_splits,
                    data_home, file_digests, locate, mirror_from_env, read_sums, split_status,
                    verify_file)

__all__ = [
    "load", "subset", "subset_indices", "available_splits", "split_status", "locate",
    "data_home", "mirror_from_env", "DataError", "MissingDataError", "ChecksumError",
    "DestinationError", "NetworkError", "REGISTRY", "get_spec", "DatasetSpec", "FileSpec",
    "Archive", "fetch", "FetchReport", "translate", "scale", "rotate", "ood", "OOD_TRANSFORMS",
    "verify_file", "read_sums", "file_digests", "read_idx", "read_libsvm", "read_cifar_batch",
    "read_stl_images", "read_stl_labels",
]
