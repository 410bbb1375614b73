"""What the paper measures on trained networks (§4.2-4.3, Fig. 2-3, App. B-C).

Each function computes one quantity, for one network or for K stacked networks
(leading axis K, MLP(dims, seed=[...])):
  Fig. 2b     auc                    area under the test-accuracy curve (learning speed)
  Fig. 2e, 2g weight_distance        ||W_l - B_l^T||_F, how far forward weights are from feedback
  Fig. 2d, 2f pca_trajectory         weight checkpoints projected on their first principal axes
  Fig. 3b     readout_probabilities  softmax outputs p; after noise training p_c -> 1/C (chance)
  Fig. 3c-d   singular_values, effective_rank   spectrum and effective dimensionality of W_l
  Fig. 3e-f   generalization_error   test loss - train loss
  Fig. 3g-h   hidden_features, neuron_gram_matrix, neuron_gram_effective_rank, silent_neurons
              the paper's Gram matrix (neuron x neuron) of representations and its effective rank;
              gram_matrix, gram_effective_rank: the example x example variant

Functions of a network return arrays on the active device (backend.xp), like
minifa.alignment; functions of histories and checkpoints (auc, generalization_error,
pca_trajectory) are host-side statistics on backend.host arrays.
"""
from . import backend
from .fast import mT


# --- Fig. 2: distance to feedback, weight trajectories, learning speed ---------------

def weight_distance(net, l, normalize=False):
    """Fig. 2e, 2g "distance to B": ||W_l - B_l^T||_F for layer l, a scalar or (K,).

    W_l (n_{l+1}, n_l) sends h_l forward; B_l (n_l, n_{l+1}) sends delta_{l+1} back
    (eq. 5), so W_l = B_l^T would make FA's error equal BP's (eq. 3). normalize=True
    compares directions only, ||W_l/||W_l|| - B_l^T/||B_l|| ||_F = 2 sin(theta/2) for the
    angle theta between the whole matrices, which a mere shrinking of W cannot lower."""
    W, Bt = net.W[l], mT(net.B[l])
    if normalize:
        W, Bt = W / _frobenius(W)[..., None, None], Bt / _frobenius(Bt)[..., None, None]
    return _frobenius(W - Bt)


def _frobenius(a):
    """||a||_F over the last two axes."""
    return backend.xp.sqrt((a * a).sum(axis=(-2, -1)))


def pca_trajectory(checkpoints, reference=None, n_components=2):
    """Fig. 2 weight trajectories: project checkpoints of one layer's weights on their
    first principal components (PCA of the checkpoints, centred on their mean).

    checkpoints: (T, D) flattened weights at T times, or (K, T, D) for K networks
    (each its own PCA). reference: (D,) or (K, D), e.g. B_l^T flattened, projected
    into the same space (the point the FA weights should move towards).
    Returns (coords (..., T, n), ref_coords (..., n) or None, explained (..., n)):
    coordinates, reference coordinates and the fraction of variance on each axis."""
    hp = backend.host
    C = hp.asarray(backend.to_host(checkpoints), dtype=hp.float64)
    mean = C.mean(axis=-2, keepdims=True)
    Cc = C - mean
    # PCA through the small (T, T) Gram matrix Cc Cc^T = U S^2 U^T (T << D): the
    # coordinates on the principal axes are U S, the axes themselves Cc^T U / S.
    lam, U = hp.linalg.eigh(Cc @ mT(Cc))
    lam, U = hp.clip(lam[..., ::-1], 0.0, None), U[..., ::-1]      # descending variance
    s = hp.sqrt(lam[..., :n_components])
    coords = U[..., :n_components] * s[..., None, :]
    explained = lam[..., :n_components] / lam.sum(axis=-1, keepdims=True)
    ref = None
    if reference is not None:
        R = hp.asarray(backend.to_host(reference), dtype=hp.float64)[..., None, :] - mean
        axes = (mT(Cc) @ U[..., :n_components]) / hp.where(s > 1e-12 * s.max(), s, hp.inf)[..., None, :]
        ref = (R @ axes)[..., 0, :]
    return coords, ref, explained


def auc(curve, x=None, axis=0):
    """Fig. 2b learning speed: area under a test-accuracy curve (trapezoids), divided by
    the x-range, i.e. the curve's mean height over training (a constant c gives c).

    curve: host values with time on `axis` (axis 0 for a history list hist['test_acc'],
    which is (T,) for one net, (T, K) for K). x: the times (default 0, 1, ..., T-1)."""
    hp = backend.host
    y = hp.moveaxis(hp.asarray(curve, dtype=hp.float64), axis, -1)
    x = hp.arange(y.shape[-1], dtype=hp.float64) if x is None else hp.asarray(x, dtype=hp.float64)
    area = ((y[..., 1:] + y[..., :-1]) * hp.diff(x) / 2).sum(axis=-1)
    return area / (x[-1] - x[0])


# --- Fig. 3: readout, spectra, generalisation, representations -------------------------

def readout_probabilities(net, X):
    """Fig. 3b: the softmax readout p (..., N, C) of every example in X (eq. 1).
    After random-noise training each p_c approaches chance, 1/C."""
    return net.forward(backend.asarray(X), check=False)


def singular_values(W):
    """Fig. 3c: singular values of W (..., m, n), descending: (..., min(m, n)).

    sigma_i = sqrt(lambda_i) of the smaller Gram matrix, W W^T or W^T W, in float64:
    accurate to ~1e-8 sigma_max, and several times faster than an SVD on a CPU."""
    xp = backend.xp
    W = W.astype(xp.float64)
    G = W @ mT(W) if W.shape[-2] <= W.shape[-1] else mT(W) @ W
    lam = xp.linalg.eigvalsh(G)[..., ::-1]
    return xp.sqrt(xp.clip(lam, 0.0, None))


def effective_rank(W):
    """Fig. 3d: effective rank exp(H(p)), p = sigma / sum(sigma), H the Shannon entropy
    (Roy & Vetterli 2007). n for n equal singular values (the identity), 1 for rank 1.
    W: (..., m, n) -> scalar or (...,)."""
    return _entropy_rank(singular_values(W))


def _entropy_rank(sigma):
    """exp of the entropy of sigma / sum(sigma) along the last axis (0 log 0 = 0)."""
    xp = backend.xp
    p = sigma / sigma.sum(axis=-1, keepdims=True)
    plogp = xp.where(p > 0, p * xp.log(xp.where(p > 0, p, 1.0)), 0.0)
    return xp.exp(-plogp.sum(axis=-1))


def generalization_error(hist, epoch=-1):
    """Fig. 3e-f: test loss - train loss (eq. 2 on each set) at `epoch` of a history
    (minifa.train's, or any dict with 'train_loss' and 'test_loss' lists).
    A host float, or (K,) for K networks."""
    hp = backend.host
    return hp.asarray(hist["test_loss"][epoch]) - hp.asarray(hist["train_loss"][epoch])


def _unit_rows(features):
    """Each feature vector (last axis) scaled to length 1; all-zero vectors stay 0."""
    xp = backend.xp
    norm = xp.sqrt((features * features).sum(axis=-1, keepdims=True))
    return features / xp.where(norm > 0, norm, 1.0)


def hidden_features(net, X, l=None):
    """Fig. 3g: the representation h_l = relu(o_l) (eq. 1) of every example in X,
    (..., N, n_l); l defaults to the last hidden layer, L-1."""
    net.forward(backend.asarray(X), check=False)
    return net.h[net.n_layers - 1 if l is None else l]


def gram_matrix(features):
    """Example x example Gram matrix (a variant of Fig. 3g), G_nm = cos(h_n, h_m), the
    cosine similarity of the representations (vectors over neurons) of examples n and m.
    features (..., N, n_neurons) -> (..., N, N); 1 on the diagonal (0 for an all-zero h_n)."""
    U = _unit_rows(features)
    return U @ mT(U)


def gram_effective_rank(features):
    """Effective rank of gram_matrix(features), defined as for weights: exp of the entropy
    of its normalised eigenvalues (= its singular values, G being positive semi-definite).
    G = U U^T with U the unit feature rows, so its eigenvalues are sigma(U)^2: computed
    from the small (N, n_neurons) U instead of the (N, N) G."""
    return _entropy_rank(singular_values(_unit_rows(features)) ** 2)


def silent_neurons(features):
    """Neurons whose feature vector f_i (activations over all N examples) is all zero:
    (..., n_neurons) bool. A ReLU neuron that never fires has no direction, so its
    cosine with other neurons is undefined (Fig. 3g-h)."""
    return ~(features != 0).any(axis=-2)


def neuron_gram_matrix(features):
    """Fig. 3g, the paper's Gram matrix: "the cosine similarity of feature vectors across
    neurons", G_ij = cos(f_i, f_j), f_i = the activations of neuron i over the N examples.
    features (..., N, n_neurons) (hidden_features) -> (..., n_neurons, n_neurons).
    Silent neurons (silent_neurons) have no cosine: their row and column are 0 (diagonal
    too), i.e. they are left out; drop them with the mask to show G (1 on the rest of the
    diagonal)."""
    return gram_matrix(mT(features))


def neuron_gram_effective_rank(features):
    """Fig. 3h: effective rank of neuron_gram_matrix(features), exp(H(lambda / sum lambda))
    of its eigenvalues lambda, as effective_rank for weights; between 1 (all active neurons
    parallel) and the number of active neurons (all orthogonal). Silent neurons are left
    out: their zero row adds an eigenvalue 0, which adds 0 log 0 = 0 to the entropy, so the
    value equals that of the active neurons' Gram matrix alone. (..., N, n) -> scalar or (...,)."""
    return gram_effective_rank(mT(features))
