"""The zero adjoint a branch gives a value it does not reach, inside a loop whose trips
give that value other shapes (``for s in [x[:2], x]``): made like this trip's value, not
the one the forward sweep left (was a broadcast ValueError out of the reverse sweep, "an
s2sad bug").  Against central differences, both branches of each if."""
import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp


def items_of_two_lengths(x):
    out = 0.0
    for s in [x[:2], x, x[1:] * 3]:
        t = s
        if np.sum(s) > 0:
            t = s * 2
        out = out + np.sum(t ** 2)
    return out


def rows_of_two_lengths(X):
    out = 0.0
    for s in [X[0, :2], X[1], X[2, 1:] * 3]:
        t = s
        if np.sum(s) > 0:
            t = np.tanh(s)
        out = out + np.sum(t ** 2)
    return out


def growing_prefix(x):
    out = 0.0
    for k in range(1, 4):
        s = x[:k]
        u = s
        if np.sum(s) > 0:
            u = np.tanh(s) ** 2
        out = out + np.sum(u * u)
    return out


def states_written(x):
    states = [x[:2] * 1.0, x * 2.0, x[1:] - 1.0]
    for k, s in enumerate(states):
        if s[0] > 0:
            states[k] = states[k] * 2
            s = states[k]
        else:
            s = states[k] + 1
    return sum(np.sum(t ** 3) for t in states)


@pytest.mark.parametrize("x", [np.array([0.3, -0.7, 1.1]), np.array([-0.3, 0.7, -1.1]),
                               np.array([0.9, 0.2, 0.4])])
@pytest.mark.parametrize("f", [items_of_two_lengths, growing_prefix, states_written])
def test_zero_of_a_branch_made_like_this_trips_value(f, x):
    check_grad(f, x)


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_rows_of_two_lengths(sign):
    X = sign * np.array([[0.3, -0.7, 1.1], [0.2, 0.5, -0.1], [-0.4, 0.6, 0.9]])
    check_grad(rows_of_two_lengths, X)


@pytest.mark.parametrize("x", [np.array([0.3, -0.7, 1.1]), np.array([-0.3, 0.7, -1.1])])
@pytest.mark.parametrize("f", [items_of_two_lengths, growing_prefix, states_written])
def test_forward_mode_and_second_order(f, x):
    check_jvp(f, x)
    check_hessian(f, x)


# ----- values a loop cannot take again (not views): the branch pushes them and its reverse
# pops them back for the zero's shape (the zero was made like the value the reverse sweep
# last held, another trip's: "an s2sad bug" out of the reverse sweep)

def computed_prefix(x):
    out = 0.0
    for k in range(1, 4):
        s = np.tanh(x[:k])
        u = s
        if np.sum(s) > 0:
            u = np.sin(s) ** 2
        out = out + np.sum(u * u)
    return out


def computed_prefix_while(x):
    out = 0.0
    k = 1
    while k < 4:
        s = np.exp(x[:k])
        v = s
        if x[k] > 0:
            v = s * x[k]
        out = out + np.sum(v)
        k = k + 1
    return out


def growing_outer_products(x):
    out = 0.0
    for k in range(1, 4):
        m = np.outer(x[:k], np.cos(x[:k]))
        w = m
        if x[k] < 0.2:
            w = m @ m
        out = out + np.sum(w) * x[k]
    return out


def prefix_in_inner_loop(x):
    out = 0.0
    for j in range(2):
        for k in range(1, 3 + j):
            s = np.sin(x[:k] * (j + 1.0))
            t = s
            if s[-1] > 0.1:
                t = s * s
            out = out + np.sum(t)
    return out


COMPUTED = [computed_prefix, computed_prefix_while, growing_outer_products,
            prefix_in_inner_loop]
POINTS = [np.array([0.5, -1.2, 0.8, 1.4, -0.3]), np.array([-0.5, 1.2, -0.8, -1.4, 0.3]),
          np.array([0.5, 1.2, 0.8, 1.4, 0.3])]


@pytest.mark.parametrize("x", POINTS, ids=["mixed", "flipped", "positive"])
@pytest.mark.parametrize("f", COMPUTED)
def test_zero_of_a_value_not_taken_again(f, x):
    check_grad(f, x)
    check_jvp(f, x)
    check_hessian(f, x)
