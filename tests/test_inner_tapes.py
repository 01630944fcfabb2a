"""A gradient differentiated again knows the shapes of what its tape restores.

A generated gradient pushes values onto its tape and pops them in its reverse sweep; read
back from its source to be differentiated again (``grad`` of a function calling
``grad``: a Hessian-vector product), a popped value was of unknown shape, and so was each
adjoint it reached.  An element read from such an adjoint and then cleared
(``dmul = dr[-2]; dr[-2] = 0.0``), or a user's ``v[-3] *= c`` read back by the reverse
sweep, might then have been a view of a row, and the second derivative was refused as
"a limitation of s2sad (please report it)" (tools/fuzz seeds 82377, 82384, 82318 at
``--order 2``).  The generated function now keeps the pairing of its pushes and pops
(``compiler/inner_tapes.py``), and the second transform takes the pushed values for the
popped ones.  Checked: the gradient against central differences of ``f``, and the
Hessian-vector product's gradient and jvp against central differences of it; both
branches of each data-dependent ``if`` run at some point (counted by tracing)."""
from __future__ import annotations

import ast
import inspect
import sys
import textwrap
from collections import Counter

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


def tape_in_a_while(x):  # (seed 82377, reduced: a swap in one branch, r2[1:] in the other)
    v = x[::-1] * x
    r = np.full(3, 0.5)
    w = 0.2
    n = 0
    while w < 2.0 and n < 6:
        n += 1
        if v[1] < 0.3:
            r[-2] *= 1.0 + 0.5 * np.tanh(r[::-1] @ r)
            r[1:] = np.maximum(x[:2] * v[1:] + 0.5, -0.25)
        else:
            v[1] += (v[::-1] + x).max()
            r[-2] *= 1.0 + 0.5 * np.tanh(np.mean(x))
        w = w + 0.3 + (v @ v) * 0.01
    return np.sum(np.cos(r)) + np.sum(np.sin(v))


def array_of_appended_maxima(x):  # (seed 82384: an element scaled after a loop)
    out = []
    for i in range(3):
        out.append(max(np.sum(x[:i + 1] ** 2), 0.3))
    v = np.array(out)
    if np.sum(v) > 1.0:
        for _ in range(2):
            v[0:3] *= 1.0 + 0.5 * np.tanh(x)
        v[-3] *= 1.0 + 0.5 * np.tanh(np.sum(v) / 10.0)
    return np.sum(np.cos(v)) + v[1] * x[0]


def element_scaled_or_all(x):
    v = np.outer(x, x) @ x
    for i in range(3):
        if v[i] > 0.1:
            v[2] *= np.tanh(v[i])
        else:
            v = v * x[i] + 0.5
    return np.sum(v ** 2)


def first_scaled_until_large(x):
    v = x.copy()
    t = 0.0
    k = 0
    while t < 1.5 and k < 5:
        k += 1
        v[0] *= 1.0 + 0.3 * np.tanh(t)
        if v[0] > 0.5:
            v[1:] = v[1:] * v[0]
        t = t + np.sum(v ** 2) * 0.2
    return t + v[0] * v[-1]


FUNCTIONS = [tape_in_a_while, array_of_appended_maxima, element_scaled_or_all,
             first_scaled_until_large]
POINTS = [np.array([0.4, -0.7, 0.9]), np.array([-0.8, 0.6, 0.5]),
          np.array([1.1, 0.2, -0.6]), np.array([0.2, 0.3, 0.25])]
V = np.array([0.3, -1.2, 0.5])


def hessian_vector(f):
    def hv(x):
        return np.sum(s2sad.grad(f)(x) * V)
    return hv


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("f", FUNCTIONS)
def test_second_derivative_through_the_tape(f, x):
    check_grad(f, x)
    hv = hessian_vector(f)
    check_grad(hv, x, rtol=1e-4)
    check_jvp(hv, x, rtol=1e-4)


def _branch_lines(f) -> list:
    """(test line, first line of the body, first line of the else or None) of each if."""
    lines, first = inspect.getsourcelines(f)
    tree = ast.parse(textwrap.dedent("".join(lines)))
    return [(n.lineno + first - 1, n.body[0].lineno + first - 1,
             n.orelse[0].lineno + first - 1 if n.orelse else None)
            for n in ast.walk(tree) if isinstance(n, ast.If)]


def _lines_run(f, *args) -> Counter:
    """How many times each line of ``f`` ran, called on ``args``."""
    counts: Counter = Counter()

    def tracer(frame, event, arg):
        if frame.f_code is f.__code__ and event == "line":
            counts[frame.f_lineno] += 1
        return tracer
    sys.settrace(tracer)
    try:
        f(*args)
    finally:
        sys.settrace(None)
    return counts


@pytest.mark.parametrize("f", FUNCTIONS)
def test_both_branches_run(f):
    runs = [_lines_run(f, x) for x in POINTS]
    for test, body, other in _branch_lines(f):
        assert any(r[body] for r in runs)
        assert any(r[other] if other else r[test] > r[body] for r in runs)
