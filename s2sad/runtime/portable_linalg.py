"""The array-API versions of the linear-algebra runtime helpers (part of :mod:`portable`):
matrix-product, dot and solve adjoints and tangents, triangular reads and solves (by the
standard's general ``solve``), the Cholesky adjoint, ``diag``'s adjoint and the norm's
partial.
"""
from __future__ import annotations

from typing import Any

from s2sad.runtime.portable_arrays import _shape, _xp, unbroadcast


def norm_partial(x: Any, ord: Any = None, axis: Any = None, vector: bool = False,
                 value: Any = None, keepdims: bool = False) -> Any:
    """d norm / dx of the 2-norm (or Frobenius norm): ``x / norm``, 0 at a zero vector."""
    if ord not in (None, 2, "fro") or ord == 2 and not vector and (
            axis is None and len(_shape(x)) == 2 or isinstance(axis, (tuple, list))):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(f"np.linalg.norm with ord={ord!r}: its derivative runs "
                                   "on NumPy arrays only")
    xp = _xp(x)
    n = xp.linalg.vector_norm(x, axis=axis, keepdims=True)
    return xp.where(n == 0, 0.0, x / xp.where(n == 0, 1.0, n))


def diag_adjoint(g: Any, v: Any, k: int = 0) -> Any:
    xp = _xp(g)
    if k:
        raise ValueError("np.diag with an offset has no array-API counterpart here")
    if len(_shape(v)) == 1:
        return xp.linalg.diagonal(g)
    return xp.eye(_shape(v)[0], _shape(v)[1], dtype=g.dtype) * xp.reshape(
        g, (1, -1)) if _shape(v)[0] >= _shape(v)[1] else \
        xp.eye(_shape(v)[0], _shape(v)[1], dtype=g.dtype) * xp.reshape(g, (-1, 1))


def tri_solve(a: Any, b: Any, lower: bool, trans: bool = False) -> Any:
    """A triangular solve by the standard's general ``solve`` (it has no triangular one;
    same solution, more work)."""
    xp = _xp(a, b)
    a = _mT(xp, a) if trans else a
    if len(_shape(b)) == 1:
        return xp.linalg.solve(a, b[..., None])[..., 0]
    return xp.linalg.solve(a, b)


def inverse(a: Any) -> Any:
    return _xp(a).linalg.inv(a)


def lu_factor(a: Any) -> Any:
    """The matrix itself: ``lu_solve`` solves with it by the standard's ``solve``."""
    return a


def lu_solve(factors: Any, b: Any, trans: bool = False) -> Any:
    xp = _xp(factors, b)
    a = _mT(xp, factors) if trans else factors
    if len(_shape(b)) == 1:
        return xp.linalg.solve(a, b[..., None])[..., 0]
    return xp.linalg.solve(a, b)


def _lower(xp: Any, x: Any, upper: bool, k: int = 0) -> Any:
    return xp.triu(x, k=-k) if upper else xp.tril(x, k=k)


def triangle_read(x: Any, uplo: Any = "L") -> Any:
    xp, upper = _xp(x), uplo is True or str(uplo).upper() == "U"
    return _lower(xp, x, upper) + _mT(xp, _lower(xp, x, upper, -1))


def triangle_read_adjoint(g: Any, uplo: Any = "L") -> Any:
    xp, upper = _xp(g), uplo is True or str(uplo).upper() == "U"
    return _lower(xp, g, upper) + _lower(xp, _mT(xp, g), upper, -1)


def symmetrized(x: Any) -> Any:
    return 0.5 * (x + _mT(_xp(x), x))


def cholesky_adjoint(g: Any, ans: Any, upper: bool = False) -> Any:
    """Adjoint of ``cholesky(a)``: ``L^-T phi(L^T g) L^-1``, symmetrized."""
    xp = _xp(g, ans)
    low, g = (_mT(xp, ans), _mT(xp, g)) if upper else (ans, g)
    lg = _mT(xp, low) @ g
    p = xp.tril(lg) - 0.5 * xp.eye(_shape(lg)[-1], dtype=lg.dtype) * lg
    inner = tri_solve(low, _mT(xp, p), lower=True, trans=True)
    s = tri_solve(low, _mT(xp, inner), lower=True, trans=True)
    return 0.5 * (s + _mT(xp, s))


def _mT(xp: Any, a: Any) -> Any:
    return xp.matrix_transpose(a)


def matmul_lhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    xp = _xp(g, a, b)
    if len(_shape(a)) == 2 and len(_shape(b)) <= 2:
        return g @ _mT(xp, b) if len(_shape(b)) == 2 else \
            xp.reshape(g, (-1, 1)) * xp.reshape(b, (1, -1))
    g2, a2, b2 = _as_matrices(xp, g, a, b)
    return xp.reshape(unbroadcast(g2 @ _mT(xp, b2), a2), _shape(a))


def matmul_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    xp = _xp(g, a, b)
    if len(_shape(a)) == 2 and len(_shape(b)) <= 2:
        return _mT(xp, a) @ g
    g2, a2, b2 = _as_matrices(xp, g, a, b)
    return xp.reshape(unbroadcast(_mT(xp, a2) @ g2, b2), _shape(b))


def _as_matrices(xp: Any, g: Any, a: Any, b: Any) -> tuple:
    """``a @ b`` with vectors made matrices (and ``g`` given the axes they lost)."""
    if len(_shape(b)) == 1:
        b, g = xp.reshape(b, (-1, 1)), xp.expand_dims(g, axis=-1)
    if len(_shape(a)) == 1:
        a, g = xp.reshape(a, (1, -1)), xp.expand_dims(g, axis=-2)
    return g, a, b


def dot_lhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    if not _shape(a) or not _shape(b):
        return unbroadcast(g * b, a)
    return matmul_lhs_adjoint(g, a, b) if len(_shape(b)) <= 2 else _dot_nd(a)


def dot_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    if not _shape(a) or not _shape(b):
        return unbroadcast(g * a, b)
    return matmul_rhs_adjoint(g, a, b) if len(_shape(b)) <= 2 else _dot_nd(b)


def _dot_nd(x: Any) -> Any:
    from s2sad.errors import DifferentiationError
    raise DifferentiationError("np.dot of an array of more than two axes: its adjoint runs "
                               f"on NumPy arrays only, not {type(x).__module__}; use @")


def _solve_transposed(g: Any, a: Any, b: Any) -> Any:
    """``solve(a^T, g)``, a vector ``b`` (and ``g``) taken as a column."""
    xp = _xp(g, a)
    if len(_shape(b)) == 1:
        return xp.linalg.solve(_mT(xp, a), g[..., None])[..., 0]
    return xp.linalg.solve(_mT(xp, a), g)


def solve_lhs_adjoint(g: Any, a: Any, b: Any, ans: Any) -> Any:
    """``-solve(a^T, g) x^T``."""
    gb, xp = _solve_transposed(g, a, b), _xp(g, a)
    if len(_shape(b)) == 1:
        return unbroadcast(-gb[..., :, None] * ans[..., None, :], a)
    return unbroadcast(-gb @ _mT(xp, ans), a)


def solve_rhs_adjoint(g: Any, a: Any, b: Any) -> Any:
    return unbroadcast(_solve_transposed(g, a, b), b)


def solve_lhs_tangent(da: Any, a: Any, b: Any, ans: Any) -> Any:
    xp = _xp(da, a)
    if len(_shape(b)) == 1:
        return -xp.linalg.solve(a, da @ ans[..., None])[..., 0]
    return -xp.linalg.solve(a, da @ ans)


def solve_rhs_tangent(db: Any, a: Any, b: Any) -> Any:
    xp = _xp(db, a)
    if len(_shape(b)) == 1:
        return xp.linalg.solve(a, db[..., None])[..., 0]
    return xp.linalg.solve(a, db)
