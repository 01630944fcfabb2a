"""Part of stage 2: a list of lambdas made by a comprehension, each keeping its own
values in default arguments (``fs = [lambda t, k=k: np.sin(t * k) for k in range(3)]``,
Python's way around late binding; or ``fs = []`` and one ``fs.append(lambda t, k=k:
...)`` in a loop), as one lambda and the list of the values each keeps, before the
fence looks at the function.

The lambdas differ only in their defaults, so the list is kept as those defaults
(``fs = [k for k in range(3)]``: one a lambda, a tuple of them for several) and one
lambda taking them as parameters (``fs_lambda = lambda t, k: np.sin(t * k)``, a def
inside the function like any ``f = lambda``); a call of an item, ``fn(x)`` where ``fn``
runs over ``fs`` (a ``for`` loop or a comprehension, also of ``enumerate(fs)``, the
loop's variable not read after it) or is ``fs[i]``, is ``fs_lambda(x, fn)``.  Only
where every use of ``fs`` is one of those (or ``len(fs)``) and the lambdas read no
variable of the comprehension except through their defaults (a late-bound one is the
comprehension's last value): otherwise the fence refuses the lambda, at its line, as
before."""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.names import load
from s2sad.compiler.node_scans import contains
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import walk


def lowered(node: gast.FunctionDef) -> None:
    """Each such list of lambdas in ``node``'s body made one lambda and its defaults."""
    if not contains(node, (gast.Lambda,)):  # (a scan that stops at the first: most have none)
        return
    taken = {n.id for n in walk(node) if isinstance(n, gast.Name)}
    for parent in list(walk(node)):
        for field in ("body", "orelse"):
            block = getattr(parent, field, None)
            if not isinstance(block, list) or parent is not node and \
                    not isinstance(parent, (gast.For, gast.While, gast.If)):
                continue
            for k in reversed(range(len(block))):
                made = _made(block[k], node, taken)
                if made is not None:
                    block.insert(k, made)


def _made(s: gast.stmt, node: gast.FunctionDef, taken: set[str]) -> gast.stmt | None:
    """The lambda's own assignment, ``s`` and the calls rewritten; else None."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name)):
        return None
    name = s.targets[0].id
    if isinstance(s.value, gast.ListComp) and isinstance(s.value.elt, gast.Lambda):
        lam, holder, field = s.value.elt, s.value, "elt"
        inside = {n.id for g in s.value.generators for n in walk(g.target)
                  if isinstance(n, gast.Name)}
        appended = None
    elif isinstance(s.value, gast.List) and not s.value.elts:
        appended = _appended(node, name)  # (fs = [] and one fs.append(lambda ...))
        if appended is None:
            return None
        lam, holder, field, inside = appended.args[0], appended, "args", set()
    else:
        return None
    args = lam.args
    kept = len(args.defaults)
    if not kept or args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        return None
    params = {a.id for a in args.args}
    if {n.id for n in walk(lam.body) if isinstance(n, gast.Name)} - params & inside:
        return None  # (a late-bound variable of the comprehension: its last value)
    calls = _calls(node, s, name, len(args.args) - kept, appended)
    if calls is None:
        return None
    fresh = fresh_name(f"{name}_lambda", taken)
    for call, item in calls:
        call.func = gast.copy_location(load(fresh), call.func)
        call.args = list(call.args) + ([item] if kept == 1 else [
            gast.Subscript(value=clone(item), slice=gast.Constant(value=j, kind=None),
                           ctx=gast.Load()) for j in range(kept)])
    values = args.defaults[0] if kept == 1 else gast.Tuple(elts=list(args.defaults),
                                                          ctx=gast.Load())
    setattr(holder, field, [values] if field == "args" else values)
    one = gast.Lambda(args=gast.arguments(args=list(args.args), posonlyargs=[], vararg=None,
                                          kwonlyargs=[], kw_defaults=[], kwarg=None,
                                          defaults=[]), body=lam.body)
    made = gast.Assign(targets=[gast.Name(id=fresh, ctx=gast.Store(), annotation=None,
                                          type_comment=None)], value=one, type_comment=None)
    for n in walk(made):
        if isinstance(n, (gast.stmt, gast.expr)):
            gast.copy_location(n, lam)
    return made


def _appended(node: gast.FunctionDef, name: str) -> gast.Call | None:
    """The one ``fs.append(lambda ...)`` of the function, alone in its statement."""
    found = [n.value for n in walk(node) if isinstance(n, gast.Expr) and
             isinstance(n.value, gast.Call) and isinstance(n.value.func, gast.Attribute) and
             isinstance(n.value.func.value, gast.Name) and n.value.func.value.id == name]
    if len(found) != 1 or found[0].func.attr != "append" or found[0].keywords or \
            len(found[0].args) != 1 or not isinstance(found[0].args[0], gast.Lambda):
        return None
    return found[0]


def _calls(node: gast.FunctionDef, s: gast.stmt, name: str, plain: int,
           appended: gast.Call | None) -> list[tuple[gast.Call, gast.expr]] | None:
    """The calls of the list's items, each with what names the item (the loop's
    variable, ``fs[i]``), where every use of the list is one; else None."""
    uses = [n for n in walk(node) if isinstance(n, gast.Name) and n.id == name and
            n is not s.targets[0] and (appended is None or n is not appended.func.value)]
    if any(not isinstance(n.ctx, gast.Load) for n in uses):
        return None
    parents = {id(c): p for p in walk(node) for c in gast.iter_child_nodes(p)}
    found: list = []
    for use in uses:
        up = parents.get(id(use))
        if isinstance(up, gast.Call) and up.args == [use] and _is_len(up.func):
            continue
        if isinstance(up, gast.Subscript) and up.value is use:
            call = parents.get(id(up))
            if not _plain_call(call, up, plain):
                return None
            found.append((call, clone(up)))
            continue
        scope = _loop_over(up, use, parents)
        if scope is None:
            return None
        var, body, loop = scope
        reads = [n for b in body for n in walk(b) if isinstance(n, gast.Name) and n.id == var]
        inside = {id(n) for n in walk(loop)}
        if isinstance(loop, gast.For) and any(
                isinstance(n, gast.Name) and n.id == var and id(n) not in inside
                for n in walk(node)):
            return None  # (the loop's variable read after it, or bound elsewhere)
        for r in reads:
            call = parents.get(id(r))
            if not isinstance(r.ctx, gast.Load) or not _plain_call(call, r, plain):
                return None
            found.append((call, gast.Name(id=var, ctx=gast.Load(), annotation=None,
                                          type_comment=None)))
    return found


def _loop_over(up: Any, use: gast.Name, parents: dict) -> tuple[str, list, Any] | None:
    """``for fn in fs:`` (the loop's body) or ``... for fn in fs`` of a comprehension
    (its element, tests and later generators), also over ``enumerate(fs)``: the
    variable, where it is read, and the loop."""
    if isinstance(up, gast.Call) and up.args == [use] and not up.keywords and \
            isinstance(up.func, gast.Name) and up.func.id == "enumerate":
        use, up = up, parents.get(id(up))  # (for k, fn in enumerate(fs))
        target = _second(getattr(up, "target", None))
    else:
        target = getattr(up, "target", None)
    if not isinstance(target, gast.Name):
        return None
    if isinstance(up, gast.For) and up.iter is use:
        return target.id, up.body + up.orelse, up
    if isinstance(up, gast.comprehension) and up.iter is use:
        comp = parents[id(up)]
        later = comp.generators[comp.generators.index(up) + 1:]
        elts = [comp.key, comp.value] if isinstance(comp, gast.DictComp) else [comp.elt]
        return target.id, elts + list(up.ifs) + later, comp
    return None


def _second(target: Any) -> Any:
    """``fn`` of the target ``k, fn`` of a loop over ``enumerate``, else None."""
    if isinstance(target, (gast.Tuple, gast.List)) and len(target.elts) == 2:
        return target.elts[1]
    return None


def _plain_call(call: Any, callee: gast.expr, plain: int) -> bool:
    return isinstance(call, gast.Call) and call.func is callee and not call.keywords and \
        len(call.args) == plain and not any(isinstance(a, gast.Starred) for a in call.args)


def _is_len(func: gast.expr) -> bool:
    return isinstance(func, gast.Name) and func.id == "len"


def fresh_name(base: str, taken: set[str]) -> str:
    """``base``, or ``base_2``, ``base_3`` ...: the first not ``taken`` (then taken)."""
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name
