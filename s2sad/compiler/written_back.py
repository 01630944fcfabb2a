"""Part of the late pass ``shapes``: an adjoint taken apart at an index and put back
together unchanged.

``new = u.copy(); new[idx] = u[idx] + e`` (a stencil's interior update) has the reverse

    da = dnew[idx]                      # the written part's adjoint
    drest = zero_at(dnew, idx)          # the rest's, through the copy
    du = add_at(None, u, idx, da)       # u[idx]'s share, into zeros like u
    du = du + drest                     # the copy's share

which is ``dnew`` again, element for element (``0 + dnew[idx]`` inside ``idx``,
``dnew + 0`` outside).  Where ``u`` and ``dnew`` have one shape, nothing else reads
``drest``, and nothing writes ``dnew`` or reads ``du`` in between, the two ``du``
statements go and ``du`` is ``dnew``: no array of zeros, no whole-array sum, no copy of
the written part.  Other parts added into ``du`` in between (``u[2:]``'s share of a
stencil) are added into ``dnew`` instead (the same sum, in another order).
"""
from __future__ import annotations

import gast

from s2sad.compiler import dims
from s2sad.compiler.names import load
from s2sad.compiler.statement_walks import block_statements
from s2sad.compiler.walks import name_ids, same


def put_back(body: list, facts: dims.Facts, loads: dict[str, int]) -> bool:
    """Rewrite each such pair in ``body``; whether one was.  ``loads``: how often each
    name is read in ``body``."""
    changed = False
    blocks = {id(block): block for _, block, _ in block_statements(body)}
    for block in blocks.values():
        i = 0
        while i < len(block):
            if _rewrite_at(block, i, facts, loads):
                changed = True
            i += 1
    return changed


def _call(e: gast.expr, name: str, n: int) -> gast.Call | None:
    ok = isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and e.func.id == name \
        and len(e.args) == n and not e.keywords
    return e if ok else None  # type: ignore[return-value]


def _assign(s: gast.stmt) -> tuple[str, gast.expr] | None:
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name):
        return s.targets[0].id, s.value
    return None


def _rewrite_at(block: list, i: int, facts: dims.Facts, loads: dict[str, int]) -> bool:
    """``block[i]`` is ``du = add_at(None, u, i1, e1)``, then ``du = add_at(du, None, ik,
    ek)`` for more parts, then ``du = du + drest``: where one part is ``da = g[idx]`` at
    ``idx`` and ``drest = zero_at(g, idx)``, ``du`` starts from ``g`` and the two go."""
    bound = _assign(block[i])
    spread = _call(bound[1], "add_at", 4) if bound else None
    if spread is None or not (isinstance(spread.args[0], gast.Constant) and
                              spread.args[0].value is None):
        return False
    du, like = bound[0], spread.args[1]  # type: ignore[index]
    chain = _chain(block, i, du)
    if chain is None:
        return False
    parts, k = chain
    other = block[k].value.right if _is_name(block[k].value.left, du) else block[k].value.left
    rest = _defined_before(block, k, other.id) if isinstance(other, gast.Name) else None
    zeroed = _call(rest[1], "zero_at", 2) if rest else None
    if zeroed is None or not isinstance(zeroed.args[0], gast.Name) or \
            loads.get(other.id, 0) != 1:
        return False
    g, idx = zeroed.args[0].id, zeroed.args[1]
    match = next((j for j in parts if _takes(block, j, g, idx)), None)
    if match is None or not dims.known(facts.of(load(g))) or \
            not dims.same(facts.of(like), facts.of(load(g))):
        return False
    taken = _defined_before(block, match, block[match].value.args[3].id)
    first = min(taken[0], rest[0])  # type: ignore[index]
    chained = {id(block[j]) for j in parts} if g == du else set()
    if g == du and max(taken[0], rest[0]) > i or any(  # type: ignore[index]
            g in _stores(s) for s in block[first + 1:k] if id(s) not in chained):
        return False  # (g written in between, or read after du rebound it: not its value)
    if match == i:
        block[i].value = load(g)
    else:
        spread.args[0], spread.args[1] = load(g), gast.Constant(value=None, kind=None)
    del block[k]
    if match != i:
        del block[match]
    return True


def _chain(block: list, i: int, du: str) -> tuple[list[int], int] | None:
    """The statements adding parts into ``du`` from ``i`` on (``du = add_at(du, None, ..)``)
    and the one adding the rest, ``du = du + e``; nothing else reads or writes ``du``."""
    parts = [i]
    for k in range(i + 1, len(block)):
        s = block[k]
        bound = _assign(s)
        value = bound[1] if bound and bound[0] == du else None
        more = _call(value, "add_at", 4) if value is not None else None
        if more is not None and _is_name(more.args[0], du) and \
                isinstance(more.args[1], gast.Constant) and more.args[1].value is None:
            parts.append(k)
            continue
        if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add) and \
                _is_name(value.left, du) != _is_name(value.right, du):
            return parts, k
        if du in name_ids(s, gast.Load) or du in _stores(s) or \
                isinstance(s, (gast.If, gast.For, gast.While)):
            return None
    return None


def _takes(block: list, j: int, g: str, idx: gast.expr) -> bool:
    """``block[j]`` adds ``da`` at ``idx``, and ``da = g[idx]``."""
    spread = block[j].value
    if not same(spread.args[2], idx) or not isinstance(spread.args[3], gast.Name):
        return False
    taken = _defined_before(block, j, spread.args[3].id)
    return taken is not None and isinstance(taken[1], gast.Subscript) and \
        _is_name(taken[1].value, g) and same(taken[1].slice, idx)


def _is_name(e: gast.expr, name: str) -> bool:
    return isinstance(e, gast.Name) and e.id == name


def _stores(s: gast.stmt) -> list[str]:
    return name_ids(s, gast.Store)


def _defined_before(block: list, i: int, name: str) -> tuple[int, gast.expr] | None:
    """The statement of ``block`` before ``i`` that last binds ``name`` (an assignment)."""
    for j in range(i - 1, -1, -1):
        if name in _stores(block[j]):
            bound = _assign(block[j])
            return (j, bound[1]) if bound and bound[0] == name else None
    return None
