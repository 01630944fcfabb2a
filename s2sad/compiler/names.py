"""Fresh, readable names: ``add``, ``add_1``, ``x_2``; never a user's name."""
from __future__ import annotations

import builtins
import keyword
from collections.abc import Iterator
from typing import Any, TypeVar, overload

import gast

# generated code never shadows a builtin (rule templates call sum, max, abs...)
BUILTINS = frozenset(dir(builtins))
READABLE = {"sum": "total", "max": "maximum", "min": "minimum", "abs": "absolute",
            "pow": "power", "round": "rounded", "len": "length", "all": "all_true",
            "any": "any_true", "divmod": "quotient"}


class Namer:
    """Hands out names no other variable of the generated function uses."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.taken: set[str] = set(taken or ())
        self.user_locals: set[str] = set()

    @staticmethod
    def names_in(node: gast.AST) -> set[str]:
        found = {n.id for n in nodes(node) if isinstance(n, gast.Name)}
        found |= {n.name for n in nodes(node) if isinstance(n, gast.FunctionDef)}
        return found

    def copy(self) -> Namer:
        """A namer that goes on from here without changing this one (each derivative
        built from one cached stage gets the same names)."""
        other = Namer(self.taken)
        other.user_locals = set(self.user_locals)
        return other

    def reserve(self, name: str) -> str:
        self.taken.add(name)
        return name

    def fresh(self, base: str) -> str:
        base = base.strip("_") or "t"
        if keyword.iskeyword(base) or base in ("True", "False", "None"):
            base += "_value"
        base = READABLE.get(base, base + "_value" if base in BUILTINS else base)
        if base not in self.taken:
            return self.reserve(base)
        stem = base.rstrip("0123456789").rstrip("_") or base
        k = 1
        while f"{stem}_{k}" in self.taken:
            k += 1
        return self.reserve(f"{stem}_{k}")


def load(name: str) -> gast.Name:
    return gast.Name(id=name, ctx=gast.Load(), annotation=None, type_comment=None)


def store(name: str) -> gast.Name:
    return gast.Name(id=name, ctx=gast.Store(), annotation=None, type_comment=None)


def assign(target: str, value: gast.expr, like: gast.AST | None = None) -> gast.Assign:
    node = gast.Assign(targets=[store(target)], value=value, type_comment=None)
    if like is not None:
        gast.copy_location(node, like)
        copy_origin(node, like)
    return node


def const(value: object) -> gast.Constant:
    return gast.Constant(value=value, kind=None)


def set_origin(node: gast.AST, text: str) -> gast.AST:
    """The user's line a generated statement comes from (printed as a comment)."""
    node.s2sad_origin = text
    return node


def origin(node: gast.AST) -> str | None:
    return getattr(node, "s2sad_origin", None)


def copy_origin(node: gast.AST, like: gast.AST) -> gast.AST:
    if origin(like) is not None:
        node.s2sad_origin = origin(like)
    return node


_T = TypeVar("_T")


@overload
def clone(node: list) -> list: ...
@overload
def clone(node: _T) -> _T: ...
def clone(node: Any) -> Any:
    """A deep copy of a gast tree: faster than ``copy.deepcopy`` (no memo, no reduce)
    and than calling the node classes (each copy is filled in directly): the passes
    clone whole bodies, so this is among the most called functions of the compiler.
    The copy has the node's fields and its location and origin, nothing else."""
    if node.__class__ is list:
        return [clone(n) for n in node]
    if not isinstance(node, gast.AST):
        return node
    cls = node.__class__
    if cls in _CONTEXTS:  # (no fields, nothing sets any: shared, as the parser shares them)
        return node
    plan = _CLONE_PLANS.get(cls)
    if plan is None:
        plan = _CLONE_PLANS[cls] = (cls._fields, tuple(a for a in _KEPT if hasattr(cls, a)),
                                    tuple(a for a in _KEPT if not hasattr(cls, a)))
    fields, defaults, optional = plan
    new = cls.__new__(cls)
    have, into = node.__dict__, new.__dict__
    for f in fields:
        v = have[f] if f in have else getattr(node, f, None)
        into[f] = clone(v) if v.__class__ is list or isinstance(v, gast.AST) else v
    for a in defaults:  # (a class-level default, such as end_lineno: always there)
        into[a] = getattr(node, a)
    for a in optional:
        if a in have:
            into[a] = have[a]
    return new


# what a copy keeps besides the fields; by node class: (fields, kept attributes with a
# class-level default, the other kept attributes)
_KEPT = ("lineno", "col_offset", "end_lineno", "end_col_offset", "s2sad_origin",
         "s2sad_slot")
_CLONE_PLANS: dict[type, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {}
_CONTEXTS = frozenset({gast.Load, gast.Store, gast.Del})

# fields that never hold a node worth visiting (``ctx``: read it from its Name)
_LEAF_FIELDS = frozenset({"ctx", "id", "attr", "kind", "type_comment", "arg", "name",
                          "module", "level", "conversion", "is_async", "simple", "names",
                          "type_params"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def nodes(node: object) -> Iterator[gast.AST]:
    """Every node under ``node`` (or a list of them), depth first, expression contexts
    left out: ``gast.walk`` without its per-node field iterators, for the passes that
    only count or collect (the most called function of the compiler).  The fields to
    visit are looked up by class (which also tells a node from a number or a None in a
    list); a constant's value is never a node."""
    stack = list(node) if node.__class__ is list else [node]
    child = _CHILD_FIELDS
    pop = stack.pop
    while stack:
        n = pop()
        fields = child.get(n.__class__)
        if fields is None:
            if not isinstance(n, gast.AST):
                continue  # a None in a list of defaults
            fields = child[n.__class__] = () if isinstance(n, gast.Constant) else \
                tuple(f for f in n._fields if f not in _LEAF_FIELDS)
        yield n
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                stack.extend(v)
            elif v is not None:
                stack.append(v)


def name_nodes(node: object) -> Iterator[gast.Name]:
    """The ``Name`` nodes :func:`nodes` yields, in the same order: the name-use scans
    (counts, liveness) take only these, without a resumption per other node."""
    stack = list(node) if node.__class__ is list else [node]  # type: ignore[call-overload]
    child = _CHILD_FIELDS
    pop = stack.pop
    name = gast.Name
    while stack:
        n = pop()
        fields = child.get(n.__class__)
        if fields is None:
            if not isinstance(n, gast.AST):
                continue  # a None in a list of defaults
            fields = child[n.__class__] = () if isinstance(n, gast.Constant) else \
                tuple(f for f in n._fields if f not in _LEAF_FIELDS)
        if n.__class__ is name:
            yield n
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                stack.extend(v)
            elif v is not None:
                stack.append(v)


def name_ids(node: object, ctx: type, out: list[str] | None = None) -> list[str]:
    """The ids of the ``Name`` nodes in context ``ctx`` (``gast.Load``, ``gast.Store``)
    that :func:`name_nodes` yields, in its order, appended to ``out``: the counting
    scans (load and store counts, liveness) without a generator."""
    out = [] if out is None else out
    stack: list[Any] = list(node) if node.__class__ is list else [node]  # type: ignore[call-overload]
    child = _CHILD_FIELDS
    pop, push, extend, add = stack.pop, stack.append, stack.extend, out.append
    name = gast.Name
    while stack:
        n = pop()
        cls = n.__class__
        fields = child.get(cls)
        if fields is None:
            if not isinstance(n, gast.AST):
                continue  # a None in a list of defaults
            fields = child[cls] = () if isinstance(n, gast.Constant) else \
                tuple(f for f in n._fields if f not in _LEAF_FIELDS)
        if cls is name and n.ctx.__class__ is ctx:
            add(n.id)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                extend(v)
            elif v is not None:
                push(v)
    return out


_ALL_FIELDS: dict[type, tuple[str, ...]] = {}
# fields that only ever hold a string, a number or None (a constant's value neither)
_SCALAR_FIELDS = frozenset({"id", "attr", "kind", "type_comment", "module", "level",
                            "conversion", "is_async", "simple"})


def walk(node: gast.AST) -> Iterator[gast.AST]:
    """``gast.walk``, node for node in the same (breadth first) order, expression
    contexts included, each node's children taken before it is yielded; without
    ``ast.iter_child_nodes``'s generators and deque, which made ``gast.walk`` the
    costliest call of the passes."""
    queue = [node]
    fields_of = _ALL_FIELDS
    ast_node = gast.AST
    i = 0
    while i < len(queue):
        n = queue[i]
        i += 1
        fields = fields_of.get(n.__class__)
        if fields is None:
            fields = fields_of[n.__class__] = () if n.__class__ is gast.Constant else \
                tuple(f for f in n._fields if f not in _SCALAR_FIELDS)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                queue.extend([x for x in v if isinstance(x, ast_node)])
            elif isinstance(v, ast_node):
                queue.append(v)
        yield n


def parent_map(body: list) -> dict[int, gast.AST]:
    """id of a node -> the node holding it, of the nodes :func:`nodes` visits and their
    children: ``{id(c): n for n in nodes(body) for c in gast.iter_child_nodes(n)}``
    (the last holder where a node is shared), expression contexts left out, without a
    generator per node."""
    out: dict[int, gast.AST] = {}
    fields_of = _PARENT_FIELDS
    ast_node = gast.AST
    for n in nodes(body):
        fields = fields_of.get(n.__class__)
        if fields is None:
            fields = fields_of[n.__class__] = () if n.__class__ is gast.Constant else \
                tuple(f for f in n._fields if f not in _SCALAR_FIELDS and f != "ctx")
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                for c in v:
                    if isinstance(c, ast_node):
                        out[id(c)] = n
            elif isinstance(v, ast_node):
                out[id(v)] = n
    return out


_PARENT_FIELDS: dict[type, tuple[str, ...]] = {}


def walk_statements(node: gast.AST) -> Iterator[gast.AST]:
    """What :func:`walk` yields, expressions left out (nor looked into: no statement is
    inside one), in the same order: the statements, and the nodes that hold them, of a
    scan that only looks for statements (an eighth of the nodes)."""
    queue = [node]
    fields_of = _STATEMENT_FIELDS
    skip = (gast.expr, gast.expr_context)
    i = 0
    while i < len(queue):
        n = queue[i]
        i += 1
        fields = fields_of.get(n.__class__)
        if fields is None:
            fields = fields_of[n.__class__] = () if n.__class__ is gast.Constant else \
                tuple(f for f in n._fields if f not in _SCALAR_FIELDS)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                queue.extend([x for x in v if isinstance(x, gast.AST) and
                              not isinstance(x, skip)])
            elif isinstance(v, gast.AST) and not isinstance(v, skip):
                queue.append(v)
        yield n


def statement_nodes(node: object) -> Iterator[gast.AST]:
    """What :func:`nodes` yields, expressions left out (nor looked into), in the same
    order: for a scan that only looks for statements."""
    stack = list(node) if node.__class__ is list else [node]  # type: ignore[call-overload]
    skip = (gast.expr, gast.expr_context)
    while stack:
        n = stack.pop()
        if not isinstance(n, gast.AST) or isinstance(n, skip):
            continue
        yield n
        fields = _STATEMENT_FIELDS.get(n.__class__)
        if fields is None:
            fields = _STATEMENT_FIELDS[n.__class__] = tuple(
                f for f in n._fields if f not in _SCALAR_FIELDS)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                stack.extend(v)
            elif isinstance(v, gast.AST):
                stack.append(v)


_STATEMENT_FIELDS: dict[type, tuple[str, ...]] = {}


class Transformer(gast.NodeTransformer):
    """``gast.NodeTransformer`` with the same visits in the same order, faster: the
    ``visit_`` method of each node class is looked up once per visitor class, and
    ``generic_visit`` reads each class's fields that may hold a node from a table (no
    ``ast.iter_fields`` generator; expression contexts, which no visitor rewrites, and
    fields that only ever hold a string or a number are not visited)."""

    def visit(self, node: Any) -> Any:
        key = (self.__class__, node.__class__)
        method = _VISIT_METHODS.get(key, _NO_METHOD)
        if method is _NO_METHOD:
            method = _VISIT_METHODS[key] = getattr(
                self.__class__, "visit_" + node.__class__.__name__, None)
        return self.generic_visit(node) if method is None else method(self, node)

    def generic_visit(self, node: Any) -> Any:
        fields = _VISITED_FIELDS.get(node.__class__)
        if fields is None:
            fields = _VISITED_FIELDS[node.__class__] = () if isinstance(
                node, (gast.Constant, *_CONTEXTS)) else tuple(
                f for f in node._fields if f not in _SCALAR_FIELDS and f != "ctx")
        ast_node = gast.AST
        for field in fields:
            old = getattr(node, field, None)
            if old.__class__ is list:
                new: list = []
                for value in old:
                    if isinstance(value, ast_node):
                        value = self.visit(value)
                        if value is None:
                            continue
                        if not isinstance(value, ast_node):
                            new.extend(value)
                            continue
                    new.append(value)
                old[:] = new
            elif isinstance(old, ast_node):
                value = self.visit(old)
                if value is None:
                    delattr(node, field)
                else:
                    setattr(node, field, value)
        return node


_NO_METHOD = object()
_VISIT_METHODS: dict[tuple[type, type], Any] = {}
_VISITED_FIELDS: dict[type, tuple[str, ...]] = {}


def root_name(target: gast.expr) -> str | None:
    """The name an assignment to ``target`` changes (``r`` of ``r[i]`` or ``r.x``)."""
    while isinstance(target, (gast.Subscript, gast.Attribute)):
        target = target.value
    return target.id if isinstance(target, gast.Name) else None


def written_names(s: gast.stmt) -> set[str]:
    """Names an assignment changes: those it binds and those it writes into
    (``r`` of ``r[i] = v`` and of ``r[i] += v``)."""
    targets = s.targets if isinstance(s, gast.Assign) else \
        [s.target] if isinstance(s, gast.AugAssign) else []
    bound = {n.id for t in targets for n in nodes(t)
             if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    return bound | {r for r in map(root_name, targets) if r is not None}


def param_names(node: gast.FunctionDef) -> list[str]:
    """Parameters in the order calls bind them (keyword-only ones last)."""
    return [a.id for a in node.args.args + node.args.kwonlyargs]


def wrt_names(node: gast.FunctionDef, wrt: tuple[int, ...]) -> list[str]:
    params = param_names(node)
    return [params[i] for i in wrt]


def param_ranks(node: gast.FunctionDef, ranks: tuple, held: bool = False) -> dict[str, Any]:
    """``ranks`` (position, shape class) of the array arguments, by parameter name;
    ``held``: of the lists, tuples and dicts of arrays too (for the late passes: the
    stages before take an item of a container for what it is, whatever its shape)."""
    params = param_names(node)
    return {params[i]: r for i, r in ranks if i < len(params) and
            (held or isinstance(r, tuple))}
