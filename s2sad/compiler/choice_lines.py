"""Part of the late pass ``accumulate``: the choices of one ``np.where`` condition that
the adjoints of two user lines make, met in one statement.

The adjoint of one line is one statement group, so :mod:`choices` only merges the
choices one line makes.  A derivative from another line reaches them through a name
read once:

* ``dlogs = -np.where(inside, 1.0, 0.0)``, then ``ds = np.where(inside, dlogs / w,
  0.0)`` (a log guarded by ``np.where``): where ``ds`` takes ``dlogs / w``, ``inside``
  holds, so ``dlogs`` is ``-1.0`` there: ``ds = np.where(inside, -1.0 / w, 0.0)``;
* ``dsub = np.where(c, 0.0, g) * delta``, ``dr = np.where(c, g, 0.0) * r``, then
  ``dr = dr + dsub * np.sign(r)`` (a Huber loss): one choice,
  ``dr = np.where(c, g * r, g * delta * np.sign(r))``.

A name's value moves to its reader only when read once, stored once, pure, and nothing
between the two statements (plain statements of one block) writes what it reads.  A
choice inside a choice of the same condition is resolved only through elementwise
arithmetic, where each element of the inner choice is the element the outer one takes
(broadcasting aligns both alike); a sum or a product of matrices in between would mix
elements and is left alone.
"""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler import choices, dtypes
from s2sad.compiler.accumulate import _term as accumulation
from s2sad.compiler.algebra_terms import product_factors
from s2sad.compiler.copies import counts
from s2sad.compiler.names import assign, copy_origin, written_names
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.walks import name_ids, nodes, substituted

_SIMPLE = (gast.Assign, gast.AugAssign, gast.Expr)
_ELEMENTWISE = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow)


class _Names:
    """The names set once and read once; which hold float64 values (worked out when
    first asked: only a value that is not a derivative needs it)."""

    def __init__(self, single: set[str], once: set[str], derivatives: frozenset,
                 kinds: Callable[[], dict[str, str]], namespace: dict) -> None:
        self.single, self.once, self.derivatives = single, once, derivatives
        self._kinds, self.namespace = kinds, namespace
        self.known: dict[str, str] | None = None

    def float64(self, e: gast.expr) -> bool:
        if self.known is None:
            self.known = self._kinds()
        return dtypes.of(e, self.known, self.namespace) == dtypes.F64


def meet(body: list, derivatives: frozenset, kinds: Callable[[], dict[str, str]],
         namespace: dict) -> list:
    """``body`` with the choices of derivatives met across lines (in place); ``kinds``:
    the names' dtypes (:func:`dtypes.dtypes`)."""
    if not derivatives or not any(_where(n) for n in nodes_of(body, (gast.Call,))):
        return body
    stores, loads = counts(body)
    single = {t for t, n in stores.items() if n == 1}
    _block(body, _Names(single, {t for t in single if loads[t] == 1}, derivatives, kinds,
                        namespace))
    return body


def _block(block: list, names: _Names) -> None:
    for s in block:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                _block(getattr(s, field), names)
    i = 0
    while i < len(block):
        s = block[i]
        if isinstance(s, (gast.Assign, gast.AugAssign)):
            gone = _resolved(block, i, names)
            if gone is None:
                gone = _summed(block, i, names.once & names.derivatives)
            if gone is not None:
                for k in sorted(gone, reverse=True):
                    del block[k]
                i -= len(gone)
                continue  # (the same statement again: it may meet another)
        i += 1


def _resolved(block: list, i: int, names: _Names) -> list[int] | None:
    """Resolve a choice of ``block[i]`` by the choices of its condition that the values
    it reads make: the index of the definition moved into it (read there only), or
    none when the chosen side, a name or a number, is read in place of the name (None
    if nothing changed).  A value other than a derivative (which is float64) is
    resolved only to a float64 side: the choice's dtype (``np.where(c, s, 1.0) ** -1``
    of an integer ``s`` is not ``s ** -1``), and not where it divides (the guard keeps
    ``1 / 0`` and its warning out of the discarded elements)."""
    for choice in (n for n in nodes(block[i].value) if _where(n)):
        cond = choice.args[0]
        if not isinstance(cond, gast.Name):
            continue
        for side in (1, 2):
            for t, divides in _elementwise_names(choice.args[side]):
                if divides and t.id not in names.derivatives:
                    continue
                gone = _chosen(block, i, names, t, cond.id, side, choice)
                if gone is not None:
                    return gone
    return None


def _chosen(block: list, i: int, names: _Names, t: gast.Name, cond: str, side: int,
            choice: gast.Call) -> list[int] | None:
    if t.id not in names.single:
        return None
    j = _definition(block, i, t.id)
    if j is None or cond in _written(block, j, i):
        return None
    value, chosen = _resolve(block[j].value, cond, side, _plain(block, j, names))
    if not chosen or t.id not in names.derivatives and not all(
            names.float64(c) for c in chosen):
        return None
    if t.id not in names.once:  # (read elsewhere too: only a side as plain as a name)
        if value is not chosen[0] or not isinstance(value, (gast.Name, gast.Constant)):
            return None
        value = gast.Name(id=value.id, ctx=gast.Load(), annotation=None,
                          type_comment=None) if isinstance(value, gast.Name) else \
            gast.Constant(value=value.value, kind=None)
    branch = substituted(choice.args[side], t, value)
    if _numbers_divided(branch):
        return None
    choice.args[side] = branch
    return [j] if t.id in names.once else []


def _numbers_divided(e: gast.expr) -> bool:
    """A division or a power of Python numbers only (``1.0 / 0.0`` raises, where NumPy's
    choice, discarded, was inf)."""
    return any(isinstance(n, gast.BinOp) and isinstance(n.op, (gast.Div, gast.Pow)) and
               not any(isinstance(m, gast.Name) for m in nodes(n)) for n in nodes(e))


def _summed(block: list, i: int, once: set[str]) -> list[int] | None:
    """``v = v + t * q`` (or ``v += t * q``, the ``ownership`` pass's in place) with
    ``v`` and ``t`` set earlier to choices of one condition, on opposite sides, as one
    choice (the indices of the two definitions); also ``v = v
    + np.where(c, y, 0.0) * q`` with the choice written in the term itself (the max and
    the min of one masked matrix, ``np.where(same, D, -inf)`` and ``np.where(same, inf,
    D)``, each send their adjoint to ``D`` through their own choice): the index of
    ``v``'s definition."""
    found = accumulation(block[i])
    if found is None or not isinstance(found[0], gast.Name):
        return None
    target, op, term = found
    k = _last_store(block, i, target.id)
    if k is None or not _binds(block[k], target.id) or \
            target.id in name_ids(block[k].value, gast.Load) or \
            choices._term(block[k].value) is None or \
            target.id in _read(block, k, i) or _reads(block[k]) & _written(block, k, i):
        return None
    if choices._term(term) is not None:
        return _met(block, i, k, (target.id, op), term, [k])
    names = [f for f in product_factors(term)[0]
             if isinstance(f, gast.Name) and f.id in once]
    if len(names) != 1:
        return None
    j = _definition(block, i, names[0].id)
    if j is None or j == k or choices._term(block[j].value) is None:
        return None
    return _met(block, i, k, (target.id, op), substituted(term, names[0], block[j].value),
                [k, j])


def _met(block: list, i: int, k: int, added: tuple[str, gast.operator], term: gast.expr,
         gone: list[int]) -> list[int] | None:
    """``block[i]`` as ``v = `` the one choice of ``block[k]``'s value and ``term``
    (``added``: v and the operator; ``gone``: the definitions it takes in), or None when
    they are not the two sides of one choice."""
    target, op = added
    merged = choices.merged(gast.BinOp(left=block[k].value, op=op, right=term))
    if merged is None:
        return None
    block[i] = copy_origin(assign(target, merged, block[i]), block[i])  # (v = choice)
    return gone


def _binds(s: gast.stmt, name: str) -> bool:
    """``name = value`` itself: not a write into part of it (``name[::-1] = value``
    sets the elements in another order, over the zeros or values it held)."""
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and s.targets[0].id == name


def _definition(block: list, i: int, name: str) -> int | None:
    """The index of the plain ``name = <pure value>`` before ``i`` whose value can move
    to ``block[i]``: nothing between writes what it reads, nor is compound."""
    for j in range(i - 1, -1, -1):
        s = block[j]
        if not isinstance(s, _SIMPLE):
            return None
        if _binds(s, name):
            pure = all(isinstance(n.func, gast.Attribute) and isinstance(
                n.func.value, gast.Name) and n.func.value.id == "np"
                for n in nodes(s.value) if isinstance(n, gast.Call))  # (NumPy's only)
            return j if pure and not _reads(s) & _written(block, j, i) else None
    return None


def _last_store(block: list, i: int, name: str) -> int | None:
    for k in range(i - 1, -1, -1):
        if not isinstance(block[k], _SIMPLE):
            return None
        if name in written_names(block[k]):
            return k
    return None


def _written(block: list, j: int, i: int) -> set[str]:
    return {w for s in block[j + 1:i] for w in written_names(s)}


def _read(block: list, j: int, i: int) -> set[str]:
    return {r for s in block[j + 1:i] for r in name_ids(s, gast.Load)}


def _reads(s: gast.stmt) -> set[str]:
    return set(name_ids(s.value, gast.Load))


def _plain(block: list, j: int, names: _Names) -> Callable[[str], gast.expr | None]:
    """name -> its value when set once, by a plain statement before ``j`` nothing
    after writes what it reads (until ``j``, the value's new place)."""
    def value(name: str) -> gast.expr | None:
        if name not in names.single:
            return None
        k = _definition(block, j, name)
        return None if k is None else block[k].value
    return value


def _resolve(e: gast.expr, cond: str, side: int,
             plain: Callable[[str], gast.expr | None]) -> tuple[gast.expr, list]:
    """``e`` with each ``np.where(cond, p, q)`` reached through elementwise arithmetic
    (or a name set to one, whose chosen side is a name or a number) replaced by the
    side chosen (``p`` for 1), and the sides chosen; ``1.0 * a`` is ``a``."""
    if _where(e) and isinstance(e.args[0], gast.Name) and e.args[0].id == cond:
        return e.args[side], [e.args[side]]
    if isinstance(e, gast.Name):
        value = plain(e.id)
        if value is not None and _where(value) and isinstance(value.args[0], gast.Name) \
                and value.args[0].id == cond and \
                isinstance(value.args[side], (gast.Name, gast.Constant)):
            return _resolve(value, cond, side, plain)
    if isinstance(e, gast.UnaryOp):
        operand, chosen = _resolve(e.operand, cond, side, plain)
        return (gast.UnaryOp(op=e.op, operand=operand), chosen) if chosen else (e, [])
    if isinstance(e, gast.BinOp) and isinstance(e.op, _ELEMENTWISE):
        (left, cl), (right, cr) = _resolve(e.left, cond, side, plain), \
            _resolve(e.right, cond, side, plain)
        if not cl and not cr:
            return e, []
        if isinstance(e.op, gast.Mult) and _one(left):
            return right, cl + cr
        if isinstance(e.op, (gast.Mult, gast.Div)) and _one(right):
            return left, cl + cr
        return gast.BinOp(left=left, op=e.op, right=right), cl + cr
    return e, []


def _one(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) is float and e.value == 1.0


def _elementwise_names(e: gast.expr, divides: bool = False
                       ) -> list[tuple[gast.Name, bool]]:
    """The names ``e`` reads through elementwise arithmetic only, each with whether it
    divides or is a power on the way (a guard's side, ``1.0`` where not chosen, may
    be what keeps a division by 0 and its warning out of the discarded elements)."""
    if isinstance(e, gast.Name):
        return [(e, divides)]
    if isinstance(e, gast.UnaryOp):
        return _elementwise_names(e.operand, divides)
    if isinstance(e, gast.BinOp) and isinstance(e.op, _ELEMENTWISE):
        power = isinstance(e.op, gast.Pow)
        return _elementwise_names(e.left, divides or power) + _elementwise_names(
            e.right, divides or power or isinstance(e.op, gast.Div))
    return []


def _where(e: object) -> bool:
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute) and \
        e.func.attr == "where" and isinstance(e.func.value, gast.Name) and \
        e.func.value.id == "np" and len(e.args) == 3 and not e.keywords

