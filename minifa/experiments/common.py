"""What every experiment shares: its settings at a run size, its notes, its data.

    cfg = settings("fig2", "lab")          # a Config: cfg.nets, cfg.epochs, ... cfg.seed, cfg.init
    log = Log()                            # notes and deviations, printed as they come
    data = load(log, "mnist", "Fig. 2 skipped")   # (X, y, X_test, y_test), or None with a note
    return log.numbers(auc=..., ...)       # run's result: plain data, with log's notes and deviations

Sizes: "paper" (the default run: the paper's whole protocol), "lab" (a class-sized run that
still shows the main effect), "quick" (a smoke test of seconds that tests nothing). The values
live in minifa/settings.py.
"""
from types import SimpleNamespace

from .. import backend
from ..settings import EXPERIMENTS, PAPER

SIZES = ("paper", "lab", "quick")
SCALINGS = {"unit": "pixels in [0, 1] as loaded",
            "standard": "standardised by the training set's mean and std per colour channel"}


class Config(SimpleNamespace):
    """An experiment's settings: plain values by attribute (cfg.nets), plus name and size."""

    def replace(self, **changes):
        """A copy with some values changed, e.g. cfg.replace(nets=3)."""
        unknown = set(changes) - set(vars(self))
        if unknown:
            raise TypeError(f"{self.name} has no setting {', '.join(sorted(unknown))}; "
                            f"its settings: {', '.join(vars(self))}")
        return Config(**{**vars(self), **changes})

    def values(self):
        """The settings themselves (without name and size), as a dict."""
        return {k: v for k, v in vars(self).items() if k not in ("name", "size")}


def settings(name, size="paper", seed=0, init=None, scaling=None, **overrides):
    """The Config of experiment `name` at `size`; `overrides` replace single values
    (e.g. nets=3). seed: base random seed; init: 'he' or 'pytorch' (default PAPER.init);
    scaling: the inputs, 'standard' (default PAPER.scaling: by the training set's mean and std, scale())
    or 'unit' (pixels in [0, 1] as loaded)."""
    scaling = scaling or PAPER.scaling
    if name not in EXPERIMENTS:
        raise ValueError(f"no experiment {name!r}; experiments: {', '.join(EXPERIMENTS)}")
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}; got {size!r}")
    if scaling not in SCALINGS:
        raise ValueError(f"scaling must be one of {', '.join(SCALINGS)}; got {scaling!r}")
    spec = EXPERIMENTS[name]
    change = {} if size == "paper" else spec.get(size) or {}
    values = {**spec["paper"], **change}
    unknown = set(overrides) - set(values)
    if unknown:
        raise TypeError(f"{name} has no setting {', '.join(sorted(unknown))}; its settings: {', '.join(values)}")
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Config(name=name, size=size, **values, seed=seed, init=init or PAPER.init, scaling=scaling)


def changes(cfg):
    """The deviation line of a run size: which values differ from the paper's and why (or None)."""
    spec = EXPERIMENTS[cfg.name]
    paper, chosen = spec["paper"], cfg.values()
    changed = [k for k in paper if chosen.get(k) != paper[k]]
    if not changed:
        return None
    why = {"lab": "--lab, a class-sized run", "quick": "--quick", "paper": "command-line flag"}[cfg.size]
    return f"{why}: " + ", ".join(f"{k} {chosen[k]} (paper: {paper.get(k)})" for k in changed)


class Log:
    """The notes and deviations of one run, printed as they come and returned with its numbers."""

    def __init__(self, cfg=None):
        self.notes, self.deviations = [], []
        if cfg is not None and (line := changes(cfg)):
            self.deviation(line)

    def deviation(self, text):
        """A deviation from the paper's protocol, with its reason."""
        self.deviations.append(text)
        print(f"deviation from the paper: {text}", flush=True)

    def note(self, text):
        """A note, e.g. a dataset absent from the mirror."""
        self.notes.append(text)
        print(f"note: {text}", flush=True)

    def numbers(self, **numbers):
        """What run() returns: its numbers (host arrays keep their dtype, so the claims' t-tests
        see exactly what was measured; saving turns them into lists) and this run's notes and
        deviations."""
        return {**numbers, "notes": list(self.notes), "deviations": list(self.deviations)}


def load(log, key, skipped, cfg=None, **kw):
    """(X, y, X_test, y_test) of a dataset, or None once the reason is noted; `skipped`
    says what runs without it. An absent dataset is never replaced by anything. With cfg,
    X and X_test scaled as cfg.scaling says (scale(), by the whole training split)."""
    from ..datasets import DataError
    from ..datasets import load as load_split
    try:
        (X, y), (Xt, yt) = load_split(key, "train", **kw), load_split(key, "test")
    except DataError as e:
        log.note(f"{key} not loaded: {skipped} ({e})")
        return None
    if cfg is not None:
        X, Xt = scale(cfg, X, X, Xt)
    return X, y, Xt, yt


def scale(cfg, X_train, *Xs):
    """The inputs Xs as cfg.scaling says: 'unit' returns them as they are (pixels in [0, 1]);
    'standard' returns (x - mean) / std per colour channel (one for grey images, three for
    CIFAR's channel-first rows), mean and std of X_train, as the authors' later code does
    (torchvision's Normalize(mean, std), ../shared/paper/README.md)."""
    if cfg.scaling == "unit":
        return Xs if len(Xs) != 1 else Xs[0]
    import numpy as np                              # host-side preprocessing only
    C = 3 if X_train.shape[-1] == 3072 else 1
    per = np.array(X_train, np.float64).reshape(len(X_train), C, -1)     # a copy, always
    mean, std = per.mean(axis=(0, 2))[:, None], per.std(axis=(0, 2))[:, None]

    def standard(X, rows=4096):   # ((X - mean) / std).astype(X.dtype) in float64, by rows: each number as
        out = np.empty(X.shape, X.dtype)           # in one pass, with far less fresh memory (page faults)
        for i in range(0, len(X), rows):
            x = np.asarray(X[i:i + rows], np.float64)
            out[i:i + rows] = ((x.reshape(len(x), C, -1) - mean) / std).reshape(x.shape)
        return out

    out = []
    for X in Xs:
        if X is X_train and per is not None:       # its float64 copy is `per`: the same operations, in place
            per -= mean
            per /= std
            out.append(per.reshape(X.shape).astype(X.dtype))
            per = None
        else:
            out.append(standard(X))
    return out if len(out) != 1 else out[0]


def every(cfg):
    """Epochs between test-accuracy points of an AUC (Fig. 2's protocol): 2 from 50 epochs on, as
    a pass over the test set costs ~30% of an epoch; else every epoch."""
    return 2 if cfg.epochs >= 50 else 1


def noise_log_every(cfg):
    """Steps between records of Algorithm 1 where a tutorial keeps no record of its own: Fig. 2's,
    40 through the run. The same everywhere, so that the same networks are the same call
    (and, in a reproduction, trained once: minifa/store.py)."""
    return max(1, -(-cfg.n_noise // 64) // 40)


def seeds(cfg, n):
    """The seeds of n independent networks: cfg.seed, cfg.seed + 1, ..."""
    return [cfg.seed + k for k in range(n)]


def jsonable(x):
    """Lists, floats, ints and strings for JSON: arrays (NumPy or CuPy) become nested lists
    (NaN stays NaN: json writes it, and reads it back)."""
    if isinstance(x, dict):
        return {str(k): jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [jsonable(v) for v in x]
    if hasattr(x, "shape") and hasattr(x, "dtype"):          # an array or a NumPy scalar
        return jsonable(backend.to_host(x).tolist())
    return x


def sizes(name):
    """{size: Config} of an experiment at its default seed and init."""
    return {size: settings(name, size) for size in SIZES}
