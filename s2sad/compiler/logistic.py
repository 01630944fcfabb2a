"""Part of the late pass ``algebra``: the logistic sigmoid's slope read from its value.

A sigmoid written ``s = 1.0 / (1.0 + np.exp(-z))`` (an LSTM's gates, a logistic
regression) is three primitives, and the chain rule through them gives
``dz = g * s / a * e`` with ``a = 1.0 + e``, ``e = np.exp(-z)``.  Since ``s = 1 / a``,
``e / a = 1 - s``: the adjoint is ``g * s * (1.0 - s)``, what a person writes; it
reads neither ``a`` nor ``e`` (a loop pushes two arrays fewer a trip) and has no
``inf * 0`` where ``exp`` overflows (``s`` is then 0).  Rounding: ``1 - s`` against
``e / a``, within an ulp or two of the slope (the form every hand-written gradient uses).

Done where the three names surely hold those values at the product: bound in the
product's block by ``s = 1.0 / a`` after ``a = 1.0 + e`` (neither bound again in
between), or all three restored by one tape pop of a tuple whose push met the same
condition where it was made; a name not bound in the block is looked up in the blocks
around it (unless the loop around binds it: another trip's value).
"""
from __future__ import annotations

import gast

from s2sad.compiler.algebra_terms import product_factors
from s2sad.compiler.names import Transformer
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes

_UNSURE = "unsure"  # bound where the search cannot tell which value (a nested block)


def simplify(body: list) -> list:
    """``body`` with each such product rewritten (in place)."""
    if not any(s.__class__ is gast.Assign and _reciprocal(s.value)
               for s in statement_nodes(body)):
        return body  # (no ``s = 1.0 / a`` anywhere, which each rewrite needs: no sigmoid)
    pushes: dict = {}
    for s, path in _statements(body, []):
        if isinstance(s, gast.Expr) and getattr(s, "s2sad_slot", None) is not None:
            pushes.setdefault(s.s2sad_slot, []).append(path)
    for s, path in _statements(body, []):
        if isinstance(s, (gast.Assign, gast.AugAssign, gast.Expr)):
            _Rewrite(path, pushes).visit(s)
    return body


def _reciprocal(v: gast.expr) -> bool:
    """``c / a`` of a literal ``c`` (:func:`_reciprocal_of` of some name, when ``c`` is 1)."""
    return v.__class__ is gast.BinOp and v.op.__class__ is gast.Div and \
        v.left.__class__ is gast.Constant


def _statements(block: list, path: list):
    """Every statement with its path: [(block, index), ...] from the body down."""
    for k, s in enumerate(block):
        here = path + [(block, k)]
        yield s, here
        for field in ("body", "orelse"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                yield from _statements(inner, here)


class _Rewrite(Transformer):
    def __init__(self, path: list, pushes: dict) -> None:
        self.path, self.pushes = path, pushes

    def visit_BinOp(self, node: gast.BinOp) -> gast.expr:
        self.generic_visit(node)
        found = _pattern(node)
        if found is None:
            return node
        product, candidates, a, e = found
        s = next((s for s in candidates if _holds(self.path, s, a, e, self.pushes)), None)
        if s is None:
            return node
        one_minus = gast.BinOp(left=gast.Constant(value=1.0, kind=None), op=gast.Sub(),
                               right=gast.Name(id=s, ctx=gast.Load(), annotation=None,
                                               type_comment=None))
        return gast.BinOp(left=product, op=gast.Mult(), right=one_minus)


def _pattern(node: gast.BinOp) -> tuple[gast.expr, list, str, str] | None:
    """``P / a * e`` or ``P * e / a`` of names ``a``, ``e`` and a product ``P``: (P, the
    names among its factors, a, e)."""
    if isinstance(node.op, gast.Mult) and isinstance(node.left, gast.BinOp) and \
            isinstance(node.left.op, gast.Div):
        product, a, e = node.left.left, node.left.right, node.right
    elif isinstance(node.op, gast.Div) and isinstance(node.left, gast.BinOp) and \
            isinstance(node.left.op, gast.Mult):
        product, a, e = node.left.left, node.right, node.left.right
    else:
        return None
    if not (isinstance(a, gast.Name) and isinstance(e, gast.Name)):
        return None
    factors, _ = product_factors(product)
    names = [f.id for f in factors if isinstance(f, gast.Name)]
    names = [s for s in names if s not in (a.id, e.id)]
    return (product, names, a.id, e.id) if names else None


def _holds(path: list, s: str, a: str, e: str, pushes: dict) -> bool:
    """Do ``s = 1.0 / a`` and ``a = 1.0 + e`` hold of the values the names have at the
    statement ``path`` leads to?"""
    at_s = _binding(path, s)
    if not isinstance(at_s, tuple):
        return False
    stmt = at_s[0][at_s[1]]
    if _pops(stmt):  # (restored together: as they were where the tuple was pushed)
        made = pushes.get(getattr(stmt, "s2sad_slot", None), [])
        return _binding(path, a) == at_s and _binding(path, e) == at_s and bool(made) \
            and all(_holds(push, s, a, e, {}) for push in made)
    if not _defines(stmt, s, lambda v: _reciprocal_of(v, a)):
        return False
    at_a = _binding(path, a)
    if not isinstance(at_a, tuple) or at_a != _binding(_path_at(path, at_s), a) or \
            not _defines(at_a[0][at_a[1]], a, lambda v: _one_plus(v, e)):
        return False
    at_e = _binding(path, e)
    return at_e != _UNSURE and at_e == _binding(_path_at(path, at_a), e)


def _path_at(path: list, at: tuple) -> list:
    """The path to the statement ``at`` (a block and index on ``path``)."""
    for depth, (block, _) in enumerate(path):
        if block is at[0]:
            return path[:depth] + [at]
    return path


def _binding(path: list, name: str) -> tuple | str | None:
    """(block, index) of the statement that gave ``name`` its value at ``path``'s
    statement: the latest binding before it in its block, else in the blocks around;
    None where none does (a parameter); ``_UNSURE`` where that cannot be told (bound in
    a nested block, or by the loop around: another trip's value)."""
    for depth in range(len(path) - 1, -1, -1):
        block, k = path[depth]
        for r in range(k - 1, -1, -1):
            stores = _stores(block[r])
            if name in stores:
                nested = not isinstance(block[r], (gast.Assign, gast.AugAssign))
                return _UNSURE if nested else (block, r)
        if depth > 0:
            outer_block, outer_k = path[depth - 1]
            loop = outer_block[outer_k]
            if isinstance(loop, (gast.For, gast.While)) and \
                    name in {n.id for s in block for n in _store_names(s)}:
                return _UNSURE  # (another trip's value)
    return None


def _stores(s: gast.stmt) -> set[str]:
    return {n.id for n in _store_names(s)}


def _store_names(s: gast.stmt) -> list:
    return [n for n in name_nodes(s) if not isinstance(n.ctx, gast.Load)]


def _pops(s: gast.stmt) -> bool:
    return isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Tuple) and \
        getattr(s, "s2sad_slot", None) is not None


def _defines(s: gast.stmt, name: str, test) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and s.targets[0].id == name and test(s.value)


def _reciprocal_of(v: gast.expr, a: str) -> bool:
    return isinstance(v, gast.BinOp) and isinstance(v.op, gast.Div) and _is_one(v.left) \
        and isinstance(v.right, gast.Name) and v.right.id == a


def _one_plus(v: gast.expr, e: str) -> bool:
    if not (isinstance(v, gast.BinOp) and isinstance(v.op, gast.Add)):
        return False
    return any(_is_one(x) and isinstance(y, gast.Name) and y.id == e
               for x, y in ((v.left, v.right), (v.right, v.left)))


def _is_one(e: gast.expr) -> bool:
    return isinstance(e, gast.Constant) and type(e.value) in (int, float) and e.value == 1
