"""Part of stage 3c (:mod:`alias_writes`): where in one root array two views lie, to
decide whether NumPy's ``dst[...] = src`` of a ``src`` sharing memory with ``dst``
gives what a copy of ``src`` first would (what a derivative of the written values
follows).

NumPy (``PyArray_AssignArray``) copies ``src`` first where ``dst`` has two axes or
more, or one axis walked in the direction opposite to ``src``'s last; a ``dst`` of one
axis is otherwise copied element by element, forward or backward as the addresses
say.  That order is right for any overlap where the two walk memory with equal
strides (``y[1:] = y[:-1]``, ``r[1:, 0] = r[:-1, 1]``); with unequal strides
(``r[:, 4] = r[2]``, ``y[::2] = y[:3]``) an element the write has already changed
may be read, or not, depending on the addresses: those writes are refused.

A view is followed from its root through each index and transpose: per axis it keeps,
the root's axis it walks and its step there (``r[1:, ::2][0]`` walks axis 1 of ``r``
by 2); per root axis a number took, the position when it is known.  Root arrays are
taken to walk memory forward along every axis (what NumPy makes them).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import gast


@dataclass(frozen=True)
class Axis:
    root: int | None   # the root array's axis walked; None: a new axis (length 1)
    step: int | None   # root elements per step (its sign the direction); None: unknown
    start: int | None  # the root position of its first element, where known
    whole: bool = True  # all of the root axis, in order (a negative int counts from its end)
    most: int | None = None  # at most this many elements, where a literal bound says


@dataclass(frozen=True)
class Layout:
    axes: tuple[Axis, ...]
    taken: tuple[tuple[int, int | None], ...] = ()  # (root axis, position) a number took


def of_rank(rank: int) -> Layout:
    """A root array itself."""
    return Layout(tuple(Axis(k, 1, 0) for k in range(rank)))


def transposed(layout: Layout) -> Layout:
    return Layout(layout.axes[::-1], layout.taken)


def indexed(layout: Layout, index: gast.expr, is_number: Callable[[str], bool]
            ) -> Layout | None:
    """The layout of ``view[index]`` (an index of ints, names of numbers, slices of
    int literals, ``None`` and ``...``); None where it is not known."""
    parts = list(index.elts) if isinstance(index, gast.Tuple) else [index]
    consuming = [p for p in parts if not _constant(p, None) and not _constant(p, Ellipsis)]
    rest = len(layout.axes) - len(consuming)
    if rest < 0 or sum(_constant(p, Ellipsis) for p in parts) > 1:
        return None
    axes, taken = list(layout.axes), list(layout.taken)
    out: list[Axis] = []
    for p in parts:
        if _constant(p, None):
            out.append(Axis(None, 0, 0, most=1))
        elif _constant(p, Ellipsis):
            out += axes[:rest]
            del axes[:rest]
        elif _slice_parts(p) is not None:
            out.append(_sliced(axes.pop(0), *_slice_parts(p)))  # type: ignore[misc]
        elif isinstance(p, gast.Constant) and type(p.value) is int or \
                isinstance(p, gast.Name) and is_number(p.id):
            axis = axes.pop(0)
            if axis.root is not None:
                taken.append((axis.root, _position(axis, p)))
        else:
            return None
    return Layout(tuple(out + axes), tuple(taken))


def disjoint(a: Layout, b: Layout) -> bool:
    """A root axis both took by a number, at different known positions of one sign."""
    return any(x == y and p is not None and q is not None and p != q and (p < 0) == (q < 0)
               for x, p in a.taken for y, q in b.taken)


def copied_right(dst: Layout, src: Layout) -> bool:
    """Does NumPy's ``dst[...] = src`` give what copying ``src`` first gives, whatever
    the addresses?  (See the module docstring.)"""
    if len(dst.axes) != 1:
        return True  # (copied first where dst has two axes; one element is one copy)
    if not src.axes:
        return True
    if any(a.root is not None for a in src.axes[:-1]):
        return False  # (more axes than dst: of length 1 or an error; not followed)
    mine, theirs = dst.axes[0], src.axes[-1]
    if theirs.root is None or mine.root is None or mine.most is not None and mine.most <= 1:
        return True  # (one element read again and again, or written again and again)
    if mine.step is None or theirs.step is None:
        return False
    if mine.root == theirs.root and mine.step == theirs.step or \
            (mine.step < 0) != (theirs.step < 0):  # (opposite directions: copied first)
        return True
    return mine.root == theirs.root and _on_one_line(dst, src, mine.root) and \
        mine.start is not None and theirs.start is not None and mine.most is not None and \
        all(_copied_in_order(mine.start, mine.step, theirs.start, theirs.step, n)
            for n in range(2, mine.most + 1))


def _on_one_line(dst: Layout, src: Layout, axis: int) -> bool:
    """Both take every other root axis at one known position."""
    a, b = dict(dst.taken), dict(src.taken)
    return set(a) == set(b) and axis not in a and \
        all(a[k] is not None and a[k] == b[k] for k in a)


def _copied_in_order(d0: int, dstep: int, s0: int, sstep: int, n: int) -> bool:
    """NumPy's copy of ``n`` elements along one line (positions ``s0 + k * sstep`` into
    ``d0 + j * dstep``, both steps of one sign): backwards where the source starts before
    the destination and reaches it, else forwards; right where no element is read after
    this copy has written it.  (Negative steps are walked from their other end first, as
    NumPy's iterator turns them.)"""
    if dstep < 0:
        d0, dstep, s0, sstep = d0 + (n - 1) * dstep, -dstep, s0 + (n - 1) * sstep, -sstep
    backward = s0 < d0 and s0 + n * sstep > d0
    written = set()
    for j in range(n - 1, -1, -1) if backward else range(n):
        if s0 + j * sstep in written:
            return False
        written.add(d0 + j * dstep)
    return True


def _constant(p: gast.expr, value: object) -> bool:
    return isinstance(p, gast.Constant) and p.value is value


def _slice_parts(p: gast.expr) -> tuple | None:
    """(lower, upper, step) of ``a:b:c`` or ``slice(a, b, c)``, else None."""
    if isinstance(p, gast.Slice):
        return p.lower, p.upper, p.step
    if isinstance(p, gast.Call) and isinstance(p.func, gast.Name) and \
            p.func.id == "slice" and not p.keywords and 1 <= len(p.args) <= 3:
        args = list(p.args)
        return (None, args[0], None) if len(args) == 1 else tuple(args + [None] * (3 - len(args)))
    return None


def _literal(e: gast.expr | None, default: int | None) -> int | None:
    if e is None or _constant(e, None):
        return default
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub):
        inner = _literal(e.operand, None)
        return None if inner is None else -inner
    return e.value if isinstance(e, gast.Constant) and type(e.value) is int else None


def _sliced(axis: Axis, lower: gast.expr | None, upper: gast.expr | None,
            step: gast.expr | None) -> Axis:
    k = _literal(step, 1)
    low = _literal(lower, 0 if k is not None and k > 0 else None)
    if axis.root is None:
        return axis
    new_step = None if k is None or axis.step is None else axis.step * k
    start = None if low is None or low < 0 or axis.start is None or axis.step is None \
        else axis.start + low * axis.step
    every = axis.whole and k == 1 and low == 0 and (upper is None or _constant(upper, None))
    return Axis(axis.root, new_step, start, every, _most(axis, low, _literal(upper, None), k))


def _most(axis: Axis, low: int | None, high: int | None, k: int | None) -> int | None:
    """At most how many elements ``[low:high:k]`` takes (non-negative literals, k > 0)."""
    if k is None or k <= 0 or low is None or low < 0:
        return None
    ends = [e for e in (high, axis.most) if e is not None and e >= 0]
    return max(0, -(-(min(ends) - low) // k)) if ends else None


def _position(axis: Axis, p: gast.expr) -> int | None:
    """The root position a number takes on ``axis``: a literal on a whole axis (either
    sign), or a non-negative literal where the axis's start and step are known."""
    k = _literal(p, None)
    if k is None or axis.start is None or axis.step is None:
        return None
    if axis.whole:
        return k
    return axis.start + k * axis.step if k >= 0 else None
