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
        whole = [o for o, how in held if how == SAME]
        value = s.value
        if getattr(s, "s2sad_item_replaced", False) and len(whole) == 1 and \
                whole[0][0] == "new" and whole[0][1] in self.slots and \
                isinstance(value.args[1], gast.Constant):
            at = slot_of(value.args[1].value, self.slots[whole[0][1]])
            if at is not None:
                self.put(state, f"{ITEM}{whole[0][1]}.{at}", self.points(value.args[2], state, s))
                return
        parts = frozenset(h for h in held if h[1] == PART)  # (what it holds now)
        for o, _ in held:
            if o[0] != "new" or o[1] not in self.slots:
                continue
            keys = [f"{ITEM}{o[1]}.{p}" for p in range(len(self.slots[o[1]]))]
            anything = frozenset().union(parts, *(state.get(k, frozenset()) for k in keys))
            for k in keys:
                self.put(state, k, as_parts(anything) | {(NOTHING, SAME)})

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

    def refill(self, container: str, made: int, at: int, name: str) -> list[gast.stmt]:
        """``d = setitem(d, 'a', a)`` after a write into ``a``, which ``d['a']`` holds; a
        tuple made again, ``t = (a, t_item)`` (its other items read from it first)."""
        keys = self.slots[made]
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

