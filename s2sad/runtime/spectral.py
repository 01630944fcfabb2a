"""The adjoint of a symmetric (Hermitian) matrix's eigenvalues, by the eigenvectors
whose eigenvalues are read.

``lam = np.linalg.eigvalsh(a)`` has the adjoint ``conj(V) diag(g) V^T`` (``V`` the
eigenvectors, ``g`` the eigenvalues' adjoint); a user who fits the lowest ten modes of
an 80-mass chain (``lam[:10]``), or takes the largest eigenvalue (``lam[-1]``), leaves
``g`` zero but for a few entries, and the product over all ``n`` columns multiplies
``n x n x n`` numbers where ``n x k x n`` make the same sum (a zero column adds
exactly nothing).  Only the columns from the first to the last nonzero entry of ``g``
(of any matrix of a stack) are multiplied.
"""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["spectral_sum", "nonzero_span"]


def spectral_sum(v: Any, w: Any) -> Any:
    """``conj(v) diag(w) v^T`` (``(conj(v) * w[..., None, :]) @ v^T`` of stacks): the
    columns of ``v`` where ``w`` is zero left out (:func:`nonzero_span`); a number ``w``
    (an adjoint known zero: ``0.0``) stands for all the eigenvalues' adjoints."""
    if np.ndim(w) != np.ndim(v) - 1:
        w = np.broadcast_to(w, np.shape(v)[:-1])
    lo, hi = nonzero_span(w)
    part = v[..., lo:hi]
    left = np.conj(part) if np.iscomplexobj(part) else part
    return (left * w[..., None, lo:hi]) @ np.matrix_transpose(part)


def nonzero_span(w: Any) -> tuple[int, int]:
    """(first, one past the last) position along the last axis where an entry of ``w``
    is not zero (a NaN counts as not zero); ``(0, 0)`` where none is."""
    w = np.asarray(w)
    at = np.flatnonzero(w if w.ndim <= 1 else np.any(w != 0, axis=tuple(range(w.ndim - 1))))
    return (int(at[0]), int(at[-1]) + 1) if at.size else (0, 0)
