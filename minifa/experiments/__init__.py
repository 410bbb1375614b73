"""The paper's experiments as library functions, one module per figure or table:

    from minifa.experiments import fig2
    numbers = fig2.run(fig2.SIZES["quick"])     # plain data: arrays, floats; no plot, no file
    claims = fig2.claims(numbers, fig2.SIZES["quick"])   # the paper's claims, tested on them

Each module has NAME, NUM (its tutorial's number), STEM (the files it writes), SIZES (its
settings at each run size, from minifa/settings.py: "paper", "lab", "quick"), run(cfg), claims(numbers, cfg) and
settings_text(cfg); minifa.figures.<NAME>.draw(numbers, cfg) draws its figures. The tutorials
narrate them; `python -m minifa.experiments NN [--lab | --quick]` runs one and writes its
figure and JSON; `python -m minifa.reproduce` runs them all.
"""
import importlib

# tutorial number -> module, in the paper's order
REGISTRY = {"01": "equations", "02": "noise_pretraining", "03": "alignment", "04": "fig2", "05": "fig3",
            "06": "fig4", "07": "fig5", "08": "table1", "09": "rules"}
# beyond the reproduction: tutorials whose experiment python -m minifa.reproduce does not run
BEYOND = {"10": "sensitivity"}      # a map of many Fig. 2 runs (minifa.sweep); ~32 min at paper size on 2 cores


def get(key):
    """An experiment module by tutorial number ('04', '4') or name ('fig2')."""
    key = str(key).strip()
    known = {**REGISTRY, **BEYOND}
    name = known.get(f"{int(key):02d}" if key.isdigit() else None) or (key if key in known.values() else None)
    if name is None:
        raise ValueError(f"no experiment {key!r}; experiments: "
                         + ", ".join(f"{n} ({m})" for n, m in known.items()))
    return importlib.import_module(f".{name}", __name__)


def __getattr__(name):
    if name in REGISTRY.values() or name in BEYOND.values():
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'minifa.experiments' has no attribute {name!r}")
