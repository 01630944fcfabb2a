"""Part of stage 2: lambdas written straight into a list, tuple or dict the function
binds, ``steps = [lambda v: v - v.mean(), np.tanh]`` or ``losses = {"mse": lambda p, t:
...}``, each bound to a name of its own first (``steps_0 = lambda v: ...``), so the
display holds names of defs inside the function, which :mod:`function_displays` reads
in place (an item called is the def called, inlined reading its free names then, as a
Python lambda does).  In any block of the function's own statements (a display made
again in each round of a loop: its lambdas bound there too, each round, as Python
does); a lambda held anywhere else is refused by the fence as before."""
from __future__ import annotations

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
    """The bindings of the lambdas ``s``'s display holds (the display now reading them)."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name)):
        return []
    value, target = s.value, s.targets[0].id
    if isinstance(value, (gast.List, gast.Tuple)):
        slots = [(value.elts, i, str(i)) for i in range(len(value.elts))]
    elif isinstance(value, gast.Dict):
        slots = [(value.values, i, _key_name(k, i)) for i, k in enumerate(value.keys)]
    else:
        return []
    out = []
    for items, i, label in slots:
        if isinstance(items[i], gast.Lambda):
            name = fresh_name(f"{target}_{label}", taken)
            bound = gast.Assign(targets=[store(name)], value=items[i], type_comment=None)
            bound.s2sad_display_item = True  # (a def of the display's, wherever it is)
            out.append(gast.copy_location(bound, s))
            items[i] = gast.copy_location(load(name), items[i])
    return out


def _key_name(key: gast.expr | None, i: int) -> str:
    word = key.value if isinstance(key, gast.Constant) else None
    return word if isinstance(word, str) and word.isidentifier() else str(i)
