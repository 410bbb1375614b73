"""A progress line on stderr for long runs: what runs, how far, elapsed, rough time left.

Training's lines say which condition, how many networks and which phase, e.g.
    [FA w/: Algorithm 1, 5 networks 784-100-10 (fa)] 64,000/100,000 noise examples  loss 2.31  (4s, ~2s left)

Quiet when asked, or when MINIFA_QUIET=1 (the test suite sets it)."""
import os
import sys
import time


class Progress:
    """Call update(done) as work advances; a line is printed at most every `every` seconds,
    and always when done reaches total."""

    def __init__(self, label, total, quiet=False, every=5.0, unit=""):
        self.label, self.total, self.every, self.unit = label, total, every, unit
        self.quiet = is_quiet(quiet)
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


def is_quiet(quiet=False):
    """Whether progress lines stay silent: asked (quiet), or MINIFA_QUIET=1."""
    return quiet or os.environ.get("MINIFA_QUIET") == "1"


def labelled(label, phase, net):
    """'<label>: <phase>, K networks <dims> (<rule>)': what a training progress line belongs to
    (label: the condition, e.g. "FA w/"; None leaves it out)."""
    k = net.n_nets or 1
    what = f"{phase}, {k} network{'s' if k > 1 else ''} {'-'.join(map(str, net.dims))} ({net.rule.name})"
    return f"{label}: {what}" if label else what
