"""Tests of the CPU stand-in for CuPy (tests/cupy_standin.py): each rule it enforces."""
import copy
import json
import pathlib

import numpy as np
import pytest

import cupy_standin as cp

API = json.loads(pathlib.Path(__file__).with_name("cupy_api.json").read_text())


@pytest.fixture(autouse=True)
def _fresh_count():
    cp.reset_sync_count()


def test_api_json_matches_the_installed_cupy():
    cupy = pytest.importorskip("cupy", reason="real CuPy not installed: cupy_api.json not re-checked")
    import make_cupy_api
    assert API == make_cupy_api.read_api(), "re-run tests/make_cupy_api.py and commit cupy_api.json"
    assert cupy.__version__ == cp.__version__


def test_only_cupy_names_are_public():
    extras = {"sync_count", "reset_sync_count", "no_sync", "SyncError"}  # the stand-in's own tools
    public = {n for n in vars(cp) if not n.startswith("_")}
    assert public - extras <= set(API["cupy"])
    assert {n for n in vars(cp.ndarray) if not n.startswith("_")} <= set(API["cupy.ndarray"])
    dunders = {n for n in vars(cp.ndarray) if n.startswith("__")}
    assert dunders - {"__getattr__", "__slots__", "__weakref__", "__module__"} <= set(API["cupy.ndarray.dunders"])
    assert {n for n in vars(cp.random.Generator) if not n.startswith("_")} == set(API["cupy.random.Generator"])


def test_implicit_conversion_to_numpy_is_a_type_error():
    x = cp.arange(3.0)
    for convert in (np.asarray, np.array, np.mean, np.exp, lambda a: np.concatenate([a])):
        with pytest.raises(TypeError):
            convert(x)


def test_mixing_host_and_device_arrays_is_a_type_error():
    x, h = cp.ones(3), np.ones(3)
    for mix in (lambda: x + h, lambda: h + x, lambda: x * h, lambda: x @ h, lambda: x < h,
                lambda: h == x, lambda: cp.maximum(x, h), lambda: cp.concatenate([x, h]),
                lambda: cp.stack([h, x]), lambda: x.dot(h), lambda: x.sum(out=np.zeros(()))):
        with pytest.raises(TypeError):
            mix()
    with pytest.raises(TypeError):
        x += h


def test_scalars_are_accepted_and_asarray_is_the_host_to_device_door():
    x = cp.ones(2, dtype=cp.float32)
    for y in (x * 2.0, 2 * x, np.float32(2.0) * x, x + np.float32(1.0), x / 0.5):
        assert isinstance(y, cp.ndarray) and float(y[0]) == 2.0
    assert bool((np.float32(0.5) < x).all())
    assert isinstance(cp.asarray(np.ones(2)), cp.ndarray) and cp.array([1, 2]).shape == (2,)
    assert cp.asarray(x) is x and cp.asarray(x, dtype=cp.float64) is not x
    h = np.zeros(2)
    d = cp.asarray(h)
    d += 1
    assert h[0] == 0.0, "asarray copies host data"


def test_names_cupy_lacks_are_attribute_errors():
    for name in ("geomspace", "errstate", "insert", "vecdot"):  # NumPy has them, CuPy 14 does not
        assert hasattr(np, name)
        with pytest.raises(AttributeError, match="lacks"):
            getattr(cp, name)
    with pytest.raises(AttributeError, match="lacks"):
        cp.linalg.multi_dot
    with pytest.raises(AttributeError):
        cp.arange(3).tofile2
    assert not hasattr(cp.asarray(3), "__index__")  # nor has cupy.ndarray: range(x) fails on CuPy too
    with pytest.raises(TypeError):
        range(cp.asarray(3))
    rng = cp.random.default_rng(0)
    for name in ("permutation", "shuffle", "choice", "normal"):
        with pytest.raises(AttributeError):
            getattr(rng, name)


def test_full_reductions_give_0d_device_arrays():
    x = cp.arange(6.0).reshape(2, 3)
    for r in (x.sum(), x.mean(), x.max(), x.min(), x.std(), x.var(), x.argmax(), x.any(), x.all(),
              cp.sum(x), cp.linalg.norm(x), cp.allclose(x, x), x[0, 1], cp.dot(x[0], x[0])):
        assert isinstance(r, cp.ndarray) and r.shape == ()
    assert cp.sync_count() == 0
    assert x.sum(axis=0).shape == (3,)


def test_views_write_through_and_base_is_the_root_each_time():
    a = cp.zeros((4, 3))
    v = a[1:3]
    w = v[:, 0]
    w[...] = 5.0
    assert float(a[1, 0]) == 5.0 and float(a[2, 0]) == 5.0
    a[0][1] = 7.0  # an integer index gives a view too, as in CuPy
    assert float(a[0, 1]) == 7.0
    assert a.base is None and v.base is a and w.base is a and a.reshape(12).base is a
    assert a.T.base is a and cp.asarray(a) is a
    assert a.data.ptr == v.data.ptr - 3 * 8 and a.flags.c_contiguous and not w.flags.c_contiguous


def test_indexing_with_device_and_host_indices():
    a = cp.arange(5.0)
    assert a[cp.asarray([0, 4])].tolist() == [0.0, 4.0]
    assert a[np.array([1, 2])].tolist() == [1.0, 2.0]  # CuPy sends a NumPy index to the device
    a[np.array([0])] = np.array([9.0])  # advanced index: host value accepted (core.array)
    a[:2] = cp.asarray([1.0, 2.0])
    assert a.tolist() == [1.0, 2.0, 2.0, 3.0, 4.0]
    with pytest.raises(ValueError, match="non-scalar numpy.ndarray"):
        a[:2] = np.ones(2)  # basic index: goes to ndarray.fill on CuPy
    a[:] = np.float64(0.5)
    cp.reset_sync_count()
    a[a > 0] = 1.0  # boolean mask: CuPy counts the Trues on the host
    assert cp.sync_count() == 1


def test_syncs_are_counted_and_forbidden_in_no_sync():
    x = cp.ones(3)
    s = x.sum()
    x.get(), s.item(), x.tolist(), float(s), int(s), bool(s), cp.asnumpy(x), repr(x)
    assert cp.sync_count() == 8
    with cp.no_sync():
        y = (x * 2 + 1).sum()  # device work only: fine
        for sync in (x.get, s.item, lambda: float(y), lambda: bool(y), lambda: cp.nonzero(x),
                     cp.cuda.Device().synchronize, lambda: print(y), lambda: x[x > 0]):
            with pytest.raises(cp.SyncError):
                sync()
    assert float(y) == 9.0 and cp.sync_count() == 9


def test_generator_out_without_size_broadcasts_one_value():
    rng = cp.random.default_rng(1)
    u = cp.empty((4, 5), dtype=cp.float32)
    assert rng.random(dtype=cp.float32, out=u) is u
    assert len(set(u.get().ravel().tolist())) == 1, "CuPy: size None draws ONE value into all of out"
    rng.random((4, 5), dtype=cp.float32, out=u)
    assert len(set(u.get().ravel().tolist())) == 20
    rng.standard_normal(dtype=cp.float32, out=u)  # this one draws into out directly: all fresh
    assert len(set(u.get().ravel().tolist())) == 20
    with pytest.raises(ValueError, match="size must match"):
        rng.random(3, dtype=cp.float32, out=u)
    with pytest.raises(TypeError, match="wrong type"):
        rng.random(out=u)  # dtype float64 against a float32 out


def test_generator_signatures_and_determinism():
    a, b = cp.random.default_rng(7), cp.random.default_rng(7)
    assert a.random(3).tolist() == b.random(3).tolist()
    assert a.random().shape == () and a.random(dtype=cp.float32).dtype == np.float32
    ints = a.integers(0, 10, size=100)
    assert ints.dtype == np.int64 and 0 <= int(ints.min()) and int(ints.max()) <= 9
    assert a.integers(3, endpoint=True, size=50, dtype=cp.int32).dtype == np.int32
    assert a.uniform(2.0, 3.0, size=(2, 2), dtype=cp.float32).dtype == np.float32
    assert a.standard_normal((2, 3)).shape == (2, 3) and a.poisson(2.0, 4).shape == (4,)
    with pytest.raises(TypeError):
        a.beta(np.float32(1.0), 2.0)  # CuPy takes a device array or a Python scalar only
    p = cp.random.permutation(5)  # module-level legacy function that CuPy has
    assert sorted(p.tolist()) == [0, 1, 2, 3, 4]


def test_cuda_namespace_and_module_helpers():
    assert cp.cuda.runtime.getDeviceCount() == 1
    assert cp.cuda.runtime.getDeviceProperties(0)["name"] == b"CuPy stand-in (CPU)"
    x = cp.ones(2)
    assert cp.get_array_module(x) is cp and cp.get_array_module(np.ones(2)) is np
    assert isinstance(cp.asnumpy(x), np.ndarray) and isinstance(copy.deepcopy(x), cp.ndarray)
    w, v = cp.linalg.eigh(cp.eye(2))
    assert isinstance(w, cp.ndarray) and isinstance(v, cp.ndarray)
    assert cp.float32 is np.float32 and cp.newaxis is None and cp.pi == np.pi
