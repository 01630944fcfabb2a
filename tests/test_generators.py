"""Generators of the user's that the differentiated function calls, read as the list of
what they yield (compiler/generators.py; were refused at the ``yield``): checked
against central differences; where a list is not what Python computes, refused."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

X = np.array([[0.0, 0.1], [1.0, 0.3], [0.4, 1.2], [-0.5, 0.7]])
V = np.array([0.3, -1.2, 0.7, 1.9, -0.4])


def pairs(n):
    for i in range(n):
        for j in range(i + 1, n):
            yield i, j


def pair_energy(X):
    E = 0.0
    for i, j in pairs(X.shape[0]):
        E = E + 1.0 / np.sum((X[i] - X[j]) ** 2)
    return E


def windows(x, k):
    for s in range(len(x) - k + 1):
        yield x[s:s + k]


def window_sum(x):
    return sum(np.max(w) ** 2 + np.mean(w) for w in windows(x, 3))


def batches(X, size):
    n = X.shape[0]
    start = 0
    while start < n:
        yield X[start:start + size]
        start += size


def batched_loss(w, X):
    total = 0.0
    for B in batches(X, 3):
        total = total + np.sum(np.tanh(B @ w) ** 2)
    return total


def squares(x):
    for v in x:
        yield v ** 2


def chained(x):
    yield from squares(x[:2])
    yield np.sum(x)
    if x[0] > 0:
        yield x[0] * 10.0


def chained_and_listed(x):
    return sum(chained(x)) + np.sum(np.array(list(squares(x))))


def bounded():
    k = 0
    while True:
        if k > 5:
            break
        yield k
        k += 1


def ended_by_a_break(x):
    s = 0.0
    for k in bounded():
        s = s + x[k % 3] * k
    return s


def enumerated(x):
    return sum(i * w for i, w in enumerate(squares(x)))


@pytest.mark.parametrize("f, args", [
    (pair_energy, (X,)), (window_sum, (V,)), (batched_loss, (np.array([0.5, -0.3]), X)),
    (chained_and_listed, (V,)), (chained_and_listed, (-V,)), (ended_by_a_break, (V,)),
    (enumerated, (V,)),
])
def test_generators_read_as_lists(f, args):
    for i in range(len(args)):
        check_grad(f, *args, wrt=i)
    check_jvp(f, *args)


def test_second_order_and_closed_form():
    check_hessian(enumerated, V)
    np.testing.assert_allclose(s2sad.grad(enumerated)(V), 2 * np.arange(5) * V, rtol=1e-12)


def counter():
    k = 0
    while True:
        yield k
        k += 1


def zipped_with_an_endless_generator(x):
    s = 0.0
    for k, v in zip(counter(), x):
        s = s + k * v
    return s


def stepped_by_next(x):
    g = squares(x)
    return next(g) + next(g)


@pytest.mark.parametrize("f, line", [
    (zipped_with_an_endless_generator, "while True:"),
    (stepped_by_next, "yield v ** 2"),
])
def test_where_a_list_differs_it_is_refused(f, line):
    with pytest.raises(s2sad.DifferentiationError) as err:
        s2sad.grad(f)(V)
    where = str(err.value).split(":")
    import linecache
    assert where[0].endswith("test_generators.py")
    assert linecache.getline(where[0], int(where[1])).strip() == line


class Chain:
    def __init__(self, n):
        self.n = n

    def links(self, X):
        for i in range(self.n - 1):
            yield X[i + 1] - X[i]

    def energy(self, X):
        return sum(np.sum(d ** 2) for d in self.links(X))


CHAIN = Chain(4)


def chain_energy(X):
    return CHAIN.energy(X) + sum(np.sum(np.abs(d)) for d in Chain(3).links(X))


def test_a_generator_method():
    check_grad(chain_energy, X)
    d = np.diff(X, axis=0)
    expected = np.zeros_like(X)
    expected[1:] += 2 * d
    expected[:-1] -= 2 * d
    s = np.sign(d[:2])
    expected[1:3] += s
    expected[:2] -= s
    np.testing.assert_allclose(s2sad.grad(chain_energy)(X), expected, rtol=1e-12)
