"""Out-of-distribution test sets built from MNIST (Fig. 4 and Fig. C.7).

Each transform takes flattened square images ``X`` (N, D) or one image (D,),
draws one parameter per image from ``numpy.random.default_rng(seed)``, and
returns float32 images of the same shape clipped to [0, 1].  Pixels moved in
from outside the frame are 0 (MNIST's background); interpolation is bilinear
(``order=1``).  Pass a fixed parameter (``shift=``, ``factor=``, ``angle=``) to
apply the same transform to every image.

- ``translate``: shift by up to +-5% of the image side along each axis.
- ``scale``: zoom about the image centre by a factor in [0.8, 1.2].
- ``rotate``: rotate about the centre by an angle in [-25, 25] degrees.
"""
import math

import numpy as np
from scipy import ndimage

__all__ = ["translate", "scale", "rotate", "ood", "OOD_TRANSFORMS", "image_shape"]


def image_shape(D):
    """(side, side) for D = side**2, (3, side, side) for D = 3 * side**2."""
    for channels in (1, 3):
        side = math.isqrt(D // channels)
        if D % channels == 0 and side * side * channels == D:
            return (side, side) if channels == 1 else (3, side, side)
    raise ValueError(f"cannot infer a square image shape from {D} values; pass shape=")


def _apply(X, shape, fn, params):
    """Apply ``fn(plane, param)`` to every channel of every image; clip to [0, 1]."""
    X = np.asarray(X, dtype=np.float32)
    single = X.ndim == 1
    X2 = X.reshape(1, -1) if single else X
    shape = tuple(shape) if shape is not None else image_shape(X2.shape[1])
    images = X2.reshape(len(X2), -1, *shape[-2:])
    out = np.empty_like(images)
    for i, img in enumerate(images):
        for c, plane in enumerate(img):
            out[i, c] = fn(plane, params[i])
    out = np.clip(out, 0.0, 1.0).reshape(X2.shape)
    return out[0] if single else out


def _count(X):
    X = np.asarray(X)
    return 1 if X.ndim == 1 else len(X)


def translate(X, seed=0, *, max_frac=0.05, shift=None, shape=None):
    """Shift each image by (dy, dx) ~ U(-max_frac*side, +max_frac*side) pixels (Fig. C.7).

    shift=(dy, dx) applies that shift (pixels, rows down / columns right) to all images.
    """
    n = _count(X)
    if shift is None:
        side = (shape or image_shape(np.asarray(X).shape[-1]))[-1]
        lim = max_frac * side
        params = np.random.default_rng(seed).uniform(-lim, lim, size=(n, 2))
    else:
        params = np.broadcast_to(np.asarray(shift, dtype=float), (n, 2))
    return _apply(X, shape, lambda p, s: ndimage.shift(p, s, order=1, mode="constant", cval=0.0),
                  params)


def _zoom_about_centre(plane, factor):
    c = (np.array(plane.shape) - 1) / 2.0
    return ndimage.affine_transform(plane, np.eye(2) / factor, offset=c - c / factor,
                                    order=1, mode="constant", cval=0.0)


def scale(X, seed=0, *, low=0.8, high=1.2, factor=None, shape=None):
    """Zoom each image about its centre by a factor ~ U(low, high), same size out (Fig. C.7).

    factor > 1 enlarges the digit (edges cropped), < 1 shrinks it (border zero-padded).
    """
    n = _count(X)
    params = (np.random.default_rng(seed).uniform(low, high, size=n) if factor is None
              else np.full(n, float(factor)))
    return _apply(X, shape, _zoom_about_centre, params)


def rotate(X, seed=0, *, max_deg=25.0, angle=None, shape=None):
    """Rotate each image about its centre by an angle ~ U(-max_deg, max_deg) degrees (Fig. C.7)."""
    n = _count(X)
    params = (np.random.default_rng(seed).uniform(-max_deg, max_deg, size=n) if angle is None
              else np.full(n, float(angle)))
    return _apply(X, shape, lambda p, a: ndimage.rotate(p, a, reshape=False, order=1,
                                                        mode="constant", cval=0.0), params)


OOD_TRANSFORMS = {"translate": translate, "scale": scale, "rotate": rotate}


def ood(X, kind, seed=0, **kwargs):
    """``OOD_TRANSFORMS[kind](X, seed, **kwargs)``; kind is translate, scale or rotate."""
    if kind not in OOD_TRANSFORMS:
        raise ValueError(f"unknown OOD transform {kind!r}; valid: {', '.join(OOD_TRANSFORMS)}")
    return OOD_TRANSFORMS[kind](X, seed, **kwargs)
