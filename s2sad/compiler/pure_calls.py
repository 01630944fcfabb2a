"""Which calls write into nothing and draw nothing (``pure_call``), which nodes of an
expression always run (``always_evaluated``), and the names a statement writes: what the
passes that compute a value once (:mod:`reuse`, :mod:`costly_calls`, ``shared_*``) ask
before they read a value again instead of computing it.
"""
from __future__ import annotations

import gast
import numpy as np

from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.simplify import _known_pure
from s2sad.compiler.walks import name_nodes

_APPEND = "append"
# NumPy functions that write into an argument (and any call given out=)
WRITERS = {"shuffle", "copyto", "put", "place", "putmask", "fill_diagonal", "put_along_axis",
           "at", "fill", "sort", "resize", "itemset", "setfield",
           # runtime helpers that update their first argument in place
           "add_at", "write_at", "clear_at", "scatter_add", "scatter_subtract"}


def always_evaluated(e: gast.AST) -> list:
    """The nodes of ``e`` outside the branches of ``a if c else b``, ``and``/``or`` and
    lambdas and comprehensions: moved before the statement, those would run when the
    statement does not run them (``inv(x)`` where ``x`` is not square)."""
    out, todo = [], [e]
    while todo:
        n = todo.pop()
        out.append(n)
        if isinstance(n, gast.IfExp):
            todo.append(n.test)
        elif isinstance(n, gast.BoolOp):
            todo.append(n.values[0])
        elif not isinstance(n, (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp,
                                gast.GeneratorExp)):
            todo.extend(gast.iter_child_nodes(n))
    return out


def call_name(call: gast.Call) -> str:
    f = call.func
    return f.attr if isinstance(f, gast.Attribute) else f.id if isinstance(f, gast.Name) \
        else "value"


def stored_names(s: gast.stmt) -> set[str] | None:
    """Names ``s`` assigns (None: it may write anything)."""
    if isinstance(s, (gast.Assign, gast.AugAssign, gast.Delete)):
        targets = s.targets if not isinstance(s, gast.AugAssign) else [s.target]
        return set().union(*(names_in(t) for t in targets))
    if isinstance(s, gast.Expr) and is_append(s.value):
        return names_in(s.value.func.value)
    return None


def names_in(e: gast.AST) -> set[str]:
    return {n.id for n in name_nodes(e)}


def is_append(e: gast.expr) -> bool:
    return isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute) and \
        e.func.attr == _APPEND and isinstance(e.func.value, gast.Name)


def pure(e: gast.expr, namespace: dict) -> bool:
    return all(pure_call(n, namespace) for n in nodes_of(e, (gast.Call,)))


def pure_call(n: gast.Call, namespace: dict) -> bool:
    """A call that writes into nothing and draws nothing (its arguments' calls aside)."""
    if isinstance(n.func, gast.Attribute) and n.func.attr in ("pop", _APPEND) or \
            any(k.arg == "out" or (k.arg or "").startswith("overwrite_")
                for k in n.keywords):  # (scipy's overwrite_a=True)
        return False
    name = n.func.attr if isinstance(n.func, gast.Attribute) else \
        n.func.id if isinstance(n.func, gast.Name) else None
    if name in WRITERS:
        return False
    try:
        fn = evaluate_ref(n.func, namespace)
    except TypeError:
        return False
    return _known_pure(fn) or isinstance(getattr(fn, "__self__", None),
                                         np.ufunc)  # np.multiply.outer
