"""compiler/shared_terms.py: a term a statement of the derivative computes twice bound to
a name; and the real case of a rule chosen where the arguments are known real
(``np.iscomplexobj`` of a float64 array, compiler/plain_calls.py, folded with the ``if``
around it, compiler/plain_helpers.py), so the ``svd`` adjoint's terms are always
evaluated and shared (a complex one keeps its case: tests/test_complex_adjoints.py).
Each against central differences; terms in the branches of a conditional expression
stay there."""
from __future__ import annotations

import ast
from collections import Counter

import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, grad_code


def svd_all(A):
    U, s, Vh = np.linalg.svd(A, full_matrices=False)
    return np.sum(np.sin(U) * np.arange(U.shape[1])) + np.sum(s ** 3) + \
        np.sum(np.cos(Vh) * np.arange(Vh.shape[0])[:, None])


def svd_values(A):
    return np.sum(np.linalg.svd(A, compute_uv=False) ** 2)


def svd_u_alone(A):
    U, _, _ = np.linalg.svd(A, full_matrices=False)
    return np.sum((U[:, 0] * np.arange(A.shape[0])) ** 2) + np.sum(U[0] ** 3)


def products(code: str) -> Counter:
    return Counter(ast.dump(n) for n in ast.walk(ast.parse(code))
                   if isinstance(n, ast.BinOp) and isinstance(n.op, ast.MatMult))


@pytest.mark.parametrize("shape", [(5, 3), (4, 4), (3, 5)])
@pytest.mark.parametrize("f", [svd_all, svd_values, svd_u_alone])
def test_svd_adjoints(rng, shape, f):
    A = rng.standard_normal(shape)
    check_grad(f, A)
    check_jvp(f, A)


def test_svd_second_order(rng):
    check_hessian(svd_all, rng.standard_normal((4, 3)))


def test_the_real_svd_adjoint_forms_each_product_once(rng):
    code = grad_code(svd_all, rng.standard_normal((5, 3)))
    assert "iscomplexobj" not in code and "np.conj" not in code, code
    assert not [t for t, n in products(code).items() if n > 1], code


def branch_terms(A, b, flag):
    """The cotangent of a least-squares solve whose residuals exist or not (a tall or a
    square ``A``): its terms are in the branches of a conditional expression."""
    x, res, _, s = np.linalg.lstsq(A, b, rcond=None)
    out = np.sum(x ** 2) + np.sum(s)
    return out + np.sum(res) if flag else out


@pytest.mark.parametrize("shape, flag", [((5, 3), True), ((3, 3), False), ((5, 3), False)])
def test_terms_in_branches_stay_there(rng, shape, flag):
    A, b = rng.standard_normal(shape), rng.standard_normal(shape[0])
    check_grad(branch_terms, A, b, flag, wrt=(0, 1))


# ----- the pass on its own -----

def shared(src: str) -> str:
    import gast

    from s2sad.compiler import shared_terms
    from s2sad.compiler.names import Namer
    from s2sad.compiler.render import function_source
    from s2sad.rules.registry import TEMPLATE_NAMESPACE
    fn = gast.parse(src).body[0]
    shared_terms.share_terms(fn.body, dict(TEMPLATE_NAMESPACE), Namer(Namer.names_in(fn)))
    return function_source(fn)


def test_the_largest_repeated_term_is_named_once():
    out = shared("def f(Q, G, R):\n"
                 "    return np.tril((Q.T @ G - R) - (Q.T @ G - R).T) @ (Q.T @ G)\n")
    assert out.count("Q.T @ G") == 1 and out.count(" - R") == 1, out


@pytest.mark.parametrize("src", [
    "def f(Q, G, c):\n    return (Q @ G if c else Q @ G + 1.0)\n",  # (branches)
    "def f(Q, G, s):\n    return s.pop() + np.sin(Q @ G) + np.sin(Q @ G)\n",  # (impure)
    "def f(Q, i, j):\n    return Q[slice(1, i)] + Q[slice(1, i)] + (i - j) * (i - j)\n",
])
def test_what_is_not_named(src):
    out = shared(src)
    assert "=" not in out.split("\n", 1)[1], out
