"""SciPy's discrete cosine transforms (``scipy.fft.dct`` / ``idct``, types 1 to 4) and
their transposes, the adjoints: every one is a linear map whose matrix is, up to
weights on its first (type 2, 3) or end (type 1) entries, another type's, so the
transpose is a transform too (``n`` / ``orthogonalize=False`` / ``norm='forward'``
refused).  ``norm='ortho'`` makes each orthogonal: its transpose is its inverse."""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["dct_apply", "dct_transpose"]

_INVERSE_TYPE = {1: 1, 2: 3, 3: 2, 4: 4}


def dct_apply(x: Any, type: int = 2, n: Any = None, axis: int = -1, norm: Any = None,
              orthogonalize: Any = None, inverse: bool = False) -> Any:
    """``scipy.fft.idct`` (``inverse``) or ``dct`` of ``x``."""
    from scipy import fft
    transform = fft.idct if inverse else fft.dct
    return transform(x, type=type, n=n, axis=axis, norm=norm, orthogonalize=orthogonalize)


def dct_transpose(g: Any, type: int = 2, n: Any = None, axis: int = -1, norm: Any = None,
                  orthogonalize: Any = None, inverse: bool = False) -> Any:
    """The transpose of :func:`dct_apply` (same arguments) applied to ``g``."""
    _supported(n, norm, orthogonalize)
    g = np.asarray(g)
    if norm == "ortho":  # (orthogonal: the transpose is the inverse)
        return dct_apply(g, type, None, axis, norm, orthogonalize, not inverse)
    if inverse:  # idct = dct of the inverse type, scaled
        size = np.shape(g)[axis]
        scale = 2 * (size - 1) if type == 1 else 2 * size
        return dct_transpose(g, _INVERSE_TYPE[type], None, axis) / scale
    if type == 2:
        return dct_apply(_first_scaled(g, 2.0, axis), 3, None, axis)
    if type == 3:
        return _first_scaled(dct_apply(g, 2, None, axis), 0.5, axis)
    if type == 4:
        return dct_apply(g, 4, None, axis)
    ends = _end_weights(np.shape(g)[axis], axis, np.ndim(g))
    return ends * dct_apply(g / ends, 1, None, axis)


def _supported(n: Any, norm: Any, orthogonalize: Any) -> None:
    if n is not None or norm not in (None, "backward", "ortho") or orthogonalize is False:
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(
            "<s2sad>:?: a derivative of scipy.fft.dct / idct with n, norm='forward' or "
            "orthogonalize=False: not supported; pad or scale the signal yourself and "
            "call it with the default norm or norm='ortho'")


def _first_scaled(g: np.ndarray, factor: float, axis: int) -> np.ndarray:
    size = np.shape(g)[axis]
    w = np.where(np.arange(size) == 0, factor, 1.0)
    return g * _along(w, axis, np.ndim(g))


def _end_weights(size: int, axis: int, ndim: int) -> np.ndarray:
    w = np.full(size, 2.0)
    w[0] = w[-1] = 1.0
    return _along(w, axis, ndim)


def _along(w: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    shape = [1] * ndim
    shape[axis] = -1
    return w.reshape(shape)
