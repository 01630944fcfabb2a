"""What cannot be differentiated is refused with a ``DifferentiationError``
(a ``ValueError``) naming the file, the line and the construct; bad calls of
a generated function raise ``TypeError`` / ``ValueError``.

The error may come when the derivative is built or when it is first
called, so each check wraps both."""
from __future__ import annotations

import inspect
import math
import os
import re

import numpy as np
import pytest
import scipy.linalg as la
import scipy.signal

import s2sad

FILE = os.path.basename(__file__)


def line_of(func, needle: str) -> int:
    """The file line number of the first line of ``func`` that contains ``needle``."""
    lines, start = inspect.getsourcelines(func)
    for offset, text in enumerate(lines):
        if needle in text:
            return start + offset
    raise AssertionError(f"{needle!r} not in {func.__name__}")


def differentiation_error(make_and_call) -> str:
    """Run ``make_and_call``; it must raise DifferentiationError. Returns the message."""
    with pytest.raises(s2sad.DifferentiationError) as info:
        make_and_call()
    assert isinstance(info.value, ValueError)
    return str(info.value)


def assert_names_place(message: str, line: int) -> None:
    assert FILE in message, f"file name missing from: {message}"
    assert re.search(rf"(?<!\d){line}(?!\d)", message), f"line {line} missing from: {message}"


# ------------------------------------------------------- unsupported syntax


def uses_try(x):
    y = [x * 2.0]
    try:
        y[0] = math.log(y[0])  # (a write into an object: the probe would make it twice)
    except ValueError:
        y[0] = 0.0
    return y[0]


def uses_with(x):
    with open("/dev/null"):  # (np.errstate is allowed: it only changes warnings)
        y = np.log(x)
    return y


def uses_yield(x):
    yield x * 2.0


def _helper_with_try(x):
    try:
        return x * x
    finally:
        pass


def calls_bad_helper(x):
    return _helper_with_try(x) + 1.0


@pytest.mark.parametrize("func, needle, construct", [
    (uses_try, "y[0] = math.log", "try"),
    (uses_with, "with ", "with"),
    (uses_yield, "yield x", "yield"),
    (_helper_with_try, "try:", "try"),
    (calls_bad_helper, None, "try"),
], ids=["try", "with", "yield", "try-finally", "in-a-helper"])
def test_unsupported_syntax(func, needle, construct):
    message = differentiation_error(lambda: s2sad.grad(func)(2.0))
    line = line_of(_helper_with_try, "try:") if needle is None else line_of(func, needle)
    assert_names_place(message, line)
    assert construct in message.lower()


@pytest.mark.parametrize("entry", ["grad", "value_and_grad", "vjp", "jvp"])
def test_every_entry_point_refuses(entry):
    def call():
        fn = getattr(s2sad, entry)(uses_try)
        if entry in ("vjp", "jvp"):
            fn(2.0, 1.0)  # the cotangent / tangent comes last
        else:
            fn(2.0)

    assert_names_place(differentiation_error(call), line_of(uses_try, "y[0] = math.log"))


# ------------------------------------------------------ no source, no rule


_opaque = eval("lambda t: t * 2.0")  # a function without source, on purpose


def calls_opaque(x):
    y = x + 1.0
    return _opaque(y) * x


def test_lambda_without_source():
    differentiation_error(lambda: s2sad.grad(_opaque)(2.0))


def test_function_from_exec_without_source():
    namespace: dict = {}
    exec("def g(x):\n    return x * x\n", namespace)
    differentiation_error(lambda: s2sad.grad(namespace["g"])(2.0))


def test_builtin_without_rule_or_source():
    differentiation_error(lambda: s2sad.grad(len)(2.0))


@pytest.mark.parametrize("builtin, slope", [(math.sin, math.cos), (np.sin, np.cos),
                                            (np.tanh, lambda x: 1 - np.tanh(x) ** 2)],
                         ids=["math.sin", "np.sin", "np.tanh"])
def test_a_callable_with_a_rule_is_differentiated_itself(builtin, slope):
    assert s2sad.grad(builtin)(2.0) == pytest.approx(slope(2.0), rel=1e-12)
    assert s2sad.jvp(builtin)(2.0, 1.0)[1] == pytest.approx(slope(2.0), rel=1e-12)


def test_call_with_no_rule_and_no_source():
    message = differentiation_error(lambda: s2sad.grad(calls_opaque)(2.0))
    assert_names_place(message, line_of(calls_opaque, "_opaque(y)"))


# ------------------------------------------------------------ bad requests


def vector_out(x):
    return x * 2.0


def two_params(x, y):
    return x * y


def test_non_scalar_output_to_grad():
    message = differentiation_error(lambda: s2sad.grad(vector_out)(np.ones(3)))
    assert "scalar" in message.lower()


@pytest.mark.parametrize("wrt", ["nonexistent", 5, ("x", "nonexistent")])
def test_wrt_names_no_argument(wrt):
    message = differentiation_error(lambda: s2sad.grad(two_params, wrt=wrt)(1.0, 2.0))
    assert str(wrt if not isinstance(wrt, tuple) else wrt[1]) in message


# --------------------------------------------------- bad calls of the result


@pytest.mark.parametrize("args", [(1.0,), (1.0, 2.0, 3.0), ()], ids=["too-few", "too-many", "none"])
def test_wrong_number_of_arguments(args):
    df = s2sad.grad(two_params)
    with pytest.raises(TypeError):
        df(*args)


def test_vjp_without_cotangent():
    with pytest.raises(TypeError):
        s2sad.vjp(two_params)(1.0, 2.0)


def test_jvp_without_tangent():
    with pytest.raises(TypeError):
        s2sad.jvp(two_params, wrt=(0, 1))(1.0, 2.0, 1.0)


def test_cotangent_of_wrong_shape():
    with pytest.raises((TypeError, ValueError)) as info:
        s2sad.vjp(vector_out)(np.ones(3), np.ones(4))
    assert "shape" in str(info.value).lower()


def _two_args(x, y):
    return x * y


@s2sad.defvjp(_two_args)
def _too_few_cotangents(g, ans, x, y):
    return (g * y,)


def uses_two_args(x):
    return _two_args(x, 2.0)


def test_a_rule_returning_too_few_cotangents_says_so():
    with pytest.raises(TypeError, match="cotangent"):
        s2sad.grad(uses_two_args)(1.0)


def _doubled(x):
    return 2.0 * x


def _cubes(x):
    return np.sum(x ** 3)


def test_a_forgotten_cotangent_or_tangent_is_named() -> None:
    x = np.arange(3.0)
    with pytest.raises(TypeError, match="then the output's cotangent"):
        s2sad.vjp(_doubled)(x)
    with pytest.raises(TypeError, match="then 1 tangent"):
        s2sad.jvp(_cubes)(x)


def test_jacobian_of_an_empty_input_has_the_output_rows() -> None:
    J = s2sad.jacobian(_doubled, mode="forward")(np.zeros(0))
    assert J.shape == (0, 0)
    J = s2sad.jacobian(_sum_and_one)(np.zeros(0))
    assert J.shape == (2, 0)


def _sum_and_one(x):
    return np.array([np.sum(x), 1.0])


def _tanh_layer(h, W):
    return np.tanh(h @ W)


def _layer_and_sum(h, W):
    out = np.tanh(h @ W)
    return out, np.sum(out)


@pytest.mark.parametrize("cot", [np.ones((1, 3)), np.ones(3), 1.0])
def test_broadcastable_cotangent_is_refused(cot):
    """The generated vjp takes the cotangent to be shaped like the output (no reduction
    for it): one that would broadcast is refused by its shape, never summed wrongly."""
    h, W = np.ones((4, 2)), np.ones((2, 3))
    with pytest.raises(ValueError, match="shape"):
        s2sad.vjp(_tanh_layer)(h, W, cot)
    with pytest.raises(ValueError, match="shape"):
        s2sad.vjp(_layer_and_sum)(h, W, (cot, 1.0))


def test_cotangent_shaped_like_output_against_differences():
    rng = np.random.default_rng(4)
    h, W, c = rng.normal(size=(4, 2)), rng.normal(size=(2, 3)), rng.normal(size=(4, 3))
    _, (dh, dW) = s2sad.vjp(_layer_and_sum, wrt=(0, 1))(h, W, (c, 0.5))
    eps = 1e-6
    for x, dx, i in ((h, dh, 0), (W, dW, 1)):
        d = rng.normal(size=x.shape)
        plus, minus = [h, W], [h, W]
        plus[i], minus[i] = x + eps * d, x - eps * d
        f = [np.sum(c * _tanh_layer(*a)) + 0.5 * _layer_and_sum(*a)[1] for a in (plus, minus)]
        assert abs(np.sum(dx * d) - (f[0] - f[1]) / (2 * eps)) < 1e-7


# ----- an error of generated code is placed at the user's line -----

def convolve_along_one_axis(a, b):
    return np.sum(scipy.signal.fftconvolve(a, b, axes=1) ** 2)


def _complex_sign_loss(z):
    return np.real(np.sign(z) * np.conj(z + 0.3j))


def gradient_of_the_sign_loss(z):
    return np.real(s2sad.grad(_complex_sign_loss)(z))


def reads_past_the_end(x):
    return x[5] * 2.0


def test_a_failing_derivative_step_names_the_users_line():
    line = convolve_along_one_axis.__code__.co_firstlineno + 1
    with pytest.raises(s2sad.DifferentiationError, match=rf"test_errors\.py:{line}: the "
                       "derivative of this line failed \\(ValueError") as info:
        s2sad.grad(convolve_along_one_axis)(np.ones((3, 3)), np.ones((1, 2)))
    assert isinstance(info.value.__cause__, ValueError)


def test_a_refusal_raised_while_running_is_placed():
    line = gradient_of_the_sign_loss.__code__.co_firstlineno + 1
    with pytest.raises(s2sad.DifferentiationError, match=rf"test_errors\.py:{line}: a second "
                       "derivative of np.sign"):
        s2sad.grad(gradient_of_the_sign_loss)(0.7 - 0.4j)


@pytest.mark.parametrize("how", ["grad", "value_and_grad", "jvp"])
def test_the_functions_own_error_is_its_own(how):
    x = np.ones(3)
    with pytest.raises(IndexError):
        if how == "jvp":
            s2sad.jvp(reads_past_the_end)(x, np.ones(3))
        else:
            getattr(s2sad, how)(reads_past_the_end)(x)


def flat_iteration(x):
    return sum(v * i for i, v in enumerate(x.reshape(2, 3).flat))


def test_an_arrays_flat_is_refused_at_the_users_line():
    """Once a bare TypeError out of the derivative (field_add: named tuples only)."""
    line = flat_iteration.__code__.co_firstlineno + 1
    for derivative in (s2sad.grad(flat_iteration),
                       lambda x: s2sad.jvp(flat_iteration)(x, np.ones(6))):
        with pytest.raises(s2sad.DifferentiationError,
                           match=f"test_errors.py:{line}: the attribute .flat of a ndarray"):
            derivative(np.arange(6.0))


def test_a_refusal_in_a_derivative_differentiated_again_names_the_users_line():
    """A Hessian differentiates the generated gradient; a refusal there named a line of
    the generated code (``<s2sad grad_f #1>:31``): it is placed at the user's line that
    generated line comes from (its ``# line N`` comment)."""
    import linecache

    from s2sad.errors import refusal_in_derivative
    lines = ["def grad_f(x):\n", "    # line 7: y = x * 2\n", "    y = x * 2\n",
             "    # adjoint of line 9: z = y ** 2\n", "    dy = 2 * y\n"]
    linecache.cache["<s2sad grad_f #97>"] = (len(lines), None, lines, "<s2sad grad_f #97>")
    try:
        for at, user in ((3, "7"), (5, "9")):
            placed = refusal_in_derivative(s2sad.DifferentiationError(
                f"<s2sad grad_f #97>:{at}: in-place write to dy: ..."), "/home/u/model.py")
            assert placed is not None
            assert str(placed).startswith(f"/home/u/model.py:{user}: differentiating")
            assert "in-place write to dy" in str(placed)
        assert refusal_in_derivative(s2sad.DifferentiationError("/a.py:3: refused"),
                                     "/a.py") is None
    finally:
        del linecache.cache["<s2sad grad_f #97>"]


def _missing_in_numpy(u):
    return np.trapz(u ** 2, dx=0.1)  # (removed in NumPy 2: np.trapezoid)


def _missing_in_a_submodule(A):
    return np.sum(np.linalg.inverse(A))


def _missing_through_an_alias(u):
    return la.no_such_function(u)


@pytest.mark.parametrize("f, name", [(_missing_in_numpy, "numpy.trapz"),
                                     (_missing_in_a_submodule, "numpy.linalg.inverse"),
                                     (_missing_through_an_alias, "no_such_function")])
def test_a_function_the_module_does_not_have(f, name):
    with pytest.raises(s2sad.DifferentiationError) as err:
        s2sad.grad(f)(np.eye(2))
    assert name in str(err.value) and "has no attribute" in str(err.value)
    assert str(err.value).startswith(__file__)
