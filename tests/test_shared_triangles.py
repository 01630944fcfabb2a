"""A matrix made triangular by a sum (``np.tril(raw, -1) + np.diag(np.exp(d))``, the
log-Cholesky parameterisation of a covariance) is known triangular (compiler/ranks.py),
and a costly call both adjoints of a solve spell (``tri_solve(np.tril(L), g, ...)``) is
made once, also when the second sits in an accumulation into an item
(``dm = add_at(dm, None, k, ...)``: compiler/costly_calls.py).  Gradients against central
differences; the sharing and the triangle read in the source; sums that are not
triangular (a 1 x 1 ``np.eye`` spread over every entry, ``np.tril(m, 1)``) solved in
full."""
import ast

import gast
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian
from s2sad.compiler import costly_calls
from s2sad.runtime.triangular import tri_solve
from s2sad.runtime.writes import add_at

sla = pytest.importorskip("scipy.linalg")


def mixture_term(means, raw, X):
    total = 0.0
    for k in range(means.shape[0]):
        L = np.tril(raw[k], -1) + np.diag(np.exp(np.diag(raw[k])))
        Z = sla.solve_triangular(L, (X - means[k]).T, lower=True)
        total = total + np.sum(np.log(1.0 + Z ** 2)) + np.sum(np.diag(raw[k]))
    return total


def given_factor(L, m, X):
    Z = sla.solve_triangular(L, (X - m).T, lower=True)
    return np.sum(np.sin(Z))


def shifted_lower(M, b):
    T = np.tril(M, -1) + 3.0 * np.eye(M.shape[0])
    return np.sum(np.linalg.solve(T, b) ** 2)


def spread_eye(M, b):
    T = np.tril(M) + 2.0 * np.eye(1)  # (a 1 x 1 matrix: every entry of T moves)
    return np.sum(np.linalg.solve(T, b) ** 2)


def band_above(M, b):
    T = np.tril(M, 1) + 4.0 * np.eye(M.shape[0])  # (one diagonal above: not triangular)
    return np.sum(np.linalg.solve(T, b) ** 2)


def _code(g) -> list[str]:
    return [line for line in g.source.splitlines() if not line.lstrip().startswith("#")]


@pytest.mark.parametrize("K", [1, 3])
def test_mixture_factor_known_lower_and_one_solve(rng, K) -> None:
    means, raw = rng.standard_normal((K, 3)), 0.3 * rng.standard_normal((K, 3, 3))
    X = rng.standard_normal((9, 3))
    check_grad(mixture_term, means, raw, X, wrt=(0, 1))
    g = s2sad.grad(mixture_term, wrt=(0, 1))
    g(means, raw, X)
    code = _code(g)
    adjoint_solves = [line for line in code if "tri_solve(" in line]
    assert len(adjoint_solves) == 1, g.source  # shared by dL and dmeans
    assert "np.tril(L)" not in g.source  # (L is lower: no copy of its triangle)


def test_given_factor_shares_the_solve_of_its_triangle(rng) -> None:
    L = np.tril(rng.standard_normal((4, 4))) + 3.0 * np.eye(4)
    m, X = rng.standard_normal(4), rng.standard_normal((6, 4))
    check_grad(given_factor, L, m, X, wrt=(0, 1))
    g = s2sad.grad(given_factor, wrt=(0, 1))
    g(L, m, X)
    assert len([line for line in _code(g) if "tri_solve(" in line]) == 1, g.source
    check_hessian(lambda v: given_factor(L, v, X), m)


def test_sums_that_are_and_are_not_triangular(rng) -> None:
    M, b = rng.standard_normal((4, 4)), rng.standard_normal(4)
    check_grad(shifted_lower, M, b, wrt=(0, 1))
    g = s2sad.grad(shifted_lower, wrt=(0, 1))
    g(M, b)
    code = "\n".join(_code(g))
    assert "tri_solve(T, b, True)" in code and "tri_solve(T, 2.0 * solve, True, True)" in code
    assert "np.linalg.solve(" not in code
    for f in (spread_eye, band_above):
        check_grad(f, M, b, wrt=(0, 1))
        g = s2sad.grad(f, wrt=(0, 1))
        g(M, b)
        assert "tri_solve(" not in g.source, f.__name__


def _shared(src: str) -> str:
    body = gast.parse(src).body
    namer = type("Namer", (), {"fresh": lambda self, base: base + "_1"})()
    ns = {"np": np, "tri_solve": tri_solve, "add_at": add_at}
    costly_calls.share_costly_calls(body, ns, namer)
    return ast.unparse(gast.gast_to_ast(gast.Module(body=body, type_ignores=[])))


def test_a_write_in_between_keeps_two_solves() -> None:
    both = ("a = tri_solve(np.tril(L), g, True, True) @ Z\n"
            "d = add_at(d, None, k, tri_solve(np.tril(L), g, True, True))\n")
    assert _shared(both).count("tri_solve(") == 1
    for between in ("g = add_at(g, None, k, v)\n", "L = L * 2.0\n",
                    "d = add_at(d, None, g, v)\nL[0] = 1.0\n"):
        src = both.replace("d = add_at", between + "d = add_at")
        assert _shared(src).count("tri_solve(") == 2, between
