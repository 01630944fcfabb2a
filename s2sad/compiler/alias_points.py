"""What an expression of the alias stage (:mod:`alias`) may point to: the objects a
statement makes (the newest told apart from older ones), the parts and items of
containers and views, what a call returns of its arguments.  Mixed into the stage's
analysis."""
from __future__ import annotations

import ast
import copy
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import ranks as ranks_stage
from s2sad.compiler.alias_objects import (
    ARRAY_VIEWS,
    BOUND,
    CONTAINERS,
    HOLDS_FIRST,
    ITSELF,
    LIBRARIES,
    NOTHING,
    NUMBER_TYPES,
    PART,
    SAME,
    VIEWS,
    State,
    as_parts,
    einsum_view,
    field_key,
    item_key,
    may_not_copy,
    repeats,
)
from s2sad.compiler.primitives import UNKNOWN, evaluate_ref
from s2sad.compiler.shape_rules import Items, Keyed

DICTS = {dict, runtime.dict_init, runtime.items_to_dict, runtime.values_to_dict}


class PointsTo:
    """The points-to half of the alias analysis (its state: the statements that made
    containers, dicts and tuples, and which states hold each statement's objects)."""

    namespace: dict
    local: set[str]
    ranks: dict
    kinds: dict  # the call's kinds of the parameters (``Keyed`` of a dict of arrays)
    ndarrays: set[str]
    arrays: set[str]
    bound: dict[str, list]
    containers: set[int]
    dicts: set[int]
    lists: set[int]
    slots: dict[int, tuple]
    fields: dict[int, tuple]
    made: set[tuple[str, int]]
    holders: dict[int, set[str]]

    def points(self, e: gast.expr, state: State, s: gast.stmt) -> frozenset:
        if isinstance(e, gast.Name):
            if e.id in self.local:
                return state.get(e.id, frozenset())
            return frozenset({(("outer", e.id), SAME)})
        if isinstance(e, gast.Constant):  # (shares nothing, but is not an array either)
            return frozenset({(NOTHING, SAME)})
        if isinstance(e, (gast.List, gast.Tuple, gast.Dict)):  # [z, w] holds z and w
            items = e.values if isinstance(e, gast.Dict) else e.elts
            held = frozenset().union(*(self.points(i, state, s) for i in items))
            return self.new(s, state) | as_parts(held)
        if isinstance(e, gast.Subscript):
            if ranks_stage.rank_of(e, self.ranks, self.namespace) == 0 or self.fancy(e, state):
                return self.new(s, state)
            key = item_key(e, state, self.slots)
            if key is not None:  # t[0] of t = (a, b): a's object itself
                return state[key]
            return self.items_of(self.points(e.value, state, s))
        if isinstance(e, gast.Attribute):
            if isinstance(e.value, gast.Name) and e.value.id in self.local:
                return as_parts(self.points(e.value, state, s))
            return frozenset({(("outer", ast.unparse(gast.gast_to_ast(e))), SAME)})  # (G.T)
        if isinstance(e, gast.Call):
            return self.call(e, state, s)
        if isinstance(e, gast.BinOp) and isinstance(e.op, gast.BitOr) and \
                not any(map(self.of_array, (e.left, e.right))):  # p | {'b': v} of dicts
            held = self.points(e.left, state, s) | self.points(e.right, state, s)
            self.containers.add(id(s))  # (q['a'] = v replaces an item of the new dict)
            return self.new(s, state) | self.items_of(held)  # (holds their values)
        return self.new(s, state)  # arithmetic (xs + ys of lists: see docs/supported.md)

    def chosen(self, e: gast.Call, state: State, s: gast.stmt) -> frozenset:
        """``max(a, b)``: one of the arguments itself (of arrays of one element, the
        array); ``max(xs)``: one of the items of ``xs`` (of a vector, a new number)."""
        if len(e.args) > 1:
            return frozenset().union(*(self.points(a, state, s) for a in e.args))
        if isinstance(e.args[0], gast.Name) and self.ranks.get(e.args[0].id) == 1:
            return self.new(s, state)
        return self.items_of(self.points(e.args[0], state, s))

    def items_of(self, held: frozenset) -> frozenset:
        """What an item of a value holding ``held`` may hold: an item of a list is one of
        the objects it holds, not a part of the list; of an array, a part of it."""
        return as_parts(frozenset((o, how) for o, how in held
                                  if o[1] not in self.containers or how != SAME))

    def as_is(self, fn: Any, e: gast.Call) -> bool:
        """``np.asarray(a)`` of a name surely holding a NumPy array (or one of known
        rank): ``a`` itself, not a view of it (a write through either is a write to one
        object, which the other name then sees: bound again, not refused)."""
        return fn in (np.asarray, np.asanyarray) and len(e.args) == 1 and not e.keywords \
            and isinstance(e.args[0], gast.Name) and (
                e.args[0].id in self.ndarrays or self.array_part(e.args[0]))

    def surely_dict(self, e: gast.expr, state: State) -> bool:
        """Does ``e`` name a dict this function made (whichever of its dicts)?"""
        held = state.get(e.id, frozenset()) if isinstance(e, gast.Name) else frozenset()
        whole = [o for o, how in held if how == SAME]  # (its items are held as parts)
        return bool(whole) and all(o[0] in ("new", "old") and o[1] in self.dicts
                                   for o in whole)

    def dict_keys(self, fn: Any, e: gast.Call, state: State) -> bool:
        """Does ``e`` make a list (or view) of a dict's keys (``list(d)``, ``d.keys()``)?
        A new object holding no array: an array is not hashable."""
        if fn is UNKNOWN:
            return isinstance(e.func, gast.Attribute) and e.func.attr == "keys" and \
                not e.args and self.surely_dict(e.func.value, state)
        return fn in (runtime.iteration_items, sorted, list, tuple, set, frozenset) and \
            (len(e.args) == 1 or fn is runtime.iteration_items and len(e.args) == 2) and \
            self.surely_dict(e.args[0], state)

    def called(self, value: gast.expr) -> Any:
        """The function ``value`` calls, if it is a call of a known one."""
        try:
            return evaluate_ref(value.func, self.namespace) \
                if isinstance(value, gast.Call) else None
        except TypeError:
            return None

    def call(self, e: gast.Call, state: State, s: gast.stmt) -> frozenset:
        fn = evaluate_ref(e.func, self.namespace)
        args = list(e.args) + [k.value for k in e.keywords if fn is not runtime.named_tuple]
        key = field_key(e.args[0], e.args[1].value, state, self.fields) if fn is getattr \
            and len(e.args) == 2 and isinstance(e.args[1], gast.Constant) else None
        if key is not None:  # r.a of a record: the object the field holds
            return state[key]
        try:
            if self.dict_keys(fn, e, state):
                return self.new(s, state)
            if fn in ITSELF and e.args or self.as_is(fn, e):  # the argument itself
                return self.points(e.args[0], state, s)
            if (fn in VIEWS or may_not_copy(e)) and e.args or fn is np.einsum and \
                    einsum_view(e):  # (a view of einsum's one operand)
                return as_parts(self.points(e.args[fn is np.einsum], state, s))
            if fn is runtime.dict_get and len(e.args) >= 2:  # d[k] itself, or the default
                item = gast.Subscript(value=e.args[0], slice=e.args[1], ctx=gast.Load())
                default = self.points(e.args[2], state, s) if len(e.args) > 2 else frozenset()
                return self.points(item, state, s) | default
            if fn in HOLDS_FIRST and e.args:
                return self.new(s, state) | as_parts(self.points(e.args[0], state, s))
            if fn in (max, min) and e.args:
                return self.chosen(e, state, s)
            if fn in (copy.deepcopy, runtime.copy_value, copy.copy):
                return self.copied(fn, e, state, s)
        except TypeError:
            pass
        if fn is UNKNOWN and isinstance(e.func, gast.Attribute):  # x.view(): may share x
            return self.new(s, state) | as_parts(self.points(e.func.value, state, s))
        module = getattr(fn, "__module__", None) or type(fn).__module__ or ""
        if module.split(".")[0] in LIBRARIES and not isinstance(fn, type) and \
                fn not in CONTAINERS or fn in NUMBER_TYPES:  # float(a[0]): a new number
            return self.new(s, state)
        held = frozenset().union(*(self.points(a, state, s) for a in args))
        return self.new(s, state) | as_parts(held)  # containers hold their items

    def copied(self, fn: Any, e: gast.Call, state: State, s: gast.stmt) -> frozenset:
        """A copy: a new object, holding new items (``deepcopy``) or the items the
        original holds (a list's copy: of an argument's or a global's list or dict, parts
        of it: ``q = p.copy(); q['a'] += 1.0`` writes ``p['a']``), none for an array's."""
        if fn is copy.deepcopy or self.array_part(e.args[0]) or self.of_array(e.args[0]) \
                or self.array_view(e.args[0]):
            return self.new(s, state)  # (of an array's slice or reshape: a new array)
        held = self.points(e.args[0], state, s)
        if held and all(how == PART and o[0] == "arg" and self.arrays_held(o[1])
                        for o, how in held):
            return self.new(s, state)  # (v.copy() of an item of {'W': W, 'b': b})
        items = {(o, PART) for o, how in held if how == PART or o[0] in ("arg", "outer")}
        if any(how == SAME and (o[0] in ("arg", "outer") or o[1] in self.containers)
               for o, how in held):  # (of a list or dict given or made here)
            self.containers.add(id(s))  # (a list's or dict's copy: ys[0] = v replaces an
            # item of the copy, the original's items unchanged)
        return self.new(s, state) | frozenset(items)

    def arrays_held(self, param: str) -> bool:
        """Does the container argument ``param`` hold arrays (or numbers) only, not other
        containers (the call's kinds: a ``Keyed`` / ``Items`` of shapes)?  A part of it is
        then part of an array, whose copy is a new array, never a list's copy holding
        the same items (which a copy of an unknown value may be)."""
        held = self.kinds.get(param)
        shapes = [s for _, s in held.items] if isinstance(held, Keyed) else \
            list(held.shapes) if isinstance(held, Items) else None
        return shapes is not None and all(isinstance(s, tuple) for s in shapes)

    def new(self, s: gast.stmt, state: State) -> frozenset:
        """The object ``s`` makes; older objects made there are no longer the newest."""
        self.age(s, state)
        return frozenset({(("new", id(s)), SAME)})

    def age(self, s: gast.stmt, state: State, keys: str = "") -> None:
        """``s`` runs again (a loop): what it made before is no longer the newest (in
        the entries whose keys start with ``keys``).  Only the entries some state ever
        gave an object of ``s`` are looked at (``holders``, kept by :meth:`put`): a scan
        of every entry at every statement of a long loop body was quadratic."""
        first = ("", id(s)) not in self.made and (BOUND, id(s)) not in self.made
        self.made.add((keys, id(s)))
        if first:  # nothing holds its objects yet
            return
        recent, old = ("new", id(s)), ("old", id(s))
        marks = {(recent, how) for how in (SAME, PART, BOUND)}
        for k in self.holders.get(id(s), ()):
            held = state.get(k)
            if held is not None and not marks.isdisjoint(held) and k.startswith(keys):
                state[k] = frozenset((old if o == recent else o, how) for o, how in held)

    def put(self, state: State, key: str, held: frozenset) -> None:
        """``state[key] = held``, noting which statements' newest objects ``key`` may
        hold (what :meth:`age` looks at; a join or a copy of a state keeps each entry's
        key, so every entry holding a statement's object was once written here)."""
        state[key] = held
        holders = self.holders
        for o, _ in held:
            if o[0] == "new":
                found = holders.get(o[1])
                if found is None:
                    holders[o[1]] = {key}
                else:
                    found.add(key)

    def array_part(self, e: gast.expr) -> bool:
        """An array (a rank known by the ranks stage: ``sub = x[1:]`` of an array ``x``),
        whose ``.copy()`` is a new array holding nothing (a list's copy holds its items)."""
        rank = self.ranks.get(e.id) if isinstance(e, gast.Name) else None
        return isinstance(rank, int) and not isinstance(rank, bool) and rank >= 1

    def of_array(self, e: gast.expr) -> bool:
        """A name surely an array or a number, or every binding of which indexes one
        (``r = p[-1]`` of an array ``p``: an array or a NumPy scalar, where ``p`` of an
        unknown rank may be a list and ``p[-1]`` one of its items)."""
        if not isinstance(e, gast.Name):
            return False
        values = self.bound.get(e.id) or []
        return e.id in self.arrays or bool(values) and all(
            isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) and
            v.value.id in self.arrays for v in values)

    def array_view(self, e: gast.expr) -> bool:
        """A name every binding of which is a call of a function giving an ndarray
        (``t = x.reshape(2, 2)``): its ``.copy()`` holds nothing (was taken for a
        list's copy, holding ``x``)."""
        values = self.bound.get(e.id) or [] if isinstance(e, gast.Name) else []
        return bool(values) and all(self.called(v) in ARRAY_VIEWS for v in values)

    def fancy(self, e: gast.Subscript, state: State) -> bool:
        """An index by an array or a list copies (``a[[1, 0]]``, ``items = [1, 0];
        a[items]``: a list indexed by a list raises)."""
        parts = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
        return any(isinstance(p, gast.Name) and ((self.ranks.get(p.id) or 0) >= 1 or
                                                 self.surely_list(state.get(p.id)))
                   or isinstance(p, gast.List) for p in parts)

    def surely_list(self, held: frozenset | None) -> bool:
        """Does a name surely hold a list literal this function made?"""
        whole = [o for o, how in held or () if how == SAME]  # (its items: parts)
        return bool(whole) and all(o[0] == "new" and o[1] in self.lists for o in whole)

    def repeated_slots(self, value: gast.expr, state: State) -> bool:
        """Does the container ``value`` makes hold one object in two slots: ``[row, row]``,
        ``[row] * n``, ``[[0.0] * 2] * 2`` (a write into one item writes them all)?"""
        fn = evaluate_ref(value.func, self.namespace) if isinstance(value, gast.Call) \
            else None
        items = value.values if isinstance(value, gast.Dict) else \
            value.args if isinstance(value, gast.Call) else value.elts
        parts = [state.get(e.id, frozenset()) for e in items
                 if isinstance(e, gast.Name) and e.id in self.local]
        if fn in (runtime.list_repeat, runtime.list_concat):  # (the lists' items)
            parts = [frozenset(h for h in held if h[1] == PART) for held in parts]
        return repeats(parts, repeated=fn is runtime.list_repeat)
