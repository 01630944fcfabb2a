"""Stage 5: which values get derivatives.

Input: SSA core form, the ``wrt`` parameter names and the rule table of the
mode.  Output: :class:`Activity`: a value is *varied* when it depends on a
``wrt`` input through differentiable arguments, *useful* when the output
depends on it that way, and *active* when both.  Only active values get
adjoints (reverse) or tangents (forward).  The analysis ignores statement
order, which is exact outside loops (SSA) and safe inside them.  An array of an integer or
bool dtype (:mod:`integers`) is never varied: what is stored in it is rounded.  Also which names
may hold a list, tuple or dict (:func:`containers`: their adjoints add as containers),
and whether every value is real (:func:`real_only`).
"""
from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import ranks as ranks_stage
from s2sad.compiler.function_scan import assignments, local_names
from s2sad.compiler.integers import integer_arrays
from s2sad.compiler.primitives import IDENTITY, Prim, differentiable_args, evaluate_ref, primitive
from s2sad.compiler.walks import name_nodes, nodes, statement_nodes, walk
from s2sad.rules import registry
from s2sad.rules.facts import shape_kind


@dataclass
class Activity:
    varied: set[str]
    useful: set[str]

    @property
    def active(self) -> set[str]:
        return self.varied & self.useful

    def is_active(self, name: str) -> bool:
        return name in self.varied and name in self.useful


def inputs_of(prim: Prim | None, lookup: Callable[[Any], Any]) -> set[str]:
    """Local names whose derivative flows into the value of ``prim``."""
    if prim is None or registry.is_nondiff(prim.key):
        return set()
    rule = None if prim.key == IDENTITY else lookup(prim.key)
    args = prim.args if prim.key == IDENTITY else differentiable_args(rule, prim)
    return {n.id for a in args for n in name_nodes(a)}


def analyze(node: gast.FunctionDef, wrt: list[str], namespace: dict[str, Any],
            lookup: Callable[[Any], Any]) -> Activity:
    """Fixpoints of 'depends on wrt' and 'output depends on it'."""
    local = local_names(node)
    rounded = integer_arrays(node, namespace)  # (what a float written into them loses)
    edges = []  # (target, inputs)
    for s in assignments(node):
        prim = primitive(s.value, namespace, local)
        target = s.targets[0].id
        edges.append((target, set() if target in rounded else inputs_of(prim, lookup) & local))
    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for target, inputs in edges:
            if target not in varied and inputs & varied:
                varied.add(target)
                changed = True
    ret = node.body[-1]
    useful = {n.id for n in name_nodes(ret)}
    changed = True
    while changed:
        changed = False
        for target, inputs in edges:
            if target in useful and not inputs <= useful:
                useful |= inputs
                changed = True
    return Activity(varied, useful)


SCALAR_BUILTINS = {abs, min, max, pow, float, int, round, len, bool}


def _scalar_call(key: Any) -> bool:
    """Calls that map numbers to a number (a ufunc of NumPy scalars gives a NumPy scalar)."""
    import math

    import numpy as np
    try:
        return key in SCALAR_BUILTINS or isinstance(key, np.ufunc) or \
            getattr(math, getattr(key, "__name__", ""), None) is key
    except TypeError:
        return False


def _full_reduction(prim: Any) -> bool:
    """``np.sum(x)``, ``np.mean(x)``...: no axis, no keepdims, so one number (a reduction
    is what its rules declare one: ``defshape(fn, "reduction")``)."""
    if shape_kind(prim.key) != "reduction":
        return False
    extra = len(prim.args) > 1 or any(k in prim.keywords for k in ("axis", "keepdims", "out"))
    return not extra


def _is_scalar(v: gast.expr, scalar: set[str], local: set[str], namespace: dict) -> bool:
    """Is this right-hand side a number, given which names are numbers?"""
    if isinstance(v, gast.Constant):
        return isinstance(v.value, (int, float, bool))
    if isinstance(v, gast.Name):  # a global number (dt = 0.01) is a number too
        return v.id in scalar if v.id in local else \
            type(namespace.get(v.id)) in (int, float)
    parts = {gast.BinOp: lambda: [v.left, v.right], gast.UnaryOp: lambda: [v.operand],
             gast.Compare: lambda: [v.left, v.comparators[0]]}.get(type(v))
    if parts is not None:
        return all(_is_scalar(p, scalar, local, namespace) for p in parts())
    if isinstance(v, gast.Call):
        prim = primitive(v, namespace, local)
        if prim is None:
            return False
        return _full_reduction(prim) or _scalar_call(prim.key) and all(
            _is_scalar(a, scalar, local, namespace) for a in v.args)
    return False


def scalar_names(node: gast.FunctionDef, scalar_params: set[str],
                 namespace: dict[str, Any], ranks: dict[str, int] | None = None) -> set[str]:
    """Names that always hold a number: no broadcasting can touch them.

    The largest set consistent with every assignment (so a loop that adds
    floats to a float keeps it a float).  With the ranks of the array parameters
    known, an element read from an array (``x[i]`` of a vector) is a number too.
    """
    if ranks:
        numbers = scalar_names(node, scalar_params, namespace)
        known = ranks_stage.infer(node.body, ranks, numbers, namespace)
        elements = {n for n, r in known.items() if r == 0} - set(ranks)
        return scalar_names(node, scalar_params | elements, namespace) | elements
    local = local_names(node)
    params = {a.id for a in (node.args.args + node.args.kwonlyargs)}
    defs: dict[str, list] = {}
    for s in assignments(node):
        defs.setdefault(s.targets[0].id, []).append(s.value)
    loop_targets = {s.target.id for s in statement_nodes(node) if isinstance(s, gast.For)}
    scalar = (set(defs) - params) | set(scalar_params) | loop_targets

    shapes = {n for n, vs in defs.items() if all(
        isinstance(v, gast.Call) and evaluate_ref(v.func, namespace) is np.shape for v in vs)}

    def is_scalar(v: gast.expr) -> bool:
        if isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) and \
                v.value.id in shapes and isinstance(v.slice, gast.Constant):
            return True  # an entry of a shape: an int
        return _is_scalar(v, scalar, local, namespace)

    _discard_non_numbers(scalar, scalar - set(scalar_params) - loop_targets, defs, is_scalar)
    return scalar


def _discard_non_numbers(scalar: set[str], candidates: set[str], defs: dict[str, list],
                         is_scalar: Callable[[gast.expr], bool]) -> None:
    """Drop from ``scalar`` each candidate one of whose values is not a number, until
    none is left: a name is looked at again only when a name its values read was
    dropped (fewer numbers never make more: the same largest set as sweeping all)."""
    readers: dict[str, set[str]] = {}
    for name in candidates:
        for n in name_nodes(defs.get(name, [])):
            readers.setdefault(n.id, set()).add(name)
    todo = sorted(candidates, reverse=True)
    while todo:
        name = todo.pop()
        if name in scalar and not all(is_scalar(v) for v in defs.get(name, [])):
            scalar.discard(name)
            todo += sorted(readers.get(name, ()), reverse=True)


def shift_only_maxima(node: gast.FunctionDef, namespace: dict[str, Any]) -> set[str]:
    """Maxima subtracted only to keep ``exp`` in range, ``z = x - np.max(x, axis=a,
    keepdims=True)``, where ``z`` feeds nothing but a softmax ``exp(z) / s`` or a
    log-softmax ``z - log(s)`` (``s = np.sum(exp(z), axis=a, keepdims=True)``), or
    the log-sum-exp ``m + log(s)``.
    The output does not change when the maximum does, so no gradient flows through it
    (JAX's ``logsumexp`` says the same with ``stop_gradient``)."""
    return _Shifts(node, namespace).maxima()


_ADDS = 8  # additions followed from the maximum to its log-sum-exp in a running sum


class _Shifts:
    def __init__(self, node: gast.FunctionDef, namespace: dict[str, Any]) -> None:
        self.namespace, self.local = namespace, local_names(node)
        defs: dict[str, list] = {}
        for s in assignments(node):
            defs.setdefault(s.targets[0].id, []).append(s.value)
        self.single = {k: v[0] for k, v in defs.items() if len(v) == 1}
        self.node = node

    @functools.cached_property
    def loads(self) -> dict[str, int]:
        """How often each name is read (worked out once a maximum is found: most
        functions have none)."""
        loads: dict[str, int] = {}
        for n in walk(self.node):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load):
                loads[n.id] = loads.get(n.id, 0) + 1
        return loads

    @functools.cached_property
    def users(self) -> dict[str, list[str]]:
        """The single assignments that read each name (as many times as they read it)."""
        users: dict[str, list[str]] = {}
        for target, value in self.single.items():
            for n in walk(value):
                if isinstance(n, gast.Name):
                    users.setdefault(n.id, []).append(target)
        return users

    def maxima(self) -> set[str]:
        found = set()
        for m in self.single:
            prim = self.call(m, np.max, np.amax)
            if prim is None or not prim.args or not isinstance(prim.args[0], gast.Name):
                continue
            axis, x = self.axis(prim), prim.args[0].id
            users = self.only_users(m)
            subs = [z for z in users if self.binop(z, gast.Sub, x, m)]
            if axis is None or len(subs) != 1:
                continue
            if len(users) == 1 and self.softmax_only(subs[0], axis) or \
                    len(users) == 2 and self.logsumexp(m, subs[0], axis, users):
                found.add(m)
        return found

    def logsumexp(self, m: str, z: str, axis: str, users: list[str]) -> bool:
        """``m + log(np.sum(exp(x - m), axis, keepdims=True))``: ``log(sum(exp(x)))``
        whatever ``m`` is, with nothing else reading the parts; also when the two are
        added into a running sum one after the other (``total = total + m + log(s)``):
        a chain of additions, each result read only by the next."""
        (total,) = [u for u in users if u != z]
        carried, w = m, None
        for _ in range(_ADDS):
            v = self.single.get(total)
            if not isinstance(v, gast.BinOp) or not isinstance(v.op, gast.Add):
                return False
            names = [getattr(o, "id", None) for o in (v.left, v.right)]
            if names.count(carried) != 1:
                return False
            other = names[1] if names[0] == carried else names[0]
            if other is not None and self.is_lse(other, z, axis) and \
                    self.only_users(other) == [total]:
                w = other
                break
            after = self.only_users(total)
            if len(after) != 1:
                return False
            carried, total = total, after[0]
        if w is None:
            return False
        s = self.single[w].args[0].id
        e = self.single[s].args[0].id
        return self.only_users(z) == [e] and self.only_users(e) == [s] and \
            self.only_users(s) == [w]

    def only_users(self, name: str) -> list[str]:
        """Its readers, if every read of it is in one of these single assignments."""
        found = self.users.get(name, [])
        return found if len(found) == self.loads.get(name, 0) else []

    def call(self, name: str | None, *fns: Any) -> Prim | None:
        value = self.single.get(name) if name else None
        prim = primitive(value, self.namespace, self.local) if value is not None else None
        try:
            return prim if prim is not None and prim.key in fns else None
        except TypeError:
            return None

    def binop(self, name: str, op: type, left: str, right: str | None = None) -> bool:
        v = self.single.get(name)
        return isinstance(v, gast.BinOp) and isinstance(v.op, op) and \
            isinstance(v.left, gast.Name) and v.left.id == left and \
            isinstance(v.right, gast.Name) and (right is None or v.right.id == right)

    @staticmethod
    def axis(prim: Prim) -> str | None:
        """The reduced axis, printed, of a reduction with ``keepdims=True``; ``"all"`` for
        a reduction over every axis to a number (``np.max(z)``: ``z - m`` broadcasts)."""
        keep = prim.keywords.get("keepdims")
        at = prim.keywords.get("axis", prim.args[1] if len(prim.args) > 1 else None)
        if keep is None and (at is None or isinstance(at, gast.Constant) and at.value is None):
            return "all"
        if not (isinstance(keep, gast.Constant) and keep.value is True) or at is None:
            return None
        return gast.dump(at)

    def sums(self, e: str, axis: str) -> list[str]:
        return [s for s in self.only_users(e)
                if (p := self.call(s, np.sum)) is not None and self.axis(p) == axis]

    def is_lse(self, w: str, z: str, axis: str) -> bool:
        """``w = log(s)``, ``s = np.sum(exp(z), axis=axis, keepdims=True)``."""
        log = self.call(w, np.log)
        if log is None or not isinstance(log.args[0], gast.Name):
            return False
        s = log.args[0].id
        total = self.call(s, np.sum)
        e = total.args[0] if total is not None and total.args else None
        return total is not None and self.axis(total) == axis and isinstance(e, gast.Name) and \
            self.call(e.id, np.exp) is not None and self.binop_arg(e.id, z)

    def binop_arg(self, e: str, z: str) -> bool:
        arg = self.single[e].args[0] if isinstance(self.single.get(e), gast.Call) else None
        return isinstance(arg, gast.Name) and arg.id == z

    def softmax_only(self, z: str, axis: str) -> bool:
        users = self.only_users(z)
        return bool(users) and all(self.exp_ok(u, z, axis) if self.call(u, np.exp)
                                   else self.binop(u, gast.Sub, z) and
                                   self.is_lse(self.single[u].right.id, z, axis)
                                   for u in users)

    def exp_ok(self, e: str, z: str, axis: str) -> bool:
        """Every use of ``e = exp(z)`` is its sum over ``axis`` or ``e / that sum``, and the
        sums are used only to divide ``e`` or in ``z - log(sum)``."""
        sums = self.sums(e, axis)
        if not sums or any(w not in sums and not self.binop(w, gast.Div, e, sums[0])
                           for w in self.only_users(e)):
            return False
        return all(self.only_users(s) for s in sums) and all(
            self.binop(w, gast.Div, e, s) or (
                self.call(w, np.log) is not None and bool(self.only_users(w)) and
                all(self.binop(r, gast.Sub, z, w) for r in self.only_users(w)))
            for s in sums for w in self.only_users(s))


# ----- containers: which names may hold a list, tuple or dict -----

# the compiler's own helpers that build containers; of a user's function, its rules
# say so (rules.facts.defshape(fn, "container"))
CONTAINER_RESULTS = {runtime.list_init, runtime.tuple_init, runtime.dict_init, runtime.named_tuple,
                     runtime.list_append, runtime.list_concat, runtime.list_repeat,
                     runtime.list_insert, runtime.list_remove, operator.getitem}

# results that are containers when their first argument is, or (the second table) their
# second: an adjoint shaped like a tuple of arrays is a tuple
KEEPS_CONTAINERS = {IDENTITY, runtime.setitem, runtime.write_at, runtime.add_at,
                    runtime.field_add, runtime.stop_gradient, runtime.copy_value,
                    runtime.fresh, runtime.zeros_like, runtime.add_grads,
                    runtime.array_adjoint, runtime.cast_like, runtime.sequence_adjoint}
SHAPED_LIKE_SECOND = {runtime.add_at, runtime.field_add, runtime.array_adjoint,
                      runtime.cast_like, runtime.sequence_adjoint}


def containers(node: gast.FunctionDef, params: set[str], namespace: dict) -> set[str]:
    """Names that may hold a list, tuple or dict: their adjoints add with add_grads."""
    local = local_names(node)
    found = set(params)
    made = [(s.targets[0].id, primitive(s.value, namespace, local)) for s in assignments(node)]
    changed = True
    while changed:  # (the statements' primitives found once: the rounds only read them)
        changed = False
        for name, prim in made:
            if name in found or prim is None:
                continue
            first = prim.args[0] if prim.args else None
            of_found = isinstance(first, gast.Name) and first.id in found
            if prim.key in SHAPED_LIKE_SECOND and len(prim.args) > 1:
                second = prim.args[1]  # add_at(None, xs, i, g): an adjoint shaped like xs
                of_found = of_found or isinstance(second, gast.Name) and second.id in found
            if prim.key is operator.getitem:  # an item of a container may be one
                holds = of_found
            else:
                holds = (prim.key != IDENTITY and _is_container_key(prim.key)) or (
                    prim.key in KEEPS_CONTAINERS and of_found)
            if holds:
                found.add(name)
                changed = True
    return found


def _is_container_key(key: Any) -> bool:
    """May this call return a list, tuple or dict (unknown calls may; so does a primitive
    whose rule reads its output or adjoint by item: ``pick_adjoint(g, ans, 1)``)?"""
    try:
        if key in CONTAINER_RESULTS or shape_kind(key) == "container":
            return True
        rule = registry.lookup_vjp(key)
        if rule is None:
            return not registry.is_nondiff(key)
        texts = [t for t in (*rule.templates, rule.vararg_template) if t]
        return any(_reads_items(t) for t in texts)
    except TypeError:
        return True


@functools.lru_cache(maxsize=1024)
def _reads_items(template: str) -> bool:
    """Does a rule read its output or adjoint by item (for some keywords at least: then
    the output may be a tuple)?"""
    import ast

    def walk(node: ast.AST) -> bool:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
                node.func.id in ("pick_adjoint", "fill_zeros") or \
                isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and \
                node.value.id == "ans":
            return True
        return any(walk(child) for child in ast.iter_child_nodes(node))
    return walk(ast.parse(template, mode="eval"))


def real_only(node: gast.FunctionDef) -> bool:
    """No complex literal, ``complex`` or FFT anywhere: every value is real."""
    return not any(isinstance(n, gast.Constant) and isinstance(n.value, complex) or
                   isinstance(n, gast.Name) and n.id == "complex" or
                   isinstance(n, gast.Attribute) and n.attr == "fft" for n in nodes(node))
