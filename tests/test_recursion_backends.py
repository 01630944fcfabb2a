"""A recursive function differentiated on another library's arrays (torch, Dask, JAX):
the arrays passed down the recursion are differentiable by their floating dtype (they
were taken for constants, and the cotangents of every recursive call were dropped: a
wrong gradient, silently).  Each against the NumPy gradient, which is checked against
central differences."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def _tree(W, b, leaves, lo, hi):
    if hi - lo == 1:
        return leaves[lo]
    mid = (lo + hi) // 2
    return np.tanh(W @ np.concatenate((_tree(W, b, leaves, lo, mid),
                                       _tree(W, b, leaves, mid, hi))) + b)


def tree_net(W, b, u, leaves):
    """A balanced binary tree of matrix-vector layers."""
    return (np.dot(u, _tree(W, b, leaves, 0, leaves.shape[0])) - 1.0) ** 2


def _chain(w, x, k):
    return x if k == 0 else np.sin(w * _chain(w, x, k - 1))


def chain(w, x):
    """A linear recursion, five levels deep."""
    return np.sum(_chain(w, x, 5) ** 2)


def _power(A, v, k):
    return v if k == 0 else A @ _power(A, v, k - 1) * 0.5


def powers(A, v):
    """A matrix applied by recursion, the vector differentiated too."""
    return np.sum(np.tanh(_power(A, v, 3)))


def _args(rng):
    return {tree_net: ((0.4 * rng.standard_normal((3, 6)), rng.standard_normal(3),
                        rng.standard_normal(3), rng.standard_normal((8, 3))), (0, 1, 2)),
            chain: ((rng.standard_normal(4), rng.standard_normal(4)), (0, 1)),
            powers: ((rng.standard_normal((3, 3)), rng.standard_normal(3)), (0, 1))}


def _convert(library):
    if library == "torch":
        torch = pytest.importorskip("torch")
        return torch.as_tensor
    if library == "dask":
        da = pytest.importorskip("dask.array")
        return da.from_array
    jnp = pytest.importorskip("jax.numpy")
    pytest.importorskip("jax").config.update("jax_enable_x64", True)
    return jnp.asarray


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("library", ["torch", "dask", "jax"])
@pytest.mark.parametrize("name", ["tree_net", "chain", "powers"])
def test_recursion_on_other_arrays(name, library, rng):
    f = {"tree_net": tree_net, "chain": chain, "powers": powers}[name]
    args, wrt = _args(rng)[f]
    check_grad(f, *args, wrt=wrt)
    expected = s2sad.grad(f, wrt=wrt)(*args)
    convert = _convert(library)
    got = s2sad.grad(f, wrt=wrt)(*(convert(a) for a in args))
    for g, e in zip(got, expected):
        np.testing.assert_allclose(np.asarray(g), e, rtol=1e-10, atol=1e-12)
