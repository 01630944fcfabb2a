"""Affine lengths for the shape facts of :mod:`dims`: ``b - a + 1`` over the shape
symbols (each the length of an argument's axis, so never negative) and ints.

A length such as ``x.shape[0] - k + 1`` is neither a symbol nor an int; as a ``Lin``
(a normalised affine form, so equal forms compare equal) it can still be matched with
another length of the same form: ``x[1:]`` and ``x[:-1]`` are both ``max(0, b - 1)``
long, ``out = np.zeros(n)`` and ``x[j:j + n]`` inside ``for j in range(k)`` both ``n``.

A form may be negative where a length never is, so a ``Lin`` length says how the form
gives the length (its ``kind``): ``EXACT`` is the form itself (so the form is not
negative whenever such a value exists), ``CLAMPED`` is ``max(0, form)``, ``GUARDED``
is the form when the form is not negative and unknown otherwise (a slice whose end may
wrap round).  As the value of an int name (:attr:`dims.Facts.sizes`) a ``Lin`` is the
same: ``m = x[1:].shape[0]`` holds ``max(0, b - 1)``; only ``EXACT`` values take part in
arithmetic.  A form that may equal 1 is never taken for "not 1" (as a symbol is):
broadcasting a ``Lin`` against anything but the same form learns nothing of it.

Variables are shape symbols (``"a"``) or, inside one loop body only, the loop's
counter (``"#j"``, see :mod:`windows`); a length kept in the facts has no counter.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

EXACT, CLAMPED, GUARDED = "exact", "clamped", "guarded"
_LOOSER = {EXACT: 0, CLAMPED: 1, GUARDED: 2}  # how little the kind says of the length
COUNTER = "#"  # prefix of a loop counter's variable


@dataclass(frozen=True)
class Lin:
    """``const + sum(coeff * var)``; ``terms`` sorted, no zero coefficient."""

    terms: tuple[tuple[str, int], ...]
    const: int
    kind: str = EXACT
    step: int = 1  # > 1: the length is ceil(max(0, form) / step) (``x[1:-1:2]``), CLAMPED

    def __str__(self) -> str:
        parts = [f"{c}*{v}" if c != 1 else v for v, c in self.terms]
        text = " + ".join(parts + [str(self.const)])
        text = text if self.step == 1 else f"ceil(({text}) / {self.step})"
        return text + ("" if self.kind == EXACT else f" ({self.kind})")


def form(d: Any) -> Lin | None:
    """The exact value of a dimension or an int as a form (None: not exact or unknown);
    a symbol ``"4*a"`` (a shape class's multiple, :func:`shape_classes.symbolic`) is ``4 * a``."""
    if type(d) is int:
        return Lin((), d)
    if isinstance(d, str):
        base, plus, off = d.partition("+")  # ("a+1": a shape class's offset)
        if plus:
            return Lin(((base, 1),), int(off))
        k, star, base = d.partition("*")
        return Lin(((base, int(k)),), 0) if star else Lin(((d, 1),), 0)
    return d if isinstance(d, Lin) and d.kind == EXACT else None


def _symbol(f: Lin) -> str | None:
    """The symbol of a form that is one (``a``, a multiple ``4*a``, an offset ``a+1``)."""
    if len(f.terms) != 1 or f.terms[0][0].startswith(COUNTER) or \
            f.terms[0][1] < 1 or "*" in f.terms[0][0] or "+" in f.terms[0][0]:
        return None
    v, c = f.terms[0]
    if f.const:
        return f"{v}+{f.const}" if c == 1 and f.const in OFFSETS else None
    return v if c == 1 else f"{c}*{v}"


OFFSETS = (1,)  # (shape_classes.OFFSETS: the offsets a shape class's symbol may have)


def _lin(d: Any) -> Any:
    """A multiple's or an offset's symbol as its (exact) form, to compare with forms."""
    return form(d) if isinstance(d, str) and ("*" in d or "+" in d) else d


def counter(name: str) -> Lin:
    return Lin(((COUNTER + name, 1),), 0)


def add(a: Lin | None, b: Lin | None, sign: int = 1) -> Lin | None:
    """``a + sign * b`` (None if either is unknown)."""
    return None if a is None or b is None else _plus(a, b, sign)


def _plus(a: Lin, b: Lin, sign: int = 1) -> Lin:
    terms = dict(a.terms)
    for v, c in b.terms:
        terms[v] = terms.get(v, 0) + sign * c
    return Lin(tuple(sorted((v, c) for v, c in terms.items() if c)), a.const + sign * b.const)


def scale(a: Lin | None, k: int) -> Lin | None:
    return None if a is None else _times(a, k)


def _times(a: Lin, k: int) -> Lin:
    return Lin(tuple((v, c * k) for v, c in a.terms if c * k), a.const * k)


def divided(a: Lin | None, k: Lin | None) -> Lin | None:
    """``a // k`` of an int ``k > 0`` dividing every coefficient of ``a`` (exact: an
    LSTM's ``W.shape[0] // 4`` of a ``4*a`` axis is ``a``), else None."""
    if a is None or k is None or k.terms or k.const <= 0 or a.const % k.const or \
            any(c % k.const for _, c in a.terms):
        return None
    return Lin(tuple((v, c // k.const) for v, c in a.terms), a.const // k.const)


def value(f: Lin | None) -> Any:
    """An exact int value in the facts' terms: an int, a symbol, or the form."""
    if f is None:
        return None
    if not f.terms:
        return f.const
    return _symbol(f) or f


def length(f: Lin | None, kind: str) -> Any:
    """The dimension a form gives, of ``kind``: an int, a symbol, a ``Lin``, or None
    (unknown; always so for a form with a loop counter, which changes trip by trip)."""
    if f is None or any(v.startswith(COUNTER) for v, _ in f.terms):
        return None
    if not f.terms:
        return f.const if f.const >= 0 else 0 if kind == CLAMPED else None
    if _symbol(f):
        return _symbol(f)  # a symbol is a length: never negative, all kinds agree
    return Lin(f.terms, f.const, EXACT if nonneg(f) else kind)


def strided(f: Lin | None, step: int) -> Any:
    """The length ``ceil(max(0, f) / step)`` of a slice with a step (``x[1:-1:2]``): an
    int, or a form that equals only the same form of the same step (never exact, so
    never taken for a length of at least 2, nor used in arithmetic)."""
    if f is None or any(v.startswith(COUNTER) for v, _ in f.terms):
        return None
    if not f.terms:
        return -(-max(0, f.const) // step)
    return Lin(f.terms, f.const, CLAMPED, step)


Bounds = Callable[[str], "tuple | None"]  # counter -> (lowest, highest, depth)


def nonneg(f: Lin, bounds: Bounds | None = None) -> bool:
    """``f >= 0`` for every value of its variables: symbols are lengths of at least 2
    (a shape class has 0 and 1 as ints, :func:`shape_classes.symbolic`),
    each loop counter is replaced by the end of its range that makes ``f`` least (the
    innermost, deepest, first: its ends may hold an outer loop's counter)."""
    for _ in range(32):
        counters = [(v, c, bounds(v) if bounds else None) for v, c in f.terms
                    if v.startswith(COUNTER)]
        if not counters:
            return all(c > 0 for _, c in f.terms) and \
                f.const + 2 * sum(c for _, c in f.terms) >= 0
        ends = [(b[2], v, c, b[0] if c > 0 else b[1]) for v, c, b in counters if b]
        if len(ends) < len(counters) or any(end is None for *_, end in ends):
            return False
        _, var, c, end = max(ends, key=lambda t: t[0])
        f = _plus(_plus(f, Lin(((var, c),), 0), -1), _times(end, c))
    return False


def long(d: Any) -> bool:
    """A length surely at least 2, as a symbol is (``2 * a`` of a shape class's multiple,
    :func:`shape_classes.symbolic`): broadcasting keeps it, so it is surely not 1."""
    return isinstance(d, str) or isinstance(d, Lin) and d.kind == EXACT and \
        not any(v.startswith(COUNTER) for v, _ in d.terms) and \
        nonneg(_plus(Lin(d.terms, d.const), Lin((), 2), -1))


def substitute(d: Any, known: dict[str, int]) -> Any:
    """A length with the symbols whose int broadcasting fixed replaced by it."""
    if not isinstance(d, Lin) or not any(v in known for v, _ in d.terms):
        return d
    f = Lin((), d.const)
    for v, c in d.terms:
        f = _plus(f, _times(Lin((), known[v]) if v in known else Lin(((v, 1),), 0), c))
    return length(f, d.kind) if d.step == 1 else strided(f, d.step)


def _form_of(d: Any) -> tuple | None:
    return (d.terms, d.const, d.step) if isinstance(d, Lin) else None


def same(a: Any, b: Any) -> bool:
    """Two lengths of values that exist together are surely equal: equal ints or
    symbols, or one form where one of them is exact (so the form is not negative) or
    both clamped (both ``max(0, form)``); two guarded ones may differ."""
    if isinstance(a, Lin) or isinstance(b, Lin):
        a, b = _lin(a), _lin(b)
    if not isinstance(a, Lin) or not isinstance(b, Lin):
        return a is not None and a == b
    return _form_of(a) == _form_of(b) and (EXACT in (a.kind, b.kind) or
                                           a.kind == b.kind == CLAMPED)


def broadcast(a: Any, b: Any) -> Any:
    """The length of two broadcast against each other, one a ``Lin``: the same form as
    ``same`` finds it; a form against anything else may be 1 there, so the other length
    when that one is surely not 1 (a symbol, an int); else unknown."""
    if isinstance(a, Lin) or isinstance(b, Lin):
        a, b = _lin(a), _lin(b)
    if same(a, b):
        out = a if isinstance(a, Lin) and a.kind == EXACT else b
        return (_symbol(out) or out) if isinstance(out, Lin) and out.kind == EXACT else out
    if _form_of(a) is not None and _form_of(a) == _form_of(b):
        return Lin(a.terms, a.const, CLAMPED, a.step) if CLAMPED in (a.kind, b.kind) \
            else None
    other = b if isinstance(a, Lin) else a
    return other if isinstance(other, (str, int)) and not isinstance(other, Lin) else None


def join(a: Any, b: Any) -> Any:
    """The length a name has when either definition may have given it: the looser kind
    of one form (``EXACT`` and ``CLAMPED``: clamped, which an exact length also is)."""
    if isinstance(a, Lin) or isinstance(b, Lin):
        a, b = _lin(a), _lin(b)
    if not isinstance(a, Lin) or not isinstance(b, Lin):
        return a if a is not None and a == b else None
    if _form_of(a) != _form_of(b):
        return None
    return a if _LOOSER[a.kind] >= _LOOSER[b.kind] else b
