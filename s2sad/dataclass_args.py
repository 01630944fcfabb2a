"""Dataclass instances as differentiated arguments (``grad(loss)(params, X)`` with
``@dataclass class Params: W: np.ndarray; b: float``), as JAX users pass their parameter
pytrees: each is passed to the derivative as a named tuple of its fields (a class of its
own per dataclass, a subclass of it too where its layout allows: ``isinstance`` and its
methods read as on the dataclass), which s2sad differentiates field by field; the
gradients come back as an instance of the dataclass, a copy of the argument with each
field its gradient (set directly: ``__post_init__`` checks are for values, not
gradients).
"""
from __future__ import annotations

import collections
import copy
import dataclasses
import operator
from typing import Any

_RECORDS: dict[type, type] = {}  # a dataclass -> the named tuple standing for it
_DUNDERS = {"__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__",
            "__getstate__", "__setstate__", "__match_args__", "__dataclass_fields__",
            "__dataclass_params__", "__dict__", "__weakref__", "__slots__"}


def has_dataclass(args: tuple) -> bool:
    return any(_is_instance(a) for a in args)


def as_records(args: tuple) -> tuple[tuple, dict[type, Any]]:
    """``args`` with each dataclass instance a named tuple of its fields; the record
    classes made, each to the instance it stands for (to copy the gradient into)."""
    made: dict[type, Any] = {}
    out = []
    for a in args:
        if _is_instance(a):
            record = record_class(type(a))
            made.setdefault(record, a)
            a = record(*(getattr(a, f.name) for f in dataclasses.fields(a)))
        out.append(a)
    return tuple(out), made


def back(value: Any, made: dict[type, Any]) -> Any:
    """``value`` with each record of ``made`` an instance of its dataclass again."""
    if type(value) in made:
        like = copy.copy(made[type(value)])
        for name, v in zip(value._fields, value):
            object.__setattr__(like, name, v)  # (a frozen one too)
        return like
    if type(value) in (tuple, list):
        return type(value)(back(v, made) for v in value)
    if type(value) is dict:
        return {k: back(v, made) for k, v in value.items()}
    return value


def record_class(cls: type, names: list[str] | None = None) -> type:
    """The named tuple of ``cls``'s fields (a dataclass's, or ``names``: the attributes
    a plain class stores), with its methods and properties; a subclass of ``cls`` unless
    ``cls`` keeps its fields in slots.  A name a named tuple cannot take (``_w``) is an
    item read by that name too, and ``_fields`` the names (what field reads index)."""
    record = _RECORDS.get(cls)
    if record is None or names is not None and list(record._fields) != names:  # type: ignore[attr-defined]
        names = names if names is not None else [f.name for f in dataclasses.fields(cls)]
        base = collections.namedtuple(cls.__name__, names, rename=True)  # type: ignore[misc]
        own = {k: v for k, v in vars(cls).items() if k not in _DUNDERS and k not in names}
        body = {**own, "__module__": cls.__module__, "__qualname__": cls.__qualname__,
                "__init__": _no_init, "__repr__": base.__repr__, "__eq__": tuple.__eq__,
                "__hash__": tuple.__hash__, "_fields": tuple(names), "_s2sad_class": cls,
                **_operators_refused(cls),
                **{n: property(operator.itemgetter(i)) for i, n in enumerate(names)
                   if n != base._fields[i]}}
        try:
            record = type(cls.__name__, (base, cls), body)
        except TypeError:  # (slots: the layouts of a tuple and of the class conflict)
            record = type(cls.__name__, (base,), body)
        _RECORDS[cls] = record
    return record


def _no_init(self: Any, *args: Any, **kwargs: Any) -> None:
    """(The fields are the tuple's: the dataclass's ``__init__`` is not run.)"""


def _is_instance(a: Any) -> bool:
    return dataclasses.is_dataclass(a) and not isinstance(a, type) and \
        type(a) not in _RECORDS.values() and not other_dunders(type(a))


# what a record would not run as its class does: a tuple's protocol (``p[0]``, ``len(p)``,
# ``p + q`` on a record are a tuple's), operators, conversions, NumPy's hooks
_OPERATORS = {"add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "divmod", "pow",
              "lshift", "rshift", "and", "xor", "or"}
_PROTOCOL = {"__getitem__", "__setitem__", "__delitem__", "__iter__", "__len__",
             "__contains__", "__reversed__", "__bool__", "__index__", "__int__", "__float__",
             "__complex__", "__neg__", "__pos__", "__abs__", "__invert__", "__round__",
             "__array__", "__array_ufunc__", "__array_function__", "__array_priority__",
             "__getnewargs__"} | {
    f"__{p}{op}__" for op in _OPERATORS for p in ("", "r", "i")}
# (a dataclass's own compare its fields in order, as the record's tuple does: kept)
# the operators compiler/operator_methods.py reads as the user's methods
OPERATOR_METHODS = frozenset({f"__{p}{op}__" for op in (
    "add", "sub", "mul", "matmul", "truediv", "floordiv", "mod", "pow") for p in (
    "", "r", "i")} | {"__neg__", "__pos__"})
_COMPARED = {"__eq__", "__ne__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__"}


def other_dunders(cls: type, followed: bool = False) -> bool:
    """Whether ``cls`` (or a base) defines a special method a record of it would not run
    as the class does (``__getitem__``, ``__len__``, ``__add__``, ...): then no record.
    ``followed``: the operators the compiler reads as their methods where it builds the
    record (``u + v`` as ``u.__add__(v)``, :mod:`s2sad.compiler.operator_methods`) are
    not counted."""
    banned = _PROTOCOL if dataclasses.is_dataclass(cls) else _PROTOCOL | _COMPARED
    if followed:
        banned = banned - OPERATOR_METHODS
    return any(not banned.isdisjoint(vars(klass)) for klass in cls.__mro__[:-1])


def special_methods(cls: type) -> set[str]:
    """The special methods of a record's tuple protocol, operators and comparisons
    ``cls`` (or a base) defines."""
    banned = _PROTOCOL if dataclasses.is_dataclass(cls) else _PROTOCOL | _COMPARED
    return {n for klass in cls.__mro__[:-1] for n in vars(klass)} & banned


def _operators_refused(cls: type) -> dict[str, Any]:
    """For the record of ``cls``: each operator method ``cls`` defines raising, where
    the compiler did not read the operator as the method (not a tuple's ``+``)."""
    def refused(name: str) -> Any:
        def operator(self: Any, *args: Any) -> Any:
            from s2sad.errors import DifferentiationError
            raise DifferentiationError(
                f"<s2sad>:?: the operator {name} of an object of class {cls.__name__} "
                "reached where s2sad did not follow the object (through a container, a "
                "library call): apply the operator where the object is a name of the "
                "function, or call a method")
        return operator
    defined = {n for klass in cls.__mro__[:-1] for n in vars(klass)} & OPERATOR_METHODS
    if not dataclasses.is_dataclass(cls):  # (a plain object compares by identity)
        defined |= {"__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"}
    return {n: refused(n) for n in sorted(defined)}
