"""Part of stage 3c (:mod:`alias`): the small tuple, list and dict literals of the
function kept slot by slot (``alias_objects.slot_items``): which object each slot holds
while nothing else writes into the container.  After an in-place write into an array
one slot surely holds, and no other, the slot is filled again with the array (``d =
setitem(d, 'a', a)``; a tuple made again), so ``d['a']`` sees the write as in Python,
where before such a write was refused."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler.alias_objects import ITEM, NOTHING, PART, SAME, State, as_parts, slot_of
from s2sad.compiler.names import Namer, assign, const, load


class Slots:
    """Mixed into ``alias._Aliases``: its ``slots`` (statement -> the keys of the
    container it makes), ``dicts``, ``lists``, ``namer`` and ``put``/``points``."""

    slots: dict[int, tuple]
    dicts: set[int]
    lists: set[int]
    repeating: set[int]
    namer: Namer

    if TYPE_CHECKING:
        def put(self, state: State, key: str, held: frozenset) -> None: ...
        def points(self, e: gast.expr, state: State, s: gast.stmt) -> frozenset: ...

    def slots_written(self, s: gast.Assign, held: frozenset, state: State) -> None:
        """A write into a list or dict whose slots are kept: ``xs[1] = v`` at a constant
        index of the one list ``xs`` holds puts ``v``'s objects in that slot; any other
        write (an append, an index not constant, a container held as a part) leaves no
        slot of the containers it may write surely holding one object."""
        found = self.slot_at(s, held)
        if found is not None and getattr(s, "s2sad_item_replaced", False):
            self.put(state, f"{ITEM}{found[0]}.{found[1]}", self.points(s.value.args[2], state, s))
            return
        if found is not None and getattr(s, "s2sad_item_write", False):
            return  # (xs[0][1] = v, xs[0] += v: the item written into, still in its slot)
        parts = frozenset(h for h in held if h[1] == PART)  # (what it holds now)
        for o, _ in held:
            if o[0] != "new" or o[1] not in self.slots:
                continue
            keys = [f"{ITEM}{o[1]}.{p}" for p in range(len(self.slots[o[1]]))]
            anything = frozenset().union(parts, *(state.get(k, frozenset()) for k in keys))
            for k in keys:
                self.put(state, k, as_parts(anything) | {(NOTHING, SAME)})

    def slot_at(self, s: gast.Assign, held: frozenset) -> tuple[int, int] | None:
        """(container, slot) of ``xs = setitem(xs, 0, v)`` at a constant index of a slot
        of the one container ``xs`` surely holds, whose slots are kept."""
        whole = [o for o, how in held if how == SAME]
        value = s.value
        if not (isinstance(value, gast.Call) and len(value.args) == 3 and
                getattr(s, "s2sad_item_write", False) and len(whole) == 1 and
                whole[0][0] == "new" and whole[0][1] in self.slots and
                isinstance(value.args[1], gast.Constant)):
            return None
        at = slot_of(value.args[1].value, self.slots[whole[0][1]])
        return None if at is None else (whole[0][1], at)

    def written_slot(self, s: gast.Assign, held: frozenset, state: State) -> set:
        """The objects ``xs[1][k] = v`` writes into (the container and what its slot
        holds), where ``xs`` surely is a container whose slots are kept; else none."""
        found = None if getattr(s, "s2sad_item_replaced", True) else self.slot_at(s, held)
        if found is None:
            return set()
        slot = state.get(f"{ITEM}{found[0]}.{found[1]}")
        if slot is None:
            return set()
        return {("new", found[0])} | ({o for o, _ in slot} - {NOTHING})

    def reread(self, others: list[str], s: gast.Assign, name: str, state: State
               ) -> dict[str, tuple]:
        """After ``d['a'][1] = v`` or ``xs[0] += v`` (an item written into, in place, in
        the slot of a container whose slots are kept): the names among ``others`` surely
        holding that item's array, which are read from the slot again (``a = d['a']``).
        Name -> (the container's statement, the slot, "read")."""
        found = None if getattr(s, "s2sad_item_replaced", True) else \
            self.slot_at(s, state.get(name, frozenset()))
        if found is None:
            return {}
        held = state.get(f"{ITEM}{found[0]}.{found[1]}")
        if held is None or len(held) != 1 or next(iter(held))[1] != SAME:
            return {}
        return {o: (*found, "read") for o in others if state.get(o) == held}

    def refilled(self, others: list[str], whole: Any, state: State) -> dict[str, tuple]:
        """The containers among ``others`` that hold the array written (``whole``) in one
        slot of the tuple, list or dict literal they surely are (its slots kept:
        ``alias._Aliases.slots_written``) and nowhere else: after the write the slot is
        filled again with it (``d['a']`` then sees the write, as in Python).  Name ->
        (the statement that made the container, the slot)."""
        out: dict[str, tuple] = {}
        if whole is None:
            return out
        for other in others:
            boxes = [o for o, how in state.get(other, ()) if how == SAME]
            if len(boxes) != 1 or boxes[0][0] != "new" or boxes[0][1] not in self.slots \
                    or boxes[0][1] in self.repeating:
                continue
            made = boxes[0][1]
            slots = [state.get(f"{ITEM}{made}.{p}") for p in range(len(self.slots[made]))]
            at = [p for p, held in enumerate(slots) if held == {(whole, SAME)}]
            mentions = [p for p, held in enumerate(slots)
                        if held is None or whole in {o for o, _ in held}]
            if mentions == at and len(at) == 1:
                out[other] = (made, at[0])
        return out

    def refill(self, container: str, made: int, at: int, name: str, *read: str
               ) -> list[gast.stmt]:
        """``d = setitem(d, 'a', a)`` after a write into ``a``, which ``d['a']`` holds; a
        tuple made again, ``t = (a, t_item)`` (its other items read from it first);
        ``read``: ``a = d['a']`` after a write into ``d['a']``."""
        keys = self.slots[made]
        if read:
            return [assign(container, gast.Subscript(value=load(name), slice=const(keys[at]),
                                                     ctx=gast.Load()))]
        if made in self.dicts or made in self.lists:
            return [assign(container, gast.Call(func=load("setitem"), args=[
                load(container), const(keys[at]), load(name)], keywords=[]))]
        reads, items = [], []
        for p in range(len(keys)):
            if p == at:
                items.append(load(name))
                continue
            item = self.namer.fresh(f"{container}_item")
            reads.append(assign(item, gast.Subscript(value=load(container), slice=const(p),
                                                     ctx=gast.Load())))
            items.append(load(item))
        return reads + [assign(container, gast.Tuple(elts=items, ctx=gast.Load()))]

