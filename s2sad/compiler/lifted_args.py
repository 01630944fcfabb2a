"""Part of stage 3b (:mod:`local_functions`): a function made inside the function that
reads its variables, given to a solver that hands extra arguments on to it
(``odeint(f, y0, t)``, ``solve_ivp(lambda t, y: -k * y, ...)``, ``quad``, the root
finders): lifted (:func:`closures.lifted`, the variables its last parameters) and the
variables passed where the solver's rule differentiates them (``args``).  Python's
closure reads them when the solver calls it, which is during the call: as they are
at the call."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler.names import load

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def _positions() -> dict[Any, tuple[int, int | None]]:
    """solver -> (position of the function, how many positional arguments come before
    the lifted ones; None: ``odeint``, given ``args=`` instead)."""
    from s2sad import runtime
    out: dict[Any, tuple[int, int | None]] = {
        runtime.ivp_solve: (0, 10), runtime.quad_value: (0, 7), runtime.root_value: (1, 7),
        runtime.minimum_value: (0, 6), runtime.value_at: (0, 3)}
    integrate = sys.modules.get("scipy.integrate")
    if integrate is not None:
        out[integrate.odeint] = (0, None)
    return out


def lifted_into_args(norm: Normalizer, call: gast.Call, arg: gast.Name, made: Any) -> Any:
    """The lifted function ``call`` is to pass instead of ``made``, the variables added to
    its arguments; None for another call, or a call of ``odeint`` given ``args``."""
    try:
        callee = norm.resolve(call.func)
        where, before = _positions().get(callee, (None, None))
    except Exception:  # (an unhashable callee)
        return None
    if where is None or len(call.args) <= where or call.args[where] is not arg or \
            any(k.arg in ("args", "Dfun") for k in call.keywords):
        return None
    if len(call.args) != (3 if before is None else before):
        return None  # (odeint given args positionally)
    from s2sad.compiler.closures import lifted
    fn = lifted(made, trailing=True)
    if fn is None:
        return None
    names, home = fn.s2sad_lifted
    values = [load(home.name(ident)) for ident in names]
    if before is not None:  # (after the solver's own args, one by one)
        call.args += values
    else:
        call.keywords.append(gast.keyword(arg="args", value=norm.temp(
            gast.Tuple(elts=values, ctx=gast.Load()), "args")))
    return fn
