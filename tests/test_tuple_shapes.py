"""Shapes of the tuples np.linalg's decompositions return (qr, svd, eig, eigh), found by
trying them on stand-ins: a number made from their items is known to be one, so an
in-place update of a name bound to it is no aliased write (was refused "if it is an
array").  Likewise ``np.array(x)`` / ``np.asarray`` of an array: its copy, of its
shape."""
from __future__ import annotations

import gast
import numpy as np
import pytest

from gradcheck import check_grad, check_jvp
from s2sad.compiler import dims


def _shapes(src: str) -> dict:
    node = gast.parse(src).body[0]
    return dims.Facts(node.body, {"x": (6,)}, set(), {"np": np}).shapes


def test_decomposition_items_shaped():
    shapes = _shapes("def f(x):\n    a = np.outer(x, x) + np.eye(6)\n"
                     "    q = np.linalg.qr(a)\n    s = np.linalg.svd(a)\n"
                     "    e = np.linalg.eigh(a)\n    w = np.linalg.eig(a)\n"
                     "    m = np.linalg.qr(a)[0]\n")
    assert shapes["q"] == dims.Items(((6, 6), (6, 6)))
    assert shapes["s"] == dims.Items(((6, 6), (6,), (6, 6)))
    assert shapes["e"] == dims.Items(((6,), (6, 6)))
    assert shapes["w"] == dims.Items(((6,), (6, 6)))
    assert shapes["m"] == (6, 6)


def q_row_update(x):
    q, r = np.linalg.qr(np.outer(x, x) + np.eye(6))
    lx = q[0] @ x + np.sum(np.abs(np.diag(r)))
    acc = lx
    acc -= x[0] * lx
    return acc * lx


def svd_values_update(x):
    u, s, vt = np.linalg.svd(np.outer(x, x[::-1]) + np.diag(np.arange(1.0, 7.0)))
    top = s[0] + (u[:, 0] @ x) ** 2 + (vt[1] @ x) ** 2
    acc = top
    acc *= np.sum(x)
    return acc + top


def eigh_loop_update(x):
    w, v = np.linalg.eigh(np.outer(x, x) + np.diag(x))
    lead = v[:, -1] @ x
    acc = lead
    for k in range(3):
        acc += w[k] * lead
        if acc > 1.0:
            acc -= 0.5 * lead
    return acc


@pytest.mark.parametrize("f", [q_row_update, svd_values_update, eigh_loop_update])
@pytest.mark.parametrize("scale", [0.3, 1.7])
def test_number_from_decomposition_updated_in_place(f, scale):
    check_grad(f, scale * np.linspace(0.1, 0.6, 6))
    check_jvp(f, scale * np.linspace(0.1, 0.6, 6))


def copied_then_aliased(x):
    b = np.array(x)
    a, c = b, b
    a += b[3]
    c[-1] = 0.5 * a[0]
    acc = b[0]
    for i in range(4):
        if a[i] > 0.8:
            continue
        acc += a[i] * a[-2]
    return acc + np.sum(c ** 2)


def asarray_number_update(x):
    b = np.asarray(x * 2.0, dtype=float)
    top = b[1]
    top *= b[2]
    return top + np.sum(b)


def array_copy_flag(x):
    b = np.array(x, copy=True)
    s = b[0] + b[-1]
    s -= np.sum(b[1:3]) * 0.5
    b[0] = s
    return np.sum(np.tanh(b)) * s


@pytest.mark.parametrize("f", [copied_then_aliased, asarray_number_update, array_copy_flag])
@pytest.mark.parametrize("scale", [0.3, 1.7])
def test_number_read_from_an_array_copy(f, scale):
    check_grad(f, scale * np.linspace(0.1, 0.6, 6))
    check_jvp(f, scale * np.linspace(0.1, 0.6, 6))


def test_array_of_an_array_shaped_like_it():
    assert _shapes("def f(x):\n    b = np.array(x, dtype=float)\n")["b"] == (6,)


def test_list_of_floats_with_an_item_replaced():
    from s2sad import runtime
    node = gast.parse("def f(x):\n    d = as_floats(x * 2.0)\n    for i in range(5):\n"
                      "        e = d[i]\n        d = setitem(d, i, 0.0)\n").body[0]
    facts = dims.Facts(node.body, {"x": (6,)}, set(),
                       {"np": np, "as_floats": runtime.as_floats, "setitem": runtime.setitem})
    assert facts.shapes["d"] == dims.Elements(())
    assert facts.shapes["e"] == ()
