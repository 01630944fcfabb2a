"""Part of stage 3b (calls, :mod:`calls`): the arguments a call spreads.
``f(*(a, b))``, ``f(*params)`` and ``f(**kw)`` pass their items and keywords one by one
where the compiler knows them: a tuple, list or dict written in the function (bound once
and never changed), a function's own ``*args`` / ``**kwargs``, or a global's tuple or
dict of constants (read when the derivative is made)."""
from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler.names import const
from s2sad.compiler.walks import walk

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def spread_literals(norm: Normalizer, node: gast.Call) -> gast.Call:
    """``f(*(a, b))``, ``f(*params)`` of a tuple or list written in the function, or of a
    tuple of a global or closure (``fun(x, *extra)``): the items passed one by one;
    ``f(**kwargs)`` of the function's ``**kwargs``, or of a global or closure dict of
    constants (``fun(x, **{'axis': 0})``): the keywords one by one."""
    args: list = []
    for a in node.args:
        items = None
        if isinstance(a, gast.Starred):
            items = literal_items(norm, a.value)
            items = _free_items(norm, a.value) if items is None else items
            items = _counted_items(norm, node, a.value) if items is None else items
            items = _shape_items(norm, a.value) if items is None else items
        args.extend(items if items is not None else [a])
    keywords: list = []
    for k in node.keywords:  # f(**kwargs) of a function's **kwargs: the keywords it got
        known = norm.literals.get("**" + norm.name(k.value.id)) if k.arg is None and \
            isinstance(k.value, gast.Name) and k.value.id in norm.locals else None
        known = _keywords_written(norm, k) if known is None else known
        if known is not None:
            keywords.extend(gast.keyword(arg=key.value, value=v)
                            for key, v in zip(known.keys, known.values))
        else:
            free = _free_keywords(norm, k.value) if k.arg is None else None
            keywords.extend([k] if free is None else free)
    return gast.copy_location(gast.Call(func=node.func, args=args, keywords=keywords),
                              node)


def _shape_items(norm: Normalizer, value: gast.expr) -> list | None:
    """``f(*x.shape)`` of an array parameter of the variant's rank (``np.ndindex(*T.shape)``):
    ``x.shape[0]``, ``x.shape[1]``, ... ; else None."""
    if not (isinstance(value, gast.Attribute) and value.attr == "shape" and
            isinstance(value.value, gast.Name)):
        return None
    ndim = norm.ndims.get(norm.name(value.value.id))
    if ndim is None:
        return None
    return [gast.Subscript(value=copy.deepcopy(value), slice=gast.Constant(value=k, kind=None),
                           ctx=gast.Load()) for k in range(ndim)]


def _counted_items(norm: Normalizer, node: gast.Call, value: gast.expr) -> list | None:
    """``h(*x[:3])`` (a constant slice from the start, or one of known bounds), ``f(*xs)``
    of a list or tuple parameter the code is specialised to (``zip(*pairs)``: its length
    known), or ``h(*xs)`` given to a user's function of fixed arity: that many items,
    ``seq[0]`` ..., of ``spread_of(seq, n)`` (which checks the count when the derivative
    runs)."""
    count = _slice_count(value.slice) if isinstance(value, gast.Subscript) else \
        norm.lengths.get(norm.name(value.id)) if isinstance(value, gast.Name) and \
        norm.is_local(value) else None
    if count is None:
        count = _arity_left(norm, node)
    if count is None:
        return None
    from s2sad import runtime
    seq = norm.temp(gast.Call(func=norm.ref(runtime.spread_of), args=[
        norm.atom(value), const(count)], keywords=[]), "spread", node)
    return [gast.Subscript(value=gast.Name(id=seq.id, ctx=gast.Load(), annotation=None,
                                           type_comment=None), slice=const(k),
                           ctx=gast.Load()) for k in range(count)]


def _slice_count(index: gast.expr) -> int | None:
    """How many items ``[lo:hi:step]`` of constant bounds, none negative, takes from a
    sequence at least ``hi`` long; None for any other index."""
    if not isinstance(index, gast.Slice):
        return None
    bounds: list[Any] = [None if b is None else b.value if isinstance(b, gast.Constant)
                         else "?" for b in (index.lower, index.upper, index.step)]
    if any(b is not None and (type(b) is not int or b < 0) for b in bounds) or \
            bounds[1] is None or bounds[2] == 0:
        return None
    lower, upper, step = (int(b or 0) for b in bounds)
    return len(range(lower, upper, step or 1))


def _arity_left(norm: Normalizer, node: gast.Call) -> int | None:
    """``h(a, *xs)`` of a user's function of positional parameters without defaults or
    ``*args``, and one starred argument: the number of parameters it fills."""
    import inspect

    from s2sad.compiler.user_code import is_user_function
    fn = norm.resolve(node.func)
    starred = [a for a in node.args if isinstance(a, gast.Starred)]
    if not is_user_function(fn) or len(starred) != 1 or node.keywords:
        return None
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return None
    if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) or
           p.default is not p.empty for p in params):
        return None
    left = len(params) - (len(node.args) - 1)
    return left if left >= 0 else None


def _keywords_written(norm: Normalizer, k: gast.keyword) -> gast.Dict | None:
    """``f(**{'axis': 0})``, or ``f(**kw)`` of a local ``kw = {'axis': 0, 'w': w}`` bound
    once and never changed: the dict of keywords (a value not a constant read as
    ``kw['w']``)."""
    value = k.value
    held = value.id if k.arg is None and isinstance(value, gast.Name) and \
        norm.stores.get(value.id) == 1 else None
    if held is not None:
        value = _bound_once(norm, held)
    if k.arg is not None or not isinstance(value, gast.Dict) or not all(
            isinstance(key, gast.Constant) and type(key.value) is str for key in value.keys):
        return None
    if held is None or all(_constant_syntax(v) for v in value.values):
        return value
    return gast.Dict(keys=value.keys, values=[gast.Subscript(
        value=gast.Name(id=held, ctx=gast.Load(), annotation=None, type_comment=None),
        slice=const(key.value), ctx=gast.Load()) for key in value.keys])


def _bound_once(norm: Normalizer, name: str) -> gast.expr | None:
    """The value of the one ``name = value`` of the function, unless ``name`` is changed
    in place somewhere (``name[k] = v``, ``name.update(...)``)."""
    found = None
    for n in walk(norm.src.node):
        if isinstance(n, gast.Assign) and len(n.targets) == 1 and \
                isinstance(n.targets[0], gast.Name) and n.targets[0].id == name:
            found = n.value
        elif isinstance(n, (gast.Subscript, gast.Attribute)) and \
                isinstance(n.value, gast.Name) and n.value.id == name and \
                (not isinstance(n.ctx, gast.Load) or isinstance(n, gast.Attribute)):
            return None
    return found


def _constant_syntax(v: gast.expr) -> bool:
    if isinstance(v, gast.Tuple):
        return all(_constant_syntax(e) for e in v.elts)
    return isinstance(v, gast.Constant)


def _free_value(norm: Normalizer, value: gast.expr) -> Any:
    """The object of a global or closure name (read when the derivative is made, as the
    functions such names hold are), or None."""
    if not isinstance(value, gast.Name) or value.id in norm.locals:
        return None
    return norm.resolve(value)


def _free_items(norm: Normalizer, value: gast.expr) -> list | None:
    """``*extra`` of a global or closure tuple: its items (constants written as such, the
    others read as ``extra[i]``)."""
    found = _free_value(norm, value)
    if type(found) is not tuple:
        return None
    return [literal(v) if constant(v) else
            gast.Subscript(value=value, slice=const(i), ctx=gast.Load())
            for i, v in enumerate(found)]


def _free_keywords(norm: Normalizer, value: gast.expr) -> list | None:
    """``**kwargs`` of a global or closure dict of str keys: its keywords (constants, lists
    and tuples of them written as such, as a test's ``fn(*a, **kw)`` of ``axes=[0, 2, 1]``
    needs them known; the others read as ``kwargs['key']``)."""
    found = _free_value(norm, value)
    if type(found) is not dict or not all(type(k) is str for k in found):
        return None
    return [gast.keyword(arg=k, value=literal(v) if constant(v) else gast.Subscript(
        value=value, slice=const(k), ctx=gast.Load())) for k, v in found.items()]


def literal(v: Any) -> gast.expr:
    if type(v) is tuple:
        return gast.Tuple(elts=[literal(e) for e in v], ctx=gast.Load())
    if type(v) is list:
        return gast.List(elts=[literal(e) for e in v], ctx=gast.Load())
    return const(v)


def constant(v: Any) -> bool:
    return v is None or type(v) in (bool, int, float, complex, str) or \
        type(v) in (tuple, list) and all(constant(e) for e in v)


def literal_items(norm: Normalizer, value: gast.expr) -> list | None:
    """The items of a tuple or list written in the function, or of a constant slice of
    one (``*args[1:]`` in a function of ``*args``); None when not known."""
    if isinstance(value, (gast.Tuple, gast.List)):
        return value.elts
    if isinstance(value, gast.Name):
        return norm.literals.get(norm.name(value.id))
    if isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice):
        items = literal_items(norm, value.value)
        bounds = [b.value if isinstance(b, gast.Constant) else b
                  for b in (value.slice.lower, value.slice.upper, value.slice.step)]
        if items is not None and all(b is None or type(b) is int for b in bounds):
            return list(items)[slice(*bounds)]
    return None
