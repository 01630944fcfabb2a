"""Part of stage 3c (:mod:`alias`): the analysis state kept as a few *worlds*, each
the objects every name may hold on some of the paths, instead of one state joined
over all paths.

One joined state forgets which names go together: after the buffer swap of a time-step
loop, ``u, u_new = u_new, u``, it says that ``u`` and ``u_new`` may each be either
array, so a write into ``u_new`` looks as if it might write ``u``, and was refused.
Kept apart, the two worlds (``u`` the first array and ``u_new`` the second, and the
other way round) show that the two names never hold one array at the write.

Worlds are joined where that loses nothing: two that differ in at most one name live
there (a value bound in both branches of an ``if``) are exactly their join.  More than
:data:`MAX_WORLDS` are joined into one, the state of the plain analysis, as is a loop
whose worlds settle in no :data:`ROUNDS` rounds (its worlds then grow to a fixpoint
joined).

An in-place write is checked in each world; what the stage inserts after it must be
right in every one (:func:`decide`): the names bound again surely hold the written
array in each world where they hold anything, a write through a view is one in every
world.  Otherwise the write is refused.
"""
from __future__ import annotations

from dataclasses import dataclass

from s2sad.compiler.alias_objects import BOUND, ITEM, State, join

MAX_WORLDS = 8
ROUNDS = 12


@dataclass(frozen=True)
class Outcome:
    """What one world says of one in-place write: a write through a view to write
    back into its base (``through``), or the names to bind again and the views to take
    again (``rebind``, ``retake``); ``empty``: the live names holding no object there
    (not bound yet, or numbers), for which binding again changes nothing;
    ``can_through``: the write is surely through the view in this world; ``shared``:
    the live names sharing the written object there."""
    through: bool
    rebind: frozenset[str]
    retake: frozenset[str]
    empty: frozenset[str]
    can_through: bool
    shared: frozenset[str]
    refill: frozenset[tuple[str, tuple]] = frozenset()  # containers' slots filled again


def decide(outcomes: list[Outcome]) -> tuple[str, list[str], list[str], list] | None:
    """What to do after a write, right in every world: ("through", [], [], []) to write
    a view back into its base, ("rebind", names, views, slots) to bind names again,
    take views again and fill containers' slots again (none: nothing to do), or None
    where no one action is right."""
    if any(o.through for o in outcomes):
        if all(o.through or (o.can_through and not o.rebind and not o.retake and
                             not o.refill) for o in outcomes):
            return "through", [], [], []
        return None
    rebind = frozenset().union(*(o.rebind for o in outcomes))
    retake = frozenset().union(*(o.retake for o in outcomes))
    refill = frozenset().union(*(o.refill for o in outcomes))
    for o in outcomes:
        if not rebind <= o.rebind | o.empty or not retake <= o.retake | o.empty:
            return None
        if any(r not in o.refill and r[0] not in o.empty for r in refill):
            return None
    if len({c for c, _ in refill}) < len(refill):
        return None  # (one name, other containers on other paths)
    return "rebind", sorted(rebind), sorted(retake), sorted(refill)


def frozen(worlds: list[State]) -> frozenset:
    """The worlds as one hashable value (to see a loop's worlds settle)."""
    return frozenset(frozenset(w.items()) for w in worlds)


def merged(worlds: list[State], live: frozenset[str] | set[str]) -> list[State]:
    """The worlds, those that differ in at most one name of ``live`` joined (nothing is
    lost: the two are every combination of the values of the one name with the rest),
    all joined where more than :data:`MAX_WORLDS` remain."""
    out: list[State] = []
    for world in worlds:
        for i, other in enumerate(out):
            if _differing(world, other, live) <= 1:
                out[i] = join(other, world)
                break
        else:
            out.append(world)
    if len(out) < len(worlds) and len(out) > 1:
        out = _settled(out, live)
    if len(out) > MAX_WORLDS:
        return [joined(out)]
    return out


def joined(worlds: list[State]) -> State:
    """All the worlds as one state (the plain analysis's)."""
    out = worlds[0]
    for world in worlds[1:]:
        out = join(out, world)
    return out


def _settled(worlds: list[State], live: frozenset[str] | set[str]) -> list[State]:
    """Join again the worlds a join made alike (until no two differ in one name)."""
    while True:
        pair = next(((i, j) for i in range(len(worlds)) for j in range(i + 1, len(worlds))
                     if _differing(worlds[i], worlds[j], live) <= 1), None)
        if pair is None:
            return worlds
        i, j = pair
        worlds[i] = join(worlds[i], worlds[j])
        del worlds[j]


def _differing(a: State, b: State, live: frozenset[str] | set[str]) -> int:
    """How many names of ``live`` two worlds give other objects or bindings (the items
    of tuples are not counted: a tuple's name is)."""
    names = set()
    empty: frozenset = frozenset()
    for key in a.keys() | b.keys():
        if a.get(key, empty) != b.get(key, empty) and not key.startswith(ITEM):
            name = key[len(BOUND):] if key.startswith(BOUND) else key
            if name in live:
                names.add(name)
                if len(names) > 1:
                    return 2
    return len(names)
