"""The sparsity stage: read the Jacobian's pattern off the core form, before any run.

The function in core form (one primitive per statement) is interpreted once, at
the shapes of one call: values that do not depend on the differentiated
arguments are computed as Python computes them (sizes, loop bounds, indices),
values that do are :class:`deps.Dep` (which input elements each element reads).
A branch on a value that depends on the inputs runs both sides and joins them,
so the pattern holds for every input, not only the one given; a ``while`` whose
test depends on the inputs runs to a fixpoint (the pattern after any number of
trips). What cannot be followed (a ``break`` under such a branch, branches that
build values of different shapes) makes the pattern dense: never a missing
nonzero.
"""
from __future__ import annotations

import builtins
import operator
import warnings
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from s2sad.compiler import deps
from s2sad.compiler.deps import Dep
from s2sad.rules import patterns

BINARY = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
          gast.Div: operator.truediv, gast.FloorDiv: operator.floordiv, gast.Mod: operator.mod,
          gast.Pow: operator.pow, gast.MatMult: operator.matmul,
          gast.BitAnd: operator.and_, gast.BitOr: operator.or_, gast.BitXor: operator.xor}
UNARY = {gast.USub: operator.neg, gast.UAdd: operator.pos, gast.Not: operator.not_,
         gast.Invert: operator.invert}
COMPARE = {gast.Lt: operator.lt, gast.LtE: operator.le, gast.Gt: operator.gt,
           gast.GtE: operator.ge, gast.Eq: operator.eq, gast.NotEq: operator.ne,
           gast.Is: operator.is_, gast.IsNot: operator.is_not,
           gast.In: lambda a, b: a in b, gast.NotIn: lambda a, b: a not in b}
FIXPOINT_ROUNDS = 200


class Unmodelled(Exception):
    """The pattern cannot be followed here: the caller makes it dense."""


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Dead(Exception):
    """A ``raise`` reached: this path makes no value."""


def plain(x: Any) -> Any:
    """The value Python computes, with Deps inside containers unwrapped."""
    if isinstance(x, Dep):
        return x.value
    if isinstance(x, (list, tuple)):
        return type(x)(plain(v) for v in x)
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    return x


def interpret(node: gast.FunctionDef, env: dict[str, Any], namespace: dict[str, Any],
              width: int) -> Any:
    """The returned value of the core-form function ``node`` called with ``env``."""
    machine = Interpreter(namespace, width)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        try:
            return machine.body(node.body, dict(env))
        except (_Dead, _Break, _Continue):
            raise Unmodelled("the function raises for these arguments") from None


class Interpreter:
    def __init__(self, namespace: dict[str, Any], width: int) -> None:
        self.namespace, self.width = namespace, width

    # ----- statements -----
    def body(self, stmts: list, env: dict) -> Any:
        """Run ``stmts``; the returned value, or None when they fall off the end."""
        for stmt in stmts:
            if isinstance(stmt, gast.Return):
                return self.expr(stmt.value, env) if stmt.value is not None else None
            self.stmt(stmt, env)
        return None

    def stmt(self, stmt: gast.stmt, env: dict) -> None:
        if isinstance(stmt, gast.Assign):
            self.assign(stmt.targets[0], self.expr(stmt.value, env), env)
        elif isinstance(stmt, gast.If):
            self.branch(stmt, env)
        elif isinstance(stmt, gast.For):
            self.for_range(stmt, env)
        elif isinstance(stmt, gast.While):
            self.while_loop(stmt, env)
        elif isinstance(stmt, gast.Break):
            raise _Break
        elif isinstance(stmt, gast.Continue):
            raise _Continue
        elif isinstance(stmt, gast.Raise):
            raise _Dead
        elif isinstance(stmt, gast.Delete):
            for target in stmt.targets:
                env.pop(target.id, None)
        elif not isinstance(stmt, (gast.Expr, gast.Assert, gast.Pass)):
            raise Unmodelled(f"statement {type(stmt).__name__}")

    def assign(self, target: gast.expr, value: Any, env: dict) -> None:
        if isinstance(target, gast.Name):
            env[target.id] = value
        elif isinstance(target, (gast.Tuple, gast.List)):
            items = self.unpack(value, len(target.elts))
            for t, v in zip(target.elts, items):
                self.assign(t, v, env)
        else:
            raise Unmodelled("assignment to a non-name")

    def unpack(self, value: Any, count: int) -> list:
        if isinstance(value, Dep):
            return [self.index(value, k) for k in range(count)]
        return list(value)

    def branch(self, stmt: gast.If, env: dict) -> None:
        test = self.expr(stmt.test, env)
        if not isinstance(test, Dep):
            self.run_block(stmt.body if test else stmt.orelse, env)
            return
        taken = bool(np.all(test.value))
        sides = []
        for block in (stmt.body, stmt.orelse):
            side = dict(env)
            try:
                self.run_block(block, side)
            except _Dead:
                continue
            except (_Break, _Continue):
                raise Unmodelled("break or continue under a branch on the inputs") from None
            sides.append((block is (stmt.body if taken else stmt.orelse), side))
        if not sides:
            raise _Dead
        env.clear()
        env.update(self.join([s for _, s in sides], next((s for t, s in sides if t),
                                                          sides[0][1])))

    def run_block(self, block: list, env: dict) -> None:
        for stmt in block:
            if isinstance(stmt, gast.Return):
                raise Unmodelled("return inside a block")
            self.stmt(stmt, env)

    def join(self, sides: list[dict], taken: dict) -> dict:
        if len(sides) == 1:
            return sides[0]
        a, b = sides
        out = {}
        for name in set(a) | set(b):
            if name in a and name in b:
                try:
                    out[name] = deps.joined(a[name], b[name], plain(taken[name]), self.width)
                except ValueError as e:
                    raise Unmodelled(str(e)) from None
            else:
                out[name] = a.get(name, b.get(name))
        return out

    def for_range(self, stmt: gast.For, env: dict) -> None:
        iterable = self.expr(stmt.iter, env)
        if deps.contains_dep(iterable):
            raise Unmodelled("a loop whose length depends on the inputs")
        for item in iterable:
            self.assign(stmt.target, item, env)
            try:
                self.run_block(stmt.body, env)
            except _Break:
                return
            except _Continue:
                continue
        else:
            self.run_block(stmt.orelse, env)

    def while_loop(self, stmt: gast.While, env: dict) -> None:
        while True:
            test = self.expr(stmt.test, env)
            if isinstance(test, Dep):
                self.fixpoint(stmt, env)
                return
            if not test:
                self.run_block(stmt.orelse, env)
                return
            try:
                self.run_block(stmt.body, env)
            except _Break:
                return
            except _Continue:
                continue

    def fixpoint(self, stmt: gast.While, env: dict) -> None:
        """Join the states after 0, 1, 2, ... trips until nothing changes."""
        if stmt.orelse:
            raise Unmodelled("while ... else on the inputs")
        state = dict(env)
        for _ in range(FIXPOINT_ROUNDS):
            after = dict(state)
            try:
                self.run_block(stmt.body, after)
            except (_Break, _Continue):
                raise Unmodelled("break in a loop whose trips depend on the inputs") from None
            joined = self.join([state, after], after)
            if all(name in state and deps.same_pattern(state[name], v)
                   for name, v in joined.items()):
                env.clear()
                env.update(joined)
                return
            state = joined
        raise Unmodelled("a while loop whose pattern does not settle")

    # ----- expressions -----
    def expr(self, node: gast.expr, env: dict) -> Any:
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            raise Unmodelled(f"expression {type(node).__name__}")
        return method(node, env)

    def expr_Name(self, node: gast.Name, env: dict) -> Any:
        if node.id in env:
            return env[node.id]
        if node.id in self.namespace:
            return self.namespace[node.id]
        if hasattr(builtins, node.id):
            return getattr(builtins, node.id)
        raise Unmodelled(f"unknown name {node.id}")

    def expr_Constant(self, node: gast.Constant, env: dict) -> Any:
        return node.value

    def expr_Attribute(self, node: gast.Attribute, env: dict) -> Any:
        base = self.expr(node.value, env)
        if isinstance(base, Dep):
            return self.call(getattr, [base, node.attr], {})
        return getattr(base, node.attr)

    def expr_Tuple(self, node: gast.Tuple, env: dict) -> Any:
        return tuple(self.expr(e, env) for e in node.elts)

    def expr_List(self, node: gast.List, env: dict) -> Any:
        return [self.expr(e, env) for e in node.elts]

    def expr_Dict(self, node: gast.Dict, env: dict) -> Any:
        return {self.expr(k, env): self.expr(v, env) for k, v in zip(node.keys, node.values)}

    def expr_Slice(self, node: gast.Slice, env: dict) -> Any:
        parts = [None if p is None else self.expr(p, env)
                 for p in (node.lower, node.upper, node.step)]
        if deps.contains_dep(parts):
            return Dep(slice(*plain(parts)), np.zeros((), np.int64), deps.empty_rows(self.width))
        return slice(*parts)

    def expr_BinOp(self, node: gast.BinOp, env: dict) -> Any:
        return self.call(BINARY[type(node.op)], [self.expr(node.left, env),
                                                 self.expr(node.right, env)], {})

    def expr_UnaryOp(self, node: gast.UnaryOp, env: dict) -> Any:
        return self.call(UNARY[type(node.op)], [self.expr(node.operand, env)], {})

    def expr_Compare(self, node: gast.Compare, env: dict) -> Any:
        if len(node.ops) != 1:
            raise Unmodelled("chained comparison")
        left, right = self.expr(node.left, env), self.expr(node.comparators[0], env)
        op = COMPARE[type(node.ops[0])]
        value = op(plain(left), plain(right))
        if isinstance(node.ops[0], (gast.Is, gast.IsNot)) or not deps.contains_dep([left, right]):
            return value
        return deps.no_derivative(value, self.width)

    def expr_Subscript(self, node: gast.Subscript, env: dict) -> Any:
        return self.index(self.expr(node.value, env), self.expr(node.slice, env))

    def expr_Call(self, node: gast.Call, env: dict) -> Any:
        fn = self.expr(node.func, env)
        args: list = []
        for a in node.args:
            if isinstance(a, gast.Starred):
                value = self.expr(a.value, env)
                args.extend(self.unpack(value, len(value.value)) if isinstance(value, Dep)
                            else value)
            else:
                args.append(self.expr(a, env))
        if any(k.arg is None for k in node.keywords):
            raise Unmodelled("**keywords in a call")
        kwargs = {k.arg: self.expr(k.value, env) for k in node.keywords}
        return self.call(fn, args, kwargs)

    def index(self, base: Any, idx: Any) -> Any:
        if isinstance(base, Dep):
            if deps.contains_dep(idx):
                return deps.anything(base.value[plain(idx)], [base, idx])
            return deps.moved(base.value[idx], lambda ids: ids[0][idx], [base])
        if deps.contains_dep(idx):  # a constant read at a place the inputs choose
            if isinstance(base, (list, tuple, dict)):
                raise Unmodelled("a container indexed by a value of the inputs")
            return deps.no_derivative(base[plain(idx)], self.width)
        return base[idx]

    # ----- calls -----
    def call(self, fn: Any, args: list, kwargs: dict) -> Any:
        family = patterns.kind(fn)
        if family == "containers":
            return fn(*args, **kwargs)
        value = fn(*plain(args), **plain(kwargs))
        if family == "shape_only" or not deps.contains_dep([args, kwargs]):
            return value
        return RULES.get(family, _anything)(self, fn, value, args, kwargs)


def _anything(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(deps.anything(v, [args, kwargs]) for v in value)
    if not isinstance(value, (np.ndarray, np.generic, int, float, complex, bool)):
        raise Unmodelled(f"a {type(value).__name__} made from the inputs by {fn!r}")
    return deps.anything(value, [args, kwargs])


def _no_derivative(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if isinstance(value, (tuple, list)):
        return type(value)(deps.no_derivative(v, machine.width) for v in value)
    return deps.no_derivative(value, machine.width)


def _elementwise(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if isinstance(value, (tuple, list)):  # np.where(mask): the indices
        return _anything(machine, fn, value, args, kwargs)
    if deps.contains_dep(kwargs) and not set(kwargs) <= {"out", "where", "dtype"}:
        return _anything(machine, fn, value, args, kwargs)
    if any(isinstance(a, (list, tuple)) and deps.contains_dep(a) for a in args):
        return _anything(machine, fn, value, args, kwargs)
    return deps.elementwise(value, args)


def _moves(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if fn in patterns.GATHERS and isinstance(args[0], (list, tuple)):
        return _gathers(machine, fn, value, args, kwargs)
    if not isinstance(args[0], Dep) or deps.contains_dep([args[1:], kwargs]):
        return _anything(machine, fn, value, args, kwargs)
    rest = {k: v for k, v in kwargs.items() if k not in ("dtype", "copy", "order")}
    if fn is np.pad and "constant_values" in rest:
        rest["constant_values"] = 0
    return deps.moved(value, lambda ids: fn(ids[0], *args[1:], **rest), [args[0]])


def _gathers(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    leaves: list = []
    shape = _leaves(args[0], leaves)
    if deps.contains_dep([args[1:], kwargs]):
        return _anything(machine, fn, value, args, kwargs)
    rest = {k: v for k, v in kwargs.items() if k not in ("dtype", "copy", "order")}
    return deps.moved(value, lambda ids: fn(_rebuild(shape, iter(ids)), *args[1:], **rest),
                      leaves)


def _leaves(x: Any, out: list) -> Any:
    if isinstance(x, (list, tuple)):
        return type(x)(_leaves(v, out) for v in x)
    out.append(x)
    return None


def _rebuild(shape: Any, ids: Any) -> Any:
    if isinstance(shape, (list, tuple)):
        return type(shape)(_rebuild(v, ids) for v in shape)
    return next(ids)


def _axis(args: list, kwargs: dict, position: int, default: Any) -> Any:
    if "axis" in kwargs:
        return kwargs["axis"]
    return args[position] if len(args) > position else default


def _reductions(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    position, default = patterns.REDUCTIONS[fn]
    axis = _axis(args, kwargs, position, default)
    extra = [a for k, a in enumerate(args) if k not in (0, position)]
    if not isinstance(args[0], Dep) or deps.contains_dep(extra + [kwargs]) or \
            isinstance(value, tuple):
        return _anything(machine, fn, value, args, kwargs)
    return deps.reduced(value, args[0], axis)


def _fibres(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    position, default = patterns.FIBRES[fn]
    axis = _axis(args, kwargs, position, default)
    if not isinstance(args[0], Dep) or deps.contains_dep([args[1:], kwargs]) or axis is None:
        return _anything(machine, fn, value, args, kwargs)
    return deps.reduced(value, args[0], axis)


def _prefixes(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    axis = _axis(args, kwargs, *patterns.PREFIXES[fn])
    if not isinstance(args[0], Dep) or deps.contains_dep([args[1:], kwargs]) or \
            np.shape(value) != args[0].shape:
        return _anything(machine, fn, value, args, kwargs)
    if axis is None:
        flat = deps.moved(np.ravel(args[0].value), lambda ids: np.ravel(ids[0]), [args[0]])
        return deps.prefix(value, flat, 0) if np.ndim(value) <= 1 else \
            _anything(machine, fn, value, args, kwargs)
    return deps.prefix(value, args[0], axis)


def _products(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if len(args) != 2 or kwargs:
        return _anything(machine, fn, value, args, kwargs)
    return deps.matmul(value, *args)


def _writes(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    x, idx, v = args
    if isinstance(x, (list, dict)):
        return fn(x, idx, v)
    if deps.contains_dep(idx):
        return _anything(machine, fn, value, args, kwargs)

    def write(ids: list) -> np.ndarray:
        out = np.array(ids[0], copy=True)
        out[idx] = ids[1]
        return out
    return deps.moved(value, write, [x, v])


def _scatters(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    x, idx, v = args
    if deps.contains_dep(idx) or not isinstance(plain(x), np.ndarray):
        return _anything(machine, fn, value, args, kwargs)
    return deps.scattered(value, x, idx, v)


def _accumulates(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    acc, _, idx, g = args
    if deps.contains_dep(idx) or not isinstance(value, np.ndarray):
        return _anything(machine, fn, value, [acc, g], kwargs)
    return deps.scattered(value, acc, idx, g)


def _clears(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    g, idx = args
    if deps.contains_dep(idx) or not isinstance(g, Dep) or not isinstance(value, np.ndarray):
        return _anything(machine, fn, value, args, kwargs)

    def clear(ids: list) -> np.ndarray:
        out = np.array(ids[0], copy=True)
        out[idx] = 0
        return out
    return deps.moved(value, clear, [g])


def _shaped(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    if not deps.contains_dep([args[0], kwargs]):
        return value  # a constant spread to a shape
    if not isinstance(args[0], Dep) or deps.contains_dep(kwargs):
        return _anything(machine, fn, value, args, kwargs)
    rest = plain(args[1:])
    return deps.moved(value, lambda ids: fn(ids[0], *rest), [args[0]])


def _unbroadcasts(machine: Interpreter, fn: Any, value: Any, args: list, kwargs: dict) -> Any:
    g = args[0]
    if not deps.contains_dep(g):
        return value  # a constant summed to a shape
    if not isinstance(g, Dep):
        return _anything(machine, fn, value, args, kwargs)
    target, shape = np.shape(value), g.shape
    if target == shape:
        return deps.moved(value, lambda ids: ids[0], [g])
    lead = len(shape) - len(target)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(target)
                                      if n == 1 and shape[lead + i] != 1)
    return deps.reduced(value, g, axes) if axes else _anything(machine, fn, value, args, {})


RULES: dict[str, Callable] = {
    "no_derivative": _no_derivative, "elementwise": _elementwise, "moves": _moves,
    "reductions": _reductions, "fibres": _fibres, "prefixes": _prefixes, "products": _products,
    "writes": _writes, "scatters": _scatters, "accumulates": _accumulates,
    "clears": _clears, "shaped": _shaped, "unbroadcasts": _unbroadcasts,
}
