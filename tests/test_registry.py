"""The claim registry against the paper's text: every quote is the paper's own words."""
import os
import re

import numpy as np
import pytest

from minifa.experiments import claims as C
from minifa.experiments.registry import AMBIGUITIES, KINDS, STATEMENTS, annotate

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


def test_each_layer_has_its_appendix_panel_and_fig3c_d_are_read_on_W1():
    """App. C.2b-d (spectra) and C.2e-g (effective ranks) letter one layer each; the main text's Fig. 3c-d,
    which name no layer, are the same tests on W_1."""
    from minifa.experiments import fig3
    rng = np.random.default_rng(0)
    sv = {k: [np.sort(rng.random((4, n)))[:, ::-1] ** p for n in (100, 100, 10)] for k, p in
          ((fig3.BEFORE, 1), (fig3.AFTER, 3))}
    er = {k: [rng.random(4) + s for _ in range(3)] for k, s in ((fig3.BEFORE, 50), (fig3.AFTER, 40))}
    out = {c["id"]: c for c in fig3.layer_claims(er, sv)}
    for l in range(3):
        assert out[f"fig3c_top_tenth_W{l}"]["panel"] == f"App. C.2{'bcd'[l]}"
        assert out[f"fig3d_erank_W{l}"]["panel"] == f"App. C.2{'efg'[l]}"
    for main, layer in (("fig3c_top_tenth", "fig3c_top_tenth_W1"), ("fig3d_erank", "fig3d_erank_W1")):
        assert out[main]["panel"] == f"Fig. 3{main[4]}" and "W_1" in out[main]["reading"]
        assert (out[main]["t"], out[main]["p"]) == (out[layer]["t"], out[layer]["p"]) and out[main]["reproduced"]
    assert any(topic == "which layer Fig. 3c-d show" for topic, _ in AMBIGUITIES)


def test_table1s_deeper_rows_are_ours():
    from minifa.experiments import table1
    cfg = table1.SIZES["quick"]
    row = {"FA w/": [90.0, 91.0, 92.0], "FA w/o": [80.0, 81.0, 83.0], "BP": [95.0, 96.0, 97.0], "n_train": 100}
    two, three = (table1.row_claim({**row, "dataset": name, "dims": dims}, cfg)
                  for name, dims in (("MNIST", [784, 100, 10]), ("MNIST 3-layer", [784, 100, 100, 10])))
    assert two["kind"] == "paper-untested" and two["panel"] == "Table 1"
    assert three["kind"] == "extra" and three["quote"] is None and three["claim"].startswith("extra")


def test_the_readout_inputs_of_app_c1b_are_scaled_like_the_probe(monkeypatch):
    """Under --scaling standard each App. C.1b dataset is standardised by its own test split (mean 0 and
    std 1 over that split), as Fig. 3b's probe is; under 'unit' the pixels are as loaded."""
    from data_helpers import real_mirror
    from minifa.experiments import common, fig3
    monkeypatch.setenv("MINIFA_MIRROR", str(real_mirror()))
    seen = {}
    monkeypatch.setattr(fig3, "readout_probabilities", lambda net, X: seen.setdefault(len(seen), X)[None, :, None])
    for scaling in ("unit", "standard"):
        seen.clear()
        cfg = common.settings("fig3", "quick", scaling=scaling, n_probe=10_000)
        fig3.other_inputs(cfg, {fig3.DEPTH: None})
        data = list(seen.values())[1:]                       # MNIST, FMNIST, KMNIST (the first is noise)
        assert len(data) == 3
        for X in data:
            if scaling == "unit":
                assert X.min() >= 0 and X.max() <= 1
            else:
                assert abs(X.mean()) < 1e-3 and abs(X.std() - 1) < 1e-3, (X.mean(), X.std())
