"""Part of stage 3b: calls and reads through the user's classes.  A method of an object
whose class is known (``self`` in a method, a parameter given one, a record built here,
an item of a list of them) is its class's plain function inlined with the object first;
``super().m(x)`` the next class's in the MRO; a ``@classmethod`` with the class given as
``cls``; a property's getter inlined, a class constant read as one; a library function a
class holds (``act = staticmethod(np.tanh)``) called as a global's is."""
from __future__ import annotations

import inspect
import types
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler.class_records import built_class, iterated_class, record_fields
from s2sad.compiler.inlining import first_param, inline
from s2sad.compiler.inner_derivatives import derivative_called, lifted_keywords
from s2sad.compiler.local_functions import as_values, call_arguments
from s2sad.compiler.names import load
from s2sad.compiler.user_code import is_user_function
from s2sad.rules import registry

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def method_called(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """A gradient called inside, a method of the user's inlined on its object, or a
    library function the object's class holds (``act = staticmethod(np.tanh)``)."""
    inner = derivative_called(norm, node.func, node)
    method = _own_method(norm, node.func)
    if inner is None and method is None:
        held = _class_function(norm, node.func)
        if held is None:
            return None
        args, kws = call_arguments(norm, node)
        return as_values(norm, gast.Call(func=norm.ref(held), args=args, keywords=kws))
    args, kws = call_arguments(norm, node)
    if inner is not None:  # dg(x) with dg = s2sad.grad(g): the generated gradient, inlined
        return inline(norm, inner, args, kws + lifted_keywords(norm, inner), node)
    if isinstance(method, staticmethod):
        return inline(norm, method.__func__, args, kws, node)
    receiver = node.func.value if isinstance(node.func, gast.Attribute) else node.func
    this = norm.atom(receiver)
    owner = receiver_class(norm, receiver)
    if isinstance(this, gast.Name) and owner is not None:  # (its methods read it as one)
        norm.instances.setdefault(this.id, owner)
        if isinstance(receiver, gast.Call):  # Net(W).loss(x): a record built here
            norm.built.add(this.id)
    return inline(norm, method, [this] + args, kws, node)


def class_method_call(norm: Normalizer, node: gast.Call, fn: Any) -> gast.expr | None:
    """``Shape.make(r)`` of a ``@classmethod`` of the user's: its function inlined with
    the class given as ``cls`` (a parameter given a callable: ``cls(...)`` in it builds
    the record as ``Shape(...)`` does)."""
    if not (inspect.ismethod(fn) and isinstance(fn.__self__, type) and
            is_user_function(fn.__func__)) or registry.lookup_vjp(fn) is not None:
        return None
    args, kws = call_arguments(norm, node)
    alias = norm.namer.fresh(fn.__self__.__name__)
    norm.callables[alias] = norm.namespace[alias] = fn.__self__
    return inline(norm, fn.__func__, [load(alias), *args], kws, node)


def super_method(norm: Normalizer, func: gast.expr) -> Any:
    """``super().name`` in a method inlined with a known ``self``: the plain function the
    next class after the method's own in ``type(self)``'s MRO gives, else None."""
    me = first_param(norm)
    if not (isinstance(func, gast.Attribute) and isinstance(func.value, gast.Call) and
            not func.value.args and not func.value.keywords and me is not None and
            norm.resolve(func.value.func) is super):
        return None
    owner = type(norm.objects[me]) if me in norm.objects else \
        norm.owner or norm.instances.get(me)
    if owner is None:
        return None
    mro = owner.__mro__
    own = [k for k, c in enumerate(mro) if any(
        v is norm.src.fn or getattr(v, "__func__", None) is norm.src.fn
        for v in vars(c).values())]
    for c in mro[own[0] + 1:] if own else ():
        if func.attr in vars(c):
            found = vars(c)[func.attr]
            return found if is_user_function(found) else None
    return None


def _own_method(norm: Normalizer, func: gast.expr) -> Any:
    """``self.other`` in a method, ``model.loss`` of a parameter given an object of the
    user's class: the class's plain function, to inline with ``self``/``model``."""
    if isinstance(func, gast.Name) and func.id in norm.instances or \
            isinstance(func, gast.Subscript) and receiver_class(norm, func) is not None:
        func = gast.Attribute(value=func, attr="__call__", ctx=gast.Load())  # model(x)
    owner = receiver_class(norm, func.value) if isinstance(func, gast.Attribute) else None
    if owner is None:
        return None
    found = inspect.getattr_static(owner, func.attr, None)
    plain = found.__func__ if isinstance(found, staticmethod) else found
    has_rule = registry.lookup_vjp(plain) is not None or registry.lookup_jvp(plain) is not None
    if not is_user_function(plain) or has_rule:
        return None
    class_used(norm, func.value)
    return found


def _class_function(norm: Normalizer, func: gast.expr) -> Any:
    """``self.act`` of a record (or object) whose class holds a library function that
    does not bind ``self`` (``act = staticmethod(np.tanh)``, ``act = np.tanh``) and no
    object of it stores: that function, called as a global's is; else None."""
    if not isinstance(func, gast.Attribute):
        return None
    owner = receiver_class(norm, func.value)
    fields = record_fields(owner) if owner is not None else None
    if owner is None or fields is None or func.attr in fields:
        return None
    found = inspect.getattr_static(owner, func.attr, None)
    plain = found.__func__ if isinstance(found, staticmethod) else found
    if plain is None or isinstance(plain, (types.FunctionType, type, property,
                                           classmethod)) or not callable(plain) or \
            is_user_function(plain) or not hasattr(plain, "__name__"):
        return None
    return plain


def receiver_class(norm: Normalizer, receiver: gast.expr) -> type | None:
    """The class of the user's that ``receiver`` is an object of, where known: ``self``
    in a method, a parameter given one, a name bound to one built here, an item of a list
    of them (``bodies[0]``), one built right there (``Chain(3)``)."""
    if isinstance(receiver, gast.Subscript) and not isinstance(receiver.slice, gast.Slice):
        return iterated_class(receiver.value, norm.item_lists)
    if isinstance(receiver, gast.Call):
        return built_class(norm, receiver)
    if not isinstance(receiver, gast.Name):
        return None
    owner = norm.owner if receiver.id == first_param(norm) else None
    return owner or norm.instances.get(receiver.id)


def class_used(norm: Normalizer, receiver: gast.expr) -> None:
    """A method or property of ``receiver`` read as its class's: if the name is known as
    a record at each binding (:func:`field_writes.record_bound`), each must be one."""
    if isinstance(receiver, gast.Name) and receiver.id in norm.tentative:
        norm.tentative[receiver.id][2] = True


def property_read(norm: Normalizer, node: gast.Attribute) -> gast.expr | None:
    """``p.scale`` of a property of the user's class, ``p`` an object of it whose class is
    known (``self`` in a method, a parameter given one, one built here): its getter
    inlined with ``p`` (was read as a field the record does not have); ``p.K`` of a
    class attribute of a record's class (a dataclass's or one built here, whose
    instance attributes are known): the class's value, a constant; else None."""
    if not isinstance(node.value, gast.Name):
        return None
    owner = receiver_class(norm, node.value)
    found = inspect.getattr_static(owner, node.attr, None) if owner is not None else None
    if found is not None:  # (a property or a class attribute: the class's)
        class_used(norm, node.value)
    if isinstance(found, property) and is_user_function(found.fget):
        call = gast.copy_location(gast.Call(func=node, args=[], keywords=[]), node)
        return inline(norm, found.fget, [norm.atom(node.value)], [], call)
    fields = record_fields(owner) if owner is not None else None
    if owner is None or fields is None or node.attr in fields or found is None or \
            callable(found) or isinstance(found, (property, staticmethod, classmethod)):
        return None
    alias = norm.namer.fresh(f"{owner.__name__}_{node.attr}")
    norm.namespace[alias] = getattr(owner, node.attr)  # (a class constant: K = 2.0)
    norm.rename[alias] = alias
    return load(alias)
