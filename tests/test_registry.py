"""The claim registry against the paper's text: every quote is the paper's own words."""
import os
import re

import pytest

from minifa.experiments import claims as C
from minifa.experiments.registry import KINDS, STATEMENTS, annotate

PAPER = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "paper")


def normal(text):
    """Whitespace collapsed, the Markdown '*' (and its escape) removed: the issue's rule."""
    return re.sub(r"\s+", " ", text.replace("\\*", "").replace("*", "")).strip()


@pytest.fixture(scope="module")
def texts():
    if not os.path.isdir(PAPER):
        pytest.skip(f"the paper's text is not at {PAPER} (../shared/paper beside the checkout)")
    return {name: normal(open(os.path.join(PAPER, name), encoding="utf-8").read())
            for name in ("cheon-lee-paik-2024.md", "table1-summary.md")}


@pytest.mark.parametrize("ref", sorted(STATEMENTS))
def test_every_quote_is_found_verbatim_in_the_paper(ref, texts):
    s = STATEMENTS[ref]
    assert s["kind"] in KINDS
    if s["kind"] == "extra":
        assert s["quote"] is None and s["reading"], "an extra quotes nothing and says what it asks"
        return
    for piece in s["quote"].split(" … "):
        assert normal(piece) in texts[s["source"]], f"{ref}: not in {s['source']}: {piece!r}"


def test_no_distance_claim_is_labelled_fig_2d():
    for ref, s in STATEMENTS.items():
        assert not ("dist" in (s["reading"] or "") and s["panel"] == "Fig. 2d"), ref


def test_paper_level_is_stricter_than_alpha():
    a, b = [1.0, 1.1, 1.2, 1.3, 1.4], [1.3, 1.4, 1.5, 1.6, 1.7]     # p ~ 0.02: reproduced at 0.05 only
    c = annotate(C.compare("x", "a < b", a, b, ("a", "b"), larger=False), "fig2b_auc")
    assert c["verdict"] == "reproduced" and 1e-3 < c["p"] < 0.05
    assert c["verdict_at_paper_level"] == "not reproduced" and c["kind"] == "paper" and c["panel"] == "Fig. 2b"
    ns = annotate(C.same("y", "a = 1.2", a, 1.2, "a"), "fig1e_untrained")
    assert ns["verdict"] == ns["verdict_at_paper_level"] == "reproduced"
    untested = annotate(C.compare("z", "a < b", a, b, ("a", "b"), larger=False), "fig3e")
    assert "verdict_at_paper_level" not in untested and untested["paper_test"] == "none stated"


def test_an_unknown_statement_is_named():
    with pytest.raises(KeyError, match="no statement 'fig9z'"):
        annotate(C.compare("x", "", [1, 2, 3], [2, 3, 4], ("a", "b")), "fig9z")


def test_the_untested_statements_quote_the_paper_too(texts):
    from minifa.experiments.registry import NOT_TESTED
    for panel, quote, why in NOT_TESTED:
        assert normal(quote) in texts["cheon-lee-paik-2024.md"], panel


def test_enough_of_the_paper_is_registered():
    """The issue's floor: at least 15 statements the paper makes with a test."""
    assert sum(s["kind"] == "paper" for s in STATEMENTS.values()) >= 15
