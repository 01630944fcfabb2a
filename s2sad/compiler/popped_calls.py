"""Part of the late pass ``share``: a function the reverse sweep takes of a value popped
from the tape, read from the tape where the forward sweep took it already.

``np.sin(theta)``'s adjoint takes ``np.cos(theta)``; where the loop's forward trip took
``cos = np.cos(theta)`` itself (a rotation, a kinematic chain: the sine and the cosine
of one angle) and pushed it, the reversed trip reads the ``cos`` it pops: no second
libm call (about 7 ns an element for a sine or a cosine), and ``theta`` off the tape
when nothing else reads it.  Two steps, for each block of statements that pushes:

- its pushes merged into its last one, and their pops into the first pop of the
  reversed block (pops come in the reverse order of pushes), so that what one trip
  pushes is popped at once: only where no name a merged push reads is bound or written
  into before the last push, and no name a merged pop binds is read or bound before the
  pop it came from (but for the names the first pop binds to the same value: the same
  name pushed by both pushes, not bound in between);
- then ``np.cos(t)`` after a pop binding ``t`` and ``c`` to the pushed ``theta`` and
  ``cos`` of a block that bound ``cos = np.cos(theta)`` before the push (neither bound
  again before it, nor ``t`` and ``c`` before the call) is ``c``.
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad.compiler import tape
from s2sad.compiler.names import Transformer, copy_origin, load, store
from s2sad.compiler.node_scans import written_names
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import statement_lists
from s2sad.compiler.walks import nodes

_FUNCTIONS = {np.sin, np.cos, np.tan, np.arctan, np.log, np.log1p, np.exp, np.expm1,
              np.tanh, np.sinh, np.cosh, np.sqrt, np.arcsin, np.arccos, np.sign, np.abs}


def reuse_popped(body: list, namespace: dict, numbers: frozenset = frozenset(),
                 namer: Any = None) -> bool:
    """Rewrites ``body`` in place; True if it changed.  ``numbers``: the names holding
    numbers (a trip's pushes of numbers alone are merged anyway: one tuple pushed and
    popped a trip, not three; a name bound again before the last push is pushed by a
    copy ``namer`` names, made where its own push was)."""
    pops, pushes = tape.pairs(body)
    if not pops:
        return False
    blocks = list(statement_lists(body))
    where = {id(s): (b, k) for b in blocks for k, s in enumerate(b)}
    changed = False
    for block in blocks:
        slots = [s.s2sad_slot for s in block if s.__class__ is gast.Expr and
                 getattr(s, "s2sad_slot", None) is not None]
        if not slots or any(len(pushes.get(slot, [])) != 1 or slot not in pops
                            for slot in slots):
            continue
        placed = [where.get(id(pops[slot])) for slot in slots]
        reversed_block = placed[0][0] if placed[0] is not None else None
        if reversed_block is None or any(p is None or p[0] is not reversed_block
                                         for p in placed):
            continue
        scalars = namer is not None and _numbers_only(slots, pushes, numbers)
        if len(slots) > 1 and (scalars or _worth(block, reversed_block, slots, pops,
                                                 pushes, namespace)) and \
                _merged(block, reversed_block, slots, pops, pushes,
                        namer if scalars else None):
            changed = True
            pops, pushes = tape.pairs(body)
            slots = slots[-1:]
        push, pop = pushes[slots[-1]][0], pops[slots[-1]]
        reverse = where[id(pop)][0] if id(pop) in where else None
        if reverse is not None:
            changed |= _reused(block, push, reverse, pop, namespace)
    return changed



def _worth(block: list, reverse: list, slots: list, pops: dict, pushes: dict,
           namespace: dict) -> bool:
    """Whether merging the pushes may let a call be read from the tape: the block binds
    ``c = np.f(theta)``, both pushed, and the reversed block calls ``np.f`` of a name
    popped for ``theta`` (else the pushes stay apart: a push of numbers merged with one
    of arrays would keep the arrays off the rows of ``tape_rows``)."""
    popped: dict[str, set] = {}
    for slot in slots:
        items = tape.items_of(pushes[slot][0].value.args[0])
        for i, t in zip(items, tape.items_of(pops[slot].targets[0])):
            if isinstance(i, gast.Name) and isinstance(t, gast.Name):
                popped.setdefault(i.id, set()).add(t.id)
    wanted = set()
    for s in block:
        call = _call_of_name(s, namespace)
        if call is not None and call[1] in popped and call[2] in popped:
            wanted |= {(call[0], t) for t in popped[call[2]]}
    if not wanted:
        return False
    for n in nodes(reverse):
        if n.__class__ is gast.Call and len(n.args) == 1 and \
                isinstance(n.args[0], gast.Name):
            try:
                if (evaluate_ref(n.func, namespace), n.args[0].id) in wanted:
                    return True
            except TypeError:
                continue
    return False


def _numbers_only(slots: list, pushes: dict, numbers: frozenset) -> bool:
    return all(isinstance(i, gast.Name) and i.id in numbers for slot in slots
               for i in tape.items_of(pushes[slot][0].value.args[0]))


def _merged(block: list, reverse: list, slots: list, pops: dict, pushes: dict,
            namer: Any = None) -> bool:
    """The pushes of ``slots`` (in ``block``, in order) merged into the last, their pops
    (in ``reverse``) into the first one popped; False when that is not proved the same.
    With ``namer``, a pushed name bound again before the last push is copied where it
    was pushed (``S_taped = S``), the copy pushed."""
    qs = [pushes[slot][0] for slot in slots]
    ps = [pops[slot] for slot in slots]
    q_at = [next(k for k, s in enumerate(block) if s is q) for q in qs]
    p_at = [next(k for k, s in enumerate(reverse) if s is p) for p in ps]
    if any(not isinstance(p.targets[0], (gast.Tuple, gast.Name)) for p in ps) or \
            sorted(p_at, reverse=True) != p_at:
        return False
    items = [tape.items_of(q.value.args[0]) for q in qs]
    targets = [tape.items_of(p.targets[0]) for p in ps]
    if any(len(i) != len(t) or not all(isinstance(n, gast.Name) for n in t)
           for i, t in zip(items, targets)):
        return False
    copies: dict[int, list] = {}  # position of a push -> the copies made there
    for j in range(len(qs) - 1):
        read = {n.id for e in items[j] for n in nodes(e) if isinstance(n, gast.Name)}
        changed = set().union(*(read & written_names(s) for s in block[q_at[j] + 1:q_at[-1]]))
        if changed and namer is None:
            return False  # (a value the merged push would push changed)
        for k, e in enumerate(items[j]):
            if isinstance(e, gast.Name) and e.id in changed:
                name = namer.fresh(e.id + "_taped")
                copies.setdefault(q_at[j], []).append(copy_origin(gast.Assign(
                    targets=[store(name)], value=load(e.id), type_comment=None), qs[j]))
                items[j][k] = load(name)
        same = {t.id: i for i, t in zip(items[-1], targets[-1]) if isinstance(i, gast.Name)}
        for i, t in zip(items[j], targets[j]):
            between = reverse[p_at[-1] + 1:p_at[j]]
            alike = isinstance(i, gast.Name) and same.get(t.id) is not None and \
                same[t.id].id == i.id
            if any(t.id in written_names(s) or not alike and t.id in _read(s) for s in between):
                return False
    pairs, seen = [], set()
    for part_items, part_targets in zip(reversed(items), reversed(targets)):
        for e, t in zip(part_items, part_targets):
            key = (e.id, t.id) if isinstance(e, gast.Name) else None
            if key is None or key not in seen:  # (one name pushed twice: once)
                pairs.append((e, t))
                seen.add(key)
    push, pop = qs[-1], ps[-1]
    push.value.args = [gast.Tuple(elts=[e for e, _ in pairs], ctx=gast.Load())]
    pop.targets = [gast.Tuple(elts=[t for _, t in pairs], ctx=gast.Store())]
    gone = {id(s) for s in qs[:-1] + ps[:-1]}
    block[:] = [t for k, s in enumerate(block)
                for t in copies.get(k, []) + ([] if id(s) in gone else [s])]
    reverse[:] = [s for s in reverse if id(s) not in gone]
    return True


def _reused(block: list, push: gast.Expr, reverse: list, pop: gast.Assign,
            namespace: dict) -> bool:
    """``np.f(t)`` after ``pop`` read as the popped ``f(theta)`` of the forward block."""
    items, targets = tape.items_of(push.value.args[0]), tape.items_of(pop.targets[0])
    if len(items) != len(targets):
        return False
    popped = {i.id: t.id for i, t in zip(items, targets)
              if isinstance(i, gast.Name) and isinstance(t, gast.Name)}
    q_at = next(k for k, s in enumerate(block) if s is push)
    taken: dict[tuple, str] = {}  # (function, popped argument) -> the popped value
    for k in range(q_at):
        s = block[k]
        call = _call_of_name(s, namespace)
        if call is None or not {call[1], call[2]} <= set(popped) or any(
                {call[1], call[2]} & written_names(r) for r in block[k + 1:q_at]):
            continue
        taken[(call[0], popped[call[2]])] = popped[call[1]]
    if not taken:
        return False
    p_at = next(k for k, s in enumerate(reverse) if s is pop)
    swap = _Swap(taken, namespace)
    for s in reverse[p_at + 1:]:
        written = written_names(s)
        if hasattr(s, "body"):  # (a loop or branch may bind them before its calls)
            swap.taken = {k: v for k, v in swap.taken.items() if not {k[1], v} & written}
        swap.visit(s)
        swap.taken = {k: v for k, v in swap.taken.items() if not {k[1], v} & written}
    return swap.changed


def _call_of_name(s: gast.stmt, namespace: dict) -> tuple | None:
    """(function, bound name, argument name) of ``c = np.cos(theta)``."""
    if not (s.__class__ is gast.Assign and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and
            len(s.value.args) == 1 and not s.value.keywords and
            isinstance(s.value.args[0], gast.Name)):
        return None
    try:
        fn = evaluate_ref(s.value.func, namespace)
    except TypeError:
        return None
    if fn not in _FUNCTIONS:
        return None
    return fn, s.targets[0].id, s.value.args[0].id


class _Swap(Transformer):
    def __init__(self, taken: dict, namespace: dict) -> None:
        self.taken, self.namespace, self.changed = taken, namespace, False

    def visit_Call(self, node: gast.Call) -> gast.expr:
        self.generic_visit(node)
        if len(node.args) == 1 and not node.keywords and isinstance(node.args[0], gast.Name):
            try:
                fn = evaluate_ref(node.func, self.namespace)
            except TypeError:
                return node
            name = self.taken.get((fn, node.args[0].id)) if fn in _FUNCTIONS else None
            if name is not None:
                self.changed = True
                return load(name)
        return node


def _read(s: gast.stmt) -> set[str]:
    return {n.id for n in nodes(s) if isinstance(n, gast.Name) and
            isinstance(n.ctx, gast.Load)}


