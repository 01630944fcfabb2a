"""compiler/algebra.py: exact arithmetic identities in generated code, checked on
the source they produce and on the numbers."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp


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


def inverse_and_difference(A, B, x):
    Ai = np.linalg.inv(A)
    m = np.tanh(x)
    v = x - B @ m
    return np.sum(np.sin(Ai @ B)) + np.sum(A * A) + v @ v + np.sum(m)


def test_a_negated_matrix_product_is_subtracted(rng) -> None:
    """``d + -a @ b @ c`` (inv's adjoint added to another) is ``d - a @ b @ c``: matrix
    products are bilinear, so the sign moves out and no array is negated (``d + a @ -b``
    likewise; the Kalman benchmark's ``dm - H.T @ dv``)."""
    A = rng.standard_normal((3, 3)) + 3 * np.eye(3)
    args = (A, rng.standard_normal((3, 3)), rng.standard_normal(3))
    g = s2sad.grad(inverse_and_difference, wrt=(0, 1, 2))
    g(*args)
    code = [line for line in g.source.splitlines() if not line.lstrip().startswith("#")]
    assert not any("+ -" in line or "@ -" in line or "(-" in line for line in code), code
    check_grad(inverse_and_difference, *args, wrt=(0, 1, 2))


def test_array_products_by_one_stay_fresh_arrays() -> None:
    def f(x):
        return np.sum(x)
    x = np.arange(3.0)
    gx = s2sad.grad(f)(x)
    gx[0] = 5.0  # the gradient is the caller's to keep and change
    np.testing.assert_array_equal(x, [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(s2sad.grad(f)(x), [1.0, 1.0, 1.0])


def scaled_chain(x, a, c):
    y = -a * x * 3.0 * np.sin(x) * c
    return np.sum(y * x) - np.sum(-(x * a) * 2.0 * x)


def scaled_loop(x, lr):
    d = np.zeros_like(x)
    for _ in range(3):
        d = d + (-lr) * x * 0.5 * np.cos(d)
    return np.sum(d * d)


def test_numbers_are_multiplied_before_arrays(rng) -> None:
    x = rng.standard_normal(5)
    check_grad(scaled_chain, x, 0.7, -1.3, wrt=(0, 1, 2))
    g = s2sad.grad(scaled_chain, wrt=(0, 1, 2))
    g(x, 0.7, -1.3)
    assert "-dtotal" not in g.source  # no pass over an array just to negate it


@pytest.mark.parametrize("lr", [0.1, -0.4])
def test_numbers_first_in_a_loop(rng, lr) -> None:
    check_grad(scaled_loop, rng.standard_normal(4), lr, wrt=(0, 1))


def doubled_mask(x):
    m = x > 0
    k = m + m  # booleans: ``or``, not 2
    return np.sum(x * k + x * x)


@pytest.mark.parametrize("x", [np.array([0.5, -1.0, 2.0]), np.array([-0.5, -2.0])])
def test_the_same_term_twice_is_doubled_in_derivatives_only(x) -> None:
    """``dx * x + dx * x`` of a tangent is ``2 * (dx * x)``; the user's ``m + m`` of
    booleans stays what Python computes (``m``)."""
    check_grad(doubled_mask, x)
    check_jvp(doubled_mask, x)
    np.testing.assert_allclose(s2sad.grad(doubled_mask)(x), (x > 0) + 2 * x)  # closed form
    j = s2sad.jvp(doubled_mask)
    j(x, x)
    assert "m + m" in j.source and "2 * (" in j.source


def masked_energy(x, c):
    e = c * np.tanh(x) ** 2
    e = e * (1.0 - np.eye(x.shape[0]))
    return 0.5 * np.sum(e)


def test_coefficients_of_a_chain_multiplied_first(rng) -> None:
    """``de = 0.5 * mask; dt = de * c`` (``de`` read once): ``dt = 0.5 * c * mask``, one
    pass over the array (here with the 2 of the square: ``1.0 * c * sub``); both modes,
    matrices of two sizes."""
    for n in (3, 5):
        x = rng.standard_normal((n, n))
        g = s2sad.grad(masked_energy)
        got = g(x, 1.7)
        assert "de = " not in g.source and ("c * sub *" in g.source or  # (or in place:
                                             "dx = c * sub\n" in g.source)  # ``chains``)
        check_grad(masked_energy, x, 1.7)
        check_jvp(masked_energy, x, 0.4)
        mask = 1.0 - np.eye(n)
        t = np.tanh(x)
        np.testing.assert_allclose(got, 0.5 * 1.7 * mask * 2 * t * (1 - t * t), rtol=1e-13)


def reused_coefficient(x, c):
    e = c * np.tanh(x) ** 2
    e = e * (1.0 - np.eye(x.shape[0]))
    return 0.5 * np.sum(e) + np.sum(e * x)


def test_a_coefficient_read_twice_stays(rng) -> None:
    """The adjoint read by two statements (or not by a product with a number) is not
    folded: it would be computed twice."""
    x = rng.standard_normal((4, 4))
    check_grad(reused_coefficient, x, 1.3)
    check_jvp(reused_coefficient, x, 1.3)
