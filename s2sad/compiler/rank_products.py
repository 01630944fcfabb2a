"""Part of the late passes ``ranks`` and ``shapes``: the adjoints of a matrix product
and of a triangular solve written as the products their operands' ranks make plain
(``matmul_lhs_adjoint(g, A, x)`` of a matrix and a vector is ``np.multiply.outer(g, x)``),
and a vector's dot.  Kept apart from the rewriting pass so that each rule's algebra can
be read on its own."""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler import dims
from s2sad.compiler.names import load, np_attr
from s2sad.compiler.walks import blocks, walk


def outer(*args: gast.expr) -> gast.Call:
    """``np.multiply.outer(*args)``."""
    np_ = gast.Name(id="np", ctx=gast.Load(), annotation=None, type_comment=None)
    fn = gast.Attribute(value=gast.Attribute(value=np_, attr="multiply", ctx=gast.Load()),
                        attr="outer", ctx=gast.Load())
    return gast.Call(func=fn, args=list(args), keywords=[])


def contracted(g: gast.expr, facts: dims.Facts) -> gast.expr:
    """``sum(a * b)`` of two vectors of one shape is ``a @ b`` (one BLAS dot, no
    temporary), of two arrays of one shape the dot of the two flattened (the weight
    adjoint of a convolution's tap, ``np.sum(dout * patch)``); any other array's sum is
    ``np.sum(g)``."""
    if isinstance(g, gast.BinOp) and isinstance(g.op, gast.Mult):
        sa, sb = facts.of(g.left), facts.of(g.right)
        if isinstance(sa, tuple) and len(sa) == 1 and (dims.same(sa, sb) or sa == sb and (
                _shaped_like(g.left, g.right) or _shaped_like(g.right, g.left))):
            return matmul(g.left, g.right)
        if isinstance(sa, tuple) and len(sa) >= 2 and (dims.same(sa, sb) or sa == sb and
                                                       getattr(g, "s2sad_alike", False)):
            return flat_dot(g.left, g.right)
    np_ = gast.Name(id="np", ctx=gast.Load(), annotation=None, type_comment=None)
    total = gast.Call(func=gast.Attribute(value=np_, attr="sum", ctx=gast.Load()), args=[g],
                      keywords=[])
    total.s2sad_contract = True  # once a * b is written into it, a dot (second run)
    return total


def flat_dot(a: gast.expr, b: gast.expr) -> gast.expr:
    """``np.reshape(a, (-1,)) @ np.reshape(b, (-1,))``: the full sum of the product of
    two arrays of one shape as one dot (a copy of a strided view, no product array:
    a third of the time of ``np.sum(a * b)`` of 124 x 124 matrices, half of 4 x 4's)."""
    def flat(e: gast.expr) -> gast.expr:
        np_ = gast.Name(id="np", ctx=gast.Load(), annotation=None, type_comment=None)
        minus_one = gast.UnaryOp(op=gast.USub(), operand=gast.Constant(value=1, kind=None))
        return gast.Call(func=gast.Attribute(value=np_, attr="reshape", ctx=gast.Load()),
                         args=[e, gast.Tuple(elts=[minus_one], ctx=gast.Load())],
                         keywords=[])
    return matmul(flat(a), flat(b))


_NEAR = 12


def mark_alike(body: list) -> None:
    """Mark (``s2sad_alike``) each product ``d * x`` read after ``d = unbroadcast(g, x)``
    in the same block, neither name bound again in between: the two have one shape even
    where its lengths are unknown (a window ``xp[i:i + H, j:j + W]`` of a padded image,
    whose bounds the shape facts cannot prove inside: ``np.sum(dmul * xp_item)`` of a
    convolution's tap is then a dot all the same)."""
    for block in blocks(body):
        seen: dict[int, tuple[list, set[str]]] = {}  # index -> its products, names bound
        for k, s in enumerate(block):
            pair = _unbroadcast_to(s)
            if pair is None:
                continue
            wanted = set(pair)
            for j in range(k + 1, min(k + 1 + _NEAR, len(block))):  # (a use is near)
                later = block[j]
                products, bound = seen.get(j) or seen.setdefault(j, _products(later))
                compound = isinstance(later, (gast.For, gast.While, gast.If))
                if compound and not bound.isdisjoint(wanted):
                    break
                for names, n in products:
                    if names == wanted:
                        n.s2sad_alike = True
                if not bound.isdisjoint(wanted):
                    break


def _products(s: gast.stmt) -> tuple[list, set[str]]:
    """The products ``a * b`` of two names in ``s`` (with the pair of names), and the
    names ``s`` binds: one walk of each statement, however many ``unbroadcast`` calls
    before it look at it (a loop holding the rest of the body was walked once per
    call in front of it)."""
    products: list = []
    bound: set[str] = set()
    for n in walk(s):
        if isinstance(n, gast.BinOp) and isinstance(n.op, gast.Mult) and \
                isinstance(n.left, gast.Name) and isinstance(n.right, gast.Name):
            products.append(({n.left.id, n.right.id}, n))
        elif isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load):
            bound.add(n.id)
    return products, bound


def _unbroadcast_to(s: gast.stmt) -> tuple[str, str] | None:
    """(``d``, ``x``) of ``d = unbroadcast(g, x)``, two names."""
    if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and \
            isinstance(s.value.func, gast.Name) and \
            s.value.func.id == "unbroadcast" and len(s.value.args) == 2 and \
            not s.value.keywords and isinstance(s.value.args[1], gast.Name) and \
            s.targets[0].id != s.value.args[1].id:
        return s.targets[0].id, s.value.args[1].id
    return None


def _shaped_like(e: gast.expr, x: gast.expr) -> bool:
    """``e`` surely has ``x``'s shape, lengths unknown: ``x`` itself, or
    ``unbroadcast(g, x)`` (the same name, read at the same point)."""
    if not isinstance(x, gast.Name):
        return False
    if isinstance(e, gast.Name):
        return e.id == x.id
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and \
        e.func.id == "unbroadcast" and len(e.args) == 2 and \
        isinstance(e.args[1], gast.Name) and e.args[1].id == x.id


def transposed(e: gast.expr) -> gast.expr:
    return gast.Attribute(value=e, attr="T", ctx=gast.Load())


def matmul(a: gast.expr, b: gast.expr) -> gast.expr:
    return gast.BinOp(left=a, op=gast.MatMult(), right=b)


def triangular_solve(name: str, node: gast.Call, lower: dict[str, bool],
                     facts: dims.Facts, symmetric: frozenset | set = frozenset()
                     ) -> gast.expr | None:
    """Adjoints of ``solve(a, b)`` of a square matrix ``a`` (no broadcasting): one
    solve ``w = solve(a^T, g)`` (triangular for a triangular ``a``), shared by both
    (``reuse``); ``b``'s adjoint is ``w``, ``a``'s is ``(-w) x^T`` (of a ``symmetric``
    ``a``: ``solve(a, g)``)."""
    g, a, b = node.args[:3]
    if not isinstance(a, gast.Name) or node.keywords:
        return None
    sa, sb, sg = (facts.of(e) for e in (a, b, g))
    if not (dims.known(sa) and len(sa) == 2 and sa[0] == sa[1] and dims.known(sb) and
            len(sb) in (1, 2) and sb[0] == sa[0] and sg == sb) and \
            not _matrix_and_rhs(sa, sb, sg):
        return None  # (a matrix and a right-hand side: the solve ran, so they fit)
    w = gast.Call(func=load("tri_solve"), args=[a, g, gast.Constant(
        value=lower[a.id], kind=None), gast.Constant(value=True, kind=None)],
        keywords=[]) if a.id in lower else gast.Call(func=gast.Attribute(
            value=np_attr("linalg"),
            attr="solve", ctx=gast.Load()),
            args=[a if a.id in symmetric else transposed(a), g], keywords=[])
    if name == "solve_rhs_adjoint":
        return w
    ans = node.args[3]  # (the minus on w: n numbers negated, not the n x n product)
    minus_w = gast.UnaryOp(op=gast.USub(), operand=w)
    return outer(minus_w, ans) if len(sb) == 1 else matmul(minus_w, transposed(ans))


def _matrix_and_rhs(sa: object, sb: object, sg: object) -> bool:
    """A matrix ``a`` (square: the solve ran), ``b`` a vector or a matrix (no batch to
    broadcast over) and ``g`` as long as ``b`` on each axis (the adjoint of ``x``, shaped
    like ``b``; no axis of length 1 in ``g`` that ``b`` may not have)."""
    return isinstance(sa, tuple) and len(sa) == 2 and isinstance(sb, tuple) and \
        len(sb) in (1, 2) and isinstance(sg, tuple) and len(sg) == len(sb) and \
        all(x == y or (x != 1 and y != 1 and (x is not None or y is not None))
            for x, y in zip(sg, sb))


def matmul_adjoint(name: str, node: gast.Call, rank: Callable[[gast.expr], int | None],
                   t: Callable[[gast.expr], gast.expr]) -> gast.expr:
    """``matmul_lhs_adjoint(g, a, b)`` / ``matmul_rhs_adjoint`` of operands of ranks 1 and 2
    as the product itself (``t``: a transpose, simplified as the pass does); any other
    ranks: the helper call as it is."""
    g, a, b = node.args
    shapes = (rank(a), rank(b))
    if name == "matmul_lhs_adjoint":
        if shapes == (2, 2):
            return matmul(g, t(b))
        if shapes == (2, 1):
            return outer(g, b)
        if shapes == (1, 2):
            return matmul(b, g)
        if shapes == (1, 1):
            return gast.BinOp(left=g, op=gast.Mult(), right=b)
    else:
        if shapes in ((2, 2), (2, 1)):
            return matmul(t(a), g)
        if shapes == (1, 2):
            return outer(a, g)
        if shapes == (1, 1):
            return gast.BinOp(left=a, op=gast.Mult(), right=g)
    return node
