"""compiler/cancelled_factors.py: ``x /= 2 * a`` then ``x *= 2 * b`` (a square root's
adjoint after a square's, computed in place) become ``x /= a; x *= b``.  Gradients
against central differences and closed forms; the pass itself on statements where it
must not apply (other numbers, other names, not in a row)."""
import gast
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp
from s2sad.compiler import cancelled_factors

R = np.random.default_rng(4813)
F, Y, W = R.standard_normal(50), R.standard_normal(50), R.uniform(0.5, 1.5, 50)


def pseudo_huber(f, delta):
    r = (f - Y) / delta
    return delta ** 2 * np.sum(W * (np.sqrt(1.0 + r ** 2) - 1.0))


def norm_rows(x):
    return np.sum(np.sqrt(x ** 2 + 0.5) * W[:, None])


def cube_in_root(x):
    return np.sum(np.sqrt(1.0 + x ** 4) * W)  # (4 x^3 / (2 sqrt): other numbers)


@pytest.mark.parametrize("f, args", [(pseudo_huber, (F, 0.7)), (norm_rows, (R.standard_normal(
    (50, 3)),)), (cube_in_root, (F,))], ids=["pseudo-huber", "rows", "quartic"])
def test_gradients(f, args) -> None:
    check_grad(f, *args)
    check_jvp(f, *args)


def test_closed_form() -> None:
    g = s2sad.grad(pseudo_huber)(F, 0.7)
    r = (F - Y) / 0.7
    np.testing.assert_allclose(g, 0.7 * W * r / np.sqrt(1.0 + r * r), rtol=1e-14)
    derivative = s2sad.grad(pseudo_huber)
    derivative(F, 0.7)
    assert "/= sqrt" in derivative.source and "2 * sqrt" not in derivative.source


def _body(text: str) -> list:
    return gast.parse(text).body


@pytest.mark.parametrize("text, changed", [
    ("x /= 2 * a\nx *= 2 * b", "x /= a\nx *= b"),
    ("x *= b * 2.0\nx /= 2.0 * a", "x *= b\nx /= a"),
    ("x /= 2 * a\nx *= 3 * b", None), ("x /= 2 * a\ny *= 2 * b", None),
    ("x /= 2 * a\nz = 1\nx *= 2 * b", None), ("x /= 2 * a\nx /= 2 * b", None),
    ("x -= 2 * a\nx *= 2 * b", None)])
def test_only_a_pair_in_a_row(text, changed) -> None:
    body = _body(text)
    assert cancelled_factors.cancel(body) == (changed is not None)
    expected = _body(changed or text)
    assert gast.dump(gast.Module(body=body, type_ignores=[])) == gast.dump(
        gast.Module(body=expected, type_ignores=[]))
