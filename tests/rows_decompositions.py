"""Rule rows (see rule_rows.py): np.linalg decompositions and solvers (svd, eig, eigvals,
qr, lstsq, cond, tensorsolve, tensorinv); rules in s2sad/rules/numpy_decompositions.py."""
from __future__ import annotations

import numpy as np

from rule_rows import G, H, N, P, R, U, binary, spd, unary, well  # noqa: F401


def real_eig(*shape: int) -> np.ndarray:
    """Nonsymmetric n x n matrices with distinct real eigenvalues: real_eig(batch..., n)."""
    n = shape[-1]
    s = well(*shape)
    lam = np.arange(1.0, n + 1) * 1.5 + 0.2 * P(*shape)
    return np.linalg.solve(np.swapaxes(s, -1, -2), np.swapaxes(s * lam[..., None, :], -1, -2)
                           ).swapaxes(-1, -2)  # s diag(lam) s^-1


def sym(n: int) -> np.ndarray:
    b = N(n, n)
    return b + b.T


svd = np.linalg.svd
R(svd, N(4, 3), full_matrices=False)
R(svd, N(3, 4), full_matrices=False)
R(svd, N(3, 3))
R(svd, N(4, 3))  # full_matrices: one extra column of U, unique (docs in the rules)
R(svd, N(3, 4))
R(svd, N(2, 4, 3), full_matrices=False)
R(svd, N(4, 3), full_matrices=False, g_none=True)  # no adjoint for U
R(svd, N(4, 3), compute_uv=False)
R(svd, N(2, 3, 5), compute_uv=False)
R(svd, sym(3), hermitian=True)
R(svd, sym(3), compute_uv=False, hermitian=True)

R(np.linalg.eig, real_eig(3))
R(np.linalg.eig, real_eig(2, 4))
R(np.linalg.eig, real_eig(3), g_none=True)
R(np.linalg.eigvals, real_eig(3))
R(np.linalg.eigvals, real_eig(2, 3))

qr = np.linalg.qr
R(qr, N(4, 3)); R(qr, N(3, 3)); R(qr, N(4, 3), mode="complete")  # noqa: E702
R(qr, N(3, 4)); R(qr, N(3, 4), mode="complete"); R(qr, N(2, 4, 3))  # noqa: E702
R(qr, N(4, 3), "r"); R(qr, N(3, 5), mode="r"); R(qr, N(4, 3), g_none=True)  # noqa: E702

lstsq = np.linalg.lstsq
R(lstsq, N(5, 3), N(5)); R(lstsq, N(5, 3), N(5, 2))  # noqa: E702
R(lstsq, N(3, 5), N(3)); R(lstsq, well(3), N(3, 2))  # noqa: E702  (no residuals)
R(lstsq, N(5, 3), N(5), g_none=True)

cond = np.linalg.cond
R(cond, well(3)); R(cond, N(4, 3)); R(cond, N(3, 4), -2); R(cond, N(2, 3, 3), 2)  # noqa: E702
for _p in ("fro", "nuc", 1, -1, np.inf, -np.inf):
    R(cond, well(3), _p)
R(cond, well(2, 3), "fro")

_a6 = well(6)
R(np.linalg.tensorsolve, _a6.reshape(6, 2, 3), N(6))
R(np.linalg.tensorsolve, _a6.reshape(2, 3, 3, 2), N(2, 3))
R(np.linalg.tensorsolve, np.moveaxis(well(6).reshape(6, 2, 3), 2, 0), N(6), axes=(0,))
R(np.linalg.tensorinv, well(6).reshape(2, 3, 6))
R(np.linalg.tensorinv, well(6).reshape(6, 2, 3), ind=1)
R(np.linalg.tensorinv, well(4).reshape(2, 2, 2, 2))
