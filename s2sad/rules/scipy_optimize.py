"""scipy.optimize's root finders (registered once the user has imported
scipy.optimize), differentiated by the implicit function theorem in the float
parameters of ``args`` and in the variables a closure given as the function reads
(``runtime/implicit.py``): ``brentq``, ``brenth``, ``ridder``, ``bisect``, ``newton``
(a scalar start), ``root_scalar`` (its result's ``root``, ``converged``, ``flag``) and
``fsolve``, each through a closed form over ``root_value``.  What they do not cover
(``full_output``, an array start of ``newton``, a derivative in the bracket or start,
which does not move the root) is refused or zero as it should be.  ``minimize``
(unconstrained): its ``x`` a root of ``fun``'s gradient, its ``fun`` the value there
(both differentiated in the parameters: the envelope theorem falls out), and
``minimize_scalar`` (Brent's or golden search, no ``bounds``: a minimum on a bound is
no root of the derivative) likewise."""
from __future__ import annotations

from collections import namedtuple

import numpy as np
import scipy.optimize as optimize

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defjvp, defthrough, defvjp
from s2sad.runtime.implicit import minimum_value, root_value, value_at

ROOT = "solver, f, fprime, fprime2, start, settings, args, *free"
ROOT_ADJOINT = "root_adjoint(g, ans, f, args, free)"
ROOT_TANGENT = "root_tangent(ans, f, args, free, {})"

defvjp(root_value, ROOT, None, None, None, None, None, None, ROOT_ADJOINT + "[0]",
       varargs=ROOT_ADJOINT + "[1][i]")
defjvp(root_value, ROOT, None, None, None, None, None, None, ROOT_TANGENT.format("dargs"),
       varargs=ROOT_TANGENT.format("None, i, dfree"))

RootResults = namedtuple("RootResults", "root converged flag")


def _no_full_output(full_output, name):
    if full_output:
        raise DifferentiationError(f"<s2sad>:?: {name} with full_output: its derivative is "
                                   "not supported; call it without full_output")


def _bracketed(solver, f, a, b, args, xtol, rtol, maxiter, full_output, name):
    _no_full_output(full_output, name)
    return root_value(solver, f, None, None, (a, b), {"xtol": xtol, "rtol": rtol,
                                                      "maxiter": maxiter}, args)


def brentq(f, a, b, args=(), xtol=2e-12, rtol=8.881784197001252e-16, maxiter=100,
           full_output=False, disp=True):
    return _bracketed(optimize.brentq, f, a, b, args, xtol, rtol, maxiter, full_output,
                      "brentq")


def brenth(f, a, b, args=(), xtol=2e-12, rtol=8.881784197001252e-16, maxiter=100,
           full_output=False, disp=True):
    return _bracketed(optimize.brenth, f, a, b, args, xtol, rtol, maxiter, full_output,
                      "brenth")


def ridder(f, a, b, args=(), xtol=2e-12, rtol=8.881784197001252e-16, maxiter=100,
           full_output=False, disp=True):
    return _bracketed(optimize.ridder, f, a, b, args, xtol, rtol, maxiter, full_output,
                      "ridder")


def bisect(f, a, b, args=(), xtol=2e-12, rtol=8.881784197001252e-16, maxiter=100,
           full_output=False, disp=True):
    return _bracketed(optimize.bisect, f, a, b, args, xtol, rtol, maxiter, full_output,
                      "bisect")


def newton(func, x0, fprime=None, args=(), tol=1.48e-08, maxiter=50, fprime2=None, x1=None,
           rtol=0.0, full_output=False, disp=True):
    _no_full_output(full_output, "newton")
    if np.ndim(x0) != 0:
        raise DifferentiationError("<s2sad>:?: newton with an array start: its derivative "
                                   "is supported for a scalar start; call it per entry")
    return root_value(optimize.newton, func, fprime, fprime2, (x0,), {
        "tol": tol, "maxiter": maxiter, "x1": x1, "rtol": rtol}, args)


def root_scalar(f, args=(), method=None, bracket=None, fprime=None, fprime2=None, x0=None,
                x1=None, xtol=None, rtol=None, maxiter=None, options=None):
    root = root_value(optimize.root_scalar, f, fprime, fprime2, (), {
        "method": method, "bracket": bracket, "x0": x0, "x1": x1, "xtol": xtol,
        "rtol": rtol, "maxiter": maxiter, "options": options}, args)
    return RootResults(root, True, "converged")


def fsolve(func, x0, args=(), fprime=None, full_output=0, col_deriv=0, xtol=1.49012e-08,
           maxfev=0, band=None, epsfcn=None, factor=100, diag=None):
    _no_full_output(full_output, "fsolve")
    return root_value(optimize.fsolve, func, fprime, None, (x0,), {
        "col_deriv": col_deriv, "xtol": xtol, "maxfev": maxfev, "band": band,
        "epsfcn": epsfcn, "factor": factor, "diag": diag}, args)


for _fn, _reference in ((optimize.brentq, brentq), (optimize.brenth, brenth),
                        (optimize.ridder, ridder), (optimize.bisect, bisect),
                        (optimize.newton, newton), (optimize.root_scalar, root_scalar),
                        (optimize.fsolve, fsolve)):
    defthrough(_fn, _reference)

MINIMUM = "fun, jac, hess, x0, settings, args, *free"
MINIMUM_ADJOINT = "root_adjoint(g, ans, gradient_of(fun), args, free)"
MINIMUM_TANGENT = "root_tangent(ans, gradient_of(fun), args, free, {})"
defvjp(minimum_value, MINIMUM, None, None, None, None, None, MINIMUM_ADJOINT + "[0]",
       varargs=MINIMUM_ADJOINT + "[1][i]")
defjvp(minimum_value, MINIMUM, None, None, None, None, None, MINIMUM_TANGENT.format("dargs"),
       varargs=MINIMUM_TANGENT.format("None, i, dfree"))
VALUE = "fun, x, args, *free"
VALUE_ADJOINT = "value_adjoint(g, fun, x, args, free)"
VALUE_TANGENT = "value_tangent(fun, x, args, free, {})"
defvjp(value_at, VALUE, None, VALUE_ADJOINT + "[0]", VALUE_ADJOINT + "[1]",
       varargs=VALUE_ADJOINT + "[2][i]")
defjvp(value_at, VALUE, None, VALUE_TANGENT.format("dx"), VALUE_TANGENT.format("None, dargs"),
       varargs=VALUE_TANGENT.format("None, None, i, dfree"))

OptimizeResult = namedtuple("OptimizeResult", "x fun success status message")


def minimize(fun, x0, args=(), method=None, jac=None, hess=None, hessp=None, bounds=None,
             constraints=(), tol=None, callback=None, options=None):
    if bounds is not None or constraints or hessp is not None or callback is not None or \
            jac is True:
        raise DifferentiationError("<s2sad>:?: minimize with bounds, constraints, hessp, "
                                   "callback or jac=True: its derivative is not supported "
                                   "(an unconstrained minimum only)")
    x = minimum_value(fun, jac, hess, x0, {"method": method, "tol": tol, "options": options},
                      args)
    return OptimizeResult(x, value_at(fun, x, args), True, 0, "Optimization terminated.")


defthrough(optimize.minimize, minimize)


def minimize_scalar(fun, bracket=None, bounds=None, args=(), method=None, tol=None,
                    options=None):
    if bounds is not None or method == "bounded":
        raise DifferentiationError("<s2sad>:?: minimize_scalar with bounds: its derivative "
                                   "is not supported (the minimum may sit on a bound); "
                                   "call it with a bracket or none")
    x = minimum_value(fun, None, None, None, {"bracket": bracket, "method": method,
                                              "tol": tol, "options": options}, args)
    return OptimizeResult(x, value_at(fun, x, args), True, 0, "Optimization terminated.")


defthrough(optimize.minimize_scalar, minimize_scalar)
