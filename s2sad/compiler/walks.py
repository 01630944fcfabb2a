"""Walks of gast trees: the compiler's most called code, written for speed (field
tables per node class, no per-node generators); each says which ``gast``/``ast``
function it matches node for node.  Copies of trees: :mod:`tree_copies`; walks that
look for statements only: :mod:`statement_walks`."""
from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator
from typing import Any

import gast

CONTEXTS = frozenset({gast.Load, gast.Store, gast.Del})
# fields that only ever hold a string, a number or None (a constant's value neither)
SCALAR_FIELDS = frozenset({"id", "attr", "kind", "type_comment", "module", "level",
                            "conversion", "is_async", "simple"})

# fields that never hold a node worth visiting (``ctx``: read it from its Name)
_LEAF_FIELDS = frozenset({"ctx", "id", "attr", "kind", "type_comment", "arg", "name",
                          "module", "level", "conversion", "is_async", "simple", "names",
                          "type_params"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
# the walks that only collect names (or look for other expressions) skip the operators too
# (``op``, ``ops``: a node of its own per operation, never holding a name)
_NO_NAMES = _LEAF_FIELDS | {"op", "ops"}
_NAME_FIELDS: dict[type, tuple[str, ...]] = {}


def nodes(node: object) -> Iterator[gast.AST]:
    """Every node under ``node`` (or a list of them), depth first, expression contexts
    left out: ``gast.walk`` without its per-node field iterators, for the passes that
    only count or collect (the most called function of the compiler).  The fields to
    visit are looked up by class (which also tells a node from a number or a None in a
    list); a constant's value is never a node."""
    stack = list(node) if node.__class__ is list else [node]
    child = _CHILD_FIELDS
    pop, push, extend = stack.pop, stack.append, stack.extend
    name = gast.Name
    while stack:
        n = pop()
        cls = n.__class__
        if cls is name:  # (half the nodes: its one field that may hold a node, inline)
            yield n
            annotation = getattr(n, "annotation", None)
            if annotation is not None:
                push(annotation)
            continue
        fields = child.get(cls)
        if fields is None:
            if not isinstance(n, gast.AST):
                continue  # a None in a list of defaults
            fields = child[cls] = () if isinstance(n, gast.Constant) else \
                tuple(f for f in n._fields if f not in _LEAF_FIELDS)
        yield n
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                extend(v)
            elif v is not None:
                push(v)


def name_nodes(node: object) -> Iterator[gast.Name]:
    """The ``Name`` nodes :func:`nodes` yields, in the same order: the name-use scans
    (counts, liveness) take only these, without a resumption per other node."""
    stack = list(node) if node.__class__ is list else [node]  # type: ignore[call-overload]
    child = _NAME_FIELDS
    pop, push, extend = stack.pop, stack.append, stack.extend
    name = gast.Name
    while stack:
        n = pop()
        cls = n.__class__
        if cls is name:
            yield n
            annotation = getattr(n, "annotation", None)
            if annotation is not None:
                push(annotation)
            continue
        fields = child.get(cls)
        if fields is None:
            if not isinstance(n, gast.AST):
                continue  # a None in a list of defaults
            fields = child[cls] = () if isinstance(n, gast.Constant) else \
                tuple(f for f in n._fields if f not in _NO_NAMES)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                extend(v)
            elif v is not None:
                push(v)


def substituted(tree: Any, old: gast.AST, new: gast.AST) -> Any:
    """``tree`` with the node ``old`` (by identity) replaced by ``new``, in place (the
    new tree itself when ``tree`` is ``old``)."""
    if tree is old:
        return new
    for parent in walk(tree):
        for field in parent._fields:
            child = getattr(parent, field, None)
            if child is old:
                setattr(parent, field, new)
            elif child.__class__ is list and any(c is old for c in child):
                setattr(parent, field, [new if c is old else c for c in child])
    return tree


def replace_child(parent: gast.AST, old: gast.AST, new: gast.AST) -> None:
    """``old``, a child of ``parent`` (a field, or an item of a list field), replaced by
    ``new`` in place."""
    for field, value in gast.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
        elif isinstance(value, list):
            value[:] = [new if v is old else v for v in value]


def same(a: Any, b: Any) -> bool:
    """``gast.dump(a) == gast.dump(b)`` without printing either (it stops at the first
    difference); a NaN constant is never the same as another."""
    if a.__class__ is not b.__class__:
        return False
    if a.__class__ is list:
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if not isinstance(a, gast.AST):
        return bool(a == b)
    return all(same(getattr(a, f, None), getattr(b, f, None)) for f in a._fields)


def structure(node: object) -> tuple:
    """A key equal for two trees exactly when ``gast.dump`` prints them the same (node
    classes, contexts, names, constants, list lengths), cheaper to make than the dump."""
    out: list[Any] = []
    stack: list[Any] = [node]
    pop, push, add = stack.pop, stack.append, out.append
    while stack:
        n = pop()
        cls = n.__class__
        add(cls)
        if cls is list:
            add(len(n))
            stack.extend(n)
            continue
        if not isinstance(n, gast.AST):
            add(n if cls in (str, int, bool) or n is None else repr(n))
            continue
        for f in n._fields:
            push(getattr(n, f, None))
    return tuple(out)


def fingerprint(node: object, out: list | None = None) -> int:
    """A hash of the types, names, attributes, keyword names and constants of the nodes
    :func:`nodes` yields, in its order: equal when a pass changed nothing (one loop, no
    generator: the pass manager takes one after every pass of a fixpoint group); those
    tokens are appended to ``out`` when given (the pass manager's index of the body)."""
    out = [] if out is None else out
    stack: list[Any] = list(node) if node.__class__ is list else [node]  # type: ignore[call-overload]
    child = _CHILD_FIELDS
    pop, push, extend, add = stack.pop, stack.append, stack.extend, out.append
    name, attribute, constant, keyword = gast.Name, gast.Attribute, gast.Constant, gast.keyword
    while stack:
        n = pop()
        cls = n.__class__
        if cls is name:
            add(cls)
            add(n.id)
            annotation = getattr(n, "annotation", None)
            if annotation is not None:
                push(annotation)
            continue
        fields = child.get(cls)
        if fields is None:
            if not isinstance(n, gast.AST):
                continue  # a None in a list of defaults
            fields = child[cls] = () if isinstance(n, gast.Constant) else \
                tuple(f for f in n._fields if f not in _LEAF_FIELDS)
        add(cls)
        if cls is attribute:
            add(n.attr)
        elif cls is constant:
            add(repr(n.value))
        elif cls is keyword:
            add(n.arg)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                extend(v)
            elif v is not None:
                push(v)
    return hash(tuple(out))


def name_ids(node: object, ctx: type, out: list[str] | None = None) -> list[str]:
    """The ids of the ``Name`` nodes in context ``ctx`` (``gast.Load``, ``gast.Store``)
    that :func:`name_nodes` yields, in its order, appended to ``out``: the counting
    scans (load and store counts, liveness) without a generator."""
    out = [] if out is None else out
    stack: list[Any] = list(node) if node.__class__ is list else [node]  # type: ignore[call-overload]
    child = _NAME_FIELDS
    pop, push, extend, add = stack.pop, stack.append, stack.extend, out.append
    name = gast.Name
    while stack:
        n = pop()
        cls = n.__class__
        if cls is name:
            if n.ctx.__class__ is ctx:
                add(n.id)
            annotation = getattr(n, "annotation", None)
            if annotation is not None:
                push(annotation)
            continue
        fields = child.get(cls)
        if fields is None:
            if not isinstance(n, gast.AST):
                continue  # a None in a list of defaults
            fields = child[cls] = () if isinstance(n, gast.Constant) else \
                tuple(f for f in n._fields if f not in _NO_NAMES)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                extend(v)
            elif v is not None:
                push(v)
    return out


def store_and_load_ids(node: object, stores: list[str], loads: list[str]) -> None:
    """``name_ids(node, gast.Store, stores)`` and ``name_ids(node, gast.Load, loads)`` in
    one walk (the name counts of the copy folding take both)."""
    stack: list[Any] = list(node) if node.__class__ is list else [node]  # type: ignore[call-overload]
    child = _NAME_FIELDS
    pop, push, extend = stack.pop, stack.append, stack.extend
    add_store, add_load = stores.append, loads.append
    name, store, load = gast.Name, gast.Store, gast.Load
    while stack:
        n = pop()
        cls = n.__class__
        if cls is name:
            ctx = n.ctx.__class__
            if ctx is store:
                add_store(n.id)
            elif ctx is load:
                add_load(n.id)
            annotation = getattr(n, "annotation", None)
            if annotation is not None:
                push(annotation)
            continue
        fields = child.get(cls)
        if fields is None:
            if not isinstance(n, gast.AST):
                continue  # a None in a list of defaults
            fields = child[cls] = () if isinstance(n, gast.Constant) else \
                tuple(f for f in n._fields if f not in _NO_NAMES)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                extend(v)
            elif v is not None:
                push(v)


_ALL_FIELDS: dict[type, tuple[str, ...]] = {}


def walk(node: gast.AST) -> Iterator[gast.AST]:
    """``gast.walk``, node for node in the same (breadth first) order, expression
    contexts included, each node's children taken before it is yielded; without
    ``ast.iter_child_nodes``'s generators and deque, which made ``gast.walk`` the
    costliest call of the passes."""
    queue = [node]
    fields_of = _ALL_FIELDS
    ast_node, name = gast.AST, gast.Name
    append, extend = queue.append, queue.extend
    i = 0
    while i < len(queue):
        n = queue[i]
        i += 1
        cls = n.__class__
        if cls is name:  # (half the nodes: its context, and an annotation where it has one)
            v = getattr(n, "ctx", None)
            if isinstance(v, ast_node):
                append(v)
            v = getattr(n, "annotation", None)
            if isinstance(v, ast_node):
                append(v)
            yield n
            continue
        fields = fields_of.get(cls)
        if fields is None:
            fields = fields_of[cls] = () if cls is gast.Constant else \
                tuple(f for f in n._fields if f not in SCALAR_FIELDS)
        for f in fields:
            v = getattr(n, f, None)
            if v.__class__ is list:
                extend([x for x in v if isinstance(x, ast_node)])
            elif isinstance(v, ast_node):
                append(v)
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
                tuple(f for f in n._fields if f not in SCALAR_FIELDS and f != "ctx")
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


@contextlib.contextmanager
def no_gc() -> Any:
    """The garbage collector paused: the transform (and the sparsity interpreter) make
    many short-lived objects and no reference cycles, and a full collection they would
    trigger costs more than they do (tens of ms with large libraries loaded)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
