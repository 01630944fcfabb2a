"""What the compiler may assume of a function's result, declared beside its rules.

The finite pass (:mod:`s2sad.compiler.finite`) writes ``g * d`` for ``safe_mul(g, d)``
where it proves ``d`` finite, and ``g / d`` for ``safe_div(g, d)`` where ``d`` is
positive.  It knows arithmetic itself; of a call it knows what the function's
entry here says.  A fact is a word:

=========  ==================
finite     not inf, not NaN
pos        > 0
nonneg     >= 0
nonpos     <= 0
unit       ``|y| <= 1``
=========  ==================

``deffacts(np.sin, "finite unit")`` declares words that always hold;
``deffacts(np.log, lambda a: {"finite"} if "pos" in a[0] else set())`` derives
them from the facts of the arguments (a list: one set per argument).

The shape facts (:mod:`s2sad.compiler.dims`, which drops ``unbroadcast`` of an
adjoint already shaped like its value) read a function's *shape kind*:
``defshape(np.sum, "reduction")`` (``axis``, second or by keyword, and
``keepdims``), ``"first"`` (the shape of the first argument: ``np.copy``,
``softmax``), ``"elementwise"`` (the arguments broadcast together),
``"container"`` (a list, tuple or dict of arrays: ``np.split``, ``slogdet``; its
adjoint is one too, see :mod:`s2sad.compiler.activity`), ``"number"`` (a number
whatever the arguments: ``np.size``, ``np.ndim``), ``"probe"`` (the result's
shape follows from the arguments' shapes and constant arguments alone, never from an
argument's values: ``np.trace``, ``np.kron``; the compiler calls it on stand-ins, see
:mod:`s2sad.compiler.shape_probe`; never for ``np.repeat`` or ``np.bincount``),
``"flagged"`` (a pair: an array shaped like the first argument and a flag,
``scipy.linalg.cho_factor``'s ``(c, lower)``), ``"chosen"`` (one of its arguments,
the builtin ``max(a, b)``: their shape where they all have one), ``"cotangents"`` (a
reverse rule called ``rule(g, ans, *args, s2sad_active=flags)`` returning for each
argument flagged a cotangent of that argument's shape and dtype, cast like it: a
recursive call's, :mod:`s2sad.recursion_tape`).

``defsolve(scipy.linalg.solve_triangular)``: a solve of real operands (its first two
arguments), whose result has their promoted dtype as LAPACK picks it (a float64 operand:
float64 out) whatever its flags (``lower``, ``trans``, positional or by keyword): the
dtypes (:mod:`s2sad.compiler.dtypes`) then know what the passes that ask for float64
(the ``rows`` pass's sums as products with ones) need.

``deffactors(np.linalg.svd, keywords={"full_matrices"})``: a factorisation of one real
matrix (its first argument) into a tuple of arrays of that matrix's dtype (a float64
matrix: float64 factors; LAPACK's real routines), with no keyword or only those named
(``compute_uv=False`` or ``mode='r'`` return one array, not a tuple): an item read of the
result is then float64 for the dtypes, and ``np.sign`` of ``det`` of a product of such
factors is known real (its adjoint zero, :mod:`s2sad.compiler.plain_calls`).

``defkeepsshape(np.sort)``: a function that raises for no real array and whose result
has its first argument's shape wherever the shape facts say so: a value read for its
shape alone (``np.sort(r)[:k]`` of a mean's size) is made from the argument itself
(:mod:`s2sad.compiler.shape_only`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

FINITE, POS, NONNEG, NONPOS, UNIT = "finite", "pos", "nonneg", "nonpos", "unit"
ALL = frozenset({FINITE, POS, NONNEG, NONPOS, UNIT})

Derive = Callable[[list[frozenset]], Iterable[str]]
_RESULTS: dict[Any, tuple[Derive, bool]] = {}  # fn -> (derive, needs an argument)


def deffacts(fns: Any, result: str | Derive) -> None:
    """The facts of the result of ``fns`` (one function or a tuple of them)."""
    if isinstance(result, str):
        words = frozenset(result.split())
        assert words <= ALL, f"unknown facts: {sorted(words - ALL)}"
        entry: tuple[Derive, bool] = ((lambda args: words), False)
    else:
        entry = (result, True)
    for fn in fns if isinstance(fns, tuple) else (fns,):
        _RESULTS[fn] = entry


SHAPE_KINDS = frozenset({"reduction", "first", "elementwise", "container", "number",
                         "probe", "flagged", "chosen", "cotangents"})
_SHAPES: dict[Any, str] = {}  # fn -> its shape kind


def defshape(fns: Any, kind: str) -> None:
    """How the shape of the result of ``fns`` follows from its arguments'."""
    assert kind in SHAPE_KINDS, f"unknown shape kind: {kind}"
    for fn in fns if isinstance(fns, tuple) else (fns,):
        _SHAPES[fn] = kind


_KEEPS_SHAPE: set[Any] = set()


def defkeepsshape(*fns: Any) -> None:
    """Functions that may be skipped where only their result's shape is read."""
    _KEEPS_SHAPE.update(fns)


def keeps_shape(fn: Any) -> bool:
    try:
        return fn in _KEEPS_SHAPE
    except TypeError:  # an unhashable callee
        return False


def shape_kind(fn: Any) -> str | None:
    try:
        return _SHAPES.get(fn)
    except TypeError:  # an unhashable callee
        return None


def of_result(fn: Any, args: list[frozenset]) -> set[str]:
    """The facts of ``fn(*args)``, given the facts of its arguments (none if unknown)."""
    try:
        entry = _RESULTS.get(fn)
    except TypeError:  # an unhashable callee
        return set()
    if entry is None or entry[1] and not args:
        return set()
    return set(entry[0](args))


# ----- derivations that many functions share -----

def of_first(args: list[frozenset]) -> set[str]:
    """A reduction or rearrangement of its first argument: its facts carry over."""
    return set(args[0])


def shared(args: list[frozenset]) -> set[str]:
    """``np.maximum``, ``np.clip``: the facts every argument has."""
    return set(frozenset.intersection(*args))


def product(args: list[frozenset]) -> set[str]:
    """Sums of products (``np.matmul``): finite where every factor is."""
    return set(frozenset.intersection(*args) & {FINITE})


def magnitude(args: list[frozenset]) -> set[str]:
    """``abs(x)``, ``x ** 2``: not negative, finite, positive, within 1 where ``x`` is."""
    return set(args[0] & {FINITE, POS, UNIT}) | {NONNEG}


def negated(f: frozenset) -> set[str]:
    """The facts of ``-x``."""
    out = set(f & {FINITE, UNIT})
    if NONNEG in f:
        out.add(NONPOS)
    if NONPOS in f:
        out.add(NONNEG)
    return out


_SOLVES: dict[Any, int] = {}  # fn -> how many of its first arguments are its operands


def defsolve(*fns: Any, operands: int = 2) -> None:
    """Solves whose result has the promoted dtype of their ``operands`` first arguments."""
    for fn in fns:
        _SOLVES[fn] = operands


_FACTORS: dict[Any, frozenset] = {}  # fn -> the keywords that keep its result a tuple


def deffactors(*fns: Any, keywords: Iterable[str] = ()) -> None:
    """Factorisations of a real matrix into a tuple of arrays of its dtype."""
    for fn in fns:
        _FACTORS[fn] = frozenset(keywords)


def factors_keywords(fn: Any) -> frozenset | None:
    """The keywords under which ``fn`` is such a factorisation; None if it is not one."""
    try:
        return _FACTORS.get(fn)
    except TypeError:  # an unhashable callee
        return None


def solve_operands(fn: Any) -> int | None:
    try:
        return _SOLVES.get(fn)
    except TypeError:  # an unhashable callee
        return None
