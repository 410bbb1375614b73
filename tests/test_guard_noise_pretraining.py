"""Claim guard of tutorial 2 (Fig. 1d): during Algorithm 1 the loss on random noise falls
towards chance, log 10, from above, and the forward weights turn towards the feedback (the
mean angle W_1^T vs B_1 falls). The paper states Fig. 1d without a test, so the guard asserts
the direction for every network, at a size where it is clear: 3 networks, 150,000 noise
examples (the paper: 500,000), ~13 s on a 2-core CPU. Algorithm 1 with lr 0 (the same steps,
no learning) must fail it: the guard tests the training, not the noise."""
import functools
import math

from minifa import pretrain_noise
from minifa.experiments import noise_pretraining
from minifa.experiments.common import settings

SIZE = dict(n_noise=150_000, nets=3)


def failures(numbers):
    """What of Fig. 1d does not hold, per network (an empty list: all of it holds)."""
    out = []
    for k, (l0, l1, a0, a1) in enumerate(zip(numbers["loss_start"], numbers["loss_end"],
                                             numbers["angle_start"], numbers["angle_end"])):
        if not l1 - math.log(10) < 0.5 * (l0 - math.log(10)):
            out.append(f"network {k}: loss {l0:.3f} -> {l1:.3f} did not close half its distance to log 10")
        if not l1 > math.log(10) - 0.05:
            out.append(f"network {k}: loss {l1:.3f} below chance, log 10 = {math.log(10):.3f}")
        if not a1 < a0 - 1.0:
            out.append(f"network {k}: mean angle {a0:.2f} -> {a1:.2f} deg did not fall by 1 deg")
    return out


def run(**kw):
    return noise_pretraining.run(settings("noise_pretraining", "quick", **SIZE, **kw))


def test_fig1d_loss_falls_towards_log10_and_the_angle_falls():
    numbers = run()
    assert failures(numbers) == []
    assert numbers["examples"][-1] == SIZE["n_noise"] and len(numbers["loss_start"]) == SIZE["nets"]


def test_the_guard_fails_when_algorithm_1_learns_nothing(monkeypatch):
    """lr 0: the same noise and steps, no update; loss and angle stay where they start."""
    monkeypatch.setattr(noise_pretraining, "pretrain_noise", functools.partial(pretrain_noise, lr=0.0))
    found = failures(run())
    assert any("loss" in f for f in found) and any("angle" in f for f in found), found
