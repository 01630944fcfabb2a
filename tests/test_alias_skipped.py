"""The alias analysis runs only for a function with a statement that may write into an
object (``alias._may_write``): a write through another name (item, augmented, list
append) is still followed, a function with none computes the same; values and
gradients against what Python computes and central differences."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import numerical_grad


def _check(f, *args):
    saved = [np.copy(a) for a in args]
    value, grad = s2sad.value_and_grad(f)(*args)
    for a, b in zip(args, saved):
        assert np.array_equal(a, b), "an argument was written"
    python = f(*[np.copy(a) for a in args])
    np.testing.assert_allclose(value, python, rtol=1e-12)
    expected = numerical_grad(lambda *a: f(*[np.copy(b) for b in a]), args)
    np.testing.assert_allclose(grad, expected, rtol=1e-6, atol=1e-8)


def item_write_through_alias(x):
    y = x * 1.0
    z = y  # z and y one array: the write below changes what z reads
    y[0] = y[1] * 3.0
    return np.sum(z * x)


def augmented_through_alias(x):
    y = x * 2.0
    z = y
    y += x * x  # in place: z sees it
    return np.sum(z * z)


def appended_through_alias(x):
    rows = [x * 1.0]
    same = rows
    rows.append(x * x)  # the list both names hold
    return np.sum(same[0] * same[1]) + len(same)


def no_write(x):
    y = x * 2.0
    z = y
    return np.sum(z * np.sin(y))


def test_alias_analysis_only_where_a_write_may_be() -> None:
    import gast

    from s2sad.compiler import alias, gast_parse
    body = gast_parse.parse("y = x\nx = setitem(x, 0, 1.0)\nz = f(y, 2)\n").body
    assert [alias._may_write(s) for s in body] == [False, True, False]
    augmented = gast_parse.parse("y = y + x\n").body[0]
    assert not alias._may_write(augmented)
    augmented.s2sad_augmented = True
    assert alias._may_write(augmented)
    assert not alias._may_write(gast.Pass())


def test_item_write_through_alias() -> None:
    _check(item_write_through_alias, np.array([0.5, -1.2, 2.0]))


def test_augmented_write_through_alias() -> None:
    _check(augmented_through_alias, np.array([0.5, -1.2, 2.0]))


def test_append_through_alias() -> None:
    _check(appended_through_alias, np.array([0.5, -1.2, 2.0]))


def test_no_write() -> None:
    _check(no_write, np.array([0.5, -1.2, 2.0]))


def _written_in_helper(p0):
    a1 = p0
    a1[1:] *= 2.0
    return np.sum(a1)


def refused_in_helper(x):
    c = x * 1.0
    v = c[::-1] if x[0] > 0 else c[1:]
    return _written_in_helper(v) + np.sum(c * x)


def refused_through_parameter(x):
    return _written_in_helper(x[::-1] if x[0] > 0 else x[1:]) + np.sum(x)


@pytest.mark.parametrize("f", [refused_in_helper, refused_through_parameter])
def test_refusal_names_the_written_variable_as_the_user_wrote_it(f):
    """A helper's variable bound to the caller's view is named as the helper's line
    spells it (``a1``), not by the compiler's name for the argument."""
    with pytest.raises(s2sad.DifferentiationError) as info:
        s2sad.grad(f)(np.array([0.3, 0.7, 1.1]))
    message = str(info.value)
    assert "in-place write to a1" in message and "a1 = a1 + ..." in message
    assert "_item" not in message
