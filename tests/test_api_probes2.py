"""Probes of the public API as another AD tool's suite makes them (JAX's test_api).

A jacobian or hessian of float32 arguments comes back in float32, as grad's gradient
does (their unit seeds and stacked rows were float64); the values match central
differences in float64.  A bad call of any derivative (a cotangent or tangent of the
wrong shape, a missing argument) names the user's def as ``file:line``.
"""
import numpy as np
import pytest

import s2sad
from tests.gradcheck import numerical_grad

HERE = __file__.replace(".pyc", ".py")


def vector_out(x):
    return np.sin(x) * x[0]


def matrix_in(m):
    return np.sum(np.tanh(m) * m, axis=1)


def scalar_out(x):
    return np.sum(np.sin(x) * x[0]) + np.prod(x)


W64 = np.array([0.5, -1.5, 2.0])


def with_float64_weights(x):
    return np.sum(W64 * x ** 2)


def _fd_jacobian(f, x):
    """Central differences in float64, shaped ``out.shape + x.shape``."""
    x = np.asarray(x, dtype=float)
    out_shape = np.shape(f(x))
    jac = np.zeros(out_shape + x.shape)
    for k in range(x.size):
        e = np.zeros(x.shape)
        e.flat[k] = 1e-6
        jac[(...,) + np.unravel_index(k, x.shape)] = (f(x + e) - f(x - e)) / 2e-6
    return jac


X = np.array([0.3, -0.7, 1.1])
M = np.array([[0.2, -0.4, 0.9], [1.3, -0.1, 0.5]])


@pytest.mark.parametrize("mode", ["reverse", "forward", "auto"])
@pytest.mark.parametrize("f, x", [(vector_out, X), (matrix_in, M), (scalar_out, X)])
@pytest.mark.parametrize("dtype, tol", [(np.float32, 1e-4), (np.float16, 2e-2)])
def test_jacobian_keeps_the_argument_precision(f, x, mode, dtype, tol):
    jac = s2sad.jacobian(f, mode=mode)(x.astype(dtype))
    assert jac.dtype == dtype
    np.testing.assert_allclose(jac, _fd_jacobian(f, x), rtol=tol, atol=tol)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_of_float64_stays_float64(mode):
    jac = s2sad.jacobian(vector_out, mode=mode)(X)
    assert jac.dtype == np.float64
    np.testing.assert_allclose(jac, _fd_jacobian(vector_out, X), rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_jacobian_float32_argument_float64_constants(mode):
    """float32 * float64 is float64 in NumPy: a reverse Jacobian has grad's dtype (its
    argument's), a forward one jvp's (the output's), and both the values."""
    x32 = X.astype(np.float32)
    jac = s2sad.jacobian(with_float64_weights, mode=mode)(x32)
    same = s2sad.grad(with_float64_weights)(x32) if mode == "reverse" else \
        np.asarray(s2sad.jvp(with_float64_weights)(x32, np.ones(3, np.float32))[1])
    assert jac.dtype == same.dtype == (np.float32 if mode == "reverse" else np.float64)
    np.testing.assert_allclose(jac, 2 * W64 * x32, rtol=1e-6)


@pytest.mark.parametrize("f, closed", [
    (scalar_out, None),
    (with_float64_weights, np.diag(2 * W64)),
])
def test_hessian_dtypes_and_values(f, closed):
    h32 = s2sad.hessian(f)(X.astype(np.float32))
    h64 = s2sad.hessian(f)(X)
    want = closed if closed is not None else _fd_jacobian(
        lambda x: numerical_grad(f, (x,), 0, 1e-5), X)
    assert h64.dtype == np.float64
    assert h32.dtype == np.float32  # (the derivative of grad's float32 gradient)
    np.testing.assert_allclose(h64, want, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(h32, want, rtol=1e-3, atol=1e-4)


def test_hessian_blocks_float32():
    def f(a, b):
        return np.sum(a ** 2 * b)

    a, b = X.astype(np.float32), (X + 2).astype(np.float32)
    (haa, hab), (hba, hbb) = s2sad.hessian(f, wrt=(0, 1))(a, b)
    assert {h.dtype for h in (haa, hab, hba, hbb)} == {np.dtype(np.float32)}
    np.testing.assert_allclose(haa, np.diag(2 * (X + 2)), rtol=1e-5)
    np.testing.assert_allclose(hab, np.diag(2 * X), rtol=1e-5)
    np.testing.assert_allclose(hbb, np.zeros((3, 3)))


def outer(x):
    return np.outer(x, x)


def two(x, y):
    return np.sum(x * y ** 2)


def _def_line(f):
    return f"{HERE}:{f.__code__.co_firstlineno}"


@pytest.mark.parametrize("cot", [np.ones(4), np.ones((3, 2)), 1.0])
def test_wrong_cotangent_names_the_def(cot):
    with pytest.raises(ValueError, match="cotangent has shape") as info:
        s2sad.vjp(outer)(X, cot)
    assert _def_line(outer) in str(info.value)


@pytest.mark.parametrize("tangent", [np.ones(4), np.ones((3, 1)), 1.0])
def test_wrong_tangent_names_the_def(tangent):
    with pytest.raises(ValueError, match="tangent has shape") as info:
        s2sad.jvp(two)(X, X, tangent)
    assert _def_line(two) in str(info.value)


@pytest.mark.parametrize("make", [s2sad.grad, s2sad.jacobian, s2sad.hessian,
                                  s2sad.value_and_grad])
def test_missing_argument_names_the_def(make):
    with pytest.raises(TypeError, match="missing a required argument: 'y'") as info:
        make(two)(X)
    assert _def_line(two) in str(info.value)


def test_missing_cotangent_names_the_def():
    with pytest.raises(TypeError, match="then the output's cotangent") as info:
        s2sad.vjp(outer)(X)
    assert _def_line(outer) in str(info.value)
    # a right call still works, against the closed form (C + C^T) x
    c = np.arange(9.0).reshape(3, 3)
    value, g = s2sad.vjp(outer)(X, c)
    np.testing.assert_allclose(value, np.outer(X, X))
    np.testing.assert_allclose(g, (c + c.T) @ X, rtol=1e-12)


def clipped(x):
    return np.sum(np.clip(x, -0.5, 0.5) ** 2)


def peak(x):
    return np.max(x) * np.linalg.norm(x)


def pair_loop(x):
    s = np.float32(0.0)
    for i in range(3):
        s = s + x[i] * x[(i + 1) % 3]
    return s


@pytest.mark.parametrize("f", [clipped, peak, pair_loop])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_jvp_tangent_has_output_precision(f, dtype):
    """The masks and shares of clip, max and norm (float64) no longer promote a float32
    output's tangent; a float64 one is unchanged; values match differences."""
    x = X.astype(dtype)
    value, tangent = s2sad.jvp(f)(x, np.ones(3, dtype))
    assert np.asarray(tangent).dtype == np.asarray(value).dtype == dtype
    want = np.sum(numerical_grad(f, (X,), 0, 1e-6))
    np.testing.assert_allclose(tangent, want, rtol=1e-4 if dtype == np.float32 else 1e-6)
    jac = s2sad.jacobian(f, mode="forward")(x)
    assert jac.dtype == dtype
    np.testing.assert_allclose(jac, numerical_grad(f, (X,), 0, 1e-6), rtol=1e-4, atol=1e-6)


def test_jvp_structured_output_precision():
    def f(x):
        return {"clip": np.clip(x, -0.5, 0.5), "max": np.max(x), "tag": 3}, x[0] ** 2

    x = X.astype(np.float32)
    (d, first), (td, tfirst) = s2sad.jvp(f)(x, np.ones(3, np.float32))
    assert td["clip"].dtype == np.float32 and np.asarray(td["max"]).dtype == np.float32
    np.testing.assert_allclose(td["clip"], (np.abs(X) <= 0.5).astype(float))
    np.testing.assert_allclose(td["max"], 1.0)
    np.testing.assert_allclose(tfirst, 2 * X[0], rtol=1e-6)


def vector_of(x):
    return np.sin(x)


def matrix_of(x):
    return np.outer(x, x)


def pair_of(x):
    return np.sum(x), x[0]


@pytest.mark.parametrize("f", [vector_of, matrix_of, pair_of])
def test_hessian_of_a_non_scalar_names_the_hessian(f):
    with pytest.raises(s2sad.DifferentiationError, match="hessian needs a scalar") as info:
        s2sad.hessian(f)(X)
    assert _def_line(f) in str(info.value)
    with pytest.raises(s2sad.DifferentiationError, match="grad needs a scalar"):
        s2sad.grad(f)(X)
