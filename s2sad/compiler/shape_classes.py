"""Shape classes: what a variant of a derivative is made for, of the concrete shapes of
its arguments (one variant for all arguments whose lengths relate the same way)."""
from __future__ import annotations


def symbolic(shapes: list[tuple[int, ...]]) -> list[tuple]:
    """Shape classes of concrete shapes: 0 and 1 stay ints, equal lengths share a
    symbol (so a symbol is a length of at least 2: ``x[1:]`` is one shorter, exactly),
    and a length 2, 3 or 4 times a shorter one is that multiple of its symbol
    (``"4*a"``, :func:`affine.form`: an LSTM's ``z[:, H:2 * H]`` of ``4H`` columns is
    then ``H`` long, provably)."""
    lengths = multiples(shapes)
    symbols: dict[int, str] = {}
    for n in (n for shape in shapes for n in shape if n >= 2 and lengths[n][0] == n):
        symbols.setdefault(n, "abcdefghijklmnopqrstuvwxyz"[len(symbols) % 26] +
                           ("" if len(symbols) < 26 else str(len(symbols))))

    def symbol(n: int) -> str:
        base, k = lengths[n]
        return symbols[base] if k == 1 else f"{k}*{symbols[base]}"
    return [tuple(n if n <= 1 else symbol(n) for n in shape) for shape in shapes]


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
