"""A vector the function computes itself (``pred = X @ w``), bound once and then only
read element by element in a loop: its elements are read as Python floats
(``compiler/floats.py``), and a branch flag of those elements is tested again in the
reversed loop, not pushed (``compiler/recompute.py``: an array bound once read only by
item or for its length is the same in both loops), so the forward loop goes."""
import numpy as np

import s2sad
from gradcheck import check_grad, check_jvp


def expectile(w, X, y, tau):
    pred = X @ w
    loss = 0.0
    for i in range(pred.shape[0]):
        r = y[i] - pred[i]
        if r > 0:
            loss += tau * r * r
        else:
            loss += (1 - tau) * r * r
    return loss / pred.shape[0]


def neighbours(x, c):
    h = c * x + 1.0  # (tanh's adjoint would read h whole: an array it stays)
    total = 0.0
    for i in range(h.shape[0] - 1):
        total = total + h[i] * h[i + 1] - 0.5 * h[i] * x[i]
    return total


def hinge_pairs(a, b):
    z = a * b + 0.1
    total = 0.0
    for i in range(z.shape[0]):
        if z[i] > a[i]:
            total = total + (z[i] - a[i]) * b[i]
        else:
            total = total - 0.5 * z[i] * z[i]
    return total


def rebound(x):
    h = np.sin(x)
    total = 0.0
    for i in range(h.shape[0]):
        total = total + h[i] * x[i]
        h = h * 0.5
    return total


def _source(f, *args, wrt=0):
    g = s2sad.grad(f, argnums=wrt)
    g(*args)
    return g.source


def test_expectile_both_branches(rng) -> None:
    X = rng.standard_normal((30, 3))
    y = X @ rng.standard_normal(3) + rng.standard_normal(30)
    w = rng.standard_normal(3)
    r = y - X @ w
    assert (r > 0).any() and (r < 0).any()  # both branches taken
    check_grad(expectile, w, X, y, 0.8, wrt=(0, 2))
    src = _source(expectile, w, X, y, 0.8)
    assert "pred_items = as_floats(pred)" in src
    assert "stack" not in src  # the flag tested again in the reversed loop


def test_elementwise_result_read_with_its_neighbour(rng) -> None:
    x = rng.standard_normal(9)
    check_grad(neighbours, x, 0.7, wrt=(0, 1))
    check_jvp(neighbours, x, 0.7, wrt=(0, 1))
    # (the reversed trips add at i and i + 1: all at once, vector_loops, no float lists)
    source = _source(neighbours, x, 0.7)
    assert "np.arange(" in source and "    for " not in source


def test_product_read_beside_an_argument_of_its_length(rng) -> None:
    a = rng.standard_normal(12)
    b = rng.standard_normal(12)
    z = a * b + 0.1
    assert (z > a).any() and (z <= a).any()
    check_grad(hinge_pairs, a, b, wrt=(0, 1))
    src = _source(hinge_pairs, a, b, wrt=(0, 1))
    assert "as_floats(z)" in src and "stack" not in src


def test_vector_bound_again_in_the_loop_stays_an_array(rng) -> None:
    x = rng.standard_normal(6)
    check_grad(rebound, x)
    assert "as_floats(h)" not in _source(rebound, x)
