"""Part of stage 2: lambdas written straight into a list, tuple or dict the function
binds, ``steps = [lambda v: v - v.mean(), np.tanh]`` or ``losses = {"mse": lambda p, t:
...}``, each bound to a name of its own first (``steps_0 = lambda v: ...``), so the
display holds names of defs inside the function, which :mod:`function_displays` reads
in place (an item called is the def called, inlined reading its free names then, as a
Python lambda does).  In any block of the function's own statements (a display made
again in each round of a loop: its lambdas bound there too, each round, as Python
does).  A display given straight to a call, ``np.piecewise(x, [x < 0], [lambda t: -t,
np.sqrt])``, the same way (``piecewise_0 = lambda t: -t`` first), when the statement is
a plain one and the lambda has no defaults (nothing it evaluates moves); not in a
comprehension, a lambda or a def (its names are bound there).  A lambda held anywhere
else is refused by the fence as before."""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler.lambda_lists import fresh_name
from s2sad.compiler.names import load, store
from s2sad.compiler.node_scans import contains
from s2sad.compiler.walks import walk


def lowered(node: gast.FunctionDef) -> None:
    """Each lambda of a display bound at the top of ``node`` given its own name."""
    if not contains(node, (gast.Lambda,)):  # (a scan that stops at the first: most have none)
        return
    taken = {n.id for n in walk(node) if isinstance(n, gast.Name)}
    node.body = _block(node.body, taken)


def _block(stmts: list, taken: set[str]) -> list:
    """``stmts`` with each display's lambdas bound before it, in nested blocks too
    (not in a def inside: its own statements run when it is called)."""
    body: list = []
    for s in stmts:
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and not isinstance(s, gast.FunctionDef):
                setattr(s, field, _block(inner, taken))
        body.extend(_named(s, taken))
        body.append(s)
    return body


def _named(s: gast.stmt, taken: set[str]) -> list:
    """The bindings of the lambdas ``s``'s displays hold (the displays now reading them)."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name):
        out = _display_named(s, s.value, s.targets[0].id, taken, lambda _: True)
    else:
        out = []
    value = getattr(s, "value", None) if isinstance(s, _PLAIN) else None
    for call in _calls(value):
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            out += _display_named(s, arg, _callee_name(call.func), taken, _no_defaults)
    return out


_PLAIN = (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Return, gast.Expr)
_OWN_SCOPES = (gast.Lambda, gast.ListComp, gast.DictComp, gast.SetComp, gast.GeneratorExp)


def _calls(node: gast.expr | None) -> list[gast.Call]:
    """The calls of an expression, not those inside a lambda or a comprehension."""
    if node is None or isinstance(node, _OWN_SCOPES):
        return []
    found = [node] if isinstance(node, gast.Call) else []
    for child in gast.iter_child_nodes(node):
        if isinstance(child, gast.expr):
            found += _calls(child)
    return found


def _callee_name(func: gast.expr) -> str:
    name = func.attr if isinstance(func, gast.Attribute) else getattr(func, "id", "")
    return name if name.isidentifier() else "called"


def _no_defaults(item: gast.Lambda) -> bool:
    """A lambda whose making evaluates nothing (no default values), so it may move."""
    return not item.args.defaults and not any(item.args.kw_defaults)


def _display_named(s: gast.stmt, value: gast.expr, target: str, taken: set[str],
                   movable: Callable[[gast.Lambda], bool]) -> list:
    """The bindings of the lambdas the display ``value`` holds, named after ``target``."""
    if isinstance(value, (gast.List, gast.Tuple)):
        slots = [(value.elts, i, str(i)) for i in range(len(value.elts))]
    elif isinstance(value, gast.Dict):
        slots = [(value.values, i, _key_name(k, i)) for i, k in enumerate(value.keys)]
    else:
        return []
    out = []
    for items, i, label in slots:
        if isinstance(items[i], gast.Lambda) and movable(items[i]):
            name = fresh_name(f"{target}_{label}", taken)
            bound = gast.Assign(targets=[store(name)], value=items[i], type_comment=None)
            bound.s2sad_display_item = True  # (a def of the display's, wherever it is)
            out.append(gast.copy_location(bound, s))
            items[i] = gast.copy_location(load(name), items[i])
    return out


def _key_name(key: gast.expr | None, i: int) -> str:
    word = key.value if isinstance(key, gast.Constant) else None
    return word if isinstance(word, str) and word.isidentifier() else str(i)
