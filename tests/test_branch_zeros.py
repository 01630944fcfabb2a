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
