"""A float written into an array of an integer or bool dtype is rounded by NumPy
(``y = np.zeros(3, dtype=int); y[0] = 7.3 * a`` stores 7): a step function of the value,
whose derivative is zero.  s2sad differentiated such writes as if the array were float
(gradients off by the written part's derivative, in reverse and forward mode); the
activity stage now keeps every array proved integer or bool (compiler/integers.py)
inactive; so is a NumPy call computing in ints (``np.sum(x, dtype=int)``, a dtype given by
position: ``np.zeros(3, int)``).  Checked against central differences in float64 at
points away from the rounding's jumps."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp, numerical_grad

X = np.array([0.73, -0.41, 1.37])


def zeros_of_int_written(x):
    y = np.zeros(3, dtype=int)
    y[0] = x[0] * 10
    return np.sum(y * x)


def int_literals_written(x):
    y = np.array([1, 2, 3])
    y[1] = x[0] * 5
    return np.sum(y * x)


def arange_written(x):
    y = np.arange(3)
    y[2] = x[1] * 7
    return np.sum(y * x)


def int64_slice_written(x):
    y = np.zeros(3, dtype=np.int64)
    y[:] = x * 10
    return np.sum(y * x)


def int_item_added_to(x):
    y = np.ones(3, dtype=int)
    y[1] += x[2] * 10
    return np.sum(y * x)


def bool_written(x):
    y = np.zeros(3, dtype=bool)
    y[0] = x[0]
    return np.sum(y * x)


def int_written_in_loop(x):
    y = np.zeros(len(x), dtype=int)
    for i in range(len(x)):
        y[i] = x[i] * 10
    return np.sum(y * x)


def int_like_written(x):
    y = np.zeros_like(x, dtype=int)
    y[1] = x[1] * 10
    return np.sum(y * x)


def int_rows_written(x):
    A = np.zeros((2, 3), dtype="int32")
    A[0] = x * 10
    A[1] = x * x * 10
    return np.sum(A * x)


def array_of_int_dtype(x):
    v = np.array([x[0], x[1] * 2.0], dtype=int)
    return np.sum(v) * x[2]


def asarray_of_int_dtype(x):
    return np.sum(np.asarray(x * 10, dtype=np.int32) * x)


def full_of_int_dtype(x):
    v = np.full(3, x[2] * 10, dtype=int)
    return np.sum(v) * x[0]


def float_copy_of_int_written(x):
    y = np.arange(3).astype(float)  # float again: the written part is differentiated
    y[0] = x[0] * 10
    return np.sum(y * x)


def sum_in_ints(x):
    return np.sum(x * 10, dtype=int) * x[0]


def cumsum_in_ints(x):
    return np.sum(np.cumsum(x * 10, dtype=np.int64) * x)


def mean_in_ints(x):
    return np.mean(x * 10, dtype=int) * x[1]


def method_sum_in_ints(x):
    return (x * 10).sum(dtype=int) * x[0]


def zeros_positional_int(x):
    y = np.zeros(3, int)
    y[0] = x[0] * 10
    return np.sum(y * x)


def array_positional_int(x):
    v = np.array([x[0] * 10, x[1]], int)
    return np.sum(v) * x[2]


def asarray_positional_int(x):
    return np.sum(np.asarray(x * 10, int) * x)


def full_like_positional_int(x):
    v = np.full_like(x, 3.5, int)
    v[0] = x[0] * 10
    return np.sum(v * x)


def numpy_int_scalar(x):
    k = np.int64(x[0] * 10)  # refused before: no rule for np.int64 (int() had one)
    return k * x[1] + np.bool_(x[2]) * x[2]


def full_of_int_fill_written(x):
    y = np.full(3, 2)  # an int array: NumPy takes the fill value's type
    y[1] = x[1] * 10
    return np.sum(y * x)


def full_of_float_fill_written(x):
    y = np.full(3, 2.0)
    y[1] = x[1] * 10
    return np.sum(y * x)


CASES = [zeros_of_int_written, int_literals_written, arange_written, int64_slice_written,
         int_item_added_to, bool_written, int_written_in_loop, int_like_written,
         int_rows_written, array_of_int_dtype, asarray_of_int_dtype, full_of_int_dtype,
         float_copy_of_int_written, sum_in_ints, cumsum_in_ints, mean_in_ints,
         method_sum_in_ints, zeros_positional_int, array_positional_int,
         asarray_positional_int, full_like_positional_int, numpy_int_scalar,
         full_of_int_fill_written, full_of_float_fill_written]


@pytest.mark.parametrize("f", CASES, ids=[f.__name__ for f in CASES])
def test_writes_into_integer_arrays(f):
    check_grad(f, X)
    check_vjp(f, X)
    check_jvp(f, X)


def arange_of_length_written(x):
    w = np.arange(len(x))
    w[0] = x[0] * 3.7
    return np.sum(w * x)


def arange_of_computed_length_written(x):
    n = len(x) - 1
    w = np.arange(1, n + 1)
    w[1] = x[2] * 10
    return np.sum(w * x[1:])


def arange_of_float_written(x):
    w = np.arange(0.0, 3.0)  # a float array: the write carries a derivative
    w[0] = x[0] * 3.7
    return np.sum(w * x)


@pytest.mark.parametrize("f", [arange_of_length_written, arange_of_computed_length_written,
                               arange_of_float_written])
def test_aranges_of_lengths(f):
    check_grad(f, X)
    check_jvp(f, X)


# An integer array given as the argument to differentiate: the late passes took an
# adjoint started from it, or from a copy of it, for one they could add into in place
# (``1.0 * y`` read as ``y``), so a fractional part was cut off (2.5 added as 2) or the
# addition refused by NumPy (a crash).  At points where nothing written is rounded, the
# gradient is that of the same function of floats.


def int_argument_zeros_like_written(x):
    y = np.zeros_like(x)
    y[0] = x[1] * 2.5
    return np.sum(y * x)


def int_argument_rows_written(W):
    A = np.ones_like(W)
    A[0] = W[1] * 0.5
    return np.sum(A * W)


def int_argument_written_in_loop(x):
    y = np.zeros_like(x)
    for i in range(len(x) - 1):
        y[i] = x[i + 1] * 0.5
    return np.sum(y * x)


def _at(f):
    return f"test_integer_arrays.py:{f.__code__.co_firstlineno}: argument"


@pytest.mark.parametrize("f, x", [
    (int_argument_zeros_like_written, np.array([1, 2, 3])),
    (int_argument_rows_written, np.array([[1, 2], [4, 6]])),
    (int_argument_written_in_loop, np.array([True, False, True, True]))])
def test_integer_array_argument_refused_by_every_entry(f, x):
    """As in JAX, autograd and PyTorch: an integer or bool array given for a
    differentiated argument is refused at the function's line, naming the argument and
    the fix; the same array as floats is differentiated (vs central differences)."""
    entries = [lambda: s2sad.grad(f)(x), lambda: s2sad.value_and_grad(f)(x),
               lambda: s2sad.vjp(f)(x, 1.0), lambda: s2sad.jvp(f)(x, np.ones(x.shape)),
               lambda: s2sad.jacobian(f)(x), lambda: s2sad.hessian(f)(x),
               lambda: s2sad.jacobian(f, mode="forward")(x)]
    for entry in entries:
        with pytest.raises(s2sad.DifferentiationError, match=_at(f) + ".*astype"):
            entry()
    xf = x.astype(float) + 0.1
    np.testing.assert_allclose(s2sad.grad(f)(xf), numerical_grad(f, [xf]), rtol=1e-6)
    check_grad(f, xf)
    check_vjp(f, xf)
    check_jvp(f, xf)


def int_scale_of(x, k):
    y = np.zeros_like(k) + x[0]
    return np.sum(y * x) + x[1] * k[0]


@pytest.mark.parametrize("wrap", [lambda k: [k], lambda k: (1.0, k), lambda k: {"k": k}])
def test_integer_array_held_in_a_container_refused(wrap):
    def f(x, ks):
        k = ks[0] if isinstance(ks, list) else ks[1] if isinstance(ks, tuple) else ks["k"]
        return np.sum(x * k)
    x, held = np.array([0.5, 1.5]), wrap(np.array([2, 3]))
    with pytest.raises(s2sad.DifferentiationError, match="argument 'ks'.*int64.*each array"):
        s2sad.grad(f, wrt=1)(x, held)
    with pytest.raises(s2sad.DifferentiationError, match="argument 'ks'"):
        s2sad.vjp(f, wrt=(0, 1))(x, held, 1.0)
    np.testing.assert_allclose(s2sad.grad(f)(x, held), numerical_grad(
        lambda x: f(x, held), [x]), rtol=1e-6)  # not differentiated: passed as it is


def test_integer_array_after_float32_calls_refused():
    """The fast path of a gradient called again checks the dtype of every array: an int
    array of the shape of the float32 one it was made for is refused, not rounded."""
    g = s2sad.grad(int_argument_zeros_like_written)
    x32 = np.array([0.5, 1.5, 2.5], dtype=np.float32)
    for _ in range(3):
        np.testing.assert_allclose(g(x32), numerical_grad(
            int_argument_zeros_like_written, [x32.astype(float)]), rtol=1e-4)
    with pytest.raises(s2sad.DifferentiationError, match=_at(int_argument_zeros_like_written)):
        g(np.array([1, 2, 3]))
    with pytest.raises(s2sad.DifferentiationError, match="argument 'x'"):
        g(np.array([1, 2, 3], dtype=np.int32))


@pytest.mark.parametrize("k", [np.array([2, 3]), np.array([-1, 4]), np.array([True, False])])
def test_integer_array_not_differentiated_and_python_ints_accepted(k):
    x = np.array([0.7, -0.3])
    np.testing.assert_allclose(s2sad.grad(int_scale_of)(x, k),
                               numerical_grad(lambda x: int_scale_of(x, k), [x]), rtol=1e-6)
    assert s2sad.grad(lambda a, n: a ** n)(2.0, 3) == pytest.approx(12.0)
    assert s2sad.grad(lambda a: a * a)(3) == pytest.approx(6.0)


# An array made from an integer array the call passes for a parameter not differentiated
# (np.zeros_like(k), k.copy(), np.ones_like(k)) is integer too: what is written into it is
# rounded, no derivative flows through it (it did, as if it were float).  The same
# function given a float k is differentiated through the written value.


def zeros_like_int_argument_written(x, k):
    y = np.zeros_like(k)
    y[0] = 2.5 * x[0]
    return np.sum(y * x)


def copy_of_int_argument_written(x, k):
    y = k.copy()
    y[1] = 3.3 * x[1]
    return np.sum(y * x)


def ones_like_int_argument_written_in_loop(x, k):
    y = np.ones_like(k)
    for i in range(len(x)):
        if x[i] > 0:
            y[i] = x[i] * 4.5
    return np.sum(y * x)


@pytest.mark.parametrize("f", [zeros_like_int_argument_written, copy_of_int_argument_written,
                               ones_like_int_argument_written_in_loop])
@pytest.mark.parametrize("x", [np.array([0.51, 0.93, -0.37]), np.array([-0.61, 0.77, 0.29])])
def test_arrays_made_from_integer_arguments_round(f, x):
    for k in (np.array([1, 2, 3]), np.array([True, False, True])):
        numerical = numerical_grad(lambda x, k=k: f(x, k), [x])
        np.testing.assert_allclose(s2sad.grad(f)(x, k), numerical, rtol=1e-6, atol=1e-8)
        value, grad = s2sad.value_and_grad(f)(x, k)
        assert value == pytest.approx(f(x, k))
        np.testing.assert_allclose(grad, numerical, rtol=1e-6, atol=1e-8)
        for e in np.eye(3):
            np.testing.assert_allclose(s2sad.jvp(f)(x, k, e)[1], numerical @ e, atol=1e-8)
    kf = np.array([1.0, 2.0, 3.0])  # the same function of a float k: differentiated through
    check_grad(f, x, kf)
    check_jvp(f, x, kf)
    check_vjp(f, x, kf)


def cube(a):
    return a ** 3


def sum_of_cubes(x):
    return np.sum(x ** 3)


@pytest.mark.parametrize("entry, at", [
    (lambda: s2sad.grad(s2sad.grad(cube))(np.array(2)), cube),
    (lambda: s2sad.jacobian(lambda x: x ** 3, sparse=True)(np.array([1, 2])), None),
    (lambda: s2sad.hessian(sum_of_cubes, sparse=True)(np.array([1, 2])), sum_of_cubes)])
def test_integer_array_refused_through_nested_and_sparse_entries(entry, at):
    """Each names the user's function (a grad of a grad: the inner function's line)."""
    where = _at(at) if at is not None else "test_integer_arrays.py:"
    with pytest.raises(s2sad.DifferentiationError, match=where + ".*astype"):
        entry()
    assert s2sad.grad(s2sad.grad(cube))(2.0) == pytest.approx(12.0)
    np.testing.assert_allclose(s2sad.hessian(sum_of_cubes, sparse=True)(
        np.array([1.0, 2.0])).toarray(), np.diag([6.0, 12.0]))


def scaled_squares(x):
    y = x * 2.5
    return (y * y).sum()


@pytest.mark.parametrize("library", ["torch", "jax.numpy"])
def test_another_librarys_integer_array_refused(library):
    """As torch and JAX refuse them: an integer or bool array of theirs for a
    differentiated argument; their float arrays are differentiated."""
    xp = pytest.importorskip(library)
    for ints in (xp.asarray([1, 2, 3]), xp.asarray([True, False, True])):
        with pytest.raises(s2sad.DifferentiationError, match=_at(scaled_squares)):
            s2sad.grad(scaled_squares)(ints)
    floats = xp.asarray([1.0, 2.0, 3.0])
    np.testing.assert_allclose(np.asarray(s2sad.grad(scaled_squares)(floats)),
                               [12.5, 25.0, 37.5], rtol=1e-6)
