"""Late pass ``carried``: a value a loop carries goes on the tape once, not twice.

An RNN step reads the state it starts from (``W @ h``: the adjoint of ``W`` needs
it) and the one it ends with (``tanh``'s derivative), so the reverse stage pushes
``h`` at the start of each trip and again at its end; the end of one trip is the
start of the next, so every state is on the tape twice.  Here the first push of a
trip goes (the state before the loop is pushed once, in front of it); in the
reversed loop the state a trip started from is then the top of the tape, popped and
put back (``h = stack.pop(); stack.append(h)``: the next trip back pops it as its
end; a read of ``stack[-1]`` would do, but then a second derivative could not
follow the tape), and the one left over is popped after the loop.  Memory of the
tape halved, as a person keeps one list of states.

Done where the trip's first push is of the carried name alone, at the top of the
body before any other push, its last push is of that name too, after every other,
the body binds the name only between the two, nothing leaves the loop early
(``break``), and the reversed loop runs over the same range.
"""
from __future__ import annotations

import gast

from s2sad.compiler.names import copy_origin, load
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes, nodes, same


def share(body: list) -> list:
    """``body`` with the pushes of carried values shared (in nested blocks too)."""
    for s in body:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                setattr(s, field, share(getattr(s, field)))
    for forward in [s for s in body if isinstance(s, gast.For)]:
        reverse = next((r for r in body if reversed_of(r, forward)), None)
        if reverse is not None:
            _share(body, forward, reverse)
    return body


def _share(block: list, forward: gast.For, reverse: gast.For) -> None:
    first = _first_push(forward.body)
    if first is None or any(isinstance(n, (gast.Break, gast.Continue))
                            for n in nodes(forward.body)):
        return
    at, name = first
    last = _last_push_of(forward.body, name, at)
    slot = getattr(forward.body[at], "s2sad_slot", None)
    tape = forward.body[at].value.func.value.id
    if last is None or slot is None or not _bound_only_between(forward.body, name, at, last) \
            or any(_is_push(n, tape) for s in forward.body[last + 1:] for n in nodes(s)):
        return  # (the trip's last push must be the state: the next trip back reads it)
    pop = next((k for k, s in enumerate(reverse.body) if getattr(s, "s2sad_slot", None) == slot
                and isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name)), None)
    if pop is None:
        return
    push = forward.body.pop(at)
    stack, kept = push.value.func.value.id, reverse.body[pop]
    reverse.body[pop + 1:pop + 1] = [copy_origin(_call(stack, "append", load(
        kept.targets[0].id)), kept)]  # popped and put back: the next trip back pops it
    del kept.s2sad_slot
    block.insert(block.index(forward), copy_origin(_call(stack, "append", load(name)), forward))
    block.insert(block.index(reverse) + 1, copy_origin(_call(stack, "pop"), reverse))


def _first_push(body: list) -> tuple[int, str] | None:
    """(position, name) of the first push of the body, of one name, before any other."""
    for k, s in enumerate(body):
        if _is_push(s):
            arg = s.value.args[0]
            return (k, arg.id) if isinstance(arg, gast.Name) else None
        if any(_is_push(n) for n in statement_nodes(s) if isinstance(n, gast.Expr)):
            return None  # a push inside an if or an inner loop comes first
    return None


def _last_push_of(body: list, name: str, after: int) -> int | None:
    found = [k for k, s in enumerate(body) if k > after and _is_push(s) and
             isinstance(s.value.args[0], gast.Name) and s.value.args[0].id == name]
    return found[-1] if found else None


def _bound_only_between(body: list, name: str, first: int, last: int) -> bool:
    """``name`` is bound by no statement before the first push nor after the last: the
    first push holds what the trip starts with, the last what the next one starts with."""
    return not any(name in _stored(s) for k, s in enumerate(body) if k < first or k > last)


def _stored(s: gast.AST) -> set[str]:
    return {n.id for n in name_nodes(s) if isinstance(n.ctx, gast.Store)}


def _is_push(s: gast.AST, tape: str | None = None) -> bool:
    """``tape.append(v)`` (of any list, when ``tape`` is not given)."""
    return isinstance(s, gast.Expr) and isinstance(s.value, gast.Call) and \
        isinstance(s.value.func, gast.Attribute) and s.value.func.attr == "append" and \
        isinstance(s.value.func.value, gast.Name) and len(s.value.args) == 1 and \
        tape in (None, s.value.func.value.id)


def reversed_of(rev: gast.stmt, forward: gast.For) -> bool:
    """``for t in reversed(R)`` of ``for t in R``."""
    it = getattr(rev, "iter", None)
    return isinstance(rev, gast.For) and rev is not forward and isinstance(it, gast.Call) and \
        isinstance(it.func, gast.Name) and it.func.id == "reversed" and len(it.args) == 1 and \
        same(it.args[0], forward.iter) and \
        same(rev.target, forward.target)


def _call(stack: str, method: str, *args: gast.expr) -> gast.Expr:
    return gast.Expr(value=gast.Call(func=gast.Attribute(value=load(stack), attr=method,
                                                         ctx=gast.Load()),
                                     args=list(args), keywords=[]))
