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
from s2sad.compiler.names import load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.refs import index_as_value
from s2sad.compiler.reshape_views import bound_once, c_ordered, reshaped
from s2sad.compiler.shape_rules import is_none
from s2sad.compiler.walks import name_nodes, nodes, statement_nodes, walk_statements


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
        return gast.Call(func=_np("transpose"), args=[load(name)], keywords=[])


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


def bindings(node: gast.FunctionDef, namespace: dict) -> dict[str, int]:
    """name -> how many statements bind it (not writes into it; a parameter, or a name a
    ``for`` or ``with`` binds, counts as bound once more)."""
    out = {name: len(assigned) for name, assigned in _stores(node, namespace).items()}
    for name in _bound_otherwise(node):
        out[name] = out.get(name, 0) + 1
    return out


def bound_values(node: gast.FunctionDef, namespace: dict,
                 stores: dict[str, list] | None = None) -> dict[str, list]:
    """name -> the values its bindings give it (None for an item of an unpacking)."""
    stores = _stores(node, namespace) if stores is None else stores
    return {name: [s.value if isinstance(s.targets[0], gast.Name) else None
                   for s in assigned] for name, assigned in stores.items()}


def assignments(node: gast.FunctionDef, namespace: dict) -> dict[str, list]:
    """:func:`_stores`, for a caller asking several questions of one unchanged node."""
    return _stores(node, namespace)


def _stores(node: gast.FunctionDef, namespace: dict) -> dict[str, list]:
    """name -> the assignments binding it (not the writes into it)."""
    stores: dict[str, list] = {}
    for n in walk_statements(node):  # (walk's order: statements only are looked at)
        if isinstance(n, gast.Assign) and not _updates_itself(n, namespace):
            for t in n.targets:
                for name in nodes(t):
                    if isinstance(name, gast.Name):
                        stores.setdefault(name.id, []).append(n)
    return stores


def surely_arrays(node: gast.FunctionDef, namespace: dict,
                  stores: dict[str, list] | None = None) -> tuple[set[str], set[str]]:
    """Names that hold an ndarray or, where NumPy gives one for numbers, a NumPy scalar
    (see :func:`_surely_arrays`); and of those the ones surely an ndarray, written in
    place by ``+=``: slices (``w = v[1:]``; of a scalar, the slice raises) and what a
    NumPy function that never returns a scalar makes (``v = np.array(out)``), names
    written by item (``r[0] = v``: a number would raise) and names bound to those."""
    stores = _stores(node, namespace) if stores is None else stores
    arrays = _surely_arrays(stores, namespace, _bound_otherwise(node))
    indexed = {s.targets[0].id for s in walk_statements(node) if isinstance(s, gast.Assign) and
               getattr(s, "s2sad_item_write", False) and isinstance(s.targets[0], gast.Name)}
    ndarrays = {n for n in arrays if n in indexed or all(  # (a number takes no r[0] = v)
        isinstance(s.value, gast.Subscript) or isinstance(s.value, gast.Call) and
        _never_scalar(s.value, namespace) for s in stores[n])}
    while True:  # (c = r of such an r, or its copy)
        more = {n for n in arrays - ndarrays if all(
            isinstance(s.value, gast.Name) and s.value.id in ndarrays or
            _copy_of(s.value, ndarrays, namespace) for s in stores[n])}
        if not more:
            return arrays, ndarrays
        ndarrays |= more


def zero_dim_arrays(node: gast.FunctionDef, ndarrays: set[str]) -> set[str]:
    """The names that may hold an ndarray of rank 0 (``q = np.where(c, a, b)`` of numbers,
    and ``z = q``): objects, not numbers, for this stage: ``q += 1.0`` writes the array
    ``z`` names too."""
    copies = [(s.targets[0].id, s.value.id) for s in statement_nodes(node)
              if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and
              isinstance(s.value, gast.Name)]
    held = set(ndarrays)
    while True:
        more = {a for a, b in copies if b in held} - held
        if not more:
            return held
        held |= more


def _never_scalar(value: gast.Call, namespace: dict) -> bool:
    fn = evaluate_ref(value.func, namespace)
    try:
        return fn in _NDARRAY_MAKERS or fn is np.where and len(value.args) == 3
    except TypeError:  # (an unhashable callable)
        return False


def _surely_arrays(stores: dict[str, list], namespace: dict, other: set[str]) -> set[str]:
    """Names every binding of which makes an ndarray (or, for numbers, a number: never
    a list, whose slice would be a copy): a NumPy function that always returns one,
    arithmetic of one, such a name (``c = where``: a helper's result), a slice of one
    (``w = v[1:]``) or an item of a tuple of such names (``u, v = v, u``).  The greatest
    fixpoint: names bound from each other (a swap) are arrays when every value that
    comes into the cycle is one."""
    arrays = {name for name in stores if name not in other}
    changed = True
    while changed:
        changed = False
        for name in sorted(arrays):
            if not all(_array_binding(s, arrays, stores, namespace) for s in stores[name]):
                arrays.discard(name)
                changed = True
    return arrays


def _array_binding(s: gast.Assign, arrays: set[str], stores: dict[str, list],
                   namespace: dict) -> bool:
    """Does the binding ``s`` surely give its name an ndarray, the names of ``arrays``
    taken for arrays?"""
    value = s.value
    if not isinstance(s.targets[0], gast.Name):  # (unpacked from one)
        return False
    if _makes_array(value, namespace) or _arithmetic(value, arrays) or \
            isinstance(value, gast.Name) and value.id in arrays or _copy_of(value, arrays,
                                                                         namespace):
        return True
    if not isinstance(value, gast.Subscript) or not isinstance(value.value, gast.Name):
        return False
    base = value.value.id
    if base in arrays and _slices_only(value.slice) or _array_index(value.slice):
        return True
    index = value.slice  # t[k] of t = (u, v), every binding of t such a tuple
    return isinstance(index, gast.Constant) and type(index.value) is int and \
        base in stores and all(
            isinstance(t.value, gast.Tuple) and -len(t.value.elts) <= index.value <
            len(t.value.elts) and isinstance(t.value.elts[index.value], gast.Name) and
            t.value.elts[index.value].id in arrays for t in stores[base])


def _array_index(index: gast.expr) -> bool:
    """An index only an array takes: a tuple holding a slice, ``...`` or ``None``
    (``A[:, j]``; a list or tuple raises, a dict's key a slice is not hashable)."""
    return isinstance(index, gast.Tuple) and any(
        isinstance(p, gast.Slice) or isinstance(p, gast.Constant) and
        (p.value is Ellipsis or p.value is None) for p in index.elts)


def _copy_of(value: gast.expr, names: set[str], namespace: dict) -> bool:
    """``v.copy()`` (``copy_value(v)``) of a name of ``names``: the same kind of object."""
    return isinstance(value, gast.Call) and len(value.args) == 1 and \
        isinstance(value.args[0], gast.Name) and value.args[0].id in names and \
        evaluate_ref(value.func, namespace) is runtime.copy_value


# NumPy functions whose result is always an ndarray, never a scalar (np.where of one
# argument, a tuple, is not among them); and with those that give a number for numbers
# (ufuncs too), an ndarray or a number: a slice of it is a view whatever its rank
_NDARRAY_MAKERS: frozenset[Any] = frozenset({
    np.array, np.zeros, np.ones, np.empty, np.full, np.zeros_like, np.ones_like,
    np.empty_like, np.full_like, np.arange, np.linspace, np.concatenate, np.stack,
    np.vstack, np.hstack, np.column_stack, np.outer, np.cumsum, np.cumprod, np.copy,
    np.sort, np.diff, np.tile, np.repeat, np.roll, np.eye, np.diag, np.convolve,
    np.correlate})
_ARRAY_MAKERS: frozenset[Any] = _NDARRAY_MAKERS | {np.asarray, np.dot, np.matmul, np.clip,
                                                   np.flip}


def _makes_array(value: gast.expr | None, namespace: dict) -> bool:
    if not isinstance(value, gast.Call) or any(isinstance(a, gast.Starred) for a in value.args):
        return False
    fn = evaluate_ref(value.func, namespace)
    if fn is np.where:
        return len(value.args) == 3
    try:
        return isinstance(fn, np.ufunc) or fn in _ARRAY_MAKERS
    except TypeError:  # (an unhashable callable)
        return False


def _arithmetic(value: gast.expr, arrays: set[str]) -> bool:
    """``x * 1.0``, ``a / b``, ``v + 0.5``, ``-v`` of an array: an ndarray, or a number
    (whose slice raises); never a list (a list times a float, or divided, raises)."""
    if isinstance(value, gast.UnaryOp) and isinstance(value.op, gast.USub):
        return isinstance(value.operand, gast.Name) and value.operand.id in arrays
    if not isinstance(value, gast.BinOp) or not isinstance(
            value.op, (gast.Mult, gast.Add, gast.Sub, gast.Div, gast.Pow)):
        return False
    parts = (value.left, value.right)
    return isinstance(value.op, gast.Div) or any(
        isinstance(p, gast.Constant) and type(p.value) is float or
        isinstance(p, gast.Name) and p.id in arrays for p in parts)


def _slices_only(idx: gast.expr) -> bool:
    parts = idx.elts if isinstance(idx, gast.Tuple) else [idx]
    return bool(parts) and all(isinstance(p, gast.Slice) for p in parts)


def _bound_otherwise(node: gast.FunctionDef) -> set[str]:
    """Parameters, and names a ``for`` or a ``with`` binds: they may hold anything."""
    out = {a.id for a in node.args.args + node.args.kwonlyargs}
    for n in walk_statements(node):
        for t in [n.target] if isinstance(n, gast.For) else \
                [i.optional_vars for i in n.items if i.optional_vars is not None] \
                if isinstance(n, gast.With) else []:
            out |= {x.id for x in nodes(t) if isinstance(x, gast.Name)}
    return out


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


def _updates_itself(s: gast.Assign, namespace: dict) -> bool:
    """``v = setitem(v, i, x)``, ``v += x``: a write into the view, not a new binding."""
    target = s.targets[0]
    if not isinstance(target, gast.Name):
        return False
    if getattr(s, "s2sad_augmented", False):
        return True
    value = s.value
    return isinstance(value, gast.Call) and bool(value.args) and \
        isinstance(value.args[0], gast.Name) and value.args[0].id == target.id and (
            evaluate_ref(value.func, namespace) is runtime.write_at or
            evaluate_ref(value.func, namespace) is runtime.setitem and
            getattr(s, "s2sad_item_write", False))  # (a setitem call: a copy)


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
    """Numbers, slices of numbers, ``None``, loop counters and tuples of them: the same
    place each time (in one trip of the counter's loop); an index a branch chose
    (``chosen``, :mod:`branch_views`), bound only right before the view is taken."""
    if isinstance(idx, gast.Tuple):
        return all(_constant_index(e, loops, chosen) for e in idx.elts)
    if isinstance(idx, gast.Slice):
        return all(p is None or _constant_index(p, loops) and not is_none(p)
                   for p in (idx.lower, idx.upper, idx.step))
    if isinstance(idx, gast.Name):
        return idx.id in loops or idx.id in chosen
    return isinstance(idx, gast.Constant) and (type(idx.value) is int or idx.value is None)



def _np(name: str) -> gast.expr:
    return gast.Attribute(value=load("np"), attr=name, ctx=gast.Load())


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
