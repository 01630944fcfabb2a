"""grad's first call: when the argument kinds prove the output a real number, the grad
variant runs at once (no variant returning the output is built to check it); otherwise
the output is checked, and a vector or complex output is refused at the user's line."""
from __future__ import annotations

import cmath
from cmath import sqrt as csqrt

import numpy as np
import pytest

import s2sad
from gradcheck import numerical_grad
from s2sad.compiler import pipeline

ROTATION = 1j  # a complex module constant: what the function returns is complex
SCALE = 2.5  # a real one


def sum_of_squares(x):
    return np.sum(x * x) + SCALE * x[0]


def element_loop(x, d):
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] > d:
            s = s + x[i] * x[i]
        else:
            s = s - d * x[i]
    return s


def rotated(x):
    return np.sum(x * ROTATION)


def eigen_sum(a):
    return np.sum(np.linalg.eigvals(a))


def as_complex(x):
    return np.sum(x.astype(np.complex128) * x)


def squares(x):
    return x * x


@pytest.fixture
def fresh():
    pipeline._FULL.clear()
    yield
    pipeline._FULL.clear()


@pytest.mark.parametrize("f,args", [
    (sum_of_squares, (np.array([0.3, -1.2, 2.0]),)),
    (element_loop, (np.array([0.3, -1.2, 2.0, 0.9]), 0.5)),   # both branches taken
    (element_loop, (np.array([0.7, 1.2, 2.0]), 0.5)),          # the first branch only
    (element_loop, (np.array([0.1, -1.2, 0.2]), 0.5)),         # the second branch only
])
def test_a_proven_number_output_builds_only_the_grad_variant(fresh, f, args) -> None:
    g = s2sad.grad(f)
    got = g(*args)
    assert not pipeline._FULL  # the value-and-gradient variant was never made
    np.testing.assert_allclose(got, numerical_grad(lambda x: f(x, *args[1:]), args[:1]),
                               rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(g(*args), got)  # the second call: the same variant


def test_element_loop_closed_form(fresh) -> None:
    x, d = np.array([0.3, -1.2, 2.0, 0.9]), 0.5
    expected = np.where(x > d, 2.0 * x, -d)
    np.testing.assert_allclose(s2sad.grad(element_loop)(x, d), expected)


@pytest.mark.parametrize("f,arg", [
    (rotated, np.array([0.5, 1.5])),                       # a complex global
    (eigen_sum, np.array([[0.0, -1.0], [1.0, 0.0]])),      # complex eigenvalues
    (as_complex, np.array([0.5, 1.5])),                    # a cast to complex
])
def test_a_complex_output_is_still_refused(f, arg) -> None:
    with pytest.raises(s2sad.DifferentiationError, match=r"test_first_call.py:\d+.*holomorphic"):
        s2sad.grad(f)(arg)


def test_a_complex_argument_is_checked(fresh) -> None:
    z = np.array([0.5 + 1j, 1.5 - 2j])
    with pytest.raises(s2sad.DifferentiationError, match="holomorphic"):
        s2sad.grad(lambda z: np.sum(z * z))(z)
    # real-valued output of a complex argument: checked, then differentiated
    got = s2sad.grad(lambda z: np.sum(np.abs(z) ** 2))(z)
    np.testing.assert_allclose(got, 2 * np.conj(z))  # df/dx - i df/dy of |z|^2


def test_a_vector_output_is_refused_at_the_users_line() -> None:
    with pytest.raises(s2sad.DifferentiationError, match=r"test_first_call.py:\d+.*scalar"):
        s2sad.grad(squares)(np.array([1.0, 2.0]))


def root(x):
    return x ** 0.5


def builtin_power(x):
    return pow(x, 1.5) + x


def power_of_two(x, y):
    return x ** y - y


def square(x):
    return x ** 2 + 3.0 * x


@pytest.mark.parametrize("f,args", [
    (root, (-1.0,)), (builtin_power, (-2.0,)), (power_of_two, (-1.5, 0.5))])
def test_a_python_float_to_a_fractional_power_is_checked(fresh, f, args) -> None:
    """(-1.0) ** 0.5 is complex in Python: the output is checked, and refused."""
    with pytest.raises(s2sad.DifferentiationError, match="complex output"):
        s2sad.grad(f)(*args)


def test_fractional_powers_of_positive_numbers(fresh) -> None:
    assert s2sad.grad(root)(4.0) == pytest.approx(0.25)
    assert s2sad.grad(power_of_two, wrt=(0, 1))(2.0, 3.0) == pytest.approx(
        (12.0, 8.0 * np.log(2.0) - 1.0))
    pipeline._FULL.clear()
    full = pipeline.build_reverse
    built = []
    pipeline.build_reverse = lambda *a, **k: built.append(a[2]) or full(*a, **k)
    try:
        assert s2sad.grad(square)(1.5) == pytest.approx(6.0)
    finally:
        pipeline.build_reverse = full
    assert built == ["lean"]  # an int power of a number: proved, no output to check


def cmath_root(x):
    return cmath.sqrt(x) * 2.0


def cmath_root_imported(x):
    return csqrt(x[0]) + x[1]


@pytest.mark.parametrize("f,arg", [(cmath_root, 2.0), (cmath_root_imported, np.array([2.0, 1.0]))])
def test_cmath_makes_the_output_complex(f, arg) -> None:
    with pytest.raises(s2sad.DifferentiationError, match="complex output"):
        s2sad.grad(f)(arg)
    value, _ = s2sad.value_and_grad(f, holomorphic=True)(arg)
    assert isinstance(value, complex)
