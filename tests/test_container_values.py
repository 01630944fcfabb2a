"""Container methods whose value shares an item, and adjoints of a sequence taken
back to its argument's kind.  Found wrong (silently): ``d.setdefault(k, []).append(v)``
gave a zero gradient (the value was taken as a new list, the append a call left as it
was), ``lst = d.get(k); lst.append(v)`` lost ``v``'s gradient (``d.get`` was taken to
make a new object, so the write was not seen as a write into ``d``), ``list(z)`` of a
complex array dropped the imaginary part of the adjoint, and two ``sorted`` of one
array added their adjoints as lists (joined: a crash).  Now ``d.setdefault(k, v)`` is
``if k not in d: d[k] = v`` then ``d[k]``, a list method called on any other
expression names it first (so the alias stage sees who shares it), ``d.get(k)``
shares ``d[k]``'s object, and ``sorted``'s adjoint has its argument's kind.  Checked
against finite differences; writes Python would make through a shared item are
refused at the user's line."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp, numerical_grad

X = np.array([0.3, -1.2, 0.7, 2.0])


def grouped_by_parity(x):
    d = {}
    for i in range(4):
        d.setdefault(i % 2, []).append(x[i])
    return sum(d[0]) * sum(d[1])


def grouped_by_name(x):
    d = {}
    for i in range(4):
        d.setdefault("even" if i % 2 == 0 else "odd", []).append(x[i] ** 2)
    return sum(d["even"]) - 2.0 * sum(d["odd"])


def extended_from_a_default(x):
    d = {}
    for i in range(4):
        d.setdefault(i % 2, [x[3]]).extend([x[i], 2.0 * x[i]])
    return sum(d[0]) * sum(d[1])


def grouped_by_sign(x):
    groups = {}
    for i in range(4):
        if x[i] > 0:
            groups.setdefault("pos", []).append(x[i])
        else:
            groups.setdefault("neg", []).append(x[i] ** 3)
    return sum(groups.get("pos", [])) * 2.0 + sum(groups.get("neg", []))


def default_values(x):
    d = {"k": 1.0}
    v = d.setdefault("k", x[0])  # present: 1.0, x[0] unused
    w = d.setdefault("m", x[1] * 3.0)  # missing: written
    return v * w + d["m"] * x[2]


def default_statement(x):
    d = {}
    d.setdefault("a", x * 2)
    d.setdefault("a", x * 5)  # present: no change
    return np.sum(d["a"] * x)


@pytest.mark.parametrize("f", [grouped_by_parity, grouped_by_name, extended_from_a_default,
                               default_values, default_statement])
def test_setdefault_changes_the_dict_where_python_does(f):
    check_grad(f, X)
    check_vjp(f, X)
    check_jvp(f, X)


@pytest.mark.parametrize("x", [X, -X, np.abs(X)], ids=["mixed", "flipped", "positive"])
def test_setdefault_in_both_branches(x):
    assert np.any(x > 0)
    check_grad(grouped_by_sign, x)
    check_jvp(grouped_by_sign, x)


def grouped_by_sign_value(x):
    groups = {}
    for i in range(4):
        bucket = groups.setdefault("pos" if x[i] > 0 else "neg", [0.0])
        bucket[0] = bucket[0] + x[i] ** 2  # a write through a name sharing the dict's list
    return groups["pos"][0] + 3.0 * groups.get("neg", [0.0])[0]


def appended_through_get(x):
    d = {"a": [x[0]]}
    lst = d.get("a")
    lst.append(x[1])
    return sum(d["a"]) * x[2]


def appended_to_get(x):
    d = {"a": [x[0]]}
    d.get("a").append(x[1] ** 2)
    return sum(d["a"]) * x[2]


def appended_through_get_default(x):
    spare = [x[3]]
    d = {"a": [x[0]]}
    lst = d.get("b", spare)
    lst.append(x[1])
    return sum(spare) * x[2]


@pytest.mark.parametrize("f", [appended_through_get, appended_to_get])
def test_appends_through_an_item_of_a_dict_literal(f):
    """The dict's slot is filled again with the list after the append (the alias stage
    keeps a literal's slots: test_container_slots.py)."""
    check_grad(f, X)
    check_vjp(f, X)
    check_jvp(f, X)


@pytest.mark.parametrize("f", [grouped_by_sign_value, appended_through_get_default])
def test_writes_through_an_item_taken_by_a_method_are_refused(f):
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_container_values.py:\d+: in-place write"):
        s2sad.grad(f)(X)


def read_through_get(x):
    d = {"a": [x[0], x[1] ** 2]}
    lst = d.get("a")
    more = lst + [x[2]]  # a new list: d keeps its own
    return sum(more) * sum(d.get("a"))


def appended_to_a_new_list(x):
    rows = [[x[0]], [x[1]]]
    list(rows).append([x[2]])  # a new list changed: rows not
    return sum(rows[0]) * x[3] + sum(rows[1])


@pytest.mark.parametrize("f", [read_through_get, appended_to_a_new_list])
def test_values_of_methods_read_only(f):
    check_grad(f, X)
    check_jvp(f, X)


def sorted_twice(x):
    return sorted(x)[0] * 2 + sorted(x, reverse=True)[0]


def first(r):
    return r[0]


def second(r):
    return r[1]


def sorted_rows_twice(m):
    rows = sorted(m, key=first)
    back = sorted(m, key=second, reverse=True)
    return np.sum(rows[0] * back[0]) + np.sum(rows[-1])


def sorted_and_listed(x):
    return sorted(x)[1] * list(x)[0] + max(x)


def test_sorted_adjoints_of_one_array_add_as_arrays():
    check_grad(sorted_twice, np.array([1.0, -2.0, 3.0]))
    check_grad(sorted_twice, np.array([-1.0, 2.0, 0.5, 4.0]))
    m = np.array([[0.3, 2.0], [-1.0, 0.5], [1.5, -0.7]])
    check_grad(sorted_rows_twice, m)
    check_vjp(sorted_rows_twice, m)
    check_grad(sorted_and_listed, np.array([1.0, -2.0, 3.0]))
    check_jvp(sorted_and_listed, np.array([1.0, -2.0, 3.0]))


Z = np.array([1.0 + 2.0j, 0.5 - 1.0j, -0.3 + 0.4j])


def listed_complex(z):
    return np.real(list(z)[0] * np.conj(list(z)[0])) + np.abs(z[1]) ** 2


def unpacked_complex(z):
    a, b, c = tuple(z)
    return np.abs(a * b) ** 2 + np.real(c) * 3.0


def sorted_complex(z):
    return np.abs(sorted(list(z), key=np.abs)[0]) ** 2 + np.imag(z[0])


def complex_gradient(f, z):
    """d f / d Re z - i d f / d Im z (s2sad's convention for a real f of complex z,
    autograd's: the gradient of |z|^2 is 2 conj(z)), by central differences."""
    re = numerical_grad(lambda r: f(r + 1j * z.imag), [z.real])
    im = numerical_grad(lambda i: f(z.real + 1j * i), [z.imag])
    return re - 1j * im


@pytest.mark.parametrize("f", [listed_complex, unpacked_complex, sorted_complex])
def test_a_complex_arrays_sequence_adjoint_keeps_its_imaginary_part(f):
    np.testing.assert_allclose(s2sad.grad(f)(Z), complex_gradient(f, Z), rtol=1e-5,
                               atol=1e-6)


def test_a_real_arrays_sequence_adjoint_stays_real():
    x = np.array([0.5, -1.5])

    def f(v):
        a, b = list(v)
        return np.real((a + 1j * b) ** 2)

    g = s2sad.grad(f)(x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, numerical_grad(f, [x]), rtol=1e-5, atol=1e-6)
