"""Part of the late pass ``batch``: a reversed loop of sliding-window dot products, the
adjoint of a convolution written as a loop over its taps
(``out = out + w[j] * x[j:j + n]``), done by one ``np.correlate`` after nothing::

    for j in reversed(range(k)):                  if k > 0:
        dw = add_at(dw, None, j, d @ x[j:j + n])      dw = add_at(dw, None, slice(None, k),
                                                          np.correlate(x[:k + n - 1], d,
                                                                       "valid"))

``np.correlate(a, v, "valid")[j]`` is ``sum_t a[j + t] * v[t]``: the same sums, in C, in
one call instead of ``k`` (another order of summation: rounding may differ).  Only where
the shapes prove every window has ``d``'s length (:mod:`windows`), ``d``, ``x``, ``k``
and ``n`` do not change in the loop, ``x`` and ``d`` are float64 (:mod:`dtypes`:
``np.correlate`` conjugates its second argument), and nothing else is in the loop.
``k > 0`` is tested: with an empty range NumPy would swap the arguments of a longer
second one.
"""
from __future__ import annotations

from collections.abc import Mapping

import gast

from s2sad.compiler import dims, dtypes
from s2sad.compiler.liveness import live_after
from s2sad.compiler.names import copy_origin, load, store
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.walks import nodes


def candidates(body: list) -> bool:
    """Whether ``body`` has an ``add_at`` (an adjoint added into at an index) at all."""
    return any(m.func.__class__ is gast.Name and m.func.id == "add_at"
               for m in nodes_of(body, (gast.Call,)))


def correlated(body: list, facts: dims.Facts, kinds: Mapping[str, str]) -> bool:
    """Each such loop of ``body`` (and of its blocks) rewritten; whether one was
    (``kinds``: :mod:`dtypes`; ``x`` and ``d`` must be float64: no complex conjugate)."""
    after: dict[int, frozenset] = {}
    live_after(body, after)
    return _blocks(body, facts, after, kinds)


def _blocks(body: list, facts: dims.Facts, after: dict, kinds: Mapping[str, str]) -> bool:
    changed = False
    for at, s in enumerate(body):
        if isinstance(s, (gast.If, gast.For, gast.While)):
            for field in ("body", "orelse"):
                changed |= _blocks(getattr(s, field), facts, after, kinds)
        if isinstance(s, gast.For):
            new = _rewrite(s, after.get(id(s), frozenset()), facts, kinds)
            if new is not None:
                body[at] = copy_origin(new, s)
                changed = True
    return changed


def _rewrite(loop: gast.For, live: frozenset, facts: dims.Facts, kinds: Mapping[str, str]
             ) -> gast.stmt | None:
    stop = _range_stop(loop.iter)
    if stop is None or loop.orelse or not loop.body or not isinstance(loop.target, gast.Name):
        return None  # (an emptied body: the loop goes in a later pass)
    j = loop.target.id
    *temps, update = loop.body
    found = _update(update, j)
    if found is None:
        return None
    acc, d, window = found
    values = {t.targets[0].id: t.value for t in temps if _simple_assign(t)}
    if len(values) != len(temps):
        return None
    if isinstance(window, gast.Name) and window.id in values:
        window = values[window.id]
    x, n = _window(window, j, values)
    if x is None or n is None:
        return None
    written = {m.id for m in nodes(loop.body) if isinstance(m, gast.Name) and
               isinstance(m.ctx, gast.Store)}
    if kinds.get(x.id) != dtypes.F64 or kinds.get(d.id) != dtypes.F64:
        return None
    if written & {x.id, d.id} or (written - {acc}) & live or \
            _names(n) & written or _names(stop) & written or acc in _reads(temps):
        return None
    sd, sx, sacc = facts.of(d), facts.of(x), facts.of(load(acc))
    sw = facts.of(load(found[2].id)) if isinstance(found[2], gast.Name) else None
    if not (isinstance(sd, tuple) and len(sd) == 1 and isinstance(sx, tuple) and len(sx) == 1 and
            isinstance(sacc, tuple) and len(sacc) == 1 and dims.same(sw, sd)):
        return None
    return _correlation(acc, d, x, n, stop)


def _update(s: gast.stmt, j: str) -> tuple | None:
    """(acc, d, window) of ``acc = add_at(acc, None, j, d @ window)`` (or ``window @ d``)."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and
            isinstance(s.value.func, gast.Name) and s.value.func.id == "add_at" and
            len(s.value.args) == 4 and not s.value.keywords):
        return None
    acc, none, at, term = s.value.args
    if not (isinstance(acc, gast.Name) and acc.id == s.targets[0].id and
            isinstance(none, gast.Constant) and none.value is None and
            isinstance(at, gast.Name) and at.id == j and isinstance(term, gast.BinOp) and
            isinstance(term.op, gast.MatMult)):
        return None
    for d, window in ((term.left, term.right), (term.right, term.left)):
        if isinstance(d, gast.Name) and isinstance(window, (gast.Name, gast.Subscript)):
            return acc.id, d, window
    return None


def _window(e: gast.expr, j: str, values: dict) -> tuple:
    """(x, n) of ``x[j:j + n]`` (``j + n`` possibly bound to a name in the loop)."""
    if not (isinstance(e, gast.Subscript) and isinstance(e.value, gast.Name) and
            isinstance(e.slice, gast.Slice) and e.slice.step is None and
            isinstance(e.slice.lower, gast.Name) and e.slice.lower.id == j):
        return None, None
    upper = e.slice.upper
    if isinstance(upper, gast.Name) and upper.id in values:
        upper = values[upper.id]
    if isinstance(upper, gast.BinOp) and isinstance(upper.op, gast.Add):
        for a, b in ((upper.left, upper.right), (upper.right, upper.left)):
            if isinstance(a, gast.Name) and a.id == j and j not in _names(b):
                return e.value, b
    return None, None


def _correlation(acc: str, d: gast.Name, x: gast.Name, n: gast.expr, stop: gast.expr
                 ) -> gast.stmt:
    np_ = load("np")
    head = gast.Subscript(value=load(x.id), slice=gast.Slice(
        lower=None, upper=gast.BinOp(left=gast.BinOp(left=stop, op=gast.Add(), right=n),
                                     op=gast.Sub(), right=gast.Constant(value=1, kind=None)),
        step=None), ctx=gast.Load())
    product = gast.Call(func=gast.Attribute(value=np_, attr="correlate", ctx=gast.Load()),
                        args=[head, load(d.id), gast.Constant(value="valid", kind=None)],
                        keywords=[])
    part = gast.Call(func=load("slice"), args=[gast.Constant(value=None, kind=None), stop],
                     keywords=[])
    update = gast.Assign(targets=[store(acc)], value=gast.Call(
        func=load("add_at"), args=[load(acc), gast.Constant(value=None, kind=None), part,
                                   product], keywords=[]), type_comment=None)
    test = gast.Compare(left=stop, ops=[gast.Gt()], comparators=[
        gast.Constant(value=0, kind=None)])
    return gast.If(test=test, body=[update], orelse=[])


def _range_stop(it: gast.expr) -> gast.expr | None:
    """``k`` of ``range(k)`` or ``reversed(range(k))`` (a name or literal)."""
    if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
            it.func.id == "reversed" and len(it.args) == 1:
        it = it.args[0]
    if isinstance(it, gast.Call) and isinstance(it.func, gast.Name) and \
            it.func.id == "range" and len(it.args) == 1 and not it.keywords and \
            isinstance(it.args[0], (gast.Name, gast.Constant)):
        return it.args[0]
    return None


def _simple_assign(s: gast.stmt) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name)


def _names(e: gast.AST) -> set[str]:
    return {m.id for m in nodes(e) if isinstance(m, gast.Name)}


def _reads(stmts: list) -> set[str]:
    return {m.id for s in stmts for m in nodes(s.value) if isinstance(m, gast.Name)}
