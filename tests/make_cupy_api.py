"""Write tests/cupy_api.json: the public names of real CuPy that tests/cupy_standin.py is limited to.

Run with the real CuPy installed (it imports without a GPU):  python tests/make_cupy_api.py
Re-run and commit the JSON when the project moves to another CuPy version.
"""
import json
import pathlib


def read_api():
    """The sorted names, per object, as the stand-in and its test read them."""
    import cupy
    import cupy.linalg
    import cupy.random

    def public(obj):
        return sorted(n for n in dir(obj) if not n.startswith("_"))

    return {
        "cupy_version": cupy.__version__,
        "cupy": public(cupy),
        "cupy.linalg": public(cupy.linalg),
        "cupy.random": public(cupy.random),
        "cupy.ndarray": public(cupy.ndarray),
        # special methods decide which Python protocols work (CuPy has no __index__, __round__, ...)
        "cupy.ndarray.dunders": sorted(n for n in dir(cupy.ndarray)
                                       if n.startswith("__") and n.endswith("__")),
        "cupy.random.Generator": public(cupy.random.Generator),
    }


if __name__ == "__main__":
    path = pathlib.Path(__file__).with_name("cupy_api.json")
    path.write_text(json.dumps(read_api(), indent=1) + "\n")
    print(f"wrote {path}")
