"""minifa.analysis against cases with known answers (Fig. 2-3 measures)."""
import numpy as np
import pytest

from minifa import MLP, analysis, backend


def test_effective_rank_of_identity_is_n(device):
    for n in (1, 5, 20):
        assert float(analysis.effective_rank(device.eye(n))) == pytest.approx(n, rel=1e-9)


def test_effective_rank_of_rank_one_matrix_is_one(device):
    u, v = device.arange(1.0, 7.0), device.linspace(-1.0, 2.0, 4)
    assert float(analysis.effective_rank(u[:, None] * v[None, :])) == pytest.approx(1.0, abs=1e-6)


def test_effective_rank_of_two_equal_directions_is_two(device):
    W = device.diag(device.asarray([3.0, 3.0, 0.0]))
    assert float(analysis.effective_rank(W)) == pytest.approx(2.0, rel=1e-9)


def test_singular_values_of_a_scaled_permutation_are_its_scales(device):
    W = device.zeros((3, 5))
    W[0, 4], W[1, 0], W[2, 2] = 2.0, -3.0, 0.5                     # |entries|, sorted: 3, 2, 0.5
    for A in (W, W.T):
        np.testing.assert_allclose(backend.to_host(analysis.singular_values(A)), [3.0, 2.0, 0.5], atol=1e-12)


def test_effective_rank_and_singular_values_work_on_a_stack(device):
    W = device.stack([device.eye(4), device.diag(device.asarray([1.0, 0.0, 0.0, 0.0]))])
    assert backend.to_host(analysis.singular_values(W)).shape == (2, 4)
    np.testing.assert_allclose(backend.to_host(analysis.effective_rank(W)), [4.0, 1.0], atol=1e-6)


def test_gram_matrix_of_identical_features_is_all_ones_with_rank_one(device):
    F = device.ones((6, 1)) * device.asarray([[0.5, 0.0, 2.0, 1.0]])   # 6 examples, same vector
    np.testing.assert_allclose(backend.to_host(analysis.gram_matrix(F)), np.ones((6, 6)), atol=1e-12)
    assert float(analysis.gram_effective_rank(F)) == pytest.approx(1.0, abs=1e-6)


def test_gram_matrix_is_cosine_similarity_and_its_rank_matches_the_full_matrix(device):
    F = device.asarray([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0], [0.0, 0.0]])   # last: a silent example
    G = backend.to_host(analysis.gram_matrix(F))
    assert G[0, 1] == pytest.approx(0.0) and G[0, 2] == pytest.approx(2 ** -0.5)
    assert G[2, 2] == pytest.approx(1.0) and G[3, 3] == 0.0
    # Both routes get singular values from float64 eigenvalues, accurate to ~1e-16 lambda_max,
    # so a zero singular value (the silent example) comes out as sqrt(round-off) ~ 1e-8 sigma_max,
    # which moves the entropy by ~1e-8 |ln 1e-8| ~ 2e-7: the routes agree to that, not to 1e-9.
    assert float(analysis.gram_effective_rank(F)) == pytest.approx(
        float(analysis.effective_rank(analysis.gram_matrix(F))), rel=1e-6)
    assert float(analysis.gram_effective_rank(device.eye(5))) == pytest.approx(5.0)   # orthogonal


def test_auc_of_a_constant_curve_is_the_constant():
    assert analysis.auc([0.7] * 11) == pytest.approx(0.7)
    assert analysis.auc([0.7] * 5, x=[0, 1, 5, 6, 10]) == pytest.approx(0.7)


def test_auc_of_a_ramp_and_of_a_stacked_history():
    assert analysis.auc([0.0, 1.0]) == pytest.approx(0.5)
    hist_acc = [[0.0, 0.2], [1.0, 0.2], [1.0, 0.2]]               # (T=3, K=2), as hist['test_acc']
    np.testing.assert_allclose(analysis.auc(hist_acc), [0.75, 0.2])


def test_weight_distance_is_zero_when_W_equals_B_transpose(device):
    net = MLP([5, 4, 3], seed=[0, 1])
    assert backend.to_host(analysis.weight_distance(net, 1)).min() > 0
    net.W[1] = net.B[1].swapaxes(-1, -2).copy()
    np.testing.assert_allclose(backend.to_host(analysis.weight_distance(net, 1)), [0.0, 0.0], atol=1e-12)
    net.W[1] = 3.0 * net.W[1]                                          # same direction, 3x longer
    assert backend.to_host(analysis.weight_distance(net, 1, normalize=True)) == pytest.approx(0.0, abs=1e-7)


def test_weight_distance_is_the_frobenius_norm(device):
    net = MLP([3, 2, 2], seed=4)
    expected = np.linalg.norm(backend.to_host(net.W[1]) - backend.to_host(net.B[1]).T)
    assert float(analysis.weight_distance(net, 1)) == pytest.approx(expected, rel=1e-10)


def test_pca_of_points_on_a_line_puts_all_variance_on_pc1():
    rng = np.random.default_rng(0)
    direction = rng.normal(size=30)
    t = rng.normal(size=12)
    coords, ref, explained = analysis.pca_trajectory(t[:, None] * direction + 5.0,
                                                     reference=2.0 * direction + 5.0)
    assert explained[0] == pytest.approx(1.0) and explained[1] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(coords[:, 1], 0.0, atol=1e-6)   # roundoff of the T x T route
    scale = np.linalg.norm(direction)                                  # |PC1 coordinate| = |t - mean| |d|
    np.testing.assert_allclose(np.abs(coords[:, 0]), np.abs(t - t.mean()) * scale, rtol=1e-9)
    assert abs(ref[0]) == pytest.approx(abs(2.0 - t.mean()) * scale)


def test_pca_runs_per_network_on_a_stack():
    rng = np.random.default_rng(1)
    C = rng.normal(size=(3, 8, 10))
    coords, ref, explained = analysis.pca_trajectory(C, reference=rng.normal(size=(3, 10)))
    assert coords.shape == (3, 8, 2) and ref.shape == (3, 2) and explained.shape == (3, 2)
    for k in range(3):
        c1, _, e1 = analysis.pca_trajectory(C[k])
        np.testing.assert_allclose(np.abs(coords[k]), np.abs(c1), atol=1e-10)
        np.testing.assert_allclose(explained[k], e1)


def test_readout_probabilities_are_chance_with_zero_last_layer(device):
    net = MLP([6, 5, 4], seed=[0, 1, 2])
    net.W[1], net.b[1] = device.zeros_like(net.W[1]), device.zeros_like(net.b[1])
    X = device.asarray(np.random.default_rng(0).normal(size=(7, 6)))
    p = backend.to_host(analysis.readout_probabilities(net, X))
    assert p.shape == (3, 7, 4)
    np.testing.assert_array_equal(p, np.full_like(p, 0.25))


def test_hidden_features_are_the_relu_layer(device):
    net = MLP([3, 4, 2], seed=[0, 1])
    X = device.asarray([[1.0, -2.0, 0.5]])
    h = backend.to_host(analysis.hidden_features(net, X))
    W, b = backend.to_host(net.W[0]), backend.to_host(net.b[0])
    np.testing.assert_allclose(h, np.maximum(np.asarray([[1.0, -2.0, 0.5]]) @ W.swapaxes(-1, -2) + b[:, None, :], 0))


def test_generalization_error_is_test_minus_train_loss():
    hist = {"train_loss": [2.3, 0.5, 0.1], "test_loss": [2.3, 0.7, 0.6]}
    assert analysis.generalization_error(hist) == pytest.approx(0.5)
    assert analysis.generalization_error(hist, epoch=1) == pytest.approx(0.2)
    stacked = {"train_loss": [[0.1, 0.2]], "test_loss": [[0.4, 0.3]]}
    np.testing.assert_allclose(analysis.generalization_error(stacked), [0.3, 0.1])


def test_neuron_gram_matrix_is_the_cosine_of_neuron_feature_vectors(device):
    # 3 examples x 4 neurons: f_0 = (1, 0, 0), f_1 = 2 f_0, f_2 = (1, 1, 0), f_3 = 0 (silent)
    F = device.asarray([[1.0, 2.0, 1.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    G = backend.to_host(analysis.neuron_gram_matrix(F))
    assert G.shape == (4, 4)
    assert G[0, 1] == pytest.approx(1.0) and G[0, 2] == pytest.approx(2 ** -0.5)
    np.testing.assert_allclose(np.diag(G), [1.0, 1.0, 1.0, 0.0], atol=1e-12)
    np.testing.assert_array_equal(G[3], 0.0)                           # silent: left out (zero row)
    np.testing.assert_allclose(G, backend.to_host(analysis.gram_matrix(F.T)), atol=1e-12)
    np.testing.assert_array_equal(backend.to_host(analysis.silent_neurons(F)), [False, False, False, True])


def test_neuron_gram_rank_ignores_silent_neurons_and_matches_the_full_matrix(device):
    F = device.asarray([[1.0, 2.0, 1.0, 0.0], [0.0, 0.0, 1.0, 0.0], [0.0, 3.0, 0.0, 0.0]])
    active = device.asarray(F[:, :3])
    er = float(analysis.neuron_gram_effective_rank(F))
    assert er == pytest.approx(float(analysis.neuron_gram_effective_rank(active)), rel=1e-9)
    assert er == pytest.approx(float(analysis.effective_rank(analysis.neuron_gram_matrix(F))), rel=1e-6)
    assert 1.0 < er < 3.0


def test_neuron_gram_rank_of_parallel_and_orthogonal_neurons(device):
    parallel = device.asarray([[1.0, 2.0, 0.5], [2.0, 4.0, 1.0]])       # every neuron the same direction
    assert float(analysis.neuron_gram_effective_rank(parallel)) == pytest.approx(1.0, abs=1e-6)
    orthogonal = device.eye(5) * 3.0                                   # each neuron fires for one example
    assert float(analysis.neuron_gram_effective_rank(orthogonal)) == pytest.approx(5.0)


def test_neuron_gram_works_on_a_stack_of_networks(device):
    net = MLP([6, 8, 8, 3], seed=[0, 1, 2])
    X = device.asarray(np.random.default_rng(0).normal(size=(20, 6)))
    F = analysis.hidden_features(net, X)                                # (3, 20, 8), last hidden layer
    assert analysis.neuron_gram_matrix(F).shape == (3, 8, 8)
    er = backend.to_host(analysis.neuron_gram_effective_rank(F))
    silent = backend.to_host(analysis.silent_neurons(F))
    assert er.shape == (3,) and silent.shape == (3, 8)
    for k in range(3):
        Fk = backend.to_host(F[k])[:, ~silent[k]]
        assert er[k] == pytest.approx(float(analysis.neuron_gram_effective_rank(device.asarray(Fk))), rel=1e-6)
        assert er[k] <= (~silent[k]).sum() + 1e-9
