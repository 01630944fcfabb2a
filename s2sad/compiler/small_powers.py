"""Part of the late pass ``arithmetic``: a small whole power of a float, ``x ** 3`` or
``x ** 4``, as products (``x * x * x``, ``x * x * (x * x)``).

NumPy's ``power`` calls the C library's ``pow`` for each element for any exponent but
a few (2, 0.5, -1): 10 ns an element of a positive base, 200-400 ns of a negative one
(measured on an AMD EPYC, NumPy 2.4), where a product costs under a nanosecond.  GELU's
``A ** 3`` took 60% of a layer's gradient, Tukey's biweight ``(1 - u ** 2) ** 3`` half
of a regression's.  The products differ from ``pow``'s correctly rounded value by an
ulp or two, as the contractions the late passes write (``np.einsum`` for a broadcast
product's sum) differ from the sums they replace.  Only of names surely inexact
(:mod:`inexact`): an integer's power is the same either way, but a boolean array's is
not (``b ** 3`` is int8, ``b * b * b`` boolean).
"""
from __future__ import annotations

import gast

from s2sad.compiler.inexact import inexact_names
from s2sad.compiler.names import load
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.walks import parent_map, replace_child


def expand_powers(body: list, namespace: dict, floats: frozenset) -> bool:
    """Rewrites ``body`` in place; True if it changed."""
    found = [n for n in nodes_of(body, (gast.BinOp,)) if _small_power(n)]
    if not found:
        return False  # (most bodies: no such power, and the inexact names not asked)
    inexact = inexact_names(body, namespace, floats)
    found = [n for n in found if n.left.id in inexact]
    if not found:
        return False
    parents = parent_map(body)
    for n in found:
        replace_child(parents[id(n)], n, _product(n.left.id, n.right.value))
    return True


def _small_power(n: gast.BinOp) -> bool:
    return isinstance(n.op, gast.Pow) and isinstance(n.left, gast.Name) and \
        isinstance(n.right, gast.Constant) and type(n.right.value) is int and \
        n.right.value in (3, 4)


def _product(x: str, power: int) -> gast.expr:
    square = gast.BinOp(left=load(x), op=gast.Mult(), right=load(x))
    other = load(x) if power == 3 else gast.BinOp(left=load(x), op=gast.Mult(),
                                                    right=load(x))
    return gast.BinOp(left=square, op=gast.Mult(), right=other)
