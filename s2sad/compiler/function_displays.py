"""Part of stage 3b: a local list, tuple or dict of known functions read in place.

``acts = {"hidden": np.tanh, "out": relu}`` then ``acts["out"](h)``, or ``fs =
[np.tanh, np.sin]`` then ``for f in fs: h = f(h)``: the name is bound once to a
display of functions known when the derivative is made (globals, NumPy's), and only
read by a constant index, a loop (``enumerate``, ``zip``, ``reversed``, a slice, a
dict's ``items()``), or ``len``.  Each read is the display itself (an indexed read,
the function it indexes), so the call is known as a global's is and the loop is
unrolled (:mod:`constant_loops`); the binding goes.  Was refused: which function the
name holds not known.
"""
from __future__ import annotations

import builtins
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler.tree_copies import clone
from s2sad.compiler.user_code import child_nodes, own_nodes
from s2sad.compiler.walks import walk

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

_ITERATING = {enumerate, reversed, zip, len, list, tuple}
_VIEWS = ("items", "keys", "values")


def read_in_place(norm: Normalizer, node: gast.FunctionDef, own: list | None = None) -> None:
    """Each display of functions bound once in ``node`` read where it is used (nothing
    to look at, and no parents or defs worked out, where no display of names is bound
    and none is indexed: most functions); ``own``: ``node``'s own nodes, when known."""
    found = list(own_nodes(node)) if own is None else own
    if not any(n.__class__ is gast.Assign and _names_display(n.value) or
               n.__class__ is gast.Subscript and n.value.__class__ in _DISPLAYS
               for n in found):
        return
    parents = {id(c): n for n in [node, *found] for c in child_nodes(n)}
    norm.display_defs = _defs_once(norm, node)
    for s in [n for n in found if isinstance(n, gast.Assign)]:
        name = _display_name(norm, s)
        if name is not None and _only_read_in_place(norm, node, name, s.value, parents):
            _replace_reads(node, name, s.value)
            _drop(parents[id(s)], s)
    node.body = [_DisplayIndexed(norm).visit(s) for s in node.body]


_DISPLAYS = (gast.List, gast.Tuple, gast.Dict)


def _names_display(value: gast.expr) -> bool:
    """Is ``value`` a display whose items are all names or attributes (what a display
    of known functions is)?"""
    elements = value.elts if isinstance(value, (gast.List, gast.Tuple)) else \
        value.values if isinstance(value, gast.Dict) else []
    return bool(elements) and all(isinstance(e, (gast.Name, gast.Attribute))
                                  for e in elements)


def _display_name(norm: Normalizer, s: gast.Assign) -> str | None:
    """The name ``s`` binds, once in the function, to a display of known functions."""
    if len(s.targets) != 1 or not isinstance(s.targets[0], gast.Name) or \
            norm.stores[s.targets[0].id] != 1:
        return None
    value = s.value
    elements = value.elts if isinstance(value, (gast.List, gast.Tuple)) else \
        value.values if isinstance(value, gast.Dict) and _constant_keys(value) else None
    if not elements or not all(_known_function(norm, e) for e in elements):
        return None
    return s.targets[0].id


def _constant_keys(d: gast.Dict) -> bool:
    keys = [k.value if isinstance(k, gast.Constant) else None for k in d.keys]
    return all(type(k) in (int, str) for k in keys) and len(set(keys)) == len(keys)


def _known_function(norm: Normalizer, e: gast.expr) -> bool:
    if not isinstance(e, (gast.Name, gast.Attribute)):
        return False
    if isinstance(e, gast.Name) and e.id in norm.display_defs:
        return True  # a def inside, its calls inlined where the display is read
    fn = norm.resolve(e)
    return callable(fn) and not isinstance(fn, type)


def _defs_once(norm: Normalizer, node: gast.FunctionDef) -> set[str]:
    """The defs of ``node``'s own body (``def center(v)``, or ``f = lambda v: ...``)
    whose name it binds nowhere else: in a display, each stands for that def (an item
    read is a call of the def, inlined reading its free names then, as Python does)."""
    made: dict[str, int] = {}
    items = [s for s in own_nodes(node) if getattr(s, "s2sad_display_item", False)]
    for s in [*node.body, *(s for s in items if not any(s is t for t in node.body))]:
        if isinstance(s, gast.FunctionDef):
            made[s.name] = made.get(s.name, 0) + 1
        elif isinstance(s, gast.Assign) and isinstance(s.value, gast.Lambda) and \
                len(s.targets) == 1 and isinstance(s.targets[0], gast.Name):
            made[s.targets[0].id] = made.get(s.targets[0].id, 0) + 1
    stored = {n.id for n in own_nodes(node) if isinstance(n, gast.Name)
              and not isinstance(n.ctx, gast.Load)}
    lambdas = {s.targets[0].id for s in [*node.body, *items] if isinstance(s, gast.Assign)
               and isinstance(s.value, gast.Lambda)}
    return {k for k, c in made.items() if c == 1 and (k not in stored or k in lambdas
                                                      and norm.stores[k] == 1)}


def _only_read_in_place(norm: Normalizer, node: gast.FunctionDef, name: str,
                        display: gast.expr, parents: dict) -> bool:
    """Is every read of ``name`` one that the display itself can stand for (and none
    in a def inside, which reads it later)?"""
    reads = [n for n in own_nodes(node) if isinstance(n, gast.Name) and n.id == name
             and isinstance(n.ctx, gast.Load)]
    every = [n for n in walk(node) if isinstance(n, gast.Name) and n.id == name]
    return len(reads) == len(every) - 1 and \
        all(_in_place(norm, n, display, parents.get(id(n))) for n in reads)


def _in_place(norm: Normalizer, n: gast.Name, display: gast.expr, parent: Any) -> bool:
    if isinstance(parent, (gast.For, gast.comprehension)):
        return parent.iter is n
    if isinstance(parent, gast.Subscript):
        return parent.value is n and (isinstance(parent.slice, gast.Slice) or
                                      _indexed(display, parent.slice) is not None)
    if isinstance(parent, gast.Call):
        return n in parent.args and isinstance(parent.func, gast.Name) and \
            parent.func.id not in norm.locals and \
            getattr(builtins, parent.func.id, None) in _ITERATING
    return isinstance(parent, gast.Attribute) and isinstance(display, gast.Dict) and \
        parent.attr in _VIEWS


def _indexed(display: gast.expr, index: gast.expr) -> gast.expr | None:
    """The element a constant index reads of the display, or None."""
    if not isinstance(index, gast.Constant):
        return None
    key = index.value
    if isinstance(display, gast.Dict):
        if not _constant_keys(display):
            return None  # (a key written twice: Python keeps the last, or a key unknown)
        return next((v for k, v in zip(display.keys, display.values)
                     if k.value == key and type(k.value) is type(key)), None)
    n = len(display.elts)
    return display.elts[key] if type(key) is int and -n <= key < n else None


class _InPlace(gast.NodeTransformer):
    def __init__(self, name: str, display: gast.expr) -> None:
        self.name, self.display = name, display

    def visit_Subscript(self, n: gast.Subscript) -> gast.AST:
        if isinstance(n.value, gast.Name) and n.value.id == self.name and \
                not isinstance(n.slice, gast.Slice):
            element = _indexed(self.display, n.slice)
            assert element is not None  # (checked by _in_place)
            return gast.copy_location(clone(element), n)
        return self.generic_visit(n)

    def visit_Name(self, n: gast.Name) -> gast.AST:
        if n.id == self.name and isinstance(n.ctx, gast.Load):
            return gast.copy_location(clone(self.display), n)
        return n

    def visit_FunctionDef(self, n: gast.FunctionDef) -> gast.AST:
        return n  # (no read there: checked)


class _DisplayIndexed(gast.NodeTransformer):
    """``[np.tanh, relu][1]``, ``{"a": np.tanh}["a"]``: the function indexed."""

    def __init__(self, norm: Normalizer) -> None:
        self.norm = norm

    def visit_Subscript(self, n: gast.Subscript) -> gast.AST:
        self.generic_visit(n)
        if not isinstance(n.value, (gast.List, gast.Tuple, gast.Dict)) or \
                not isinstance(n.ctx, gast.Load):
            return n
        element = _indexed(n.value, n.slice)
        if element is None or not _known_function(self.norm, element):
            return n
        return gast.copy_location(clone(element), n)

    def visit_FunctionDef(self, n: gast.FunctionDef) -> gast.AST:
        return n


def _replace_reads(node: gast.FunctionDef, name: str, display: gast.expr) -> None:
    node.body = [_InPlace(name, display).visit(s) for s in node.body]


def _drop(parent: Any, s: gast.stmt) -> None:
    """``s`` out of the block of ``parent`` that holds it (``pass`` where it was alone)."""
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and any(b is s for b in block):
            block[:] = [b for b in block if b is not s] or [
                gast.copy_location(gast.Pass(), s)]
            return
