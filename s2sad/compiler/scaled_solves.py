"""Part of the late pass ``share``: a solve of a multiple of a right-hand side the
function already solved for is that multiple of the solution.

``alpha = np.linalg.solve(S, Y)`` and the loss ``0.5 * np.sum(Y * alpha)`` give
``dalpha = 0.5 * Y``, and the adjoint of the solve solves ``S.T`` (``S`` where it is
symmetric, ``symmetric.py``) for it: ``np.linalg.solve(S, dalpha)`` (or, with a
Cholesky factor ``c``, ``cho_solve(c, dalpha)`` after ``factor_solve(c, S, Y)``).  A solve is linear
in its right-hand side, so that is ``0.5 * alpha``: one factorisation and two
triangular solves fewer, as a person writing the gradient of a quadratic form
``y' S^-1 y`` would do.  Done at the top of the function body (no loop: the solution is
there), for names bound once, the factor a literal or a name holding a number.
"""
from __future__ import annotations

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.names import load
from s2sad.compiler.node_scans import mentions, nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_nodes, nodes, walk

_SOLVES = frozenset({"solve", "cho_solve", "factor_solve"})  # (what a body without any skips)


def scale_solves(body: list, namespace: dict, numbers: set[str]) -> list:
    """``body`` with each ``solve(a, v)`` of a ``v = c * b`` after ``x = solve(a, b)``
    read as ``c * x`` (and ``v``'s binding dropped where nothing reads it any more)."""
    if not mentions(body, _SOLVES, _SOLVES):
        return body
    for loop in [n for n in statement_nodes(body) if isinstance(n, (gast.For, gast.While))]:
        _scale_in_loop(loop.body, namespace, numbers)
    once = _bound_once(body)
    fixed = set(once) | (_names(body) - _stores(body))  # (one value all along)
    scaled = {name: f for name, s in once.items()
              if (f := _factor(s.value, numbers)) is not None and
              _names([f[0]]) <= fixed and f[1].id in fixed}
    if not any((key := _solve_of(c, namespace)) is not None and key[1] in scaled
               for c in nodes_of(body, (gast.Call,))):
        return body  # (no solve of a multiple: nothing to read as a multiple of one)
    solved: dict[tuple[str, str], str] = {}
    changed = False
    for s in body:
        for n in walk(s):
            for field, child in gast.iter_fields(n):
                items = child if isinstance(child, list) else [child]
                new = [_as_multiple(c, solved, scaled, namespace) or c for c in items]
                if any(a is not b for a, b in zip(new, items)):
                    setattr(n, field, new if isinstance(child, list) else new[0])
                    changed = True
        key = _solve_of(s.value, namespace) if isinstance(s, gast.Assign) and \
            len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) and \
            s.targets[0].id in once else None
        if key is not None and set(key) <= fixed:
            solved[key] = s.targets[0].id
    if not changed:
        return body
    read = {n.id for n in name_nodes(body) if n.ctx.__class__ is gast.Load}
    return [s for s in body if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                                    isinstance(s.targets[0], gast.Name) and
                                    s.targets[0].id in scaled and s.targets[0].id not in read)]


def _as_multiple(e: object, solved: dict, scaled: dict, namespace: dict) -> gast.expr | None:
    key = _solve_of(e, namespace)
    if key is None or key[1] not in scaled:
        return None
    c, b = scaled[key[1]]
    x = solved.get((key[0], b.id))
    return None if x is None else gast.BinOp(left=clone(c), op=gast.Mult(), right=load(x))


def _solve_of(e: object, namespace: dict) -> tuple[str, str] | None:
    """``np.linalg.solve(a, b)`` of two names: ``(a, b)``; a solve with a Cholesky
    factor ``c``, ``cho_solve(c, b)`` or ``factor_solve(c, a, b)``: ``(c, b)``."""
    if not isinstance(e, gast.Call) or e.keywords or not 2 <= len(e.args) <= 3 or \
            not all(isinstance(a, gast.Name) for a in e.args):
        return None
    fn = evaluate_ref(e.func, namespace)
    if fn is runtime.factor_solve and len(e.args) == 3:
        return e.args[0].id, e.args[2].id
    if len(e.args) == 2 and (fn is np.linalg.solve or fn is _cho_solve()):
        return e.args[0].id, e.args[1].id
    return None


def _cho_solve() -> object:
    """``scipy.linalg.cho_solve`` where SciPy is loaded (a derivative calling it has)."""
    import sys
    sl = sys.modules.get("scipy.linalg")
    return None if sl is None else sl.cho_solve


def _factor(e: gast.expr, numbers: set[str]) -> tuple[gast.expr, gast.Name] | None:
    """``c * b`` (or ``b * c``) of a name ``b`` and a number ``c``: (c, b)."""
    if not (isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult)):
        return None
    for c, b in ((e.left, e.right), (e.right, e.left)):
        if isinstance(b, gast.Name) and (
                isinstance(c, gast.Constant) and type(c.value) in (int, float) or
                isinstance(c, gast.Name) and c.id in numbers):
            return c, b
    return None


def _names(body: list) -> set[str]:
    return {n.id for n in name_nodes(body)}


def _stores(body: list) -> set[str]:
    return {n.id for n in name_nodes(body) if n.ctx.__class__ is not gast.Load}


def _bound_once(body: list) -> dict[str, gast.Assign]:
    """Names bound by one assignment of the top and nowhere else."""
    counts: dict[str, int] = {}
    for n in nodes(body):
        if n.__class__ is gast.Name and n.ctx.__class__ is not gast.Load:
            counts[n.id] = counts.get(n.id, 0) + 1
    return {s.targets[0].id: s for s in body if isinstance(s, gast.Assign) and
            len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) and
            counts[s.targets[0].id] == 1}


def _scale_in_loop(block: list, namespace: dict, numbers: set[str]) -> None:
    """The same in a loop's body, where names are bound again every trip: a solve
    ``x = np.linalg.solve(a, b)`` (``b`` a name or an item ``B[i]``) and a multiple
    ``v = c * b`` read at a later ``np.linalg.solve(a, v)`` of the same trip, none of the
    names they read bound again in between (an SPD solve per item of a batch, whose
    quadratic form's adjoint is a multiple of the right-hand side)."""
    versions: dict[str, int] = {}
    solved: dict[tuple[str, str], tuple[str, dict]] = {}
    scaled: dict = {"": numbers}  # name -> (c, b, versions); "" -> the numbers

    def snapshot(names: set[str]) -> dict:
        return {n: versions.get(n, 0) for n in names}

    def current(snap: dict) -> bool:
        return all(versions.get(n, 0) == v for n, v in snap.items())

    for s in block:
        if isinstance(s, (gast.Assign, gast.Expr, gast.AugAssign)):
            for n in walk(s):
                for field, child in gast.iter_fields(n):
                    items = child if isinstance(child, list) else [child]
                    new = [_loop_multiple(c, solved, scaled, namespace, current) or c
                           for c in items]
                    if any(a is not b for a, b in zip(new, items)):
                        setattr(n, field, new if isinstance(child, list) else new[0])
        for name in _stores([s]):
            versions[name] = versions.get(name, 0) + 1
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name)):
            continue
        target, value = s.targets[0].id, s.value
        solve = _loop_solve_of(value, namespace)
        if solve is not None and target not in _names([value]):
            solved[(solve[0], gast.dump(solve[1]))] = (
                target, snapshot(_names([value]) | {target}))
        factor = _item_factor(value, numbers)
        if factor is not None and target not in _names([value]):
            scaled[target] = (factor[0], gast.dump(factor[1]),
                              snapshot(_names([value]) | {target}))


def _loop_multiple(e: object, solved: dict, scaled: dict, namespace: dict,
                   current) -> gast.expr | None:
    key = _loop_solve_of(e, namespace, numbers=scaled.get("", set()))
    if key is None:
        return None
    inline = _item_factor(key[1], scaled.get("", set()))
    if inline is not None:  # (solve(a, c * b) itself)
        c, b, snap = inline[0], gast.dump(inline[1]), {}
    elif isinstance(key[1], gast.Name) and key[1].id in scaled:
        c, b, snap = scaled[key[1].id]
    else:
        return None
    found = solved.get((key[0], b))
    if found is None or not current(snap) or not current(found[1]):
        return None
    return gast.BinOp(left=clone(c), op=gast.Mult(), right=load(found[0]))


def _loop_solve_of(e: object, namespace: dict, numbers: set[str] | None = None
                   ) -> tuple[str, gast.expr] | None:
    """``np.linalg.solve(a, b)`` of a name ``a`` and a name or item ``b`` (given
    ``numbers``, or ``c * b`` of a number ``c``): (a, b)."""
    if not (isinstance(e, gast.Call) and not e.keywords and len(e.args) == 2 and
            isinstance(e.args[0], gast.Name) and (
                _plain_item(e.args[1]) or numbers is not None and
                _item_factor(e.args[1], numbers) is not None)):
        return None
    return (e.args[0].id, e.args[1]) if evaluate_ref(e.func, namespace) is np.linalg.solve \
        else None


def _item_factor(e: gast.expr, numbers: set[str]) -> tuple[gast.expr, gast.expr] | None:
    """``c * b`` (or ``b * c``) of a name or item ``b`` and a number ``c``: (c, b)."""
    if not (isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult)):
        return None
    for c, b in ((e.left, e.right), (e.right, e.left)):
        if _plain_item(b) and (
                isinstance(c, gast.Constant) and type(c.value) in (int, float) or
                isinstance(c, gast.Name) and c.id in numbers):
            return c, b
    return None


def _plain_item(e: gast.expr) -> bool:
    """A name, or an item ``B[i]`` of a name at a name or an int."""
    return isinstance(e, gast.Name) or isinstance(e, gast.Subscript) and \
        isinstance(e.value, gast.Name) and (
            isinstance(e.slice, gast.Name) or
            isinstance(e.slice, gast.Constant) and type(e.slice.value) is int)
