"""Stage 6: reverse mode.  SSA core form -> one function that runs the
forward sweep, keeping what the reverse sweep reads, then the adjoints.

Each statement ``v = op(args)`` gives, in reverse order, one contribution
per active argument from the rule template (``dx = dv * np.cos(x)``): the
first contribution to an adjoint assigns it, later ones add.  Inside loops a
statement pushes the loop-assigned values its contributions read onto one
stack right after it runs, and the reverse sweep pops them back into the
same names just before.  Control flow is in :mod:`reverse_control`, the rule lookups in
:mod:`reverse_rules`, the tidying of the contributions in :mod:`reverse_contributions`,
the function around the sweeps in :mod:`reverse_assembly`.
"""
from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import gast
import numpy as np

from s2sad.compiler import costly_calls, elements, scaled_squares, shapes, templates
from s2sad.compiler.activity import Activity, real_only
from s2sad.compiler.names import Namer, assign, const, copy_origin, load, set_origin, store
from s2sad.compiler.primitives import (
    evaluate_ref,
    primitive,
    refuse_hidden_write,
)
from s2sad.compiler.reverse_context import Bound, Ctx, first_assigned, unconditional
from s2sad.compiler.reverse_contributions import (
    no_shape_needed,
)
from s2sad.compiler.reverse_control import ControlMixin
from s2sad.compiler.reverse_record import Record
from s2sad.compiler.reverse_rules import ACC, RulesMixin
from s2sad.compiler.statement_walks import walk_statements
from s2sad.compiler.walks import name_nodes
from s2sad.rules import registry


def _users_name(adjoint: str, local: set[str]) -> bool:
    """Would ``adjoint`` read as one of the function's own names, or a version of one
    (``dy``, ``dh_1`` beside the user's ``dh``)?"""
    stem = adjoint.rstrip("0123456789")
    return adjoint in local or stem.endswith("_") and stem[:-1] in local


class Reverse(ControlMixin, RulesMixin):
    """Builds forward and reverse statement lists, block by block."""

    to_record: tuple[list[str], set[str]] | None  # what an assignment's adjoint reads back

    def __init__(self, node: gast.FunctionDef, activity: Activity, namespace: dict[str, Any],
                 namer: Namer, filename: str, containers: set[str],
                 scalars: set[str] | frozenset[str] = frozenset(),
                 lookup: Callable[[Any], Any] = registry.lookup_vjp) -> None:
        self.node, self.activity, self.namespace = node, activity, namespace
        self.namer, self.filename, self.lookup = namer, filename, lookup
        params = {a.id for a in node.args.args + node.args.kwonlyargs}
        self.local = params | {n.id for n in name_nodes(node) if isinstance(n.ctx, gast.Store)}
        self.containers = containers
        self.scalars = scalars
        self.real = real_only(node)  # (a number's 0.0 stand-in says "real")
        self.bound = unconditional(node.body) | params
        self.bound_here: Bound | set[str] = set(self.bound)  # names surely bound here
        self.adjoints: dict[str, str] = {}
        self.stack: str | None = None
        self.flag: str | None = None  # the branch flag an if just pushed
        self.accumulated: set[str] = set()  # adjoints updated in place by add_at
        self.in_place: set[str] = set()  # adjoints a loop owns: contributions use +=
        self.stand_ins: set[str] = set()  # adjoints whose zero may be a 0.0 stand-in
        defs: dict[str, list] = {}
        for a in walk_statements(node):
            if isinstance(a, gast.Assign):
                defs.setdefault(a.targets[0].id, []).append(a.value)
        self.defs = defs
        self.views = {n: v[0] for n, v in defs.items()
                      if len(v) == 1 and (isinstance(v[0], gast.Subscript) or
                                          n in scalars and _cheap(v[0], scalars, namespace))}
        self.same_shape = shapes.shape_roots(defs, namespace, self.local, scalars)
        self.in_loops = {n.id for loop in walk_statements(node) if isinstance(loop, (
                         gast.For, gast.While)) for s in loop.body for n in name_nodes(s)
                         if isinstance(n.ctx, gast.Store)}
        self.usable_roots = self.same_shape
        self.computed: dict[tuple, str] = {}  # costly calls the forward sweep made (costly_calls)
        self.scaled: scaled_squares.Scaled = {}  # names bound to c * b before a statement

    # ----- names -----

    def adj(self, name: str) -> str:
        if name not in self.adjoints:
            plain = "d" + name if name[0].islower() or name[0].isupper() else "d_" + name
            if _users_name(plain, self.local) and "d_" + name not in self.namer.taken:
                plain = "d_" + name  # (the user's own dy beside: d_y, not dy_1)
            self.adjoints[name] = self.namer.fresh(plain)
        return self.adjoints[name]

    def stack_name(self) -> str:
        if self.stack is None:
            self.stack = self.namer.fresh("stack")
        return self.stack

    def push(self, names: list[str], like: gast.AST,
             shapes: set[str] | frozenset[str] = frozenset()) -> gast.stmt:
        kept = [gast.Call(func=load("shape_of"), args=[load(n)], keywords=[])
                if n in shapes else load(n) for n in names]
        value = kept[0] if len(kept) == 1 else gast.Tuple(elts=kept, ctx=gast.Load())
        call = gast.Call(func=gast.Attribute(value=load(self.stack_name()), attr="append",
                                             ctx=gast.Load()), args=[value], keywords=[])
        return copy_origin(gast.Expr(value=call), like)

    def pop(self, names: list[str], like: gast.AST) -> gast.stmt:
        target = store(names[0]) if len(names) == 1 else gast.Tuple(
            elts=[store(n) for n in names], ctx=gast.Store())
        call = gast.Call(func=gast.Attribute(value=load(self.stack_name()), attr="pop",
                                             ctx=gast.Load()), args=[], keywords=[])
        node = gast.Assign(targets=[target], value=call, type_comment=None)
        return self.mark(node, like)

    def mark(self, node: gast.stmt, like: gast.AST) -> gast.stmt:
        """A reverse statement: its comment names the user's line it undoes."""
        text = getattr(like, "s2sad_origin", None)
        if text:
            set_origin(node, "adjoint of " + text)
        return node

    def is_active(self, node: gast.expr) -> bool:
        return isinstance(node, gast.Name) and self.activity.is_active(node.id)

    # ----- blocks and statements -----

    def block(self, stmts: list, ctx: Ctx) -> tuple[list, list]:
        """Statements in reverse order.  In a loop, the values a run of assignments must
        record are pushed together once, after the run (see :class:`Record`)."""
        fwd: list = []  # (the parts of each, in turn: joined once at the end)
        rev: list = []
        record: Record | None = None
        outer_bound = self.bound_here
        first = first_assigned(stmts)
        computed = costly_calls.forward_values(stmts, self.defs)
        scaled = scaled_squares.scaled_names(stmts, self.namespace, self.local)
        for k in reversed(range(len(stmts))):
            s = stmts[k]
            self.bound_here = Bound(outer_bound, first, k)
            self.block_at = (stmts, k)  # (an if reads the statements before it)
            self.computed, self.scaled = computed[k], scaled[k]
            self.to_record = self.flag = None
            f, r = getattr(self, "stmt_" + type(s).__name__, self.stmt_other)(s, ctx)
            if self.flag is not None and record is not None and \
                    self.flag not in record.assigned:  # the if's flag joins the next record
                f, r = f[:-1], r[1:]
                record.add([self.flag], set())
            if not isinstance(s, gast.Assign):  # (what a nested block left is not ours)
                self.to_record = None
                if record is not None:
                    record.close()
                record = None
            if self.to_record is not None:
                if record is not None and set(self.to_record[0]) & record.assigned:
                    record = record.close()  # a later statement of the run changes it
                if record is None:
                    record = Record(self, s)
                    for loop in ctx.loops:
                        loop.records.append(record)
                    f, r = f + [record.push_node], [record.pop_node] + r
                record.add(*self.to_record)
            if record is not None and isinstance(s, gast.Assign):
                record.assigned.add(s.targets[0].id)
            fwd.append(f)
            rev.append(r)
        if record is not None:
            record.close()
        self.bound_here = outer_bound
        return [x for part in reversed(fwd) for x in part], [x for part in rev for x in part]

    def stmt_other(self, s: gast.stmt, ctx: Ctx) -> tuple[list, list]:
        refuse_hidden_write(s, self.namespace, lambda n: isinstance(n, gast.Name) and
                            n.id in self.activity.varied, self.filename)
        return [s], []

    def stmt_Assign(self, s: gast.Assign, ctx: Ctx) -> tuple[list, list]:
        v = s.targets[0].id
        if not self.activity.is_active(v) or v not in ctx.defined:
            return [s], []
        prim = primitive(s.value, self.namespace, self.local)
        self.usable_roots = self.roots_here(ctx)
        parts = self.contributions(prim, s, v)
        ctx.defined.discard(v)
        rev: list = []
        reads: set[str] = set()
        for arg, expr, acc in parts:
            if acc is True and arg in ctx.defined and arg not in self.stand_ins:
                no_shape_needed(expr, ACC)
            reads |= {n.id for n in name_nodes(expr or self.pending) if n.id in self.local}
            rev += self.contribute(arg, expr, acc, ctx, s)
        if rev and v in self.stand_ins and v not in self.containers and v not in self.scalars:
            rev.insert(0, self.shaped_stand_in(v, s))
            reads.add(v)
        recorded = sorted(reads & ctx.recorded())
        again = [n for n in recorded if self.recomputable(n, ctx)]
        recorded = [n for n in recorded if n not in again]
        again = self.in_order(again, ctx)
        rev = [self.mark(assign(n, copy.deepcopy(self.views[n])), s) for n in again] + rev
        if recorded:
            only = shapes.shape_only([e for _, e, _ in parts if e is not None]) & set(recorded)
            self.to_record = (recorded, only)
        return [s], rev

    def roots_here(self, ctx: Ctx) -> dict[str, str]:
        """Same-shape roots a statement here may read: a value made in a loop only inside
        that loop (after it, the loop's temporaries are gone)."""
        inner = ctx.loops[-1].assigned if ctx.loops else set()
        return {n: r for n, r in self.same_shape.items()
                if r not in self.in_loops or r in inner}

    def recomputable(self, name: str, ctx: Ctx) -> bool:
        """``v = x[i]`` or ``j = i + 1`` with ``x`` and ``i`` unchanged by the loops (or
        ``i`` a counter the reverse loop sets again): taken again in the reverse sweep,
        never stored."""
        view = self.views.get(name)
        if view is None:
            return False
        used = {n.id for n in name_nodes(view)}
        if not all(self.recomputable(u, ctx) or
                   self.final_element(view, u, ctx) or self.outer_value(u, ctx)
                   for u in used & ctx.recorded()):
            return False
        ctx.loops[-1].kept |= {u for u in used & ctx.recorded() if self.outer_value(u, ctx)}
        return True

    def outer_value(self, name: str, ctx: Ctx) -> bool:
        """An array only enclosing loops assign: recorded once per run of the innermost
        loop (see ``close_loop``), not once per element read from it."""
        return len(ctx.loops) > 1 and name not in ctx.loops[-1].assigned and \
            name not in self.scalars and name not in self.views

    def final_element(self, view: gast.expr, array: str, ctx: Ctx) -> bool:
        """``x[t + r]`` of an array the loop writes only ahead of ``t + r``."""
        loop = ctx.loops[-1] if ctx.loops else None
        if any(array in outer.assigned for outer in ctx.loops[:-1]):
            return False  # an enclosing loop makes the array anew
        final = loop is not None and loop.node is not None and loop.header is not None and \
            isinstance(view, gast.Subscript) and isinstance(view.value, gast.Name) and \
            view.value.id == array and elements.final_at_read(
                view, loop.node, loop.header, self.defs, self.namespace)
        if final:
            loop.finals.add(array)  # type: ignore[union-attr]
        return final

    def in_order(self, names: list[str], ctx: Ctx) -> list[str]:
        """The names to take again, each after the numbers it is computed from."""
        out: list[str] = []

        def visit(n: str) -> None:
            for u in sorted({x.id for x in name_nodes(self.views[n])}):
                if u in ctx.recorded() and u in self.views and u not in out:
                    visit(u)
            if n not in out:
                out.append(n)
        for n in names:
            visit(n)
        return out


    def contribute(self, arg: str, expr: gast.expr, acc: Any, ctx: Ctx,
                   s: gast.AST) -> list:
        if arg == "":  # the call of a user rule, placed before its contributions
            return [self.mark(self.pending, s)]
        d = self.adj(arg)
        if acc is True:
            current = load(d) if arg in ctx.defined else const(None)
            expr = templates.substitute(expr, {ACC: current})
            self.accumulated.add(arg)
        elif arg in ctx.defined and arg in self.in_place and arg not in self.containers:
            return [self.mark(gast.AugAssign(target=store(d), op=gast.Add(), value=expr), s)]
        elif arg in ctx.defined:
            expr = self.add(load(d), expr, arg)
        elif arg in self.accumulated or arg in self.containers:
            expr = gast.Call(func=load("fresh"), args=[expr], keywords=[])
        ctx.defined.add(arg)
        return [self.mark(assign(d, expr), s)]

    def add(self, left: gast.expr, right: gast.expr, name: str) -> gast.expr:
        if name in self.containers:
            return gast.Call(func=load("add_grads"), args=[left, right], keywords=[])
        if isinstance(right, gast.UnaryOp) and isinstance(right.op, gast.USub):
            return gast.BinOp(left=left, op=gast.Sub(), right=right.operand)  # a - b
        return gast.BinOp(left=left, op=gast.Add(), right=right)

    def zero(self, name: str, like: gast.AST) -> gast.stmt:
        """A zero adjoint; ``0.0`` where the value may not exist (a value bound in a
        branch, read in a later ``if`` on the same test): an ``add_at`` into it then
        keeps the value, to make the zero of its shape (see ``no_shape_needed``)."""
        if name in self.bound_here:
            value: gast.expr = gast.Call(func=load("zeros_like"), args=[load(name)],
                                         keywords=[])
        else:
            value = const(0.0)
            self.stand_ins.add(name)
        return self.mark(assign(self.adj(name), value), like)

    def shaped_stand_in(self, name: str, like: gast.AST) -> gast.stmt:
        """``dv = cast_like(dv, v)`` at the adjoint of ``v``'s binding, where ``dv`` may
        be the ``0.0`` stand-in of a value not bound where its zero was made (a loop's
        carried adjoint, a value bound in a branch): the rules of ``v``'s value read
        ``dv`` as an array of its shape (``dM @ c`` of ``np.outer``'s adjoint)."""
        dv = self.adj(name)
        value = gast.Call(func=load("cast_like"), args=[load(dv), load(name)], keywords=[])
        return self.mark(assign(dv, value), like)


def _cheap(value: gast.expr, numbers: set[str] | frozenset[str], namespace: dict) -> bool:
    """One arithmetic operation or ufunc of numbers and constants (``i + 1``,
    ``0.1 * s``, ``np.sin(x_item)``): taken again, not recorded, where its inputs can be."""
    if isinstance(value, gast.BinOp):
        parts = [value.left, value.right]
    elif isinstance(value, gast.UnaryOp):
        parts = [value.operand]
    elif isinstance(value, gast.Call) and not value.keywords and \
            isinstance(evaluate_ref(value.func, namespace), np.ufunc):
        parts = value.args
    else:
        return False
    return all(isinstance(p, gast.Constant) or isinstance(p, gast.Name) and (
        p.id in numbers or type(namespace.get(p.id)) in (int, float)) for p in parts)
