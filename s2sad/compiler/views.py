"""Part of stage 3c (aliases): names that are views of another name, how to take them
again after their base is written, and how a write through one reaches its base.

A view here is a name assigned once, in the whole function, from a basic slice or a
transpose of another name with constant arguments: ``v = x[1:]``, ``row = A[0]``,
``t = x.T``.  Python shares memory between ``v`` and ``x``; the core form does not, so
after ``x[i] = ...`` the compiler takes ``v`` again (``v = x[1:]``), and after
``v[0] = ...`` it writes ``v`` back into ``x`` (``x = setitem(x, slice(1, None), v)``,
``x = np.transpose(t)``).

``x.reshape(...)`` and ``np.ravel(x)`` are not views here: NumPy returns a view or a
copy depending on ``x``'s memory layout (a Fortran-ordered or strided ``x`` gives a
copy), which is not known when the derivative is generated; writes shared with them
stay refused.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.names import load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.refs import index_as_value
from s2sad.compiler.walks import nodes, walk


@dataclass
class View:
    base: str
    value: gast.expr  # the expression that takes the view from ``base``
    kind: str         # "index" or "transpose"

    def again(self, base: str) -> gast.expr:
        """The view taken again, from ``base`` (a name holding its base's object now)."""
        value = copy.deepcopy(self.value)
        inner = value.value if self.kind == "index" else value.args[0]
        inner.id = base
        return value

    def written_back(self, name: str) -> gast.expr:
        """The base after a write through ``name``: the view's data put back."""
        if self.kind == "index":
            return gast.Call(func=load("setitem"), args=[
                load(self.base), index_as_value(copy.deepcopy(self.value.slice)), load(name)],
                keywords=[])
        return gast.Call(func=_np("transpose"), args=[load(name)], keywords=[])


def views(node: gast.FunctionDef, namespace: dict[str, Any]) -> dict[str, View]:
    """Every name of ``node`` that is a view of another (see the module docstring)."""
    stores: dict[str, list] = {}
    for n in walk(node):
        if isinstance(n, gast.Assign) and not _updates_itself(n, namespace):
            for t in n.targets:
                for name in nodes(t):
                    if isinstance(name, gast.Name):
                        stores.setdefault(name.id, []).append(n)
    out = {}
    for name, assigned in stores.items():
        if len(assigned) == 1 and isinstance(assigned[0].targets[0], gast.Name):
            view = _view_of(assigned[0].value, namespace)
            if view is not None and view.base != name:
                out[name] = view
    return out


def _updates_itself(s: gast.Assign, namespace: dict) -> bool:
    """``v = setitem(v, i, x)``, ``v += x``: a write into the view, not a new binding."""
    target = s.targets[0]
    if not isinstance(target, gast.Name):
        return False
    if getattr(s, "s2sad_augmented", False):
        return True
    value = s.value
    return isinstance(value, gast.Call) and bool(value.args) and \
        isinstance(value.args[0], gast.Name) and value.args[0].id == target.id and \
        evaluate_ref(value.func, namespace) in (runtime.setitem, runtime.write_at)


def _view_of(value: gast.expr, namespace: dict) -> View | None:
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) and \
            _constant_index(value.slice):
        return View(value.value.id, value, "index")
    if not (isinstance(value, gast.Call) and value.args and
            isinstance(value.args[0], gast.Name) and not value.keywords):
        return None
    fn = evaluate_ref(value.func, namespace)
    rest = value.args[1:]
    if not all(isinstance(a, gast.Constant) for a in rest):
        return None
    if (fn is np.transpose or fn is runtime.transpose_method) and not rest:
        return View(value.args[0].id, value, "transpose")
    return None


def _constant_index(idx: gast.expr) -> bool:
    """Numbers, slices of numbers, ``None`` and tuples of them: the same place each time."""
    if isinstance(idx, gast.Tuple):
        return all(_constant_index(e) for e in idx.elts)
    if isinstance(idx, gast.Slice):
        return all(p is None or isinstance(p, gast.Constant) and type(p.value) is int
                   for p in (idx.lower, idx.upper, idx.step))
    return isinstance(idx, gast.Constant) and (type(idx.value) is int or idx.value is None)


def _np(name: str) -> gast.expr:
    return gast.Attribute(value=load("np"), attr=name, ctx=gast.Load())
