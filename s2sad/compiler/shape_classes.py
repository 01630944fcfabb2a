"""Shape classes: what a variant of a derivative is made for, of the concrete shapes of
its arguments (one variant for all arguments whose lengths relate the same way)."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def symbolic(shapes: list[tuple[int, ...]]) -> list[tuple]:
    """Shape classes of concrete shapes: 0 and 1 stay ints, equal lengths share a
    symbol (so a symbol is a length of at least 2: ``x[1:]`` is one shorter, exactly),
    and a length 2, 3 or 4 times a shorter one is that multiple of its symbol
    (``"4*a"``, :func:`affine.form`: an LSTM's ``z[:, H:2 * H]`` of ``4H`` columns is
    then ``H`` long, provably), and a vector's length one more than another vector's is
    that symbol plus one (``"a+1"``).  A length under :data:`LONG` has a symbol of its
    own kind (``"a_s"``): a variant for short loops, which run trip by trip."""
    lengths = multiples(shapes)
    multiplied = {base for n, (base, _) in lengths.items() if base != n}
    shifted = offsets(shape[0] for shape in shapes if len(shape) == 1 and
                      lengths.get(shape[0], (0, 0))[0] == shape[0] and
                      shape[0] not in multiplied)
    symbols: dict[int, str] = {}
    for n in (n for shape in shapes for n in shape
              if n >= 2 and lengths[n][0] == n and n not in shifted):
        symbols.setdefault(n, "abcdefghijklmnopqrstuvwxyz"[len(symbols) % 26] +
                           ("" if len(symbols) < 26 else str(len(symbols))) +
                           (SHORT if n < LONG else ""))

    def symbol(n: int) -> str:
        if n in shifted:
            return f"{symbols[n - shifted[n]]}+{shifted[n]}"
        base, k = lengths[n]
        return symbols[base] if k == 1 else f"{k}*{symbols[base]}"
    return [tuple(n if n <= 1 else symbol(n) for n in shape) for shape in shapes]


LONG = 16  # a length at least this long: a loop over it worth running at once
SHORT = "_s"  # the suffix of a shorter length's symbol (a variant of its own)


def long(d: object) -> bool:
    """Whether a length (an int, a symbol, an ``affine.Lin``) is surely at least
    :data:`LONG` less a few (``a - 1`` of a long ``a``): a loop of that many trips run
    at once pays for its array operations' overhead."""
    if type(d) is int:
        return d >= LONG
    if isinstance(d, str):
        return "*" not in d and "+" not in d and not d.endswith(SHORT) or \
            "+" in d and long(d.partition("+")[0])
    terms: Any = getattr(d, "terms", ())
    return len(terms) == 1 and terms[0][1] >= 1 and getattr(d, "const", 0) >= -4 and \
        long(terms[0][0])


OFFSETS = (1,)  # a chain's bonds: x[1:] - x[:-1] beside a stiffness per bond


def offsets(lengths: Iterator[int]) -> dict[int, int]:
    """Of the vectors' ``lengths``: one :data:`OFFSETS` more than a shorter one (at least
    2) -> how much more (``"a+1"``, :func:`affine.form`: a vector one shorter than
    another, ``k`` of ``x[1:] - x[:-1]``, is then as long as the slice, provably); the
    shortest of a run of such lengths is the others' base.  Vectors only: a matrix's
    lengths one apart are most often a coincidence (each would make a variant of its
    own)."""
    ns = sorted(set(lengths))
    out: dict[int, int] = {}
    for n in ns:
        k = next((k for k in OFFSETS if n - k >= 2 and n - k in ns), None)
        if k is not None:
            off = k + out.get(n - k, 0)
            if off <= max(OFFSETS):
                out[n] = off
    return out


MULTIPLES = (2, 3, 4)  # the gates of an LSTM's 4H columns, a GRU's 3H, real and imaginary


def multiples(shapes: list[tuple[int, ...]]) -> dict[int, tuple[int, int]]:
    """Each length of at least 2 -> (the length it is a multiple of, the factor): a
    length ``k`` times a shorter one of the same array (``k`` in :data:`MULTIPLES`,
    the shortest first: its own base; an LSTM's ``U`` is ``(H, 4 * H)``; lengths of
    different arrays that happen to divide stay apart), else itself once."""
    beside: dict[int, set[int]] = {}
    for shape in shapes:
        for n in shape:
            beside.setdefault(n, set()).update(shape)
    out: dict[int, tuple[int, int]] = {}
    for n in sorted(n for n in beside if n >= 2):
        k = next((k for k in MULTIPLES if n % k == 0 and n // k in out and
                  n // k in beside[n]), None)
        out[n] = (n, 1) if k is None else (out[n // k][0], out[n // k][1] * k)
    return out
