"""Core runtime: zeros and sums of adjoints of any structure, unbroadcast, and what
``stop_gradient`` is.  Writes into arrays and containers (functional and in place) are
in :mod:`writes`; the user's lists, tuples and dicts as values in :mod:`containers`."""
from __future__ import annotations

from typing import Any

import numpy as np

from .axis_sums import sum_axes

__all__ = [
    "unbroadcast", "sum_axes", "zeros_like", "add_grads", "stop_gradient", "fresh",
    "iteration_items", "items_adjoint", "user_cotangents", "user_jvp", "shape_of", "Shape",
    "sequence_adjoint", "python_number",
]


class Shape:
    """What the reverse sweep keeps of an array it needs only the shape of."""

    __slots__ = ("shape", "dtype")

    def __init__(self, shape: tuple, dtype: Any) -> None:
        self.shape, self.dtype = shape, dtype

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"Shape({self.shape})"


def shape_of(x: Any) -> Any:
    """Keep an array's shape, not its memory (numbers are kept as they are)."""
    return Shape(x.shape, x.dtype) if isinstance(x, np.ndarray) else x


def python_number(x: Any) -> Any:
    """A NumPy scalar as the Python number it holds (what a NumPy scalar's ``*`` gives
    the object on its right's ``__rmul__``: ``float`` of an ``np.float32``), else ``x``."""
    return x.item() if isinstance(x, np.generic) else x


def stop_gradient(x: Any) -> Any:
    """Return ``x``; no gradient flows through it."""
    return x


def same_kind(x: list | tuple, items: list) -> Any:
    """``items`` as a container of ``x``'s kind: a list, a tuple, a named tuple (whose
    class takes its fields one by one)."""
    if type(x) is list:
        return items
    return type(x)(*items) if hasattr(x, "_fields") else type(x)(items)


def unbroadcast(g: Any, x: Any) -> Any:
    """Sum ``g`` over the axes that broadcasting added to ``x``'s shape."""
    if type(x) is np.ndarray:
        shape = x.shape
    elif isinstance(x, (list, tuple, dict)) and isinstance(g, (list, tuple, dict)):
        if not isinstance(x, dict) and len(g) != len(x):  # (a container's adjoint: as
            raise joined_lists()  # it is, items of any shapes; add_at's of an item)
        return g
    else:
        shape = np.shape(x)
    gshape = g.shape if type(g) is np.ndarray else np.shape(g)
    if gshape == shape:  # a real value's adjoint is real (a NumPy number's too: np.abs(z)
        if type(g) is np.ndarray:  # of a complex number z; not a Python float, which
            return g.real if g.dtype.kind == "c" and not np.iscomplexobj(x) else g
        return g.real if isinstance(g, (complex, np.complexfloating)) and type(x) not in (
            float, int) and not np.iscomplexobj(x) else g  # stands for any number: 0.0)
    if isinstance(x, (list, tuple)) and isinstance(g, (list, tuple)) and len(g) != len(x):
        raise joined_lists()
    g = np.asarray(g)
    if g.dtype.kind == "c" and not np.iscomplexobj(x):
        g = g.real
    extra = g.ndim - len(shape)
    if extra == 1 and gshape[1:] == shape:  # a bias added to each row
        return g.sum(axis=0) if g.size < 4096 else sum_axes(g, (0,))
    axes = tuple(range(extra)) + tuple(
        i + extra for i, n in enumerate(shape) if n == 1 and gshape[i + extra] != 1)
    if not shape:
        g = sum_axes(g, axes)
        return g.item() if isinstance(x, (int, float)) else g.reshape(())
    if g.size < 4096:  # small: numpy's own loop, the shape kept
        g = g.sum(axis=axes, keepdims=True)
        return g.reshape(shape) if extra else g
    return sum_axes(g, axes).reshape(shape)


def adjoint_items(g: Any, x: Any) -> Any:
    """``g``, the adjoint of the list or tuple ``x``, checked to have one item per item
    of ``x``: one with more is two adjoints joined by ``+``, which would give the first
    items their sum's share and drop the rest (a wrong gradient, never silent)."""
    if isinstance(g, (list, tuple)) and len(g) != len(x):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(
            f"<s2sad>:?: the adjoint of a list of {len(x)} items has {len(g)}: two adjoints "
            "joined as lists, an s2sad bug; please report it; meanwhile build the list "
            "with np.array (an array's adjoints add)")
    return g


def joined_lists() -> Exception:
    """``a + b`` or ``a * n`` of lists (or tuples) the compiler could not tell from
    numbers or arrays (a helper's result unpacked): Python joins or repeats them, and
    the derivative of a sum or product would spread the adjoint wrongly."""
    from s2sad.errors import DifferentiationError
    return DifferentiationError(
        "<s2sad>:?: + or * of lists (or tuples) whose kind is not known where the "
        "derivative is made: its derivative would be that of a sum or a product; write "
        "list(a) + list(b), list(a) * n")


def list_slice_kept(x: Any, idx: Any, v: Any) -> None:
    """Refuses ``xs[a:b] = v`` of a list where ``v`` has another length than the slice:
    the list grows or shrinks, and the adjoint rule of a write (``zero_at``,
    ``written_part``) reads the slice of the new list by the old one's positions."""
    if type(idx) is slice and isinstance(x, list) and hasattr(v, "__len__") and \
            len(range(len(x))[idx]) != len(v):
        from s2sad.errors import DifferentiationError
        raise DifferentiationError(
            "<s2sad>:?: a slice assignment that changes a list's length (xs[a:b] = v with "
            "len(v) != b - a): build the new list instead, xs = xs[:a] + list(v) + xs[b:]")


def every_item_of_list() -> Exception:
    """``xs[...] = v`` of a list: ``xs.sort()`` of a name the compiler took for an
    array (``compiler.in_place_methods``), a list at run time."""
    from s2sad.errors import DifferentiationError
    return DifferentiationError(
        "<s2sad>:?: .sort() of a list changes it in place: write xs = sorted(xs)")


_FLOAT64 = np.dtype(np.float64)
_REAL_NUMBERS = (float, int, np.float64, np.float32, np.int64, np.int32)  # (not bool)


def zeros_like(x: Any) -> Any:
    """A zero adjoint with the structure of ``x`` (float, array, list, dict)."""
    if (type(x) is np.ndarray or type(x) is Shape) and x.dtype is _FLOAT64:
        return np.zeros(x.shape)  # (np.result_type costs 2 us: a loop's pushed shapes too)
    if isinstance(x, (np.ndarray, Shape)):
        return np.zeros(x.shape, dtype=np.result_type(x.dtype, float))
    if isinstance(x, list):
        if _numbers(x):  # (the gradient casts each to float)
            return [0.0] * len(x)
        return [zeros_like(v) for v in x]
    if isinstance(x, tuple):  # a namedtuple (SlogdetResult) takes its fields by position
        items = [zeros_like(v) for v in x]
        return type(x)(*items) if hasattr(x, "_fields") else tuple(items)
    if isinstance(x, dict):
        return {k: zeros_like(v) for k, v in x.items()}
    if isinstance(x, np.generic):
        return np.zeros((), dtype=np.result_type(x.dtype, float))[()]
    if isinstance(x, range):  # (zip(xs, range(n)): its items are read one by one)
        return [0.0] * len(x)
    if isinstance(x, str):  # (zip("abc", xs): its characters, texts, are read one by one)
        return _TEXT_ZERO
    return 0.0


class _TextZero(float):
    """The zero adjoint (tangent) of a text: 0.0, whose items, the zeros of its
    characters, are itself."""

    def __getitem__(self, idx: Any) -> float:
        return self


_TEXT_ZERO = _TextZero(0.0)


def _numbers(items: list) -> bool:
    """Only real numbers (no bool): a list whose adjoint is a list of floats."""
    return all(type(v) in _REAL_NUMBERS for v in items)


def add_grads(a: Any, b: Any) -> Any:
    """Sum two adjoints of the same structure; ``None`` means zero."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, (list, tuple)):
        if isinstance(b, (list, tuple)) and len(a) != len(b):
            return _other_length(a, b)
        if type(a) is list and type(b) is list and _numbers(a) and _numbers(b):
            return [u + v for u, v in zip(a, b)]  # (a list of numbers' adjoint, no calls)
        return same_kind(a, [add_grads(u, v) for u, v in zip(a, b)])
    if isinstance(a, dict):  # (a dict filled in a loop: an earlier one has fewer keys,
        # and a key it lacks had no adjoint there: zero)
        return {k: add_grads(a.get(k), b.get(k)) for k in {**a, **b}}
    return a + b


def _other_length(a: list | tuple, b: list | tuple) -> Any:
    """Two adjoints of one list of other lengths: the longer one zeros (an item cleared
    after a later version of the list grew, plus the earlier version's adjoint), or the
    list was repeated or joined as numbers are, which no derivative follows: refused."""
    longer, shorter = (a, b) if len(a) > len(b) else (b, a)
    if not any(_nonzero(u) for u in longer):
        return shorter
    raise joined_lists()


def _nonzero(v: Any) -> bool:
    if v is None:
        return False
    if isinstance(v, (list, tuple)):
        return any(_nonzero(u) for u in v)
    if isinstance(v, dict):
        return any(_nonzero(u) for u in v.values())
    return bool(np.any(v != 0))


def iteration_items(x: Any, count: int | None = None) -> Any:
    """What ``for v in x`` goes through, by index: a dict's keys, a set's items (in the
    order Python's loop takes them), else ``x`` itself.  ``count``: ``x`` is unpacked
    into that many names (``a, b, c = x``), which raises unless it holds that many, as
    Python does (the shape facts then know its length)."""
    items = list(x) if isinstance(x, (dict, set, frozenset)) else x
    if count is None:
        return items
    shape = getattr(items, "shape", None)  # (an array of another library may have no len)
    n = shape[0] if shape else len(items)
    if n != count:
        raise ValueError(f"too many values to unpack (expected {count})" if n > count else
                         f"not enough values to unpack (expected {count}, got {n})")
    return items


def items_adjoint(g: Any, x: Any) -> Any:
    """Adjoint of :func:`iteration_items`: a dict's keys carry no gradient (a set holds
    no differentiated value: refused, ``compiler/sets.py``)."""
    return zeros_like(x) if isinstance(x, dict) else g


def fresh(g: Any) -> Any:
    """A copy that the adjoint owns, so an in-place ``add_at`` touches no other."""
    if isinstance(g, np.ndarray):
        return g.copy()
    if isinstance(g, (list, dict)):
        return g.copy()
    return g


def user_cotangents(cots: Any, args: tuple, active: tuple | None = None) -> tuple:
    """What a ``defvjp`` rule returned, one per argument; ``None`` becomes zeros (for
    the arguments the derivative reads: ``active``, when given)."""
    if not isinstance(cots, (tuple, list)) or len(args) == 1 and len(cots) != 1:
        cots = (cots,)
    if len(cots) != len(args):
        raise TypeError(f"a defvjp rule returned {len(cots)} cotangent(s) for {len(args)} "
                        "positional argument(s); return one per argument (None for none)")
    if active is None:
        active = (True,) * len(args)
    return tuple(zeros_like(a) if c is None and on else c
                 for c, a, on in zip(cots, args, active))


def user_jvp(tangent: Any) -> Any:
    """The output tangent of a ``defjvp`` rule (``None`` means zero)."""
    return 0.0 if tangent is None else tangent


def sequence_adjoint(g: Any, x: Any) -> Any:
    """Adjoint of ``list(x)`` / ``tuple(x)``: back to ``x``'s own kind (a complex
    array's adjoint keeps its imaginary part; a real one's is real); of a dict, whose
    keys they list, zeros."""
    if isinstance(x, dict):
        return zeros_like(x)
    if isinstance(x, np.ndarray):
        adjoint = np.asarray(g).reshape(x.shape)
        if adjoint.dtype.kind == "c" and x.dtype.kind != "c":
            adjoint = adjoint.real
        return adjoint.astype(complex if adjoint.dtype.kind == "c" else float)
    return same_kind(x, list(adjoint_items(g, x))) if isinstance(x, (list, tuple)) else g
