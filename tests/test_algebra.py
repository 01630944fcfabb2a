"""compiler/algebra.py: exact arithmetic identities in generated code, checked on
the source they produce and on the numbers."""
import numpy as np

import s2sad
from gradcheck import check_grad


def poly(x, y):
    return np.arctan(x * y) + x * np.exp(-y) - (x - y) ** 2


def test_seed_is_propagated_and_products_by_one_vanish() -> None:
    g = s2sad.grad(poly, wrt=(0, 1))
    g(0.3, 0.7)
    assert "= 1.0\n" not in g.source and "1.0 *" not in g.source
    check_grad(poly, 0.3, 0.7, wrt=(0, 1))


def test_negated_terms_are_subtracted(rng) -> None:
    def f(x):
        return np.sum(np.cos(x) * x)
    g = s2sad.grad(f)
    x = rng.standard_normal(5)
    g(x)
    assert "+ -" not in g.source
    check_grad(f, x)


def test_array_products_by_one_stay_fresh_arrays() -> None:
    def f(x):
        return np.sum(x)
    x = np.arange(3.0)
    gx = s2sad.grad(f)(x)
    gx[0] = 5.0  # the gradient is the caller's to keep and change
    np.testing.assert_array_equal(x, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(s2sad.grad(f)(x), [1.0, 1.0, 1.0])
