"""Run a script with minifa on the CuPy stand-in, as if on a GPU:

    python tests/run_on_standin.py tutorials/02_noise_pretraining.py --quick --out /tmp/x

minifa's device choice is pointed at tests/cupy_standin.py ("a CuPy that sees a GPU"), so
`--device gpu` / auto picks it and every GPU branch runs; then the script runs as __main__.
At exit it prints the number of device->host syncs."""
import os
import runpy
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cupy_standin  # noqa: E402

from minifa import backend  # noqa: E402

backend._cupy_or_none = lambda: cupy_standin
os.environ["MINIFA_DEVICE"] = "gpu"
script, sys.argv = sys.argv[1], sys.argv[1:]
try:
    runpy.run_path(script, run_name="__main__")
finally:
    print(f"stand-in: {cupy_standin.sync_count()} device->host syncs", flush=True)
