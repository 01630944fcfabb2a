"""The last late pass: ``del`` each value after the statement that last uses it.

Without it a large intermediate lives until the function returns, and the last
iteration's temporaries of a loop outlive the loop.  Run once, after every other
pass, from liveness over the structured statements: a name is deleted after a
statement that reads or stores it when no later statement may read it, where the
same block bound it for certain (a plain assignment of that block, not one inside
a branch) and it may hold an array.  Not where it frees nothing: a value whose last
use copies it to another name, pushes it on the tape or packs it into a tuple, a
branch flag, right before ``return`` (the frame goes anyway), after ``break``.
"""
from __future__ import annotations

import gast

from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import nodes

_ENDS = (gast.Return, gast.Break, gast.Continue, gast.Raise)


def free(body: list, keep: set[str]) -> list:
    """``keep``: names never deleted (parameters, names known to hold numbers)."""
    after: dict[int, frozenset] = {}
    live_after(body, after)
    return _free(body, after, keep | _flags(body), top=True)


def _free(block: list, after: dict[int, frozenset], keep: set[str], top: bool) -> list:
    bound: set[str] = set()
    out: list = []
    for i, s in enumerate(block):
        if isinstance(s, (gast.If, gast.For, gast.While)):
            s.body = _free(s.body, after, keep, top=False)
            s.orelse = _free(s.orelse, after, keep, top=False)
        out.append(s)
        if isinstance(s, (gast.If, gast.For, gast.While)):  # freed in there: maybe unbound
            bound -= {t.id for n in nodes(s) if isinstance(n, gast.Delete)
                      for t in n.targets if isinstance(t, gast.Name)}
        bound |= _binds(s)
        dead = sorted(n for n in _uses(s) & bound - _held(s) if n not in keep
                      and n not in after.get(id(s), ()))
        returns = i + 1 < len(block) and isinstance(block[i + 1], gast.Return) or \
            top and i + 1 == len(block)
        if dead and not isinstance(s, _ENDS) and not returns:
            out.append(gast.Delete(targets=[gast.Name(id=n, ctx=gast.Del(), annotation=None,
                                                      type_comment=None) for n in dead]))
            bound -= set(dead)
    return out


def _binds(s: gast.stmt) -> set[str]:
    """Names an assignment binds for certain (an ``if``: names both branches assign)."""
    if isinstance(s, gast.If):
        return _bound_at_end(s.body) & _bound_at_end(s.orelse)
    if not isinstance(s, gast.Assign):
        return set()
    return {n.id for t in s.targets for n in nodes(t)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


def _bound_at_end(block: list) -> set[str]:
    bound: set[str] = set()
    for s in block:
        if isinstance(s, gast.Delete):
            bound -= {t.id for t in s.targets if isinstance(t, gast.Name)}
        else:
            bound |= _binds(s)
    return bound


def _uses(s: gast.stmt) -> set[str]:
    return {n.id for n in nodes(s) if isinstance(n, gast.Name)}


def _held(s: gast.stmt) -> set[str]:
    """Names whose value ``s`` keeps a reference to (a copy, a push, a tuple)."""
    value = s.value if isinstance(s, (gast.Assign, gast.Expr)) else None
    if isinstance(value, gast.Name):
        return {value.id}
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and \
            value.func.attr == "append":
        return {a.id for a in value.args if isinstance(a, gast.Name)}
    if isinstance(value, (gast.Tuple, gast.List)):
        return {e.id for e in value.elts if isinstance(e, gast.Name)}
    return set()


def _flags(body: list) -> set[str]:
    """Names tested by ``if`` or ``while``: numbers (an array has no truth value)."""
    return {n.test.id for n in nodes(body) if isinstance(n, (gast.If, gast.While))
            and isinstance(n.test, gast.Name)}
