"""Float64 facts through a dict or tuple display of float64 arrays (compiler/dtypes.py,
``KEYED``): ``params["W1"]`` of ``params = {"W1": W1, ...}`` is float64 like ``W1``, so
the real case of a helper is the case (``np.var``'s adjoint without ``np.conj``).  A
display holding anything else (a complex array) keeps its items unknown.  Against
central differences."""
import numpy as np
import pytest

from gradcheck import check_grad, check_vjp, grad_source


def _normed(params, X):
    h = X @ params["W"]
    return params["g"] * (h - np.mean(h, axis=0)) / np.sqrt(np.var(h, axis=0) + 1e-5)


def dict_params(W, g, X):
    """Parameters gathered in a dict, read by key in a helper (batch norm)."""
    return np.sum(np.tanh(_normed({"W": W, "g": g}, X)) ** 2)


def tuple_params(W, g, X):
    """The same read from a tuple by index."""
    pair = (W, g)
    h = X @ pair[0]
    return np.sum(pair[1] * np.var(h, axis=1))


def complex_item(W, X):
    """A complex array beside it: the item read is not known to be real."""
    params = {"W": W, "phase": np.exp(1j * X[:, :1])}
    h = X @ params["W"]
    return np.sum(np.var(h, axis=0)) + np.sum(np.abs(params["phase"]))


@pytest.mark.parametrize("n", [3, 20])
def test_dict_params(n, rng):
    args = (rng.standard_normal((4, 3)), 1.0 + rng.random(3), rng.standard_normal((n, 4)))
    check_grad(dict_params, *args, wrt=(0, 1))
    check_vjp(dict_params, *args, wrt=(0, 1))


def test_tuple_params(rng):
    check_grad(tuple_params, rng.standard_normal((4, 3)), rng.random(6),
               rng.standard_normal((6, 4)), wrt=(0, 1))


def test_complex_item(rng):
    check_grad(complex_item, rng.standard_normal((4, 3)), rng.standard_normal((6, 4)))


def test_conj_dropped_only_for_float_items(rng):
    W, X = rng.standard_normal((4, 3)), rng.standard_normal((6, 4))
    assert "conj" not in grad_source(dict_params, W, rng.random(3), X, wrt=(0, 1))
    assert "conj" not in grad_source(tuple_params, W, rng.random(6), X, wrt=(0, 1))


def written_complex(W, X):
    """An item replaced by a complex array after the display: no longer float64."""
    params = {"W": W}
    params["W"] = params["W"] * (1.0 + 0.5j)
    h = X @ params["W"]
    return np.sum(np.var(h, axis=0))


def test_written_complex(rng):
    check_grad(written_complex, rng.standard_normal((4, 3)), rng.standard_normal((6, 4)))
