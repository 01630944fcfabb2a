"""Vectors one shorter than another (a stiffness per bond of a chain, ``k`` beside
``x[1:] - x[:-1]``): the shape class gives the longer length as the shorter's symbol
plus one (``"a+1"``, shape_classes.offsets), so the slice is provably as long as the
argument and no helper stays (``unbroadcast``, ``repeat_to``).  Each against central
differences."""
import numpy as np
import pytest

from gradcheck import check_grad, grad_source
from s2sad.compiler import affine, shape_classes


def _plain(classes: list) -> list:
    """The classes without the mark of a short length (``a_s``: under 16)."""
    return [tuple(d.replace(shape_classes.SHORT, "") if isinstance(d, str) else d
                  for d in c) for c in classes]


def test_offset_classes() -> None:
    assert shape_classes.symbolic([(20,), (19,)]) == [("a+1",), ("a",)]
    assert shape_classes.symbolic([(10,), (9,)]) == [("a_s+1",), ("a_s",)]
    assert _plain(shape_classes.symbolic([(10,), (9,), (10, 3)])) == [
        ("a+1",), ("a",), ("a+1", "b")]
    # of vectors only: a matrix's lengths one apart are most often a coincidence
    assert _plain(shape_classes.symbolic([(9,), (10, 3)])) == [("a",), ("b", "c")]
    assert _plain(shape_classes.symbolic([(4, 3)])) == [("a", "b")]
    # a run: the shortest is the base, a length two more stays a symbol of its own
    assert _plain(shape_classes.symbolic([(7,), (8,), (9,)])) == [("a",), ("a+1",), ("b",)]
    # a multiple's base stays a symbol; 1 stays an int
    assert _plain(shape_classes.symbolic([(4, 16), (3,)])) == [("a", "4*a"), ("b",)]
    assert _plain(shape_classes.symbolic([(2,), (3,), (1,)])) == [("a",), ("a+1",), (1,)]
    assert affine.form("a+1") == affine.Lin((("a", 1),), 1)
    assert affine.long("a+1") and affine.same("a+1", affine.Lin((("a", 1),), 1))


def bonds(x, k, rest):
    d = x[1:] - x[:-1]
    s = d - rest
    return 0.5 * np.sum(k * s ** 2) + 0.1 * np.sum(x ** 4)


def midpoints(x, w):
    m = 0.5 * (x[1:] + x[:-1])
    return np.sum(w * np.sin(m)) / np.sum(w ** 2)


def weighted_steps(t, v):
    dt = t[1:] - t[:-1]
    return np.sum(dt * v ** 2) + np.sum(np.log(dt))


@pytest.mark.parametrize("case", ["bonds", "midpoints", "steps"])
def test_arguments_one_shorter(rng, case) -> None:
    n = 7
    if case == "bonds":
        f, args, wrt = bonds, (rng.standard_normal(n), rng.uniform(0.5, 2, n - 1), 0.3), \
            (0, 1)
    elif case == "midpoints":
        f, args, wrt = midpoints, (rng.standard_normal(n), rng.standard_normal(n - 1)), \
            (0, 1)
    else:
        f, args, wrt = weighted_steps, (np.cumsum(rng.uniform(0.5, 1, n)),
                                        rng.standard_normal(n - 1)), (0, 1)
    check_grad(f, *args, wrt=wrt)
    src = grad_source(f, *args, wrt=wrt)
    assert "unbroadcast" not in src and "repeat_to" not in src


def test_the_same_function_when_lengths_do_not_relate(rng) -> None:
    check_grad(bonds, rng.standard_normal(6), rng.uniform(0.5, 2, 1), 0.3, wrt=(0, 1))
    check_grad(bonds, rng.standard_normal(6), 1.5, 0.3, wrt=(0,))
