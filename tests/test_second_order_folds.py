"""Second order through loops with ``break`` followed by more loops (fuzz2 770008, as a
hessian-vector product): copy folding read the Name nodes of a loop from a list made
before a fold inside the loop deleted some statements, renamed stale nodes and left
live reads of a folded copy pointing at a name no statement binds any more (a NameError
out of the generated code).  Checked against central differences of the gradient."""
from __future__ import annotations

import math

import numpy as np
import pytest

import s2sad
from gradcheck import check_hessian

X = np.array([-0.88642636, 0.73109112, 0.13051092, 0.34491416, 0.50036066, -0.09301789])


def scans_then_pairs(x):
    m = x.copy()
    carry = m[2]
    for _ in range(3):
        le = 0.0
        for t in m:
            le = le * 0.5 + t
            if le > 0.51:
                break
            le = le + m[-5]
        carry = carry * 0.5 + np.tanh(le)
    f6 = float(m[-2])
    s7 = math.sin(f6) * math.exp(-f6 * f6) + math.log1p(f6 * f6)
    idx = np.nonzero(m < -0.20)[0]
    gs = np.sum(m[idx] ** 2)
    for i in range(6):
        gs += m[i] * m[5 - i]
    return carry ** 2 + np.tanh(s7) + np.tanh(gs)


def scans_then_window(x):
    carry = x[0]
    for _ in range(2):
        le = 0.0
        for t in x:
            le = le * 0.7 + t
            if le > 0.8:
                break
            le = le + x[1] * 0.5
        carry = carry * 0.5 + np.sin(le)
    w = float(x[3])
    s = math.cos(w) * math.exp(-w * w)
    acc = np.sum(x[x > 0.2] ** 2)
    for i in range(5):
        acc += x[i] * x[i + 1]
    return carry ** 2 + s + np.tanh(acc)


def while_scan_then_loop(x):
    total, i = 0.0, 0
    while i < len(x):
        total = total * 0.5 + x[i]
        if total > 0.6:
            break
        i += 1
    f = float(x[-1])
    tail = math.tanh(f) * math.exp(-f * f)
    q = np.sum(x[np.nonzero(x < 0.0)[0]] ** 3)
    for k in range(3):
        q += x[k] * x[-1 - k]
    return total ** 2 + tail + np.sin(q)


@pytest.mark.parametrize("f", [scans_then_pairs, scans_then_window, while_scan_then_loop])
@pytest.mark.parametrize("x", [X, X[::-1] * 0.7])
def test_hessian_through_breaks_and_loops(f, x):
    check_hessian(f, x)


@pytest.mark.parametrize("f", [scans_then_pairs, scans_then_window, while_scan_then_loop])
@pytest.mark.parametrize("seed", [1, 2])
def test_hessian_vector_products(f, seed):
    v = np.random.default_rng(seed).standard_normal(6)
    hv = s2sad.grad(lambda z: np.sum(s2sad.grad(f)(z) * v))(X)
    g, h = s2sad.grad(f), 1e-5
    np.testing.assert_allclose(hv, (g(X + h * v) - g(X - h * v)) / (2 * h), rtol=1e-5,
                               atol=1e-7)
