"""Part of stage 3c (:mod:`alias`): an in-place write checked against the names that
share its object: none, or surely the same object (bound again after the write), or a
view written back and taken again (:class:`views.ViewWrites`); anything else refused
at the user's line with a rewrite to make."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gast

from s2sad import runtime
from s2sad.compiler.alias_objects import (
    CONTAINERS,
    LIST_WRITES,
    SAME,
    State,
    same_object,
    whole_object,
)
from s2sad.compiler.names import assign, load
from s2sad.compiler.primitives import evaluate_ref
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
    ranks: dict
    rebinds: dict[int, tuple]
    filename: str
    if TYPE_CHECKING:
        def bound_together(self, a: str, b: str, state: State) -> bool: ...
        def write_through(self, s: gast.stmt, block: list, name: str, state: State
                          ) -> bool: ...
        def retaken(self, others: list[str], whole: Any, state: State) -> list[str]: ...


    def conflicts(self, s: gast.stmt, name: str, state: State) -> list[tuple[str, bool]]:
        """(other live name sharing the object, surely the same object) pairs. A list
        changed by ``append``/``insert``/``+=`` is only the list: the arrays it holds (a
        tape's) are not written, so only names holding that list itself share the write."""
        mine = state.get(name, frozenset())
        objects = {o for o, how in mine if how == SAME}
        if not objects or not self.list_write(s, mine):  # (a list taken out of a container
            objects = {o for o, _ in mine}  # is one of its items: the holders see the write)
        written_back = getattr(s, "s2sad_written_back", ())
        out = []
        for other in sorted(self.after.get(id(s), frozenset()) & set(state)):
            held = state[other]
            if other == name or other in written_back or not objects & {o for o, _ in held}:
                continue
            out.append((other, same_object(held, mine) or
                        self.bound_together(other, name, state)))
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
        outer = [o for o, _ in state.get(name, frozenset()) if o[0] == "outer"]
        if outer:
            raise error_at(self.where(s), s, f"in-place write into {outer[0][1]}",
                           f"{outer[0][1]} comes from outside the function and a derivative "
                           f"never changes it; work on a copy: {name} = {outer[0][1]}.copy()")
        if getattr(s, "s2sad_item_write", False) and not getattr(s, "s2sad_item_replaced", True) \
                and any(o[1] in self.repeating for o, how in state.get(name, ()) if how == SAME):
            raise error_at(self.where(s), s, f"in-place write into an item of {name}",
                           f"{name} holds that item in more than one place ([row] * n, "
                           f"[row, row]), so Python changes each of them; build each item "
                           f"on its own: [[0.0] * n for _ in range(m)]")
        self.check_overlap(s, name, state)
        conflicts = self.conflicts(s, name, state)
        if conflicts and self.write_through(s, block, name, state):
            return
        whole = whole_object(state.get(name, frozenset()))
        rebind = sorted(other for other, same in conflicts if same)
        retake = self.retaken([other for other, same in conflicts if not same], whole, state)
        bad = [(other, same) for other, same in conflicts if not same and other not in retake]
        if bad:
            raise self.refusal(s, name, bad)
        if conflicts:  # (a view of a view: taken again from its base, taken again first)
            self.rebinds[id(s)] = (s, block, [assign(t, load(name)) for t in rebind] + [
                assign(t, self.views[t].again(self.views[t].base if self.views[t].base in
                                              retake else name)) for t in retake])

    def check_overlap(self, s: gast.Assign, name: str, state: State) -> None:
        """``r[:, 4] = r[2]``: the value written is a view of the array written.  NumPy
        copies it element by element without a copy first where the two overlap in one
        direction (``r[4, 4]`` gets the ``r[2, 4]`` this very write has changed), which
        a derivative of the written values cannot follow: refused."""
        value = s.value.args[-1] if isinstance(s.value, gast.Call) and \
            getattr(s, "s2sad_item_write", False) and len(s.value.args) == 3 else None
        if not isinstance(value, gast.Name) or value.id not in state or \
                name not in self.arrays and self.ranks.get(name, 0) < 1:
            return  # (a list's slice is a new list: xs[:] = xs[::-1] copies first)
        mine = {o for o, how in state.get(name, frozenset()) if how == SAME}
        view = self.taken.get(value.id)  # (an array's, or an item or slice of a list)
        if view is None or view.kind != "index" or view.base != name or \
                _disjoint(s.value.args[1], view.value.slice):
            return  # (u[0, :] = u[1, :]: no element in common)
        rank = self.ranks.get(name)
        if type(rank) is not int:  # (not known: as many axes as the longer index takes)
            rank = max(len(_axes(s.value.args[1])), len(_axes(view.value.slice)))
        written, read = _kept(s.value.args[1], rank), _kept(view.value.slice, rank)
        if written is None or read is None or written == read:
            return  # (y[1:] = y[:-1]: along one axis both, copied in an order that works)
        if mine & {o for o, _ in state[value.id]}:
            raise error_at(self.where(s), s, f"in-place write into {name} of a view of "
                           f"{name}", "NumPy may read elements of the view that this write "
                           "has already changed; copy the right-hand side first (.copy())")

    def refusal(self, s: gast.stmt, name: str, conflicts: list, maybe: bool = False
                ) -> Exception:
        others = ", ".join(o for o, same in conflicts if maybe or not same)
        kind = "if it is an array, " if maybe else ""
        return error_at(
            self.where(s), s, f"in-place write to {name}",
            f"{kind}{name} shares its memory with {others} (the same array, a view such as "
            f"a slice, .T or reshape, or a list holding it), which is read later, so Python "
            f"changes {others} too; s2sad does not model this write: update out of place "
            f"({name} = {name} + ...), or write into a copy ({name} = {name}.copy() first)")

    def where(self, s: gast.stmt) -> str:
        return getattr(s, "s2sad_file", self.filename)


def _disjoint(written: gast.expr, read: gast.expr) -> bool:
    """Two indices of one array that surely share no element: an axis where both take
    an int literal, different ones of the same sign (``(0, :)`` and ``(1, :)``)."""
    a, b = _axes(written), _axes(read)
    return any(type(x) is int and type(y) is int and x != y and (x < 0) == (y < 0)
               for x, y in zip(a, b))


def _axes(index: gast.expr) -> list:
    """Per axis, the int literal an index takes there, else None."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return [p.value if isinstance(p, gast.Constant) and type(p.value) is int else None
            for p in parts]


def _kept(index: gast.expr, rank: Any) -> tuple | None:
    """The axes of an array of ``rank`` an index keeps (slices, and the axes after the
    index), the others taken by numbers; None where that is not known."""
    if type(rank) is not int:
        return None
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    if len(parts) > rank:
        return None
    kept = []
    for k, p in enumerate(parts):
        if isinstance(p, gast.Slice) or isinstance(p, gast.Call) and \
                isinstance(p.func, gast.Name) and p.func.id == "slice":
            kept.append(k)
        elif not (isinstance(p, gast.Constant) and type(p.value) is int or
                  isinstance(p, gast.Name)):
            return None
    return tuple(kept) + tuple(range(len(parts), rank))

