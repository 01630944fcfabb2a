"""The statements of an element loop's trip rewritten for all trips at once (see
:mod:`element_loops`, which proves the trips independent).

A statement runs on every element; under an ``if`` it runs on every element too, and
what it binds is taken only where the branch was taken: a name both branches bind (or
one binds and the trip bound before) is ``np.where(test, then, else)`` after the ``if``;
so is an element ``s[i]`` a branch writes (its value before the loop where the other
branch keeps it), written once a trip, at the end.
Values computed where a branch was not taken are never used, but their derivatives are
multiplied by zero: a function that can be infinite or NaN there (a quotient, a square
root, a logarithm, an exponential) gets an argument that is harmless where the mask is
off, ``np.sqrt(np.where(m, x, 0.5))``, so the zeros stay zeros.  Python's numbers and
NumPy's arrays differ where Python raises (``1 / 0``, ``(-8) ** 0.5``, ``i % 0``): such an
operation on values that are not NumPy's numbers (read from an array, or a NumPy
function's) is taken only with a nonzero literal as divisor (or the trip count, of the
counter's values), else the loop stays.  The statements run even when the loop has no
trip: an element read at an index the counter does not enter (``u[0]``, ``u[k]``) is read
at ``np.full(len(i), k)``, none when there is no trip, unless the shapes prove it in range
(a float ``k`` raises there as in Python).
A read under a branch is not guarded when its index is proved in range in every trip:
the counter of ``range(n)``, ``i - 1`` or ``j % n`` of an ``n`` known to be the array's
length (``n = len(u)``, ``n = u.shape[0]``).
"""
from __future__ import annotations

from typing import Any

import gast
import numpy as np

from s2sad.compiler import dims
from s2sad.compiler.element_ranges import IndexFacts, among
from s2sad.compiler.names import Namer, assign, call_named, const, copy_origin, load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.tree_copies import clone


class Keep(Exception):
    """The loop is not proved to be an element loop: it stays as it is."""


# NumPy functions of one number whose derivative is finite wherever the value is
_TOTAL = {np.abs, np.absolute, np.fabs, np.sign, np.negative, np.square, np.sin, np.cos,
          np.tanh, np.arctan, np.arcsinh}
_PARTIAL = {np.exp, np.expm1, np.log, np.log1p, np.log2, np.log10, np.sqrt, np.cbrt,
            np.tan, np.sinh, np.cosh, np.arcsin, np.arccos, np.arctanh}
_BINARY = {np.minimum, np.maximum}
_HARMLESS = 0.5  # inside the domain of every function above (and not a pole)
_ARITHMETIC = (gast.Add, gast.Sub, gast.Mult)
_DIVISIONS = (gast.Div, gast.FloorDiv, gast.Mod)
_COMPARISONS = (gast.Lt, gast.LtE, gast.Gt, gast.GtE, gast.Eq, gast.NotEq)


def arange_of(counter: str, loop: gast.For) -> gast.Assign:
    """``i = np.arange(...)``: the counter of every trip (``hoist`` may take it out of an
    enclosing loop, with the index arithmetic on it: the time loop's trips share it)."""
    s = assign(counter, np_call("arange", list(loop.iter.args)), like=loop)
    s.cannot_raise = True
    return s


def np_call(name: str, args: list) -> gast.Call:
    return gast.Call(func=gast.Attribute(value=load("np"), attr=name, ctx=gast.Load()),
                     args=args, keywords=[])


class _Mask:
    """Where a branch runs: the enclosing mask and the test (negated in an ``else``),
    named the first time a statement needs it."""

    def __init__(self, outer: _Mask | None, test: gast.expr, negated: bool) -> None:
        self.outer, self.test, self.negated = outer, test, negated
        self.name: str | None = None


class Trip(IndexFacts):
    """Rewrites one trip's statements (``block``), emitting into a list."""

    def __init__(self, counter: str, facts: dims.Facts, namer: Namer,
                 namespace: dict[str, Any], written: dict[str, str],
                 counts: dict[str, int], trip_count: str | None) -> None:
        self.counter, self.facts, self.namer, self.namespace = counter, facts, namer, namespace
        self.results, self.arrays = written, set(written.values())
        self.counts, self.trip_count = counts, trip_count
        self.env: dict[str, gast.expr] = {}  # a name bound in the trip -> its value now
        self.kinds: dict[str, str] = {}  # a value's name -> its kind (``_join``)
        self.emitted: set[str] = set()
        self.cells: dict[str, str] = {}  # the key of an element s[i] in ``env`` -> s
        self.writes: dict[str, gast.Assign] = {}  # a written array -> a write of it
        self.olds: dict[str, str] = {}  # a written array -> its elements before the loop
        self.in_range: set[str] = set()  # written arrays every trip reads at the counter
        self.read_every: set[tuple] = set()  # (array, index) every trip reads before
        self.varying: set[str] = {counter}  # names of values that differ trip by trip
        self.within: dict[str, Any] = {}  # a name -> a length its values are indices into
        self.out: list = []
        self.out_at: gast.stmt | None = None  # the statement being rewritten

    # -- statements ---------------------------------------------------------------------

    def block(self, body: list, mask: _Mask | None) -> list:
        for s in body:
            self.out_at = s
            if isinstance(s, gast.If):
                self._branch(s, mask)
            else:
                self._assignment(s, mask)
        return self.out

    def _assignment(self, s: gast.Assign, mask: _Mask | None) -> None:
        target, v = s.targets[0].id, s.value
        if target in self.arrays:  # W = X after X = setitem(W, i, v): bound at the end
            return
        if call_named(v, "setitem"):
            self._write(s, mask)
            return
        value, kind = self._expr(v, mask)
        if self.counts.get(target, 0) > 1 and isinstance(value, (gast.Name, gast.Constant)):
            self.env[target] = value  # (one of several bindings: no statement needed)
            self._kind(value, kind)
            return
        self._bind(target, value, kind, s)

    def _bind(self, target: str, value: gast.expr, kind: str, like: gast.AST) -> None:
        if target in self.cells:
            name = self.namer.fresh(self.cells[target] + "_at")
        else:
            name = target if target not in self.emitted else self.namer.fresh(target)
        self.emitted.add(target)
        s = assign(name, value, like=like)
        # (arithmetic of arrays gives inf or NaN, never raises)
        s.cannot_raise = isinstance(value, gast.BinOp) and not isinstance(value.op, gast.Pow)
        self.out.append(s)
        self.env[target] = load(name)
        self.kinds[name] = kind
        self._note(name, value)

    def _kind_of(self, value: gast.expr) -> str:
        return self.kinds.get(value.id, "py") if isinstance(value, gast.Name) else "py"

    def _kind(self, value: gast.expr, kind: str) -> None:
        if isinstance(value, gast.Name):
            self.kinds.setdefault(value.id, kind)

    def _write(self, s: gast.Assign, mask: _Mask | None) -> None:
        """``s[i] = v``: the element ``s[i]`` is bound like a name (merged after an
        ``if`` as names are; its value before the loop where a branch keeps it), and
        written once, at the end (:meth:`finish`)."""
        array, index, v = s.value.args
        if not (isinstance(index, gast.Name) and index.id == self.counter
                and array.id in self.arrays):
            raise Keep
        value, kind = self._expr(v, mask)
        self.writes.setdefault(array.id, s)
        cell = self._cell(array.id)
        self.env[cell] = value
        self._kind(value, kind)

    def _cell(self, array: str) -> str:
        cell = f"{array}[{self.counter}]"  # (no name: a key of ``env`` of its own)
        self.cells[cell] = array
        return cell

    def _old(self, array: str, every_trip: bool = False) -> gast.Name:
        """The elements of a written array before the loop (read once); ``every_trip``:
        read so in every trip of the loop (so each is in range, as the writes then are)."""
        if every_trip:
            self.in_range.add(array)
        elif array not in self.in_range and not self._sized(array):
            raise Keep  # (a trip that writes no element reads none: it may be past the end)
        if array not in self.olds:
            self.olds[array] = self.named(gast.Subscript(
                value=load(array), slice=load(self.counter), ctx=gast.Load()),
                f"{array}_item").id
        return load(self.olds[array])

    def finish(self, like: gast.stmt) -> list:
        """The statements, then each written array's one write and its one binding."""
        for array, s in self.writes.items():
            self.out_at = s
            value = self.env[self._cell(array)]
            call = gast.Call(func=s.value.func, args=[load(array), load(self.counter),
                                                      clone(value)], keywords=[])
            self.out.append(copy_origin(gast.copy_location(
                gast.Assign(targets=s.targets, value=call, type_comment=None), s), s))
            self.out.append(assign(array, load(s.targets[0].id), like=like))
        return self.out

    def _branch(self, s: gast.If, mask: _Mask | None) -> None:
        test = s.test
        negated = isinstance(test, gast.UnaryOp) and isinstance(test.op, gast.Not)
        name = test.operand if negated else test
        if not isinstance(name, gast.Name):
            raise Keep
        cond, _ = self._expr(name, mask)
        before = dict(self.env)
        self.block(s.body, _Mask(mask, cond, negated))
        after_then, self.env = self.env, dict(before)
        self.block(s.orelse, _Mask(mask, cond, not negated))
        after_else = self.env
        self.env = dict(before)
        for target in sorted(set(after_then) | set(after_else)):
            then, other = after_then.get(target), after_else.get(target)
            if target in self.cells:  # (an element a branch keeps: its value before)
                then = then or self._old(self.cells[target])
                other = other or self._old(self.cells[target])
            if then is None or other is None or then is before.get(target) is other:
                if then is other and then is not None:
                    self.env[target] = then
                continue  # (bound in one branch only: not bound after the if)
            if negated:
                then, other = other, then
            kind = _meet(self._kind_of(then), self._kind_of(other))
            self._bind(target, np_call("where", [clone(cond), clone(then), clone(other)]), kind, s)

    def _mask(self, mask: _Mask) -> gast.expr:
        if mask.name is None:
            test = clone(mask.test)
            if mask.outer is None and not mask.negated:
                return test
            if mask.negated:
                test = np_call("logical_not", [test])
            if mask.outer is not None:
                if mask.negated:
                    test = self.named(test, "otherwise")
                test = np_call("logical_and", [self._mask(mask.outer), test])
            mask.name = self.named(test, "mask").id
        return load(mask.name)

    def named(self, value: gast.expr, base: str) -> gast.Name:
        """``value`` bound to a new name before the statement being rewritten (the
        stages after this one take one operation a statement)."""
        name = self.namer.fresh(base)
        self.out.append(assign(name, value, like=self.out_at))
        self.kinds[name] = "np"
        self._note(name, value)
        return load(name)

    # -- expressions: (the value for every trip, its kind: ``_join``) -----------------

    def every_trip(self, value: gast.expr, base: str) -> gast.Name:
        """``np.full(len(i), value)``: ``value`` once a trip (none when there is none)."""
        size = gast.Call(func=load("len"), args=[load(self.counter)], keywords=[])
        return self.named(np_call("full", [size, value]), base)

    def value(self, e: gast.expr) -> gast.expr:
        """``e`` (a number of the trip) for every trip, outside any branch."""
        return self._expr(e, None)[0]

    def _expr(self, e: gast.expr, mask: _Mask | None) -> tuple[gast.expr, str]:
        if isinstance(e, gast.Constant):
            if type(e.value) not in (int, float, bool):
                raise Keep
            return e, "py"
        if isinstance(e, gast.Name):
            return self._name(e)
        if isinstance(e, gast.Subscript):
            return self._read(e, mask)
        if isinstance(e, gast.BinOp):
            return self._binary(e, mask)
        if isinstance(e, gast.UnaryOp):
            operand, kind = self._expr(e.operand, mask)
            if isinstance(e.op, gast.Not):
                return np_call("logical_not", [operand]), kind
            return gast.UnaryOp(op=e.op, operand=operand), kind
        if isinstance(e, gast.Compare) and len(e.ops) == 1 and \
                isinstance(e.ops[0], _COMPARISONS):
            left, k1 = self._expr(e.left, mask)
            right, k2 = self._expr(e.comparators[0], mask)
            return gast.Compare(left=left, ops=e.ops, comparators=[right]), _join(k1, k2)
        if isinstance(e, gast.Call) and not e.keywords:
            return self._call(e, mask)
        raise Keep

    def _name(self, e: gast.Name) -> tuple[gast.expr, str]:
        if e.id == self.counter:
            return e, "i"
        if e.id in self.env:
            value = self.env[e.id]
            return clone(value), self.kinds.get(getattr(value, "id", ""), "py")
        if e.id in self.counts or e.id in self.results or e.id in self.arrays:
            raise Keep  # (carried from an earlier trip, or bound in one branch only)
        if self.facts.shapes.get(e.id) != ():
            raise Keep
        return e, "py"

    def _read(self, e: gast.Subscript, mask: _Mask | None) -> tuple[gast.expr, str]:
        """``u[j]`` of an array the loop does not write (or of a written one at the
        counter itself), a number per trip; under a mask at index 0 where the mask is off
        (``if i + 2 < n: ... u[i + 2]``: Python reads no element there)."""
        if not isinstance(e.value, gast.Name) or self.facts.of(e) != ():
            raise Keep
        array = e.value.id
        parts = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
        if array in self.arrays:
            if not (isinstance(e.slice, gast.Name) and e.slice.id == self.counter):
                raise Keep
            cell = self._cell(array)
            return (clone(self.env[cell]) if cell in self.env else
                    self._old(array, every_trip=mask is None)), "np"
        elif array in self.counts or array in self.results or array == self.counter or \
                not isinstance(self.facts.shapes.get(array), tuple):
            raise Keep  # (an array's element: a list's is a Python number)
        index = []
        for p in parts:
            if isinstance(p, gast.Constant) and type(p.value) is int:
                index.append(p)
            elif isinstance(p, gast.Name):
                index.append(self._name(p)[0])
            else:
                raise Keep
        key = (array, tuple(gast.dump(p) for p in index))
        in_range = self._in_range(array, index)
        if mask is None:
            self.read_every.add(key)  # (in range: Python reads it in every trip)
        elif key not in self.read_every and not in_range:
            index = [self.named(np_call("where", [self._mask(mask), p, const(0)]), "at")
                     for p in index]
        if not in_range and not any(self.varies(p) for p in index):
            # (the same element every trip: read in no trip when there is none)
            index[0] = self.every_trip(index[0], "at")
        part = index[0] if len(index) == 1 else gast.Tuple(elts=index, ctx=gast.Load())
        return gast.Subscript(value=e.value, slice=part, ctx=gast.Load()), "np"

    def _binary(self, e: gast.BinOp, mask: _Mask | None) -> tuple[gast.expr, str]:
        left, k1 = self._expr(e.left, mask)
        right, k2 = self._expr(e.right, mask)
        kind = _join(k1, k2)
        if isinstance(e.op, _DIVISIONS):
            if kind != "np" and not self._safe_divisor(e.right, kind):
                raise Keep  # (Python raises on a zero divisor)
            if mask is not None and kind == "np":
                if not isinstance(e.op, gast.Div):
                    raise Keep  # (a harmless divisor of an integer's kind is not known)
                right = self._guarded(right, mask, 1.0)
        elif isinstance(e.op, gast.Pow):
            if not (isinstance(e.right, gast.Constant)
                    and type(e.right.value) in (int, float)):
                raise Keep
            whole = type(e.right.value) is int and e.right.value >= 0
            if k1 != "np" and not whole:
                raise Keep
            if mask is not None and not whole:
                left = self._guarded(left, mask, _HARMLESS)
        elif not isinstance(e.op, _ARITHMETIC):
            raise Keep
        return gast.BinOp(left=left, op=e.op, right=right), kind

    def _safe_divisor(self, e: gast.expr, kind: str) -> bool:
        """A nonzero literal; or the trip count, at least 1 in any trip, when the
        dividend is the counter's (an array of the trips: none when there is no trip;
        a quotient of numbers alone is taken whether the loop has trips or not)."""
        if isinstance(e, gast.Constant):
            return type(e.value) in (int, float) and e.value != 0
        return kind == "i" and isinstance(e, gast.Name) and e.id == self.trip_count

    def _guarded(self, value: gast.expr, mask: _Mask, harmless: float) -> gast.expr:
        return self.named(np_call("where", [self._mask(mask), value, const(harmless)]),
                           "guarded")

    def _call(self, e: gast.Call, mask: _Mask | None) -> tuple[gast.expr, str]:
        fn = evaluate_ref(e.func, self.namespace)
        args = [self._expr(a, mask) for a in e.args]
        values = [a for a, _ in args]
        if fn is abs and len(args) == 1:
            return np_call("abs", values), args[0][1]
        if fn in (min, max) and len(args) == 2:  # Python's: the first unless the second wins
            a, b = values
            beats = self.named(gast.Compare(left=clone(b), ops=[
                gast.Lt() if fn is min else gast.Gt()], comparators=[clone(a)]), "beats")
            return np_call("where", [beats, b, a]), _meet(args[0][1], args[1][1])
        if among(fn, _BINARY) and len(args) == 2 or among(fn, _TOTAL) and len(args) == 1:
            return gast.Call(func=e.func, args=values, keywords=[]), "np"
        if among(fn, _PARTIAL) and len(args) == 1:
            if mask is not None:
                values = [self._guarded(values[0], mask, _HARMLESS)]
            return gast.Call(func=e.func, args=values, keywords=[]), "np"
        raise Keep


def _meet(a: str, b: str) -> str:
    """The kind of a value that is one of two (a branch's, ``min``'s): NumPy's numbers
    only when both are (a trip may have the other, a Python number, which raises)."""
    return "py" if "py" in (a, b) else "i" if "i" in (a, b) else "np"


def _join(a: str, b: str) -> str:
    """The kind of an operation's value: NumPy's numbers ("np") over the counter's
    ("i": Python's ints per trip, an array at once) over Python's numbers ("py")."""
    return "np" if "np" in (a, b) else "i" if "i" in (a, b) else "py"
