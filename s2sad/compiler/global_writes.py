"""``global calls; calls += 1`` in the function: a module variable the function changes
(a count of evaluations for ``scipy.optimize``, the best loss seen so far), changed by the
derivative as the function changes it.

The name becomes the function's own variable, read from the module at the start
(``global_value``), and each statement binding it is followed by ``global_stored``,
which writes it back.  Neither has a derivative: the value read is a constant of the
derivative, the value written reaches nothing it differentiates.  A grad, vjp or jvp
runs the function's forward sweep once, so the variable changes as one call of the
function changes it (a Hessian runs one sweep per column: one change per column).
"""
from __future__ import annotations

from typing import Any

import gast

from s2sad.compiler.names import const, load, store
from s2sad.compiler.user_code import own_nodes

_BLOCKS = ("body", "orelse", "finalbody")


def rewrite(src: Any, namespace: dict, namer: Any) -> None:
    """Rewrite ``src.node`` (the function's tree, changed in place) so the module
    variables it declares ``global`` and binds are its own, written back after each
    binding; the helpers and the module's variables get fresh global names."""
    node = src.node
    module = getattr(src.fn, "__globals__", None)
    declared = {name for n in own_nodes(node) if isinstance(n, gast.Global) for name in n.names}
    written = declared & _bound(node.body)
    if not written or module is None:
        return
    from s2sad import runtime
    names = {}
    for key, obj, hint in (("read", runtime.global_value, "read_global"),
                           ("write", runtime.global_stored, "write_global"),
                           ("module", module, "module_variables")):
        names[key] = namer.fresh(hint)
        namespace[names[key]] = src.namespace[names[key]] = obj  # (read by the normalizer)
    node.body = [gast.copy_location(gast.Assign(
        targets=[store(name)], value=_call(names, "read", name), type_comment=None),
        node.body[0]) for name in sorted(written)] + _written_back(node.body, written, names)


def _bound(body: list) -> set[str]:
    """The names the statements of ``body`` (not of the defs inside it) bind."""
    return {n.id for s in body for n in own_nodes(s)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


def _written_back(body: list, written: set[str], names: dict) -> list:
    """``body`` with each binding of a ``written`` name followed by its write-back (a
    loop binding one: at the start of each trip), ``global`` of those names dropped."""
    out: list = []
    for s in body:
        if isinstance(s, gast.Global):
            kept = [n for n in s.names if n not in written]
            if kept:
                out.append(gast.copy_location(gast.Global(names=kept), s))
            continue
        if isinstance(s, (gast.FunctionDef, gast.ClassDef, gast.Lambda)):
            out.append(s)
            continue
        for field in _BLOCKS:
            if isinstance(getattr(s, field, None), list):
                setattr(s, field, _written_back(getattr(s, field), written, names))
        for handler in getattr(s, "handlers", []):
            handler.body = _written_back(handler.body, written, names)
        out.append(s)
        bound = sorted(written & _target_names(s))
        if isinstance(s, (gast.For, gast.AsyncFor)):
            s.body = [_store_back(n, s, names) for n in bound] + s.body
        else:
            out += [_store_back(n, s, names) for n in bound]
    return out


def _target_names(s: gast.stmt) -> set[str]:
    """The names ``s`` itself binds (its targets, not the statements inside it)."""
    targets = s.targets if isinstance(s, gast.Assign) else \
        [s.target] if isinstance(s, (gast.AugAssign, gast.AnnAssign, gast.For,
                                     gast.AsyncFor)) else []
    return {n.id for t in targets for n in gast.walk(t)
            if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}


def _store_back(name: str, like: gast.stmt, names: dict) -> gast.stmt:
    call = _call(names, "write", name)
    call.args.append(load(name))
    return gast.copy_location(gast.Expr(value=call), like)


def _call(names: dict, helper: str, name: str) -> gast.Call:
    return gast.Call(func=load(names[helper]), args=[load(names["module"]), const(name)],
                     keywords=[])
