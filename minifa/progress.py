"""A progress line on stderr for long runs: what runs, how far, elapsed, rough time left.

Quiet when asked, or when MINIFA_QUIET=1 (the test suite sets it)."""
import os
import sys
import time


class Progress:
    """Call update(done) as work advances; a line is printed at most every `every` seconds,
    and always when done reaches total."""

    def __init__(self, label, total, quiet=False, every=5.0, unit=""):
        self.label, self.total, self.every, self.unit = label, total, every, unit
        self.quiet = quiet or os.environ.get("MINIFA_QUIET") == "1"
        self.t0 = self.last = time.perf_counter()

    def update(self, done, **stats):
        now = time.perf_counter()
        if self.quiet or (now - self.last < self.every and done < self.total):
            return
        self.last, elapsed = now, now - self.t0
        left = f", ~{elapsed * (self.total - done) / done:.0f}s left" if 0 < done < self.total else ""
        extra = "".join(f"  {k} {v:.4g}" for k, v in stats.items())
        print(f"[{self.label}] {done:,}/{self.total:,}{self.unit}{extra}  ({elapsed:.0f}s{left})",
              file=sys.stderr, flush=True)
