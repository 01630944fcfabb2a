"""Part of the late pass ``contract``: a sum over axes of a product of arrays that are
broadcast views of smaller ones (``W[:, :, None] * P[:, None, :]``), written without the
product: each operand is the array it views and the frame axes it spans (its labels);
axes only one operand spans are summed in that operand first, two matrices sharing the
summed axis are a product ``@``; anything else is left as it is (``np.einsum`` would
do, but has no counterpart in the array API, which the derivative's portable variant
is written in).
"""
from __future__ import annotations

from dataclasses import dataclass

import gast

from s2sad.compiler import dims
from s2sad.compiler.names import np_attr
from s2sad.compiler.rank_products import flat_dot


@dataclass(frozen=True)
class Operand:
    """An array ``expr`` whose axes, in order, span the frame axes ``labels``."""

    expr: gast.expr
    labels: tuple[int, ...]


def _summed(op: Operand, drop: set[int]) -> Operand:
    """``op`` summed over the frame axes ``drop`` it spans (and nothing else does)."""
    axes = [k for k, label in enumerate(op.labels) if label in drop]
    if not axes:
        return op
    axis = gast.Constant(value=axes[0], kind=None) if len(axes) == 1 else \
        gast.Tuple(elts=[gast.Constant(value=a, kind=None) for a in axes], ctx=gast.Load())
    total = gast.Call(func=np_attr("sum"), args=[op.expr],
                      keywords=[gast.keyword(arg="axis", value=axis)])
    return Operand(total, tuple(label for label in op.labels if label not in drop))


def _transposed(op: Operand) -> Operand:
    if len(op.labels) < 2:
        return op
    return Operand(gast.Attribute(value=op.expr, attr="T", ctx=gast.Load()), op.labels[::-1])


def placed(e: gast.expr, labels: tuple[int, ...], out: tuple[int | None, ...]) -> gast.expr:
    """``e`` (axes ``labels``, in frame order) indexed to the axes ``out`` (None: a new
    axis of length 1 there): ``e[:, None, :]``; ``e`` itself when nothing is added."""
    parts = [gast.Slice(lower=None, upper=None, step=None) if a in labels else
             gast.Constant(value=None, kind=None) for a in out]
    if all(isinstance(p, gast.Slice) for p in parts):
        return e
    return gast.Subscript(value=e, slice=gast.Tuple(elts=parts, ctx=gast.Load()),
                          ctx=gast.Load())


def _aligned(op: Operand, union: tuple[int, ...]) -> gast.expr:
    """``op`` broadcasting against the frame axes ``union`` (right-aligned: leading
    axes it lacks need no index)."""
    k = len(union) - len(op.labels)
    if k >= 0 and union[k:] == op.labels:
        return op.expr
    return placed(op.expr, op.labels, union)


def _matmul(a: Operand, b: Operand, shared: int) -> tuple[gast.expr, tuple[int, ...]] | None:
    """``a @ b`` (transposed as needed) for operands of rank 1 or 2 sharing the one
    summed axis ``shared``, each with at most one other axis; frame order kept."""
    if not (1 <= len(a.labels) <= 2 and 1 <= len(b.labels) <= 2):
        return None
    free_a = [x for x in a.labels if x != shared]
    free_b = [x for x in b.labels if x != shared]
    if set(free_a) & set(free_b):
        return None  # an axis both keep: a batch, not a matrix product
    if free_a and free_b and free_a[0] > free_b[0]:
        a, b, free_a, free_b = b, a, free_b, free_a
    if len(a.labels) == 2 and a.labels[-1] != shared:
        a = _transposed(a)
    if len(b.labels) == 2 and b.labels[0] != shared:
        b = _transposed(b)
    return gast.BinOp(left=a.expr, op=gast.MatMult(), right=b.expr), tuple(free_a + free_b)


def _batched(a: Operand, b: Operand, summed: int) -> tuple[gast.expr, tuple[int, ...]] | None:
    """``a @ b`` as a stack of matrix products: the axes both span and keep lead (the
    batch), ``summed`` is the product's, each operand keeps at most one axis of its own
    (``np.sum(np.expand_dims(W, -1) * D, axis=1)``, W of (n, m) and D of (n, m, 3), the
    adjoint of a pairwise difference: ``(W[:, None, :] @ D)[:, 0, :]``; NumPy reduces a
    middle axis with a short last one forty times slower).  None where there is no
    batch, where neither operand keeps an axis of its own (a row-by-row dot of short
    rows: a product per row is slower than the elementwise product summed), or where
    the batch would not lead the result's axes."""
    shared = set(a.labels) & set(b.labels)
    batch = sorted(shared - {summed})
    free_a = [x for x in a.labels if x not in shared]
    free_b = [x for x in b.labels if x not in shared]
    if summed not in shared or not batch or len(free_a) > 1 or len(free_b) > 1 or \
            not (free_a or free_b):
        return None
    if free_a and free_b and free_a[0] > free_b[0]:
        a, b, free_a, free_b = b, a, free_b, free_a
    if batch[-1] > min(free_a + free_b):
        return None  # (the product's axes would need moving back)
    left = _arranged(a, [*batch, *free_a, summed])
    right = _arranged(b, [*batch, summed, *free_b])
    lead = [gast.Slice(lower=None, upper=None, step=None) for _ in batch]
    new, zero = gast.Constant(value=None, kind=None), gast.Constant(value=0, kind=None)
    if not free_a:  # (a row: an axis of length 1 put in, and taken out of the product)
        left = _indexed(left, [*lead, new, gast.Slice(lower=None, upper=None, step=None)])
    if not free_b:
        right = _indexed(right, [*lead, gast.Slice(lower=None, upper=None, step=None), new])
    product: gast.expr = gast.BinOp(left=left, op=gast.MatMult(), right=right)
    if not (free_a and free_b):  # (the length-1 axis: after the batch, or last)
        whole = gast.Slice(lower=None, upper=None, step=None)
        product = _indexed(product, [*lead, whole, zero] if free_a else [*lead, zero, whole])
    return product, (*batch, *free_a, *free_b)


def _arranged(op: Operand, order: list[int]) -> gast.expr:
    """``op``'s array with its axes in the frame order ``order`` (a transpose)."""
    if list(op.labels) == order:
        return op.expr
    if len(order) == 2:
        return _transposed(op).expr
    perm = gast.Tuple(elts=[gast.Constant(value=op.labels.index(x), kind=None)
                            for x in order], ctx=gast.Load())
    return gast.Call(func=np_attr("transpose"), args=[op.expr, perm], keywords=[])


def _indexed(e: gast.expr, parts: list) -> gast.Subscript:
    return gast.Subscript(value=e, slice=gast.Tuple(elts=parts, ctx=gast.Load()),
                          ctx=gast.Load())


def contraction(ops: list[Operand], reduced: set[int]) -> tuple[gast.expr, tuple] | None:
    """The sum over the frame axes ``reduced`` of the product of ``ops``: (expression,
    the frame axes it spans, in order); None when it is not a product of two arrays
    or a matrix product."""
    ops = _private_sums(ops, reduced)
    shared = sorted({x for op in ops for x in op.labels} & reduced)
    if len(ops) == 1:
        return ops[0].expr, ops[0].labels
    union = tuple(sorted({x for op in ops for x in op.labels}))
    if not shared and len(ops) == 2:
        return gast.BinOp(left=_aligned(ops[0], union), op=gast.Mult(),
                          right=_aligned(ops[1], union)), union
    if len(ops) == 2 and len(shared) == 1:
        product = _matmul(ops[0], ops[1], shared[0]) or _batched(ops[0], ops[1], shared[0])
        if product is not None:
            return product
    if len(ops) == 2 and ops[0].labels == ops[1].labels and list(union) == shared:
        return flat_dot(ops[0].expr, ops[1].expr), ()  # (np.sum(A * B) of matrices)
    return None  # (np.einsum would do: it has no counterpart in the array API)


def _private_sums(ops: list[Operand], reduced: set[int]) -> list[Operand]:
    """Each operand summed over the reduced axes no other operand spans."""
    out = []
    for k, op in enumerate(ops):
        others = {x for j, o in enumerate(ops) if j != k for x in o.labels}
        out.append(_summed(op, {x for x in op.labels if x in reduced and x not in others}))
    return out


def int_literal(e: gast.expr) -> int | None:
    """The value of ``3`` or ``-1`` written as a literal."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        inner = int_literal(e.operand)
        return None if inner is None else -inner
    return e.value if isinstance(e, gast.Constant) and type(e.value) is int else None


def is_whole_slice(p: gast.expr) -> bool:
    """``:`` (a slice or ``slice(None, None)``), no step."""
    if isinstance(p, gast.Slice):
        return p.lower is None and p.upper is None and p.step is None
    return isinstance(p, gast.Call) and isinstance(p.func, gast.Name) and \
        p.func.id == "slice" and len(p.args) == 2 and not p.keywords and \
        all(isinstance(a, gast.Constant) and a.value is None for a in p.args)


def is_new_axis(p: gast.expr) -> bool:
    return isinstance(p, gast.Constant) and p.value is None


def view(e: gast.expr, frame: tuple, facts: dims.Facts) -> Operand | None:
    """``e`` as an array and the frame axes it spans: a name (right-aligned), a name
    indexed by new axes and whole slices, or ``np.expand_dims`` of a name."""
    spans = None
    base = e
    if isinstance(e, gast.Subscript) and isinstance(e.value, gast.Name):
        parts = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
        if not all(is_new_axis(p) or is_whole_slice(p) for p in parts):
            return None
        base, spans = e.value, [k for k, p in enumerate(parts) if not is_new_axis(p)]
        rank = facts.of(base)
        if not isinstance(rank, tuple) or len(spans) > len(rank):
            return None
        extra = len(rank) - len(spans)  # whole axes the index leaves implicit
        spans += list(range(len(parts), len(parts) + extra))
        width = len(parts) + extra
    elif isinstance(e, gast.Call) and is_expand_dims(e) and isinstance(e.args[0], gast.Name):
        base, shape = e.args[0], facts.of(e.args[0])
        k = int_literal(e.args[1])
        if not isinstance(shape, tuple) or type(k) is not int or \
                not -len(shape) - 1 <= k <= len(shape):
            return None
        width = len(shape) + 1
        spans = [x for x in range(width) if x != k % width]
    elif isinstance(e, gast.Name):
        shape = facts.of(e)
        if not isinstance(shape, tuple):
            return None
        width, spans = len(shape), list(range(len(shape)))
    else:
        return None
    shape = facts.of(base)
    offset = len(frame) - width
    if offset < 0 or not dims.known(shape) or len(shape) != len(spans):
        return None
    labels = tuple(x + offset for x in spans)
    if any(shape[k] != frame[x] for k, x in enumerate(labels)):
        return None  # a length-1 axis broadcast (or another length): not a plain view
    return Operand(base, labels)


def is_expand_dims(e: gast.Call) -> bool:
    f = e.func
    return isinstance(f, gast.Attribute) and f.attr == "expand_dims" and \
        isinstance(f.value, gast.Name) and f.value.id == "np" and len(e.args) == 2 and \
        not e.keywords
