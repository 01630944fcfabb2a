"""compiler/shape_probe.py: shapes of shape-static NumPy calls found by calling them on
stand-ins (``defshape(fn, "probe")``), and what they let the late passes drop; the
gradients stay those of central differences."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian
from s2sad.compiler.shape_probe import probe


def test_symbols_and_ints_map_back() -> None:
    assert probe(np.trace, (("array", ("a", "a")),), ()) == ()
    assert probe(np.kron, (("array", ("a",)), ("array", (3,))), ()) == (None,)
    assert probe(np.flip, (("array", ("a", "b")),), (("axis", 0),)) == ("a", "b")
    assert probe(np.concatenate, (("items", (("a", 2), ("b", 2))),), ()) == (None, 2)
    assert probe(np.stack, (("items", (("a",), ("a",))),), (("axis", 1),)) == ("a", 2)
    assert probe(np.cross, (("array", ("a", 3)), ("array", ("a", 3))), ()) == ("a", 3)
    assert probe(np.diff, (("array", ("a",)),), ()) == (None,)  # a - 1: not a symbol


def test_unknown_lengths_and_bad_arguments_are_not_tried() -> None:
    assert probe(np.squeeze, (("array", (None, "a")),), ()) is None  # None may be 1
    assert probe(np.tile, (("array", ("a",)), ("number",)), ()) == (None,)  # reps decides
    assert probe(np.linalg.solve, (("array", ("a", "b")), ("array", ("a",))), ()) is None


def test_a_length_that_depends_on_which_symbol_is_larger_is_unknown() -> None:
    """``np.linalg.qr`` of an ``a x b`` matrix has ``min(a, b)`` columns: a tall matrix's
    Q is not square (every try once gave ``a < b``: Q read as ``(a, a)``)."""
    qr = probe(np.linalg.qr, (("array", ("a", "b")),), ())
    assert tuple(qr.shapes) == (("a", None), (None, "b"))
    assert probe(np.linalg.qr, (("array", ("a", "a")),), ()).shapes[0] == ("a", "a")
    assert probe(np.linalg.qr, (("array", ("a", "4*a")),), ()).shapes[0] == ("a", "a")


def test_a_symbol_against_an_int_is_tried_shorter_too() -> None:
    """``qr`` of a ``b x 4`` matrix has ``min(b, 4)`` columns: every try once made ``b``
    the longer (5, 23, 71), so Q was read as ``(b, 4)`` and a second derivative of a
    wide QR read ``np.shape(a)`` from Q (a broadcast error, "please report it")."""
    assert tuple(probe(np.linalg.qr, (("array", ("b", 4)),), ()).shapes) == \
        (("b", None), (None, 4))
    assert tuple(probe(np.linalg.qr, (("array", (4, "b")),), ()).shapes) == \
        ((4, None), (None, "b"))
    assert probe(np.flip, (("array", ("a", 3)),), ()) == ("a", 3)  # (kept: no min)
    assert probe(np.cross, (("array", ("a", 3)), ("array", ("a", 3))), ()) == ("a", 3)


def r_of_a_wide_transpose(m):  # (m 4 x 3: R 3 x 4, a length written as an int)
    q, r = np.linalg.qr(m.T)
    return np.sum(r * np.arange(12.0).reshape(3, 4))


def q_of_a_wide_transpose(m):  # (m 5 x 2: Q 2 x 2)
    q, r = np.linalg.qr(m.T)
    return np.sum(np.sin(q) * np.arange(4.0).reshape(2, 2)) + np.sum(r[:, 3:] ** 2)


def r_of_a_tall_transpose(m):  # (m 2 x 4: m.T tall, R 2 x 2; as before)
    q, r = np.linalg.qr(m.T)
    return np.sum(r * np.arange(4.0).reshape(2, 2)) + np.sum(q[:3] ** 3)


@pytest.mark.parametrize("f, shape", [(r_of_a_wide_transpose, (4, 3)),
                                      (q_of_a_wide_transpose, (5, 2)),
                                      (r_of_a_tall_transpose, (2, 4))])
def test_second_order_of_qr_with_one_length_known(rng, f, shape) -> None:
    check_hessian(f, rng.standard_normal(shape))


def q_columns_weighted(A, v):
    """A tall A: ``Q.T @ v`` has ``b`` entries, not ``a`` (the derivative once failed)."""
    Q, R = np.linalg.qr(A)
    return np.sum((Q.T @ v) ** 2 * np.arange(R.shape[0]))


@pytest.mark.parametrize("shape", [(7, 3), (3, 3), (3, 5)])
def test_qr_of_a_tall_square_or_wide_matrix(rng, shape) -> None:
    check_grad(q_columns_weighted, rng.standard_normal(shape), rng.standard_normal(shape[0]),
               wrt=(0, 1))


def riccati(A, Q, P0):
    P = P0
    for _ in range(6):
        P = A @ P @ A.T + Q
        P = P / np.trace(P)
    return np.trace(P @ P)


def flipped_sums(x, w):
    acc = np.zeros_like(x)
    for _ in range(3):
        acc = acc + np.cumsum(np.flip(x * w))
        x = np.roll(x, 1) * 0.9
    return np.sum(acc ** 2)


def kron_stack(a, b):
    k = np.kron(a, b)
    s = np.stack([a, a * 2.0], axis=1)
    return np.sum(np.sin(k)) + np.sum(s ** 3)


def head_and_tail(x):
    head = np.expand_dims(x[0] * 2.0, 0)
    return np.sum(np.concatenate([head, x]) ** 2)


@pytest.mark.parametrize("n", [2, 4])
def test_trace_in_a_loop_of_small_matrices(rng, n) -> None:
    A, Q = 0.5 * rng.standard_normal((n, n)), np.eye(n)
    check_grad(riccati, A, Q, np.eye(n), wrt=(0, 1, 2))
    g = s2sad.grad(riccati)
    g(A, Q, np.eye(n))
    assert "shape_of" not in g.source and "unbroadcast" not in g.source


@pytest.mark.parametrize("m", [1, 5])
def test_flip_cumsum_roll_in_a_loop(rng, m) -> None:
    check_grad(flipped_sums, rng.standard_normal(m), rng.standard_normal(m), wrt=(0, 1))


@pytest.mark.parametrize("shapes", [((3,), (2,)), ((1,), (4,))])
def test_kron_and_stack(rng, shapes) -> None:
    check_grad(kron_stack, *(rng.standard_normal(s) for s in shapes), wrt=(0, 1))


def test_a_number_given_an_axis_keeps_it_where_it_is_concatenated() -> None:
    """``np.expand_dims(number, 0)`` is the number only as an operand of arithmetic
    with an array (it broadcasts); concatenated it needs its axis (closed form)."""
    x = np.arange(1.0, 5.0)
    np.testing.assert_allclose(s2sad.grad(head_and_tail)(x), [10.0, 4.0, 6.0, 8.0])
    check_grad(head_and_tail, np.array([0.5, -1.0]))


def test_a_count_that_changes_the_shape_is_not_followed() -> None:
    """A number argument is tried as 1, 2 and 3: rot90's k and diff's n change the
    shape between tries (unknown lengths), roll's shift does not."""
    assert probe(np.rot90, (("array", ("a", "b")), ("number",)), ()) == (None, None)
    assert probe(np.diff, (("array", ("a",)), ("number",)), ()) == (None,)
    assert probe(np.roll, (("array", ("a", "b")), ("number",)), ()) == ("a", "b")


def rotated(x, k):
    return np.sum(np.rot90(x, k) * np.arange(x.size).reshape(np.rot90(x, k).shape))


@pytest.mark.parametrize("k", [1, 2])
def test_rot90_by_a_number(rng, k) -> None:
    check_grad(rotated, rng.standard_normal((2, 3)), k)
