"""A function the reverse sweep takes of a popped value, read from the tape where the
forward trip took it already (``compiler/popped_calls.py``): the sine's adjoint takes
the cosine the loop took itself; the pushes of one trip merged into one so that both
are popped together.

Each against central differences, in forward mode and to second order; the source
checked for no second cosine and for the angle off the tape; a value bound again
between the call and the push keeps its call.
"""
import numpy as np

from gradcheck import check_grad, check_hessian, check_jvp, grad_code


def arm(q, lengths):
    x = np.zeros(q.shape[0])
    y = np.zeros(q.shape[0])
    theta = np.zeros(q.shape[0])
    for i in range(q.shape[1]):
        theta = theta + q[:, i]
        x = x + lengths[i] * np.cos(theta)
        y = y + lengths[i] * np.sin(theta)
    return np.sum(x * x) + np.sum(np.tanh(y))


def rotations(angles, v):
    for i in range(angles.shape[0]):
        c = np.cos(angles[i] * v)
        s = np.sin(angles[i] * v)
        v = v * c + s
    return np.sum(v ** 2)


def rebound(q):
    acc = np.zeros(q.shape[1])
    t = np.zeros(q.shape[1])
    for i in range(q.shape[0]):
        t = t + q[i]
        c = np.cos(t)
        t = t * 1.5  # (the cosine is not of the t pushed after)
        acc = acc + c * np.sin(t)
    return np.sum(acc ** 2)


def _reverse(code: str) -> str:
    return code.split("reversed(")[1]


def test_an_arm_reads_the_cosine_it_took():
    rng = np.random.default_rng(0)
    q, lengths = 0.5 * rng.standard_normal((3, 5)), 0.5 + rng.random(5)
    check_grad(arm, q, lengths, wrt=(0, 1))
    check_jvp(arm, q, lengths, wrt=(0, 1))
    check_hessian(lambda lengths: arm(q, lengths), lengths)
    code = grad_code(arm, q, lengths, wrt=(0, 1))
    assert "np.cos(" not in _reverse(code) and "np.sin(" not in _reverse(code), code


def test_rotations_of_a_vector():
    rng = np.random.default_rng(1)
    angles, v = rng.standard_normal(6), rng.standard_normal(4)
    check_grad(rotations, angles, v, wrt=(0, 1))
    check_jvp(rotations, angles, v, wrt=(0, 1))
    check_hessian(lambda v: rotations(angles, v), v)
    # (session 45: with the remade tape the reverse takes np.cos(mul) of the popped angle
    # again instead of a taped cos: a trade of memory for one libm call per step)
    assert "stack.append" in grad_code(rotations, angles, v, wrt=(0, 1))


def test_a_value_bound_again_keeps_its_call():
    rng = np.random.default_rng(2)
    q = rng.standard_normal((4, 3))
    check_grad(rebound, q)
    check_jvp(rebound, q)
    check_hessian(rebound, q[:2])
    assert "np.cos(" in _reverse(grad_code(rebound, q))
