"""python -m minifa.sweep: see minifa/sweep/__init__.py (or --help)."""
import sys

from . import main

sys.exit(main())
