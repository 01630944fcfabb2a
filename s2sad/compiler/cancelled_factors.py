"""Part of the late pass ``chains``: a number that divides and multiplies the same array
in a row is left out of both.

The adjoint of ``np.sqrt(1.0 + r ** 2)`` divides by ``2 * sqrt``, that of ``r ** 2``
multiplies by ``2 * r``; written in place one after the other,

    dr /= 2 * sqrt
    dr *= 2 * r

each makes a temporary array for its factor of 2.  The two factors cancel: ``dr /=
sqrt; dr *= r``.  Done for two statements in a row updating the same name, one dividing
and one multiplying (either order), each by a product of the same number literal and
an expression.  A power of two scales exactly, so the result is the same to the bit
(barring overflow); another number changes it by rounding only.
"""
from __future__ import annotations

import gast

from s2sad.compiler.statement_walks import blocks
from s2sad.compiler.walks import same


def cancel(body: list) -> bool:
    """Drop each such pair of factors (in place); True when one was."""
    changed = False
    for block in blocks(body):
        for first, second in zip(block, block[1:]):
            pair = _pair(first, second)
            if pair is not None:
                first.value, second.value = pair
                changed = True
    return changed


def _pair(first: gast.stmt, second: gast.stmt) -> tuple[gast.expr, gast.expr] | None:
    """The two factors without the number, for ``x /= c * a`` then ``x *= c * b`` (or
    ``*=`` then ``/=``), else None."""
    if not (isinstance(first, gast.AugAssign) and isinstance(second, gast.AugAssign) and
            isinstance(first.target, gast.Name) and isinstance(second.target, gast.Name) and
            first.target.id == second.target.id and
            {type(first.op), type(second.op)} == {gast.Div, gast.Mult}):
        return None
    a, b = _scaled(first.value), _scaled(second.value)
    if a is None or b is None or not same(a[0], b[0]):
        return None
    return a[1], b[1]


def _scaled(e: gast.expr) -> tuple[gast.Constant, gast.expr] | None:
    """(``c``, ``a``) of ``c * a`` or ``a * c``, ``c`` a nonzero number literal."""
    if not (isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult)):
        return None
    for c, a in ((e.left, e.right), (e.right, e.left)):
        if isinstance(c, gast.Constant) and type(c.value) in (int, float) and c.value and \
                not isinstance(a, gast.Constant):
            return c, a
    return None
