"""Part of the late pass ``share``: an adjoint that is zeros but for a leading slice,
contracted by a matrix product, contracted over that slice alone.

The adjoint of ``lam[:k]`` (the ten lowest eigenvalues of eighty) is zeros with its
first ``k`` entries written: ``dlam = zeros_like(lam); dlam[:k] = e``.  The adjoint
of ``np.linalg.eigvalsh`` then spreads it over the modes, ``np.conj(V) * dlam[None, :]
@ V.T``: a product over all eighty columns of which seventy are zero.  A person writes
``V[:, :k] * e @ V[:, :k].T``: the same sum without its zero terms (the zeros are
there whatever the values, so its derivatives are the same too).

Done for ``d = add_at(None, x, slice(None, k), e)`` (zeros like a vector ``x``, ``e``
in its first ``k`` entries; ``e`` a vector) bound once and read once, as ``P *
d[None, :] @ Q.T`` (or ``np.expand_dims(d, -2)``, either order of the product's
factors) with ``Q`` a matrix: ``d`` is then ``e`` and the product ``P[..., :k] *
d[None, :] @ Q[:, :k].T`` (``P``'s last axis is ``d``'s, so its leading part is what
meets ``e``).
"""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler import dims
from s2sad.compiler.names import call_named, load
from s2sad.compiler.walks import name_nodes, nodes


def contract_slices(body: list, shapes: Callable[[], dims.Facts]) -> bool:
    """Rewrite ``body`` (every block) in place; whether anything changed."""
    changed = False
    for block in _blocks(body):
        while _rewrite_one(block, body, shapes):
            changed = True
    return changed


def _blocks(body: list) -> list:
    found = [body]
    for s in nodes(body):
        for field in ("body", "orelse"):
            block = getattr(s, field, None)
            if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                found.append(block)
    return found


def _rewrite_one(block: list, body: list, shapes: Callable[[], dims.Facts]) -> bool:
    for s in block:
        found = _leading_write(s)
        if found is None:
            continue
        name, upper, value = found
        loads = [n for n in name_nodes(body) if n.id == name and isinstance(n.ctx, gast.Load)]
        stores = [n for n in name_nodes(body) if n.id == name and
                  not isinstance(n.ctx, gast.Load)]
        product = _product(body, name) if len(loads) == 1 and len(stores) == 1 else None
        if product is None:
            continue
        matmul, scaled, q = product
        facts = shapes()
        if not (_rank(facts, q) == 2 and _rank(facts, s.value.args[1]) == 1 and
                _rank(facts, value) == 1):
            continue
        p = scaled.left if _spread(scaled.right, name) else scaled.right
        setattr(scaled, "left" if p is scaled.left else "right", _leading(p, upper, True))
        matmul.right = gast.Attribute(value=_leading(q, upper, False), attr="T",
                                      ctx=gast.Load())
        s.value = value
        return True
    return False


def _rank(facts: dims.Facts, e: gast.expr) -> int | None:
    shape = facts.of(e)
    return len(shape) if isinstance(shape, tuple) else None


def _leading_write(s: gast.stmt) -> tuple | None:
    """(``d``, ``k``, ``e``) of ``d = add_at(None, x, slice(None, k), e)`` (zeros like
    ``x`` but ``e`` in the first ``k`` entries)."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and call_named(s.value, "add_at") and
            len(s.value.args) == 4 and not s.value.keywords):
        return None
    acc, _, index, value = s.value.args
    if not (isinstance(acc, gast.Constant) and acc.value is None and
            call_named(index, "slice") and len(index.args) == 2 and
            isinstance(index.args[0], gast.Constant) and index.args[0].value is None and
            isinstance(index.args[1], (gast.Name, gast.Constant)) and not index.keywords):
        return None
    if any(n.id == s.targets[0].id for n in name_nodes(value)):
        return None
    return s.targets[0].id, index.args[1], value


def _spread(e: gast.expr, name: str) -> bool:
    """``e`` is ``d[None, :]`` or ``np.expand_dims(d, -2)``."""
    if isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute) and \
            e.func.attr == "expand_dims" and isinstance(e.func.value, gast.Name) and \
            e.func.value.id == "np" and len(e.args) == 2 and not e.keywords:
        d, axis = e.args
        return isinstance(d, gast.Name) and d.id == name and \
            isinstance(axis, gast.UnaryOp) and isinstance(axis.op, gast.USub) and \
            isinstance(axis.operand, gast.Constant) and type(axis.operand.value) is int \
            and axis.operand.value == 2
    return isinstance(e, gast.Subscript) and isinstance(e.value, gast.Name) and \
        e.value.id == name and isinstance(e.slice, gast.Tuple) and len(e.slice.elts) == 2 \
        and isinstance(e.slice.elts[0], gast.Constant) and e.slice.elts[0].value is None \
        and isinstance(e.slice.elts[1], gast.Slice) and e.slice.elts[1].lower is None and \
        e.slice.elts[1].upper is None and e.slice.elts[1].step is None


def _product(body: list, name: str) -> tuple | None:
    """(the ``@``, the ``P * d[None, :]``, ``Q``) of ``P * d[None, :] @ Q.T``."""
    for n in nodes(body):
        if isinstance(n, gast.BinOp) and isinstance(n.op, gast.MatMult) and \
                isinstance(n.left, gast.BinOp) and isinstance(n.left.op, gast.Mult) and \
                (_spread(n.left.right, name) or _spread(n.left.left, name)) and \
                isinstance(n.right, gast.Attribute) and n.right.attr == "T" and \
                not any(isinstance(m, gast.Name) and m.id == name for m in nodes(n.right)):
            other = n.left.left if _spread(n.left.right, name) else n.left.right
            if any(isinstance(m, gast.Name) and m.id == name for m in nodes(other)):
                return None
            return n, n.left, n.right.value
    return None


def _leading(e: gast.expr, upper: gast.expr, last: bool) -> gast.expr:
    """``e[..., :k]`` (``last``) or ``e[:, :k]``; of ``np.conj(x)``, ``np.conj`` of
    ``x``'s part (elementwise: the part conjugated, not the whole)."""
    if isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute) and \
            e.func.attr == "conj" and isinstance(e.func.value, gast.Name) and \
            e.func.value.id == "np" and len(e.args) == 1 and not e.keywords:
        return gast.Call(func=e.func, args=[_leading(e.args[0], upper, last)], keywords=[])
    cut = gast.Slice(lower=None, upper=_copy(upper), step=None)
    head: gast.expr = gast.Constant(value=Ellipsis, kind=None) if last else \
        gast.Slice(lower=None, upper=None, step=None)
    return gast.Subscript(value=e, slice=gast.Tuple(elts=[head, cut], ctx=gast.Load()),
                          ctx=gast.Load())


def _copy(e: gast.expr) -> gast.expr:
    return load(e.id) if isinstance(e, gast.Name) else gast.Constant(value=e.value, kind=None)
