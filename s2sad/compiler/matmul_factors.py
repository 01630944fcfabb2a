"""Part of the late pass ``accumulate``: two matrix products in one adjoint's sum that
share a factor multiply it once, ``A @ dM + A @ dM.T`` as ``A @ (dM + dM.T)``.

The adjoint of a Gram matrix (``A.T @ A`` of normal equations and power iteration, a
covariance ``X @ X.T``) is the sum of its two factors' adjoints, ``A @ dM + (dM @
A.T).T``: two products where one does (half the flops of a large adjoint; a small
matrix's loop makes one call fewer a step).  A transposed product of matrices,
``(P @ Q).T``, is read as ``Q.T @ P.T``, and ``t.T`` of a name ``t`` bound to ``X.T``
earlier in the same block (neither bound again in between) as ``X`` (in every
derivative's statement: a binding ``t = X.T`` no statement reads any longer goes).

Only in a derivative's statement, only for matrices (rank 2 everywhere: ``.T`` of a
stack reverses every axis, and a vector's product is not a matrix's), and only where the
two parts summed have the same shape (``(P + Q) @ X`` broadcasts ``P`` and ``Q`` before
the product, as the sum of products would not).  Float rounding differs (the parts are
summed before the product instead of after); nothing else does.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gast

from s2sad.compiler.common_factors import signed_terms, summed
from s2sad.compiler.matmul_scales import Scaled, read_through, scaled_binding, scaled_by, unscaled
from s2sad.compiler.node_scans import written_names
from s2sad.compiler.walks import name_ids, nodes, same

Shapes = Callable[[], Any]  # the shape facts of the body, worked out when first needed


def factor(body: list, derivatives: frozenset | set, shapes: Shapes) -> bool:
    """Each derivative's statement of ``body`` (and its nested blocks) with two matrix
    products sharing a factor made one; whether one was (or a transpose was read
    through)."""
    if not _factor_block(body, derivatives, shapes):
        return False
    _drop_unread_transposes(body, set(), derivatives)
    return True


def _factor_block(body: list, derivatives: frozenset | set, shapes: Shapes) -> bool:
    changed = False
    transposed: dict[str, str] = {}  # t -> X: ``t = X.T`` bound earlier in this block
    scaled: Scaled = {}  # t -> (c, X): ``t = c * X`` bound earlier in this block
    read_after = _read_from(body)
    for at, s in enumerate(body):
        value = _derivative_value(s, derivatives)
        if value is not None:
            if _reads_transposes(value, transposed):
                s.value = value = _untransposed(value, transposed)
                changed = True
            live = {t: cx for t, cx in scaled.items() if cx[1] in read_after[at]}
            merged = _merged(signed_terms(value, 1), (transposed, live), shapes)
            if merged is not None:
                s.value, changed = summed(_sign_in_scale(merged)), True
        for block in _blocks(s):
            changed |= _factor_block(block, derivatives, shapes)
        bound = written_names(s)
        transposed = {t: x for t, x in transposed.items()
                      if t not in bound and x not in bound}
        scaled = {t: cx for t, cx in scaled.items() if t not in bound and cx[1] not in bound}
        if _is_transpose_binding(s):
            transposed[s.targets[0].id] = s.value.value.id
        elif (found := scaled_binding(s)) is not None:
            scaled[found[0]] = found[1:]
    return changed


def _read_from(body: list) -> list[set[str]]:
    """The names each statement of the block or one after it reads.  ``t = c * X`` is
    read as ``c * X`` only where ``X`` is read there or later anyway: ``X`` is then live
    all along, so no pass wrote into it in place since (``ownership`` writes only into
    arrays nothing reads later), and ``t`` is a copy that did not change with it."""
    out: list[set[str]] = []
    later: set[str] = set()
    for s in reversed(body):
        later = later | set(name_ids(s, gast.Load))
        out.append(later)
    return out[::-1]


def _sign_in_scale(terms: list) -> list:
    """A leading negated ``e * c`` as ``e * -c`` (no negation of the result)."""
    sign, first = terms[0]
    if sign < 0 and isinstance(first, gast.BinOp) and isinstance(first.op, gast.Mult) and \
            isinstance(first.right, gast.Constant) and type(first.right.value) in (int, float):
        first.right = gast.Constant(value=-first.right.value, kind=None)
        return [(1, first)] + terms[1:]
    return terms


def _derivative_value(s: gast.stmt, derivatives: frozenset | set) -> gast.expr | None:
    """The value of ``d = ...`` or ``d[...] += ...`` of a derivative ``d``."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and s.targets[0].id in derivatives:
        return s.value
    if isinstance(s, gast.AugAssign) and isinstance(s.op, (gast.Add, gast.Sub)):
        root = s.target.value if isinstance(s.target, gast.Subscript) else s.target
        if isinstance(root, gast.Name) and root.id in derivatives:
            return s.value
    return None


def _reads_transposes(e: gast.expr, transposed: dict[str, str]) -> bool:
    return bool(transposed) and any(
        isinstance(n, gast.Attribute) and n.attr == "T" and isinstance(n.value, gast.Name)
        and n.value.id in transposed for n in nodes(e))


def _untransposed(e: gast.expr, transposed: dict[str, str]) -> gast.expr:
    """``e`` with ``t.T`` of ``t = X.T`` read as ``X``."""
    class Reader(gast.NodeTransformer):
        def visit_Attribute(self, node: gast.Attribute) -> gast.expr:
            self.generic_visit(node)
            return _plain(node, transposed)
    return Reader().visit(e)


def _drop_unread_transposes(block: list, live_after: set[str],
                            derivatives: frozenset | set) -> None:
    """``t = X.T``, and a derivative's ``t = c * X`` read through, that nothing reads
    before ``t`` is bound again dropped (liveness backwards through the block; a loop's
    body may be read by its next trip)."""
    live, kept = set(live_after), []
    for s in reversed(block):
        unread = isinstance(s, gast.Assign) and isinstance(s.targets[0], gast.Name) and \
            s.targets[0].id not in live
        if unread and (_is_transpose_binding(s) or s.targets[0].id in derivatives and
                       scaled_binding(s) is not None):
            continue
        reads = set(name_ids(s, gast.Load))
        inner = live | reads if isinstance(s, (gast.For, gast.While)) else live
        for nested in _blocks(s):
            _drop_unread_transposes(nested, inner, derivatives)
        live |= reads
        kept.append(s)
    block[:] = kept[::-1]


def _blocks(s: gast.stmt) -> list[list]:
    return [getattr(s, f) for f in ("body", "orelse", "finalbody")
            if isinstance(getattr(s, f, None), list)]


def _is_transpose_binding(s: gast.stmt) -> bool:
    return isinstance(s, gast.Assign) and len(s.targets) == 1 and \
        isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Attribute) and \
        s.value.attr == "T" and isinstance(s.value.value, gast.Name) and \
        s.value.value.id != s.targets[0].id


def _merged(terms: list, bound: tuple[dict[str, str], Scaled], shapes: Shapes
            ) -> list | None:
    """The terms with every pair of matrix products sharing a factor made one, or None
    when no pair does."""
    merged_any = False
    while (fewer := _merge_one(terms, bound, shapes)) is not None:
        terms, merged_any = fewer, True
    return terms if merged_any else None


def _merge_one(terms: list, bound: tuple[dict[str, str], Scaled], shapes: Shapes
               ) -> list | None:
    products = [_as_product(e, sign, *bound) for sign, e in terms]
    for i, pi in enumerate(products):
        for j in range(i + 1, len(terms)):
            pj = products[j]
            if pi is None or pj is None:
                continue
            one = _shared(pi, pj, shapes)
            if one is not None:
                return terms[:i] + [one] + terms[i + 1:j] + terms[j + 1:]
    return None


def _shared(pi: tuple, pj: tuple, shapes: Shapes) -> tuple | None:
    """The signed term ``X @ (P ± Q) * c`` or ``(P ± Q) @ X * c`` of two products
    sharing ``X``, scaled alike up to their signs, or None.  Where ``X`` is shared only
    through names read as scaled matrices and ``Q`` is ``P.T``, the two products are
    kept, their scale taken out once (``(P.T @ X + P @ X) * c``): a transposed sum walks
    memory across rows, as costly as a product with ``X`` some 40 columns wide, and
    nothing says ``X`` is that wide (the adjoint of ``2.0 * E @ E.T`` for 16-wide
    embeddings; the plain ``A @ dM + A @ dM.T`` of a Gram matrix is merged as before)."""
    (sign_i, left_i, right_i, c, read_i), (sign_j, left_j, right_j, c_j, read_j) = pi, pj
    if c != c_j:
        return None
    op = gast.Add() if sign_i == sign_j else gast.Sub()
    if same(left_i, left_j) and _matrices(shapes, left_i, right_i, right_j):
        parts = right_i, right_j
        one = gast.BinOp(left=left_i, op=gast.MatMult(),
                         right=gast.BinOp(left=right_i, op=op, right=right_j))
    elif same(right_i, right_j) and _matrices(shapes, right_i, left_i, left_j):
        parts = left_i, left_j
        one = gast.BinOp(left=gast.BinOp(left=left_i, op=op, right=left_j),
                         op=gast.MatMult(), right=right_i)
    else:
        return None
    if (read_i or read_j) and _transposed_pair(*parts):
        one = gast.BinOp(left=gast.BinOp(left=left_i, op=gast.MatMult(), right=right_i),
                         op=op,
                         right=gast.BinOp(left=left_j, op=gast.MatMult(), right=right_j))
    return sign_i, scaled_by(one, c)


def _transposed_pair(a: gast.expr, b: gast.expr) -> bool:
    """``P`` and ``P.T`` (either order)."""
    return any(isinstance(y, gast.Attribute) and y.attr == "T" and same(y.value, x)
               for x, y in ((a, b), (b, a)))


def _matrices(shapes: Shapes, shared: gast.expr, a: gast.expr, b: gast.expr) -> bool:
    """The shared factor a matrix, the two parts summed matrices of one shape."""
    facts = shapes()
    sa, sb, sx = facts.of(a), facts.of(b), facts.of(shared)
    return all(isinstance(s, tuple) and len(s) == 2 for s in (sa, sb, sx)) and sa == sb


def _as_product(e: gast.expr, sign: int, transposed: dict[str, str], scaled: Scaled
                ) -> tuple | None:
    """``(sign, P, Q, c, read)`` of the term ``sign * c * (P @ Q)``, also of ``(Q.T @
    P.T).T`` (the ranks are checked when a pair shares a factor), with transposes of
    transposes undone and names bound to scaled matrices read through (``read``: one
    was); the sign of ``c`` is moved into ``sign``, so ``c`` is positive."""
    e, c = unscaled(e)
    if isinstance(e, gast.BinOp) and isinstance(e.op, gast.MatMult):
        left, right = _plain(e.left, transposed), _plain(e.right, transposed)
    elif isinstance(e, gast.Attribute) and e.attr == "T" and \
            isinstance(e.value, gast.BinOp) and isinstance(e.value.op, gast.MatMult):
        inner = e.value
        left, right = _transpose(inner.right, transposed), _transpose(inner.left, transposed)
    else:
        return None
    (left, c_left), (right, c_right) = read_through(left, scaled), read_through(right, scaled)
    c = c * c_left * c_right
    left, right = _plain(left, transposed), _plain(right, transposed)
    return (sign if c > 0 else -sign), left, right, abs(c), c_left != 1 or c_right != 1


def _transpose(e: gast.expr, transposed: dict[str, str]) -> gast.expr:
    return _plain(gast.Attribute(value=e, attr="T", ctx=gast.Load()), transposed)


def _plain(e: gast.expr, transposed: dict[str, str]) -> gast.expr:
    """``X`` for ``X.T.T`` and for ``t.T`` of ``t = X.T``; ``e`` otherwise."""
    if isinstance(e, gast.Attribute) and e.attr == "T":
        inner = e.value
        if isinstance(inner, gast.Attribute) and inner.attr == "T":
            return _plain(inner.value, transposed)
        if isinstance(inner, gast.Name) and inner.id in transposed:
            return gast.Name(id=transposed[inner.id], ctx=gast.Load(), annotation=None,
                             type_comment=None)
    return e
