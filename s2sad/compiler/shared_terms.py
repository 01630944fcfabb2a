"""Part of the late pass ``share``: a term a statement computes twice bound to a name.

A rule's template is one expression, and a formula that reads a term twice spells it
twice: the ``np.linalg.qr`` adjoint's ``X - X^T`` with ``X = Q^T gQ - gR R^T``, the
``svd`` adjoint's ``M - M^T``.  A person writing the gradient names ``X`` and forms it
once.  In each statement (an assignment, an augmented one, a return, an expression),
the largest pure term that occurs twice or more where it is always evaluated (not in a
branch of ``a if c else b``, after ``and``/``or``, in a lambda or a comprehension) is
bound to a name of its own in a statement just before, and read through it; again,
over the statement and the ones made for it, until no term repeats.  A term is worth
a name when it multiplies matrices or calls something other than a shape query, a
slice or a conversion (arithmetic alone, ``t - k - 1``, stays where it is: the loop
passes read it there).  The statements made bind fresh names and write into nothing,
so nothing between them and the statement changes what the term reads (a statement
calling something impure is left as it is).
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.names import copy_origin, load, store
from s2sad.compiler.normalize import BINOP_NAMES
from s2sad.compiler.pure_calls import always_evaluated, pure_call
from s2sad.compiler.walks import blocks, clone, nodes, parent_map, replace_child, structure

# calls that cost next to nothing (their values are numbers, slices, shapes), which a
# pass after may read as they are spelled (``x[slice(1, -1)]``): never named
_CHEAP_CALLS = frozenset({"shape", "ndim", "len", "min", "max", "size", "slice", "range",
                          "int", "float", "abs", "tuple", "list", "bool"})
_SIMPLE = (gast.Assign, gast.AugAssign, gast.Return, gast.Expr)


def share_terms(body: list, namespace: dict, namer: Any) -> bool:
    """Rewrites every block of ``body`` in place; True if it changed."""
    changed = False
    for block in blocks(body):
        i = 0
        while i < len(block):
            s = block[i]
            made = _hoisted(s, namespace, namer) if isinstance(s, _SIMPLE) and \
                s.value is not None else []
            block[i:i] = made
            changed |= bool(made)
            i += len(made) + 1
    return changed


def _hoisted(s: gast.stmt, namespace: dict, namer: Any) -> list:
    """The statements binding the repeated terms of ``s``, in order (``s`` rewritten);
    none in a statement that also calls something impure (``stack.pop()``: a term
    moved in front of it would run before what it may change)."""
    work = [n for n in nodes(s.value) if isinstance(n, gast.Call) and
            _call_name(n) not in _CHEAP_CALLS or isinstance(n, gast.BinOp) and
            isinstance(n.op, gast.MatMult)]
    if len(work) < 2 or any(isinstance(c, gast.Call) and not pure_call(c, namespace)
                            for c in nodes(s.value)):
        return []  # (most statements: one call or product at most, nothing to repeat)
    group = [s]
    while True:
        repeated = _repeated(group, namespace)
        if not repeated:
            return group[:-1]
        term = max(repeated, key=lambda uses: _size(uses[0][1]))
        name = namer.fresh(_base(term[0][1]))
        first = min(group.index(t) for t, _ in term)
        made = copy_origin(gast.Assign(targets=[store(name)], value=clone(term[0][1]),
                                       type_comment=None), s)
        parents = {id(t): parent_map([t]) for t in group}
        for t, n in term:
            replace_child(parents[id(t)][id(n)], n, load(name))
        group.insert(first, made)


def _repeated(group: list, namespace: dict) -> list:
    """The terms that occur twice or more in the values of ``group``: for each, the
    list of (statement, node)."""
    found: dict[tuple, list] = {}
    for t in group:
        for n in always_evaluated(t.value):
            if n is not t.value and _worth(n, namespace):
                found.setdefault(structure(n), []).append((t, n))
    return [uses for uses in found.values() if len(uses) >= 2]


def _worth(n: gast.AST, namespace: dict) -> bool:
    """A pure expression that computes something: a call (not a shape query) or
    arithmetic inside, no index tuple of slices, nothing stored, no lambda."""
    if not isinstance(n, (gast.Call, gast.BinOp, gast.UnaryOp, gast.Subscript,
                          gast.Attribute)):
        return False
    work = False
    for m in nodes(n):
        if isinstance(m, (gast.Lambda, gast.Starred, gast.NamedExpr, gast.Yield,
                          gast.ListComp, gast.GeneratorExp, gast.SetComp, gast.DictComp)) \
                or isinstance(getattr(m, "ctx", None), (gast.Store, gast.Del)):
            return False
        if isinstance(m, gast.Call):
            if not pure_call(m, namespace):
                return False
            work |= _call_name(m) not in _CHEAP_CALLS
        work |= isinstance(m, gast.BinOp) and isinstance(m.op, gast.MatMult)
    return work


def _call_name(call: gast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, gast.Attribute) else f.id if isinstance(f, gast.Name) \
        else ""


def _base(n: gast.expr) -> str:
    """A readable name for the term, in the style of the normalized code's temporaries."""
    if isinstance(n, gast.BinOp):
        return BINOP_NAMES.get(type(n.op), "term")
    if isinstance(n, gast.Call):
        return _call_name(n) or "term"
    if isinstance(n, gast.UnaryOp):
        return "neg"
    if isinstance(n, gast.Attribute):
        return "transpose" if n.attr == "T" else n.attr
    root = n
    while isinstance(root, (gast.Subscript, gast.Attribute)):
        root = root.value
    if isinstance(root, gast.Call):
        return f"{_call_name(root) or 'term'}_item"
    return f"{root.id}_item" if isinstance(root, gast.Name) else "term"


def _size(n: gast.AST) -> int:
    return sum(1 for _ in nodes(n))
