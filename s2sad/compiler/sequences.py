"""Stage 2 helper: the items of a sequence, known statement by statement.

A wrapper's idiom changes one argument and passes all of them on::

    def symmetrized(*args):
        args = list(args)
        args[1] = 0.5 * (args[1] + args[1].T)
        return f(*args)

``f(*args)`` can be differentiated only if the compiler knows how many items
``args`` holds and which. It does when the name is bound only by statements at
the top of the function (each runs once, in order) and is only read item by
item, spread (``*args``) or measured (``len``): then no other name sees the
sequence, and the items after each statement are the items before it with the
written one replaced (``Normalizer.literals``).
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.user_code import child_nodes

_SEQUENCE_COPIES = (list, tuple)


def tracked(node: gast.FunctionDef) -> set[str]:
    """Names of ``node`` whose items can be followed statement by statement."""
    top = {id(s) for s in node.body}
    parents: dict[int, gast.AST] = {}
    names: dict[str, bool] = {}
    todo: list[gast.AST] = list(node.body)
    for s in node.body:
        parents[id(s)] = node
    while todo:
        n = todo.pop()
        for child in child_nodes(n):
            parents[id(child)] = n
            if not isinstance(child, (gast.FunctionDef, gast.Lambda)):
                todo.append(child)
        if isinstance(n, gast.Name):
            names[n.id] = names.get(n.id, True) and _followed(n, parents, top)
    return {name for name, ok in names.items() if ok}


def _followed(n: gast.Name, parents: dict, top: set[int]) -> bool:
    up = parents.get(id(n))
    if isinstance(n.ctx, gast.Store):  # name = ... at the top of the function
        return isinstance(up, gast.Assign) and id(up) in top and up.targets == [n]
    if isinstance(up, gast.Starred):
        return True
    if isinstance(up, gast.Call) and isinstance(up.func, gast.Name) and \
            up.func.id in ("len", "list", "tuple") and up.args == [n]:
        return True  # its length, or a copy (a new sequence: no other name sees this one)
    if not isinstance(up, gast.Subscript) or up.value is not n:
        return False
    if isinstance(up.ctx, gast.Load):
        return True
    above = parents.get(id(up))  # name[i] = v at the top of the function
    return isinstance(above, gast.Assign) and id(above) in top and above.targets == [up]


def copied_items(norm: Any, value: gast.expr) -> list | None:
    """The items of ``list(xs)``, ``tuple(xs)`` or ``xs`` when those of ``xs`` are known."""
    from s2sad.compiler.spread_arguments import literal_items
    if isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords and \
            norm.resolve(value.func) in _SEQUENCE_COPIES:
        value = value.args[0]
    if isinstance(value, (gast.Name, gast.Subscript)):  # xs, xs[1:]
        items = literal_items(norm, value)
        return list(items) if items is not None else None
    return None


def known_index(norm: Any, index: gast.expr) -> int | None:
    """An index written as an int, or a name outside the function holding one."""
    if isinstance(index, gast.Constant) and type(index.value) is int:
        return index.value
    if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub):
        inner = known_index(norm, index.operand)
        return None if inner is None else -inner
    if isinstance(index, gast.Name) and index.id not in norm.locals:
        value = norm.resolve(index)
        return value if type(value) is int else None
    return None


def written(norm: Any, name: str, index: gast.expr, item: gast.expr) -> None:
    """After ``name[index] = item``: the items with that one replaced, or unknown."""
    items = norm.literals.get(name)
    k = known_index(norm, index)
    if items is None or k is None or not -len(items) <= k < len(items):
        norm.literals.pop(name, None)
        return
    items = list(items)
    items[k] = item
    norm.literals[name] = items


_MADE_BY = ("list", "tuple", "sorted")  # builtins whose value is a new list or tuple


def sequence_names(node: gast.FunctionDef, own: Any) -> tuple[set[str], set[str]]:
    """Local names that hold a list or tuple wherever they are bound (``s = [x, 2 * x]``,
    ``u = s + s``, ``s += [v]``, ``t = tuple(x)``): their ``+`` and ``*`` concatenate and
    repeat.  A name bound any other way (a call, unpacking, a loop) may hold an array:
    not one of them.  And those whose items are sequences too (``parts = [[a], [b, c]]``:
    ``parts[0] + parts[1]`` joins).  ``own``: the nodes of the function (not of the defs
    inside)."""
    stores: dict[str, list] = {}
    plain: set[int] = set()  # the name nodes written by those assignments
    for n in own(node):
        if isinstance(n, gast.Assign):
            for t in n.targets:
                if isinstance(t, gast.Name):
                    stores.setdefault(t.id, []).append(n.value)
                    plain.add(id(t))
        elif isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name) and \
                isinstance(n.op, (gast.Add, gast.Mult)):
            stores.setdefault(n.target.id, []).append(n.value if isinstance(n.op, gast.Add)
                                                     else n.target)
            plain.add(id(n.target))
    for n in own(node):  # bound some other way: a loop, unpacking, with, a parameter
        if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Param)) and \
                id(n) not in plain:
            stores.setdefault(n.id, []).append(None)
    for a in (node.args.args + node.args.kwonlyargs):
        stores.setdefault(a.id, []).append(None)
    for n in own(node):  # (nonlocal total: bound by the function around too)
        if isinstance(n, gast.Nonlocal):
            for name in n.names:
                stores.setdefault(name, []).append(None)
    return _surely_sequences(stores, changed_in_place(node, own))


def changed_in_place(node: gast.FunctionDef, own: Any) -> set[str]:
    """Names whose list may get other items than it was bound with (``kept.append(v)``,
    ``rows[i] = v``), or that another name or a call may change (``alias = rows``,
    ``helper(rows)``): not known to hold only sequences."""
    changed = set()
    for n in own(node):
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store) and \
                isinstance(n.value, gast.Name):
            changed.add(n.value.id)
        elif isinstance(n, gast.Call):
            handed = list(n.args) + [k.value for k in n.keywords] + (
                [n.func.value] if isinstance(n.func, gast.Attribute) else [])
            changed |= {a.id for a in handed if isinstance(a, gast.Name)}
            changed |= {a.value.id for a in handed if isinstance(a, gast.Starred) and
                        isinstance(a.value, gast.Name)}
        elif isinstance(n, gast.Assign) and isinstance(n.value, gast.Name):
            changed.add(n.value.id)
    return changed


_RESIZING = frozenset({"append", "extend", "insert", "pop", "remove", "clear"})


def resized(node: gast.FunctionDef, own: Any) -> set[str]:
    """Names whose list may change length in the function (``ws.append(w)``, ``del
    ws[0]``, ``ws[1:1] = [v]``), and the names they were bound from (``parts = ws``):
    a list parameter's length known at the call is not its length after them (a loop
    ``for v in ws`` after ``ws.append(w)`` went round the call's count)."""
    found, aliases = set(), []
    for n in own(node):
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
                n.func.attr in _RESIZING and isinstance(n.func.value, gast.Name):
            found.add(n.func.value.id)
        elif isinstance(n, gast.Subscript) and isinstance(n.ctx, (gast.Store, gast.Del)) \
                and isinstance(n.value, gast.Name) and isinstance(n.slice, gast.Slice) or \
                isinstance(n, gast.Delete):
            found |= {t.value.id for t in getattr(n, "targets", [n]) if isinstance(
                t, gast.Subscript) and isinstance(t.value, gast.Name)}
        elif isinstance(n, gast.Assign) and isinstance(n.value, gast.Name):
            aliases += [(t.id, n.value.id) for t in n.targets if isinstance(t, gast.Name)]
    grown = True
    while grown:
        before = len(found)
        found |= {source for alias, source in aliases if alias in found}
        grown = len(found) != before
    return found


def _surely_sequences(stores: dict[str, list], mutated: set[str]
                      ) -> tuple[set[str], set[str]]:
    """The names all of whose values are sequences (dropped until none changes; nested:
    those whose items are sequences too, ``parts = [[a, b], [c]]``, and that nothing
    changes in place)."""
    names, nested = set(stores), set(stores) - mutated
    changed = True
    while changed:
        before = (len(names), len(nested))
        names = {n for n in names if all(_is_sequence(v, names, nested) for v in stores[n])}
        nested = {n for n in nested if n in names and all(
            _of_sequences(v, names, nested) for v in stores[n])}
        changed = (len(names), len(nested)) != before
    return names, nested


def _is_sequence(value: Any, names: set[str], nested: set[str] | frozenset = frozenset()
                 ) -> bool:
    if isinstance(value, (gast.List, gast.Tuple, gast.ListComp)):
        return True
    if isinstance(value, gast.Name):
        return value.id in names
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
        return value.value.id in (names if isinstance(value.slice, gast.Slice) else nested)
    if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add):
        return _is_sequence(value.left, names, nested) or \
            _is_sequence(value.right, names, nested)
    if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult):
        return _is_sequence(value.left, names, nested)
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and \
        value.func.id in _MADE_BY


def _of_sequences(value: Any, names: set[str], nested: set[str] | frozenset) -> bool:
    """Is every item of ``value`` a sequence (``[[a, b], [c]]``, ``[[v] for ...]``)?"""
    if isinstance(value, (gast.List, gast.Tuple)):
        return all(_is_sequence(e, names, nested) for e in value.elts)
    if isinstance(value, gast.ListComp):
        return _is_sequence(value.elt, names, nested)
    if isinstance(value, gast.Name):
        return value.id in nested
    if isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice):
        return _of_sequences(value.value, names, nested)
    if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add):
        return _of_sequences(value.left, names, nested) and \
            _of_sequences(value.right, names, nested)
    if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult):
        return _of_sequences(value.left, names, nested)
    return False


def item_at(norm: Any, node: gast.expr) -> gast.expr | None:
    """The item ``seq[k]`` reads, at a literal index ``k``, of a sequence whose items are
    known (``fs = [np.sin, np.cos]``); else None."""
    if not isinstance(node, gast.Subscript) or not isinstance(node.value, gast.Name):
        return None
    items = norm.literals.get(norm.name(node.value.id))
    e, sign = node.slice, 1
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        e, sign = e.operand, -1  # (-1 is written as a negation)
    if items is None or not isinstance(e, gast.Constant) or type(e.value) is not int or \
            not -len(items) <= sign * e.value < len(items):
        return None
    return items[sign * e.value]


def is_sequence_operand(norm: Any, node: gast.expr) -> bool:
    """An operand of ``+`` or ``*`` that is a list or tuple (the operation joins or
    repeats): a display, a name known to hold one, or what makes a new one."""
    return isinstance(node, (gast.List, gast.ListComp, gast.Tuple)) or \
        isinstance(node, gast.Name) and node.id in norm.locals and (
            node.id in norm.sequences or norm.name(node.id) in norm.lengths) or \
        _made_sequence(norm, node) or _literal_sequence(norm, node)


def _made_sequence(norm: Any, node: gast.expr) -> bool:
    """``list(a)``, ``tuple(t)``, ``sorted(xs)``: a new list or tuple."""
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and \
        node.func.id not in norm.locals and norm.resolve(node.func) in (list, tuple, sorted)


def _literal_sequence(norm: Any, node: gast.expr) -> bool:
    """A name whose items are known (``a = [x, y]``, a helper's list returned), or an
    item of one that is a list or tuple written in the function (``parts[0]`` of
    ``parts = [[a, b], [c]]``): its ``+`` and ``*`` join and repeat."""
    if isinstance(node, gast.Name):
        return node.id in norm.locals and norm.name(node.id) in norm.literals
    if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) and \
            node.value.id in norm.locals and node.value.id in (
                norm.sequences if isinstance(node.slice, gast.Slice) else norm.nested):
        return True  # (xs[1:] of a list, rows[i] of a list of lists)
    if not (isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) and
            node.value.id in norm.locals and isinstance(node.slice, gast.Constant) and
            type(node.slice.value) is int) or node.value.id in norm.mutated:
        return False  # (an item of a list changed in place may be anything now)
    items = norm.literals.get(norm.name(node.value.id))
    if items is None or not -len(items) <= node.slice.value < len(items):
        return False
    item = items[node.slice.value]
    return isinstance(item, (gast.List, gast.Tuple)) or \
        isinstance(item, gast.Name) and item.id in norm.literals


def listed_arrays(own: list, ndims: dict[str, int], stores: Any) -> set[str]:
    """Names bound once, to ``x.tolist()`` of an array parameter of one axis or more
    (never bound again): a list, whose ``+``, ``*`` and ``sort()`` are a list's.  (Of a
    0-d array ``tolist()`` is a number: not one of them.)  ``own``: the function's own
    nodes (:func:`~s2sad.compiler.user_code.own_nodes`)."""
    out = set()
    for s in own:
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and stores[s.targets[0].id] == 1 and \
                isinstance(s.value, gast.Call) and not s.value.args and \
                not s.value.keywords and isinstance(s.value.func, gast.Attribute) and \
                s.value.func.attr == "tolist" and isinstance(s.value.func.value, gast.Name) \
                and ndims.get(s.value.func.value.id, 0) >= 1:
            out.add(s.targets[0].id)
    return out
