"""Fresh, readable names: ``add``, ``add_1``, ``x_2``; never a user's name."""
from __future__ import annotations

import builtins
import keyword
from typing import Any

import gast

from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.walks import CONTEXTS, SCALAR_FIELDS, name_nodes

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
        found = {n.id for n in name_nodes(node)}
        found |= {n.name for n in nodes_of(node, (gast.FunctionDef,))}  # (a scan, no generator)
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


def np_attr(attr: str) -> gast.Attribute:
    """``np.attr``: a NumPy function as generated code spells it."""
    return gast.Attribute(value=load("np"), attr=attr, ctx=gast.Load())


def call_named(e: object, name: str) -> bool:
    """``name(...)``: a call of the name ``name`` (a runtime helper in generated code)."""
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Name) and e.func.id == name


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


class Transformer(gast.NodeTransformer):
    """``gast.NodeTransformer`` with the same visits in the same order, faster: the
    ``visit_`` method of each node class is looked up once per visitor class, and
    ``generic_visit`` reads each class's fields that may hold a node from a table (no
    ``ast.iter_fields`` generator; expression contexts, which no visitor rewrites, and
    fields that only ever hold a string or a number are not visited).  Where the visitor
    class keeps this class's ``visit`` and ``generic_visit``, a child is dispatched
    inside ``generic_visit`` itself, by what its class calls for (:func:`_action`): a
    child without a ``visit_`` method that has nothing to visit (a name, a constant, an
    operator: most nodes) costs no call, and another one is visited generically without
    the call of ``visit`` in between."""

    def visit(self, node: Any) -> Any:
        cls = node.__class__
        methods = _VISIT_METHODS.get(self.__class__)
        if methods is None:
            methods = _VISIT_METHODS[self.__class__] = {}
        method = methods.get(cls, _NO_METHOD)
        if method is _NO_METHOD:
            method = methods[cls] = getattr(self.__class__, "visit_" + cls.__name__, None)
        if method is not None:
            return method(self, node)
        if cls is gast.Name and getattr(node, "annotation", None) is None:
            return node  # (half the nodes: a generic visit has nothing to visit in it)
        return self.generic_visit(node)

    def generic_visit(self, node: Any) -> Any:
        fields = _VISITED_FIELDS.get(node.__class__)
        if fields is None:
            fields = _visited_fields(node.__class__)
        actions = _ACTIONS.get(self.__class__)
        if actions is None:
            actions = _ACTIONS[self.__class__] = {list: _LIST}
        for field in fields:
            old = getattr(node, field, None)
            act = actions.get(old.__class__)
            if act is None:
                act = _action(self.__class__, actions, old.__class__)
            if act.__class__ is _Kind:
                if act is _LIST:
                    self._visit_list(old)  # type: ignore[arg-type]
                elif act is _GENERIC or act is _NAME and \
                        getattr(old, "annotation", None) is not None:
                    self.generic_visit(old)  # (gives ``old`` itself back)
                continue
            value = act(self, old)
            if value is None:
                delattr(node, field)
            elif value is not old:
                setattr(node, field, value)
        return node

    def _visit_list(self, old: list) -> None:
        """Each node of ``old`` visited, and replaced by what its visit gave (None:
        dropped; a list: spliced in); the list is rebuilt only from the first item a
        visit changed (most visits change nothing)."""
        actions = _ACTIONS.get(self.__class__)
        if actions is None:
            actions = _ACTIONS[self.__class__] = {list: _LIST}
        new: list | None = None
        for i, value in enumerate(old):
            act = actions.get(value.__class__)
            if act is None:
                act = _action(self.__class__, actions, value.__class__)
            if act.__class__ is _Kind:  # (``value`` stays; a list in a list is no node)
                if act is _GENERIC or act is _NAME and \
                        getattr(value, "annotation", None) is not None:
                    self.generic_visit(value)
                if new is not None:
                    new.append(value)
                continue
            given, value = value, act(self, value)
            if value is given and new is None:
                continue
            if new is None:
                new = old[:i]
            if value is None:
                continue
            if isinstance(value, gast.AST):
                new.append(value)
            else:
                new.extend(value)
        if new is not None:
            old[:] = new



class Swap(Transformer):
    """Given nodes of a tree replaced (by identity: ``{id(node): its replacement}``)."""

    def __init__(self, swap: dict) -> None:
        self.swap = swap

    def visit(self, node: gast.AST) -> gast.AST:
        if id(node) in self.swap:
            return self.swap[id(node)]
        return super().visit(node)


class _Kind:
    """What a generic visit does with a child that has no ``visit_`` method of its own."""


_LIST, _GENERIC, _NAME, _SKIP = _Kind(), _Kind(), _Kind(), _Kind()  # (a name: generic
# only where it has an annotation; skipped: a node with nothing to visit, or no node)
_ACTIONS: dict[type, dict[type, Any]] = {}  # visitor class -> child class -> action


def _action(visitor: Any, actions: dict, cls: Any) -> Any:
    """What a generic visit of ``visitor`` does with a child of class ``cls``: call its
    ``visit_`` method; where the visitor class has a ``visit`` or ``generic_visit`` of
    its own, call that ``visit``; else visit it generically, or nothing at all (what
    :meth:`Transformer.visit` would do, without the call)."""
    if not issubclass(cls, gast.AST):
        act: Any = _SKIP
    elif visitor.visit is not Transformer.visit or \
            visitor.generic_visit is not Transformer.generic_visit:
        act = visitor.visit
    else:
        act = getattr(visitor, "visit_" + cls.__name__, None)
        if act is None:
            fields = _VISITED_FIELDS.get(cls)
            act = _NAME if cls is gast.Name else _GENERIC if (
                _visited_fields(cls) if fields is None else fields) else _SKIP
    actions[cls] = act
    return act


def _visited_fields(cls: Any) -> tuple[str, ...]:
    fields = _VISITED_FIELDS[cls] = () if issubclass(cls, (gast.Constant, *CONTEXTS)) \
        else tuple(f for f in cls._fields if f not in SCALAR_FIELDS and f != "ctx")
    return fields


_NO_METHOD = object()
_VISIT_METHODS: dict[type, dict[type, Any]] = {}  # visitor class -> node class -> method
_VISITED_FIELDS: dict[type, tuple[str, ...]] = {}


def root_name(target: gast.expr) -> str | None:
    """The name an assignment to ``target`` changes (``r`` of ``r[i]`` or ``r.x``)."""
    while isinstance(target, (gast.Subscript, gast.Attribute)):
        target = target.value
    return target.id if isinstance(target, gast.Name) else None


# the helpers that change their first argument in place (the ownership pass writes them)
IN_PLACE_HELPERS = frozenset({"write_at", "clear_at", "add_at", "scatter_add",
                              "scatter_subtract", "list_append_owned", "list_pop_last",
                              "add_items"})


def written_names(s: gast.stmt) -> set[str]:
    """Names a statement changes: those it binds, those it writes into (``r`` of ``r[i] =
    v`` and of ``r[i] += v``), and the array an in-place helper writes (``d`` of
    ``e = clear_at(d, i)``)."""
    targets = s.targets if isinstance(s, gast.Assign) else \
        [s.target] if isinstance(s, gast.AugAssign) else []
    bound = {n.id for t in targets for n in name_nodes(t)
             if isinstance(n.ctx, gast.Store)}
    value = s.value if isinstance(s, (gast.Assign, gast.Expr)) else None
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and \
            value.func.id in IN_PLACE_HELPERS and value.args and \
            isinstance(value.args[0], gast.Name):
        bound.add(value.args[0].id)
    return bound | {r for r in map(root_name, targets) if r is not None}


def param_names(node: gast.FunctionDef) -> list[str]:
    """Parameters in the order calls bind them (keyword-only ones last)."""
    return [a.id for a in node.args.args + node.args.kwonlyargs]


def wrt_names(node: gast.FunctionDef, wrt: tuple[int, ...]) -> list[str]:
    params = param_names(node)
    return [params[i] for i in wrt]


def param_ranks(node: gast.FunctionDef, ranks: tuple, held: bool = False,
                numbers: bool = False) -> dict[str, Any]:
    """``ranks`` (position, shape class) of the array arguments, by parameter name;
    ``held``: of the lists, tuples and dicts of arrays too (for the late passes: the
    stages before take an item of a container for what it is, whatever its shape);
    ``numbers``: of the lists and tuples of numbers only too (their items are numbers)."""
    from s2sad.compiler.shape_rules import Elements
    params = param_names(node)  # (a module's array the function reads: keyed by name)
    return {i if isinstance(i, str) else params[i]: r for i, r in ranks
            if (isinstance(i, str) or i < len(params)) and (
                held or isinstance(r, tuple) or numbers and r == Elements(()))}
