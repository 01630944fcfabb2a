"""Copies made inside the function.

- ``m = l.copy(); m[0] = v`` of a list (or dict) the function made: the item of the copy
  is replaced, the original keeps its own; it was refused as "m shares its memory with
  l" (only copies of arguments and globals were known to be containers).  Writing *into*
  an item both hold (``m[0][1] = v``, ``m[0] += v``) changes the original's item too,
  and stays refused.
- ``x.copy(order='F')`` (``'C'``, ``'K'``) was refused (the keyword); the copy's memory
  order is what a later ``ravel(order='A')`` reads.

Checked against central differences in float64, forward mode too, both branches."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

X = np.random.default_rng(5).standard_normal((3, 4))
W = np.arange(12.0)


def replaced_in_a_list_copy(x):
    kept = [x[0], x[1]]
    changed = kept.copy()
    changed[0] = x[2] * 2
    return np.sum(kept[0] * changed[0]) + np.sum(changed[1])


def replaced_in_a_dict_copy(x):
    kept = {"a": x[0], "b": x[1] * 2}
    changed = kept.copy()
    changed["a"] = x[2] ** 2
    return np.sum(kept["a"] * changed["a"]) + np.sum(changed["b"])


def replaced_in_a_branch_then_appended(x):
    kept = [x[0], x[1]]
    changed = kept.copy()
    if x[0, 0] > 0:
        changed[1] = x[2] * 3
    changed.append(x[0] ** 2)
    return np.sum(kept[1] * changed[1]) + np.sum(changed[2]) + len(kept)


@pytest.mark.parametrize("f", [replaced_in_a_list_copy, replaced_in_a_dict_copy,
                               replaced_in_a_branch_then_appended])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_an_item_of_a_local_containers_copy_is_replaced(f, sign):
    check_grad(f, sign * X)
    check_jvp(f, sign * X)


def test_the_original_keeps_its_item():
    g = s2sad.grad(replaced_in_a_list_copy)(X)  # d/dx of sum(x0 * 2 x2) + sum(x1)
    np.testing.assert_allclose(g, np.stack([2 * X[2], np.ones(4), 2 * X[0]]), rtol=1e-12)


def written_into_a_shared_item(x):
    kept = [x[0] * 1.0, x[1]]
    changed = kept.copy()
    changed[0][1] = 5.0 * x[2, 0]
    return np.sum(kept[0] * x[1]) + np.sum(changed[1])


def added_into_a_shared_item(x):
    kept = [x[0] * 1.0, x[1]]
    changed = kept.copy()
    changed[0] += x[2]
    return np.sum(kept[0] ** 2) + np.sum(changed[0] * changed[1])


@pytest.mark.parametrize("f", [written_into_a_shared_item, added_into_a_shared_item])
def test_a_write_into_an_item_both_hold_stays_refused(f):
    with pytest.raises(s2sad.DifferentiationError, match="shares its memory with kept"):
        s2sad.grad(f)(X)


def fortran_copy_read_as_stored(x):
    return np.sum(x.copy(order='F').ravel('A') * W)


def c_copy_of_a_transpose_in_memory_order(x):
    return np.sum(x.T.copy('C').ravel(order='K') * W)


def kept_layout_copy_of_a_transpose(x):
    return np.sum(np.ravel(x.T.copy(order='K'), 'K') * W)


@pytest.mark.parametrize("f", [fortran_copy_read_as_stored,
                               c_copy_of_a_transpose_in_memory_order,
                               kept_layout_copy_of_a_transpose])
def test_a_copy_in_a_memory_order(f):
    check_grad(f, X)
    check_jvp(f, X)
