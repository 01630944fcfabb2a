"""Arrays are mutable and shared: values and gradients of programs whose names share an
array, checked against what Python computes (value) and finite differences or closed
forms (gradient); refusals for the sharing s2sad does not model; inputs never written."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp, numerical_grad

TABLE = np.array([1.0, 2.0, 3.0])


def python_value(f, *args):
    """What Python computes, on copies (the function may write into its arguments)."""
    return f(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])


def check_value_and_grad(f, *args, rtol=1e-6):
    saved = [np.copy(a) for a in args]
    value, grad = s2sad.value_and_grad(f)(*args)
    for a, b in zip(args, saved):
        assert np.array_equal(a, b), "an argument was written"
    np.testing.assert_allclose(value, python_value(f, *args), rtol=1e-12)
    expected = numerical_grad(lambda *a: python_value(f, *a), args)
    np.testing.assert_allclose(grad, expected, rtol=rtol, atol=1e-8)
    return grad


# ----- adjoints that share one array (the three-line function) -----

def shared_adjoint(a):
    b = a + 1
    c = b[0] + 1.5
    return np.sum(a + b + c)


def shared_adjoint_2d(a):
    b = a * 2.0
    c = b[0, 1] * b[1, 0]
    return np.sum(a * b) + c


def shared_adjoint_loop(a):
    b = a + 1
    s = 0.0
    for i in range(a.shape[0]):
        s = s + b[i] * a[i]
    return np.sum(a + b) + s


def shared_cotangent(a):
    b = a + 1
    c = b[0] + 1.5
    return a + b + c


def test_adjoints_sharing_an_array_are_not_changed_through_each_other():
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(s2sad.grad(shared_adjoint)(x), [5.0, 2.0, 2.0])
    check_grad(shared_adjoint, x)
    check_grad(shared_adjoint_2d, np.arange(6.0).reshape(2, 3) + 0.5)
    check_grad(shared_adjoint_loop, x)


def test_vjp_leaves_the_cotangent_alone():
    x = np.array([1.0, 2.0, 3.0])
    u = np.array([0.3, -1.0, 2.0])
    saved = u.copy()
    _, g = s2sad.vjp(shared_cotangent)(x, u)
    assert np.array_equal(u, saved)
    np.testing.assert_allclose(g, u + u + [u.sum(), 0, 0])
    check_vjp(shared_cotangent, x)
    check_jvp(shared_cotangent, x)


# ----- names bound to one array: a write through one is seen by the other -----

def rebound_then_scaled(y):
    t = y
    y *= 0.8
    return np.sum(t * y)


def rebound_then_written(y):
    t = y
    y[0] = y[1] * 3.0
    return np.sum(t * np.sin(y))


def rebound_in_a_loop(y):
    t = y * 1.0
    u = t
    for _ in range(3):
        t *= 0.9
        t[1] = t[1] + u[0]
    return np.sum(u * u)


def rebound_in_a_branch(y):
    t = y * 1.0
    u = t
    if np.sum(y) > 0:
        t += y
    else:
        t -= 2 * y
    return np.sum(u * y)


@pytest.mark.parametrize("f", [rebound_then_scaled, rebound_then_written, rebound_in_a_loop])
def test_names_bound_to_one_array_see_each_others_writes(f):
    check_value_and_grad(f, np.array([1.0, 2.0, 3.0]))


def test_rebound_then_scaled_closed_form():
    y = np.array([1.0, 2.0])
    value, grad = s2sad.value_and_grad(rebound_then_scaled)(y)
    assert value == pytest.approx(0.64 * 5.0)
    np.testing.assert_allclose(grad, 1.28 * y)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_write_in_either_branch_is_seen(sign):
    check_value_and_grad(rebound_in_a_branch, sign * np.array([1.0, 2.0, 3.0]))


# ----- helpers that write into what they are passed -----

def zero_first(a, v):
    a[0] = v


def scale_in_place(a, k):
    a *= k


def calls_writing_helpers(x):
    z = x * 2.0
    zero_first(z, x[1] * x[2])
    w = z
    scale_in_place(z, 3.0)
    return np.sum(w * x)


def test_helpers_that_write_into_their_arguments():
    check_value_and_grad(calls_writing_helpers, np.array([1.0, 2.0, 3.0]))


# ----- numbers read from an array before it is written keep their value -----

def read_then_written(x):
    r = x * 1.0
    a = r[0]
    r[0] = 5.0 * r[1]
    return a * np.sum(r * r)


def swap_elements(x):
    r = x * 1.0
    for i in range(r.shape[0] - 1):
        old = r[i]
        r[i] = r[i + 1]
        r[i + 1] = old * 2.0
    return np.sum(r * np.arange(1.0, r.shape[0] + 1))


@pytest.mark.parametrize("f", [read_then_written, swap_elements])
def test_numbers_read_before_a_write(f):
    check_value_and_grad(f, np.array([1.0, -2.0, 3.0, 0.5]))


# ----- the loop iterates over the object its name held when it began -----

def rebinds_the_iterated_name(y):
    s = 0.0
    for e in y:
        y = y + y
        s = s + e * np.sum(y)
    return s


def rebinds_in_enumerate(y):
    s = 0.0
    for i, e in enumerate(y):
        y = y * 1.5
        s = s + i * e * np.sum(y)
    return s


def rebinds_in_zip(y, z):
    s = 0.0
    for a, b in zip(y, z):
        y = y + b
        s = s + a * np.sum(y)
    return s


@pytest.mark.parametrize("f", [rebinds_the_iterated_name, rebinds_in_enumerate])
def test_loops_over_a_name_they_rebind(f):
    check_value_and_grad(f, np.array([1.0, 2.0, 3.0]))


def test_zip_over_a_name_it_rebinds():
    y, z = np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 2.0])
    assert s2sad.value_and_grad(rebinds_in_zip)(y, z)[0] == pytest.approx(
        rebinds_in_zip(y, z))
    check_grad(rebinds_in_zip, y, z, wrt=(0, 1))


# ----- element loops: in place, in linear time, right -----

def stencil(u):
    n = u.shape[0]
    r = np.zeros(n)
    for i in range(1, n - 1):
        r[i] = u[i - 1] - 2 * u[i] + u[i + 1]
    return np.sum(r * r)


def trajectory(p):
    n = p.shape[0]
    x = np.zeros(n)
    x[0] = p[0]
    for t in range(n - 1):
        x[t + 1] = x[t] + 0.1 * np.sin(x[t]) * p[t + 1]
    return np.sum(x * x)


def heat_steps(u):
    n = u.shape[0]
    for _ in range(3):
        u_new = np.zeros(n)
        for i in range(1, n - 1):
            u_new[i] = u[i] + 0.2 * (u[i - 1] - 2 * u[i] + u[i + 1]) - 0.01 * u[i] ** 3
        u = u_new
    return np.sum(u * u)


def repeated_indices(x, idx):
    r = np.zeros(3)
    for j in range(idx.shape[0]):
        r[idx[j]] += x[j] * x[j]
    return np.sum(r * np.array([1.0, 2.0, 3.0]))


def rows_and_columns(x):
    M = np.zeros((3, 3))
    for i in range(3):
        M[i, :] = x * (i + 1.0)
    for j in range(3):
        M[:, j] = M[:, j] * x[j]
    return np.sum(np.tanh(M))


def caller_array_written(x):
    for i in range(1, x.shape[0]):
        x[i] = x[i - 1] * 0.5 + x[i]
    return np.sum(x * x)


@pytest.mark.parametrize("f", [stencil, trajectory, heat_steps, rows_and_columns,
                               caller_array_written])
def test_element_loops(f):
    x = np.random.default_rng(3).standard_normal(7)
    if f is rows_and_columns:
        x = x[:3]
    check_value_and_grad(f, x)
    v = np.random.default_rng(4).standard_normal(x.shape)
    value, tangent = s2sad.jvp(f)(x, v)
    eps = 1e-6
    expected = (python_value(f, x + eps * v) - python_value(f, x - eps * v)) / (2 * eps)
    assert value == pytest.approx(python_value(f, x), rel=1e-12)
    assert tangent == pytest.approx(expected, rel=1e-6)


def test_repeated_indices_add_up():
    x, idx = np.array([1.0, 2.0, 3.0, 4.0]), np.array([0, 2, 0, 2])
    g = s2sad.grad(repeated_indices)(x, idx)
    np.testing.assert_allclose(g, 2 * x * np.array([1.0, 3.0, 1.0, 3.0]))


def test_stencil_closed_form():
    u = np.random.default_rng(1).standard_normal(9)
    n = u.shape[0]
    L = np.zeros((n, n))
    for i in range(1, n - 1):
        L[i, i - 1:i + 2] = [1.0, -2.0, 1.0]
    np.testing.assert_allclose(s2sad.grad(stencil)(u), 2 * L.T @ (L @ u), rtol=1e-12)


def test_element_loops_write_in_place():
    source = s2sad.grad(stencil)
    source(np.ones(5))
    text = source.source
    # (the trips are independent: the loop runs for all elements at once, element_loops,
    # its reverse too; nothing taped, no element cleared)
    assert "write_at(r_1, i," in text and "= 0.0" not in text and "stack" not in text
    assert "setitem(" not in text and "zero_at(" not in text
    assert not any(line.lstrip().startswith("for i") for line in text.splitlines())


def test_a_written_argument_is_copied_once_not_per_write():
    d = s2sad.grad(caller_array_written)
    x = np.arange(5.0)
    d(x)
    assert d.source.count("fresh(") == 1 and "x_1[i] = " in d.source
    assert np.array_equal(x, np.arange(5.0))


# ----- refusals: the sharing s2sad does not model -----

def writes_through_a_slice(x):
    x = x * 1.0
    v = x[1:]
    v[0] = 5.0
    return np.sum(x * x)


def writes_under_a_transpose(x):
    A = np.outer(x, x)
    v = A.T
    A[0, 1] = 3.0
    return np.sum(v * A)


def writes_under_a_row(x):
    A = np.outer(x, x)
    row = A[0]
    A[0, 1] = 3.0
    return np.sum(row * x)


def writes_one_of_two_maybe_aliases(x):
    if np.sum(x) > 0:
        t = x * 1.0
    else:
        t = x * 2.0
    u = t if x[0] > 0 else x * 3.0
    t[0] = 1.0
    return np.sum(u * x)


def writes_a_global(x):
    TABLE[0] = x[0]
    return np.sum(TABLE * x)


def writes_under_a_moving_view(x):
    r = x * 1.0
    s = 0.0
    for i in range(2):
        v = r[i:]
        r[i + 1] = 2.0 * r[i]
        s = s + np.sum(v)
    return s


@pytest.mark.parametrize("f, names", [
    (writes_one_of_two_maybe_aliases, "t shares its memory with u"),
    (writes_a_global, "TABLE"),
])
def test_refused_with_file_line_and_names(f, names):
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(s2sad.DifferentiationError) as info:
        s2sad.grad(f)(x)
    message = str(info.value)
    assert "test_aliasing.py:" in message and names in message
    assert np.array_equal(x, [1.0, 2.0, 3.0])
    assert np.array_equal(TABLE, [1.0, 2.0, 3.0])


def test_a_slice_written_when_its_base_is_dead_is_fine():
    def f(x):
        v = x[1:] * 1.0
        v[0] = 5.0 * v[1]
        return np.sum(v * v)
    check_value_and_grad(f, np.array([1.0, 2.0, 3.0, 4.0]))


# ----- found by a random-program generator: each with variations -----

def reshape_view_then_base_written(x):
    x = x * 1.0
    v = x.reshape(2, 2)
    x[0] = 5.0
    return np.sum(v * v)


def reshape_view_of_alias(x):
    y = x * 2.0
    m = y.reshape(2, 2)
    z = y
    z *= 1.5
    return np.sum(np.sin(m))


def write_through_reshape_view(x):
    M = x.reshape(2, 2)
    M[0, 0] = x[3] * x[1]
    return np.sum(x * x)


def transpose_method_view(x):
    M = np.outer(x, x)
    v = M.transpose()
    M[0, 1] = 2.0
    return np.sum(v)


def write_through_ravel_of_a_matrix(A):
    m = np.ravel(A)
    m[0] = 5.0 * m[1]
    return np.sum(A * A) + np.sum(m * m)


def write_through_reshape_in_a_loop(A):
    B = np.sin(A)
    m = B.reshape(4)
    for i in range(3):
        m[i + 1] = m[i] * 0.5
    return np.sum(B * B)


def base_written_under_a_reshape_in_a_helper(A):
    def scale_first(a):
        a[0, 0] = 2.0 * a[1, 1]
    B = A * 1.0
    m = B.reshape(4)
    scale_first(B)
    return np.sum(m * m)


@pytest.mark.parametrize("f", [reshape_view_then_base_written, write_through_reshape_view,
                               reshape_view_of_alias])
def test_writes_shared_with_a_vectors_reshape(f):
    """A vector's reshape is a view whatever its strides (a matrix's is a view of a
    C-ordered one and a copy of a Fortran-ordered one: below); was refused."""
    x = np.array([0.3, -0.5, 0.7, 1.1])
    check_value_and_grad(f, x)
    assert np.array_equal(x, [0.3, -0.5, 0.7, 1.1])


@pytest.mark.parametrize("f", [write_through_ravel_of_a_matrix, write_through_reshape_in_a_loop,
                               base_written_under_a_reshape_in_a_helper])
@pytest.mark.parametrize("order", ["C", "F"])
def test_reshape_views_of_matrices_are_refused_in_either_memory_order(f, order):
    """With a Fortran-ordered argument Python's reshape copies (the write stays in ``m``),
    with a C-ordered one it is a view: one derivative cannot be right for both."""
    A = np.array([[0.3, -0.5], [0.7, 1.1]], order=order)
    with pytest.raises(s2sad.DifferentiationError, match="test_aliasing.py:"):
        s2sad.value_and_grad(f)(A)


def write_under_a_transpose_of_an_argument(A):
    B = A * 1.0
    t = B.T
    t[0, 1] = 3.0 * t[1, 0]
    return np.sum(B * B * A)


@pytest.mark.parametrize("order", ["C", "F"])
def test_transpose_views_are_views_in_either_memory_order(order):
    A = np.array([[0.3, -0.5], [0.7, 1.1]], order=order)
    check_value_and_grad(write_under_a_transpose_of_an_argument, A)


@pytest.mark.parametrize("f", [transpose_method_view, writes_through_a_slice,
                               writes_under_a_transpose, writes_under_a_row])
def test_views_see_writes_to_their_base_and_bases_see_writes_through_views(f):
    """Views with constant arguments are taken again after their base is written, and a
    write through one is written into its base: what Python computes."""
    check_value_and_grad(f, np.array([0.3, -0.5, 0.7, 1.1]))


def repeated_fancy_write(x):
    y = x * 1.0
    y[[1, 1]] = x[0:2] * x[2]
    return np.sum(y)


def repeated_fancy_add(x):
    y = x * 1.0
    y[[1, 1]] += x[0:2]
    return np.sum(y * y)


def repeated_fancy_2d(x):
    M = np.outer(x, x)
    M[[0, 0, 2], [1, 1, 0]] = x[:3] ** 2
    return np.sum(M * M)


@pytest.mark.parametrize("f", [repeated_fancy_write, repeated_fancy_add, repeated_fancy_2d])
def test_a_repeated_index_keeps_the_last_write(f):
    check_value_and_grad(f, np.array([0.3, -0.5, 0.7, 1.1]))


def add_at_argument(x):
    np.add.at(x, [0], x[1])
    return np.sum(x * x)


def add_at_repeated(x):
    y = x * 1.0
    np.add.at(y, [0, 0, 3], x[1:] ** 2)
    return np.sum(y * y)


def subtract_at_local(x):
    y = np.zeros(3)
    np.subtract.at(y, [1, 1], x[:2])
    return np.sum(np.sin(y) * x[:3])


@pytest.mark.parametrize("f", [add_at_argument, add_at_repeated, subtract_at_local])
def test_ufunc_at_is_differentiated(f):
    check_value_and_grad(f, np.array([0.3, -0.5, 0.7, 1.1]))


def negative_constant_power(x):
    c = -0.7
    return x[0] * c ** 2 + (-2) ** 3 * x[1] + (-0.5) ** 2


def test_negative_constants_keep_their_sign():
    value, g = s2sad.value_and_grad(negative_constant_power)(np.array([0.3, -0.5]))
    assert value == pytest.approx(0.3 * 0.49 + 4.0 + 0.25)
    np.testing.assert_allclose(g, [0.49, -8.0])


def branch_then_loop_read(x):
    if x[0] < 0.0:
        y = np.sin(x)
    else:
        y = np.cos(x)
    s = 0.0
    for _ in range(2):
        s = s + y[1]
    return s


def alias_written_in_a_branch_loop(x):
    y = x * 1.0
    t = y
    s = y[3]
    if x[0] < 0.0:
        for i in range(4):
            t[i] = 0.3
    return np.sum(y) + s


def rebinding_in_a_branch(x):
    r = x * 1.0
    z = x[0:3] * 2.0
    if x[0] > 0.0:
        for i in range(2):
            r[i] = z[0] * x[3]
    return np.sum(r * r)


@pytest.mark.parametrize("f", [branch_then_loop_read, alias_written_in_a_branch_loop,
                               rebinding_in_a_branch])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_arrays_made_in_branches_then_read_in_loops(f, sign):
    check_value_and_grad(f, sign * np.array([0.3, -0.5, 0.7, 1.1]))


def dead_slice_write_in_loop(x):
    z = np.zeros(4)
    for _ in range(3):
        z[1:3] = x[2:4]
    return np.sum(x)


def loop_item_used_after(x):
    y = x.copy()
    for _ in range(len(x)):
        s = y[3] ** 2
    return s + 0.5


def dead_loop_read_of_a_matrix(x):
    M = np.outer(x[2:4], x[1:3])
    N = np.outer(M[:, 1], M[:, 0])
    for _ in range(2):
        s = M[1, 1]  # noqa: F841  (a dead read in a loop: the case tested)
    return np.sum(N)


@pytest.mark.parametrize("f", [dead_slice_write_in_loop, loop_item_used_after,
                               dead_loop_read_of_a_matrix])
def test_dead_and_loop_local_values(f):
    check_value_and_grad(f, np.array([0.3, -0.5, 0.7, 1.1]))


def iterates_over_what_it_writes(x):
    y = x * 1.0
    t = y
    for e in t:
        t[1] += e
    return np.sum(y * y)


def iterates_over_rows_it_writes(x):
    M = np.outer(x, x)
    for row in M:
        M[0, 0] = M[0, 0] + np.sum(row)
    return np.sum(M)


def enumerates_what_it_writes(x):
    y = x * 2.0
    for i, e in enumerate(y):
        if i + 1 < len(y):
            y[i + 1] = y[i + 1] + e * e
    return np.sum(y)


@pytest.mark.parametrize("f", [iterates_over_what_it_writes, iterates_over_rows_it_writes,
                               enumerates_what_it_writes])
def test_a_loop_sees_the_writes_into_what_it_iterates(f):
    try:
        check_value_and_grad(f, np.array([0.3, -0.5, 0.7, 1.1]))
    except s2sad.DifferentiationError as refusal:  # an honest refusal names the place
        assert "test_aliasing.py:" in str(refusal)


def reads_behind_from_the_start(x):
    r = x * 1.0
    for i in range(0, r.shape[0]):
        r[i] = np.sin(r[i - 1])  # at i = 0, r[-1]: the last element, written later
    return np.sum(r * r)


def reads_behind_from_one(x):
    r = x * 1.0
    for i in range(1, r.shape[0]):
        r[i] = np.sin(r[i - 1])
    return np.sum(r * r)


def reads_two_behind_from_one(x):
    r = x * 1.0
    for i in range(1, r.shape[0]):
        r[i] = r[i] + np.cos(r[i - 2])  # at i = 1, r[-1]
    return np.sum(r * r)


@pytest.mark.parametrize("f", [reads_behind_from_the_start, reads_behind_from_one,
                               reads_two_behind_from_one])
def test_negative_indices_in_element_loops(f):
    check_value_and_grad(f, np.array([0.3, -0.5, 0.7, 1.1, 0.2]))


def grow(a):
    for k in range(1, len(a)):
        a[k] = a[k] + 0.5 * np.sin(a[k - 1])


def view_of_an_array_a_helper_writes(x):
    v = x[::1]
    grow(x)
    return np.sum(v * v)


def view_then_alias_written(x):
    y = x * 1.0
    v = y[1:]
    t = y
    t[2] = t[0] * 3.0
    return np.sum(v * x[1:])


@pytest.mark.parametrize("f", [view_of_an_array_a_helper_writes, view_then_alias_written])
def test_views_of_an_array_written_through_another_name(f):
    check_value_and_grad(f, np.array([0.3, -0.5, 0.7, 1.1]))


# ----- copy=False / copy=None may hand back the argument itself -----

def write_through_astype_without_copy(x):
    z = x * 1.0
    y = z.astype(np.float64, copy=False)
    y[0] = 2.0 * y[1]
    return np.sum(z * z)


def write_through_array_without_copy_in_a_loop(x):
    z = np.sin(x)
    y = np.array(z, copy=None)
    for i in range(2):
        y[i + 1] = y[i] * 0.5
    return np.sum(z * x)


def base_written_under_astype_without_copy(x):
    z = x * 2.0
    y = z.astype(float, copy=False)
    if x[0] > 0:
        z[0] = 3.0
    return np.sum(y * y)


def write_through_an_unknown_method_result(x):
    z = x * 1.0
    y = z.view()
    y[0] = 2.0 * y[1]
    return np.sum(z * z)


def base_written_under_view_method_in_a_branch(x):
    z = x * 2.0
    y = z.view()
    if x[1] < 0:
        z[1] = 1.5
    return np.sum(y * x)


def bump_third(a):
    a[2] = 4.0 * a[0]


def write_through_view_method_in_a_helper(x):
    z = np.cos(x)
    bump_third(z.view())
    return np.sum(z * x)


@pytest.mark.parametrize("f", [write_through_astype_without_copy,
                               write_through_array_without_copy_in_a_loop,
                               base_written_under_astype_without_copy,
                               write_through_an_unknown_method_result,
                               base_written_under_view_method_in_a_branch,
                               write_through_view_method_in_a_helper])
def test_writes_shared_with_a_result_that_may_not_be_a_copy_are_refused(f):
    x = np.array([0.3, -0.5, 0.7])
    with pytest.raises(s2sad.DifferentiationError, match="test_aliasing.py:"):
        s2sad.value_and_grad(f)(x)
    assert np.array_equal(x, [0.3, -0.5, 0.7])


def write_through_astype_with_copy(x):
    z = x * 1.0
    y = z.astype(np.float64, copy=True)
    y[0] = 2.0 * y[1]
    return np.sum(z * z * y)


def write_through_astype_without_copy_base_dead(x):
    z = x * 1.0
    y = z.astype(np.float64, copy=False)
    y[0] = 2.0 * y[1]
    return np.sum(y * y * x)


@pytest.mark.parametrize("f", [write_through_astype_with_copy,
                               write_through_astype_without_copy_base_dead])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_astype_copies_and_dead_bases_are_differentiated(f, sign):
    check_value_and_grad(f, sign * np.array([0.3, -0.5, 0.7]))


# ----- [z, w], (z, w) and {"k": z} hold z itself, as lists built by append do -----

def write_through_a_list_display_item(x):
    z = x * 1.0
    items = [z, z * 2.0]
    items[0][1] = 3.0 * x[0]
    return np.sum(z * x)


def write_through_a_dict_display_item(x):
    z = x * 1.0
    table = {"k": z}
    table["k"][0] = 2.0 * x[2]
    return np.sum(z * z)


def write_through_a_tuple_item_in_a_loop(x):
    z = np.sin(x)
    pair = (z, x * 2.0)
    for i in range(2):
        pair[0][i + 1] = pair[0][i] * x[i]
    return np.sum(z * x)


@pytest.mark.parametrize("f", [write_through_a_list_display_item,
                               write_through_a_dict_display_item,
                               write_through_a_tuple_item_in_a_loop])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_writes_into_an_item_another_name_holds(f, sign):
    """The name holding the item reads it from its slot again after the write (the alias
    stage keeps a display's slots: test_container_slots.py); was refused."""
    x = sign * np.array([0.3, -0.5, 0.7])
    check_value_and_grad(f, x)
    check_jvp(f, x)
    assert np.array_equal(x, sign * np.array([0.3, -0.5, 0.7]))


def write_into_a_display_item_nobody_else_holds(x):
    items = [x * 1.0, x * 2.0]
    items[1][0] = 5.0 * x[1]
    return np.sum(items[1] * items[0])


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_writes_into_a_display_item_nobody_else_holds_are_differentiated(sign):
    check_value_and_grad(write_into_a_display_item_nobody_else_holds,
                         sign * np.array([0.3, -0.5, 0.7]))


# ----- a write through a transpose view of an array another name also holds -----

def through_transpose(x):
    r = x
    v = r.T
    s = x[1]
    v[2:4] = x[3:5] * 2.0
    return np.sum(x * x) + s * x[2]


def through_transpose_matrix(A):
    B = A
    T = B.T
    T[0, 1] = T[0, 1] * 3.0 + A[1, 1]
    return np.sum(np.sin(A) * B)


def through_transpose_in_loop(x):
    r = x
    v = r.T
    for i in range(3):
        v[i + 1] = v[i] * 0.5 + x[i + 2]
    return np.sum(x ** 3) + np.sum(r)


def through_transpose_repeated_index(x):
    r = x
    v = x.T
    r *= 0.9
    v[[3, 0, 0]] += v[0:3]
    return np.sum(np.sin(r) * r) + np.sum(x * x)


@pytest.mark.parametrize("f", [through_transpose, through_transpose_in_loop,
                               through_transpose_repeated_index])
def test_write_through_a_transpose_view_reaches_every_name(f):
    x = np.array([0.3, -1.2, 0.7, 1.1, -0.4, 0.9])
    want = f(x.copy())
    value, _ = s2sad.value_and_grad(f)(x.copy())
    np.testing.assert_allclose(value, want, rtol=1e-12)
    check_grad(f, x)
    v = np.linspace(-1.0, 1.0, x.size)  # f writes into its argument: fresh copies each call
    _, tangent = s2sad.jvp(f)(x.copy(), v)
    fd = (f(x + 1e-6 * v) - f(x - 1e-6 * v)) / 2e-6
    np.testing.assert_allclose(tangent, fd, rtol=1e-5)


def test_write_through_a_transpose_view_of_a_matrix():
    A = np.array([[0.3, -1.2, 0.5], [0.7, 1.1, -0.2], [0.4, -0.6, 0.8]])
    value, _ = s2sad.value_and_grad(through_transpose_matrix)(A.copy())
    np.testing.assert_allclose(value, through_transpose_matrix(A.copy()), rtol=1e-12)
    check_grad(through_transpose_matrix, A)


# ----- an adjoint accumulated into in place while another name still needs it -----

def fan_out_then_slices(x):
    r = x
    t = x
    for _ in range(2):
        z = x
    M = np.outer(t[2:5], x[1:4] * x[0:3])
    z -= x + r + M[1, 0]
    return np.sum(t)


def shared_adjoint_rows(A):
    B = A
    s = B[0] * B[1]
    B -= A * 2.0 + s[0]
    return np.sum(A * A) + np.sum(s)


def accumulated_adjoint_loop(x):
    y = x
    for i in range(3):
        y = y - x[i:i + 2].sum() * x
    return np.sum(y * y)


@pytest.mark.parametrize("f, x", [
    (fan_out_then_slices, np.array([-0.73, 0.38, -0.96, -1.17, 0.003, -0.08, -1.55])),
    (shared_adjoint_rows, np.array([[0.3, -1.2, 0.5], [0.7, 1.1, -0.2]])),
    (accumulated_adjoint_loop, np.array([0.3, -0.5, 0.8, 0.1, -0.9]))])
def test_adjoint_updated_in_place_is_not_shared(f, x):
    value, _ = s2sad.value_and_grad(f)(x.copy())
    np.testing.assert_allclose(value, f(x.copy()), rtol=1e-12)
    check_grad(f, x)


# ----- appending to a list changes the list, not the arrays it holds -----

def append_keeps_the_items(x):
    y = np.sin(x)
    seen = [y]
    for k in range(3):
        seen.append(seen[-1] * x + k)  # y is read after: appending does not change it
    return np.sum(y * seen[-1])


def append_seen_through_another_name(x):
    lst = [x * 1.0]
    same = lst
    lst.append(np.cos(x))
    return np.sum(same[-1] * x) + len(same)


def append_to_an_inner_list(x):
    inner = [x]
    outer = [inner]
    inner.append(x * x)
    return np.sum(outer[0][-1] * np.sin(x))


def element_then_append(x):
    lst = [np.exp(x)]
    first = lst[0]
    lst.append(first * 2.0)
    return np.sum(first) + np.sum(lst[1] * x)


@pytest.mark.parametrize("f", [append_keeps_the_items, append_seen_through_another_name,
                               append_to_an_inner_list, element_then_append])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_appending_to_a_list_holding_arrays(f, sign):
    """Differentiated (Python's value, finite differences), or refused: never wrong."""
    x = sign * np.array([0.3, -0.5, 0.7])
    try:
        check_value_and_grad(f, x)
        check_jvp(f, x)
        check_hessian(f, x)
    except s2sad.DifferentiationError as refused:
        assert "shares its memory" in str(refused)
        assert f is append_to_an_inner_list  # the one sharing s2sad may refuse


# ----- a name assigned from another is that object, whichever one it is -----

def bound_after_a_loop(x):
    for e in x[:2]:
        x = x * 0.5 + np.cos(e)  # x: the argument or a new array, by the trip count
    z = x
    x[1] += z[0] * 2.0           # z sees the write
    return np.sum(np.sin(z) * x)


def bound_after_a_branch(x):
    if np.sum(x) > 0:
        y = x * 2.0
    else:
        y = np.exp(x)
    z = y
    y[0] = y[0] * y[2]
    return np.sum(z * z) + np.sum(y)


def bound_then_rebound(x):
    y = np.sin(x) if x[0] > 0 else x * 3.0
    z = y
    y = y + 1.0                  # y rebound: z keeps the old object
    z[2] = 7.0 * x[1]
    return np.sum(z * y)


@pytest.mark.parametrize("f", [bound_after_a_loop, bound_after_a_branch, bound_then_rebound])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_name_assigned_from_another_sees_its_writes(f, sign):
    x = sign * np.array([0.3, -0.5, 0.7, 0.2])
    check_value_and_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


# ----- an alias read at one index while the loop writes another (fuzz seeds 22152, 22216):
# the read's adjoint starts as zeros, and its value is the written element's adjoint,
# which must be read before the zeros replace it -----

def alias_read_then_written(x):
    n = len(x)
    z = x
    for i in range(1, n):
        old = x[i]
        x[i] = np.sin(np.tanh(z[4]))
        z[i] = z[i] + 0.5 * old
    return np.sum(np.sin(x) * x)


def alias_read_behind(x):
    z = x
    for i in range(1, x.shape[0]):
        x[i] = np.cos(z[i - 1]) * 0.5
        z[i] = z[i] * z[0]
    return np.sum(x ** 2)


def alias_read_fixed_row(M):
    A = M
    for i in range(M.shape[0]):
        M[i, 0] = np.tanh(A[0, 1]) + M[i, 0]
    return np.sum(M * M)


@pytest.mark.parametrize("f, shape", [(alias_read_then_written, (6,)),
                                      (alias_read_then_written, (7,)),
                                      (alias_read_behind, (5,)),
                                      (alias_read_fixed_row, (3, 2))])
def test_an_alias_read_where_the_loop_writes(rng, f, shape) -> None:
    check_value_and_grad(f, rng.standard_normal(shape))  # (the caller's array untouched)


# ----- elements of matrices read and written in loops: d[i, j] += e in place -----

def matrix_elements(A, x):
    n, m = A.shape
    total = 0.0
    for i in range(n):
        for j in range(m):
            total = total + np.sin(A[i, j]) * x[j]
    return total


def matrix_stencil(A):
    R = np.zeros_like(A)
    for i in range(1, A.shape[0] - 1):
        for j in range(A.shape[1]):
            R[i, j] = A[i - 1, j] - 2.0 * A[i, j] + A[i + 1, j]
    return np.sum(R ** 2)


def tensor_elements(T):
    total = 0.0
    for i in range(T.shape[0]):
        total = total + T[i, i % 2, 1] ** 2
    return total


def repeated_fancy_index(A):
    rows = np.array([0, 0, 1])
    return np.sum(A[rows, 1] ** 2)


@pytest.mark.parametrize("f, shapes", [(matrix_elements, [(3, 4), (4,)]),
                                       (matrix_stencil, [(5, 3)]),
                                       (tensor_elements, [(4, 2, 3)]),
                                       (repeated_fancy_index, [(2, 3)])])
def test_elements_of_matrices(rng, f, shapes) -> None:
    args = [rng.standard_normal(s) for s in shapes]
    check_value_and_grad(f, *args)
    g = s2sad.grad(f, wrt=tuple(range(len(args))))
    g(*args)
    if f is not repeated_fancy_index:
        assert "add_at(" not in g.source  # an element added to in place


def _product(x, y):
    return np.sum(x * y)


def _transposed(X, Y):
    return np.sum(X * Y.T)


def _summed(x, y):
    return np.sum(x + y)


@pytest.mark.parametrize("f, shapes", [(_product, ((3,), (3,))),
                                       (_transposed, ((2, 3), (3, 2)))])
def test_a_gradient_is_never_the_callers_array(f, shapes) -> None:
    """d/dx sum(x * y) is y: returned as a copy, so changing it leaves y alone."""
    rng = np.random.default_rng(3)
    x, y = (rng.standard_normal(s) for s in shapes)
    keep = y.copy()
    g = s2sad.grad(f)(x, y)
    np.testing.assert_array_equal(g, keep.T if f is _transposed else keep)
    g *= 2.0
    np.testing.assert_array_equal(y, keep)


def test_two_gradients_are_two_arrays() -> None:
    x, y = np.ones(3), np.zeros(3)
    dx, dy = s2sad.grad(_summed, wrt=(0, 1))(x, y)
    dx += 1.0
    np.testing.assert_array_equal(dy, np.ones(3))


# ----- .copy() of an array's slice is a new array (was refused as a view of x) -----

def copy_of_slice(x):
    r = x[1:].copy()
    r[0] = 2.0 * x[0]
    return np.sum(r * x[1:])


def copy_of_local_row(x):
    A = np.outer(x, x)
    row = A[1].copy()
    row[2] = x[0] ** 3
    return np.sum(row * A[1]) + np.sum(A)


def copy_of_matrix_row(A):
    row = A[0].copy()
    row[1] = A[1, 1] * 2.0
    return np.sum(row * A[0])


@pytest.mark.parametrize("f, arg", [(copy_of_slice, np.array([0.3, -0.5, 0.8, 1.1])),
                                    (copy_of_local_row, np.array([0.3, -0.5, 0.8])),
                                    (copy_of_matrix_row, np.array([[0.3, -0.5], [0.8, 1.1]]))],
                         ids=["slice", "local_row", "matrix_row"])
def test_copy_of_an_arrays_slice_is_new(f, arg):
    before = arg.copy()
    check_grad(f, arg)
    check_jvp(f, arg)
    np.testing.assert_array_equal(arg, before)


def list_copy_shares_items(x):
    xs = [x * 1.0, x * 2.0]
    ys = xs.copy()  # a list's copy holds the same arrays: writing one changes xs[0]
    ys[0][0] = 5.0
    return np.sum(xs[0] * x)


def test_a_lists_copy_still_shares_its_arrays():
    x = np.array([0.3, -0.5, 0.8])
    try:
        g = s2sad.grad(list_copy_shares_items)(x)
    except s2sad.DifferentiationError:
        return  # an honest refusal
    np.testing.assert_allclose(g, numerical_grad(list_copy_shares_items, (x,), 0), atol=1e-6)


# ----- views at a loop counter (row = A[i] in for i in range(...)): taken again after a
# write to their base, written back after a write through them -----

def scales_rows_through_a_view(A):
    B = A * 1.0
    for i in range(B.shape[0]):
        row = B[i]
        row *= (i + 1)
    return np.sum(B ** 2)


def columns_in_nested_loops(A):
    B = np.tanh(A)
    for i in range(B.shape[0]):
        for j in range(B.shape[1]):
            col = B[:, j]
            col[i] = col[i] * B[i, i]
    return np.sum(B * A)


def view_used_after_its_loop(A):
    B = A * 1.0
    for i in range(B.shape[0]):
        row = B[i]
        row += 1.0
    return np.sum(row * B)


def view_at_each_item_of_index_arrays(A):
    B = A * 1.0
    for idx in (np.array([0, 1]), np.array([1, 2])):
        part = B[idx]  # (fancy: a copy, never a view)
        part *= 2.0
        B = B + 0.1 * np.sum(part)
    return np.sum(B * A)


@pytest.mark.parametrize("f", [scales_rows_through_a_view, columns_in_nested_loops,
                               writes_under_a_moving_view])
def test_views_at_a_loop_counter(f):
    A = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [0.2, 0.9, 1.1]])
    x = A[0].copy() if f is writes_under_a_moving_view else A
    before = x.copy()
    check_grad(f, x)
    check_vjp(f, x)
    assert np.array_equal(x, before)


def test_views_at_a_loop_counter_closed_form():
    A = np.array([[0.5, -1.0], [1.5, 0.3], [0.2, 0.9]])
    scale = np.arange(1.0, 4.0)[:, None]  # row i scaled by i + 1: d/dA sum((s A)^2)
    np.testing.assert_allclose(s2sad.grad(scales_rows_through_a_view)(A),
                               2 * scale ** 2 * A, rtol=1e-12)


@pytest.mark.parametrize("f", [view_used_after_its_loop, view_at_each_item_of_index_arrays])
def test_views_outside_a_counters_loop_are_not_taken_for_views(f):
    A = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7], [0.2, 0.9, 1.1]])
    try:
        g = s2sad.grad(f)(A)
    except s2sad.DifferentiationError as error:
        assert "test_aliasing.py:" in str(error)  # refused, naming the line
        return
    check_grad(f, A)  # or right
    assert g.shape == A.shape


# ----- slices of arrays whose rank is not known (np.where of a global, np.array of a
# list): still views; and views of views, written through and taken again in order -----

OFFSETS = np.array([0.2, 0.4, -0.3, 0.9, -1.2])


def slice_of_a_where(x):
    v = np.where(x > 0.1, x, OFFSETS[::-1] if OFFSETS[0] > 0 else x)
    w = v[1:]
    w[0] = np.tanh(x[1]) ** 3
    return np.sum(w * w) + np.sum(v * v)


def view_of_a_view(x):
    v = np.where(x > 0.1, x, OFFSETS)
    w = v[1:]
    u = w[::2]
    u *= 3.0
    w[0] = w[0] * v[0]
    return np.sum(v * v) + np.sum(u) + np.sum(w * OFFSETS[1:])


def views_of_an_array_a_helper_writes(x):
    y = np.tanh(x)
    w = y[1:]
    u = w[1:]
    grow(y)
    return np.sum(u * u) + np.sum(w * OFFSETS[1:])


def slice_of_an_array_of_a_list(x):
    out = []
    for i in range(3):
        out.append(x[i] * 2.0)
    v = np.array(out)
    w = v[1:]
    w[0] = 5.0 * x[0]
    return np.sum(np.tanh(w)) + np.sum(v * v)


def slice_of_a_scaled_copy(x):
    h = np.where(x > 0.2, x, OFFSETS[::-1] if OFFSETS[1] > 0 else x)
    r = h * 1.0
    r[1:] = np.sin(r[:-1])
    w = r[1:]
    w[0] = x[2] ** 2
    w[-1] *= 1.0 + 0.5 * np.tanh(x[0])
    return np.sum(np.sin(r)) + np.sum(np.cos(w) * 0.5) + np.sum(h * h)


@pytest.mark.parametrize("f", [slice_of_a_where, view_of_a_view, slice_of_a_scaled_copy,
                               views_of_an_array_a_helper_writes, slice_of_an_array_of_a_list])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_slices_of_arrays_of_unknown_rank_and_views_of_views(f, sign):
    x = sign * np.array([0.3, -0.5, 0.8, 1.1, 0.4])
    before = x.copy()
    check_value_and_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)
    assert np.array_equal(x, before)


def a_list_slice_is_a_copy(x):
    xs = [x[0], x[1], x[2]]
    w = xs[1:]  # (a list's slice: a new list; writing it leaves xs alone)
    w[0] = 7.0 * x[0]
    return xs[1] * w[0] + w[1]


def a_numpy_scalar_is_rebound_not_written(x):
    s = np.sin(x[0])
    t = s
    s += 1.0  # (a NumPy scalar: s is rebound, t keeps the old value)
    return s * t + x[1]


@pytest.mark.parametrize("f", [a_list_slice_is_a_copy, a_numpy_scalar_is_rebound_not_written])
def test_copies_stay_copies(f):
    x = np.array([0.3, -0.5, 0.8])
    try:
        check_value_and_grad(f, x)
    except s2sad.DifferentiationError as error:
        assert "test_aliasing.py:" in str(error)  # (refused, never wrong)


# ----- lists shared by two names: + makes a new list, += and *= change the shared one -----

def _joined_copy(x):
    a = [x[0], x[1]]
    b = a
    b = b + [x[2]]  # a new list: a keeps two items
    return np.sum(np.array(a) ** 2) + np.sum(np.array(b))


def _repeated_in_place(x):
    a = [x[0], x[1]]
    b = a
    b *= 2  # the list a names too
    return np.sum(np.array(a) ** 2) + np.sum(np.array(b))


def _extended_in_place(x):
    a = [x[0], x[1]]
    b = a
    b.extend([x[2] ** 2])
    return np.sum(np.array(a) ** 2) + np.sum(np.array(b))


def _repeated_copy(x):
    a = [x[0], x[1]]
    b = a
    b = b * 2
    b += [x[2]]
    return np.sum(np.array(a) ** 2) + np.sum(np.array(b) * np.arange(5.0))


@pytest.mark.parametrize("f", [_joined_copy, _repeated_in_place, _extended_in_place,
                               _repeated_copy])
def test_lists_shared_by_two_names(f):
    """``b = b + [v]`` was taken for a write into the list ``a`` shares (``a`` saw the new
    item), ``b *= 2`` for a new list (``a`` did not see the repetition): both wrong with
    no error."""
    x = np.array([0.3, -0.7, 1.1])
    check_grad(f, x)
    check_jvp(f, x)


# ----- an adjoint that is an argument's (or a module array's) view, added into in place
# inside another adjoint's accumulation: copied first (the caller's array is unchanged) -----

def sum_of_a_view_times_a_slice(x, off):
    v = np.where(x > 0.1, x, off)
    w = v[1:]
    u = w[::2]
    u *= 3.0
    return np.sum(v * v) + np.sum(u) + np.sum(w * off[1:])


def view_of_a_view_argument(x, off):
    v = np.where(x > 0.1, x, off)
    w = v[1:]
    u = w[::2]
    u *= 3.0
    w[0] = w[0] * v[0]
    return np.sum(v * v) + np.sum(u) + np.sum(w * off[1:])


def slice_product_then_window(x, off):
    w = x * 1.0
    u = w[1::2]
    return np.sum(u ** 2) + np.sum(w * off[::-1])


@pytest.mark.parametrize("f", [sum_of_a_view_times_a_slice, view_of_a_view_argument,
                               slice_product_then_window])
def test_an_arguments_view_as_an_adjoint_is_not_written(f):
    x, off = np.array([0.3, -0.5, 0.8, 1.1, 0.4]), np.array([0.2, 0.4, -0.3, 0.9, -1.2])
    before = off.copy()
    for _ in range(2):
        g = s2sad.grad(f)(x, off)
        np.testing.assert_array_equal(off, before)
        np.testing.assert_allclose(g, numerical_grad(f, (x, before), 0), rtol=1e-6,
                                   atol=1e-8)
    check_vjp(f, x, off)


# ----- np.where of numbers is a 0-d array: += writes it, every name bound to it sees that -----

def a_where_of_numbers_written(x):
    q = np.where(x > 0, x, 2.0 * x)
    z = q
    q += 1.0  # (z is q: z + 1.0 too)
    return z * q + 0.0


def a_where_of_numbers_scaled(x):
    q = np.where(x > 0.5, x * x, np.sin(x))
    z = q
    q *= x
    return z + 3.0 * q


def a_where_of_numbers_written_in_a_loop(x):
    q = np.where(x < 0, np.exp(x), x + 1.0)
    z = q
    for _ in range(3):
        q -= 0.5 * x  # (z too)
    return q * np.cos(z) + x


def a_where_of_numbers_written_through_a_copy_of_a_copy(x):
    q = np.where(x < 0, np.exp(x), x + 1.0)
    z = q
    u = z
    u -= 0.5 * x  # (q and z are u)
    return q * np.cos(z) + x


@pytest.mark.parametrize("f", [a_where_of_numbers_written, a_where_of_numbers_scaled,
                               a_where_of_numbers_written_in_a_loop])
@pytest.mark.parametrize("x", [0.8, -0.6])
def test_a_where_of_numbers_is_an_array_written_in_place(f, x):
    check_value_and_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)
    check_hessian(f, x)


def test_a_where_of_numbers_written_through_another_name_right_or_refused():
    for x in (0.8, -0.6):
        try:
            check_value_and_grad(a_where_of_numbers_written_through_a_copy_of_a_copy, x)
        except s2sad.DifferentiationError as error:  # (u may be a number: never wrong)
            assert "test_aliasing.py:" in str(error)


# ----- a write into an attribute of something outside the function: refused, named as written -----

GRID = np.array([[1.0, 2.0], [3.0, 4.0]])


def scales_a_globals_transpose(x):
    t = GRID.T
    t *= x[0]
    return np.sum(t * x)


def writes_a_row_of_a_globals_transpose(x):
    t = GRID.T
    r = t[1:]
    r[0] = x
    return np.sum(t * x)


def writes_a_globals_transpose(x):
    t = GRID.T
    t[0] = x
    return np.sum(GRID * x)


@pytest.mark.parametrize("f", [writes_a_globals_transpose, scales_a_globals_transpose,
                               writes_a_row_of_a_globals_transpose])
def test_a_write_into_an_outside_attribute_is_refused_by_its_name(f):
    x = np.array([0.3, -0.7])
    saved = GRID.copy()
    with pytest.raises(s2sad.DifferentiationError) as error:
        s2sad.grad(f)(x)
    message = str(error.value)
    assert "test_aliasing.py:" in message and "write into GRID.T:" in message
    assert "Attribute(" not in message
    assert np.array_equal(GRID, saved)


# ----- Hessians of programs with views: the gradient's setitem calls are copies, not writes -----

def a_view_carried_to_the_next_row(x):
    B = np.tile(x, (3, 1)) * 1.0
    prev = B[0]
    for i in range(1, 3):
        row = B[i]
        row += prev * x[i]
        prev = row
    return np.sum(B ** 2)


def views_of_a_view_written_in_a_branch(x):
    v = x * 1.0
    a = v[1:]
    for i in range(2):
        b = a[i:]
        if x[i] > 0:
            b *= 2.0 + x[i]
        else:
            b += x[i] ** 2
    return np.sum(v * v) + np.sum(a)


def rows_of_two_arrays_at_a_counter(x):
    A = np.tile(x, (3, 1)) * 1.0
    B = np.tile(x, (3, 1)) * 2.0
    for i in range(3):
        ra = A[i]
        rb = B[i]
        ra += rb * x[i]
        rb *= ra[0]
    return np.sum(A * B)


@pytest.mark.parametrize("f", [a_view_carried_to_the_next_row, views_of_a_view_written_in_a_branch,
                               rows_of_two_arrays_at_a_counter])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_hessians_of_programs_with_views(f, sign):
    x = sign * np.array([0.5, -1.2, 0.9])
    before = x.copy()
    check_grad(f, x)
    check_hessian(f, x)
    assert np.array_equal(x, before)


# ----- an array from outside the function written through a name of unknown rank (an
# object's attribute, a global's slice): Python changes the module's array, refused -----

class _Holder:
    def __init__(self):
        self.weights = np.array([1.0, 2.0, 3.0])


HOLDER = _Holder()
SCALE = 2.0
SERIES = np.array([0.5, -1.0, 1.5, 2.0])


def scales_an_attribute(x):
    w = HOLDER.weights
    w *= x
    return np.sum(w ** 2)


def adds_into_a_global_slice(x):
    part = SERIES[1:]
    part += x[:3]
    return np.sum(part ** 2)


def scales_a_global_number(x):
    s = SCALE
    s *= 3.0  # (a float: rebound, the module's SCALE unchanged, as in Python)
    return s * np.sum(x ** 2)


@pytest.mark.parametrize("f", [scales_an_attribute, adds_into_a_global_slice])
def test_writes_into_outside_arrays_through_a_name_are_refused(f):
    x = np.array([0.5, 1.0, 2.0, -1.0])[:3 if f is scales_an_attribute else 4]
    with pytest.raises(s2sad.DifferentiationError, match=r"test_aliasing\.py:\d+.*outside"):
        s2sad.grad(f)(x)
    np.testing.assert_array_equal(HOLDER.weights, [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(SERIES, [0.5, -1.0, 1.5, 2.0])


def test_a_global_number_scaled_in_place_is_rebound():
    x = np.array([0.5, 1.0, 2.0])
    check_value_and_grad(scales_a_global_number, x)
    np.testing.assert_allclose(s2sad.grad(scales_a_global_number)(x), 12.0 * x, rtol=1e-12)
    assert SCALE == 2.0
