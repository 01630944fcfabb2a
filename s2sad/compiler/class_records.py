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
``__setattr__``/``__getattr__``, or an ``__init__`` in more than one of its classes
(one calling the other's), stays refused."""
from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import gast

from s2sad import runtime
from s2sad.compiler import fence, source
from s2sad.compiler.names import const, load
from s2sad.compiler.user_code import is_user_function
from s2sad.compiler.walks import clone, walk
from s2sad.dataclass_args import record_class
from s2sad.errors import DifferentiationError

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
    init = _init_of(cls)
    if not is_user_function(init) or \
            any(not _SPECIAL.isdisjoint(vars(klass)) for klass in cls.__mro__[:-1]):
        return None
    key = (cls, init.__code__)
    if key not in _PLANS:
        _PLANS[key] = _attributes(init)
    return _PLANS[key]


def _init_of(cls: type) -> Any:
    """The one ``__init__`` of ``cls`` and its bases (not object's), or None."""
    found = [vars(klass)["__init__"] for klass in cls.__mro__[:-1] if "__init__" in vars(klass)]
    return found[0] if len(found) == 1 else None


def _attributes(init: Any) -> tuple[str, ...] | None:
    try:
        node = source.load(init).node
    except DifferentiationError:
        return None
    if not node.args.args or node.args.posonlyargs:
        return None
    me, names = node.args.args[0].id, list[str]()
    for st in node.body:
        if _docstring(st):
            continue
        target = _stored(st, me)
        if target is None or not _reads_only(st.value, me, names):
            return None
        if target not in names:
            names.append(target)
    return tuple(names)


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
    init = _init_of(cls)
    attributes = stored_attributes(cls) or ()
    src = source.load(init)
    tree = clone(src.node)
    me = tree.args.args[0].id
    taken = {n.id for n in walk(tree) if isinstance(n, gast.Name)}
    local = {a: _free(f"{me}_{a}", taken) for a in attributes}
    tree.body = [_as_local(st, me, local) for st in tree.body if not _docstring(st)]
    made, kind = _free("named_tuple", taken), _free(cls.__name__, taken)
    result = gast.Return(value=gast.Call(
        func=load(made), args=[load(local[a]) for a in attributes],
        keywords=[gast.keyword(arg="kind", value=load(kind))]))
    tree.body.append(gast.copy_location(result, tree.body[-1]) if tree.body else result)
    namespace = {**src.namespace, made: runtime.named_tuple,
                 kind: record_class(cls, list(attributes))}
    built = fence.check(source.Source(init, tree, src.filename, namespace), inlined=True)
    return inline(norm, init, [const(None), *args], kws, node, src=built)


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
