"""An absent dataset turns a claim into an absent record and never makes it vanish: each experiment
gives the same claims (ids, statements, kinds) with and without its data, so the report's "of N
results the paper states with a test" is the same either way; and with no data anywhere the claims
still name every statement of the registry. Tiny sizes (a few seconds each): the numbers mean
nothing, only which claims come out."""
import pytest

from data_helpers import real_mirror
from minifa.experiments import alignment, fig2, fig3, fig4, fig5, noise_pretraining, table1
from minifa.experiments.common import settings
from minifa.experiments.registry import STATEMENTS

TINY = {
    fig2: dict(nets=2, n_noise=640, epochs=1, n_train=100, n_test=100, appB_nets=2),
    fig3: dict(nets=2, n_noise=640, epochs=1, sizes=[100], depths=[2, 3], depth_size=100, n_test=100,
               n_probe=100, bp=False),
    fig4: dict(nets=2, n_noise=640, epochs=1, n_train=100, n_test=100, bp=False),
    fig5: dict(nets=2, n_noise=640, epochs=1, n_train=100, n_test=100, bp_adapt=False),
    table1: dict(trials=2, n_noise=640, epochs=1, n_train=100, deep=""),
}
DATA_FREE = {noise_pretraining: dict(n_noise=640), alignment: dict(n_noise=2_000)}


def claims_of(exp, **overrides):
    cfg = settings(exp.NAME, "quick", **{**TINY.get(exp, DATA_FREE.get(exp, {})), **overrides})
    return exp.claims(exp.run(cfg), cfg)


def shape(claims):
    """What the tally sees of a run's claims: (id, statement, kind) each."""
    return sorted((c["id"], c["ref"], c["kind"]) for c in claims)


@pytest.fixture
def no_data(monkeypatch, tmp_path):
    """No dataset anywhere: an empty data home, no mirror."""
    monkeypatch.setenv("MINIFA_DATA", str(tmp_path / "home"))
    monkeypatch.delenv("MINIFA_MIRROR", raising=False)


@pytest.mark.parametrize("exp", list(TINY), ids=lambda e: e.NAME)
def test_the_same_claims_with_and_without_the_data(exp, monkeypatch, tmp_path):
    monkeypatch.setenv("MINIFA_DATA", str(tmp_path / "home"))
    monkeypatch.setenv("MINIFA_MIRROR", str(real_mirror()))          # skips without a local mirror
    with_data = claims_of(exp)
    if exp is fig2:                       # App. B.2a-d: the last epoch's values train() measures anyway
        b2 = {c["id"]: c for c in with_data if c["ref"].startswith("appB2")}
        assert set(b2) == {"fig2b_final_acc", "figB2a_train_loss", "figB2b_test_loss", "figB2c_train_acc"}
        assert all(c["t"] == c["t"] and c["kind"] == "paper-untested" and c["panel"] == f"App. B.2{c['ref'][-1]}"
                   for c in b2.values())
    monkeypatch.delenv("MINIFA_MIRROR")
    without = claims_of(exp)
    assert shape(without) == shape(with_data)
    gone = [c for c in without if c.get("absent")]
    assert len(gone) > sum(bool(c.get("absent")) for c in with_data)     # what needed the data is absent now
    assert all(c["t"] is None and c["p"] is None and not c["reproduced"] and c["verdict"] == "absent" for c in gone)
    assert all(c["verdict_at_paper_level"] == "absent" for c in gone if c["kind"] == "paper")
    statements = [{c["ref"] for c in cs if c["kind"] == kind} for cs in (with_data, without)
                  for kind in ("paper", "paper-untested")]
    assert statements[:2] == statements[2:]                   # the report's statement counts, per kind


def test_without_any_data_every_statement_is_still_named(no_data):
    """The paper's results (every statement not 'extra') each have a record, absent where they need data:
    the report's count of them does not depend on what the mirror holds."""
    claims = [c for exp in (*DATA_FREE, *TINY) for c in claims_of(exp)]
    named = {c["ref"] for c in claims if c["kind"] != "extra"}
    assert named == {ref for ref, s in STATEMENTS.items() if s["kind"] != "extra"}
    absent = {c["ref"] for c in claims if c.get("absent")}
    assert {"fig2b_auc", "fig2b_bp", "fig2g_data_first", "fig3f", "fig3g", "fig3h", "fig4b", "fig4c", "fig5c",
            "appB2a", "appB6d", "figC4", "table1"} <= absent
    assert {"fig1e_untrained", "fig3b_untrained", "appC1a", "appC2b", "fig3c", "fig5b"}.isdisjoint(absent)
