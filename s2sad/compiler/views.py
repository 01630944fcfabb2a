"""Part of stage 3c (aliases): names that are views of another name, how to take them
again after their base is written, and how a write through one reaches its base.

A view here is a name assigned once, in the whole function, from a basic slice or a
transpose of another name with constant arguments: ``v = x[1:]``, ``row = A[0]``,
``t = x.T``; or at the counter of a ``for i in range(...)`` loop (``row = A[i]``) when
the view is made and used only inside that loop's body (the counter is the same there);
or a name bound once to such a view (``a = w``: the view ``w[:]`` of ``w``).
Python shares memory between ``v`` and ``x``; the core form does not, so
after ``x[i] = ...`` the compiler takes ``v`` again (``v = x[1:]``), and after
``v[0] = ...`` it writes ``v`` back into ``x`` (``x = setitem(x, slice(1, None), v)``,
``x = np.transpose(t)``).

``x.reshape(...)`` and ``np.ravel(x)`` return a view or a copy depending on ``x``'s
memory layout (a Fortran-ordered or strided ``x`` gives a copy): they are views here
only where the layout is known when the derivative is generated: ``x`` C-ordered
(every binding of it a C-ordered maker: ``np.zeros``, ``x.copy()``, ...; see
:mod:`reshape_views`), or, for a reshape, a vector (any vector's reshape is a view); a
write through one is written back as ``x = shaped_like(v, x)``.  Elsewhere writes
shared with them stay refused.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.alias_objects import NOTHING, PART, SAME, VIEWED, State, whole_object
from s2sad.compiler.array_names import _bound_otherwise, _slices_only, _stores, _surely_arrays
from s2sad.compiler.names import load, np_attr
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.refs import index_as_value
from s2sad.compiler.reshape_views import bound_once, c_ordered, reshaped
from s2sad.compiler.shape_rules import is_none
from s2sad.compiler.statement_walks import walk_statements
from s2sad.compiler.walks import name_nodes, nodes


@dataclass
class View:
    base: str
    value: gast.expr  # the expression that takes the view from ``base``
    kind: str         # "index", "transpose", "reshape" or "ravel"
    sliced_array: bool = False  # base surely an ndarray, index only slices: surely a view
    c_ordered: bool = False  # (a reshape or ravel) base surely C-ordered: surely a view

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
        if self.kind in ("reshape", "ravel"):
            return gast.Call(func=load("shaped_like"), args=[load(name), load(self.base)],
                             keywords=[])
        return gast.Call(func=np_attr("transpose"), args=[load(name)], keywords=[])


def views(node: gast.FunctionDef, namespace: dict[str, Any],
          stores: dict[str, list] | None = None, arrays: set[str] | None = None
          ) -> dict[str, View]:
    """Every name of ``node`` that is a view of another (see the module docstring);
    ``stores``, ``arrays``: its :func:`assignments`, :func:`surely_arrays`' first set."""
    stores = _stores(node, namespace) if stores is None else stores
    loops = _loop_counters(node)
    chosen = {name for name, assigned in stores.items()  # (branch_views: v = B[v_at])
              if all(getattr(s, "s2sad_view_index", False) for s in assigned)}
    out = {}
    once = bound_once(stores, _bound_otherwise(node))
    for name, assigned in stores.items():
        if len(assigned) == 1 and isinstance(assigned[0].targets[0], gast.Name):
            view = _view_of(assigned[0].value, namespace, loops, chosen)
            if view is None:
                taken = reshaped(assigned[0].value, namespace, once)
                view = None if taken is None else View(taken[0], assigned[0].value, taken[1])
            if view is not None and view.base != name and \
                    _within_its_loops(view, name, assigned[0], loops, node):
                out[name] = view
    _add_aliases(out, stores)
    if arrays is None:
        arrays = _surely_arrays(stores, namespace, _bound_otherwise(node))
    for view in out.values():
        view.sliced_array = view.kind == "index" and view.base in arrays and \
            _slices_only(view.value.slice)
        view.c_ordered = view.kind in ("reshape", "ravel") and \
            c_ordered(view.base, stores, namespace)
    return out


def _add_aliases(out: dict[str, View], stores: dict[str, list]) -> None:
    """``a = w`` (bound once) of a view ``w``: the same memory, taken as the view ``w[:]``
    of ``w``, so a write through ``a`` is written back into ``w``, and from there into
    ``w``'s base (a view of a view)."""
    changed = True
    while changed:
        changed = False
        for name, assigned in stores.items():
            value = assigned[0].value if len(assigned) == 1 else None
            if name not in out and isinstance(assigned[0].targets[0], gast.Name) and \
                    isinstance(value, gast.Name) and value.id in out and value.id != name:
                whole = gast.Slice(lower=None, upper=None, step=None)
                out[name] = View(value.id, gast.Subscript(
                    value=load(value.id), slice=whole, ctx=gast.Load()), "index")
                changed = True


def _loop_counters(node: gast.FunctionDef) -> dict[str, gast.For]:
    """Names bound only as the target of one ``for i in range(...)``: an int (a basic
    index: the item is a view), the same all through one trip of the loop's body."""
    loops: dict[str, gast.For] = {}
    other: set[str] = set()
    for n in walk_statements(node):
        targets = [n.target] if isinstance(n, gast.For) else \
            n.targets if isinstance(n, (gast.Assign, gast.Delete)) else \
            [n.target] if isinstance(n, gast.AugAssign) else []
        for t in targets:
            for name in nodes(t):
                if isinstance(name, gast.Name):
                    if isinstance(n, gast.For) and isinstance(n.target, gast.Name) and \
                            _over_range(n.iter) and name.id not in loops:
                        loops[name.id] = n
                    else:
                        other.add(name.id)
    return {k: v for k, v in loops.items() if k not in other}


def _over_range(e: gast.expr) -> bool:
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == "range"


def _within_its_loops(view: View, name: str, made: gast.Assign,
                      loops: dict[str, gast.For], node: gast.FunctionDef) -> bool:
    """A view at a loop counter's index (``row = A[i]``) is made, and read and written,
    only inside that loop's body: wherever it is used, the counter has the value it had
    when the view was taken (the write back and the taking again use it)."""
    if view.kind != "index":
        return True
    counters = {n.id for n in name_nodes(view.value.slice) if n.id in loops}
    for counter in counters:
        inside = {id(x) for x in nodes(loops[counter].body)}  # (statements and names)
        if id(made) not in inside or any(
                x.id == name and id(x) not in inside for x in name_nodes(node)):
            return False
    return True


def _view_of(value: gast.expr, namespace: dict, loops: dict[str, gast.For],
             chosen: set[str]) -> View | None:
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) and \
            _constant_index(value.slice, loops, chosen):
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


def transpose_of(value: gast.expr | None, namespace: dict) -> View | None:
    """``np.transpose(x)``, ``x.T`` of a name: the view it takes, else None."""
    view = _view_of(value, namespace, {}, set()) if isinstance(value, gast.Call) else None
    return view if view is not None and view.kind == "transpose" else None


def _constant_index(idx: gast.expr, loops: dict[str, gast.For],
                    chosen: set[str] = frozenset()) -> bool:  # type: ignore[assignment]
    """Numbers, slices of numbers, ``None``, ``...``, loop counters and tuples of them:
    the same place each time (in one trip of the counter's loop); an index a branch chose
    (``chosen``, :mod:`branch_views`), bound only right before the view is taken."""
    if isinstance(idx, gast.Tuple):
        return all(_constant_index(e, loops, chosen) for e in idx.elts)
    if isinstance(idx, gast.Slice):
        return all(p is None or _constant_index(p, loops) and not is_none(p)
                   for p in (idx.lower, idx.upper, idx.step))
    if isinstance(idx, gast.Name):
        return idx.id in loops or idx.id in chosen
    return isinstance(idx, gast.Constant) and (type(idx.value) is int or
                                               idx.value is None or idx.value is Ellipsis)


class ViewWrites:
    """The alias analysis's writes through views and views taken again (mixed into
    ``alias._Aliases``, which gives the views, the state and what to insert)."""

    views: dict[str, View]
    handled: set[int]  # writes through a view whose base write follows already
    through: dict[int, tuple]  # statement -> (it, its block, its base's write)

    def retaken(self, others: list[str], whole: Any, state: State) -> list[str]:
        """The views among ``others`` taken again after a write to the array ``whole``:
        views of it, then views of those (in that order), with the views between that
        are read no more (taken again too: the later ones are taken from them)."""
        if whole is None:
            return []
        bases = {n for n, held in state.items() if whole_object(held) == whole}
        part = frozenset({(whole, PART)})
        candidates = [o for o in sorted(self.views) if state.get(o) == part]
        order: list[str] = []
        while True:
            more = [o for o in candidates if o not in order and
                    self.views[o].base in bases | set(order)]
            if not more:
                break
            order += more
        needed: set[str] = set()
        for name in others:
            while name in order and name not in needed:
                needed.add(name)
                name = self.views[name].base
        return [o for o in order if o in needed]

    def write_through(self, s: gast.Assign, name: str, state: State) -> bool:
        """``v[0] = 5`` with ``v = x[1:]``: ``x`` is written too (found again from there),
        where ``x`` surely holds the array ``v`` is a view of."""
        view = self.views.get(name)
        mine = state.get(name, frozenset())
        if view is None or not mine:
            return False
        if id(s) in self.handled:
            return True  # its base write follows it already
        if len(mine) != 1:
            return self.through_every_path(name, view, mine, state)
        (obj, how), = mine
        base = state.get(view.base, frozenset())
        return how == PART and (whole_object(base) == obj or (
            base == frozenset({(obj, PART)}) and view.base in self.views))
        # (a view of a view: written back into its base, then that one)

    def through_every_path(self, name: str, view: View, mine: frozenset, state: State
                           ) -> bool:
        """``c = A if t else B; w = c[1:]; w[0] = v``: ``w`` a view of one of several
        arrays, ``c`` surely holding, on every path, the one ``w`` was taken from (not
        bound again since, ``alias._Aliases.mark_views``): the write goes through to
        ``c`` whichever array that is."""
        objects = {o for o, _ in mine}
        return all(how == PART for _, how in mine) and NOTHING not in objects and \
            all(o[0] in ("new", "arg") for o in objects) and \
            state.get(view.base) == frozenset((o, SAME) for o in objects) and \
            len(state.get(VIEWED + name, ())) == 1 and \
            next(iter(state[VIEWED + name]))[0][0] == "view"
