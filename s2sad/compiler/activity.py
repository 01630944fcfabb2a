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

import cmath
import functools
import operator
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import ranks as ranks_stage
from s2sad.compiler.function_scan import assignments, local_names
from s2sad.compiler.integers import integer_arrays
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import IDENTITY, Prim, differentiable_args, evaluate_ref, primitive
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes, nodes
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
            lookup: Callable[[Any], Any], integers: frozenset[str] = frozenset(),
            filename: str = "?") -> Activity:
    """Fixpoints of 'depends on wrt' and 'output depends on it' (``integers``: the
    parameters given integer or bool arrays, whose copies round what is written in)."""
    local = local_names(node)
    rounded = integer_arrays(node, namespace, integers)  # (what a float written loses)
    edges = []  # (target, inputs)
    merges = []  # (statement, operands) of a | b
    for s in assignments(node):
        prim = primitive(s.value, namespace, local)
        target = s.targets[0].id
        edges.append((target, set() if target in rounded else inputs_of(prim, lookup) & local))
        if prim is not None and prim.key is operator.or_:
            merges.append((s, {n.id for a in prim.args for n in name_nodes(a)}))
    varied = set(wrt)
    changed = True
    while changed:
        changed = False
        for target, inputs in edges:
            if target not in varied and inputs & varied:
                varied.add(target)
                changed = True
    _refuse_merges(merges, varied, filename)
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


def _refuse_merges(merges: list, varied: set[str], filename: str) -> None:
    """``a | b`` of a value that depends on the differentiated arguments: no bits or
    booleans do (comparisons carry no derivative), so a dict merge (``p | {'b': v}``)
    or a set union, which was taken for a bitwise or: a gradient silently zero."""
    from s2sad.errors import error_at
    for s, operands in merges:
        if operands & varied:
            raise error_at(getattr(s, "s2sad_file", filename), s, "a | b of values that depend "
                           "on the differentiated arguments (a dict merge)", "write the "
                           "merge as a display, {**a, **b}, which is differentiated")


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
    cls = v.__class__  # (the operands of an operation: no table of closures per call)
    parts = [v.left, v.right] if cls is gast.BinOp else [v.operand] \
        if cls is gast.UnaryOp else [v.left, v.comparators[0]] if cls is gast.Compare else None
    if parts is not None:
        return all(_is_scalar(p, scalar, local, namespace) for p in parts)
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
    known, an element read from an array (``x[i]`` of a vector) is a number too
    (the function's assignments looked at once for both solves).
    """
    solve = _numbers(node, namespace)
    numbers = solve(set(scalar_params))
    if not ranks:
        return numbers
    known = ranks_stage.infer(node.body, ranks, numbers, namespace)
    elements = {n for n, r in known.items() if r == 0} - set(ranks)
    return solve(scalar_params | elements) | elements


def _numbers(node: gast.FunctionDef, namespace: dict[str, Any]
             ) -> Callable[[set[str]], set[str]]:
    """The largest set of numbers given the parameters that are numbers, as a function
    of those: what it reads of the function found once."""
    local = local_names(node)
    params = {a.id for a in (node.args.args + node.args.kwonlyargs)}
    defs: dict[str, list] = {}
    for s in assignments(node):
        defs.setdefault(s.targets[0].id, []).append(s.value)
    loop_targets = {s.target.id for s in statement_nodes(node) if isinstance(s, gast.For)}
    shapes = {n for n, vs in defs.items() if all(
        isinstance(v, gast.Call) and evaluate_ref(v.func, namespace) is np.shape for v in vs)}
    readers: dict[str, list[str]] = {}  # name -> the names whose values read it
    for name, values in defs.items():
        for n in name_nodes(values):
            readers.setdefault(n.id, []).append(name)

    def solve(scalar_params: set[str]) -> set[str]:
        scalar = (set(defs) - params) | set(scalar_params) | loop_targets

        def is_scalar(v: gast.expr) -> bool:
            if isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) and \
                    v.value.id in shapes and isinstance(v.slice, gast.Constant):
                return True  # an entry of a shape: an int
            return _is_scalar(v, scalar, local, namespace)

        _discard_non_numbers(scalar, scalar - set(scalar_params) - loop_targets, defs,
                             readers, is_scalar)
        return scalar
    return solve


def _discard_non_numbers(scalar: set[str], candidates: set[str], defs: dict[str, list],
                         readers: dict[str, list[str]],
                         is_scalar: Callable[[gast.expr], bool]) -> None:
    """Drop from ``scalar`` each candidate one of whose values is not a number, until
    none is left: a name is looked at again only when a name its values read was
    dropped (fewer numbers never make more: the same largest set as sweeping all);
    ``readers``: name -> the names (candidates or not) whose values read it."""
    todo = sorted(candidates, reverse=True)
    while todo:
        name = todo.pop()
        if name in scalar and not all(is_scalar(v) for v in defs.get(name, [])):
            scalar.discard(name)
            todo += sorted({r for r in readers.get(name, ()) if r in candidates},
                           reverse=True)


# ----- containers: which names may hold a list, tuple or dict -----

# the compiler's own helpers that build containers; of a user's function, its rules
# say so (rules.facts.defshape(fn, "container"))
CONTAINER_RESULTS = {runtime.list_init, runtime.tuple_init, runtime.dict_init, runtime.named_tuple,
                     runtime.list_append, runtime.list_concat, runtime.list_repeat,
                     runtime.list_insert, runtime.list_remove, operator.getitem,
                     runtime.field_set,
                     # (lists whose rules read no item: two adjoints of one added with
                     # ``+`` joined the lists, a silently wrong gradient: a tuple output's
                     # adjoint in a second derivative; helpers annotated as returning a
                     # list, ``d.values()``, are found by _returns_container)
                     runtime.fill_zeros, runtime.replace_at, runtime.list_insert_zero,
                     runtime.list_repeat_adjoint, runtime.user_cotangents,
                     # (a concatenation's adjoint, the pieces: np.block's rows)
                     runtime.unconcat, runtime.list_drop_last}

# results that are containers when their first argument is, or (the second table) their
# second: an adjoint shaped like a tuple of arrays is a tuple
KEEPS_CONTAINERS = {IDENTITY, runtime.setitem, runtime.write_at, runtime.add_at,
                    runtime.field_add, runtime.stop_gradient, runtime.copy_value,
                    runtime.fresh, runtime.zeros_like, runtime.add_grads,
                    runtime.array_adjoint, runtime.cast_like, runtime.sequence_adjoint,
                    runtime.sorted_adjoint, runtime.iteration_items, runtime.items_adjoint,
                    runtime.without_keys, runtime.zero_at, runtime.clear_at}  # (an item
# cleared: two adjoints of ``zero_at(dxs, 0)`` of a list added with ``+`` joined them)
SHAPED_LIKE_SECOND = {runtime.add_at, runtime.field_add, runtime.array_adjoint,
                      runtime.cast_like, runtime.sequence_adjoint, runtime.sorted_adjoint,
                      runtime.items_adjoint}
# results that are containers when their second argument is (whatever the first): the
# adjoints of a concatenation, a stack and a sum of the items are lists for a list, and
# an appended item's adjoint is one when the item is (their adjoints, in a second
# derivative, added with + joined the lists: np.block's Hessian)
ONLY_SHAPED_LIKE_SECOND = {runtime.unconcat, runtime.unstack_like, runtime.spread_to_items,
                           runtime.list_last}


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
            if prim.key in ONLY_SHAPED_LIKE_SECOND:
                second = prim.args[1] if len(prim.args) > 1 else None
                of_found = isinstance(second, gast.Name) and second.id in found
            if prim.key in SHAPED_LIKE_SECOND and len(prim.args) > 1:
                second = prim.args[1]  # add_at(None, xs, i, g): an adjoint shaped like xs
                of_found = of_found or isinstance(second, gast.Name) and second.id in found
            if prim.key is operator.getitem:  # an item of a container may be one
                holds = of_found
            elif prim.key in ONLY_SHAPED_LIKE_SECOND:
                holds = of_found
            else:
                holds = (prim.key != IDENTITY and _is_container_key(prim.key)) or (
                    of_found and _keeps_container(prim.key))
            if holds:
                found.add(name)
                changed = True
    return found


def _keeps_container(key: Any) -> bool:
    """Is the result a container when the first argument is one: a helper listed above,
    or a primitive whose adjoint hands ``g`` back to its first argument unchanged
    (``spread_of(t, 3)`` of ``h(*t)``, ``copy.copy(t)``): two adjoints of a tuple
    that went through it added with ``+`` joined the tuples (a wrong second derivative)."""
    if key in KEEPS_CONTAINERS:
        return True
    try:
        rule = registry.lookup_vjp(key)
    except TypeError:
        return False
    return rule is not None and rule.templates[:1] == ("g",)


def _is_container_key(key: Any) -> bool:
    """May this call return a list, tuple or dict (unknown calls may; so does a primitive
    whose rule reads its output or adjoint by item: ``pick_adjoint(g, ans, 1)``, and a
    builtin or runtime function that returns one: ``sorted``, ``d.items()``; two of their
    adjoints add as lists, ``add_grads``, never by ``+``, which would join them)?"""
    try:
        if key in CONTAINER_RESULTS or shape_kind(key) == "container" or \
                key in _LIST_BUILTINS or _returns_container(key):
            return True
        rule = registry.lookup_vjp(key)
        if rule is None:
            return not registry.is_nondiff(key)
        texts = [t for t in (*rule.templates, rule.vararg_template) if t]
        return any(_reads_items(t) for t in texts)
    except TypeError:
        return True


_LIST_BUILTINS = frozenset({sorted, list, tuple, dict, zip, enumerate, map, filter,
                            reversed, range})


def _returns_container(key: Any) -> bool:
    """A runtime helper annotated as returning a list, tuple or dict."""
    if not (getattr(key, "__module__", None) or "").startswith("s2sad.runtime"):
        return False
    annotations = getattr(key, "__annotations__", None)
    returned = annotations.get("return") if isinstance(annotations, dict) else None
    return isinstance(returned, str) and returned.split("[")[0] in ("list", "tuple", "dict")


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
    """No complex literal, ``complex`` or FFT anywhere: every value is real.  Asked of
    the function in SSA form by the reverse stage, its assembly, the late passes and
    the check of a real output (a tree no stage changes after SSA): found once, kept
    on the node (a copy does not keep it)."""
    known = node.__dict__.get("s2sad_real")
    if known is None:
        known = node.s2sad_real = _real_only(node)  # type: ignore[attr-defined]
    return known


def _real_only(node: gast.FunctionDef) -> bool:
    return not any(isinstance(n, gast.Constant) and isinstance(n.value, complex) or
                   isinstance(n, gast.Name) and n.id == "complex" or
                   isinstance(n, gast.Attribute) and n.attr == "fft"
                   for n in nodes_of(node, (gast.Constant, gast.Name, gast.Attribute)))


# calls that may give a complex value from real ones
_COMPLEX_MAKERS = frozenset({"eig", "eigvals", "roots", "emath", "scimath", "astype", "view",
                             "polyroots", "complex64", "complex128", "cdouble", "csingle"})


def surely_real(node: gast.FunctionDef, namespace: dict[str, Any]) -> bool:
    """Every value real, given real arguments: :func:`real_only`, no call that may make a
    complex value of real ones, and no global it reads complex or of a kind not looked
    into (an object's attributes)."""
    if not real_only(node):
        return False
    for n in nodes(node):
        if isinstance(n, gast.Attribute) and n.attr in _COMPLEX_MAKERS or \
                isinstance(n, gast.Name) and n.id in namespace and \
                not _real_global(namespace[n.id]):
            return False
    return True


def fractional_powers(node: gast.FunctionDef) -> bool:
    """A power whose exponent is not an int literal: of a negative Python float, Python
    makes a complex number (NumPy's scalars and arrays a NaN)."""
    return any(isinstance(n, gast.BinOp) and isinstance(n.op, gast.Pow) and not (
        isinstance(n.right, gast.Constant) and type(n.right.value) is int) or
        isinstance(n, gast.AugAssign) and isinstance(n.op, gast.Pow) or
        isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and n.func.id == "pow"
        for n in nodes(node))


def _real_global(value: Any) -> bool:
    if isinstance(value, (complex, np.complexfloating)) or value is cmath or \
            getattr(value, "__module__", None) == "cmath":
        return False  # (cmath's functions make complex numbers of real ones)
    if isinstance(value, (bool, int, float, np.number, str, type(None), types.ModuleType)) \
            or callable(value):
        return True
    return isinstance(value, np.ndarray) and value.dtype.kind in "fiub"
