"""The ``__init__`` of a plain class as one function, for :mod:`class_records`: a
``super().__init__(W, b)`` (or ``Base.__init__(self, W, b)``) statement in it is replaced
by the next ``__init__`` of the class's MRO, its parameters read as the arguments the
call gives (``Linear(Module)`` whose ``__init__`` calls ``super().__init__()`` first, as
PyTorch-style modules do; was refused as an ``__init__`` in more than one class).  Only
where that is the same as running it: each argument a name, a constant or an attribute
of ``self`` already stored, each default left to a constant, the two ``__init__`` of one
module (globals read alike), no ``*args``/``**kwargs``; else None (refused as before)."""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler import source
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.user_code import is_user_function
from s2sad.errors import DifferentiationError

_TREES: dict[tuple, gast.FunctionDef | None] = {}  # (class, __init__ codes) -> the tree


def init_of(cls: type) -> Any:
    """The ``__init__`` an object of ``cls`` runs first (not object's), or None."""
    return next((vars(k)["__init__"] for k in cls.__mro__[:-1] if "__init__" in vars(k)),
                None)


def chain_key(cls: type) -> tuple:
    """What the tree of :func:`init_tree` depends on: the class and its ``__init__``s."""
    return (cls, *(getattr(vars(k)["__init__"], "__code__", None) for k in cls.__mro__[:-1]
                   if "__init__" in vars(k)))


def init_tree(cls: type) -> gast.FunctionDef | None:
    """``cls``'s ``__init__`` with the ``__init__`` calls of its bases inlined, or None
    (a fresh copy each call: the caller changes it)."""
    inits = [(k, vars(k)["__init__"]) for k in cls.__mro__[:-1] if "__init__" in vars(k)]
    key = chain_key(cls)
    if key not in _TREES:
        _TREES[key] = _chained(inits, 0) if inits else None
    tree = _TREES[key]
    return clone(tree) if tree is not None else None


def _chained(inits: list, at: int) -> gast.FunctionDef | None:
    owner, init = inits[at]
    if not is_user_function(init):
        return None
    try:
        tree = clone(source.load(init).node)
    except DifferentiationError:
        return None
    args = tree.args
    if not args.args or args.posonlyargs or args.vararg or args.kwarg or args.kwonlyargs:
        return None
    me, body = args.args[0].id, []
    for st in tree.body:
        call = _base_init_call(st, me, inits[at + 1][0] if at + 1 < len(inits) else None)
        if call is None:
            body.append(st)
            continue
        if at + 1 >= len(inits) or getattr(inits[at + 1][1], "__globals__", None) is not \
                getattr(init, "__globals__", None):
            return None
        base = _chained(inits, at + 1)
        given = _bound(base, call, me) if base is not None else None
        if base is None or given is None or _clash(base, given, tree):
            return None
        body += [_Substituted(given).visit(s) for s in base.body]
    tree.body = body
    return tree


def _base_init_call(st: gast.stmt, me: str, base: type | None) -> gast.Call | None:
    """The call of ``super().__init__(...)`` / ``Base.__init__(self, ...)`` ``st`` makes
    (with ``self`` dropped), or None."""
    call = st.value if isinstance(st, gast.Expr) else None
    if not isinstance(call, gast.Call) or not isinstance(call.func, gast.Attribute) or \
            call.func.attr != "__init__":
        return None
    of = call.func.value
    if isinstance(of, gast.Call) and isinstance(of.func, gast.Name) and \
            of.func.id == "super" and not of.args:
        return call
    if base is not None and isinstance(of, gast.Name) and of.id == base.__name__ and \
            call.args and isinstance(call.args[0], gast.Name) and call.args[0].id == me:
        return gast.Call(func=call.func, args=call.args[1:], keywords=call.keywords)
    return None


def _bound(base: gast.FunctionDef, call: gast.Call, me: str) -> dict[str, gast.expr] | None:
    """The base ``__init__``'s parameter -> the expression it reads as, or None."""
    params = [a.id for a in base.args.args]
    if any(isinstance(a, gast.Starred) for a in call.args) or \
            any(k.arg is None for k in call.keywords) or len(call.args) >= len(params):
        return None
    given: dict[str, gast.expr] = {params[0]: gast.Name(id=me, ctx=gast.Load(),
                                                        annotation=None, type_comment=None)}
    given.update(zip(params[1:], call.args))
    given.update({k.arg: k.value for k in call.keywords if k.arg is not None})
    defaults = dict(zip(params[len(params) - len(base.args.defaults):], base.args.defaults))
    if set(given) - set(params):
        return None
    for p in params:
        value = given.get(p, defaults.get(p))
        if value is None or not _simple(value, me):
            return None
        given[p] = value
    return given


def _clash(base: gast.FunctionDef, given: dict, tree: gast.FunctionDef) -> bool:
    """Does the base read a global by a name the derived ``__init__`` binds (read there
    as the derived one's variable, not the global)?"""
    own = {a.id for a in tree.args.args}
    return any(isinstance(n, gast.Name) and n.id not in given and n.id in own
               for st in base.body for n in gast.walk(st))


def _simple(value: gast.expr, me: str) -> bool:
    """A name, a constant or ``self.a``: the same value read where the base reads it."""
    return isinstance(value, (gast.Name, gast.Constant)) or \
        isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name) and \
        value.value.id == me


class _Substituted(gast.NodeTransformer):
    """The base's parameters read as the expressions the call gives."""

    def __init__(self, given: dict[str, gast.expr]) -> None:
        self.given = given

    def visit_Name(self, n: gast.Name) -> gast.AST:
        if n.id in self.given and isinstance(n.ctx, gast.Load):
            return gast.copy_location(clone(self.given[n.id]), n)
        return n
