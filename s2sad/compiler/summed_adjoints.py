"""Part of the late passes ``ranks`` and ``shapes`` (:mod:`plain_helpers`): an adjoint
summed to its argument's shape written plainly where the shapes are known.

``unbroadcast(g, x)`` is ``g`` of ``x``'s shape, a sum over the axes that broadcast
otherwise; a factor of ``g`` that is the same along the summed axes is applied after the
sum (``np.sum(e, axes) / c``: one division of the sum's size, the adjoint of a softmax's
divisor), in a plain ``np.sum(e * c, axis=.., keepdims=True)`` too (``plain_sum``).
"""
from __future__ import annotations

import gast

from s2sad.compiler import dims
from s2sad.compiler.rank_products import contracted


def plain_unbroadcast(g: gast.expr, x: gast.expr, facts: dims.Facts, real: bool,
                      numbers: set[str] | frozenset[str]) -> gast.expr | None:
    """``g`` itself when it has ``x``'s shape, a sum over the axes broadcasting
    added where those are known (a real program: no real part to take)."""
    sg, sx = facts.canon(facts.of(g)), facts.canon(facts.of(x))
    if sg == () and sx == () and real:
        return g  # a number's adjoint from a number
    if real and sx == () and (isinstance(x, gast.Constant) or isinstance(
            x, gast.Name) and (x.id in numbers or _item(x, facts))) and \
            isinstance(sg, tuple) and sg:
        return contracted(g, facts)  # an array's sum into a (Python) number
    if real and sx and dims.same(sg, sx):
        return g  # (of affine lengths too: equal, whether 1 or not)
    if not real or not dims.known(sg) or not dims.known(sx) or not sx:
        return None
    extra = len(sg) - len(sx)
    if extra < 0:
        return None
    axes = list(range(extra)) + [i + extra for i, n in enumerate(sx)
                                 if n == 1 and sg[i + extra] != 1]
    if extra and len(axes) > extra:
        return None  # both kinds of axes: the helper
    return factored_sum(g, axes, extra, sg, facts)


def _item(x: gast.Name, facts: dims.Facts) -> bool:
    """``x`` is bound only to items read by index (``fp[n - 1]``: a NumPy number, never a
    0-d array, so its adjoint may be the number ``np.sum(g)`` makes)."""
    defs = facts.defs.get(x.id) or []
    return bool(defs) and all(isinstance(v, gast.Subscript) for v in defs)


def factored_sum(g: gast.expr, axes: list[int], extra: int, sg: tuple,
                 facts: dims.Facts) -> gast.expr:
    """``np.sum(g, axes)``, a factor of ``g = e * c`` or ``e / c`` that is the same
    along the summed axes applied after the sum: ``np.sum(e, axes) / c``, one
    division of the sum's size, not of ``g``'s (the adjoint of the divisor of a
    softmax, ``p / np.sum(p, axis=1, keepdims=True)``)."""
    if isinstance(g, gast.BinOp) and isinstance(g.op, (gast.Mult, gast.Div)):
        sides = [(g.left, g.right)] + ([(g.right, g.left)] if isinstance(
            g.op, gast.Mult) else [])
        for e, c in sides:
            if dims.same(facts.of(e), sg) and \
                    _along(facts.of(c), axes, extra, len(sg)):
                summed = factored_sum(e, axes, extra, sg, facts)
                return gast.BinOp(left=summed, op=g.op, right=c) if e is g.left else \
                    gast.BinOp(left=c, op=g.op, right=summed)
    return _sum(g, axes, keepdims=not extra)


def plain_sum(node: gast.Call, facts: dims.Facts) -> gast.expr | None:
    """``np.sum(e * c, axis=(..), keepdims=True)`` (or over the leading axes without
    ``keepdims``) with its factor ``c`` applied after the sum (``factored_sum``)."""
    f = node.func
    if not (isinstance(f, gast.Attribute) and f.attr == "sum" and isinstance(
            f.value, gast.Name) and f.value.id == "np" and len(node.args) == 1):
        return None
    kw = {k.arg: k.value for k in node.keywords}
    axis = kw.get("axis")
    items = axis.elts if isinstance(axis, gast.Tuple) else [axis]
    if set(kw) - {"axis", "keepdims"} or not all(
            isinstance(a, gast.Constant) and type(a.value) is int and a.value >= 0
            for a in items):
        return None
    keep = kw.get("keepdims")
    if keep is not None and not (isinstance(keep, gast.Constant) and keep.value is True):
        return None
    axes = sorted(a.value for a in items)  # type: ignore[union-attr]
    sg = facts.of(node.args[0])
    if not dims.known(sg) or (keep is None and axes != list(range(len(axes)))):
        return None
    out = factored_sum(node.args[0], axes, 0 if keep is not None else len(axes), sg,
                       facts)
    return out if isinstance(out, gast.BinOp) else None


def _along(sc: object, axes: list[int], extra: int, rank: int) -> bool:
    """A value of shape ``sc`` is the same along ``axes`` of a rank-``rank`` array
    and broadcasts into the sum over them (``extra`` leading axes dropped)."""
    if not isinstance(sc, tuple) or not dims.known(sc) or len(sc) > rank - extra or \
            any(a >= rank for a in axes):  # (axis=0 of a number: NumPy takes it)
        return False
    offset = rank - len(sc)
    return all(a < offset or sc[a - offset] == 1 for a in axes)


def _sum(g: gast.expr, axes: list[int], keepdims: bool) -> gast.expr:
    """``np.sum(g, axis=(..), keepdims=..)``."""
    np_ = gast.Name(id="np", ctx=gast.Load(), annotation=None, type_comment=None)
    axis = gast.Tuple(elts=[gast.Constant(value=a, kind=None) for a in axes], ctx=gast.Load())
    keywords = [gast.keyword(arg="axis", value=axis)]
    if keepdims:
        keywords.append(gast.keyword(arg="keepdims", value=gast.Constant(value=True, kind=None)))
    return gast.Call(func=gast.Attribute(value=np_, attr="sum", ctx=gast.Load()), args=[g],
                     keywords=keywords)
