"""A call of a function a local name holds, chosen at run time: ``act = np.tanh if c
else softplus; act(x)``, ``ACTS[opts["act"]](x)``, ``for fn in self.layers: x = fn(x)``,
``integrate = np.trapezoid if hasattr(np, "trapezoid") else np.trapz``.

Which function the name holds is not known when the derivative is made, so the call is a
primitive, ``dynamic_call(fn, *args)``, whose rules differentiate the function it holds
when it runs: through a small wrapper made once per function and call shape,
``def tanh_called(a0): return s2sad_callee(a0)``, whose derivatives are a recursive
call's (:mod:`s2sad.recursion`: ``vjp``/``jvp`` of it made once, and the JVP of its
adjoint for second derivatives).

A wrong number is worse than a refusal, so the callee is refused where its derivative
would miss something: a function value that itself depends on the differentiated
arguments (a closure over one, a method of an object built from one), a function
writing into its arguments, globals or free variables (the caller's derivative would not
see the write), one drawing random numbers (its derivative runs it again, with other
draws), a class (an object made at run time).  Array arguments are compared
before and after the call, which catches a write through an alias the source check
cannot follow.
"""
from __future__ import annotations

import ast
import builtins
import inspect
import operator
import re
import textwrap
import types
from collections.abc import Callable
from typing import Any

import numpy as np

from s2sad.errors import DifferentiationError

_WRAPPERS: dict[tuple, tuple[Any, Callable]] = {}  # (id(fn), n, names) -> (fn, wrapper)
_CHECKED: dict[int, tuple[Any, str]] = {}  # id(fn) -> (fn, why refused or "")
_DRAWING: dict[int, tuple[Any, bool]] = {}  # id(fn) -> (fn, does it draw random numbers)
_DRAWS = {"normal", "uniform", "standard_normal", "integers", "choice", "permutation",
          "shuffle", "randn", "rand", "randint", "binomial", "poisson", "exponential",
          "gamma", "beta", "multivariate_normal", "random_sample", "bernoulli"}
_MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "update", "sort",
             "fill", "setdefault", "put", "itemset", "resize", "popitem", "reverse",
             "partition", "setfield", "__setitem__", "__iadd__"}


def dynamic_call(fn: Any, *args: Any, names: tuple = ()) -> Any:
    """``fn(*args)`` with the last ``len(names)`` arguments passed by those keywords;
    refused where the callee writes into an array argument."""
    _wrapper(fn, len(args), names)  # (checks the callee)
    before = [(a, a.copy()) for a in args if type(a) is np.ndarray and a.dtype.kind in "fcbiu"]
    out = _call(fn, args, names)
    for a, old in before:
        if a.shape != old.shape or not np.array_equal(a, old, equal_nan=a.dtype.kind in "fc"):
            raise _refusal(fn, "it writes into an array it is given")
    return out


def _call(fn: Any, args: tuple, names: tuple) -> Any:
    if not names:
        return fn(*args)
    k = len(args) - len(names)
    return fn(*args[:k], **dict(zip(names, args[k:])))


_HELD = ("call its method through the object's own name where the object is made (a list "
         "of them: index it by constants), or keep its arrays in local variables")


def _refusal(fn: Any, why: str, advice: str = "") -> DifferentiationError:
    name = f"{getattr(fn, '__qualname__', None) or getattr(fn, '__name__', None)}()" \
        if hasattr(fn, "__name__") else f"an object of class {type(fn).__name__}"
    return DifferentiationError(
        f"<s2sad>:?: call of {name} through a name chosen at run time: {why}, which its "
        f"derivative cannot follow from here; " + (advice or "call it by its global name, "
                                                   "or pass what it reads as arguments and "
                                                   "return what it computes"))


def _wrapper(fn: Any, n: int, names: tuple) -> Callable:
    """``def <fn>_called(a0, ...): return s2sad_callee(a0, ..., kw=k0)``, made once."""
    key = (id(fn), n, names)
    found = _WRAPPERS.get(key)
    if found is not None and found[0] is fn:
        return found[1]
    why = _unfit(fn)
    if why:
        raise _refusal(fn, why)
    from s2sad.compiler import loader
    k = n - len(names)
    params = [f"a{i}" for i in range(n)]
    passed = params[:k] + [f"{kw}={p}" for kw, p in zip(names, params[k:])]
    base = "".join(c if c.isalnum() else "_" for c in getattr(fn, "__name__", "f"))
    name = f"{base.strip('_') or 'f'}_called"
    callee, namespace = "s2sad_callee", {"s2sad_callee": fn, "__builtins__": builtins}
    if _method_of(fn):  # (a method is read through its object: a bound one is opaque)
        callee, namespace["s2sad_self"] = f"s2sad_self.{fn.__name__}", fn.__self__
    returned = f"{callee}({', '.join(passed)})"
    if isinstance(fn, (operator.itemgetter, operator.attrgetter)) and n == 1 and not names:
        returned = _getter_reads(fn, namespace)
    text = f"def {name}({', '.join(params)}):\n    return {returned}\n"
    wrapper = loader.load(text, name, namespace)
    if len(_WRAPPERS) > 512:
        _WRAPPERS.clear()
    _WRAPPERS[key] = (fn, wrapper)
    return wrapper


def _getter_reads(fn: Any, namespace: dict) -> str:
    """What ``operator.itemgetter(0, 2)`` / ``attrgetter("w", "b.c")`` reads from its
    argument, written out (``(a0[s2sad_key0], a0[s2sad_key1])``, ``a0.b.c``): a C object
    with no source and no rule, whose reads the wrapper's derivative then follows."""
    keys = fn.__reduce__()[1]
    if isinstance(fn, operator.attrgetter):
        reads = [f"a0.{key}" for key in keys]
    else:
        namespace.update({f"s2sad_key{i}": key for i, key in enumerate(keys)})
        reads = [f"a0[s2sad_key{i}]" for i in range(len(keys))]
    return reads[0] if len(reads) == 1 else f"({', '.join(reads)})"


def _method_of(fn: Any) -> bool:
    """A method bound to an object, found on it again by its name."""
    if not isinstance(fn, types.MethodType) or isinstance(fn.__self__, type):
        return False
    try:
        return getattr(fn.__self__, fn.__name__, None) == fn
    except Exception:  # (an object whose attributes compute and fail)
        return False


def _unfit(fn: Any) -> str:
    """Why ``fn``'s derivative, taken apart from the caller's, could be wrong ("" if not)."""
    found = _CHECKED.get(id(fn))
    if found is not None and found[0] is fn:
        return found[1]
    why = _why_unfit(fn)
    if len(_CHECKED) > 512:
        _CHECKED.clear()
    _CHECKED[id(fn)] = (fn, why)
    return why


def _why_unfit(fn: Any) -> str:
    if isinstance(fn, type):
        return "it is a class (an object made at run time)"
    code_of = fn.__func__ if isinstance(fn, types.MethodType) else fn
    if not isinstance(code_of, types.FunctionType) and not isinstance(fn, types.MethodType):
        call = inspect.getattr_static(type(fn), "__call__", None)
        if isinstance(call, types.FunctionType):  # an object of the user's with __call__
            code_of = call
        else:
            return ""  # a ufunc or a library function: its rule is known
    if not isinstance(code_of, types.FunctionType):
        return ""
    if any(_holds_values(c) for c in _cells(code_of)):
        return "it reads numbers of the function around it (a closure)"
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(code_of)))
    except (OSError, TypeError, SyntaxError):
        return ""  # (its own derivative refuses it where it cannot be read)
    return _writes_outside(tree)


def _rerun_refused(fn: Any) -> None:
    """Refuse a callee drawing random numbers where its derivative is taken: the rules
    run it again, which would draw other numbers than the value used (a call whose
    arguments are all constants, ``rng.standard_normal((3, 4))``, never runs them)."""
    found = _DRAWING.get(id(fn))
    if found is None or found[0] is not fn:
        if len(_DRAWING) > 512:
            _DRAWING.clear()
        found = _DRAWING[id(fn)] = (fn, _draws(fn) or _draws_inside(fn))
    if found[1]:
        raise _refusal(fn, "it draws random numbers (its derivative runs it again: other "
                       "draws)")


def _draws_inside(fn: Any) -> bool:
    code_of = fn.__func__ if isinstance(fn, types.MethodType) else fn
    if not isinstance(code_of, types.FunctionType):
        code_of = inspect.getattr_static(type(fn), "__call__", None)
    if not isinstance(code_of, types.FunctionType):
        return False
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(code_of)))
    except (OSError, TypeError, SyntaxError):
        return False
    return any(isinstance(n, ast.Attribute) and (n.attr in _DRAWS or n.attr == "random")
               for n in ast.walk(tree))


def _draws(fn: Any) -> bool:
    """A sampler of NumPy's (``np.random.normal``, ``rng.standard_normal``)."""
    owner = getattr(fn, "__self__", None)
    module = getattr(fn, "__module__", None) or ""
    return isinstance(owner, (np.random.Generator, np.random.RandomState)) or \
        module.startswith(("numpy.random", "random"))


def _cells(fn: types.FunctionType) -> list:
    out = []
    for cell in fn.__closure__ or ():
        try:
            out.append(cell.cell_contents)
        except ValueError:
            pass
    return out


def _holds_values(v: Any, depth: int = 0) -> bool:
    """A number, array or container of them, or a function closing over one."""
    from s2sad.recursion import _differentiable
    if depth > 3:
        return True
    if _differentiable(v):
        return True
    if isinstance(v, types.FunctionType):
        return any(_holds_values(c, depth + 1) for c in _cells(v))
    return False


def _writes_outside(tree: ast.AST) -> str:
    """A write the function makes into something it did not make itself: a parameter
    it never binds again, a global, a free variable, an attribute of ``self``."""
    fn = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda))),
              None)
    if fn is None:
        return ""
    rebound = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)
               and isinstance(n.ctx, ast.Store)}
    for n in ast.walk(fn):
        if isinstance(n, (ast.Global, ast.Nonlocal)):
            return "it binds a global or nonlocal name"
        root = None
        if isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store):
            root = _root(n)
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and \
                n.func.attr in _MUTATORS:
            root = _root(n.func.value)
        elif isinstance(n, ast.Call) and any(k.arg == "out" for k in n.keywords):
            return "it writes with out="
        if root is not None and root not in rebound:
            return f"it changes {root}, which it did not make"
    return ""


def _root(e: ast.expr) -> str:
    while isinstance(e, (ast.Subscript, ast.Attribute)):
        e = e.value
    return e.id if isinstance(e, ast.Name) else "an object"


def reverse(g: Any, ans: Any, fn: Any, *args: Any, s2sad_active: tuple | None = None,
            names: tuple = ()) -> tuple:
    """The cotangents of ``dynamic_call(fn, *args)``: ``None`` for ``fn`` itself."""
    active = s2sad_active or (True,) * (1 + len(args))
    if active[0]:
        raise _refusal(fn, "the function value itself depends on the differentiated "
                       "arguments", _HELD)
    _rerun_refused(fn)
    return (None, *_at_the_call(lambda: _rules(fn, len(args), names)[0](
        g, ans, *args, s2sad_active=tuple(active[1:]))))


def forward(tangents: tuple, ans: Any, fn: Any, *args: Any, names: tuple = ()) -> Any:
    """The tangent of ``dynamic_call(fn, *args)``."""
    if tangents[0] is not None:
        raise _refusal(fn, "the function value itself depends on the differentiated "
                       "arguments", _HELD)
    if all(t is None for t in tangents[1:]):
        return None
    _rerun_refused(fn)
    return _at_the_call(lambda: _rules(fn, len(args), names)[1](tuple(tangents[1:]), ans,
                                                                 *args))


def second(tangents: tuple, out: Any, g: Any, ans: Any, fn: Any, *args: Any,
           s2sad_active: tuple | None = None, names: tuple = ()) -> tuple:
    """The reverse rule's tangent (forward over reverse: a Hessian)."""
    active = s2sad_active or (True,) * (1 + len(args))
    inner = (tangents[0], tangents[1], *tangents[3:])
    return (None, *_at_the_call(lambda: _rules(fn, len(args), names)[2](
        inner, out, g, ans, *args, s2sad_active=tuple(active[1:]))))


def _at_the_call(run: Callable[[], Any]) -> Any:
    """``run()`` of a wrapper's rule: a refusal placed at the wrapper's line (its one
    line, the call chosen at run time) is one of the caller's line, so it is raised
    unplaced for the caller's derivative to name that line (not as a derivative of
    s2sad's differentiated again, which the wrapper is not)."""
    try:
        return run()
    except DifferentiationError as refused:
        found = re.match(r"<s2sad [^>]*_called #\d+>:(?:\d+|\?): (.*)", str(refused), re.S)
        if found is None:
            raise
        raise DifferentiationError(f"<s2sad>:?: {found.group(1)}") from refused


def _rules(fn: Any, n: int, names: tuple) -> tuple:
    """The reverse, forward and second-order rules of the wrapper (a recursive call's)."""
    from s2sad import recursion
    rules: tuple = recursion.recursive_call(_wrapper(fn, n, names)).s2sad_rules  # type: ignore[attr-defined]
    return rules


reverse.s2sad_wants_active = True  # type: ignore[attr-defined]


def register() -> None:
    """The rules in the tables (again where they were reset)."""
    from s2sad.rules import registry
    if dynamic_call in registry.VJPS and dynamic_call in registry.JVPS and \
            reverse in registry.JVPS:
        return
    signature = registry.Signature((), {}, "args", 0)
    registry.VJPS[dynamic_call] = registry.Rule(signature, user=reverse)
    registry.JVPS[dynamic_call] = registry.Rule(signature, user=forward)
    registry.JVPS[reverse] = registry.Rule(signature, user=second)
