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
from typing import Any

import gast
import numpy as np

from s2sad.compiler import dep_operations as ops
from s2sad.compiler import deps, families
from s2sad.compiler.deps import Dep, Unmodelled, plain
from s2sad.compiler.walks import no_gc
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


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Dead(Exception):
    """A ``raise`` reached: this path makes no value."""


class _Pending:
    """A join of two array values not made until the name is read (the core form
    leaves many names of earlier trips that are never read again)."""

    __slots__ = ("a", "b", "value", "done")

    def __init__(self, a: Any, b: Any, value: Any) -> None:
        self.a, self.b, self.value, self.done = a, b, value, _UNSET


_UNSET = object()


def _value(x: Any) -> Any:
    return x.value if isinstance(x, _Pending) else plain(x)


def interpret(node: gast.FunctionDef, env: dict[str, Any], namespace: dict[str, Any],
              width: int) -> Any:
    """The returned value of the core-form function ``node`` called with ``env``."""
    machine = Interpreter(namespace, width)
    with warnings.catch_warnings(), np.errstate(all="ignore"), no_gc():
        warnings.simplefilter("ignore")
        try:
            return machine.resolved(machine.body(node.body, dict(env)))
        except (_Dead, _Break, _Continue):
            raise Unmodelled("the function raises for these arguments") from None
        except Unmodelled:
            raise
        except Exception as e:  # a side not taken computed on values it never sees
            raise Unmodelled(f"{type(e).__name__}: {e}") from None


class Interpreter:
    def __init__(self, namespace: dict[str, Any], width: int) -> None:
        self.namespace, self.width = namespace, width
        self.owned: set[int] = set()  # ids of array values made here (never the caller's)

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
                x, y = a[name], b[name]
                if x is y:
                    out[name] = x
                elif isinstance(x, (Dep, _Pending)) or isinstance(y, (Dep, _Pending)):
                    out[name] = _Pending(x, y, _value(taken[name]))
                else:
                    out[name] = self.joined(x, y, _value(taken[name]))
            else:
                out[name] = a.get(name, b.get(name))
        return out

    def joined(self, a: Any, b: Any, value: Any) -> Any:
        a, b = self.resolved(a), self.resolved(b)
        return self._joined(a, b, value)

    def _joined(self, a: Any, b: Any, value: Any) -> Any:
        try:
            return deps.joined(a, b, value, self.width)
        except ValueError as e:
            raise Unmodelled(str(e)) from None

    def for_range(self, stmt: gast.For, env: dict) -> None:
        iterable = self.expr(stmt.iter, env)
        if deps.contains_dep(iterable):
            raise Unmodelled("a loop whose length depends on the inputs")
        for item in iterable:
            self.assign(stmt.target, item, env)
            if not self.trip(stmt.body, env):
                return
        self.run_block(stmt.orelse, env)

    def trip(self, body: list, env: dict) -> bool:
        """One trip of a loop body; False when it breaks out."""
        try:
            self.run_block(body, env)
        except _Break:
            return False
        except _Continue:
            pass
        return True

    def while_loop(self, stmt: gast.While, env: dict) -> None:
        while True:
            test = self.expr(stmt.test, env)
            if isinstance(test, Dep):
                self.fixpoint(stmt, env)
                return
            if not test:
                self.run_block(stmt.orelse, env)
                return
            if not self.trip(stmt.body, env):
                return

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
            joined = {k: self.resolved(v) for k, v in self.join([state, after], after).items()}
            if all(name in state and deps.same_pattern(self.resolved(state[name]), v)
                   for name, v in joined.items()):
                env.clear()
                env.update(joined)
                return
            state = joined
        raise Unmodelled("a while loop whose pattern does not settle")

    def resolved(self, value: Any) -> Any:
        """A pending join made (once: every copy of the environment holding it shares it)."""
        if not isinstance(value, _Pending):
            return value
        stack = [value]  # chains of joins of names left from earlier trips are long
        while stack:
            top = stack[-1]
            if top.done is not _UNSET:
                stack.pop()
                continue
            waiting = [p for p in (top.a, top.b) if isinstance(p, _Pending) and p.done is _UNSET]
            if waiting:
                stack.extend(waiting)
                continue
            a, b = (p.done if isinstance(p, _Pending) else p for p in (top.a, top.b))
            top.done = self._joined(a, b, top.value)
            stack.pop()
        return value.done

    # ----- expressions -----
    def expr(self, node: gast.expr, env: dict) -> Any:
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            raise Unmodelled(f"expression {type(node).__name__}")
        return method(node, env)

    def expr_Name(self, node: gast.Name, env: dict) -> Any:
        if node.id in env:
            value = env[node.id]
            if isinstance(value, _Pending):
                value = env[node.id] = self.resolved(value)
            return value
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
                return ops.anything(base.value[plain(idx)], [base, idx])
            value = base.value[idx]
            if deps.is_number(value) and not isinstance(base, deps.Num):
                return deps.Num(value, base.row(int(base.ids[idx])), self.width)
            return ops.moved(base.value[idx], lambda ids: ids[0][idx], [base])
        if deps.contains_dep(idx):  # a constant read at a place the inputs choose
            if isinstance(base, (list, tuple, dict)):
                raise Unmodelled("a container indexed by a value of the inputs")
            return deps.no_derivative(base[plain(idx)], self.width)
        return base[idx]

    # ----- calls -----
    def owned_write(self, args: list) -> bool:
        """``r[i] = v`` of one element into an array this interpretation made: its
        value is updated in place (a Dep's value serves shapes and the branch taken,
        never the pattern, which lives in the ids)."""
        if len(args) != 3 or not isinstance(args[0], Dep) or isinstance(args[0], deps.Num):
            return False
        x, idx, v = args
        return id(x.value) in self.owned and not deps.contains_dep(idx) and \
            deps.is_number(plain(v)) and deps.is_number(x.value[idx]) and \
            np.can_cast(np.result_type(plain(v)), x.value.dtype, "same_kind")

    def call(self, fn: Any, args: list, kwargs: dict) -> Any:
        family = patterns.kind(fn)
        if family == "containers":
            return fn(*args, **kwargs)
        if family == "writes" and self.owned_write(args):
            x, idx, v = args
            x.value[idx] = plain(v)  # the old value of x is not read: no copy of it
            return ops.written(x.value, x, idx, v, self.width)
        value = fn(*plain(args), **plain(kwargs))
        if family == "shape_only" or not deps.contains_dep([args, kwargs]):
            return value
        return families.RULES.get(family, families.anything)(self, fn, value, args, kwargs)
