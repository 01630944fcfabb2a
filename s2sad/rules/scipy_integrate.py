"""scipy.integrate.odeint, solve_ivp and quad (registered once the user has imported
scipy.integrate): differentiated in ``y0`` and in the float parameters of ``args``, in
reverse mode by the adjoint method, in forward mode by the sensitivity equations
(``runtime/integrate.py``, ``runtime/integrate_ivp.py``); the times (``t``, ``t_span``,
``t_eval``) have no rule (refused), nor the reverse rule (a Hessian).

``solve_ivp`` is differentiated through a closed form: ``ivp_solve`` (times and states
in one array, the rule's) and the result's fields the user reads (``sol.t``,
``sol.y``, ``sol.success``, ``sol.status``, ``sol.message``); ``quad`` through one
over ``quad_value`` (the value and the error estimate in one array, the estimate
carrying no derivative; Leibniz's rule in the limits, ``runtime/integrate_quad.py``)."""
from __future__ import annotations

from collections import namedtuple

import scipy.integrate as integrate

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import deffirstorder, defjvp, defthrough, defunsupported, defvjp
from s2sad.runtime import integrate as odeint_rules
from s2sad.runtime import integrate_ivp, integrate_quad
from s2sad.runtime.integrate_ivp import ivp_solve
from s2sad.runtime.integrate_quad import quad_value

SIGNATURE = ("func, y0, t, args=(), Dfun=None, col_deriv=0, full_output=0, ml=None, "
             "mu=None, rtol=None, atol=None, tcrit=None, h0=0.0, hmax=0.0, hmin=0.0, "
             "ixpr=0, mxstep=0, mxhnil=0, mxordn=12, mxords=5, printmessg=0, tfirst=False")
ADJOINT = "odeint_adjoint(g, ans, func, y0, t, args, tfirst, rtol, atol, mxstep, full_output)"

TANGENT = ("odeint_tangent(ans, func, y0, t, args, {}, tfirst, rtol, atol, mxstep, "
           "full_output)")

defvjp(integrate.odeint, SIGNATURE, None, ADJOINT + "[0]", None, ADJOINT + "[1]")
defjvp(integrate.odeint, SIGNATURE, None, TANGENT.format("dy0, None"), None,
       TANGENT.format("None, dargs"))
defunsupported(integrate.odeint, "t")

IVP = "fun, t_span, y0, method, t_eval, rtol, atol, first_step, max_step, args, *free"
IVP_ADJOINT = ("ivp_adjoint(g, ans, fun, t_span, y0, method, t_eval, rtol, atol, "
               "first_step, max_step, args, free)")
IVP_TANGENT = ("ivp_tangent(ans, fun, t_span, y0, method, t_eval, rtol, atol, first_step, "
               "max_step, args, free, {})")
_SETTINGS = (None,) * 6  # (method, t_eval, rtol, atol, first_step, max_step)

defvjp(ivp_solve, IVP, None, None, IVP_ADJOINT + "[0]", *_SETTINGS, IVP_ADJOINT + "[1]",
       varargs=IVP_ADJOINT + "[2][i]")
defjvp(ivp_solve, IVP, None, None, IVP_TANGENT.format("dy0"), *_SETTINGS,
       IVP_TANGENT.format("None, dargs"), varargs=IVP_TANGENT.format("None, None, i, dfree"))
defunsupported(ivp_solve, "t_span", "t_eval")

IvpSolution = namedtuple("IvpSolution", "t y status success message")


def solve_ivp(fun, t_span, y0, method='RK45', t_eval=None, dense_output=False, events=None,
              vectorized=False, args=None, rtol=1e-3, atol=1e-6, first_step=None,
              max_step=None, jac=None):
    if dense_output or events is not None or vectorized or jac is not None:
        raise DifferentiationError("<s2sad>:?: solve_ivp with dense_output, events, "
                                   "vectorized or jac: its derivative is not supported; "
                                   "call it with fun, t_span, y0, method, t_eval, args, "
                                   "rtol, atol, first_step, max_step")
    ty = ivp_solve(fun, t_span, y0, method, t_eval, rtol, atol, first_step, max_step, args)
    return IvpSolution(ty[0], ty[1:], 0, True, "The solver successfully reached the end "
                       "of the integration interval.")


defthrough(integrate.solve_ivp, solve_ivp)


QUAD = "func, a, b, epsabs, epsrel, limit, args, *free"
QUAD_ADJOINT = "quad_adjoint(g, ans, func, a, b, epsabs, epsrel, limit, args, free)"
QUAD_TANGENT = "quad_tangent(ans, func, a, b, epsabs, epsrel, limit, args, free, {})"

defvjp(quad_value, QUAD, None, QUAD_ADJOINT + "[0]", QUAD_ADJOINT + "[1]", None, None, None,
       QUAD_ADJOINT + "[2]", varargs=QUAD_ADJOINT + "[3][i]")
defjvp(quad_value, QUAD, None, QUAD_TANGENT.format("da"), QUAD_TANGENT.format("None, db"),
       None, None, None, QUAD_TANGENT.format("None, None, dargs"),
       varargs=QUAD_TANGENT.format("None, None, None, i, dfree"))


def quad(func, a, b, args=(), full_output=0, epsabs=1.49e-08, epsrel=1.49e-08, limit=50,
         points=None, weight=None, wvar=None, wopts=None, maxp1=50, limlst=50,
         complex_func=False):
    if full_output or points is not None or weight is not None or complex_func:
        raise DifferentiationError("<s2sad>:?: quad with full_output, points, weight or "
                                   "complex_func: its derivative is not supported; call it "
                                   "with func, a, b, args, epsabs, epsrel, limit")
    q = quad_value(func, a, b, epsabs, epsrel, limit, args)
    return q[0], q[1]


defthrough(integrate.quad, quad)
deffirstorder("scipy.integrate.odeint", odeint_rules.odeint_adjoint, odeint_rules.odeint_tangent)
deffirstorder("scipy.integrate.solve_ivp", integrate_ivp.ivp_adjoint, integrate_ivp.ivp_tangent)
deffirstorder("scipy.integrate.quad", integrate_quad.quad_adjoint, integrate_quad.quad_tangent)
