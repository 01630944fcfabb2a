"""An object of a plain class made inside the differentiated function (``p = Particle(x,
v)``, ``layer = Affine(W, b)``) whose ``__init__`` only stores attributes (``self.x = x``,
``self.m = np.sum(v)``, reading the ones stored before): built as a named tuple of those
attributes, a subclass of the class (:func:`s2sad.dataclass_args.record_class`), by
``__init__``'s own body inlined with each ``self.a`` a local.  Its attribute reads,
methods (``p.energy()``, ``layer(h)``) and ``isinstance`` then read as for a dataclass
built here (:mod:`dataclass_built`), differentiated attribute by attribute; a method
that stores into ``self`` is refused as for a dataclass (was refused as an object made
inside).  A class whose ``__init__`` does anything else (branches, calls a method of
``self``, passes ``self`` on), or with slots, a metaclass, ``__new__``,
``__setattr__``/``__getattr__`` stays refused; an ``__init__`` calling its base's
(``super().__init__(W, b)``) is read as one (:mod:`init_chains`)."""
from __future__ import annotations

import dataclasses
import inspect
from typing import TYPE_CHECKING, Any

import gast

from s2sad import runtime
from s2sad.compiler import fence, source
from s2sad.compiler.field_lists import field_items, stored_by_methods
from s2sad.compiler.init_chains import chain_key, init_of, init_tree
from s2sad.compiler.names import const, load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.user_code import is_user_function, own_nodes
from s2sad.compiler.walks import walk
from s2sad.dataclass_args import other_dunders, record_class

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

# what makes storing an attribute more than storing it, or reading it more than a read
_SPECIAL = {"__new__", "__setattr__", "__getattr__", "__getattribute__", "__delattr__",
            "__slots__"}
_PLANS: dict[tuple, tuple[str, ...] | None] = {}  # (class, __init__'s code) -> attributes


def stored_attributes(cls: Any) -> tuple[str, ...] | None:
    """The attributes a plain class's ``__init__`` stores, in order; None where the class
    or its ``__init__`` is more than that (see the module's docstring)."""
    if not isinstance(cls, type) or type(cls) is not type or issubclass(cls, tuple) or \
            dataclasses.is_dataclass(cls):
        return None
    init = init_of(cls)
    if not is_user_function(init) or other_dunders(cls, followed=True) or \
            any(not _SPECIAL.isdisjoint(vars(klass)) for klass in cls.__mro__[:-1]):
        return None
    key = chain_key(cls)
    if key not in _PLANS:
        _PLANS[key] = _attributes(cls)
    return _PLANS[key]


def record_fields(cls: type) -> frozenset[str] | None:
    """The attributes every object of ``cls`` s2sad builds as a record has (a
    dataclass's fields, or what a plain ``__init__`` stores), or None."""
    if dataclasses.is_dataclass(cls):
        return frozenset(f.name for f in dataclasses.fields(cls))
    stored = stored_attributes(cls)
    return frozenset(stored) if stored is not None else None


def _attributes(cls: type) -> tuple[str, ...] | None:
    node = init_tree(cls)
    if node is None:
        return None
    if not node.args.args or node.args.posonlyargs:
        return None
    me, names = node.args.args[0].id, list[str]()
    for st in node.body:
        if _docstring(st):
            continue
        stored = _stored_together(st, me)
        if stored is None or not _reads_only(st.value, me, names):
            return None
        names += [t for t in stored if t not in names]
    return tuple(names + [a for a in stored_by_methods(cls) if a not in names])


def _stored_together(st: gast.stmt, me: str) -> list[str] | None:
    """The attributes ``self.a = v`` or ``self.a, self.b = a, b`` stores, else None."""
    target = st.targets[0] if isinstance(st, gast.Assign) and len(st.targets) == 1 else None
    if isinstance(target, gast.Tuple) and isinstance(st.value, gast.Tuple) and \
            len(target.elts) == len(st.value.elts):
        found = [_stored(gast.Assign(targets=[t], value=v, type_comment=None), me)
                 for t, v in zip(target.elts, st.value.elts)]
        names = [f for f in found if f is not None]
        plain = len(set(names)) == len(found) and all(  # (no self read: not a swap)
            _reads_only(v, me, []) for v in st.value.elts)
        return names if plain else None
    stored = _stored(st, me)
    return [stored] if stored is not None else None


def _docstring(st: gast.stmt) -> bool:
    return isinstance(st, gast.Expr) and isinstance(st.value, gast.Constant) and \
        isinstance(st.value.value, str)


def _stored(st: gast.stmt, me: str) -> str | None:
    """The attribute ``self.a = v`` (or ``self.a: T = v``) stores, else None."""
    if isinstance(st, gast.Assign) and len(st.targets) == 1:
        target = st.targets[0]
    elif isinstance(st, gast.AnnAssign) and st.value is not None:
        target = st.target
    else:
        return None
    if isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name) and \
            target.value.id == me:
        return target.attr
    return None


def _reads_only(value: gast.expr, me: str, stored: list[str]) -> bool:
    """Whether ``value`` reads ``self`` only as attributes already stored."""
    uses = sum(1 for n in walk(value) if isinstance(n, gast.Name) and n.id == me)
    reads = sum(1 for n in walk(value) if isinstance(n, gast.Attribute) and
                isinstance(n.value, gast.Name) and n.value.id == me and n.attr in stored)
    return uses == reads


def record_fits(fn: Any, node: gast.Call) -> bool:
    """Whether ``node`` calls a plain class :func:`class_built` builds (no spread)."""
    return stored_attributes(fn) is not None and \
        not any(isinstance(a, gast.Starred) for a in node.args) and \
        not any(k.arg is None for k in node.keywords)


def class_built(norm: Normalizer, cls: type, args: list, kws: list, node: gast.Call
                ) -> gast.expr:
    """``Particle(x, v)`` (the arguments made atoms): ``__init__``'s body inlined, each
    ``self.a`` a local, then ``named_tuple(a, ..., kind=<record of Particle>)``."""
    from s2sad.compiler.inlining import inline
    init = init_of(cls)
    attributes = stored_attributes(cls) or ()
    src = source.load(init)
    tree = init_tree(cls) or clone(src.node)
    me = tree.args.args[0].id
    taken = {n.id for n in walk(tree) if isinstance(n, gast.Name)}
    local = {a: _free(f"{me}_{a}", taken) for a in attributes}
    functions = _functions_stored(norm, cls, node, tree, taken)
    tree.body = [_as_local(st, me, local) for st in tree.body if not _docstring(st)]
    stored = {n.id for st in tree.body for n in walk(st) if isinstance(n, gast.Name) and
              isinstance(n.ctx, gast.Store)}
    tree.body[:0] = [gast.copy_location(gast.Assign(  # (stored by a method: None first)
        targets=[gast.Name(id=local[a], ctx=gast.Store(), annotation=None,
                           type_comment=None)], value=const(None), type_comment=None),
        tree) for a in attributes if local[a] not in stored]
    made, kind = _free("named_tuple", taken), _free(cls.__name__, taken)
    result = gast.Return(value=gast.Call(
        func=load(made), args=[load(local[a]) for a in attributes],
        keywords=[gast.keyword(arg="kind", value=load(kind))]))
    tree.body.append(gast.copy_location(result, tree.body[-1]) if tree.body else result)
    namespace = {**src.namespace, made: runtime.named_tuple,
                 kind: record_class(cls, list(attributes)), **functions}
    built = fence.check(source.Source(init, tree, src.filename, namespace), inlined=True)
    return inline(norm, init, [const(None), *args], kws, node, src=built)


def function_fields(norm: Normalizer, node: gast.FunctionDef, instances: dict[str, type],
                    own: list | None = None) -> dict[str, dict[str, tuple]]:
    """name -> {attribute: (function, path)} of the objects of plain classes built here
    once (``layer = Dense(W, b, act=relu)``) whose ``__init__`` stores a parameter given
    a function as it is (``self.act = act``: the argument, or the parameter's default):
    ``layer.act(h)`` in a method is a call of that function, known as a global's is
    (was refused: which function the name holds not known)."""
    found: dict[str, dict[str, tuple]] = {}
    for n in own_nodes(node) if own is None else own:
        if n.__class__ is not gast.Assign or len(n.targets) != 1 or \
                n.targets[0].__class__ is not gast.Name or n.value.__class__ is not gast.Call:
            continue
        name = n.targets[0].id
        cls = instances.get(name)
        if cls is None or norm.stores[name] != 1 or not record_fits(cls, n.value):
            continue
        held = _stored_functions(norm, cls, n.value)
        if held:
            found[name] = held
    return found


def _stored_functions(norm: Normalizer, cls: type, call: gast.Call) -> dict[str, tuple]:
    """The attributes ``__init__`` stores from a parameter bound to a function."""
    init, tree = init_of(cls), init_tree(cls)
    if tree is None:
        return {}
    params = [a.id for a in tree.args.args]
    stored = [(_stored(st, params[0]) or "", st.value) for st in tree.body
              if not _docstring(st)]  # (every statement a store: record_fits said so)
    counts: dict[str, int] = {}
    for attribute, _ in stored:
        counts[attribute] = counts.get(attribute, 0) + 1
    given = dict(zip(params[1:], call.args)) | {k.arg: k.value for k in call.keywords}
    defaults = inspect.signature(init).parameters
    held: dict[str, tuple] = {}
    for attribute, value in stored:
        if counts[attribute] == 1 and _known_function(value, params, init):
            held[attribute] = (evaluate_ref(value, init.__globals__), None)  # (np.tanh)
        if not isinstance(value, gast.Name) or value.id not in params[1:] or \
                counts[attribute] != 1:
            continue
        arg = given.get(value.id)
        fn, path = (norm.resolve(arg), norm.path_of(arg)) if arg is not None else \
            (defaults[value.id].default, None)
        if callable(fn) and not isinstance(fn, type):
            held[attribute] = (fn, path)
    return held


def _known_function(value: gast.expr, params: list[str], init: Any) -> bool:
    """``self.act = np.tanh`` in ``__init__``: a function of its module's globals."""
    if not isinstance(value, (gast.Name, gast.Attribute)) or \
            any(isinstance(n, gast.Name) and n.id in params for n in walk(value)):
        return False
    fn = evaluate_ref(value, getattr(init, "__globals__", {}))
    return callable(fn) and not isinstance(fn, type)


def _functions_stored(norm: Normalizer, cls: type, call: gast.Call, tree: gast.FunctionDef,
                      taken: set[str]) -> dict[str, Any]:
    """``self.act = act`` of a parameter given a function: stores the function itself,
    by an alias of its own (the parameter, known as that function, has no value);
    alias -> function."""
    held = _stored_functions(norm, cls, call)
    functions = {}
    for st in tree.body:
        attribute = _stored(st, tree.args.args[0].id)
        if attribute in held:
            alias = _free(attribute, taken)
            functions[alias] = held[attribute][0]
            st.value = load(alias)
    return functions


def _free(name: str, taken: set[str]) -> str:
    while name in taken:
        name += "_"
    taken.add(name)
    return name


class _AsLocal(gast.NodeTransformer):
    """``self.a`` as the local holding ``a`` (``self.a = e(self.b)``: ``self_a = e(self_b)``)."""

    def __init__(self, me: str, local: dict[str, str]) -> None:
        self.me, self.local = me, local

    def visit_Attribute(self, n: gast.Attribute) -> gast.AST:
        if isinstance(n.value, gast.Name) and n.value.id == self.me and n.attr in self.local:
            return gast.copy_location(gast.Name(id=self.local[n.attr], ctx=n.ctx,
                                                annotation=None, type_comment=None), n)
        return self.generic_visit(n)


def _as_local(st: gast.stmt, me: str, local: dict[str, str]) -> gast.stmt:
    if isinstance(st, gast.AnnAssign):  # (the annotation dropped: not evaluated in a def)
        st = gast.copy_location(gast.Assign(targets=[st.target], value=st.value,
                                            type_comment=None), st)
    return _AsLocal(me, local).visit(st)


# ----- lists of records: bodies = [Body(p[i], m[i]) for i in ...]; for b in bodies: b.f() --

def built_class(norm: Normalizer, value: gast.expr) -> type | None:
    """The class ``value`` builds as a record (a dataclass or a plain class), or None."""
    from s2sad.compiler.dataclass_built import dataclass_fits
    if not isinstance(value, gast.Call) or not isinstance(value.func, (gast.Name,
                                                                       gast.Attribute)):
        return None
    cls = norm.resolve(value.func)
    return cls if dataclass_fits(cls, value) or record_fits(cls, value) else None


def _items_class(norm: Normalizer, value: gast.expr) -> type | None:
    """The one class of records a list display or comprehension holds, or None."""
    if isinstance(value, gast.ListComp):
        return built_class(norm, value.elt)
    if isinstance(value, gast.List) and value.elts:
        kinds = {built_class(norm, e) for e in value.elts}
        return kinds.pop() if len(kinds) == 1 else None
    return None


def iterated_class(iterated: gast.expr, lists: dict[str, type]) -> type | None:
    """The class of the records a loop over ``iterated`` gives: over a list of them
    (``bodies``, ``bodies[1:]``, ``reversed(bodies)``), else None."""
    while True:
        if isinstance(iterated, gast.Subscript) and isinstance(iterated.slice, gast.Slice):
            iterated = iterated.value
        elif isinstance(iterated, gast.Call) and isinstance(iterated.func, gast.Name) and \
                iterated.func.id == "reversed" and len(iterated.args) == 1:
            iterated = iterated.args[0]
        else:
            break
    return lists.get(iterated.id) if isinstance(iterated, gast.Name) else \
        field_items(iterated, lists)  # (self.layers of a list its __init__ stores)


def loop_items(target: gast.expr, iterated: gast.expr, lists: dict[str, type]
               ) -> tuple[str, type] | None:
    """(the name, its class) a loop ``for target in iterated`` binds to a record, or
    None: ``for b in bodies``, ``for i, b in enumerate(bodies)``."""
    if isinstance(iterated, gast.Call) and isinstance(iterated.func, gast.Name) and \
            iterated.func.id == "enumerate" and len(iterated.args) == 1 and \
            isinstance(target, gast.Tuple) and len(target.elts) == 2:
        target, iterated = target.elts[1], iterated.args[0]
    cls = iterated_class(iterated, lists)
    return (target.id, cls) if cls is not None and isinstance(target, gast.Name) else None


def listed_records(norm: Normalizer, node: gast.FunctionDef, fields: dict | None = None,
                   own: list | None = None) -> tuple[dict[str, type], dict[str, type]]:
    """(the locals only ever bound to a list of records of one class -> the class, the
    locals only ever bound to an item of one -> its class): a loop over such a list,
    ``bodies[0].mass(...)``, read the items' methods as the class's; ``fields``: the
    lists of records ``self`` holds (:mod:`field_lists`), ``"self.layers" -> class``;
    ``own``: the function's own nodes (:func:`own_nodes`), when the caller has them."""
    own = list(own_nodes(node)) if own is None else own
    kinds: dict[str, list] = {}
    for n in own:
        if n.__class__ is gast.Assign and len(n.targets) == 1 and \
                n.targets[0].__class__ is gast.Name and \
                n.value.__class__ in (gast.ListComp, gast.List):
            kinds.setdefault(n.targets[0].id, []).append(_items_class(norm, n.value))
    lists = _only(kinds, norm)
    if not lists and not fields:
        return {}, {}
    lists = {k: v for k, v in lists.items() if k not in _changed(own)} | (fields or {})
    items: dict[str, list] = {}
    for n in own:
        found: tuple[str, type | None] | None = \
            loop_items(n.target, n.iter, lists) if n.__class__ is gast.For else None
        if n.__class__ is gast.Assign and len(n.targets) == 1 and \
                n.targets[0].__class__ is gast.Name and n.value.__class__ is gast.Subscript \
                and not isinstance(n.value.slice, gast.Slice):
            found = (n.targets[0].id, iterated_class(n.value.value, lists))
        if found is not None:
            items.setdefault(found[0], []).append(found[1])
    return lists, _only(items, norm)


_READERS = {"len", "enumerate", "reversed", "range", "zip", "sum"}  # (none changes a list)


def _changed(own: list) -> set[str]:
    """Names whose list may get other items: written into, a method called on it, handed
    to a call other than a builtin reader, or bound to another name (``own``: the
    function's own nodes)."""
    changed = set()
    for n in own:
        if isinstance(n, gast.Subscript) and isinstance(n.ctx, gast.Store):
            changed |= {v.id for v in [n.value] if isinstance(v, gast.Name)}
        elif isinstance(n, gast.Call):
            reader = isinstance(n.func, gast.Name) and n.func.id in _READERS
            handed = ([] if reader else list(n.args) + [k.value for k in n.keywords]) + (
                [n.func.value] if isinstance(n.func, gast.Attribute) else [])
            changed |= {a.id for a in handed if isinstance(a, gast.Name)}
        elif isinstance(n, gast.Assign) and isinstance(n.value, gast.Name):
            changed.add(n.value.id)
    return changed


def _only(kinds: dict[str, list], norm: Normalizer) -> dict[str, type]:
    """The names every store of which (``norm.stores``) gives one class."""
    return {name: found[0] for name, found in kinds.items()
            if None not in found and len(set(found)) == 1 and len(found) == norm.stores[name]}
