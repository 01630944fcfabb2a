"""Part of stage 3c (:mod:`alias`): an in-place write checked against the names that
share its object: none, or surely the same object (bound again after the write), or a
view written back and taken again (:class:`views.ViewWrites`); anything else refused
at the user's line with a rewrite to make."""
from __future__ import annotations

import ast
import linecache
import re
from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import overlaps
from s2sad.compiler.alias_objects import (
    BOUND,
    CONTAINERS,
    HOLDS_FIRST,
    ITEM,
    ITSELF,
    LIST_WRITES,
    NOTHING,
    SAME,
    VIEWS,
    State,
    einsum_view,
    same_object,
    whole_object,
)
from s2sad.compiler.alias_worlds import Outcome, decide
from s2sad.compiler.names import assign, load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.views import transpose_of
from s2sad.errors import error_at


class WriteChecks:
    """The write checks of ``alias._Aliases`` (which gives the state, the liveness, the
    views and what to insert)."""

    after: dict[int, frozenset]
    namespace: dict[str, Any]
    containers: set[int]
    repeating: set[int]  # containers holding one object in two slots
    views: dict
    taken: dict  # every name taken from another by an index or .T, views or not
    arrays: set[str]  # names surely holding arrays
    ndarrays: set[str]  # of those, the surely NumPy arrays
    values_live: Any  # value_liveness.ValueLiveness: what reads more than a shape
    bound: dict[str, list]  # name -> the values its bindings give it
    numbers: set[str]  # names of Python numbers
    ranks: dict
    rebinds: dict[int, tuple]
    through: dict[int, tuple]
    handled: set[int]
    outcomes: dict[int, list]  # in-place write -> what each world says of it
    writes: dict[int, tuple]  # in-place write -> (it, its block, the name written)
    filename: str
    if TYPE_CHECKING:
        def bound_together(self, a: str, b: str, state: State) -> bool: ...
        def write_through(self, s: gast.stmt, name: str, state: State) -> bool: ...
        def retaken(self, others: list[str], whole: Any, state: State) -> list[str]: ...
        def through_every_path(self, name: str, view: Any, mine: frozenset, state: State
                               ) -> bool: ...
        def refilled(self, others: list[str], whole: Any, state: State
                     ) -> dict[str, tuple]: ...
        def written_slot(self, s: gast.Assign, held: frozenset, state: State) -> set: ...
        def reread(self, others: list[str], s: gast.Assign, name: str, state: State
                   ) -> dict[str, tuple]: ...
        def refill(self, container: str, made: int, at: int, name: str, *read: str
                   ) -> list[gast.stmt]: ...


    def conflicts(self, s: gast.stmt, name: str, state: State) -> list[tuple[str, bool]]:
        """(other live name sharing the object, surely the same object) pairs. A list
        changed by ``append``/``insert``/``+=`` is only the list: the arrays it holds (a
        tape's) are not written, so only names holding that list itself share the write."""
        mine = state.get(name, frozenset())
        objects = {o for o, how in mine if how == SAME} - {NOTHING}
        if not objects or not self.list_write(s, mine):  # (a list taken out of a container
            objects = {o for o, _ in mine} - {NOTHING}  # is one of its items: the holders
            # see the write)
        objects = self.written_slot(s, mine, state) or objects  # (xs[1][k] = v: xs[1])
        written_back = self.holding_same(getattr(s, "s2sad_written_back", ()), state)
        live = self.after.get(id(s), frozenset())
        if name not in self.numbers and (self.ranks.get(name, 0) >= 1 or
                                         name in self.ndarrays):
            live = self.values_live.live_after(s)  # (an array's shape: not changed)
        out = []
        for other in sorted(live & set(state)):
            held = state[other]
            if other == name or other in written_back or not objects & {o for o, _ in held}:
                continue
            out.append((other, same_object(held, mine) or
                        self.bound_together(other, name, state)))
        return out

    def holding_same(self, names: tuple, state: State) -> set[str]:
        """``names`` (a record or dict written back right after a write into an item
        taken out of it) and the live names surely holding the same object: that write
        binds them again."""
        out = set(names)
        for name in names:
            mine = state.get(name, frozenset())
            out |= {other for other in state if not other.startswith((BOUND, ITEM)) and
                    same_object(state[other], mine)}
        return out

    def makes_container(self, value: gast.expr) -> bool:
        """``[a, b]``, ``(a, b)``, ``{k: v}``, ``list(xs)``: the object the statement
        makes (its whole value) is a list, tuple or dict."""
        if isinstance(value, (gast.List, gast.Tuple, gast.Dict)):
            return True
        try:
            return isinstance(value, gast.Call) and evaluate_ref(
                value.func, self.namespace) in CONTAINERS - {runtime.user_cotangents}
        except TypeError:
            return False

    def list_write(self, s: gast.stmt, mine: frozenset) -> bool:
        """A write that changes a list (or dict), not the objects it holds: ``append``,
        or ``xs[i] = v`` where ``xs`` surely is a list this function made."""
        try:
            fn = evaluate_ref(s.value.func, self.namespace) if isinstance(s, gast.Assign) \
                and isinstance(s.value, gast.Call) else None
        except TypeError:
            return False
        whole = [o for o, how in mine if how == SAME]
        return fn in LIST_WRITES or fn is runtime.setitem and bool(whole) and \
            getattr(s, "s2sad_item_replaced", False) and all(
                o[0] == "new" and o[1] in self.containers for o in whole)

    def check_write(self, s: gast.Assign, block: list, name: str, state: State) -> None:
        held = state.get(name, frozenset())
        appended = self.list_write(s, held)  # (the list changes, not what it holds)
        outer = [o for o, how in held if o[0] == "outer" and (how == SAME or not appended)]
        if outer:
            raise error_at(self.where(s), s, f"in-place write into {outer[0][1]}",
                           f"{outer[0][1]} comes from outside the function and a derivative "
                           f"never changes it; work on a copy: {self.shown(s, name)} = "
                           f"{outer[0][1]}.copy()")
        if getattr(s, "s2sad_item_write", False) and not getattr(s, "s2sad_item_replaced", True) \
                and any(o[1] in self.repeating for o, how in state.get(name, ()) if how == SAME):
            raise error_at(self.where(s), s, f"in-place write into an item of "
                           f"{self.shown(s, name)}",
                           f"{name} holds that item, or views of the array it belongs "
                           f"to, in more than one place ([row] * n, [row, row], [B[0], "
                           f"B[1]]), so Python changes each of them; build each item on its "
                           f"own: [[0.0] * n for _ in range(m)], [B[0].copy(), B[1].copy()] "
                           f"(items copied from a list or dict, {{k: v.copy() for k, v in "
                           f"p.items()}}: v.copy() may be a list's copy holding v's items, "
                           f"np.copy(v) is a new array)")
        self.check_overlap(s, name, state)
        conflicts = self.conflicts(s, name, state)
        can_through = self.write_through(s, name, state)
        if conflicts and can_through:
            self.note(s, block, name, Outcome(True, frozenset(), frozenset(), frozenset(),
                                              True, frozenset(o for o, _ in conflicts)))
            return
        whole = whole_object(state.get(name, frozenset()))
        rebind = [other for other, same in conflicts if same]
        retake = self.retaken([other for other, same in conflicts if not same], whole, state)
        retake += [other for other, same in conflicts if not same and other not in retake
                   and other in self.views and self.views[other].base == name and
                   self.through_every_path(other, self.views[other],
                                           state.get(other, frozenset()), state)]
        bad = [(other, same) for other, same in conflicts if not same and other not in retake]
        refill = self.refilled([other for other, _ in bad], whole, state)
        refill.update(self.reread([other for other, _ in bad if other not in refill], s,
                                  name, state))
        bad = [(other, same) for other, same in bad if other not in refill]
        if bad:
            raise self.refusal(s, name, bad)
        empty = frozenset(n for n in self.after.get(id(s), ()) if not state.get(n))
        self.note(s, block, name, Outcome(False, frozenset(rebind), frozenset(retake), empty,
                                          can_through, frozenset(o for o, _ in conflicts),
                                          frozenset(refill.items())))

    def note(self, s: gast.Assign, block: list, name: str, outcome: Outcome) -> None:
        """Keep what one world says of a write (:meth:`settle_writes` decides)."""
        self.writes[id(s)] = (s, block, name)
        self.outcomes.setdefault(id(s), []).append(outcome)

    def settle_writes(self) -> None:
        """After the analysis: for each in-place write, what to insert after it, right
        in every world (``alias_worlds.decide``), or a refusal."""
        for key, found in self.outcomes.items():
            s, block, name = self.writes[key]
            decided = decide(found)
            if decided is None:
                others = sorted(set().union(*(o.shared for o in found)))
                raise self.refusal(s, name, [(o, False) for o in others], paths=True)
            kind, rebind, retake, refill = decided
            if kind == "through":
                if key not in self.handled:
                    view = self.views[name]
                    self.through[key] = (s, block, assign(view.base, view.written_back(name)))
            elif rebind or retake or refill:  # (a view of a view: taken again from its
                among = set(retake)  # base, taken again first)
                retake.sort(key=lambda t: self.view_depth(t, among))
                self.rebinds[key] = (s, block, [assign(t, load(name)) for t in rebind] + [
                    assign(t, self.views[t].again(self.views[t].base if self.views[t].base
                                                  in among else name)) for t in retake] + [
                    n for c, slot in sorted(refill, key=lambda r: len(r[1]), reverse=True)
                    for n in self.refill(c, slot[0], slot[1], name, *slot[2:])])  # (names read
                    # again first)

    def view_depth(self, name: str, among: set[str]) -> int:
        """How many views of ``among`` lie between the view ``name`` and its root."""
        depth = 0
        while self.views[name].base in among and depth < len(among):
            name, depth = self.views[name].base, depth + 1
        return depth

    def check_overlap(self, s: gast.Assign, name: str, state: State) -> None:
        """``r[:, 4] = r[2]``: the value written shares memory with the array written.
        NumPy copies it element by element without a copy first where the written part
        has one axis (``r[4, 4]`` gets the ``r[2, 4]`` this very write has changed);
        a derivative of the written values follows a copy first: the write is refused
        unless the two are surely copied right (:mod:`overlaps`), views of views, writes
        through views and values chosen by a branch followed to their root arrays."""
        value = s.value.args[-1] if isinstance(s.value, gast.Call) and \
            getattr(s, "s2sad_item_write", False) and len(s.value.args) == 3 else None
        if not isinstance(value, gast.Name) or value.id not in state or \
                name not in self.arrays and self.ranks.get(name, 0) < 1:
            return  # (a list's slice is a new list: xs[:] = xs[::-1] copies first)
        if not _objects(state, name) & _objects(state, value.id):
            return
        mine, its = _objects(state, name), _objects(state, value.id)
        for root, ops in self.places(name):
            if self.left(root, mine, state):
                continue
            for other, theirs in self.places(value.id, read=True):
                if not _objects(state, root) & _objects(state, other) or \
                        self.left(other, its, state):
                    continue
                same = root == other or same_object(state.get(root, frozenset()),
                                                    state.get(other, frozenset()))
                if not self.copied_right(root, ops + [s.value.args[1]],
                                         theirs if same else None):
                    raise self.overlap(s, name, root, other)

    def left(self, root: str, held: set, state: State) -> bool:
        """The places are every binding's, the state this statement's: a root never
        bound here (a parameter, a global) that a name no longer shares memory with
        (``a = M`` bound again to ``a = M - N``) is not where that name lies now."""
        return not self.bound.get(root) and not held & _objects(state, root)

    def copied_right(self, root: str, ops: list, theirs: list | None) -> bool:
        """Does NumPy copy a value placed by ``theirs`` in ``root`` (None: placed in
        another root sharing memory) into ``root`` placed by ``ops`` as a copy first?"""
        dst, src = self.layouts(root, ops, theirs)
        if dst is None or theirs is not None and src is None:
            return False
        if src is None:  # (not known where: right only where NumPy copies it first)
            return len(dst.axes) != 1 or dst.axes[0].most is not None and \
                dst.axes[0].most <= 1
        return overlaps.disjoint(dst, src) or overlaps.copied_right(dst, src)

    def overlap(self, s: gast.Assign, name: str, root: str, other: str) -> Exception:
        shown = self.shown(s, name)
        target = shown if root == name else f"{shown} (a view of {root})"
        return error_at(self.where(s), s, f"in-place write into {target} of a view of "
                        f"{other}", "NumPy may read elements of the view that this write "
                        "has already changed; copy the right-hand side first (.copy())")

    def places(self, name: str, depth: int = 0, read: bool = False
               ) -> list[tuple[str, list]]:
        """Where the array ``name`` holds may lie: per binding, the root array and the
        indices (``None`` for a transpose) that take it from there, first first; a name
        bound otherwise (made anew, a parameter, a reshape) is its own root.  ``read``:
        of a value read, whose bindings that make a new array share no memory."""
        out: list[tuple[str, list]] = []
        if depth >= 8 or len(self.bound.get(name, ())) > 8:
            return [(name, [])]  # (far or many ways: taken for a root of its own)
        for value in self.bound.get(name, [None]):
            base, op = self.taken_by(value)
            if base is None and isinstance(value, gast.Name) and value.id != name:
                out += self.places(value.id, depth + 1, read)  # (one a branch chose)
            elif base is None and read and self.fresh(value):
                continue
            elif base is None or base == name:
                out.append((name, []))
            else:
                out += [(r, ops + [op]) for r, ops in self.places(base, depth + 1)]
        places = list({(r, tuple(map(id, ops))): (r, ops) for r, ops in out}.values())
        return places if len(places) <= 16 else [(name, [])]

    def fresh(self, value: gast.expr | None) -> bool:
        """Arithmetic, or a call of a library function that returns a new array."""
        if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Constant)):
            return True
        try:
            fn = evaluate_ref(value.func, self.namespace) \
                if isinstance(value, gast.Call) else None
            return fn is not None and (isinstance(fn, np.ufunc) or getattr(
                fn, "__module__", None) in ("numpy", "math") and fn not in SHARING) and \
                not (fn is np.einsum and einsum_view(value))
        except TypeError:
            return False

    def taken_by(self, value: gast.expr | None) -> tuple[str | None, Any]:
        """(base, index) of ``base[index]`` of an array by a basic index, (base, None)
        of its transpose; (None, None) for any other value."""
        if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name):
            base = value.value.id
            parts = value.slice.elts if isinstance(value.slice, gast.Tuple) else [value.slice]
            if (base in self.arrays or (self.ranks.get(base) or 0) >= 1) and not any(
                    isinstance(p, gast.List) or isinstance(p, gast.Name) and
                    not self.is_number(p.id) for p in parts):
                return base, value.slice
        view = transpose_of(value, self.namespace)
        return (view.base, None) if view is not None else (None, None)

    def layouts(self, root: str, ops: list, theirs: list | None
                ) -> tuple[overlaps.Layout | None, overlaps.Layout | None]:
        """The written part's layout in ``root`` and the value's (``theirs``: None where
        the value's root is another), at ``root``'s rank; where that is not known, at
        the least rank both indices fit that leaves the written part an axis."""
        rank = self.ranks.get(root)
        for r in [rank] if type(rank) is int else range(1, 9):
            dst = self._layout(r, ops)
            src = None if theirs is None else self._layout(r, theirs)
            if dst is not None and (theirs is None or src is not None) and \
                    (type(rank) is int or dst.axes):
                return dst, src
        return None, None

    def _layout(self, rank: int, ops: list) -> overlaps.Layout | None:
        layout: overlaps.Layout | None = overlaps.of_rank(rank)
        for index in ops:
            if layout is None:
                return None
            layout = overlaps.transposed(layout) if index is None else \
                overlaps.indexed(layout, index, self.is_number)
        return layout

    def is_number(self, name: str) -> bool:
        return name in self.numbers or self.ranks.get(name) == 0

    def refusal(self, s: gast.stmt, name: str, conflicts: list, maybe: bool = False,
                paths: bool = False) -> Exception:
        others = ", ".join(o for o, same in conflicts if maybe or not same)
        name = self.shown(s, name)
        if paths:
            shared = f"shares its memory with {others}" if others else \
                "is a view written back into its base"
            return error_at(
                self.where(s), s, f"in-place write to {name}",
                f"on some paths {name} {shared} and on others not, so no one update after "
                f"the write gives what Python computes on every path; {_rewrite(name)}")
        kind = "if it is an array, " if maybe else ""
        return error_at(
            self.where(s), s, f"in-place write to {name}",
            f"{kind}{name} shares its memory with {others} (the same array, a view such as "
            f"a slice, .T or reshape, or a list holding it), which is read later, so Python "
            f"changes {others} too; s2sad does not model this write: {_rewrite(name)}")

    def where(self, s: gast.stmt) -> str:
        return getattr(s, "s2sad_file", self.filename)

    def shown(self, s: gast.stmt, name: str) -> str:
        """The written name as the user's line spells it: a name the compiler made (a
        helper's variable given the caller's argument, ``c6_item_2`` for ``a1`` of a
        helper called with ``c6[::-1]``) is shown as the line's own target."""
        text = linecache.getline(self.where(s), getattr(s, "lineno", 0) or 0).strip()
        if not text or re.search(rf"\b{re.escape(name)}\b", text):
            return name
        return _target_of(text) or name


# results that may hold their arguments or be views of them (np.diag of a matrix, np.array
# with copy=False)
SHARING = VIEWS | ITSELF | CONTAINERS | HOLDS_FIRST | {
    np.diag, np.array, np.require, np.broadcast_arrays, np.meshgrid}


def _target_of(line: str) -> str | None:
    """The name an assignment on one line writes into (``a1`` of ``a1[1:] *= v``)."""
    try:
        stmt = ast.parse(line).body[0]
    except (SyntaxError, IndexError):
        return None
    targets = stmt.targets if isinstance(stmt, ast.Assign) else \
        [stmt.target] if isinstance(stmt, ast.AugAssign) else []
    if len(targets) != 1:
        return None
    target = targets[0]
    while isinstance(target, (ast.Subscript, ast.Attribute)):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None


def _objects(state: State, name: str) -> set:
    return {o for o, _ in state.get(name, ()) if o != NOTHING}


def _rewrite(name: str) -> str:
    """What a refused in-place write to ``name`` can be written as instead."""
    return f"update out of place ({name} = {name} + ...), or write into a copy " \
        f"({name} = {name}.copy() first)"
