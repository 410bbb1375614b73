"""The kinds of claims the report tells apart (experiments/registry.py), and their tallies."""


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


