"""Part of the late pass ``accumulate``: two products in one adjoint's sum that share a
name multiply it once, ``g * b - g * a`` as ``g * (b - a)``.

The adjoint of a weight that blends two values, ``(1 - w) * a + w * b`` (linear and
bilinear interpolation, a convex mixture, a gate), is ``g * b - g * a``: two products
of whole arrays where one would do (an image warp's ``dwx``, ``dwy``: a pass over
memory fewer each).  Only in a derivative's statement (adjoints and tangents are
floats: never integers or booleans, whose arithmetic wraps or widens), and only where
the shared factor is a name (read once instead of twice: nothing runs less often).
The shapes are those of the sum: ``g`` broadcast with ``b`` and with ``a`` is ``g``
broadcast with their difference.  Float rounding may differ (one rounding of the
difference in place of one of a product); nothing else does.
"""
from __future__ import annotations

import gast

from s2sad.compiler.statement_walks import statement_nodes

_SIGNS = {gast.Add: 1, gast.Sub: -1}


def factor(body: list, derivatives: frozenset | set) -> bool:
    """Each derivative's statement of ``body`` with its products of a shared name
    factored; whether one was."""
    changed = False
    for s in statement_nodes(body):
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and s.targets[0].id in derivatives:
            terms, merged = signed_terms(s.value, 1), False
            while (fewer := _merged(terms)) is not None:
                terms, merged = fewer, True
            if merged:
                s.value = summed(terms)
                changed = True
    return changed


def signed_terms(e: gast.expr, sign: int) -> list[tuple[int, gast.expr]]:
    """``e`` as signed terms of its sums and differences."""
    if isinstance(e, gast.BinOp) and type(e.op) in _SIGNS:
        return signed_terms(e.left, sign) + signed_terms(e.right, sign * _SIGNS[type(e.op)])
    return [(sign, e)]


def _merged(terms: list[tuple[int, gast.expr]]) -> list[tuple[int, gast.expr]] | None:
    """The terms with the first two products sharing a name factor made one, or None."""
    for i, (si, a) in enumerate(terms):
        for j in range(i + 1, len(terms)):
            sj, b = terms[j]
            shared = _shared(a, b)
            if shared is not None:
                name, rest_a, rest_b = shared
                inner = gast.BinOp(left=rest_a, op=gast.Add() if si == sj else gast.Sub(),
                                   right=rest_b)
                one = gast.BinOp(left=name, op=gast.Mult(), right=inner)
                return terms[:i] + [(si, one)] + terms[i + 1:j] + terms[j + 1:]
    return None


def _shared(a: gast.expr, b: gast.expr) -> tuple | None:
    """(the name, ``a``'s other factor, ``b``'s) of two products ``x * y`` sharing a
    name as a factor, or None."""
    if not (_product(a) and _product(b)):
        return None
    for x, rest_a in ((a.left, a.right), (a.right, a.left)):
        for y, rest_b in ((b.left, b.right), (b.right, b.left)):
            if isinstance(x, gast.Name) and isinstance(y, gast.Name) and x.id == y.id:
                return x, rest_a, rest_b
    return None


def _product(e: gast.expr) -> bool:
    return isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult)


def summed(terms: list[tuple[int, gast.expr]]) -> gast.expr:
    """The signed terms added up again, left to right (a leading minus as a negation)."""
    sign, first = terms[0]
    total = first if sign > 0 else gast.UnaryOp(op=gast.USub(), operand=first)
    for sign, term in terms[1:]:
        total = gast.BinOp(left=total, op=gast.Add() if sign > 0 else gast.Sub(), right=term)
    return total
