"""Copies of gast trees: :func:`clone`, the passes' deep copy, made of one copier per
node class (its fields unrolled as straight-line code, made when the class is first
met)."""
from __future__ import annotations

from typing import Any, TypeVar, overload

import gast

from s2sad.compiler.walks import CONTEXTS, SCALAR_FIELDS

_T = TypeVar("_T")


@overload
def clone(node: list) -> list: ...
@overload
def clone(node: _T) -> _T: ...
def clone(node: Any) -> Any:
    """A deep copy of a gast tree: faster than ``copy.deepcopy`` (no memo, no reduce)
    and than calling the node classes (each copy is filled in directly): the passes
    clone whole bodies, so this is among the most called functions of the compiler.
    The copy has the node's fields and its location and origin, nothing else.  Each
    node class has a copier of its own (:func:`_copier`: its fields unrolled, a field
    that only ever holds a string or a number copied as it is), which calls the
    copiers of the children directly."""
    copier = _COPIERS.get(node.__class__)
    return copier(node) if copier is not None else _copy(node)


def _copy(v: Any) -> Any:
    """A copy of a value of a field with no copier yet: a list's items copied, a node
    by the copier made for its class now, a context shared (as the parser shares
    them), anything else (a string, a number, None) as it is."""
    cls = v.__class__
    if cls is list:
        copiers = _COPIERS
        return [c(x) if (c := copiers.get(x.__class__)) is not None else _copy(x)
                for x in v]
    if cls in CONTEXTS or not isinstance(v, gast.AST):
        return v
    return _copier(cls)(v)


def _copier(cls: Any) -> Any:
    """The copier of the node class ``cls``, made from its fields and kept attributes
    (what :func:`clone` did field by field, as straight-line code)."""
    lines = ["def copy(node):", "    have = node.__dict__", "    new = make(cls)",
             "    into = new.__dict__"]
    for f in cls._fields:
        lines.append(f"    v = have[{f!r}] if {f!r} in have else getattr(node, {f!r}, None)")
        if f not in SCALAR_FIELDS:
            lines += ["    c = v.__class__",
                      "    if c is list:",
                      "        v = [k(x) if (k := copiers.get(x.__class__)) is not None"
                      " else other(x) for x in v]",
                      "    elif c not in contexts:",
                      "        k = copiers.get(c)",
                      "        if k is not None:",
                      "            v = k(v)",
                      "        elif isinstance(v, ast_node):",
                      "            v = other(v)"]
        lines.append(f"    into[{f!r}] = v")
    for a in _KEPT:  # (a class-level default, such as end_lineno: always there)
        if hasattr(cls, a):
            lines.append(f"    into[{a!r}] = node.{a}")
    for a in _KEPT:
        if not hasattr(cls, a):
            lines.append(f"    if {a!r} in have:\n        into[{a!r}] = have[{a!r}]")
    lines.append("    return new")
    space = {"make": cls.__new__, "cls": cls, "copiers": _COPIERS, "other": _copy,
             "contexts": CONTEXTS, "ast_node": gast.AST}
    exec("\n".join(lines), space)
    copier = _COPIERS[cls] = space["copy"]
    return copier


# what a copy keeps besides the fields
_KEPT = ("lineno", "col_offset", "end_lineno", "end_col_offset", "s2sad_origin",
         "s2sad_slot", "s2sad_inner_slot")
_COPIERS: dict[type, Any] = {}  # node class -> its copier (made when first met)
for _context in CONTEXTS:  # (no fields, nothing sets any: shared, as the parser shares them)
    _COPIERS[_context] = lambda node: node
