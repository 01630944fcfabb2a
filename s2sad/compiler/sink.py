"""Late pass ``sink``: a value made from the parameters and numbers alone is made where it
is first read, not at its line in the forward sweep.

The reverse sweep of ``gammaln(y + r) + ...`` reads ``y + r`` only in its last
statement (``polygamma(0, add)``); made at its line, the array lives through the whole
sweep beside every temporary of it, and the memory the gradient asks for grows by one
array (new pages, each a fault to serve, on every call).  Its operands are alive all
along anyway (parameters, which generated code never writes into, and numbers), so made
right before its first reader it is the same value, and it is alive for one statement.

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
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import name_nodes, nodes, statement_nodes

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
    return out


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
