"""scipy.linalg functions with a NumPy twin or a closed form, differentiated through it
(``defthrough``; registered with :mod:`scipy_linalg` when scipy.linalg is imported):
``norm``, ``eigvalsh`` (the standard problem), ``svd``, ``svdvals``, ``qr`` (``'full'`` and
``'economic'``), ``lu`` (of a square matrix, from ``lu_factor``'s factors and pivots),
``pinv``, ``pinvh``, ``solve_sylvester`` and the two Lyapunov solvers (as one
solve of the Kronecker form: small matrices), ``solve_banded`` (the band made a
matrix), and the structured matrices ``toeplitz``, ``hankel`` and ``circulant`` (a
gather of their first column and row).  What a twin does not cover is refused
at the user's line."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defnondiff, defthrough

try:
    import scipy.linalg as sl
except ImportError:  # scipy is optional
    sl = None


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
    if lower:
        return np.linalg.pinv(a, hermitian=True)
    return np.linalg.pinv(np.conj(np.swapaxes(a, -1, -2)), hermitian=True)  # (the upper triangle)


def pinv(a, *, atol=None, rtol=None, return_rank=False, check_finite=True):
    if return_rank or atol is not None or rtol is not None:
        raise DifferentiationError("<s2sad>:?: scipy.linalg.pinv: its derivative is known "
                                   "for the default tolerances, without return_rank")
    return np.linalg.pinv(a)


def toeplitz(c, r=None):
    c = np.ravel(c)
    r = np.conj(c) if r is None else np.ravel(r)
    values = np.concatenate((r[:0:-1], c))  # r[-1], ..., r[1], c[0], c[1], ...
    at = np.subtract.outer(np.arange(np.size(c)), np.arange(np.size(r))) + np.size(r) - 1
    return values[at]


def hankel(c, r=None):
    c = np.ravel(c)
    r = np.zeros(np.size(c)) if r is None else np.ravel(r)  # (r[0] is never read)
    values = np.concatenate((c, r[1:]))  # c[0], ..., c[-1], r[1], ...
    return values[np.add.outer(np.arange(np.size(c)), np.arange(np.size(r)))]


def circulant(c):
    c = np.ravel(c)
    n = np.size(c)
    return c[np.subtract.outer(np.arange(n), np.arange(n)) % n]


def solve_sylvester(a, b, q):
    # A X + X B = Q is (I kron A + B^T kron I) vec(X) = vec(Q), vec stacking columns
    m, n = np.shape(a)[0], np.shape(b)[0]
    system = np.kron(np.eye(n), a) + np.kron(np.transpose(b), np.eye(m))
    x = np.linalg.solve(system, np.reshape(np.transpose(q), (m * n,)))
    return np.transpose(np.reshape(x, (n, m)))


def solve_continuous_lyapunov(a, q):
    # A X + X A^H = Q: a Sylvester equation with B = A^H
    return solve_sylvester(a, np.conj(np.transpose(a)), q)


def solve_discrete_lyapunov(a, q, method=None):
    # X - A X A^H = Q is (I - conj(A) kron A) vec(X) = vec(Q), vec stacking columns
    n = np.shape(a)[0]
    system = np.eye(n * n) - np.kron(np.conj(a), a)
    x = np.linalg.solve(system, np.reshape(np.transpose(q), (n * n,)))
    return np.transpose(np.reshape(x, (n, n)))


def solve_banded(l_and_u, ab, b, overwrite_ab=False, overwrite_b=False, check_finite=True):
    lower, upper = l_and_u
    n = np.shape(ab)[1]
    rows = np.arange(n)
    a = np.zeros((n, n), dtype=np.result_type(ab, 1.0))
    for k in range(-lower, upper + 1):  # ab[upper - k, j] is a[j - k, j]
        j = rows[max(k, 0):n + min(k, 0)]
        a = a + np.eye(n, k=k) * np.concatenate(
            [np.zeros(max(k, 0)), ab[upper - k, j], np.zeros(-min(k, 0))])[None, :]
    return np.linalg.solve(a, b)


def lu(a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    if np.ndim(a) != 2 or np.shape(a)[0] != np.shape(a)[1]:
        raise DifferentiationError("<s2sad>:?: scipy.linalg.lu of a matrix that is not "
                                   "square (or a stack): its derivative is not supported")
    factors, piv = sl.lu_factor(a)
    n = np.shape(a)[0]
    lower = np.tril(factors, -1) + np.eye(n)
    upper = np.triu(factors)
    rows = lu_rows(piv)
    if permute_l:
        return lower[rows], upper
    if p_indices:
        return rows, lower, upper
    return np.eye(n)[rows], lower, upper


def lu_rows(piv):
    """The row of ``L`` each row of ``a`` is (``a = L[rows] @ U``): LAPACK's pivots are
    the swaps of ``a``'s rows made in turn, ``a[order] = L @ U``; rows is order's
    inverse."""
    order = np.arange(len(piv))
    for i, p in enumerate(piv):
        order[i], order[p] = order[p], order[i]
    return np.argsort(order)


defnondiff(lu_rows)


def register(sl: Any) -> None:
    for name, reference in (("norm", norm), ("eigvalsh", eigvalsh), ("svd", svd),
                            ("svdvals", svdvals), ("solve_sylvester", solve_sylvester),
                            ("solve_banded", solve_banded),
                            ("solve_continuous_lyapunov", solve_continuous_lyapunov),
                            ("solve_discrete_lyapunov", solve_discrete_lyapunov),
                            ("qr", qr), ("lu", lu), ("pinvh", pinvh), ("pinv", pinv),
                            ("toeplitz", toeplitz),
                            ("hankel", hankel), ("circulant", circulant)):
        defthrough(getattr(sl, name), reference)
