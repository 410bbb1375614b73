"""python -m minifa.experiments NN [flags]: run one experiment, write its figure and JSON."""
import sys

from . import BEYOND, REGISTRY, get
from .session import main

if len(sys.argv) < 2 or sys.argv[1] in ("-h", "--help"):
    print(__doc__.strip() + "\n\nexperiments:\n" + "\n".join(f"  {n}  {get(n).STEM}: {get(n).TITLE}"
                                                          for n in {**REGISTRY, **BEYOND})
          + "\n\n`python -m minifa.experiments NN --help` lists an experiment's flags.")
    sys.exit(0 if len(sys.argv) >= 2 else 2)
try:
    exp = get(sys.argv[1])
except ValueError as e:
    print(f"error: {e}", file=sys.stderr)
    sys.exit(2)
sys.exit(main(exp, sys.argv[2:]))
