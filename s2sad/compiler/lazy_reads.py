"""Part of stage 3b: iterators Python reads lazily, which s2sad reads when they are made.

A generator expression, ``map``, ``filter``, ``zip``, ``enumerate``, ``reversed``,
``iter``, ``itertools`` and a generator of the user's read the arrays they were given
only as they are consumed; s2sad makes the list of their items where they are made
(comprehensions become loops, :mod:`generators`).  The two agree unless an array they
read is written in place between: ``g = (v * 2 for v in a); a[0] = 1.0; sum(g)`` sums
the new ``a[0]`` in Python, and a loop over ``gen(a)`` whose body writes ``a[i + 1]``
reads what it wrote.  Both read the old values here (a wrong value and gradient), so
they are refused, naming the line: such an iterator bound to a name in a function that
writes into an array it reads, and a loop over a generator whose body writes into one.
"""
from __future__ import annotations

import inspect
import itertools
from typing import TYPE_CHECKING

import gast

from s2sad.compiler.walks import walk
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

_LAZY = {map, filter, zip, enumerate, reversed, iter}
_INDEXED = {zip, enumerate, reversed}  # (a loop over them reads its arrays by index)
# methods that change their object in place (of arrays, lists, dicts)
_MUTATORS = {"sort", "fill", "put", "resize", "itemset", "partition", "append", "extend",
             "insert", "pop", "remove", "clear", "reverse", "update", "setdefault",
             "popitem", "__setitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__"}
_ADVICE = "make the list first (items = list(...)) if that is what you mean, or write " \
    "into a copy of the array"


def refuse_bound_iterator(norm: Normalizer, s: gast.Assign) -> None:
    """``it = zip(a, b)``, ``g = (f(v) for v in a)``, ``m = map(f, a)``: refused where
    the function writes into an array the iterator reads (:func:`written_in_place`)."""
    if not (isinstance(s.targets[0], gast.Name) and _lazy(norm, s.value)):
        return
    read = {n.id for n in walk(s.value) if isinstance(n, gast.Name) and
            isinstance(n.ctx, gast.Load)}
    changed = sorted(read & written_in_place(norm, norm.src.node.body))
    if changed:
        raise norm.error(s, f"{s.targets[0].id}, an iterator of {changed[0]}, which the "
                         f"function writes into in place", "Python's iterator reads "
                         f"{changed[0]} as it is consumed, s2sad when it is made; " + _ADVICE)


def refuse_fed_generator(norm: Normalizer, s: gast.For) -> None:
    """``for t in gen(a)`` of a generator of the user's, ``map(f, a)``, ``filter``,
    ``itertools`` or a generator expression (inside ``enumerate``/``zip`` too), whose
    body writes into ``a`` (``a[i] = v``, ``a += v``, ``a.sort()``).  (``zip``,
    ``enumerate`` and ``reversed`` of an array are read by index as the loop runs.)"""
    lazy = [n for n in walk(s.iter) if isinstance(n, gast.GeneratorExp) or isinstance(
        n, gast.Call) and _lazy(norm, n) and norm.resolve(n.func) not in _INDEXED]
    given = {n.id for c in lazy for n in walk(c) if isinstance(n, gast.Name) and
             isinstance(n.ctx, gast.Load)}
    changed = sorted(given & written_in_place(norm, s.body))
    if changed:
        raise norm.error(s, f"a for loop over a generator whose body changes {changed[0]} "
                         "in place, which the generator reads", "Python's generator (or "
                         f"map, filter, itertools) reads {changed[0]} as the loop runs, "
                         "s2sad's list of what it yields is made before the loop; " + _ADVICE)


def written_in_place(norm: Normalizer, stmts: list) -> set[str]:
    """The names whose object ``stmts`` may change in place: ``a[i] = v``, ``a.x = v``,
    ``a += v`` (an array's is in place), a mutating method (``a.sort()``), a library
    function writing into its first argument (``np.copyto(a, v)``) or ``out=a``."""
    out: set[str] = set()
    for n in (n for s in stmts for n in walk(s)):
        if isinstance(n, gast.Assign):
            for t in n.targets:
                base = _base(t)
                if base is not None and (base is not t or getattr(n, "s2sad_augmented",
                                                                  False)):
                    out.add(base.id)  # (x[i] = v, x.a = v; x += v, desugared)
        elif isinstance(n, gast.Call):
            func = n.func
            if isinstance(func, gast.Attribute) and func.attr in _MUTATORS:
                target = _base(func.value)
            elif n.args and registry.writes_first(norm.resolve(func)) is not None:
                target = _base(n.args[0])
            else:
                target = next((_base(k.value) for k in n.keywords if k.arg == "out"), None)
            if target is not None:
                out.add(target.id)
    return out


def _base(e: gast.expr) -> gast.Name | None:
    while isinstance(e, (gast.Subscript, gast.Attribute)):
        e = e.value
    return e if isinstance(e, gast.Name) else None


def _lazy(norm: Normalizer, value: gast.expr) -> bool:
    if isinstance(value, gast.GeneratorExp):
        return True
    if not isinstance(value, gast.Call):
        return False
    fn = norm.resolve(value.func)
    return fn in _LAZY or inspect.isgeneratorfunction(fn) or \
        getattr(fn, "__module__", None) == itertools.__name__
