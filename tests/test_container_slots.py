"""An in-place write into an array that a tuple, list or dict literal of the function
also holds (s2sad/compiler/alias_writes.py, ``refilled``): Python's container sees the
write, so after it the container's slot is filled again with the array (``d = setitem(d,
'a', a)``, a tuple made again).  The alias stage keeps such containers slot by slot
(``alias_objects.slot_items``) while nothing else writes into them; a write it cannot
follow (an append, an index not constant, a container inside another) is still refused.
These were the random programs' most frequent refusal."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp


def _checked(f, *args, wrt=0):
    """The value is f's, the gradient and both modes match differences, the arguments
    are left as they were."""
    before = [np.copy(a) for a in args]
    value, _ = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == pytest.approx(f(*args), rel=1e-12, abs=1e-12)
    for a, b in zip(args, before):
        assert np.array_equal(a, b)
    check_grad(f, *args, wrt=wrt)
    check_vjp(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


X = np.array([0.5, -1.2, 0.8, 1.4])
Y = np.array([0.3, 0.9, -0.7, 0.2])


# ----- a dict holding the array written

def dict_then_write(x):
    a = x * 2.0
    d = {'a': a}
    a[0] = np.sin(x[1])
    return np.sum(d['a'] ** 2)


def dict_two_keys_augmented(x, y):
    a = np.tanh(x)
    d = {'p': a, 'q': y}
    a[1:3] += y[0] * x[2:]
    return np.sum(d['p'] * d['q']) + np.sum(a)


def dict_written_in_loop(x):
    a = x * 1.0
    d = {'a': a, 'n': 3.0}
    for k in range(1, 4):
        a[k] = a[k - 1] * np.cos(x[k])
    return np.sum(d['a']) * d['n']


def dict_get_after_write_in_branch(x, y):
    a = x + y
    d = {'u': a}
    if np.sum(x) > 0.0:
        a[2] = x[0] * y[1]
    else:
        a[0] = np.exp(y[3])
    return np.sum(np.sin(d.get('u')))


# ----- a list holding it

def list_added_into(x, y):
    a = x * 1.0
    b = y + 1.0
    xs = [a, b]
    a[1] += y[0] ** 2
    return sum(np.sum(v) for v in xs) + np.sum(xs[0] * xs[1])


def list_read_by_negative_index(x, y):
    a = np.sin(x)
    b = y * 1.0
    xs = [b, a]
    a *= y
    return np.sum(xs[-1] ** 2) + np.sum(xs[0])


def list_item_replaced_before(x, y):
    a = x * 3.0
    b = y * 1.0
    xs = [a, b]
    xs[1] = np.cos(x)
    a[0] = y[2]
    return np.sum(xs[0] * xs[1]) + np.sum(b)


def list_two_names(x):
    a = x ** 2
    xs = [a, x]
    ys = xs
    a[3] = np.sin(x[0])
    return np.sum(ys[0]) + np.sum(xs[0] * xs[1])


# ----- a tuple

def tuple_then_write(x):
    a = np.tanh(x)
    t = (a, x)
    a[0] = 3.0 * x[2]
    return np.sum(t[0] * t[1])


def tuple_unpacked_after(x, y):
    a = x * y
    t = (y, a, 2.0)
    a[2:] = np.sin(a[:2])
    p, q, r = t
    return np.sum(p * q) * r


def tuple_item_taken_before(x):
    a = x + 0.5
    t = (a, x)
    first = t[0]
    a[1] = x[3] ** 2
    return np.sum(first * t[1]) + np.sum(t[0])


# ----- written through the container: the names holding the item read it again

def item_written_through_dict(x):
    a = x * 1.0
    d = {'a': a}
    d['a'][1] = x[0] ** 2
    return np.sum(a * d['a'])


def item_added_into_through_list(x, y):
    a = x * 1.0
    xs = [a, y]
    xs[0] += np.sin(y)
    return np.sum(a) + np.sum(xs[0] * xs[1])


def item_written_in_loop(x):
    a = np.cos(x)
    xs = [x, a]
    for k in range(3):
        xs[1][k + 1] = xs[1][k] * x[k]
    return np.sum(a ** 2) + np.sum(xs[1])


def item_scaled_in_branch(x, y):
    a = x + y
    d = {'p': a, 'q': y}
    if x[1] > 0.0:
        d['p'] *= y
    else:
        d['q'] = d['p'] * 3.0
    return np.sum(a * d['q']) + np.sum(d['p'])


def tuple_item_written_into(x):
    pair = (x * 1.0, x[:2] * 2.0)  # (items of two shapes: was a ValueError, the tuple
    pair[0][1] = 3.0 * x[0]  # taken for an array by the functional setitem)
    return np.sum(pair[0] * x) + np.sum(pair[1])


def tuple_item_written_into_shared(x):
    z = x * 1.0
    pair = (z, x[:2] * 2.0, 3.0)
    pair[0][1] = 3.0 * x[0]
    return np.sum(z * x) + np.sum(pair[1]) * pair[2]


CASES = [
    (dict_then_write, (X,)), (dict_two_keys_augmented, (X, Y)),
    (dict_written_in_loop, (X,)), (dict_get_after_write_in_branch, (X, Y)),
    (dict_get_after_write_in_branch, (-X, Y)),
    (list_added_into, (X, Y)), (list_read_by_negative_index, (X, Y)),
    (list_item_replaced_before, (X, Y)), (list_two_names, (X,)),
    (tuple_then_write, (X,)), (tuple_unpacked_after, (X, Y)),
    (tuple_item_taken_before, (X,)),
    (item_written_through_dict, (X,)), (item_added_into_through_list, (X, Y)),
    (item_written_in_loop, (X,)), (item_scaled_in_branch, (X, Y)),
    (item_scaled_in_branch, (-X, Y)),
    (tuple_item_written_into, (X,)), (tuple_item_written_into_shared, (X,)),
]


@pytest.mark.parametrize("f, args", CASES, ids=[f"{f.__name__}-{i}" for i, (f, _) in
                                                enumerate(CASES)])
def test_container_sees_write(f, args):
    for wrt in range(len(args)):
        _checked(f, *args, wrt=wrt)


def test_hessian_through_dict():
    h = s2sad.hessian(dict_then_write)(X)
    eps = 1e-5
    g = s2sad.grad(dict_then_write)
    fd = np.array([(g(X + eps * e) - g(X - eps * e)) / (2 * eps) for e in np.eye(4)])
    assert np.allclose(h, fd, atol=1e-5)


# ----- what stays refused

def list_appended_then_write(x):
    a = x * 1.0
    xs = [a]
    xs.append(x)
    a[0] = 5.0
    return np.sum(xs[0])


def nested_container(x):
    a = x * 1.0
    xs = [a, x]
    ys = [xs]
    a[0] = 5.0
    return np.sum(ys[0][0])


def slot_chosen_by_branch(x):
    a = x * 1.0
    xs = [x, x]
    if x[0] > 0:
        xs[0] = a
    else:
        xs[1] = a
    a[0] = 5.0
    return np.sum(xs[0] * xs[1])


@pytest.mark.parametrize("f", [list_appended_then_write, nested_container,
                               slot_chosen_by_branch])
def test_still_refused_or_right(f):
    """Refused honestly, or (if a later change follows it) right."""
    try:
        _checked(f, X)
    except s2sad.DifferentiationError as e:
        assert "in-place write" in str(e)
    try:
        _checked(f, -X)
    except s2sad.DifferentiationError:
        pass


# ----- xs.pop() changes the list every name holding it sees (was taken for a new list:
# ys kept the popped item, a wrong gradient)

def popped_through_other_name(x):
    a = x * 1.0
    xs = [x, a, x * 2]
    ys = xs
    xs.pop(0)
    return np.sum(ys[0] * ys[1])


def popped_last_then_read_by_other(x):
    xs = [np.sin(x), x ** 2]
    ys = xs
    last = xs.pop()
    return np.sum(ys[0]) * len(ys) + np.sum(last)


def popped_in_branch(x):
    xs = [x, 2.0 * x, np.cos(x)]
    ys = xs
    if x[0] > 0.0:
        first = xs.pop(0)
    else:
        first = xs.pop()
    return np.sum(first * ys[0]) + np.sum(ys[-1])


def popped_then_written(x):
    a = x * 1.0
    xs = [x, a]
    xs.pop(0)
    a[0] = 5.0
    return np.sum(xs[0])


@pytest.mark.parametrize("f", [popped_through_other_name, popped_last_then_read_by_other,
                               popped_in_branch])
def test_pop_seen_by_every_name(f):
    _checked(f, X)
    _checked(f, -X)


def test_pop_then_write_refused():
    with pytest.raises(s2sad.DifferentiationError, match="in-place write to a"):
        s2sad.grad(popped_then_written)(X)
