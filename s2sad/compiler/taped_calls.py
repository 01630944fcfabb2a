"""Late pass (in ``recompute``): a ufunc's number that a reversed loop computes again goes
on the tape the forward loop pushes anyway.

The reverse stage takes a number made by one ufunc of numbers (``e = np.exp(mul)``) again
in the reverse sweep rather than recording it: where nothing else is recorded the
forward loop then goes (a loop whose value ``grad`` does not return).  Where the forward
loop stays (it pushes other values each trip: a recursion's state), computing the ufunc
twice costs a call (~1 us on a NumPy scalar) per trip for a slot of a tuple (~30 ns), and
the arithmetic and the element reads it was computed from are taken again too.  A person
writing the gradient keeps the value.  Done where the forward loop binds the name once,
at the top of its body before its push of a tuple of names, to the same expression, the
name holds a number (an array is kept off the tape), and the reversed loop binds it once,
after its pop, reading it nowhere before.  The value pushed is the trip's own, so the
gradient is the same to the bit; statements left unread are dropped by ``simplify``.
"""
from __future__ import annotations

import gast
import numpy as np

from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.recompute import reversed_of
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes, same, walk


def tape_calls(body: list, numbers: set[str], namespace: dict) -> list:
    """``body`` with the ufunc numbers its reversed loops compute again taken from the
    tape instead (changed in place)."""
    loops = [s for s in statement_nodes(body) if isinstance(s, gast.For)]
    pushes = {getattr(n, "s2sad_slot", None): (loop, n) for loop in loops for n in loop.body
              if isinstance(n, gast.Expr) and getattr(n, "s2sad_slot", None) is not None}
    pushes.pop(None, None)
    for rev in loops:
        for pop in [s for s in rev.body if getattr(s, "s2sad_slot", None) in pushes]:
            forward, push = pushes[pop.s2sad_slot]
            if reversed_of(rev, forward) and _tuples(pop, push):
                _take_from_tape(rev, pop, forward, push, numbers, namespace)
    return body


def _tuples(pop: gast.stmt, push: gast.Expr) -> bool:
    """``a, b = stack.pop()`` of ``stack.append((a, b))``: tuples of names."""
    args = getattr(push.value, "args", [])
    return isinstance(pop, gast.Assign) and isinstance(pop.targets[0], gast.Tuple) and \
        len(args) == 1 and isinstance(args[0], gast.Tuple) and \
        all(isinstance(n, gast.Name) for n in args[0].elts + pop.targets[0].elts)


def _take_from_tape(rev: gast.For, pop: gast.Assign, forward: gast.For, push: gast.Expr,
                    numbers: set[str], namespace: dict) -> None:
    """Push the numbers the reversed loop's adjoint statements read that it computes
    again by a ufunc or an element read (directly or through the numbers they are made
    of), and take them from the pop."""
    again = _computed_again(rev, pop, forward, push, numbers)
    statements = {id(s) for s in again.values()}
    read = {n.id for s in rev.body if id(s) not in statements
            for n in name_nodes(s) if isinstance(n.ctx, gast.Load)}
    costly: dict[str, bool] = {}
    for name in [n for n in again if n in read]:
        if _costly(name, again, namespace, costly):
            push.value.args[0].elts.append(gast.Name(id=name, ctx=gast.Load(),
                                                     annotation=None, type_comment=None))
            pop.targets[0].elts.append(gast.Name(id=name, ctx=gast.Store(), annotation=None,
                                                 type_comment=None))
            rev.body.remove(again[name])


def _computed_again(rev: gast.For, pop: gast.Assign, forward: gast.For, push: gast.Expr,
                    numbers: set[str]) -> dict[str, gast.Assign]:
    """name -> its statement, of the numbers the reversed loop binds after its pop as
    the forward loop bound them before its push (each bound once in both loops, read
    nowhere in the reversed loop before)."""
    at, pushed_at = rev.body.index(pop), forward.body.index(push)
    fwd_stores, rev_stores = _store_counts(forward.body), _store_counts(rev.body)
    twins = {f.targets[0].id: f for f in forward.body[:pushed_at] if isinstance(
        f, gast.Assign) and len(f.targets) == 1 and isinstance(f.targets[0], gast.Name)}
    out: dict[str, gast.Assign] = {}
    for s in rev.body[at + 1:]:
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name)):
            continue
        name = s.targets[0].id
        twin = twins.get(name)
        if name in numbers and twin is not None and fwd_stores.get(name) == 1 and \
                rev_stores.get(name) == 1 and same(twin.value, s.value) and \
                not _read_before(rev.body[at + 1:], s, name):
            out[name] = s
    return out


def _costly(name: str, again: dict[str, gast.Assign], namespace: dict,
            memo: dict[str, bool]) -> bool:
    """Is ``name`` made by a ufunc call or an element read, or of a number so made?"""
    if name not in memo:
        memo[name] = False  # (a chain is acyclic; this only stops a repeat)
        memo[name] = any(
            isinstance(n, gast.Subscript) or isinstance(n, gast.Call) and isinstance(
                evaluate_ref(n.func, namespace), np.ufunc) or
            isinstance(n, gast.Name) and n.id in again and n.id != name and
            _costly(n.id, again, namespace, memo) for n in walk(again[name].value))
    return memo[name]


def _read_before(block: list, s: gast.stmt, name: str) -> bool:
    """Does a statement of ``block`` before ``s`` read ``name``?"""
    for t in block[:block.index(s)]:
        if any(n.id == name for n in name_nodes(t)):
            return True
    return False


def _store_counts(block: list) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in block:
        for n in name_nodes(s):
            if isinstance(n.ctx, gast.Store):
                counts[n.id] = counts.get(n.id, 0) + 1
    return counts
