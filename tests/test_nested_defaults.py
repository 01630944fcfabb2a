"""A def (or lambda) inside the function whose default value reads one of the
function's variables (``def f(t, k=k)`` in a loop) crashed with a bare NameError when
s2sad defined it; it is refused naming the line (Python binds such a default when the
def runs, which inlining at the call would not honour).  Defaults of constants and
globals still work (checked against finite differences)."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp

SCALE = 1.5


def functions_made_in_a_loop(x):
    fs = []
    for k in range(3):
        def f(t, k=k):
            return t ** k
        fs.append(f)
    return fs[0](x) + fs[2](x)


def default_from_a_local(x):
    c = 3.0

    def f(t, k=c):
        return t * k
    return f(x)


def called_in_the_loop(x):
    s = 0.0
    for k in range(3):
        def f(t, k=k):
            return t * k
        s = s + f(x)
    return s


def lambda_default(x):
    c = 2.0
    g = lambda t, k=c: t * k  # noqa: E731
    return g(x)


@pytest.mark.parametrize("f", [functions_made_in_a_loop, default_from_a_local,
                               called_in_the_loop, lambda_default])
def test_defaults_read_from_the_function_are_refused(f):
    with pytest.raises(s2sad.DifferentiationError, match=r"test_nested_defaults.py:\d+: "
                       r"\w+, defined inside the function with a default value"):
        s2sad.grad(f)(0.7)


def constant_and_global_defaults(x):
    def f(t, k=2.0, s=SCALE):
        return np.sin(t * k) * s
    return np.sum(f(x) + f(x, 3.0))


def test_constant_and_global_defaults_still_work():
    x = np.array([0.3, -0.8])
    check_grad(constant_and_global_defaults, x)
    check_jvp(constant_and_global_defaults, x)
