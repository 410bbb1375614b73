#!/usr/bin/env python3
"""Fetch and verify the paper's datasets into the data home (see docs/datasets.md).

    python data_fetch.py mnist fashion-mnist kmnist usps cifar10 cifar100 stl10
    python data_fetch.py all --mirror ../shared/datasets     # offline, from a local mirror
    python data_fetch.py mnist --dest /data/minifa           # or set MINIFA_DATA
"""
import sys

if __name__ == "__main__":
    try:
        from minifa.datasets.fetch import main
    except KeyboardInterrupt:        # Ctrl-C while importing: no traceback either
        sys.exit(130)
    sys.exit(main())
