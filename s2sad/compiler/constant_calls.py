"""Part of stage 3b: calls whose value no parameter can reach, found before anything is
normalized.

A library function s2sad differentiates through a closed form of primitives
(``np.meshgrid``, ``np.histogram``, ``np.polyfit``: :mod:`s2sad.rules.numpy_through`) is
inlined from that closed form, loops and lists and all.  Where no argument of the call
can carry a derivative (``np.meshgrid(np.arange(H), np.arange(W))`` of an image's
height and width) its value has none, so the call is kept as the user wrote it: one call
of the library in the forward sweep, a result the shape facts know, nothing to
optimize.

Which names may carry a derivative (*varied*) is worked out from the function's tree
alone, before normalization, over its names in any order of its statements (so loops
need no second look): every parameter is varied; a name is varied when a value assigned
to it is (a ``for`` target when its iterable is); a value is varied when it reads a
varied name other than through something with no derivative (``x.shape``, ``len(x)``,
``x > 0``, ``np.floor(x)``, an index); a call of the user's own code may read anything.
A write into an object (``a[i] = v``, ``a += v``, a call given a varied value that is
not a function with a rule, such as ``a.append(v)``) varies every name that may hold
that object: names joined by an assignment or a call that may pass an object on
(``b = a``, ``b = a[1:]``, ``xs.append(a)``).  A global is varied when it is mutable
and the function calls code that may change it.  A function holding a def, a lambda, a
class or a ``global``/``nonlocal`` statement is not looked into: code there may change
names out of this sight.
"""
from __future__ import annotations

import types
from typing import TYPE_CHECKING, Any

import gast
import numpy as np

from s2sad.compiler.user_code import child_nodes, is_user_function, is_user_object
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

NO_DERIVATIVE_ATTRS = frozenset({"shape", "ndim", "size", "dtype"})
_OPAQUE = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef,
           gast.Global, gast.Nonlocal)
_IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), types.ModuleType,
              types.BuiltinFunctionType, np.ufunc, np.generic, np.dtype, frozenset)


def kept_call(norm: Normalizer, node: gast.Call, fn: Any) -> bool:
    """Is ``node``, a call of the library function ``fn`` that has a closed form, better
    kept as it is: a NumPy or SciPy function (whose closed form returns the same kind of
    value) none of whose arguments can carry a derivative?"""
    module = getattr(fn, "__module__", None) or ""
    if isinstance(fn, type) or module.split(".")[0] not in ("numpy", "scipy"):
        return False
    if norm.varied is None:
        norm.varied = Varied(norm)
    return not norm.varied.opaque and not norm.varied.of(node)


class Varied:
    """The names of one function (its own tree, not its callers') that may carry a
    derivative, and :meth:`of` any expression of it."""

    def __init__(self, norm: Normalizer) -> None:
        self.norm = norm
        tree = norm.src.node
        params = tree.args
        self.names: set[str] = {a.id for a in params.args + params.kwonlyargs}
        self.names |= {a.id for a in (params.vararg, params.kwarg) if a is not None}
        self.assigned: set[str] = set(self.names)
        self.flows: list[tuple[list[str], list[str], gast.expr]] = []  # bound, into, value
        self.writes: list[list[str]] = []  # the names a call given a varied value may change
        self.calls: list[tuple[gast.Call, list[str]]] = []
        self.shares: dict[str, str] = {}  # may hold one object: a union-find forest
        self.user_code = False
        self.opaque = False
        self._scan([n for s in tree.body for n in _nodes(s)])
        if not self.opaque:
            self._settle()

    # ----- what the tree says -----

    def _scan(self, nodes: list) -> None:
        for n in nodes:
            if isinstance(n, _OPAQUE):
                self.opaque = True
                return
            if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del)):
                self.assigned.add(n.id)
            elif isinstance(n, gast.Assign):
                for target in n.targets:
                    self._flow(target, n.value, False)
            elif isinstance(n, (gast.AugAssign, gast.AnnAssign)) and n.value is not None:
                value = gast.BinOp(left=n.target, op=n.op, right=n.value) \
                    if isinstance(n, gast.AugAssign) else n.value
                self._flow(n.target, value, isinstance(n, gast.AugAssign))
            elif isinstance(n, (gast.For, gast.comprehension)):
                self._flow(n.target, n.iter, False)
            elif isinstance(n, gast.NamedExpr):
                self._flow(n.target, n.value, False)
            elif isinstance(n, gast.withitem) and n.optional_vars is not None:
                self._flow(n.optional_vars, n.context_expr, False)
            elif isinstance(n, gast.Call):
                self._call(n)

    def _flow(self, target: gast.expr, value: gast.expr, into: bool) -> None:
        """``target = value`` (``into``: also a write into the object ``target`` holds,
        as ``+=`` is)."""
        bound, written = _targets(target)
        self.flows.append((bound, bound + written if into else written, value))
        self._join(bound + written + _held(value))

    def _call(self, call: gast.Call) -> None:
        fn = self._callee(call.func)
        if fn is None or _runs_user_code(fn):
            self.user_code = True
        if fn is not None and (registry.lookup_vjp(fn) is not None or
                               registry.lookup_through(fn) is not None) and \
                not any(k.arg == "out" for k in call.keywords):
            return  # a function with a rule returns a value and changes no argument
        held = self._join(_held(call))  # (xs.append(v): xs may change, and hold v)
        self.calls.append((call, held))

    # ----- the fixpoint -----

    def _settle(self) -> None:
        changed = True
        while changed:
            changed = False
            for bound, into, value in self.flows:
                if self.of(value):
                    changed |= self._vary(bound, False) | self._vary(into, True)
            for call, held in self.calls:
                if any(self.of(a) for a in _arguments(call)):
                    changed |= self._vary(held, True)

    def _vary(self, names: list[str], into: bool) -> bool:
        """Mark ``names`` varied (with ``into``: every name sharing their objects too)."""
        if into:
            groups = {self._find(n) for n in names}
            names = [n for n in self.assigned | set(self.shares) if self._find(n) in groups]
        new = set(names) - self.names
        self.names |= new
        return bool(new)

    def _join(self, names: list[str]) -> list[str]:
        """Note that ``names`` may hold one object (an immutable global holds none)."""
        names = [n for n in names if n in self.assigned or not self._constant_global(n)]
        for a, b in zip(names, names[1:]):
            self.shares[self._find(a)] = self._find(b)
        return names

    def _find(self, name: str) -> str:
        while self.shares.get(name, name) != name:
            name = self.shares[name]
        return name

    # ----- values -----

    def of(self, e: gast.AST) -> bool:
        """May the value of ``e`` carry a derivative?"""
        if isinstance(e, gast.Name):
            return e.id in self.names or e.id not in self.assigned and self._free(e.id)
        if isinstance(e, gast.Constant) or isinstance(e, gast.Compare) or \
                isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.Not):
            return False
        if isinstance(e, gast.Attribute):
            return e.attr not in NO_DERIVATIVE_ATTRS and self.of(e.value)
        if isinstance(e, gast.Subscript):
            return self.of(e.value)
        if isinstance(e, gast.IfExp):
            return self.of(e.body) or self.of(e.orelse)
        if isinstance(e, gast.Call):
            fn = self._callee(e.func)
            if fn is not None and registry.is_nondiff(fn):
                return False
            if fn is not None and _runs_user_code(fn):
                return True
            return self.of(e.func) or any(self.of(a) for a in _arguments(e))
        return any(self.of(c) for c in child_nodes(e))

    def _free(self, name: str) -> bool:
        """A name the function reads and never binds: varied unless a global (or a
        builtin) holding an immutable value, or a mutable one no code it calls changes."""
        if self._constant_global(name):
            return False
        if name in self.norm.rename:
            return True  # (a caller's value bound by the inlining)
        try:
            obj = self.norm.src.resolve(name)
        except AttributeError:
            return True
        return is_user_function(obj) or is_user_object(obj) or self.user_code

    def _constant_global(self, name: str) -> bool:
        """A global (or builtin) holding an immutable value (``np``, ``math.pi``)."""
        try:
            return _immutable(self.norm.src.resolve(name)) and name not in self.norm.rename
        except AttributeError:
            return False

    def _callee(self, func: gast.expr) -> Any:
        try:
            return self.norm._resolved(func)[0]  # (not noted: a normalized call notes it)
        except Exception:
            return None


def _runs_user_code(fn: Any) -> bool:
    """Does calling ``fn`` run code of the user's (which may read or change anything)?"""
    if isinstance(fn, types.MethodType):
        return _runs_user_code(fn.__func__) or is_user_object(fn.__self__)
    if isinstance(fn, type):
        return fn.__module__.split(".")[0] not in ("builtins", "numpy", "scipy")
    return is_user_function(fn) or is_user_object(fn)


def _immutable(obj: Any) -> bool:
    """A value no code can change (a user's function may read what can change)."""
    if isinstance(obj, tuple):
        return all(_immutable(v) for v in obj)
    return isinstance(obj, _IMMUTABLE) or isinstance(obj, (type, types.FunctionType)) and \
        not _runs_user_code(obj)


def _arguments(call: gast.Call) -> list:
    return [*call.args, *(k.value for k in call.keywords)]


def _targets(target: gast.expr) -> tuple[list[str], list[str]]:
    """The names an assignment target binds, and those whose objects it writes into
    (``a[i] = v``, ``p.w = v``)."""
    if isinstance(target, gast.Name):
        return [target.id], []
    if isinstance(target, gast.Starred):
        return _targets(target.value)
    if isinstance(target, (gast.Tuple, gast.List)):
        pairs = [_targets(e) for e in target.elts]
        return [n for b, _ in pairs for n in b], [n for _, w in pairs for n in w]
    while isinstance(target, (gast.Subscript, gast.Attribute)):
        target = target.value
    return [], _held(target)


def _held(e: gast.expr) -> list[str]:
    """The names whose objects the value of ``e`` may be, or hold, or be a view of
    (arithmetic other than ``+`` and ``*`` of sequences, comparisons and lengths make
    new values; a call's value may be or hold its arguments)."""
    if isinstance(e, gast.Name):
        return [e.id]
    if isinstance(e, (gast.UnaryOp, gast.Compare, gast.Constant)) or \
            isinstance(e, gast.Attribute) and e.attr in NO_DERIVATIVE_ATTRS or \
            isinstance(e, gast.BinOp) and not isinstance(e.op, (gast.Add, gast.Mult)):
        return []
    if isinstance(e, gast.BinOp):  # (xs + [a], [a] * 3: lists of the same items)
        return _held(e.left) + _held(e.right)
    if isinstance(e, (gast.Attribute, gast.Subscript, gast.Starred)):
        return _held(e.value)
    if isinstance(e, gast.Call):
        receiver = _held(e.func.value) if isinstance(e.func, gast.Attribute) else []
        return receiver + [n for a in _arguments(e) for n in _held(a)]
    if isinstance(e, gast.IfExp):
        return _held(e.body) + _held(e.orelse)
    if isinstance(e, (gast.Tuple, gast.List, gast.Set, gast.BoolOp)):
        return [n for v in (e.values if isinstance(e, gast.BoolOp) else e.elts)
                for n in _held(v)]
    return [n.id for n in _nodes(e) if isinstance(n, gast.Name)]


def _nodes(node: gast.AST) -> list:
    out, todo = [], [node]
    while todo:
        n = todo.pop()
        out.append(n)
        todo.extend(child_nodes(n))
    return out
