"""``xs[k] += v`` on a list's or dict's item: Python adds into the item's object in
place (an array there changes for every name holding it), not into a new object put in
the slot.  Where another live name holds that array and the item's slot is known (a
literal's, kept slot by slot by the alias stage: test_container_slots.py), that name reads
the slot again after the write (``y = xs[0]``); where none does the value is the same
either way."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def list_item_shared(x):
    y = x * 1.0
    z = x * 3.0
    xs = [y, z]
    xs[0] += 1.0
    return np.sum(xs[0] * x) + np.sum(y * z)


def dict_item_shared(x):
    y = x * 1.0
    d = {"a": y}
    d["a"] *= 2.0
    return np.sum(d["a"] * x) + np.sum(y)


def list_item_shared_in_loop(x):
    y = np.tanh(x)
    xs = [y, x * 2.0]
    for _ in range(2):
        xs[0] -= 0.5 * x
    return np.sum(xs[0]) + np.sum(y ** 2)


def _seen_by_the_other_name(fn) -> None:
    """Python's value; gradient, JVP and Hessian against differences, both branches."""
    for x in (np.array([0.3, -1.2, 2.0]), np.array([-0.3, 1.2, 2.0])):
        value, _ = s2sad.value_and_grad(fn)(x)
        assert value == pytest.approx(fn(x.copy()), rel=1e-12)
        check_grad(fn, x)
        check_jvp(fn, x)
        check_hessian(fn, x)


@pytest.mark.parametrize("fn", [list_item_shared, dict_item_shared,
                                list_item_shared_in_loop])
def test_a_write_into_an_item_another_name_holds(fn) -> None:
    _seen_by_the_other_name(fn)


def list_items_own(x):
    xs = [x * 1.0, x * 2.0]
    xs[0] += 1.0
    xs[1] *= xs[0]
    return np.sum(xs[0] * xs[1])


def dict_accumulators(x, w):
    acc = {"s": np.zeros(3), "q": np.zeros(3)}
    for i in range(len(x)):
        acc["s"] += x[i] * w
        acc["q"] += (x[i] * w) ** 2
    return np.sum(acc["s"] * acc["q"])


def list_of_numbers(x):
    ts = [x[0], x[1]]
    ts[0] += x[1] * 2.0
    ts[1] *= ts[0]
    return ts[0] + ts[1]


@pytest.mark.parametrize("fn, args", [
    (list_items_own, (np.array([0.3, -1.2, 2.0]),)),
    (dict_accumulators, (np.array([0.5, -0.7, 1.1, 0.2]), np.array([1.0, -2.0, 0.5]))),
    (list_of_numbers, (np.array([0.4, -1.3]),)),
])
def test_items_no_other_name_holds_are_right(fn, args) -> None:
    check_grad(fn, *args, wrt=tuple(range(len(args))))


def test_a_closed_form() -> None:
    x = np.array([0.3, -1.2, 2.0])
    # xs[0] = x + 1, xs[1] = 2x (x + 1): f = sum(2 x (x + 1)^2)
    expected = 2 * (x + 1) ** 2 + 4 * x * (x + 1)
    np.testing.assert_allclose(s2sad.grad(list_items_own)(x), expected, rtol=1e-12)


def shared_item_in_a_helper(x):
    def bump(items, v):
        items[0] += v
        return items
    y = x * 1.0
    xs = bump([y, x * 2.0], x)
    return np.sum(xs[0]) + np.sum(y * x)


def shared_item_in_a_branch(x):
    y = x * 1.0
    xs = [y, x * 2.0]
    if x[0] > 0:
        xs[0] *= 2.0
    return np.sum(xs[0] * y)


@pytest.mark.parametrize("fn", [shared_item_in_a_helper, shared_item_in_a_branch])
def test_helper_and_branch_writes_into_a_shared_item(fn) -> None:
    _seen_by_the_other_name(fn)


def shared_item_of_unknown_slot(x):
    y = x * 1.0
    xs = [x * 2.0, x * 3.0]
    xs.append(y)  # (the list grown: its slots no longer known)
    xs[2] += 1.0
    return np.sum(xs[2] * y)


def test_a_write_into_an_item_of_unknown_slot_is_refused() -> None:
    with pytest.raises(s2sad.DifferentiationError, match=r"test_augmented_items\.py:\d+: "
                                                          r"in-place write"):
        s2sad.grad(shared_item_of_unknown_slot)(np.array([0.3, -1.2, 2.0]))


def own_item_in_a_branch(x):
    xs = [x * 1.0, x * 2.0]
    if x[0] > 0:
        xs[0] *= xs[1]
    else:
        xs[1] += 1.0
    return np.sum(xs[0] * xs[1])


@pytest.mark.parametrize("x", [np.array([0.3, -1.2, 2.0]), np.array([-0.3, 1.2, 2.0])])
def test_own_items_both_branches_forward_and_second_order(x) -> None:
    check_grad(own_item_in_a_branch, x)
    check_jvp(own_item_in_a_branch, x)
    check_hessian(own_item_in_a_branch, x)
