"""Claim guard of tutorial 9 (beyond the paper): under FA, noise pretraining speeds up learning
on MNIST (AUC w/ > w/o, p < 0.05), the finding of Fig. 2b that tutorial 9 restates per rule;
and its mechanism: Algorithm 1 lowers the angle W_1^T vs B_1. Smallest size that shows it:
5 networks, 200,000 noise examples, 2,000 training / 1,000 test images, 5 epochs, FA only
(~15 s on a 2-core CPU). No second rule: at this size KP's noise pretraining turns W_1^T away
from B_1 (~98 deg) and does not change its AUC, and sign's effect (a slight slow-down at the
paper's size) is far below what a tiny run resolves. With 640 noise examples (10 steps)
the guard must fail: it tests Algorithm 1's effect, not the training."""
import pytest
from data_helpers import use_mirror

from minifa.experiments import rules
from minifa.experiments.common import settings

SIZE = dict(nets=5, n_noise=200_000, epochs=5, n_train=2000, n_test=1000, rules=["fa"])


@pytest.fixture(autouse=True)
def mnist(monkeypatch):
    use_mirror(monkeypatch)


def findings(**kw):
    cfg = settings("rules", "lab", **{**SIZE, **kw})
    numbers = rules.run(cfg)
    if not numbers["runs"]:
        pytest.skip(f"MNIST absent: {numbers['notes']}")
    return {c["id"]: c for c in rules.claims(numbers, cfg)}


def test_fa_noise_pretraining_speeds_up_learning_and_aligns():
    c = findings()
    auc, angle = c["beyond_fa_auc_2layer"], c["beyond_fa_angle_noise_W1_2layer"]
    assert auc["t"] > 0 and auc["p"] < 0.05 and auc["reproduced"], auc["ours"]
    assert "speeds up learning" in auc["claim"] and auc["beyond"] is True
    assert angle["t"] < 0 and angle["p"] < 0.05, angle["ours"]


def test_the_guard_fails_without_algorithm_1s_effect():
    auc = findings(n_noise=640)["beyond_fa_auc_2layer"]
    assert not (auc["p"] < 0.05 and auc["t"] > 0), auc["ours"]
