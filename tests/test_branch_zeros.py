"""The zero adjoint a branch gives a value it does not reach, inside a loop whose trips
give that value other shapes (``for s in [x[:2], x]``): made like this trip's value, not
the one the forward sweep left (was a broadcast ValueError out of the reverse sweep, "an
s2sad bug").  Against central differences, both branches of each if."""
import numpy as np
import pytest

from gradcheck import check_grad


def items_of_two_lengths(x):
    out = 0.0
    for s in [x[:2], x, x[1:] * 3]:
        t = s
        if np.sum(s) > 0:
            t = s * 2
        out = out + np.sum(t ** 2)
    return out


def scaled_items(x):  # (the value is not taken again: its zero is a 0.0)
    out = 0.0
    w = 1.0
    for s0 in [x[:2], x, x[1:] * 3]:
        s = s0 * w
        w = w * 1.5
        t = s
        if np.sum(s) > 0:
            t = s * 2
        out = out + np.sum(t ** 2)
    return out


def growing_prefix(x):
    out = 0.0
    for k in range(1, 4):
        s = np.tanh(x[:k])
        r = np.sum(s)
        if r > 0:
            u = s ** 2
        else:
            u = np.zeros(k) + r
        out = out + np.sum(u)
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
@pytest.mark.parametrize("f", [items_of_two_lengths, scaled_items, growing_prefix,
                               states_written])
def test_zero_of_a_branch_made_like_this_trips_value(f, x):
    check_grad(f, x)
