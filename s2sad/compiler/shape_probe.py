"""Shapes found by trying: a function declared ``defshape(fn, "probe")`` gives a result
whose shape follows from its arguments' shapes and constant arguments alone
(``np.trace``, ``np.flip``, ``np.kron``, ``np.concatenate``), so calling it on small
stand-in arrays tells the shape of every call of that kind.

Each symbol of the arguments' shape classes gets a prime length, a different one in each
of three tries; a length of the result that is a symbol's prime in every try is that
symbol, one equal in every try is that int, anything else unknown.  Only symbols and ints
are tried (an unknown length may be 1, where ``squeeze`` and broadcasting behave
otherwise); a number argument is tried as 1, 2 and 3, which must agree (a count such as
``np.rot90``'s ``k`` or ``np.diff``'s ``n`` does not).  Results are
kept per (function, argument shapes, constants): each kind of call is tried once.
"""
from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from s2sad.compiler.shape_rules import Items

# the third try orders the symbols' lengths the other way round: a result that depends on
# which length is the larger (``np.linalg.qr``'s ``min(m, n)`` columns) is not taken for
# the smaller symbol's (a tall matrix's Q read as square)
_PRIMES = ((5, 7, 11, 13, 17, 19), (23, 29, 31, 37, 41, 43), (71, 67, 61, 59, 53, 47))
_NUMBERS = (1, 2, 3)  # a number argument in each try: a count (rot90's k, diff's n) it
# may be must change the result's shape between tries, or the call is not followed
_FLAGS = (1, 0, 1)  # a number among a tuple's items in each try: a flag it may be
# (``cho_solve((c, lower), b)``'s), a count must change the result's shape here too
_MAX_ELEMENTS = 100_000
_TRIED: dict[Any, Any] = {}

Arg = tuple  # ("array", shape) | ("items", shapes) | ("number",) | ("const", value)


def probe(fn: Any, args: tuple[Arg, ...], keywords: tuple[tuple[str, Any], ...]) -> Any:
    """The shape of ``fn(*args, **keywords)`` in symbols and ints (None: unknown)."""
    key = (fn, args, keywords)
    try:
        return _TRIED[key]
    except KeyError:
        pass
    except TypeError:  # an unhashable constant
        return None
    _TRIED[key] = found = _try(fn, args, dict(keywords))
    return found


def _try(fn: Any, args: tuple[Arg, ...], keywords: dict) -> Any:
    given = {d for shape in _shapes(args) for d in shape if isinstance(d, str)}
    symbols = sorted({d.partition("*")[2] or d for d in given})  # ("4*a": 4 times a)
    if len(symbols) > len(_PRIMES[0]) or not all(
            type(d) is int or isinstance(d, str) for s in _shapes(args) for d in s):
        return None
    results: list[tuple[Any, dict]] = []
    for attempt, primes in enumerate(_PRIMES + _shorter(args, len(symbols))):
        lengths = dict(zip(symbols, primes))
        lengths.update({d: int(d.partition("*")[0]) * lengths[d.partition("*")[2]]
                        for d in given if "*" in d})
        standins = [_standin(a, lengths, _NUMBERS[attempt % len(_NUMBERS)]) for a in args]
        if any(s is _TOO_BIG for s in standins):
            return None
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                out = fn(*standins, **keywords)
        except Exception:
            return None
        shape = _shape_of(out)
        if shape is None:
            return None
        results.append((shape, lengths))
    if all(isinstance(s, list) for s, _ in results):  # a tuple of arrays (qr, svd, eigh)
        if len({len(s) for s, _ in results}) != 1:
            return None
        items = tuple(_symbolic([(s[k], lengths) for s, lengths in results])
                      for k in range(len(results[0][0])))
        return Items(items) if all(i is not None for i in items) else None
    return None if any(isinstance(s, list) for s, _ in results) else _symbolic(results)


def _shorter(args: tuple[Arg, ...], count: int) -> tuple[tuple[int, ...], ...]:
    """A last try with every symbol shorter than the lengths written as ints (``qr`` of
    a ``b x 4`` matrix has ``min(b, 4)`` columns: the other tries all make ``b`` the
    longer, and Q was read as ``(b, 4)`` for a ``b`` of 3); none when no int is over 1.
    A try can only make a length unknown, never a fact wrong."""
    ints = [d for s in _shapes(args) for d in s if type(d) is int and d > 1]
    return ((max(1, min(ints) - 1),) * count,) if ints and count else ()


def _shape_of(out: Any) -> tuple | list | None:
    """An array's or number's shape; a tuple's (``np.linalg.qr``'s named tuple): the list
    of its items' shapes; None for anything else."""
    if isinstance(out, (np.ndarray, np.generic, float, int, complex)):
        return np.shape(out)
    if isinstance(out, tuple) and out and all(
            isinstance(o, (np.ndarray, np.generic, float, int, complex)) for o in out):
        return [np.shape(o) for o in out]
    return None


def _shapes(args: tuple[Arg, ...]) -> list[tuple]:
    return [s for a in args for s in (
        [a[1]] if a[0] == "array" else list(a[1]) if a[0] == "items" else [])]


_TOO_BIG = object()


def _standin(arg: Arg, lengths: dict[str, int], number: float) -> Any:
    if arg[0] == "const":
        return arg[1]
    if arg[0] == "number":
        return number
    shapes = [arg[1]] if arg[0] == "array" else list(arg[1])
    arrays = [_array(tuple(lengths.get(d, d) for d in s)) if s else
              np.array(_FLAGS[_NUMBERS.index(number)]) for s in shapes]
    if any(a is _TOO_BIG for a in arrays):
        return _TOO_BIG
    return arrays[0] if arg[0] == "array" else arrays


def _array(shape: tuple[int, ...]) -> Any:
    """Values in [0.5, 1.5), a square matrix made diagonally dominant (invertible)."""
    if int(np.prod(shape)) > _MAX_ELEMENTS:
        return _TOO_BIG
    a = np.random.default_rng(len(shape)).uniform(0.5, 1.5, shape)
    if len(shape) >= 2 and shape[-1] == shape[-2]:
        a = a + shape[-1] * np.eye(shape[-1])
    return a


def _symbolic(results: list[tuple[Any, dict]]) -> Any:
    shapes = [s for s, _ in results]
    if len({len(s) for s in shapes}) != 1:
        return None
    out: list[Any] = []
    for axis in range(len(shapes[0])):
        seen = tuple(s[axis] for s in shapes)
        if len(set(seen)) == 1:
            out.append(seen[0])
            continue
        names = [sym for sym in results[0][1]
                 if tuple(lengths[sym] for _, lengths in results) == seen]
        out.append(names[0] if names else None)
    return tuple(out)
