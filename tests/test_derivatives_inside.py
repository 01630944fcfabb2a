"""A derivative made and called inside the differentiated function, as autograd's tests
write them: ``s2sad.grad(s2sad.grad(f))(x)`` and ``s2sad.value_and_grad(f)(x)`` written
out, or assigned first, were refused ("no derivative rule" for the made function);
one level of ``s2sad.grad(g)(x)`` worked.  They are inlined as the generated derivative.
Checked against finite differences and closed forms."""
from __future__ import annotations

import numpy as np

import s2sad
from gradcheck import check_grad, check_jvp


def fun(x):
    return np.sin(x) * x ** 2


def second_written_out(x):
    return s2sad.grad(s2sad.grad(fun))(x) * 2.0


def value_and_grad_written_out(x):
    v, g = s2sad.value_and_grad(fun)(x)
    return v * g


def assigned_first(x):
    d2 = s2sad.grad(s2sad.grad(fun))
    vg = s2sad.value_and_grad(fun)
    v, g = vg(x)
    return d2(x) * v + g


def test_second_derivative_written_out():
    check_grad(second_written_out, 0.7)
    check_jvp(second_written_out, -1.3)
    x = 0.7  # d/dx of 2 f'' is 2 f''' (closed form)
    third = -x ** 2 * np.cos(x) - 6 * x * np.sin(x) + 6 * np.cos(x)
    np.testing.assert_allclose(s2sad.grad(second_written_out)(x), 2 * third, rtol=1e-12)


def test_value_and_grad_written_out():
    check_grad(value_and_grad_written_out, 0.7)
    check_jvp(value_and_grad_written_out, -1.3)


def test_derivatives_assigned_first():
    check_grad(assigned_first, 0.7)
    check_grad(assigned_first, -1.3)


def energy(a, b):
    return np.sum(np.tanh(a @ b) ** 2)


def grad_wrt_second(a, b):
    return np.sum(s2sad.grad(energy, wrt=1)(a, b) * b)


def grad_wrt_named(a, b):
    return np.sum(s2sad.grad(energy, wrt="a")(a, b) ** 2)


def value_and_grad_of_both(a, b):
    v, (ga, gb) = s2sad.value_and_grad(energy, wrt=(0, 1))(a, b)
    return v * (np.sum(ga) + np.sum(gb))


def test_derivatives_with_wrt_written_out(rng):
    """``s2sad.grad(g, wrt=1)(a, b)``: a literal keyword, read when the derivative is made
    (it was refused as a call with no rule)."""
    a, b = rng.standard_normal((3, 2)), rng.standard_normal((2, 2))
    for f in (grad_wrt_second, grad_wrt_named, value_and_grad_of_both):
        check_grad(f, a, b, wrt=(0, 1))
        check_jvp(f, a, b, wrt=(0, 1))
