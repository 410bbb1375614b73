"""minifa.calibration: the expected calibration error against a hand computation."""
import numpy as np
import pytest

from minifa import MLP
from minifa.calibration import ece, gap, network_ece


def test_ece_by_hand():
    # confidences 0.95 (right), 0.6 (wrong), 0.7 (right), 0.55 (right)
    p = np.array([[0.95, 0.05], [0.6, 0.4], [0.3, 0.7], [0.55, 0.45]])
    y = np.array([0, 1, 1, 0])
    # bins (0.9, 1]: |1 - 0.95| * 1; (0.5, 0.6]: 0.6 and 0.55, acc 1/2, conf 0.575: |0.5 - 0.575| * 2;
    # (0.6, 0.7]: |1 - 0.7| * 1  ->  (0.05 + 0.15 + 0.3) / 4
    assert ece(p, y) == pytest.approx(0.125, abs=1e-12)
    np.testing.assert_allclose(ece(np.stack([p, p[:, ::-1]]), y), [0.125, ece(p[:, ::-1], y)])
    assert gap(p, y) == pytest.approx((0.95 + 0.6 + 0.7 + 0.55) / 4 - 0.75, abs=1e-12)   # underconfident


def test_a_bin_is_closed_on_the_right_and_a_calibrated_bin_scores_zero():
    # confidence 0.6 (wrong) lies in (0.5, 0.6], apart from 0.65 (right) in (0.6, 0.7]:
    # (|0 - 0.6| + |1 - 0.65|) / 2; were 0.6 in the next bin the two would share it: 0.125
    p, y = np.array([[0.6, 0.4], [0.65, 0.35]]), np.array([1, 0])
    assert ece(p, y) == pytest.approx(0.475, abs=1e-12)
    q = np.array([[0.75, 0.25]] * 4)                       # conf 0.75, three of four right
    assert ece(q, np.array([0, 0, 0, 1])) == pytest.approx(0.0, abs=1e-12)


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match="p must be"):
        ece(np.ones((3, 2)), np.zeros(4, int))


def test_network_ece_is_the_ece_of_its_forward_pass():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 6)), rng.integers(0, 3, 50)
    net = MLP((6, 5, 3), seed=[0, 1])
    np.testing.assert_allclose(network_ece(net, X, y, batch_size=7), ece(net.forward(X), y), rtol=1e-12)
