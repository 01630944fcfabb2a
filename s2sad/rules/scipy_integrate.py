"""scipy.integrate.odeint (registered once the user has imported scipy.integrate):
differentiated in ``y0`` and in the float parameters of ``args``, in reverse mode by the
adjoint method, in forward mode by the sensitivity equations (``runtime/integrate.py``);
the output times ``t`` have no rule (refused), nor the reverse rule (a Hessian)."""
from __future__ import annotations

import scipy.integrate as integrate

from s2sad.rules.registry import defjvp, defunsupported, defvjp

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
