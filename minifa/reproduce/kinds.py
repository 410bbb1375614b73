"""The kinds of claims the report tells apart (experiments/registry.py), and their tallies."""
from ..experiments.claims import KEYS, borderline


def undefined(c):
    """A tested claim whose t or p is NaN (e.g. two identical samples, or NaN numbers): the run
    gave no result for it, which is neither reproduced nor not."""
    return not c.get("absent") and any(isinstance(c.get(k), float) and c[k] != c[k] for k in ("t", "p"))


def kind(c):
    """A claim's kind; "beyond" for tutorial 09's; a claim of an older run without one: "paper-untested"."""
    return "beyond" if c.get("beyond") else c.get("kind", "paper-untested")


def at_level(c):
    """The verdict at the paper's reported level (a "paper" claim only), else '—'."""
    v = c.get("verdict_at_paper_level")
    if v is None:
        return "—"
    return f"{v} ({c.get('paper_level')})" if v in ("reproduced", "not reproduced") else v


def _level_tally(claims):
    """(reproduced at the paper's level, tested) of the "paper" claims."""
    tested = [c for c in claims if not c.get("absent") and not undefined(c)]
    return sum(c.get("verdict_at_paper_level") == "reproduced" for c in tested), len(tested)


def _statements(claims):                      # the distinct statements of the paper they test
    return len({c.get("ref", c["id"]) for c in claims})


def claims_of(res):
    """The well-formed claims of a tutorial, and the ids (or indices) of malformed ones."""
    good, bad = [], []
    raw = (res.get("numbers") or {}).get("claims")
    for i, c in enumerate(raw if isinstance(raw, list) else []):
        ok = isinstance(c, dict) and all(k in c for k in KEYS) and isinstance(c["reproduced"], bool)
        (good if ok else bad).append(c if ok else (c.get("id", i) if isinstance(c, dict) else i))
    return good, bad


def tally(claims):
    """(reproduced, not reproduced, absent, borderline) counts of the paper's claims; a claim
    without a result (undefined) is in none of the first two."""
    tested = [c for c in claims if not c.get("absent") and not undefined(c)]
    return (sum(c["reproduced"] for c in tested), sum(not c["reproduced"] for c in tested),
            sum(bool(c.get("absent")) for c in claims), sum(borderline(c["p"]) for c in tested))


def counts_of(results):
    """(at the paper's level: reproduced, tested; at p < 0.05: reproduced, tested, of the claims the paper
    states with a test; reproduced, tested of those it states without one), as the header counts them."""
    every = [c for r in results for c in claims_of(r)[0]]
    with_test, without = [c for c in every if kind(c) == "paper"], [c for c in every if kind(c) == "paper-untested"]
    (a, b, _, _), (u, v, _, _) = tally(with_test), tally(without)
    return (*_level_tally(with_test), a, a + b, u, u + v)
