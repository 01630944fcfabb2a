"""Users' programs of session 44 (helper 80): the programs of
``tools/user_programs/session44*.py`` that s2sad differentiates, checked against central
differences; and the fixes they led to (the calls of functions chosen at run time are in
``test_dynamic_calls.py``):

- ``setattr(obj, "a", v)`` of a record built inside: an opaque call, the record's methods
  then reading the field as built (an AttributeError out of the derivative, "an s2sad
  bug"); now ``obj.a = v`` (``compiler/setattr_statements.py``), and refused where the
  attribute's name is computed at run time;
- ``opt = Momentum() if name == "momentum" else Strategy()``: the choice's temporary
  was taken for a record of the first branch's class (its methods inlined on an object
  of the other: an AttributeError); a choice's and an ``and``/``or``'s temporaries now
  count one binding per branch, so a record is one only if it is in each;
- ``norms = {1: lambda v: ..., 2: np.linalg.norm}; norms[p](x)``: a def (or lambda)
  inside reading none of the function's variables, used as a value, was refused; now
  the module-level function it equals;
- ``class Model: act = staticmethod(np.tanh)``, ``self.act(z)`` in a method of a record
  built inside: refused (which function not known); now the class's function.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools" / "user_programs"))
import session44
import session44b
import session44c
import session44d

X = np.array([0.3, -0.8, 1.2, 0.4])

REFUSED = {"dict_inplace_update", "reshape_inplace_rows", "view_list_write",
           "optimizer_by_name", "scipy_or_numpy_logsumexp", "kernel_by_name",
           "mlp_class_loss"}
PROGRAMS = [(name, f, args, wrt) for mod in (session44, session44b, session44c, session44d)
            for name, f, argsets, wrt, _ in mod.CASES if name not in REFUSED
            for args in argsets[:1]]


@pytest.mark.parametrize(("name", "f", "args", "wrt"), PROGRAMS,
                         ids=[p[0] for p in PROGRAMS])
def test_session44_programs(name, f, args, wrt) -> None:
    out = f(*args)
    if np.ndim(out) == 0:
        check_grad(f, *args, wrt=wrt)
    check_vjp(f, *args, wrt=wrt)
    check_jvp(f, *args, wrt=wrt)


class Params:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def value(self, x):
        return np.sum(np.tanh(self.a * x) + self.b * x ** 2)


def setattr_constant(x, s):
    p = Params(1.0, 0.5)
    setattr(p, "a", s)  # noqa: B010
    return p.value(x)


def setattr_in_branch(x, s):
    p = Params(s, 0.5)
    if np.sum(x) > 0.5:
        setattr(p, "b", s ** 2)  # noqa: B010
    return p.value(x)


def setattr_in_loop(x, s):
    p = Params(1.0, 0.1)
    for k in range(3):
        setattr(p, "a", p.a * s + k)  # noqa: B010
    return p.value(x)


@pytest.mark.parametrize("f", [setattr_constant, setattr_in_branch, setattr_in_loop])
@pytest.mark.parametrize("x", [X, -X])
def test_setattr_of_a_record(f, x) -> None:
    check_grad(f, x, 0.7, wrt=(0, 1))
    check_jvp(f, x, 0.7, wrt=(0, 1))


def setattr_computed_name(x, name="a"):
    p = Params(1.0, 0.5)
    setattr(p, name, x[0])
    return p.value(x)


def test_setattr_of_a_computed_name_refused() -> None:
    with pytest.raises(s2sad.DifferentiationError,
                       match=r"test_user_programs6.py:\d+: setattr with an attribute name"):
        s2sad.grad(setattr_computed_name)(X)


class Sgd:
    def step(self, x, g):
        return x - 0.1 * g


class Scaled:
    def __init__(self, k):
        self.k = k

    def step(self, x, g):
        return x - self.k * g


def objects_of_two_classes(x0, name):
    opt = Scaled(0.3) if name == "scaled" else Sgd()
    x = x0
    for _ in range(3):
        x = opt.step(x, 2 * x + np.sin(x))
    return np.sum(x ** 2)


def records_of_one_class(x0, k):
    opt = Scaled(k) if np.sum(x0) > 0.5 else Scaled(2 * k)
    return np.sum(opt.step(x0, np.tanh(x0)) ** 2)


def record_or_none(x0, use):
    opt = use and Scaled(0.2)
    if opt:
        x0 = opt.step(x0, x0 ** 3)
    return np.sum(x0 ** 2)


@pytest.mark.parametrize(("f", "args", "wrt"), [
    (objects_of_two_classes, (X, "scaled"), 0), (objects_of_two_classes, (X, "sgd"), 0),
    (records_of_one_class, (X, 0.3), (0, 1)), (records_of_one_class, (-X, 0.3), (0, 1)),
    (record_or_none, (X, True), 0), (record_or_none, (X, False), 0),
])
def test_objects_chosen_by_a_branch(f, args, wrt) -> None:
    check_grad(f, *args, wrt=wrt)
    check_vjp(f, *args, wrt=wrt)


def closed_lambda_by_key(x, p):
    norms = {1: lambda v: np.sum(np.sqrt(v ** 2 + 1e-9)), 2: np.linalg.norm}
    return norms[p](x)


def closed_def_in_list(x, i):
    def cube(v):
        return v ** 3

    fs = [np.sin, cube]
    return np.sum(fs[i](x))


def closed_def_returned_by_choice(x):
    def soft(v):
        return np.log1p(np.exp(v))

    f = soft if x[0] > 0 else np.tanh
    return np.sum(f(x) * x)


@pytest.mark.parametrize(("f", "args"), [
    (closed_lambda_by_key, (X, 1)), (closed_lambda_by_key, (X, 2)),
    (closed_def_in_list, (X, 0)), (closed_def_in_list, (X, 1)),
    (closed_def_returned_by_choice, (X,)), (closed_def_returned_by_choice, (-X,)),
])
def test_defs_reading_no_variable_used_as_values(f, args) -> None:
    check_grad(f, *args)
    check_jvp(f, *args)


def reads_a_variable(x, i):
    w = x[0]

    def scaled(v):
        return v * w

    fs = [np.sin, scaled]
    return np.sum(fs[i](x))


def test_a_def_reading_variables_as_a_value_stays_refused() -> None:
    with pytest.raises(s2sad.DifferentiationError, match="scaled, a def inside the function "
                       "reading its variables, used as a value"):
        s2sad.grad(reads_a_variable)(X, 1)


class Model:
    act = staticmethod(np.tanh)
    out = np.exp

    def __init__(self, w):
        self.w = w

    def predict(self, x):
        return self.out(-self.act(self.w * x) ** 2)


class Softer(Model):
    act = staticmethod(np.arctan)


def class_function(w, x):
    return np.sum(Model(w).predict(x))


def subclass_function(w, x):
    m = Softer(w)
    return np.sum(m.predict(x) * x)


def class_function_in_loop(w, x):
    m = Model(w)
    for _ in range(2):
        x = x + m.predict(x)
    return np.sum(x)


@pytest.mark.parametrize("f", [class_function, subclass_function, class_function_in_loop])
@pytest.mark.parametrize("w", [1.3, -0.4])
def test_library_functions_held_by_a_class(f, w) -> None:
    check_grad(f, w, X, wrt=(0, 1))
    check_jvp(f, w, X, wrt=(0, 1))


def import_or_fallback(a):
    try:
        from scipy.special import logsumexp as lse
    except ImportError:
        lse = None
    if lse is None:
        return np.log(np.sum(np.exp(a)))
    return lse(a)


def import_reassigned(a):
    from numpy import tanh as act
    if a[0] > 0:
        act = np.sin
    return np.sum(act(a))


@pytest.mark.parametrize("f", [import_or_fallback, import_reassigned])
def test_a_from_import_whose_name_is_assigned_says_so(f) -> None:
    """Was refused as "a relative or * import", which it is not."""
    pytest.importorskip("scipy")
    with pytest.raises(s2sad.DifferentiationError, match=r"test_user_programs6.py:\d+: an "
                       "import inside the function of a name it also assigns"):
        s2sad.grad(f)(X)
