"""Part of stage 3b (normalize), for :mod:`inlining`: a helper's parameters bound to a
call's arguments.  The call bound to the signature (or refused naming why not), each
parameter assigned its argument under the helper's name for it, defaults, ``*args`` and
``**kwargs`` as displays of what they hold at this call, and what the caller knows of an
argument (a function, a string literal, a user's object, the variables a nested def
reads) known in the helper too."""
from __future__ import annotations

import inspect
import types
from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler import known_constants, local_defaults
from s2sad.compiler.field_writes import built_record
from s2sad.compiler.names import assign, const, load
from s2sad.compiler.operator_methods import passed_number
from s2sad.compiler.user_code import is_user_object

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def _default(norm: Normalizer, value: Any) -> gast.expr:
    local = local_defaults.default_value(value)  # (a nested def's k=k: the variable)
    if local is not None:
        return local
    if value is None or isinstance(value, (bool, int, float, str)):
        return const(value)
    alias = norm.namer.fresh("default")
    norm.namespace[alias] = value
    return load(alias)


def _bound(norm: Normalizer, fn: Any, args: list, kws: list,
           node: gast.Call) -> inspect.BoundArguments:
    """The call's arguments bound to ``fn``'s parameters, or the refusal naming why not."""
    if any(k.arg is None for k in kws):
        raise norm.error(node, f"call of {fn.__name__}(**...)", "the keywords of a dict "
                         "whose keys are not known when the derivative is made (an argument, "
                         "or a dict changed in the function); pass them one by one "
                         "(b=opts['b']), or build the dict in the function once")
    try:
        return inspect.signature(fn).bind(*args, **{k.arg: k.value for k in kws})
    except TypeError as exc:
        raise norm.error(node, f"call of {fn.__name__}()", str(exc)) from None


def _bind_param(norm: Normalizer, child: Normalizer, param: str, value: gast.expr,
                reassigned: set, node: gast.Call) -> None:
    """``param = value`` in the caller's code, under the helper's final name for it (a
    literal never bound again known as one: ``axis=None`` decides ``axis is None``)."""
    norm.emit(assign(child.name(param), value), node)
    if param not in reassigned:
        known_constants.bind(norm, child.name(param), value)


def _default_known(param: inspect.Parameter) -> Any:
    """A default that is a function (``def step(x, f=np.tanh)``, ``lambda *a, f=f:``):
    known as that function, as a function passed is, so a user's function given as a
    default is inlined (its call was left a call with no rule)."""
    default = param.default
    known = callable(default) and not isinstance(default, type) or \
        isinstance(default, types.ModuleType)
    return default if known else None


def _string_known(tree: gast.FunctionDef, param: inspect.Parameter, value: Any,
                  reassigned: set) -> bool:
    """A parameter given (or defaulting to) a string literal, never bound again: read as
    that string (``ACTS[name]`` of ``name="relu"``: the function known; True)."""
    from s2sad.compiler.known_arguments import keys_given
    text = value.value if isinstance(value, gast.Constant) else \
        param.default if value is None else None
    return type(text) is str and param.name not in reassigned and \
        param.name in keys_given(tree, {param.name: text})


def _known_object(child: Normalizer, param: str, passed: Any, reassigned: set) -> bool:
    """A parameter given a function (read as that function, so its calls are known: True,
    the parameter needs no value) or a user's object held in a global (its methods and
    attributes known, as a global's are)."""
    if param in reassigned:
        return False
    if is_user_object(passed):
        child.objects[param] = passed
        return False
    if callable(passed) or isinstance(passed, types.ModuleType):  # (m.sum(x) given m=np)
        child.callables[param] = passed
        return True
    return False


def _bind_free_names(norm: Normalizer, child: Normalizer, fn: Any) -> None:
    """A nested def reads the variables (and defs) of the function it is defined in, as
    they are at the call: looked up there, not in the caller (``def b(u): return u * k``
    called from ``def a(u, k=1.0)`` reads the outer ``k``, as a Python closure does)."""
    home = getattr(fn, "s2sad_scope", norm)
    for free in getattr(fn, "s2sad_free", ()):
        if free in home.local_defs:
            child.local_defs[free] = home.local_defs[free]
        elif free in home.callables:  # a parameter given a function (compose(f, g))
            child.callables[free] = home.callables[free]
        elif free in home.locals:
            child.locals.add(free)
            child.rename[free] = home.name(free)


def _bind_collected(norm: Normalizer, child: Normalizer, param: inspect.Parameter,
                    value: Any, reassigned: set) -> None:
    """What the helper's ``*args`` and ``**kwargs`` hold at this call, for ``f(*args)``
    and ``f(**kwargs)`` inside it (and, where it changes ``args`` item by item at its top,
    statement by statement: :mod:`sequences`)."""
    items = value.elts if param.kind == param.VAR_POSITIONAL else \
        value.values if param.kind == param.VAR_KEYWORD else None
    if items is None or not all(isinstance(e, gast.Constant) or isinstance(e, gast.Name)
                                and e.id not in reassigned for e in items):
        return
    if param.kind == param.VAR_POSITIONAL and (param.name not in reassigned or
                                               param.name in child.tracked):
        norm.literals[child.name(param.name)] = value.elts  # f(*args[1:]) spreads
    elif param.kind == param.VAR_KEYWORD and param.name not in reassigned:
        norm.literals["**" + child.name(param.name)] = value  # f(**kwargs) passes them
    else:
        return
    passed = [e.id for e in items if isinstance(e, gast.Name)]
    child.rename.update({name: name for name in passed})
    child.locals.update(passed)  # (the caller's values: never a global of that name)


def _collected(param: inspect.Parameter, value: Any) -> Any:
    """``*args`` bound to a tuple display of the extra arguments, ``**kwargs`` to a dict
    display of the extra keywords; any other parameter's value as it is."""
    if param.kind == param.VAR_POSITIONAL:
        return gast.Tuple(elts=list(value or ()), ctx=gast.Load())
    if param.kind == param.VAR_KEYWORD:
        items = dict(value or {})
        return gast.Dict(keys=[const(k) for k in items], values=list(items.values()))
    return value


def _values_of_defs(norm: Normalizer, value: Any, node: gast.AST) -> Any:
    """A ``*args`` / ``**kwargs`` display holding local defs (``compose(np.sin, lambda z:
    z ** 2)``): each the module-level function it equals (it is a value there, not a
    call); a def reading the caller's variables refused."""
    if not isinstance(value, (gast.Tuple, gast.Dict)):
        return value
    items = value.elts if isinstance(value, gast.Tuple) else value.values
    for i, e in enumerate(items):
        if isinstance(e, gast.Name) and e.id in norm.local_defs:
            made = norm.closed_value(e.id)
            if made is None:
                label = "a lambda" if e.id.startswith("lambda_fn") else e.id
                raise norm.error(node, f"{label} reading variables of the function, packed "
                                 "into *args or **kwargs", "define it at module level, "
                                 "passing those values as arguments")
            items[i] = made
    return value


def _pass_known(norm: Normalizer, child: Normalizer, param: str, value: Any,
                passed: Any) -> None:
    """What the caller knows of an argument, known in the helper: the class of an object
    of the user's class passed on, the path to a known object (``resolved``)."""
    if isinstance(value, gast.Name) and value.id in norm.instances:
        child.instances[param] = norm.instances[value.id]
    passed_number(norm, child, param, value)
    if built_record(norm, value) is not None:
        child.built.add(param)
        child.instances[param] = norm.instances[built_record(norm, value) or ""]
    held = next((f for p, f in norm.fields.items() if isinstance(value, gast.Name) and
                 value.id in (p, norm.rename.get(p))), None)
    if held is not None:  # (the functions its attributes hold too)
        child.fields[param] = held
    if passed is not None and isinstance(value, gast.expr):
        child.paths[param] = norm.path_of(value)
