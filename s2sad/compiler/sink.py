"""Late pass ``sink``: a value made from the parameters and numbers alone is made where it
is first read, not at its line in the forward sweep.

The reverse sweep of ``gammaln(y + r) + ...`` reads ``y + r`` only in its last
statement (``polygamma(0, add)``); made at its line, the array lives through the whole
sweep beside every temporary of it, and the memory the gradient asks for grows by one
array (new pages, each a fault to serve, on every call).  Its operands are alive all
along anyway (parameters, which generated code never writes into, and numbers), so made
right before its first reader it is the same value, and it is alive for one statement.

An adjoint scattered into fresh zeros (``d = zeros_like(v)``, then ``d[i] = e``; or
``d = add_at(None, v, i, e)``) is moved down the same way, to right before the first
statement reading ``d``.

Done for a top-level assignment ``t = e`` of the function's body, ``t`` bound by no
other statement, where ``e`` is arithmetic and calls of NumPy's ufuncs (no other call:
one could have an effect, or read what changed) over constants, the parameters and
names holding numbers that no statement binds again or writes into; moved down to
right before the first statement of the body that reads ``t`` (a loop or branch reading
it inside counts as one statement), where that passes more than ``NEAR`` statements
(nearer, it would be alive for a few statements less: not worth a line out of place).
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad.compiler.names import written_names
from s2sad.compiler.node_scans import written_names as node_written
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes, nodes

NEAR = 3
_PLAIN = (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Name, gast.Constant,
          gast.operator, gast.unaryop, gast.cmpop, gast.expr_context)


def sink(body: list, params: set[str], numbers: set[str], namespace: dict[str, Any]
         ) -> list:
    """``body`` with such values moved down (a new list; the statements themselves kept)."""
    binds: dict[str, int] = {}
    for s in statement_nodes(body):
        if isinstance(s, gast.stmt):
            for name in written_names(s) | _stored(s):
                binds[name] = binds.get(name, 0) + 1
    steady = {n for n in params | numbers if n in params and n not in binds or
              n in numbers and binds.get(n, 0) <= 1}
    out = list(body)
    for s in list(body):
        if _movable(s, steady, binds, namespace):
            _move(out, s)
    for s in reversed(list(out)):  # (the last first: two never swap back and forth)
        _move_scatter(out, s, namespace)
    return out


def _move_scatter(block: list, s: gast.stmt, namespace: dict[str, Any]) -> None:
    """``d = zeros_like(v)`` and the write after it, ``d[i] = e`` (an adjoint scattered
    into fresh zeros), moved down to right before the first statement reading ``d``
    past statements that neither bind nor write into what the two read, nor call
    anything with it (which could write into it): the array of ``d`` is then not
    alive, a page of memory each, beside what those statements make."""
    at = next((i for i, x in enumerate(block) if x is s), None)
    if at is None or at + 1 >= len(block) or not (_zeros(s) or _scattered(s)):
        return
    name, write = s.targets[0].id, block[at + 1]
    group = [s] if _scattered(s) else [s, write]
    if len(group) == 2 and not (
            isinstance(write, gast.Assign) and len(write.targets) == 1 and
            isinstance(write.targets[0], gast.Subscript) and
            isinstance(write.targets[0].value, gast.Name) and
            write.targets[0].value.id == name):
        return
    reads = {n.id for n in name_nodes(group) if isinstance(n.ctx, gast.Load)}
    j = at + len(group)
    while j < len(block) and not any(n.id == name for n in name_nodes(block[j])) and \
            not (node_written(block[j]) & reads) and \
            not _calls_with(block[j], reads, namespace):
        j += 1
    if j == at + len(group) or j == len(block):
        return
    block[j:j] = group
    del block[at:at + len(group)]


def _scattered(s: gast.stmt) -> bool:
    """``d = add_at(None, v, i, e)``: zeros like ``v``, ``e`` added at ``i``."""
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and _fresh_scatter(s.value)


def _fresh_scatter(e: gast.expr) -> bool:
    """``add_at(None, v, i, e)``: a new array (it writes into none of its arguments)."""
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == "add_at" and len(e.args) == 4 and \
        isinstance(e.args[0], gast.Constant) and e.args[0].value is None and not e.keywords


def _zeros(s: gast.stmt) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and _zeros_call(s.value)


def _zeros_call(e: gast.expr) -> bool:
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == "zeros_like" and len(e.args) == 1 and not e.keywords


def _calls_with(s: gast.stmt, names: set[str], namespace: dict[str, Any]) -> bool:
    """A call in ``s`` given one of ``names`` (as an argument, a keyword, or its object),
    but for the calls that write into nothing: ufuncs without ``out=`` and zeros like a
    value."""
    for n in nodes(s):
        if isinstance(n, gast.Call) and not (_plain(n, namespace) or _zeros_call(n) or
                                             _fresh_scatter(n)):
            parts = [*n.args, *(k.value for k in n.keywords), n.func]
            if any(m.id in names for p in parts for m in name_nodes(p)):
                return True
    return False


def _stored(s: gast.stmt) -> set[str]:
    return {n.id for n in name_nodes(s) if not isinstance(n.ctx, gast.Load)}


def _movable(s: gast.stmt, steady: set[str], binds: dict[str, int],
             namespace: dict[str, Any]) -> bool:
    """``s`` is ``t = e`` of ``t`` bound once, ``e`` plain over ``steady`` names."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and binds.get(s.targets[0].id) == 1):
        return False
    reads = {n.id for n in name_nodes(s.value)}
    if s.targets[0].id in reads or not all(_plain(n, namespace) for n in nodes(s.value)):
        return False
    called = {n.func.value.id for n in nodes(s.value) if isinstance(n, gast.Call) and
              isinstance(n.func, gast.Attribute) and isinstance(n.func.value, gast.Name)}
    return reads - called <= steady


def _plain(n: gast.AST, namespace: dict[str, Any]) -> bool:
    """A node of arithmetic, or of a call of a NumPy ufunc (``np.log(x)``)."""
    if isinstance(n, _PLAIN):
        return True
    if isinstance(n, gast.Call):
        try:
            fn = evaluate_ref(n.func, namespace)
        except Exception:  # (a name the namespace does not hold)
            return False
        return isinstance(fn, np.ufunc) and not n.keywords
    return isinstance(n, gast.Attribute) and isinstance(n.ctx, gast.Load)  # (np.log)


def _move(block: list, s: gast.Assign) -> None:
    """``s`` moved to right before the first later statement of ``block`` reading its
    target (left where it is when that is ``NEAR`` statements on or fewer, or none reads
    it)."""
    at = next(i for i, x in enumerate(block) if x is s)
    name = s.targets[0].id
    first = next((j for j in range(at + 1, len(block))
                  if any(n.id == name for n in name_nodes(block[j]))), None)
    if first is None or first - at - 1 <= NEAR:
        return
    del block[at]
    block.insert(first - 1, s)
