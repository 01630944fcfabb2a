"""Lists inside lists and dicts: ``d[k].append(v)`` changes the list ``d`` holds (it was
left to run as a call, so the derivative lost the appended values: zero gradients with
no error); ``sum(rows, [])`` joins lists (it failed as an s2sad bug); and ``a + b`` of two
lists the compiler cannot tell from arrays (an item of a list of lists, a helper's
result unpacked) gave the adjoint of a sum, silently wrong: now refused with the
rewrite, which works.  Every differentiated case against central differences."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp

W = np.array([1.0, -2.0, 3.0, 0.5])


def history(x):
    d = {"a": [], "b": []}
    for i in range(x.shape[0]):
        d["a"].append(x[i] ** 2)
        if x[i] > 0:
            d["b"].append(np.sin(x[i]))
    return sum(d["a"]) + 3.0 * sum(d["b"])


def nested_rows(x):
    rows = [[], []]
    for i in range(x.shape[0]):
        rows[i % 2].append(x[i] * (i + 1))
    return np.sum(np.array(rows[0])) * np.sum(np.array(rows[1]) ** 2)


def extended_item(x, w):
    d = {"acts": [x[0]]}
    d["acts"].extend([x[1] * w, np.tanh(x[2])])
    d["acts"].insert(0, w ** 2)
    return np.array(d["acts"]) @ W


@pytest.mark.parametrize("n", [1, 3, 4])
def test_append_to_a_dict_item(n, rng):
    x = rng.standard_normal(n)
    check_grad(history, x)
    check_vjp(history, x)
    check_jvp(history, x)


def test_append_to_a_dict_item_both_branches():
    for x in (np.array([0.5, 0.7]), np.array([-0.5, -0.7]), np.array([0.5, -0.7])):
        check_grad(history, x)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_append_to_a_list_item(n, rng):
    x = rng.standard_normal(n)
    check_grad(nested_rows, x)
    check_jvp(nested_rows, x)


def test_extend_and_insert_into_an_item(rng):
    x = rng.standard_normal(3)
    check_grad(extended_item, x, 0.8, wrt=(0, 1))
    check_jvp(extended_item, x, 0.8, wrt=(0, 1))


def taken_out_and_appended(x):
    d = {"a": []}
    for i in range(x.shape[0]):
        it = d["a"]
        it.append(x[i])
    return np.sum(np.array(d["a"]) * 2)


def held_twice(x):
    lst = []
    d = {"a": lst}
    d["a"].append(x[0])
    return np.sum(np.array(lst) * 2)


@pytest.mark.parametrize("f", [taken_out_and_appended, held_twice])
def test_a_list_shared_with_a_container(f):
    """Python changes the list the container holds (and ``lst``): the dict's slot is
    filled again after the append (test_container_slots.py); was refused."""
    from gradcheck import check_grad, check_jvp
    for x in (np.array([1.0, 2.0]), np.array([-0.3, 1.2, 0.8])):
        check_grad(f, x)
        check_jvp(f, x)


def joined(x):
    return np.array(sum([[x[0], x[1] ** 2], [np.sin(x[2])], []], [])) @ W[:3]


def joined_rows(x):
    rows = [[x[i], x[i] * x[0]] for i in range(x.shape[0])]
    return np.sum(np.array(sum(rows, [])) ** 2)


def joined_tuples(x, w):
    pairs = [(x[0] * w,), (x[1], w)]
    return np.prod(np.array(sum(pairs, ())))


@pytest.mark.parametrize("n", [3, 4])
def test_sum_joins_lists(n, rng):
    x = rng.standard_normal(n)
    check_grad(joined, x)
    check_jvp(joined, x)
    check_grad(joined_rows, x)
    check_vjp(joined_rows, x)
    check_jvp(joined_rows, x)
    check_grad(joined_tuples, x, 1.3, wrt=(0, 1))
    check_jvp(joined_tuples, x, 1.3, wrt=(0, 1))


def two(x):
    return [x[0], x[1]]


def unpacked_joined(x):
    a, b = two(x), [x[2]]
    return np.array(a + b) @ W[:3]


def unpacked_repeated(x):
    a, b = two(x), x[2]
    return np.array(2 * a) @ W * b


def unpacked_joined_tuples(x):
    a, b = tuple(two(x)), (x[2],)
    pair = (a, b)
    first, second = pair
    return np.array(first + second) @ W[:3]


def item_of_a_changed_list_repeated(x):
    rows = [[x[0], x[1]], [x[2]]]
    rows.append(x * 1.5)
    row = rows[1]
    twice = row * 2
    return np.sum(np.array(twice) ** 2) + np.sum(rows[2])


def repeated_list_argument(xs):
    ys = xs[0] * 2
    return np.sum(np.array(ys) ** 2)


@pytest.mark.parametrize("f", [unpacked_joined, unpacked_repeated, unpacked_joined_tuples,
                               item_of_a_changed_list_repeated])
def test_unknown_lists_joined_refused(f):
    """Where the compiler cannot tell the lists from numbers, the derivative of a sum or
    product would be silently wrong: refused at the line."""
    x = np.array([0.3, -1.2, 0.8])
    with pytest.raises(s2sad.DifferentiationError, match=r"\.py:\d+: \+ or \* of lists"):
        s2sad.grad(f)(x)


def items_joined(x):
    parts = [[x[0]], [x[1], x[2]]]
    return np.array(parts[0] + parts[1]) @ W[:3]


def dict_items_joined(x):
    d = {"a": [x[0]], "b": [x[1], x[2]]}
    return np.array(list(d["a"]) + list(d["b"])) @ W[:3]


def items_repeated(x):
    parts = [[x[0], x[1]], [x[2]]]
    return np.array(parts[0] * 2 + parts[1]) @ np.arange(5.0)


@pytest.mark.parametrize("f", [items_joined, dict_items_joined, items_repeated])
def test_items_of_lists_written_in_the_function_join(f, rng):
    """``parts[0] + parts[1]`` of a list of lists written in the function: joined (its
    derivative was that of a sum: wrong, with no error)."""
    x = rng.standard_normal(3)
    check_grad(f, x)
    check_jvp(f, x)


def item_repeated_in_place(x):
    parts = [[x[0], x[1]], [x[2]]]
    c = parts[0]
    c *= 2
    return np.array(c) @ np.arange(4.0)


def item_named_then_joined(x):
    parts = [[x[0]], [x[1], x[2]]]
    c = parts[1]
    d = c + [x[0] ** 2]
    return np.array(d) @ W[:3]


def rows_of_a_comprehension(x):
    rows = [[x[i], x[i] * 2] for i in range(3)]
    r = rows[0] + rows[2] * 2
    return np.array(r) @ np.arange(6.0)


@pytest.mark.parametrize("f", [item_repeated_in_place, item_named_then_joined,
                               rows_of_a_comprehension])
def test_named_items_of_lists_of_lists(f, rng):
    """An item of a list of lists bound to a name, then ``*=`` or ``+`` (the adjoint of
    a product, wrong with no error in reverse mode)."""
    x = rng.standard_normal(3)
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)


def _add_row(rows, v):
    rows.append(v)


def appended_then_multiplied(x):
    rows = [[x[0]]]
    rows.append(x)
    return np.sum(rows[0] * rows[1])


def replaced_then_multiplied(x):
    rows = [[x[0]], x]
    rows[0] = x * 2
    return np.sum(rows[0] * rows[1])


def appended_by_a_helper(x):
    rows = [[x[0]]]
    _add_row(rows, x)
    return np.sum(rows[0] * rows[1])


def appended_through_an_alias(x):
    rows = [[x[0]]]
    alias = rows
    alias.append(x ** 2)
    return np.sum(rows[0] * rows[1])


@pytest.mark.parametrize("f", [appended_then_multiplied, replaced_then_multiplied,
                               appended_by_a_helper, appended_through_an_alias])
def test_lists_of_lists_changed_in_place_stay_numbers(f, rng):
    """A list of lists that gets an array (appended, an item replaced, by a helper or
    through another name): its items are not taken for lists (``[x0] * x`` broadcasts)."""
    x = rng.standard_normal(3)
    check_grad(f, x)
    check_jvp(f, x)


def items_joined_as_lists(x):
    parts = [[x[0]], [x[1], x[2]]]
    return np.array(list(parts[0]) + list(parts[1])) @ W[:3]


def items_joined_as_tuples(x):
    parts = [(x[0],), (x[1], x[2])]
    return np.array(tuple(parts[0]) + parts[1]) @ W[:3]


def sorted_joined(x):
    return np.array(sorted([x[1], x[0]]) + [x[2]]) @ W[:3]


@pytest.mark.parametrize("f", [items_joined_as_lists, items_joined_as_tuples, sorted_joined])
def test_the_rewrite_works(f, rng):
    x = rng.standard_normal(3)
    check_grad(f, x)
    check_jvp(f, x)


def test_repeated_item_of_a_list_argument_refused():
    """``xs[0] * 2`` of a list argument whose item is a list: repeated, its adjoint (of the
    item's length times 2) refused where it meets the list's, not truncated silently."""
    with pytest.raises(s2sad.DifferentiationError, match=r"\.py:\d+: \+ or \* of lists"):
        s2sad.grad(repeated_list_argument)([[0.3, -0.2], [1.0]])
