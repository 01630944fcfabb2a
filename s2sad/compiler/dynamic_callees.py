"""A call of a function a local name holds (``act = np.tanh if c else softplus;
act(x)``, ``fn`` of ``for fn in self.layers``), or of a method of an object no stage
could follow (made inside by an ``__init__`` that is more than stores), as
``dynamic_call(act, x)``: a primitive whose rules differentiate what the name holds when
it runs (:mod:`s2sad.dynamic_calls`).

Runs on the SSA core form, after every stage that could make the callee known (inlining,
function displays, constant loops, function attributes, records): only the calls left of
a name no stage could follow, which the reverse and forward stages refused before.  A
method is bound first, ``forward_method = net.forward``, so that the bound method is a
value whose activity the later stages know (the rules refuse one that depends on the
differentiated arguments).  Keyword arguments are passed by position after the others,
their names a constant keyword, ``dynamic_call(integrate, y, dx, names=('dx',))``, so
that each has a cotangent.
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad import dynamic_calls
from s2sad.compiler.names import Namer, assign, const, load, param_names
from s2sad.compiler.node_scans import mentions
from s2sad.compiler.walks import name_nodes, walk
from s2sad.errors import error_at
from s2sad.rules import registry

_BODIES = ("body", "orelse")
_SETTERS = frozenset({"setattr", "vars", "delattr"})
_OBJECT_ATTRIBUTES = frozenset({"__dict__", "__setattr__"})


def rewrite(node: gast.FunctionDef, namespace: dict[str, Any], namer: Namer,
            filename: str = "<s2sad>") -> gast.FunctionDef:
    """Each ``v = f(...)`` of a local ``f`` as ``v = dynamic_call(f, ...)``."""
    local = set(param_names(node)) | {n.id for n in name_nodes(node)
                                      if n.ctx.__class__ is not gast.Load}
    state = {"alias": ""}
    if not _changes_objects(node):
        _block(node, local, namespace, namer, state)
    if state["alias"]:
        _defs_held(node, local, namespace, filename)
    return node


def _defs_held(node: gast.FunctionDef, local: set, namespace: dict, filename: str) -> None:
    """A name read that nothing binds is a def of the function's that a stage kept as a
    value (``fs.append(sq)``, its calls once inlined by name): which one a call of an
    item runs is then chosen at run time, where the def does not exist.  Refused."""
    import builtins
    made = {n.name for n in walk(node) if isinstance(n, gast.FunctionDef)}
    for s in walk(node):
        if not isinstance(s, gast.stmt) or isinstance(s, (gast.If, gast.For, gast.While,
                                                          gast.FunctionDef)):
            continue
        for n in walk(s):
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and \
                    n.id not in local and n.id not in namespace and n.id not in made and \
                    not hasattr(builtins, n.id) and n.id not in registry.TEMPLATE_NAMESPACE:
                label = "a lambda" if n.id.startswith("lambda_fn") else n.id
                raise error_at(filename, s, f"{label}, a def inside the function, held in "
                               "a list or another value and called through it",
                               "call it by its own name, or define it at module level")


def _changes_objects(node: gast.FunctionDef) -> bool:
    """Does the function set an object's attributes by name (``setattr(net, "w", v)``,
    ``vars(net)``, ``net.__dict__``)?  The object a callee is bound to could then hold
    an active value the callee's activity does not show: its calls stay refused."""
    return mentions(node, _SETTERS, _OBJECT_ATTRIBUTES)


def _block(owner: gast.AST, local: set, namespace: dict, namer: Namer, state: dict) -> None:
    for field in _BODIES:
        stmts = getattr(owner, field, None)
        if not isinstance(stmts, list):
            continue
        out: list = []
        for s in stmts:
            if isinstance(s, (gast.If, gast.For, gast.While)):
                _block(s, local, namespace, namer, state)
            elif isinstance(s, gast.Assign) and isinstance(s.value, gast.Call):
                out.extend(_rewritten(s, local, namespace, namer, state))
                continue
            out.append(s)
        setattr(owner, field, out)


def _rewritten(s: gast.Assign, local: set, namespace: dict, namer: Namer, state: dict
               ) -> list:
    call = s.value
    func = call.func
    method = isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and \
        func.value.id in local
    if not (isinstance(func, gast.Name) and func.id in local or method) or \
            any(isinstance(a, gast.Starred) for a in call.args) or \
            any(k.arg is None for k in call.keywords):
        return [s]
    if not state["alias"]:
        state["alias"] = namer.fresh("dynamic_call")
        namespace[state["alias"]] = dynamic_calls.dynamic_call
        dynamic_calls.register()
    before = []
    if method:
        bound = namer.fresh(f"{func.attr}_method")
        local.add(bound)
        before.append(assign(bound, func, s))
        func = load(bound)
    names = tuple(k.arg for k in call.keywords)
    keywords = [gast.keyword(arg="names", value=const(names))] if names else []
    s.value = gast.Call(func=load(state["alias"]),
                        args=[func, *call.args, *(k.value for k in call.keywords)],
                        keywords=keywords)
    return [*before, s]
