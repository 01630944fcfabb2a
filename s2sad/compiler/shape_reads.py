"""Part of the late pass ``shapes``: a value read for its shape alone read from an
argument of that shape instead, so the value itself need not be kept.

The reverse sweep starts many adjoints as ``zeros_like(v)``; in a reversed loop ``v``
is then popped from the tape only for its shape (``dadd = zeros_like(add)`` of a
2-vector computed in every step of an integrator).  Where ``v`` and a float64 array
argument ``p`` have one shape class (equal lengths, :mod:`dims`) and ``v`` is float64
too (:mod:`dtypes`), ``zeros_like(p)`` is the same array of zeros, and the tape's
pruning drops ``v``.
"""
from __future__ import annotations

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler import dims
from s2sad.compiler.dtypes import F64
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import nodes, statement_nodes


def candidates(body: list, params: set[str], namespace: dict) -> bool:
    """Whether ``body`` starts an adjoint as zeros like a value that is not an argument
    (most bodies do not: the pass then costs one walk)."""
    kept = (None, *params)
    return any(_shape_read(n, namespace) not in kept for n in nodes_of(body, (gast.Call,)))


def zeros_from_arguments(body: list, facts: dims.Facts, kinds: dict[str, str],
                         floats: frozenset[str], namespace: dict) -> bool:
    """``zeros_like(v)`` -> ``zeros_like(p)`` (and ``add_at(None, v, ..)``) for a float64
    ``v`` of the shape of a float64 array argument ``p``; whether one was rewritten."""
    shapes = [(p, facts.of(gast.Name(id=p, ctx=gast.Load(), annotation=None,
                                     type_comment=None))) for p in sorted(floats)]
    shapes = [(p, s) for p, s in shapes if dims.known(s) and s]
    changed = False
    for n in nodes(body):
        name = _shape_read(n, namespace)
        if name is None or name in floats or kinds.get(name) != F64:
            continue
        shape = facts.of(gast.Name(id=name, ctx=gast.Load(), annotation=None,
                                   type_comment=None))
        like = next((p for p, s in shapes if dims.known(shape) and dims.same(shape, s)), None)
        if like is not None:
            n.args[0 if n.func.id == "zeros_like" else 1] = gast.Name(
                id=like, ctx=gast.Load(), annotation=None, type_comment=None)
            changed = True
    return changed


def shapes_from_arguments(body: list, facts: dims.Facts, arrays: list[str],
                          namespace: dict) -> bool:
    """``np.shape(v)`` -> ``np.shape(p)`` for a ``v`` popped from the tape of the shape of
    an array argument ``p`` (the shape alone: any dtype), so that a reversed loop need
    not pop ``v`` for it (an HMM step's ``np.reshape(dalpha, np.shape(alpha))``);
    whether one was."""
    popped = {n.id for s in statement_nodes(body) if isinstance(s, gast.Assign) and
              getattr(s, "s2sad_slot", None) is not None
              for t in s.targets for n in nodes(t) if isinstance(n, gast.Name)}
    shapes = [(p, facts.of(gast.Name(id=p, ctx=gast.Load(), annotation=None,
                                     type_comment=None))) for p in arrays]
    shapes = [(p, s) for p, s in shapes if dims.known(s) and s]
    changed = False
    for n in nodes(body) if popped else ():
        if not (isinstance(n, gast.Call) and len(n.args) == 1 and not n.keywords and
                isinstance(n.args[0], gast.Name) and n.args[0].id in popped and
                evaluate_ref(n.func, namespace) is np.shape):
            continue
        shape = facts.of(n.args[0])
        like = next((p for p, s in shapes if dims.known(shape) and dims.same(shape, s)), None)
        if like is not None:
            n.args[0] = gast.Name(id=like, ctx=gast.Load(), annotation=None, type_comment=None)
            changed = True
    return changed


def _shape_read(n: gast.AST, namespace: dict) -> str | None:
    """The name ``zeros_like(v)`` or ``add_at(None, v, i, g)`` (zeros like ``v``, then
    ``g`` added at ``i``) reads for its shape and dtype alone."""
    if not (isinstance(n, gast.Call) and isinstance(n.func, gast.Name) and not n.keywords):
        return None
    if n.func.id == "zeros_like" and len(n.args) == 1:
        v = n.args[0]
    elif n.func.id == "add_at" and len(n.args) == 4 and \
            isinstance(n.args[0], gast.Constant) and n.args[0].value is None:
        v = n.args[1]
    else:
        return None
    fn = evaluate_ref(n.func, namespace)
    return v.id if isinstance(v, gast.Name) and fn in (runtime.zeros_like, runtime.add_at) \
        else None
