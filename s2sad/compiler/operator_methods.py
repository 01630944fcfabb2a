"""Operators on objects of the user's classes built in the function (``u + v`` of
``Vec2`` records, ``3.0 * d`` of a ``Dual``, ``-v``, ``A @ B``): the operator read as
the method Python calls, inlined like any method (``u.__add__(v)``), so a small vector,
dual-number or polynomial class with operator methods is differentiated through its
methods (was refused as an object made inside).

Python's choice of method is made here, where it is decided by the classes alone:
``a + b`` is ``a.__add__(b)`` when ``a`` is a record whose class defines it, else
``b.__radd__(a)`` when ``b`` is one of another class defining that; with a left operand
that is not a record, ``b.__radd__(a)`` only where ``a`` is surely a Python number
(a number's ``__add__`` declines a user's object; an array's does not: it maps the
operator over its elements), given as Python gives it (a NumPy scalar's Python number).
``a += b`` is ``a.__add__(b)`` when the class has no ``__iadd__``.  ``isinstance(o, C)``
of a record is decided by its class (the object's answer: a record is a tuple, the
object is not), and a comparison of records made inside refused (Python compares the
objects, a tuple their fields).  Refused at the user's line: a method that may return
``NotImplemented`` (which one runs then depends on values), an ``__iadd__``, a right
operand of a subclass overriding the reflected method, a left operand not known to be a
number.  The record itself (:func:`s2sad.dataclass_args.record_class`) raises on an
operator or comparison met where none of this applied (an object reached through a
container, say), never a tuple's ``+`` or ``==``."""
from __future__ import annotations

import builtins
import dataclasses
import inspect
import math
import sys
from typing import TYPE_CHECKING, Any

import gast

from s2sad import runtime
from s2sad.compiler import source
from s2sad.compiler.field_writes import built_record
from s2sad.compiler.user_code import LIBRARY_ROOTS, is_user_function
from s2sad.compiler.walks import walk

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

BINARY = {gast.Add: "add", gast.Sub: "sub", gast.Mult: "mul", gast.MatMult: "matmul",
          gast.Div: "truediv", gast.FloorDiv: "floordiv", gast.Mod: "mod", gast.Pow: "pow"}
UNARY = {gast.USub: "__neg__", gast.UAdd: "__pos__"}
_NUMBER_CALLS = {builtins.float, builtins.int, builtins.len}


def record_class(norm: Normalizer, atom: gast.expr) -> type | None:
    """The user's class of the record (or object passed in) ``atom`` names, if known."""
    from s2sad.compiler.inlining import _class_of
    return _class_of(norm, atom)


def _operand_class(norm: Normalizer, written: gast.expr, atom: gast.expr) -> type | None:
    """The class of the record an operand is: by its atom, or as written, an item of a
    list of records (``vs[0] + vs[1]``)."""
    found = record_class(norm, atom)
    if found is None and isinstance(written, gast.Subscript):
        from s2sad.compiler.class_methods import receiver_class
        found = receiver_class(norm, written)
    return found


def method_of(cls: type, name: str) -> Any:
    """The user's function ``cls`` runs for the operator method ``name``, else None."""
    found = inspect.getattr_static(cls, name, None)
    return found if is_user_function(found) else None


def binary(norm: Normalizer, node: gast.BinOp, left: gast.expr, right: gast.expr
           ) -> gast.expr | None:
    """``left <op> right`` (atoms) as the inlined operator method, when a record is one
    of the operands; None when neither is."""
    lc, rc = _operand_class(norm, node.left, left), _operand_class(norm, node.right, right)
    if lc is None and rc is None:
        return None
    op, symbol, cls = BINARY.get(type(node.op)), _symbol(node), lc or rc
    assert cls is not None
    if op is None:
        raise norm.error(node, f"the operator {symbol} on an object of class "
                         f"{cls.__name__}", "call a method of the class instead")
    forward, reflected = f"__{op}__", f"__r{op}__"
    if getattr(node, "s2sad_augmented", False) and lc is not None and \
            inspect.getattr_static(lc, f"__i{op}__", None) is not None:
        raise norm.error(node, f"{symbol}= on an object of class {lc.__name__} with "
                         f"__i{op}__ (it changes the object in place)",
                         f"write the plain operator, a = a {symbol} b, with __{op}__")
    if lc is not None and rc is not None and rc is not lc and issubclass(rc, lc) and \
            method_of(rc, reflected) is not None and \
            method_of(rc, reflected) is not method_of(lc, reflected):
        raise _undecided(norm, node, rc, reflected, "a subclass's reflected method runs "
                         "first")
    if lc is not None and method_of(lc, forward) is not None:
        _used(norm, node.left, node.right if rc is not None else None)
        return _called(norm, node, lc, forward, left, right)
    if rc is not None and rc is not lc and method_of(rc, reflected) is not None and \
            (lc is not None or surely_number(norm, node.left)):
        _used(norm, node.right, node.left if lc is not None else None)
        if lc is None:
            left = _as_python(norm, node.left, left)
        return _called(norm, node, rc, reflected, right, left)
    if rc is not None and lc is None and method_of(rc, reflected) is not None:
        raise norm.error(node, f"{symbol} with an object of class {cls.__name__} on the "
                         "right and a value on the left that may be an array (an array's "
                         f"{forward} maps the operator over its elements)",
                         f"write the object first (its {forward}), or make the left "
                         "operand a Python number (float(...))")
    if lc is None and method_of(cls, forward) is not None:
        raise norm.error(node, f"{symbol} with an object of class {cls.__name__} on the "
                         "right and, on the left, a value whose class s2sad does not know "
                         "(a name bound to other values too, or an item of a container)",
                         f"start from a name bound only to {cls.__name__} objects "
                         f"(t = vs[0] + vs[1]), or call {forward} yourself")
    raise norm.error(node, f"the operator {symbol} on an object of class {cls.__name__}",
                     f"the class defines no {forward}/{reflected} for these operands; "
                     "define it, or call a method")


def unary(norm: Normalizer, node: gast.UnaryOp, operand: gast.expr) -> gast.expr | None:
    """``-v`` / ``+v`` of a record as its ``__neg__`` / ``__pos__``; None otherwise."""
    cls = _operand_class(norm, node.operand, operand)
    if cls is None:
        return None
    name = UNARY.get(type(node.op))
    if name is None or method_of(cls, name) is None:
        raise norm.error(node, f"a unary operator on an object of class {cls.__name__}",
                         "define __neg__ / __pos__, or call a method")
    _used(norm, node.operand)
    return _called(norm, node, cls, name, operand)


def _used(norm: Normalizer, *written: gast.expr | None) -> None:
    """The operands read as records of their classes: a name bound to a record at its
    first binding must be one at each (:func:`s2sad.compiler.class_methods.class_used`)."""
    from s2sad.compiler.class_methods import class_used
    for e in written:
        if e is not None:
            class_used(norm, e)


def compared(norm: Normalizer, node: gast.Compare, left: gast.expr, right: gast.expr
             ) -> gast.expr | None:
    """The first comparison of ``node`` (its operands ``left``, ``right`` as atoms) where
    one is a record: ``o is None`` decided (a record is an object, never None); ``==`` of
    two dataclasses kept (a dataclass compares its fields in order, as the record's tuple
    does); any other refused (a plain object is compared by identity or by its own
    methods, a record by its fields).  None where no record is compared."""
    written = (node.left, node.comparators[0])
    classes = [_operand_class(norm, w, a) for w, a in zip(written, (left, right))]
    if classes == [None, None]:
        return None
    op = node.ops[0]
    other = right if classes[0] is not None else left
    if isinstance(op, (gast.Is, gast.IsNot)) and isinstance(other, gast.Constant) and \
            other.value is None:
        return gast.Constant(value=isinstance(op, gast.IsNot), kind=None)
    if isinstance(op, (gast.Eq, gast.NotEq)) and all(
            c is not None and dataclasses.is_dataclass(c) for c in classes):
        return None
    made = [c is not None and (built_record(norm, a) is not None or isinstance(
        w, gast.Subscript)) for c, w, a in zip(classes, written, (left, right))]
    if not any(made):
        return None  # (objects passed in are compared as Python compares them)
    cls = next(c for c, m in zip(classes, made) if m and c is not None)
    raise norm.error(node, f"a comparison of an object of class {cls.__name__}",
                     "Python compares such objects by identity (or by the class's own "
                     "method), which s2sad does not follow for an object made inside: "
                     "compare their attributes, u.x == v.x")


def _called(norm: Normalizer, node: gast.AST, cls: type, name: str, *args: gast.expr
            ) -> gast.expr:
    """The method ``name`` of ``cls`` inlined with ``args`` (the first its ``self``)."""
    from s2sad.compiler.inlining import inline
    method = method_of(cls, name)
    if _may_decline(method):
        raise _undecided(norm, node, cls, name, "it may return NotImplemented")
    this = args[0]
    if isinstance(this, gast.Name):
        norm.instances.setdefault(this.id, cls)
    call = gast.copy_location(gast.Call(func=gast.Attribute(
        value=this, attr=name, ctx=gast.Load()), args=list(args[1:]), keywords=[]), node)
    return inline(norm, method, list(args), [], call)


def _as_python(norm: Normalizer, written: gast.expr, atom: gast.expr) -> gast.expr:
    """A number on the left of a reflected operator as Python gives it to the method: a
    NumPy scalar's ``*`` passes the Python number it holds (``float`` of ``np.float32``,
    ``int`` of ``np.int64``: ``isinstance(o, int)`` then holds); a literal, a ``range``
    counter as they are."""
    exact = norm.numbers.get(written.id) if isinstance(written, gast.Name) else None
    if isinstance(atom, gast.Constant) or exact in (int, float, complex, bool):
        return atom
    made = norm.temp(gast.Call(func=norm.ref(runtime.python_number), args=[atom],
                               keywords=[]), "number", written)
    norm.numbers[made.id] = None  # (a number in the method too: its isinstance decided)
    return made


def _may_decline(method: Any) -> bool:
    """Whether the method's body names ``NotImplemented`` (returns it on some path)."""
    tree = source.load(method).node
    return any(isinstance(n, gast.Name) and n.id == "NotImplemented" for n in walk(tree))


def _undecided(norm: Normalizer, node: gast.AST, cls: type, name: str, why: str
               ) -> Exception:
    return norm.error(node, f"an operator of class {cls.__name__} ({name}: {why})",
                      "which method Python runs is decided by values there; call the "
                      "method you mean, a.__add__(b), or a plain method")


def _symbol(node: gast.BinOp) -> str:
    return {gast.Add: "+", gast.Sub: "-", gast.Mult: "*", gast.MatMult: "@",
            gast.Div: "/", gast.FloorDiv: "//", gast.Mod: "%", gast.Pow: "**",
            gast.BitAnd: "&", gast.BitOr: "|", gast.BitXor: "^", gast.LShift: "<<",
            gast.RShift: ">>"}.get(type(node.op), "an operator")


def surely_number(norm: Normalizer, e: gast.expr) -> bool:
    """Whether ``e`` (as the user wrote it) is surely a Python number, never an array:
    a literal, a parameter given a number at this call (or a name bound once to such an
    expression), arithmetic of those, ``float(...)``, ``len(...)``, a ``math`` function."""
    if isinstance(e, gast.Constant):
        return type(e.value) in (int, float, complex, bool)
    if isinstance(e, gast.Name):
        return e.id in norm.numbers
    if isinstance(e, gast.UnaryOp):
        return surely_number(norm, e.operand)
    if isinstance(e, gast.BinOp):
        return surely_number(norm, e.left) and surely_number(norm, e.right)
    if isinstance(e, gast.Call) and isinstance(e.func, (gast.Name, gast.Attribute)):
        fn = norm.resolve(e.func)
        if fn in (builtins.abs, builtins.round):  # (of an array: an array)
            return all(surely_number(norm, a) for a in e.args)
        return fn in _NUMBER_CALLS or callable(fn) and \
            getattr(fn, "__module__", None) == "math" and fn is not math.prod
    return False


def note_number(norm: Normalizer, s: gast.Assign) -> None:
    """``s = 2.0 * a`` binding a name once to a number: known as one."""
    if len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) and \
            norm.stores[s.targets[0].id] == 1 and surely_number(norm, s.value):
        value = s.value
        norm.numbers[s.targets[0].id] = type(value.value) if isinstance(
            value, gast.Constant) else None


def decided_isinstance(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """``isinstance(o, Dual)`` decided where the class of ``o`` is known: a record of
    the user's class (its class's answer, ``isinstance(o, tuple)`` too: False), or a
    number asked about the user's classes: the literal result, so an operator method's
    branch for the other kind of operand (``self.a + o`` when ``o`` is a ``Dual``) is
    not read at all (``Normalizer.stmt_If``)."""
    if len(node.args) != 2 or node.keywords or \
            norm.resolve(node.func) is not builtins.isinstance:
        return None
    classes = norm.resolve(node.args[1]) if isinstance(
        node.args[1], (gast.Name, gast.Attribute)) else None
    if isinstance(node.args[1], gast.Tuple):
        classes = tuple(norm.resolve(e) if isinstance(e, (gast.Name, gast.Attribute))
                        else None for e in node.args[1].elts)
    kinds = classes if isinstance(classes, tuple) else (classes,)
    if not kinds or not all(isinstance(k, type) for k in kinds):
        return None
    first = node.args[0]
    cls = record_class(norm, first)
    if cls is not None:  # (the class's answer: a record is a tuple, the object is not)
        _used(norm, first)
        return gast.Constant(value=issubclass(cls, kinds), kind=None)
    exact = norm.numbers.get(first.id) if isinstance(first, gast.Name) else \
        type(first.value) if isinstance(first, gast.Constant) else None
    if exact is not None:  # (o = 3.0 given to __mul__(self, o): a float)
        return gast.Constant(value=issubclass(exact, kinds), kind=None)
    if any(issubclass(tuple, k) for k in kinds) and _users_code(norm):  # (tuple: a
        # record is one, the object it stands for is not; a library's tests left as is)
        return gast.Call(func=norm.ref(runtime.object_is), args=[
            norm.atom(first), norm.atom(node.args[1])], keywords=[])
    if not all(_users(k) for k in kinds):
        return None
    if surely_number(norm, first):
        return gast.Constant(value=False, kind=None)  # (no class of the user's is a number's)
    return None


def _users_code(norm: Normalizer) -> bool:
    """Whether the function being read is the user's (not a library's closed form)."""
    module = getattr(norm.src.fn, "__module__", None) or ""
    return module.split(".")[0] not in LIBRARY_ROOTS and module not in sys.stdlib_module_names


def _users(cls: type) -> bool:
    root = (getattr(cls, "__module__", None) or "builtins").split(".")[0]
    return root not in ("builtins", "numpy", "scipy", "s2sad") and \
        not issubclass(cls, (int, float, complex))


def passed_number(norm: Normalizer, child: Normalizer, param: str, value: Any) -> None:
    """A helper's parameter given a number the caller knows is one (``__mul__(self, s)``
    called with ``2.0``): a number in the helper too, where it is not bound again."""
    if child.stores[param]:
        return
    if isinstance(value, gast.Constant) and type(value.value) in (int, float, complex):
        child.numbers[param] = type(value.value)
    elif isinstance(value, gast.Name):
        known = next((p for p in norm.numbers if value.id in (p, norm.rename.get(p))), None)
        if known is not None:
            child.numbers[param] = norm.numbers[known]
