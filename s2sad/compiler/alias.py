"""Stage 3c: aliases.  Which names may share one object (an array, a list), and what
an in-place write through one of them means for the others.

Input and output: core form (see :mod:`normalize`), before SSA.  From here on the
compiler treats arrays as values: ``x = setitem(x, i, v)`` makes a new ``x``.
Python does not: after ``t = y; y *= 0.8`` the name ``t`` sees the change, and
after ``v = x[1:]; v[0] = 5.0`` so does ``x``.  This stage finds, for every
in-place write (``x[i] = v``, ``x += v`` on an array, ``xs.append(v)``), the
other names that may share the written object and are read later:

- none: the functional update computes what Python computes for every name
  read later; nothing to do;
- a name that is surely the same object (``t = y``): it is bound again after
  the write (``t = y``), so it sees the change in value and in derivative;
- anything else (a view, a name that may or may not be the object, a list
  holding it, a global): refused with file:line, the names and a rewrite.

The facts come from a points-to analysis over the statements in order (loops
to a fixpoint): each name points to objects, *the same* object or *a part* of
it (a view, an element).  An object is made by a statement (the most recent
one made there is told apart from older ones, so ``u = u_new`` in a time-step
loop does not alias next step's ``u_new``), or is an argument, or comes from
outside the function.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import ranks as ranks_stage
from s2sad.compiler.alias_objects import (
    BOUND,
    ITEM,
    PART,
    SAME,
    VIEWED,
    WRITES,
    State,
    as_parts,
    repeats,
    slot_items,
)
from s2sad.compiler.alias_points import DICTS, PointsTo
from s2sad.compiler.alias_records import Records
from s2sad.compiler.alias_slots import Slots
from s2sad.compiler.alias_worlds import ROUNDS, frozen, joined, merged
from s2sad.compiler.alias_writes import WriteChecks
from s2sad.compiler.array_names import assignments, bound_values, surely_arrays, zero_dim_arrays
from s2sad.compiler.branch_views import chosen_views
from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import Namer, copy_origin
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.value_liveness import ValueLiveness
from s2sad.compiler.view_webs import split_reused_views
from s2sad.compiler.views import ViewWrites
from s2sad.compiler.views import views as views_of
from s2sad.compiler.walks import name_nodes, nodes


def resolve_aliases(node: gast.FunctionDef, namespace: dict[str, Any], filename: str,
                    numbers: Callable[[], set[str] | frozenset[str]] = frozenset,
                    ranks: dict[str, int] | None = None,
                    outer: set[str] | frozenset[str] = frozenset()) -> gast.FunctionDef:
    """Bind again the names that share a written object; refuse what cannot be.
    ``numbers``: works out the names that hold numbers (only for a function that may
    write into an object); ``outer``: the global and closure names the function reads."""
    handled: set[int] = set()  # writes through a view whose base write is in place
    writes = any(map(_may_write, statement_nodes(node)))  # (as the views chosen next make none)
    small = set(numbers()) if writes else set()  # (of the function before those views)
    chosen_views(node, namespace)  # (v = B[0] if c else B[1]: one view, at an index chosen there)
    if not writes:
        return node  # (most functions write into no object: nothing to rebind or refuse)
    split_reused_views(node, namespace, {s.targets[0].id for s in statement_nodes(node)
                                         if _may_write(s)})  # (view = a[1:] .. view = b[1:])
    for _ in range(16):  # a write through a view writes its base: analysed again
        analysis = _Aliases(node, namespace, filename, small, ranks or {})
        analysis.outer = set(outer) - set(analysis.params)
        analysis.handled = handled
        analysis.run()
        if not analysis.through:
            break
        for stmt, block, new in analysis.through.values():
            new.s2sad_augmented = True  # x = np.transpose(t) writes x's object, like
            _insert_after(stmt, block, [new])  # x = setitem(x, ..): others see it too
            handled.add(id(stmt))
    for stmt, block, new in analysis.rebinds.values():
        _insert_after(stmt, block, new)
    return node


def _may_write(s: gast.AST) -> bool:
    """Might ``s`` be an in-place write (:meth:`_Aliases.written`: a call given the name it
    binds as its first argument, ``x = setitem(x, i, v)``, or an augmented assignment)?
    Only those are checked or followed by rebinding: without one the analysis has nothing
    to do."""
    if s.__class__ is not gast.Assign or s.targets[0].__class__ is not gast.Name:
        return False
    value = s.value
    return getattr(s, "s2sad_augmented", False) or value.__class__ is gast.Call and \
        bool(value.args) and value.args[0].__class__ is gast.Name and \
        value.args[0].id == s.targets[0].id


def _insert_after(stmt: gast.stmt, block: list, new: list) -> None:
    at = [id(x) for x in block].index(id(stmt)) + 1
    for n in new:
        n.lineno = stmt.lineno
        copy_origin(n, stmt)
        if hasattr(stmt, "s2sad_file"):
            n.s2sad_file = stmt.s2sad_file
    block[at:at] = new




class _Aliases(WriteChecks, Slots, Records, ViewWrites, PointsTo):
    outer: set[str]  # the global and closure names read (set by resolve_aliases)

    def __init__(self, node: gast.FunctionDef, namespace: dict, filename: str,
                 numbers: set[str], ranks: dict[str, int]) -> None:
        self.node, self.namespace, self.filename = node, namespace, filename
        self.params = [a.id for a in node.args.args + node.args.kwonlyargs]
        self.local = set(self.params) | {n.id for n in name_nodes(node)
                                         if isinstance(n.ctx, gast.Store)}
        self.ranks = ranks_stage.infer(node.body, ranks, numbers, namespace)
        self.kinds = ranks
        # (a write into an array holds no value; a slice of one is written in place)
        stores = assignments(node, namespace)  # (this analysis changes no statement)
        self.arrays, self.ndarrays = surely_arrays(node, namespace, stores)
        self.numbers = (numbers | {n for n, r in self.ranks.items() if r == 0}) - \
            zero_dim_arrays(node, self.ndarrays)
        self.after: dict[int, frozenset] = {}
        live_after(node.body, self.after)
        self.values_live = ValueLiveness(node.body)  # (what reads more than a shape)
        self.rebinds: dict[int, tuple] = {}  # statement -> what to insert after it
        self.through: dict[int, tuple] = {}  # writes through a view: their base written
        self.outcomes: dict[int, list] = {}  # in-place write -> what each world says
        self.writes: dict[int, tuple] = {}  # in-place write -> (it, its block, its name)
        self.handled: set[int] = set()
        self.namer = Namer(Namer.names_in(node))  # (a tuple's items read to make it again)
        self.containers: set[int] = set()  # statements that make a list, tuple or dict
        self.dicts: set[int] = set()  # those that make a dict
        self.lists: set[int] = set()  # those that make a list literal ([1, 0])
        self.slots: dict[int, tuple] = {}  # t = (a, b), d = {'p': a}: items kept, keys
        self.fields: dict[int, tuple] = {}  # records built: their field names (kept too)
        self.repeating: set[int] = set()  # containers holding one object in two slots
        self.made: set[tuple[str, int]] = set()  # (kind, statement) some state may hold
        self.holders: dict[int, set[str]] = {}  # statement -> keys given its objects (put)
        # (also those that may be copies)
        self.taken = views_of(node, namespace, stores, set(self.arrays))
        self.views = {n: v for n, v in self.taken.items() if self.is_view(v)}
        self.views_of: dict[str, list[str]] = {}  # base -> the views taken from it
        for n, v in self.views.items():
            self.views_of.setdefault(v.base, []).append(n)
        self.bound = bound_values(node, namespace, stores)

    def is_view(self, view: Any) -> bool:
        """Surely a view: its base an array of known rank, the result an array too (not a
        number: ``x[0]`` of a vector is a copy; nor a list's slice, also a copy)."""
        if view.sliced_array:
            return True  # (an ndarray's slice, of any rank)
        rank = self.ranks.get(view.base) or 0
        if rank < 1:
            return False
        if view.kind in ("reshape", "ravel"):  # (a vector's reshape: a view whatever its
            return view.c_ordered or view.kind == "reshape" and rank == 1  # strides)
        return view.kind != "index" or \
            (ranks_stage.rank_of(view.value, self.ranks, self.namespace) or 0) >= 1

    def run(self) -> None:
        state: State = {p: frozenset() if p in self.numbers else
                        frozenset({(("arg", p), SAME)}) for p in self.params}
        for p in self.params:
            state[BOUND + p] = frozenset({(("arg", p), BOUND)})
        for name in self.local & set(self.outer):  # x[i] = v on a global x
            state[name] = frozenset({(("outer", name), SAME)})
        self.block(self.node.body, [state])
        self.settle_writes()

    # ----- statements, in each world (see alias_worlds) -----

    def block(self, stmts: list, worlds: list[State]) -> list[State]:
        for s in stmts:
            if isinstance(s, gast.If):
                live = self.after.get(id(s), frozenset()) - self.numbers
                worlds = merged(self.block(s.body, [dict(w) for w in worlds]) +
                                self.block(s.orelse, [dict(w) for w in worlds]), live)
            elif isinstance(s, (gast.For, gast.While)):
                worlds = self.loop(s, worlds)
            else:
                worlds = [self.stmt(s, stmts, w) for w in worlds]
        return worlds

    def stmt(self, s: gast.stmt, block: list, state: State) -> State:
        if isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name):
            return self.assignment(s, block, state)
        if isinstance(s, gast.Assign):  # a tuple target: parts of the value
            held = self.points(s.value, state, s)
            for n in nodes(s.targets[0]):
                if isinstance(n, gast.Name):
                    self.put(state, n.id, as_parts(held) | {(("new", id(s)), SAME)})
                    self.bind(n.id, s, state)
        return state

    def loop(self, s: gast.stmt, worlds: list[State]) -> list[State]:
        """The worlds at the loop's head, run round to a fixpoint; what the writes in
        the body say is kept from the last round only (the one run from the fixpoint)."""
        if isinstance(s, gast.For) and isinstance(s.target, gast.Name):
            for state in worlds:
                state[s.target.id] = frozenset()
                self.bind(s.target.id, s, state)
        live = (self.after.get(id(s.body[-1]), frozenset()) if s.body else frozenset()) - \
            self.numbers  # (a number's binding tells no two worlds apart)
        outer, head = self.outcomes, merged(worlds, live)
        for _ in range(ROUNDS):
            self.outcomes = {}
            end = merged(head + self.block(s.body, [dict(w) for w in head]), live)
            if frozen(end) == frozen(head):
                break
            head = end
        else:  # (not settled: one state, joined to a fixpoint)
            head = [joined(head)]
            while True:
                self.outcomes = {}
                end = [joined(head + self.block(s.body, [dict(head[0])]))]
                if end == head:
                    break
                head = end
        for key, found in self.outcomes.items():
            outer.setdefault(key, []).extend(found)
        self.outcomes = outer
        return head

    def assignment(self, s: gast.Assign, block: list, state: State) -> State:
        name = s.targets[0].id
        written = self.written(s)
        if written == "maybe" and self.outer_array(state.get(name, frozenset())):
            written = True  # (w = HOLDER.weights; w *= x: Python writes the module's array)
        if written == "maybe" and self.conflicts(s, name, state):
            raise self.refusal(s, name, self.conflicts(s, name, state), maybe=True)
        if written is True and self.called(s.value) is runtime.list_remove and \
                not self.surely_made_list(state.get(name, frozenset())):
            written = False  # (xs.pop() of a list not made here, a derivative's unpacked
            # adjoint: its items are taken for parts of it; a new list, as before)
        if written is True:
            self.check_write(s, block, name, state)
            held = state.get(name, frozenset())
            if isinstance(s.value, gast.Call) and len(s.value.args) > 1 and \
                    self.ranks.get(name, 0) < 1 and name not in self.arrays:  # a list
                # holds what is put into it
                added = self.points(s.value.args[-1], state, s)
                if repeats([frozenset(h for h in held if h[1] == PART), added]):
                    self.repeating |= {o[1] for o, how in held if how == SAME}
                held = held | as_parts(added)
            if not self.field_stored(s, state):
                self.slots_written(s, held, state)
            self.put(state, name, held)
            return state
        if self.makes_container(s.value):
            self.made_container(s, state)
        value = self.points(s.value, state, s)
        slotted = slot_items(s)
        if slotted is not None:
            self.slots[id(s)], items = slotted
            for i, item in enumerate(items):
                self.put(state, f"{ITEM}{id(s)}.{i}", self.points(item, state, s))
        self.record_made(s, state)
        if written == "maybe":
            value = value | state.get(name, frozenset())
        self.put(state, name, frozenset() if name in self.numbers else value)
        copied = s.value.id if isinstance(s.value, gast.Name) and s.value.id in self.local \
            else None
        self.bind(name, s, state, copied)
        return state

    def surely_made_list(self, held: frozenset) -> bool:
        """Does a name hold only lists, tuples or dicts this function made?"""
        whole = [o for o, how in held if how == SAME]
        return bool(whole) and all(o[1] in self.containers for o in whole)

    def bind(self, name: str, s: gast.stmt, state: State, like: str | None = None) -> None:
        """What ``name`` was last bound by: ``a = b`` binds ``a`` to what ``b`` is bound
        to (whatever object that is), any other statement to its newest run."""
        self.mark_views(name, s, state)
        if like is not None and len(state.get(BOUND + like, ())) == 1:
            self.put(state, BOUND + name, state[BOUND + like])
            return
        recent = ("new", id(s))
        self.age(s, state, BOUND)
        self.put(state, BOUND + name, frozenset({(recent, BOUND)}))
        if like is not None:  # whichever object that is, the two names share it from here
            self.put(state, BOUND + like, state[BOUND + name])

    def mark_views(self, name: str, s: gast.stmt, state: State) -> None:
        """A view taken (``w = c[1:]``) is marked with its statement; its base bound again
        marks it stale, so a mark that is the view's own on every path says the base
        still holds the array the view was taken from, whichever that is."""
        if name in self.views:
            self.put(state, VIEWED + name, frozenset({(("view", id(s)), SAME)}))
        for view in self.views_of.get(name, ()):
            self.put(state, VIEWED + view, frozenset({(("stale", 0), SAME)}))

    def bound_together(self, a: str, b: str, state: State) -> bool:
        """Are ``a`` and ``b`` surely one object because one was assigned from the other
        (``z = x``), even where which object that is depends on the path taken?"""
        tokens = state.get(BOUND + a)
        return tokens is not None and len(tokens) == 1 and tokens == state.get(BOUND + b) \
            and next(iter(tokens))[0][0] in ("new", "arg")

    def written(self, s: gast.Assign) -> bool | str:
        """Does ``s`` change the object its target holds (True), or may it ("maybe")?"""
        name = s.targets[0].id
        value = s.value
        augmented = getattr(s, "s2sad_augmented", False)
        if isinstance(value, gast.Call) and value.args and isinstance(value.args[0], gast.Name) \
                and value.args[0].id == name:
            try:
                fn = evaluate_ref(value.func, self.namespace)
            except TypeError:
                return False
            if fn in (runtime.list_concat, runtime.list_repeat, runtime.list_remove):
                return augmented  # xs += ys, xs *= 2, xs.pop() change xs; xs = xs + ys is
                # a new list
            if fn is runtime.setitem:  # x[i] = v, or a write through a view written back;
                return augmented or getattr(s, "s2sad_item_write", False)  # (else a copy:
            return fn in WRITES  # a derivative's code differentiated again, a Hessian)
        if getattr(s, "s2sad_augmented", False) and name not in self.numbers:
            return True if self.ranks.get(name, 0) >= 1 or name in self.ndarrays else "maybe"
        return False

    def made_container(self, s: gast.Assign, state: State) -> None:
        """What kind of container the statement makes: a dict, a list literal (an array
        indexed by it copies), one holding an object twice."""
        self.containers.add(id(s))
        if isinstance(s.value, gast.Dict) or self.called(s.value) in DICTS:
            self.dicts.add(id(s))
        if isinstance(s.value, gast.List):
            self.lists.add(id(s))
        if self.repeated_slots(s.value, state):
            self.repeating.add(id(s))

    # ----- the objects an expression may hold -----

    def outer_array(self, held: frozenset) -> bool:
        """Does a name hold (a part of) an array or list from outside the function, as the
        global or attribute chain (``HOLDER.weights``) holds it now?"""
        for (kind, key), _ in held:
            if kind != "outer" or not all(p.isidentifier() for p in key.split(".")):
                continue
            first, *rest = key.split(".")
            value = self.namespace.get(first)
            for attr in rest:
                value = getattr(value, attr, None)
            if isinstance(value, (np.ndarray, list, dict)):
                return True
        return False
