"""Shared fixtures. Every numerical test takes the `device` fixture and runs three times:
  cpu      NumPy, float64 (finite differences need it);
  standin  a strict CPU stand-in for CuPy (tests/cupy_standin.py) with minifa's GPU branches
           active: it catches implicit host conversions, host/device mixing, APIs and
           Generator semantics CuPy lacks, and host syncs inside a training step;
  gpu      real CuPy on a GPU (skipped, and reported so, where there is none).
The suite runs quiet: MINIFA_QUIET=1 silences training progress lines."""
import os

import pytest

from minifa import backend

os.environ.setdefault("MINIFA_QUIET", "1")
os.environ.pop("MINIFA_STORE", None)   # a reproduction's store of trained networks: never in a test unless it sets one


def _gpu_usable():
    return backend._cupy_or_none() is not None


@pytest.fixture(params=["cpu", "standin", pytest.param("gpu", marks=pytest.mark.gpu)])
def device(request, monkeypatch):
    """Switch minifa to a device and float64 for one test, then restore the defaults."""
    if request.param == "gpu" and not _gpu_usable():
        pytest.skip("CuPy with a GPU is not available on this machine")
    saved = {k: vars(backend).get(k) for k in ("xp", "device", "dtype")}
    if request.param == "standin":
        import cupy_standin
        monkeypatch.setattr(backend, "_cupy_or_none", lambda: cupy_standin)
        cupy_standin.reset_sync_count()
    backend.set_device("cpu" if request.param == "cpu" else "gpu")
    backend.set_dtype("float64")
    yield backend.xp
    for k, v in saved.items():
        if v is None:
            vars(backend).pop(k, None)
        else:
            setattr(backend, k, v)
