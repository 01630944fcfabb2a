"""compiler/outer_forms.py (a rank-one matrix multiplied on kept as its two vectors) and
compiler/shared_terms.py (a term a statement computes twice bound to a name), with the
``np.linalg.qr`` adjoint they serve (rules/numpy_decompositions.py): each against
central differences, in reduced and complete mode, of tall, square and wide matrices,
through Q alone, R alone and both, to second order; and the cases where a rewrite must
not apply (a vector written in between, a stack of matrices, an outer product of a
matrix)."""
from __future__ import annotations

import ast
from collections import Counter

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, grad_code

SHAPES = [(7, 3), (4, 4), (3, 5)]


def lstsq_by_qr(A, b):
    """Q through ``Q.T @ b`` (a rank-one adjoint of Q), R through a solve."""
    Q, R = np.linalg.qr(A)
    k = min(A.shape)
    if A.shape[0] < A.shape[1]:  # (a wide A: the leading square block of R)
        R = R[:, :k]
    coef = np.linalg.solve(R, Q.T @ b)
    return np.sum((A[:, :k] @ coef - b) ** 2) + 0.5 * np.sum(coef ** 2)


def q_alone(A, b):
    """Q alone, read elementwise (a full adjoint) and by ``Q.T @ b``."""
    Q, _ = np.linalg.qr(A)
    return np.sum(np.sin(Q) * np.arange(Q.shape[1])) + np.sum((Q.T @ b) ** 2)


def r_alone(A, b):
    """R alone, of the reduced factorisation."""
    _, R = np.linalg.qr(A)
    return np.sum(R ** 2 * np.arange(R.shape[1])) + np.sum(np.diag(R)[:1] * b[0])


def complete_q(A, b):
    """The complete factorisation: the columns of Q past k read too, through their span
    (``|Q2^T b|^2``: they are unique only up to a rotation among themselves)."""
    Q, R = np.linalg.qr(A, mode="complete")
    k = min(A.shape)
    proj = Q.T @ b
    return np.sum(proj[:k] ** 2 * np.arange(k)) + np.sum(proj[k:] ** 2) + np.sum(np.cos(R))


def r_mode(A, b):
    R = np.linalg.qr(A, mode="r")
    return np.sum(np.tanh(R)) * b[0]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("f", [lstsq_by_qr, q_alone, r_alone, complete_q, r_mode])
def test_qr_through_q_r_and_both(rng, shape, f):
    A, b = rng.standard_normal(shape), rng.standard_normal(shape[0])
    if f is lstsq_by_qr:
        A = A + 3.0 * np.eye(*shape)  # (R_k well away from singular)
    check_grad(f, A, b, wrt=(0, 1))
    check_jvp(f, A, b, wrt=(0, 1))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("f", [lstsq_by_qr, q_alone, complete_q])
def test_qr_second_order(rng, shape, f):
    A, b = rng.standard_normal(shape) + 3.0 * np.eye(*shape), rng.standard_normal(shape[0])
    check_hessian(lambda A: f(A, b), A)
    check_hessian(lambda b: f(A, b), b)


def matmul_terms(code: str) -> Counter:
    """How often each matrix product is spelled in ``code``."""
    return Counter(ast.dump(n) for n in ast.walk(ast.parse(code))
                   if isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult))


@pytest.mark.parametrize("f", [lstsq_by_qr, q_alone, complete_q])
def test_the_qr_adjoint_forms_each_product_once(rng, f):
    A, b = rng.standard_normal((6, 3)), rng.standard_normal(6)
    code = grad_code(f, A, b, wrt=(0, 1))
    repeated = [t for t, n in matmul_terms(code).items() if n > 1]
    assert not repeated, code
    assert code.count("np.tril(") == 1, code


def qr_solve(A, b):
    Q, R = np.linalg.qr(A)
    coef = np.linalg.solve(R, Q.T @ b)
    return np.sum((A @ coef - b) ** 2) + np.sum(coef ** 4)


def test_a_rank_one_adjoint_of_q_stays_two_vectors(rng):
    """``Q.T @ b``'s adjoint of Q is ``outer(b, g)``: the QR adjoint multiplies the
    vectors, no m x k product with it (and no copy of its transpose)."""
    A, b = rng.standard_normal((9, 3)), rng.standard_normal(9)
    check_grad(qr_solve, A, b, wrt=(0, 1))
    code = grad_code(qr_solve, A, b, wrt=(0, 1))
    assert "fresh(" not in code and "dQ" not in code, code
    assert "qr[0].T @ b" in code, code


def qr_by_mode(A, b, mode):
    """The mode a runtime value: the adjoint's branches stay branches."""
    Q, R = np.linalg.qr(A, mode=mode)
    return np.sum((Q.T @ b) ** 2) + np.sum(R ** 2)


@pytest.mark.parametrize("mode", ["reduced", "complete"])
def test_mode_given_at_run_time(rng, mode):
    A, b = rng.standard_normal((5, 3)), rng.standard_normal(5)
    check_grad(qr_by_mode, A, b, mode, wrt=(0, 1))


# ----- the rank-one rewrites on the user's own outer products -----

def products_with_an_outer(M, u, v):
    """``M @ O``, ``O.T @ M``, ``O[:, 1:]`` of ``O = np.multiply.outer(u, v)``."""
    O = np.multiply.outer(u, v)
    return np.sum(np.sin(M @ O)) + np.sum((O.T @ M) ** 2) + np.sum(np.cos(O[:, 1:].T @ M))


def vector_written_between(M, u, v):
    """``u`` written in place after ``O`` is formed: ``M @ O`` is of the old ``u``."""
    w = u * 1.0
    O = np.multiply.outer(w, v)
    w[0] = 3.0 * v[0]
    return np.sum(np.sin(M @ O)) + np.sum(w * u)


def stack_times_outer(S, u, v):
    """A stack of matrices times an outer product broadcasts: no vector form."""
    return np.sum(np.tanh(S @ np.multiply.outer(u, v)))


def outer_of_a_matrix(M, u, v):
    """An outer product of a matrix and a vector has three axes."""
    T = np.multiply.outer(M, v)
    return np.sum(np.sin(M.T @ T[:, :, 0])) + np.sum(T * u[0])


@pytest.mark.parametrize("n", [2, 4, 5])
def test_products_with_an_outer_product(rng, n):
    M, u, v = rng.standard_normal((n, n)), rng.standard_normal(n), rng.standard_normal(n)
    check_grad(products_with_an_outer, M, u, v, wrt=(0, 1, 2))
    check_jvp(products_with_an_outer, M, u, v, wrt=(0, 1, 2))
    check_hessian(lambda u: products_with_an_outer(M, u, v), u)


def test_products_with_an_outer_product_are_of_vectors(rng):
    M, u, v = rng.standard_normal((4, 4)), rng.standard_normal(4), rng.standard_normal(4)
    code = grad_code(products_with_an_outer, M, u, v, wrt=(0, 1, 2))
    fwd = code.split("# adjoint")[0] if "# adjoint" in code else code
    assert "M @ np.multiply.outer" not in code and "M @ u" in fwd.replace(" ", " "), code


@pytest.mark.parametrize("f, shapes", [
    (vector_written_between, [(3, 3), (3,), (3,)]),
    (stack_times_outer, [(2, 3, 3), (3,), (3,)]),
    (outer_of_a_matrix, [(3, 3), (3,), (3,)]),
])
def test_where_the_vector_form_must_not_apply(rng, f, shapes):
    args = [rng.standard_normal(s) for s in shapes]
    check_grad(f, *args, wrt=(0, 1, 2))
    check_jvp(f, *args, wrt=(0, 1, 2))


# ----- the pass on its own: what it rewrites and what it leaves -----

class _Ranks:
    """Shape facts of a few names (the pass asks for ranks only)."""

    def __init__(self, **shapes: tuple) -> None:
        self.shapes = shapes

    def of(self, e):
        import gast
        if isinstance(e, gast.Name):
            return self.shapes.get(e.id)
        if isinstance(e, gast.BinOp) and isinstance(e.op, gast.MatMult):
            left, right = self.of(e.left), self.of(e.right)
            return None if left is None or right is None else left[:-1] + right[1:]
        return None


def rewritten(src: str, **shapes: tuple) -> str:
    import gast

    from s2sad.compiler import outer_forms
    from s2sad.compiler.render import function_source
    from s2sad.rules.registry import TEMPLATE_NAMESPACE
    fn = gast.parse(src).body[0]
    outer_forms.keep_rank_one(fn.body, dict(TEMPLATE_NAMESPACE), lambda: _Ranks(**shapes))
    return function_source(fn)


VECTORS = {"u": ("n",), "v": ("n",), "M": ("n", "n"), "S": (2, "n", "n")}


def test_a_named_outer_product_is_multiplied_as_vectors():
    out = rewritten("def f(M, u, v):\n    O = np.multiply.outer(u, v)\n"
                    "    return M @ O.T + tri_solve(M, O, False)[:, 1:]\n", **VECTORS)
    assert "O =" not in out and "M @ v" in out and "tri_solve(M, u, False)" in out, out


@pytest.mark.parametrize("between", ["u[0] = 2.0", "u += 1.0", "np.copyto(u, v)",
                                     "u = v * 2.0"])
def test_nothing_is_rewritten_across_a_write(between):
    out = rewritten(f"def f(M, u, v):\n    O = np.multiply.outer(u, v)\n    {between}\n"
                    "    return M @ O\n", **VECTORS)
    assert "M @ O" in out, out


def test_a_stack_on_the_right_is_not_rewritten():
    out = rewritten("def f(S, u, v):\n    O = np.multiply.outer(u, v)\n    return O @ S\n",
                    **VECTORS)
    assert "O @ S" in out, out
