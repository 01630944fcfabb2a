"""Which names of a body surely hold Python ints: the counters of ``range`` loops, and
names every binding of which is int arithmetic of those, int literals and lengths
(``np.shape(x)[0]``, ``len(x)``).  Arithmetic on them (``t // 7``, ``i % n``) computes the
same ints whatever the floats around it are (NumPy scalars or Python floats), so the
passes that rewrite element reads may take it (:mod:`floats`), and a pass may name an
element written at such an index (:mod:`undo_writes`).
"""
from __future__ import annotations

import gast

from s2sad.compiler.walks import name_nodes


def counters(statements: list) -> set[str]:
    """The targets of ``range`` loops among ``statements`` (every statement of a body,
    nested ones too) bound nowhere else."""
    return {s.target.id for s in statements if isinstance(s, gast.For) and
            isinstance(s.target, gast.Name) and over_range(s.iter)} - {
        n for s in statements if not isinstance(s, gast.For) for n in header_bound(s)}


def over_range(it: gast.expr) -> bool:
    """``range(...)`` or ``reversed(range(...))``: the counter is an int."""
    if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
            it.func.id == "reversed" and len(it.args) == 1:
        it = it.args[0]
    return isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
        it.func.id == "range"


INT_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Mod, gast.FloorDiv)


def int_names(statements: list, counters: set[str]) -> set[str]:
    """Names surely holding Python ints: range counters, and names every binding of
    which is int arithmetic of those, int literals and lengths (``np.shape(x)[0]``)."""
    defs: dict[str, list] = {}
    for s in statements:
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name):
            defs.setdefault(s.targets[0].id, []).append(s.value)
    other = {n for s in statements for n in header_bound(s)
             if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                     isinstance(s.targets[0], gast.Name))}
    found = set(counters)
    grew = True
    while grew:
        grew = False
        for name, values in defs.items():
            if name not in found and name not in other and \
                    all(int_expr(v, found) for v in values):
                found.add(name)
                grew = True
    return found


def int_expr(e: gast.expr, ints: set[str]) -> bool:
    """``e`` is an int: literals, ``ints``, lengths and int arithmetic of those."""
    if isinstance(e, gast.Constant):
        return type(e.value) is int
    if isinstance(e, gast.Name):
        return e.id in ints
    if isinstance(e, gast.BinOp):
        return isinstance(e.op, INT_OPS) and int_expr(e.left, ints) and \
            int_expr(e.right, ints)
    if isinstance(e, gast.UnaryOp):
        return isinstance(e.op, gast.USub) and int_expr(e.operand, ints)
    if isinstance(e, gast.Subscript) and isinstance(e.slice, gast.Constant) and \
            type(e.slice.value) is int:  # a length: np.shape(x)[0], x.shape[0]
        v = e.value
        return isinstance(v, gast.Attribute) and v.attr == "shape" or \
            isinstance(v, gast.Call) and isinstance(v.func, gast.Attribute) and \
            v.func.attr == "shape" and isinstance(v.func.value, gast.Name) and \
            v.func.value.id == "np"
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == "len"


def bound(s: gast.AST) -> set[str]:
    """The names a statement binds, in its nested blocks too."""
    return {n.id for n in name_nodes(s) if not isinstance(n.ctx, gast.Load)}


def header_bound(s: gast.stmt) -> set[str]:
    """The names a statement binds itself (a loop: its target, not its body's)."""
    if isinstance(s, gast.For):
        return bound(s.target)
    return set() if isinstance(s, (gast.If, gast.While)) else bound(s)
