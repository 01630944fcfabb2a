"""What the late pass ``ownership`` knows of a body: which names hold an object no other
live name, stack or caller can see (*owned*), from liveness and *leaks*, the names whose
object an expression may return or hold (``unbroadcast(g, x)`` may return ``g``; ``x[1:]``
is a view of ``x``; ``a * b`` is a new object).  :mod:`ownership` rewrites by them.
"""
from __future__ import annotations

import math
from collections.abc import Iterator

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dims
from s2sad.compiler import ownership_forms as forms
from s2sad.compiler import ranks as ranks_stage
from s2sad.compiler.inline_writes import call_of as _call_of
from s2sad.compiler.liveness import live_after
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.returns import FIRST as _FIRST
from s2sad.compiler.statement_walks import block_statements
from s2sad.compiler.walks import name_nodes, nodes

UNKNOWN = "?"  # an object of unknown origin: never owned
_SHAPE_ATTRS = {"shape", "ndim", "size", "dtype"}
# calls whose result holds none of their arguments' objects
_NEW = {
    np.zeros, np.ones, np.empty, np.full, np.zeros_like, np.ones_like, np.empty_like,
    np.full_like, np.copy, np.arange, np.linspace, np.eye, np.identity, np.concatenate,
    np.multiply.outer,
    np.stack, np.vstack, np.hstack, np.dot, np.matmul, np.outer, np.inner, np.sum, np.mean,
    np.prod, np.cumsum, np.cumprod, np.tile, np.repeat, np.kron, np.where, np.clip, np.std,
    np.var, np.max, np.min, np.amax, np.amin, np.tensordot, np.trace, np.diff, np.sort,
    np.linalg.inv, np.linalg.solve, np.linalg.det, np.linalg.norm, np.shape, np.ndim,
    np.size, len, float, int, bool, abs, math.sqrt, math.exp, math.log, math.sin,
    math.cos, runtime.setitem, runtime.zero_at, runtime.fresh, runtime.safe_mul,
    runtime.scatter_add, runtime.scatter_subtract, runtime.inverse, runtime.lu_solve,
    runtime.safe_div, runtime.zeros_like, runtime.shape_of, runtime.floats_zeros,
    runtime.sum_axes, runtime.unsort, runtime.reverse_cumsum, runtime.running_sum,
    np.take_along_axis, runtime.max_axes, runtime.min_axes,
}
_SHAPE_ONLY_SECOND = {runtime.unbroadcast, runtime.cast_like, runtime.add_at,
                      runtime.repeat_to}
# copying functions -> the in-place function to use on an owned, dead-after array
CANDIDATES = {runtime.setitem: "write_at", runtime.zero_at: "clear_at"}


class OwnershipFacts:
    """The facts of one body, worked out again (``refresh``) after a rewrite."""

    def __init__(self, body: list, namespace: dict, params: set[str], numbers: set[str],
                 ranks: dict[str, int], known: dims.Facts | None = None) -> None:
        self.body, self.namespace, self.numbers = body, namespace, numbers
        self.ranks = ranks_stage.infer(body, ranks, numbers, namespace) if known is None \
            else ranks_stage.ranks_of(known)
        self.local = {n.id for n in name_nodes(body) if isinstance(n.ctx, gast.Store)} - params
        self.memo: dict = {}  # what each simple statement stores and reads, for liveness
        self.refresh()

    def refresh(self) -> None:
        placed = list(block_statements(self.body))
        self.blocks = {id(s): block for s, block, _ in placed}
        self.depth = {id(s): depth for s, _, depth in placed}
        self.flat = [s for s, _, _ in placed]
        self.after: dict[int, frozenset] = {}
        # (writes keep shapes; the rewrites between refreshes replace the values whose
        # reads they change, or the statements)
        live_after(self.body, self.after, values_only=True, memo=self.memo)
        self.owned = self._owned()

    def leaks(self, e: gast.expr) -> set[str]:
        if isinstance(e, gast.Name):
            return {e.id}
        if isinstance(e, gast.Constant):
            return set()
        if isinstance(e, (gast.BinOp, gast.UnaryOp, gast.Compare)):
            parts = [e.left, e.right] if isinstance(e, gast.BinOp) else []
            return set().union(*(self.leaks(p) for p in parts
                                 if isinstance(p, (gast.List, gast.Tuple))))
        if isinstance(e, (gast.Tuple, gast.List, gast.Set)):
            return set().union(*(self.leaks(x) for x in e.elts))
        if isinstance(e, gast.Dict):
            return set().union(*(self.leaks(x) for x in e.values))
        if isinstance(e, gast.IfExp):
            return self.leaks(e.body) | self.leaks(e.orelse)
        if isinstance(e, gast.BoolOp):
            return set().union(*(self.leaks(x) for x in e.values))
        if isinstance(e, gast.Subscript):
            return set() if self.is_number(e) else self.leaks(e.value)
        if isinstance(e, gast.Attribute):
            if e.attr in _SHAPE_ATTRS:
                return set()
            return self.leaks(e.value) if forms.has_local_root(e, self.local) else {UNKNOWN}
        if isinstance(e, gast.Call):
            return self.call_leaks(e)
        return {UNKNOWN}

    def call_leaks(self, e: gast.Call) -> set[str]:
        fn = evaluate_ref(e.func, self.namespace)
        args = list(e.args) + [k.value for k in e.keywords]
        try:
            if fn in _NEW or isinstance(fn, np.ufunc) and not any(
                    k.arg == "out" for k in e.keywords):
                return set()
            if fn is runtime.copy_value and isinstance(e.args[0], gast.Name) and \
                    self.is_array(e.args[0].id):
                return set()  # (an array's copy; a list's holds its items)
            if fn is np.array and e.args and isinstance(e.args[0], gast.List) and \
                    not any(k.arg == "copy" for k in e.keywords):
                return set()  # (a display's array: a new one, of copies of its items)
            if fn in _FIRST or fn in CANDIDATES:
                return self.leaks(e.args[0]) if e.args else set()
            if fn is runtime.add_grads:  # (a new sum, or the one that is not None)
                return set().union(*(self.leaks(a) for a in args))
            if fn in _SHAPE_ONLY_SECOND:  # repeat_to: its first argument, or a view
                return self.leaks(e.args[0]) | {UNKNOWN}
        except TypeError:  # an unhashable callable
            pass
        if isinstance(e.func, gast.Attribute):
            args.append(e.func.value)
        return set().union(*(self.leaks(a) for a in args)) | {UNKNOWN}

    def is_number(self, e: gast.Subscript) -> bool:
        """``x[i]`` of a vector by an integer (and the like): a new scalar."""
        return ranks_stage.rank_of(e, self.ranks, self.namespace) == 0

    def _owned(self) -> set[str]:
        owned = set(self.local) - self.numbers
        bound = [(s, list(self.bindings(s))) for s in self.flat]  # (the same each round)
        changed = True
        while changed:
            changed = False
            for s, found in bound:
                for target, held in found:
                    live = self.after[id(s)]
                    for m in held - {target}:
                        if m in owned and m in live:
                            owned.discard(m)
                            changed = True
                        if target in owned and (m not in owned or m in live):
                            owned.discard(target)
                            changed = True
        return owned

    def bindings(self, s: gast.stmt) -> Iterator[tuple[str | None, set[str]]]:
        """(name bound or None, the names whose objects it may now hold)."""
        if isinstance(s, gast.Assign) and forms.popped(s):  # d, last = list_pop_last(d, v)
            yield s.targets[0].elts[0].id, self.leaks(s.value.args[0])  # (d itself)
            yield s.targets[0].elts[1].id, {UNKNOWN}
        elif isinstance(s, gast.Assign):
            held = self.leaks(s.value)
            for t in s.targets:
                if isinstance(t, gast.Name):
                    yield t.id, held
                elif isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name) and \
                        self.is_array(t.value.id):
                    continue  # (an array's items written: values copied, no object held)
                else:
                    for n in nodes(t):
                        if isinstance(n, gast.Name):
                            yield n.id, held | {UNKNOWN}
        elif isinstance(s, gast.Expr):
            held = self.leaks(s.value)
            if held - {UNKNOWN}:
                yield None, held

    def is_array(self, name: str) -> bool:
        """Is ``name`` surely an array (a rank of at least 1), not a list, tuple or dict?"""
        rank = self.ranks.get(name)
        return isinstance(rank, int) and not isinstance(rank, bool) and rank >= 1

    def self_update(self, s: gast.Assign) -> bool:
        call = _call_of(s)
        return call is not None and bool(call.args) and isinstance(call.args[0], gast.Name) \
            and call.args[0].id == s.targets[0].id

    def candidate(self, s: gast.stmt) -> tuple | None:
        """(array name, the copying call, loop depth) of ``x = setitem(x, ...)`` and the
        like whose old value is dead after it."""
        call = _call_of(s)
        if call is None or len(call.args) < 2 or not isinstance(call.args[0], gast.Name):
            return None
        try:
            if evaluate_ref(call.func, self.namespace) not in CANDIDATES:
                return None
        except TypeError:
            return None
        name = call.args[0].id
        if name != s.targets[0].id and name in self.after[id(s)]:
            return None
        return name, call, self.depth[id(s)]
