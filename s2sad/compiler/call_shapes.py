"""The table of shapes of the calls with a rule of their own (``SHAPE_RULES``), for the
shape facts of :mod:`dims`: ``np.linalg``'s decompositions and solves, transposes,
``np.diag``, ``np.diff``, ``np.append``, ``np.meshgrid``, index vectors, and the runtime
helpers that drop or keep an axis.  How shapes combine in general is
:mod:`shape_rules`."""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import affine
from s2sad.compiler.shape_rules import (
    NO,
    Items,
    _broadcast_dim,
    _int,
    _same,
    is_none,
    literal,
    matmul,
    reduced,
)


def _expanded(s: Any, axes: gast.expr) -> Any:
    """``np.expand_dims(x, (-2, -1))``: 1s inserted."""
    parts = axes.elts if isinstance(axes, gast.Tuple) else [axes]
    wanted = [_int(p) for p in parts]
    if not isinstance(s, tuple) or None in wanted:
        return None
    n = len(s) + len(wanted)
    at = {a % n for a in wanted if a is not None}  # (none is: see above)
    rest = iter(s)
    return tuple(1 if i in at else next(rest) for i in range(n))


def _slogdet(args: list, e: gast.Call) -> Any:
    return Items((args[0][:-2], args[0][:-2])) if len(args[0]) >= 2 else None


def _eigh(args: list, e: gast.Call) -> Any:
    """``(w, v)`` of a (stack of) square matrices: ``w`` without the last axis."""
    a = args[0] if args else None
    return Items((a[:-1], a)) if isinstance(a, tuple) and len(a) >= 2 else None


def _det(args: list, e: gast.Call) -> Any:
    return args[0][:-2] if len(args[0]) >= 2 else None


def _solve(args: list, e: gast.Call) -> Any:
    if len(args) != 2:
        return None
    a, b = args
    return (a[1],) + b[1:] if isinstance(b, tuple) and len(a) == 2 and len(b) in (1, 2) \
        else None


def _lu_solve(args: list, e: gast.Call) -> Any:
    """``lu_solve(factors, b, trans)``: as ``solve(a, b)`` of the matrix factored."""
    return _solve(args[:2], e) if len(args) in (2, 3) else None


def _add_grads(args: list, e: gast.Call) -> Any:
    """``add_grads(a, b)`` of two arrays of one shape (two adjoints of a value that
    might have been a container): that shape."""
    if len(args) == 2 and all(isinstance(a, tuple) for a in args) and \
            len(args[0]) == len(args[1]) and all(_same(x, y) for x, y in zip(*args)):
        return args[0]
    return None


def _transpose(args: list, e: gast.Call) -> Any:
    whole = len(args) == 1 or len(args) == 2 and is_none(e.args[1])
    if whole or not isinstance(args[0], tuple) or len(args) != 2 or \
            not isinstance(e.args[1], gast.Tuple):
        return args[0][::-1] if whole and isinstance(args[0], tuple) else None
    perm = [p.value for p in e.args[1].elts if isinstance(p, gast.Constant)]  # (literal axes)
    if sorted(perm) != list(range(len(args[0]))) or any(type(p) is not int for p in perm):
        return None
    return tuple(args[0][p] for p in perm)


def _matrix_transpose(args: list, e: gast.Call) -> Any:
    s = args[0]
    return s[:-2] + s[-1:] + s[-2:-1] if len(args) == 1 and len(s) >= 2 else None


def outer(args: list, e: gast.Call) -> Any:
    return args[0] + args[1] if len(args) == 2 and isinstance(args[1], tuple) and \
        len(args[0]) == len(args[1]) == 1 else None


def _einsum(args: list, e: gast.Call) -> Any:
    """``np.einsum("sat,t->sa", P, v)`` of a literal with an output and no ``...``: each
    output letter's length, broadcast over the operands that have it (a length 1 is
    stretched, as NumPy's einsum does)."""
    spec = e.args[0].value if e.args and isinstance(e.args[0], gast.Constant) else None
    if e.keywords or not isinstance(spec, str) or "->" not in spec or "." in spec:
        return None
    ins, out = spec.replace(" ", "").split("->")
    terms, shapes = ins.split(","), args[1:]
    if len(terms) != len(shapes) or not all(isinstance(s, tuple) and len(s) == len(t)
                                            for t, s in zip(terms, shapes)):
        return None
    lengths: dict[str, Any] = {}
    for t, s in zip(terms, shapes):
        for letter, n in zip(t, s):
            lengths[letter] = _broadcast_dim(lengths[letter], n) if letter in lengths else n
    return tuple(lengths[c] for c in out) if all(c in lengths for c in out) else None


def _diag(args: list, e: gast.Call) -> Any:
    """``np.diag(v)``, ``np.diag(v, k)`` of a vector: a square of its length plus
    ``|k|`` (the off-diagonals of a tridiagonal matrix); the diagonal of a square."""
    s = args[0]
    k = literal(e.args[1]) if len(e.args) == 2 else \
        literal(e.keywords[0].value) if len(e.keywords) == 1 and e.keywords[0].arg == "k" else 0
    if len(args) not in (1, 2) or len(e.args) + len(e.keywords) != len(args) or \
            type(k) is not int or not isinstance(s, tuple) or len(s) not in (1, 2):
        return None
    if len(s) == 1:
        side = s[0] if k == 0 else affine.value(affine.add(affine.form(s[0]),
                                                           affine.Lin((), abs(k))))
        return (side, side)
    return (s[0] if k == 0 and _same(s[0], s[1]) else None,)


def _diff(args: list, e: gast.Call) -> Any:
    """``np.diff(x, n, axis)``: the axis ``n`` shorter (``max(0, length - n)``)."""
    given = dict(zip(("a", "n", "axis"), e.args), **{k.arg: k.value for k in e.keywords})
    n, axis = (literal(given[k]) if k in given else d for k, d in (("n", 1), ("axis", -1)))
    shape = args[0]
    if set(given) - {"a", "n", "axis"} or type(n) is not int or type(axis) is not int or \
            not isinstance(shape, tuple) or not -len(shape) <= axis < len(shape):
        return None
    axis %= len(shape)
    shorter = affine.add(affine.form(shape[axis]), affine.Lin((), n), -1)
    return shape[:axis] + (affine.length(shorter, affine.CLAMPED),) + shape[axis + 1:]


def _append(args: list, e: gast.Call) -> Any:
    """``np.append(arr, values)`` (no axis): a vector of both sizes (items of rank at
    most 1: the length of a longer one's not followed)."""
    if len(args) != 2 or e.keywords or not all(isinstance(s, tuple) for s in args):
        return None
    if any(len(s) > 1 for s in args):
        return (None,)
    first, second = (affine.form(s[0] if s else 1) for s in args)
    return (affine.length(affine.add(first, second), affine.EXACT),)


def _norm(args: list, e: gast.Call) -> Any:
    """``np.linalg.norm(x, ord, axis, keepdims)``: a reduction over ``axis`` (all axes
    without one), whatever ``ord`` (the second argument, not an axis)."""
    given = dict(zip(("x", "ord", "axis", "keepdims"), e.args), **{k.arg: k.value
                                                                    for k in e.keywords})
    if set(given) - {"x", "ord", "axis", "keepdims"}:
        return None
    return reduced(args[0], given.get("axis"), given.get("keepdims"))


def _expand_dims(args: list, e: gast.Call) -> Any:
    return _expanded(args[0], e.args[1]) if len(args) == 2 else None


def _index_vectors(count: int) -> Items:
    """A tuple of ``count`` index vectors whose lengths are not known here."""
    return Items(tuple((None,) for _ in range(count)))


def _nonzero(args: list, e: gast.Call) -> Any:
    """``np.nonzero(x)``: one index vector per axis of ``x``, of the count of its nonzero
    items (its values': not known here)."""
    return _index_vectors(len(args[0])) if isinstance(args[0], tuple) and args[0] else None


def _meshgrid(args: list, e: gast.Call) -> Any:
    """``np.meshgrid`` of vectors: one grid per vector, each of their lengths (the first
    two swapped for ``indexing="xy"``, the default); sparse grids are not followed."""
    given = {k.arg: literal(k.value) for k in e.keywords}
    indexing = given.pop("indexing", "xy")
    if set(given) - {"copy"} or indexing not in ("xy", "ij") or \
            not all(isinstance(a, tuple) and len(a) == 1 for a in args):
        return None
    lengths = [a[0] for a in args]
    if indexing == "xy" and len(lengths) > 1:
        lengths[:2] = lengths[1::-1]
    return Items((tuple(lengths),) * len(args))


def _last_dropped(args: list, e: gast.Call) -> Any:
    """``max_last(x)``: ``x``'s shape without its last axis (kept as 1 with a literal
    ``True``)."""
    if not args or not isinstance(args[0], tuple) or not args[0] or e.keywords:
        return None
    keep = literal(e.args[1]) if len(e.args) > 1 else False
    return args[0][:-1] + (1,) if keep is True else args[0][:-1] if keep is False else None


def _taken_along(args: list, e: gast.Call) -> Any:
    """``np.take_along_axis(a, idx, axis)``: the index's shape, where the other axes are
    ``a``'s (no broadcasting between them) or the axis is None (a vector index); a
    probe's float stand-ins would not index."""
    axis = literal(e.args[2]) if len(e.args) == 3 and not e.keywords else \
        literal(e.keywords[0].value) if len(e.args) == 2 and len(e.keywords) == 1 and \
        e.keywords[0].arg == "axis" else NO
    if len(args) < 2 or not isinstance(args[1], tuple) or not (
            axis is None or type(axis) is int):
        return None
    a, idx = args[0], args[1]
    if axis is None:
        return idx if len(idx) == 1 else None
    if len(a) != len(idx) or not -len(a) <= axis < len(a):
        return None
    axis %= len(a)
    return idx if all(_same(x, y) for k, (x, y) in enumerate(zip(a, idx)) if k != axis) \
        else None


def _axes_reduced(args: list, e: gast.Call) -> Any:
    """``sum_axes(x, axes)`` (``max_axes``, ``min_axes``; ``keepdims``): x's shape
    reduced over those axes."""
    if 2 <= len(e.args) <= 3 and not e.keywords:
        return reduced(args[0], e.args[1], e.args[2] if len(e.args) > 2 else None)
    return None


SHAPE_RULES = {np.shape: lambda args, e: (len(args[0]),), len: lambda args, e: (),
                np.triu_indices: lambda args, e: _index_vectors(2),  # (of n and k)
                np.tril_indices: lambda args, e: _index_vectors(2), np.nonzero: _nonzero,
                np.flatnonzero: lambda args, e: (None,),  # (an index vector, whatever x)
                np.digitize: lambda args, e: args[0],  # (a bin per value; its bins sorted)
                np.searchsorted: lambda args, e: args[1] if len(args) > 1 else None,
                runtime.reduced_size: lambda args, e: (),  # a count
                np.linalg.slogdet: _slogdet, np.linalg.det: _det, np.linalg.solve: _solve,
                np.linalg.eigh: _eigh, np.linalg.eigvalsh: lambda args, e: args[0][:-1]
                if len(args[0]) >= 2 else None,
                np.transpose: _transpose, np.matrix_transpose: _matrix_transpose,
                np.take_along_axis: _taken_along,
                np.outer: outer, np.einsum: _einsum, np.diag: _diag,
                np.expand_dims: _expand_dims, np.diff: _diff,
                np.linalg.norm: _norm, np.append: _append, np.meshgrid: _meshgrid,
                runtime.lu_solve: _lu_solve,
                runtime.tri_solve: lambda args, e: _solve(args[:2], e) if len(args) in (3, 4)
                else None,  # (a square a: it ran; a^-T b is as long as a^-1 b)
                runtime.add_grads: _add_grads,
                runtime.sum_last: lambda args, e: args[0][:-1] if len(args) == 1 and
                isinstance(args[0], tuple) and args[0] else None,
                runtime.max_last: _last_dropped, runtime.min_last: _last_dropped,
                runtime.sum_axes: _axes_reduced, runtime.max_axes: _axes_reduced,
                runtime.min_axes: _axes_reduced,
                np.matmul: lambda args, e: matmul(*args) if len(args) == 2 and
                not e.keywords and all(isinstance(a, tuple) for a in args) else None}
