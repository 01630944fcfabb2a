"""A soft threshold's sign read from the tape (``compiler/popped_calls.py`` with
``np.sign`` and ``np.abs``), and the zeros that are ``np.sign``'s slope of a real value
not added to an adjoint (``compiler/algebra.py``: ``dz + zeros_like(z)`` of one known
shape is ``dz``).

ISTA steps unrolled (the lasso's soft threshold ``sign(z) * max(|z| - t, 0)``), the
sign of the loop's value taken once in the forward trip: the reversed trip reads the
sign it popped, not ``np.sign`` of a popped ``z`` (``z`` then off the tape); ``|z|``
taken in the forward trip read from the tape too; a value bound again between its
sign and the push keeps its call.  A broadcast sum (a number's adjoint plus zeros
of an array) keeps the zeros: they give it the array's shape.  Each against central
differences (and jvp, and a Hessian of a smooth variation).
"""
import numpy as np

from gradcheck import check_grad, check_hessian, check_jvp, grad_code


def ista(lam, X, y, n_iter):
    w = np.zeros(X.shape[1])
    for _ in range(n_iter):
        z = w - 0.05 * (X.T @ (X @ w - y))
        w = np.sign(z) * np.maximum(np.abs(z) - lam, 0.0)
    return np.sum((X @ w - y) ** 2)


def shrink_abs(a, x, n_iter):
    for _ in range(n_iter):
        m = np.abs(x)
        x = a * x / (1.0 + m) + np.sin(m)
    return np.sum(x * x)


def rebound(x, n_iter):
    acc = np.zeros(x.shape[0])
    for _ in range(n_iter):
        s = np.sign(x)
        x = x * 1.5 - 0.3  # (the sign is not of the x pushed after)
        acc = acc + s * np.abs(x)
    return np.sum(acc * acc)


def spread_sign(v, c):
    return np.sum(np.sign(c) * v + c * c)


def _reverse(code: str) -> str:
    return code.split("reversed(")[1]


def _data(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((12, 5))
    y = X @ np.where(rng.random(5) < 0.5, rng.standard_normal(5), 0.0) + \
        0.1 * rng.standard_normal(12)
    return X, y


def test_ista_reads_the_sign_it_took():
    for seed, lam in ((0, 0.05), (1, 0.2), (2, 0.01)):
        X, y = _data(seed)
        check_grad(ista, lam, X, y, 6, wrt=(0, 1, 2))
        check_jvp(ista, lam, X, y, 6, wrt=(0, 2))
        code = grad_code(ista, lam, X, y, 6, wrt=(0, 1, 2))
        assert "np.sign(" not in _reverse(code), code
        assert "zeros_like(" not in _reverse(code), code


def test_abs_taken_once():
    rng = np.random.default_rng(3)
    for a, x in ((0.7, rng.standard_normal(6)), (1.3, rng.standard_normal(4) + 0.5),
                 (-0.4, rng.standard_normal(5))):
        check_grad(shrink_abs, a, x, 3, wrt=(0, 1))
        check_jvp(shrink_abs, a, x, 3, wrt=(0, 1))
        code = grad_code(shrink_abs, a, x, 3, wrt=(0, 1))
        assert "np.abs(" not in _reverse(code), code
    x = rng.standard_normal(3) + 3.0
    check_hessian(lambda a: shrink_abs(a, x, 2), 0.5)


def test_a_sign_bound_again_keeps_its_call():
    rng = np.random.default_rng(4)
    for x in (rng.standard_normal(5) + 2.0, rng.standard_normal(3) - 2.0,
              np.array([0.4, 1.1, 2.5, 3.3])):
        check_grad(rebound, x, 3)
        check_jvp(rebound, x, 3)
    assert "np.sign(" in _reverse(grad_code(rebound, x, 3))


def test_zeros_that_broadcast_are_kept():
    rng = np.random.default_rng(5)
    for v, c in ((0.7, rng.standard_normal(4)), (rng.standard_normal(4), 1.5),
                 (rng.standard_normal((2, 3)), rng.standard_normal(3))):
        check_grad(spread_sign, v, c, wrt=(0, 1))
        check_jvp(spread_sign, v, c, wrt=(0, 1))
        dv, dc = __import__("s2sad").grad(spread_sign, wrt=(0, 1))(v, c)
        assert np.shape(dv) == np.shape(v) and np.shape(dc) == np.shape(c)
        assert np.allclose(dc, 2 * np.asarray(c) * np.broadcast(v, c).size / np.size(c))
