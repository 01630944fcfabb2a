"""Python's container builtins as values: ``zip`` (refused as a call with no rule: now a
list of tuples), ``dict`` of ``(key, value)`` pairs (a KeyError from the generated code:
its adjoint was taken for a dict's) and of a mapping.  Every case in both modes against
central differences."""
import numpy as np
import pytest

from gradcheck import check_grad, check_jvp, check_vjp


def transposed_pairs(x):
    pairs = [(x[0], x[1]), (x[1] ** 2, x[2])]
    a, b = zip(*pairs)
    return np.array(a) @ np.array(b)


def zipped_list(x):
    return sum(u * v for u, v in list(zip([x[0], x[1]], [x[2], np.sin(x[0])])))


def dict_of_zip(x):
    d = dict(zip(["a", "b"], [x, x ** 2]))
    return np.sum(d["a"] * d["b"])


def dict_of_pairs(x):
    d = dict([("a", x[0]), ("b", np.exp(x[1]))])
    return d["a"] * d["b"] + d["a"]


def dict_of_built_pairs(x):
    pairs = [(k, x[i] ** (i + 1)) for i, k in enumerate("abc")]
    d = dict(pairs)
    return d["c"] - d["a"] * d["b"]


def dict_of_mapping(x):
    e = dict({"w": x, "v": 2.0 * x})
    return np.sum(e["w"] * e["v"])


@pytest.mark.parametrize("f", [transposed_pairs, zipped_list, dict_of_zip, dict_of_pairs,
                               dict_of_built_pairs, dict_of_mapping])
def test_container_builtins(f, rng):
    x = rng.standard_normal(3)
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)


def head_and_rest(x):
    a, *rest = [x[0], x[1] * 2, x[2] ** 2]
    return a * sum(rest)


def rows_and_last(x):
    *init, last = x
    return np.sum(np.array(init) ** 2) * last


def ends_and_middle(x):
    first, *mid, end = (x[0], x[1], x[2], np.sin(x[0]))
    return first * end + len(mid) * mid[0] * mid[-1]


def nothing_left(x):
    a, b, *rest = [x[0], x[1]]
    return a * b + len(rest)


@pytest.mark.parametrize("f", [head_and_rest, rows_and_last, ends_and_middle, nothing_left])
def test_starred_unpacking(f, rng):
    """``a, *rest = xs`` (refused as a starred expression): ``rest`` a list of the middle
    items."""
    x = rng.standard_normal(3)
    check_grad(f, x)
    check_jvp(f, x)
