"""What a loop of the generated code computes the same in every trip, computed once in
front of it (``compiler/invariants.py``, late pass ``invariants``): the reversed inner
loop of a triangular solve negates the ``s`` adjoint once per row, a time step's
``np.sqrt(dt)`` is taken once per sweep.  Against central differences in float64 (a
closed form where there is one), loops that run zero times too; and the cases that must
stay: a name read before its statement, live after the loop, or computed from a name the
loop writes in place."""
import ast

import gast
import numpy as np

import s2sad
from gradcheck import check_grad, grad_source
from s2sad.compiler.invariants import move_invariants


def forward_substitution(L, b):
    z = np.zeros(b.shape[0])
    for i in range(b.shape[0]):
        s = b[i]
        for k in range(i):
            s = s - L[i, k] * z[k]
        z[i] = s / L[i, i]
    return np.sum(z * z)


def random_walk(x, sigma, dt, Z):
    for t in range(Z.shape[0]):
        x = x * np.exp(sigma * np.sqrt(dt) * Z[t])
    return np.sum(x)


def scaled_steps(x, a, n):
    for _ in range(n):
        x = x + np.tanh(x) * (a * a)
    return np.sum(x * x)


def _code(f, *args, wrt=0):
    return "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                     if not line.lstrip().startswith("#"))


def test_a_triangular_solve(rng) -> None:
    M = rng.standard_normal((5, 5))
    L = np.tril(M) + 4 * np.eye(5)
    b = rng.standard_normal(5)
    check_grad(forward_substitution, L, b, wrt=(0, 1))
    got = s2sad.grad(forward_substitution, wrt=1)(L, b)
    assert np.allclose(got, 2 * np.linalg.solve(L.T, np.linalg.solve(L, b)), rtol=1e-12)
    src = _code(forward_substitution, L, b, wrt=(0, 1))
    negation = next(line for line in src.splitlines() if "= -ds" in line)
    loop = next(line for line in src.splitlines() if "for k" in line and "reversed" in line)
    assert len(negation) - len(negation.lstrip()) == len(loop) - len(loop.lstrip())


def test_a_random_walk_takes_the_root_once_a_sweep(rng) -> None:
    Z = rng.standard_normal((6, 4))
    x = rng.uniform(0.5, 2.0, 4)
    check_grad(random_walk, x, 0.3, 0.02, Z, wrt=(0, 1, 2))
    src = _code(random_walk, x, 0.3, 0.02, Z, wrt=(0, 1, 2))
    for line in src.splitlines():
        if "np.sqrt(dt)" in line:
            assert line.startswith("    ") and not line.startswith("        ")
    dx = s2sad.grad(random_walk)(x, 0.3, 0.02, Z)
    assert np.allclose(dx, np.exp(0.3 * np.sqrt(0.02) * Z.sum(axis=0)), rtol=1e-13)


def test_loops_that_run_zero_times(rng) -> None:
    x = rng.standard_normal(3)
    check_grad(scaled_steps, x, 0.7, 3, wrt=(0, 1))
    assert np.allclose(s2sad.grad(scaled_steps)(x, 0.7, 0), 2 * x)
    assert s2sad.grad(scaled_steps, wrt=1)(x, 0.7, 0) == 0.0
    Z = np.zeros((0, 3))
    assert np.allclose(s2sad.grad(random_walk)(np.ones(3), 0.3, -1.0, Z), np.ones(3))


def _moved(text: str) -> str:
    body = move_invariants(gast.parse(text).body, {"np": np})
    return "\n".join(ast.unparse(gast.gast_to_ast(s)) for s in body)


def test_what_must_stay_in_the_loop() -> None:
    read_first = "for i in range(n):\n    y = y + c\n    c = -a\n"
    assert _moved(read_first).startswith("for")
    live_after = "for i in range(n):\n    c = -a\n    y = y + c\nr = c\n"
    assert _moved(live_after).startswith("for")
    written = "for i in range(n):\n    c = -a\n    a[i] = 1.0\n    y = y + c\n"
    assert _moved(written).startswith("for")
    raises = "for i in range(n):\n    c = a / b\n    y = y + c\n"
    assert _moved(raises).startswith("for")
    moved = "for i in range(n):\n    c = np.sqrt(a) * 2.0\n    y = y + c\n"
    assert _moved(moved).startswith("c = np.sqrt(a) * 2.0\nfor")
