"""compiler/batch.py: rank-1 updates accumulated into a parameter's adjoint inside a
loop are one product after it (matrix products stay in the loop); loops that run no
step, or stop early, add nothing more."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def descent(A, b, lr, steps):
    x = np.zeros(b.shape[0])
    for _ in range(steps):
        x = x - lr * (A @ x - b + 0.1 * x ** 3)
    return np.sum((x - 1.0) ** 2)


def descent_until(A, b, lr, tol):
    x = np.zeros(b.shape[0])
    g = A @ x - b
    k = 0
    while np.linalg.norm(g) > tol and k < 50:
        x = x - lr * g
        g = A @ x - b
        k = k + 1
    return np.sum(x * x)


def rnn(Wx, Wh, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
    return np.sum(h ** 2)


def early_stop(W, x):
    h = x
    for _ in range(6):
        h = np.tanh(W @ h)
        if np.sum(h) > 1.5:
            break
    return np.sum(h)


@pytest.fixture
def spd(rng):
    M = rng.standard_normal((4, 4))
    return M @ M.T / 4 + np.eye(4)


@pytest.mark.parametrize("steps", [0, 1, 7])
def test_rank_one_updates_in_a_loop(spd, rng, steps) -> None:
    b = rng.standard_normal(4)
    check_grad(descent, spd, b, 0.2, steps, wrt=(0, 1))
    g = s2sad.grad(descent, wrt=(0, 1))
    g(spd, b, 0.2, steps)
    assert "dA = np.array(dA_rows).T @ np.array(dA_cols) if dA_rows else zeros_like(A)" \
        in g.source  # the product is the adjoint: no zeros added to


def descent_then_quadratic(A, b, lr, steps):
    """``A`` also read after the loop: its adjoint starts there, the product adds in."""
    x = np.zeros(b.shape[0])
    for _ in range(steps):
        x = x - lr * (A @ x - b)
    return np.sum((x - 1.0) ** 2) + x @ A @ x


@pytest.mark.parametrize("steps", [0, 1, 5])
def test_rank_one_updates_added_to_an_adjoint_begun_after_the_loop(spd, rng, steps) -> None:
    b = rng.standard_normal(4)
    check_grad(descent_then_quadratic, spd, b, 0.2, steps, wrt=(0, 1))
    g = s2sad.grad(descent_then_quadratic, wrt=(0, 1))
    g(spd, b, 0.2, steps)
    assert "dA += np.array(dA_rows).T @ np.array(dA_cols)" in g.source


@pytest.mark.parametrize("tol", [1e-3, 100.0])  # many steps, and none
def test_while_loop_of_steps(spd, rng, tol) -> None:
    check_grad(descent_until, spd, rng.standard_normal(4), 0.3, tol, wrt=(0, 1))


def test_matrix_products_in_an_rnn(rng) -> None:
    Wx, Wh = 0.5 * rng.standard_normal((3, 5)), 0.4 * rng.standard_normal((5, 5))
    xs = rng.standard_normal((4, 2, 3))
    check_grad(rnn, Wx, Wh, xs, wrt=(0, 1))
    g = s2sad.grad(rnn, wrt=(0, 1))
    g(Wx, Wh, xs)
    assert "_lefts" not in g.source  # matrix products stay in the loop (memory)


@pytest.mark.parametrize("scale", [0.1, 2.0])  # runs all steps / stops early
def test_loop_that_breaks(rng, scale) -> None:
    W = scale * rng.standard_normal((3, 3))
    check_grad(early_stop, W, np.array([0.5, 0.4, 0.6]), wrt=(0, 1))


# -- sums and dot products of the vectors a loop already collects, batched too ------

def descent_theta(theta, A, b, n):
    """Unrolled gradient steps: each step's adjoint adds -g to b's and g @ x**3 to
    theta's, besides the rank-1 update of A's (whose vectors the loop collects)."""
    x = np.zeros(b.shape[0])
    for _ in range(n):
        g = A @ x - b + theta * x ** 3
        x = x - 0.1 * g
    return np.sum((x - 1.0) ** 2)


def plus_and_dot(W, u, n):
    """``c`` added (not subtracted) and a dot with a vector the loop does not collect."""
    h = u
    for _ in range(n):
        h = np.tanh(W @ h + u)
    return np.sum(h * u) + np.sum(h)


@pytest.mark.parametrize("n", [0, 1, 6])
def test_descent_sums_after_the_loop(n, rng):
    M = rng.standard_normal((4, 4))
    A, b = M @ M.T / 8 + np.eye(4), rng.standard_normal(4)
    check_grad(descent_theta, 0.2, A, b, n, wrt=(0, 1, 2))
    g = s2sad.grad(descent_theta, wrt=(0, 1, 2))
    g(0.2, A, b, 3)
    loop = g.source.split("for _ in range(n):")[-1].split("\n    d")[0]
    assert "db -=" not in loop and "dtheta +=" not in loop
    assert "-np.sum(np.array(" in g.source  # (b's adjoint: minus the sum of the rows)


@pytest.mark.parametrize("n", [0, 2, 5])
def test_added_vectors_and_dots(n, rng):
    W, u = 0.5 * rng.standard_normal((3, 3)), rng.standard_normal(3)
    check_grad(plus_and_dot, W, u, n, wrt=(0, 1))


def rebound_between(W, u, n):
    """The vector b's adjoint would take is bound again between its use there and the
    rank-1 update that collects it: b's sum must not read the collected vectors."""
    h = u
    for _ in range(n):
        z = W @ h + u
        h = np.tanh(z) * 0.5 + 0.5 * np.sin(z)
    return np.sum(h * h)


@pytest.mark.parametrize("n", [1, 3])
def test_vector_bound_again_is_not_batched_wrongly(n, rng):
    W, u = 0.5 * rng.standard_normal((3, 3)), rng.standard_normal(3)
    check_grad(rebound_between, W, u, n, wrt=(0, 1))


def test_a_vector_bound_again_before_it_is_collected_stays_in_the_loop():
    """The pass itself, on a loop where ``g`` is subtracted, then bound again, then
    collected: the sum into ``db`` must stay a step-by-step update (the collected
    vectors are the new ``g``); with nothing in between it is batched."""
    import ast

    import gast

    from s2sad.compiler import batch, dims
    from s2sad.compiler.names import Namer

    def loop_of(middle: str) -> list:
        src = ("for i in reversed(range(n)):\n"
               "    db -= g\n" + middle +
               "    dA += np.multiply.outer(g, x)\n")
        return gast.parse(src).body
    facts = dims.Facts.over({"g": ("a",), "x": ("b",), "db": ("a",), "dA": ("a", "b")},
                            {"np": np})
    def printed(stmts: list) -> str:
        return gast.unparse(ast.fix_missing_locations(gast.Module(body=stmts, type_ignores=[])))
    rebound = batch.batch(loop_of("    g = g * 2.0\n"), facts, Namer({"g", "x", "db", "dA"}))
    text = printed(rebound)
    assert "db -= g" in text and "np.sum(np.array(" not in text
    plain = batch.batch(loop_of(""), facts, Namer({"g", "x", "db", "dA"}))
    text = printed(plain)
    assert "db -= g" not in text and "np.sum(np.array(dA_rows), axis=0)" in text
