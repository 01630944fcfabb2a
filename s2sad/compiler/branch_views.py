"""Part of stage 3c (aliases): a view chosen by a branch, ``v = B[0] if c else B[1]``
(or ``if c: v = B[0] else: v = B[1]``), taken as one view at an index chosen there:

    if c:                         if c:
        v = B[0]          ->          v_at = 0
    else:                         else:
        v = B[1:3]                    v_at = slice(1, 3)
                                  v = B[v_at]

so :mod:`views` knows ``v`` as a view of ``B`` (at the index ``v_at``, bound only there,
the same wherever ``v`` is used): a write through ``v`` is written back into ``B``, and
``v`` is taken again after a write into ``B``, as for a view at a constant index.

Only where each branch ends with the view's only binding there (``v`` bound nowhere
else in the function, ``B`` bound in neither branch) and both are of the same name at
constant indices; anything else stays as it was (its writes refused by the alias stage).
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.names import assign, copy_origin, load
from s2sad.compiler.statement_walks import walk_statements
from s2sad.compiler.walks import name_nodes


def chosen_views(node: gast.FunctionDef, namespace: dict[str, Any]) -> None:
    """Rewrite (in place) each view chosen by a branch as a view at a chosen index."""
    from s2sad.compiler.array_names import bindings
    blocks = _blocks(node)
    if not any(isinstance(s, gast.If) and s.body and s.orelse and
               _view_binding(s.body[-1]) and _view_binding(s.orelse[-1])
               for block in blocks for s in block):
        return  # (no branch ends with a view: the names need not be counted)
    stores = bindings(node, namespace)
    taken = {n.id for n in name_nodes(node)} | {a.id for a in node.args.args}
    for block in blocks:
        for place, s in reversed(list(enumerate(block))):
            chosen = _chosen(s, stores)
            if chosen is None:
                continue
            name, base, at = chosen
            index = _fresh(f"{name}_at", taken)
            parts = _parts(s.body[-1].value.slice)
            for branch in (s.body, s.orelse):
                made = branch[-1]
                branch[-1] = copy_origin(assign(index, _parts(made.value.slice)[at]), made)
                branch[-1].lineno = made.lineno
                branch[-1].s2sad_view_index = True  # (views.py: a constant index)
            parts[at] = load(index)
            view = copy_origin(assign(name, gast.Subscript(
                value=load(base), slice=parts[0] if len(parts) == 1 else gast.Tuple(
                    elts=parts, ctx=gast.Load()), ctx=gast.Load())), s.body[-1])
            view.lineno = s.body[-1].lineno
            block.insert(place + 1, view)


def _blocks(node: gast.AST) -> list[list]:
    """Every statement list of ``node`` (bodies of functions, loops, branches), in
    :func:`walk`'s order (no expression holds one: not looked into)."""
    return [getattr(n, field) for n in walk_statements(node) for field in ("body", "orelse")
            if isinstance(getattr(n, field, None), list)]


def _parts(index: gast.expr) -> list:
    return list(index.elts) if isinstance(index, gast.Tuple) else [index]


def _chosen(s: gast.stmt, stores: dict[str, int]) -> tuple[str, str, int] | None:
    """(view name, base name, position of the int the branches choose) of an ``if`` each
    branch of which ends with ``v = B[...]``, the indices the same but for one int
    (``B[0]`` or ``B[1]``, ``B[:, 0]`` or ``B[:, 2]``: the view's rank is the same);
    ``stores``: how many times each name is bound, not counting writes into it."""
    if not isinstance(s, gast.If) or not s.body or not s.orelse:
        return None
    ends = [s.body[-1], s.orelse[-1]]
    if not all(_view_binding(e) for e in ends):
        return None
    names = {e.targets[0].id for e in ends}
    bases = {e.value.value.id for e in ends}
    if len(names) != 1 or len(bases) != 1:
        return None
    name, base = names.pop(), bases.pop()
    at = _differing(*(e.value.slice for e in ends))
    if stores.get(name) != 2 or name == base or at is None:
        return None
    bound = {n.id for b in (s.body, s.orelse) for x in b for n in name_nodes(x)
             if isinstance(n.ctx, gast.Store)}
    mentioned = sum(n.id == name for x in s.body + s.orelse for n in name_nodes(x))
    return (name, base, at) if base not in bound and mentioned == 2 else None


def _differing(a: gast.expr, b: gast.expr) -> int | None:
    """The one position where two indices differ, ints in both; else None."""
    pa, pb = _parts(a), _parts(b)
    differ = [k for k, (x, y) in enumerate(zip(pa, pb)) if gast.dump(x) != gast.dump(y)]
    if len(pa) != len(pb) or len(differ) != 1:
        return None
    x, y = pa[differ[0]], pb[differ[0]]
    ints = all(isinstance(e, gast.Constant) and type(e.value) is int for e in (x, y))
    return differ[0] if ints else None


def _view_binding(s: gast.stmt) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Subscript) and \
        isinstance(s.value.value, gast.Name) and _constant(s.value.slice) and \
        not getattr(s, "s2sad_item_write", False)


def _constant(idx: gast.expr) -> bool:
    """Ints, slices of ints, ``None`` and tuples of them: a basic index (a view)."""
    if isinstance(idx, gast.Tuple):
        return bool(idx.elts) and all(map(_constant, idx.elts))
    if isinstance(idx, gast.Slice):
        return all(p is None or isinstance(p, gast.Constant) and type(p.value) is int
                   for p in (idx.lower, idx.upper, idx.step))
    return isinstance(idx, gast.Constant) and (type(idx.value) is int or idx.value is None)


def _fresh(name: str, taken: set[str]) -> str:
    k, out = 1, name
    while out in taken:
        k, out = k + 1, f"{name}_{k}"
    taken.add(out)
    return out
