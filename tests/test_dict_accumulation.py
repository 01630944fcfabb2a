"""A dict filled in a loop (``d[k] = d.get(k, 0.0) + v``): the adjoints of its earlier
versions have fewer keys than the later ones, and ``runtime.add_grads`` adds them key by
key over both (a key one lacks adds zero).  It raised a bare KeyError from the generated
code.  Every case against central differences."""
import pytest

from gradcheck import check_grad, check_jvp, check_vjp


def two_bins(x):
    d = {}
    for i in range(x.shape[0]):
        k = i % 2
        d[k] = d.get(k, 0.0) + x[i] ** 2
    return d[0] * d[1]


def three_bins(x):
    d = {}
    for i in range(x.shape[0]):
        k = i % 3
        d[k] = d.get(k, 1.0) * x[i]
    return d[0] + 2 * d.get(1, 0.0) + 3 * d.get(2, 0.0)


def named_keys(x, w):
    d = {"a": x[0]}
    for i in range(1, x.shape[0]):
        d["b" if i % 2 else "c"] = d.get("b", 0.0) * w + x[i]
    return d["a"] * d.get("b", 1.0) + d.get("c", 0.0) ** 2


@pytest.mark.parametrize("n", [2, 3, 6])
def test_bins_filled_in_a_loop(n, rng):
    x = rng.standard_normal(n)
    check_grad(two_bins, x)
    check_vjp(two_bins, x)
    check_jvp(two_bins, x)
    check_grad(three_bins, x)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_string_keys_added_on_the_way(n, rng):
    check_grad(named_keys, rng.standard_normal(n), 0.7, wrt=(0, 1))
