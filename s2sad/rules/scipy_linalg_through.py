"""scipy.linalg functions with a NumPy twin or a closed form, differentiated through it
(``defthrough``; registered with :mod:`scipy_linalg` when scipy.linalg is imported):
``norm``, ``eigvalsh`` (the standard problem), ``svd``, ``svdvals``, ``qr`` (``'full'`` and
``'economic'``), ``pinvh``, and the structured matrices ``toeplitz`` and ``circulant``
(a gather of their first column and row).  What a twin does not cover is refused
at the user's line."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defthrough


def norm(a, ord=None, axis=None, keepdims=False, check_finite=True):
    return np.linalg.norm(a, ord, axis, keepdims)


def eigvalsh(a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1,
             check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    if b is not None or type != 1 or subset_by_index is not None or \
            subset_by_value is not None:
        raise DifferentiationError("<s2sad>:?: scipy.linalg.eigvalsh: the standard problem "
                                   "only (no b, type, subset_by_index or subset_by_value)")
    return np.linalg.eigvalsh(a, 'L' if lower else 'U')


def svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True,
        lapack_driver='gesdd'):
    return np.linalg.svd(a, full_matrices=full_matrices, compute_uv=compute_uv)


def svdvals(a, overwrite_a=False, check_finite=True):
    return np.linalg.svd(a, compute_uv=False)


def qr(a, overwrite_a=False, lwork=None, mode='full', pivoting=False, check_finite=True):
    if pivoting or mode not in ('full', 'economic'):
        raise DifferentiationError("<s2sad>:?: scipy.linalg.qr: its derivative is known for "
                                   "mode 'full' or 'economic', without pivoting")
    return np.linalg.qr(a, 'complete' if mode == 'full' else 'reduced')


def pinvh(a, atol=None, rtol=None, lower=True, return_rank=False, check_finite=True):
    if return_rank:
        raise DifferentiationError("<s2sad>:?: scipy.linalg.pinvh: return_rank is not "
                                   "supported")
    return np.linalg.pinv(a, hermitian=True)


def toeplitz(c, r=None):
    c = np.ravel(c)
    r = np.conj(c) if r is None else np.ravel(r)
    values = np.concatenate((r[:0:-1], c))  # r[-1], ..., r[1], c[0], c[1], ...
    at = np.subtract.outer(np.arange(np.size(c)), np.arange(np.size(r))) + np.size(r) - 1
    return values[at]


def circulant(c):
    c = np.ravel(c)
    n = np.size(c)
    return c[np.subtract.outer(np.arange(n), np.arange(n)) % n]


def register(sl: Any) -> None:
    for name, reference in (("norm", norm), ("eigvalsh", eigvalsh), ("svd", svd),
                            ("svdvals", svdvals),
                            ("qr", qr), ("pinvh", pinvh), ("toeplitz", toeplitz),
                            ("circulant", circulant)):
        defthrough(getattr(sl, name), reference)
