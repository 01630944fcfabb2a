"""Part of the late pass ``algebra``: a number times an array, read once by a product
with a number, folded into that product (``de = 0.5 * m; d = de * c`` as ``d = 0.5 * c *
m``: one pass over the array, not two); an outer product read once so, the same way
(``dmul = np.multiply.outer(-du, u); dA = dmul * dt`` as ``dA = np.multiply.outer(-dt *
du, u)``, the number over the vector: :meth:`algebra._Identities.scaled_outer`), in the
body of each loop too (a reversed loop's step)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import gast

from s2sad.compiler.algebra_terms import outer_product, plain, product_factors
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes, nodes, store_and_load_ids


def fold_coefficients(block: list, rewrite: Any,
                       counted: Callable[[], tuple[Counter, Counter]] | None = None) -> None:
    """``a = 0.5 * X`` read once, by a later statement of the block, as a factor of a
    product with a number (``b = a * c``): ``b = 0.5 * X * c`` (then ``0.5 * c * X``, one
    pass over the array, not two) when nothing in between binds what ``a`` reads; an
    outer product too (``dA = np.multiply.outer(-du, u) * dt``: then the number scales
    the vector, :meth:`_Identities.scaled_outer`)."""
    k = 0  # (``counted``: the stores and loads of the whole body, counted when first asked)
    counts: tuple[Counter, Counter] | None = None
    while k < len(block):
        s = block[k]
        k += 1
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name) and (any(  # (the walk of ``plain`` last)
                    rewrite.number(f) for f in product_factors(s.value)[0]) and
                    plain(s.value) or
                    outer_product(s.value) and all(plain(a) for a in s.value.args))):
            continue
        if counts is None:
            counts = _counts(block) if counted is None else counted()
        stores, loads = counts
        if stores[s.targets[0].id] != 1 or loads[s.targets[0].id] != 1:
            continue
        name = s.targets[0].id
        reads = {n.id for n in name_nodes(s.value)}
        for j in range(k, len(block)):
            later = block[j]
            if any(isinstance(n, gast.Name) and n.id == name for n in nodes(later)):
                if _scaled_factor(later, name, rewrite):
                    _Inline(name, s.value).visit(later)
                    del block[k - 1]
                    k -= 1
                break
            if any(isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store) and
                   n.id in reads or isinstance(n, (gast.Subscript, gast.Attribute)) and
                   isinstance(n.ctx, gast.Store) for n in nodes(later)):
                break  # (an item written in place may be of what a reads)


def _counts(body: list) -> tuple[Counter, Counter]:
    stored: list[str] = []
    read: list[str] = []
    store_and_load_ids(body, stored, read)  # (both in one walk)
    return Counter(stored), Counter(read)


def fold_in_loops(body: list, rewrite: Any) -> None:
    """:func:`fold_coefficients` in the body of each loop (an outer product of a
    reversed loop's step), with the counts of the whole body."""
    loops = [s for s in statement_nodes(body) if isinstance(s, (gast.For, gast.While))]
    found: list = []  # (the counts, made at the first candidate: most loops have none)

    def counted() -> tuple[Counter, Counter]:
        if not found:
            found.append(_counts(body))
        return found[0]
    for loop in loops:
        fold_coefficients(loop.body, rewrite, counted)


def _scaled_factor(s: gast.stmt, name: str, rewrite: Any) -> bool:
    """``s`` is ``b = name * c`` (a product of ``name`` and a number, any order)."""
    if not (isinstance(s, gast.Assign) and isinstance(s.value, gast.BinOp)):
        return False
    factors, _ = product_factors(s.value)
    return any(isinstance(f, gast.Name) and f.id == name for f in factors) and \
        any(rewrite.number(f) for f in factors)


class _Inline(gast.NodeTransformer):
    """The one read of ``name`` replaced by ``value``."""

    def __init__(self, name: str, value: gast.expr) -> None:
        self.name, self.value = name, value

    def visit_Name(self, node: gast.Name) -> gast.expr:
        if node.id == self.name and isinstance(node.ctx, gast.Load):
            return self.value
        return node
