"""A dataclass made inside the differentiated function (``p = Params(w, b)``, then
``loss(p, X)`` or ``p.predict(X)``): built as the named tuple that stands for a dataclass
argument (:func:`s2sad.dataclass_args.record_class`), so its attribute reads, methods and
``isinstance`` are those of a dataclass passed in, differentiated field by field (was
refused as an object of a user's class made inside).  Only a dataclass whose ``__init__``
just stores its fields: no ``__post_init__``, no ``InitVar``, no field left out of
``__init__`` (those run code of their own: still refused)."""
from __future__ import annotations

import dataclasses
import inspect
from typing import TYPE_CHECKING, Any

import gast

from s2sad import runtime
from s2sad.compiler.class_records import record_fits
from s2sad.compiler.local_functions import as_values
from s2sad.compiler.names import load
from s2sad.compiler.spread_arguments import constant, literal
from s2sad.compiler.user_code import own_nodes
from s2sad.dataclass_args import other_dunders, record_class

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def plain_dataclass(fn: Any) -> bool:
    """A dataclass whose ``__init__`` takes exactly its fields and stores them."""
    if not (isinstance(fn, type) and dataclasses.is_dataclass(fn)) or \
            hasattr(fn, "__post_init__") or other_dunders(fn, followed=True):
        return False
    fields = dataclasses.fields(fn)
    if any(not f.init for f in fields):
        return False
    try:
        params = list(inspect.signature(fn.__init__).parameters)[1:]
    except (TypeError, ValueError):
        return False
    return params == [f.name for f in fields]


def dataclass_fits(fn: Any, node: gast.Call) -> bool:
    """Whether the call ``node`` of ``fn`` builds it as a record: a plain dataclass
    (:func:`plain_dataclass`), no spread arguments, every field given or with a constant
    default (not a ``default_factory``)."""
    if not plain_dataclass(fn) or any(isinstance(a, gast.Starred) for a in node.args) or \
            any(k.arg is None for k in node.keywords):
        return False
    fields = dataclasses.fields(fn)
    rest = fields[len(node.args):]
    given = {k.arg for k in node.keywords}
    return len(node.args) <= len(fields) and given <= {f.name for f in rest} and all(
        f.name in given or f.default is not dataclasses.MISSING and constant(f.default)
        for f in rest)


def dataclass_built(norm: Normalizer, fn: type, args: list, kws: list) -> gast.expr:
    """``Params(w, b=v)`` (the arguments made atoms) as ``named_tuple(w, v, kind=<record
    of Params>)``, the fields in order, a field's constant default where the call gives
    none (:func:`dataclass_fits` said the call fits)."""
    given = {k.arg: k.value for k in kws}
    items = list(args)
    for f in dataclasses.fields(fn)[len(args):]:
        items.append(given[f.name] if f.name in given else literal(f.default))
    record = record_class(fn)
    alias = norm.namer.fresh(fn.__name__)
    norm.namespace[alias] = record
    return as_values(norm, gast.Call(func=norm.ref(runtime.named_tuple), args=items,
                                     keywords=[gast.keyword(arg="kind", value=load(alias))]))


def built_instances(norm: Normalizer, node: gast.FunctionDef, own: list | None = None
                    ) -> dict[str, type]:
    """The locals that only ever hold a dataclass built here (every assignment to the
    name is ``name = Params(...)`` of one class the call fits, :func:`dataclass_fits`):
    name -> class, so ``name.method(x)`` and ``name(x)`` inline the class's methods with
    the record as ``self``, as for a parameter given an instance."""
    found: dict[str, set] = {}
    counts: dict[str, int] = {}
    for n in own_nodes(node) if own is None else own:
        if n.__class__ is not gast.Assign or len(n.targets) != 1 or \
                n.targets[0].__class__ is not gast.Name or n.value.__class__ is not gast.Call:
            continue
        cls = norm.resolve(n.value.func) if isinstance(
            n.value.func, (gast.Name, gast.Attribute)) else None
        name = n.targets[0].id
        fits = dataclass_fits(cls, n.value) or record_fits(cls, n.value)
        found.setdefault(name, set()).add(cls if fits else None)
        counts[name] = counts.get(name, 0) + 1
    return {name: next(iter(kinds)) for name, kinds in found.items()
            if len(kinds) == 1 and None not in kinds and counts[name] == norm.stores[name]}
