"""Part of the late pass ``share``: a costly call whose value is an item of another's
read from that other where both are made.

``lam = np.linalg.eigvalsh(a)`` has the adjoint ``V diag(g) V^T`` of the eigenvectors
``np.linalg.eigh(a, 'L')[1]``: differentiated as written, the matrix is decomposed in
the forward sweep for its eigenvalues and again in the reverse sweep for its vectors
(a hand-written gradient calls ``eigh`` once).  Where the reverse sweep's ``eigh`` of
the same matrix comes later in the same block, with no write to the matrix in between,
the forward sweep makes that call, ``eigh = np.linalg.eigh(a, 'L')``, reads
``lam = eigh[0]`` from it, and the reverse sweep reads ``eigh``.
"""
from __future__ import annotations

import copy
from typing import Any

import gast
import numpy as np

from s2sad import runtime
from s2sad.compiler.costly_calls import ReplaceCall
from s2sad.compiler.names import Swap, assign, const, load, np_attr
from s2sad.compiler.node_scans import mentions, nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.pure_calls import call_name, names_in, pure_call, stored_names
from s2sad.compiler.walks import nodes, structure

_BLOCKS = (gast.If, gast.For, gast.While, gast.Try, gast.With)
_PARTS = ("eigvalsh",)  # (the calls :func:`_whole` knows the whole of)


def share_parts(stmts: list, namespace: dict, namer: Any) -> bool:
    """Rewrite each part made before its whole in one block (see the module docstring);
    whether one was."""
    if not mentions(stmts, frozenset(_PARTS), frozenset(_PARTS)):
        return False  # (most bodies: no such part)
    changed = False
    parts: dict[tuple, tuple] = {}  # whole's key -> (statement, part call, item, reads)
    for s in list(stmts):
        if isinstance(s, _BLOCKS):
            for field in ("body", "orelse", "finalbody"):
                changed |= share_parts(getattr(s, field, None) or [], namespace, namer)
            parts.clear()
            continue
        if not (isinstance(s, (gast.Assign, gast.Delete)) and
                (s.__class__ is gast.Delete or _writes_nothing(s.value, namespace))):
            parts.clear()
            continue
        calls = [] if s.__class__ is gast.Delete else \
            [n for n in nodes(s.value) if isinstance(n, gast.Call)]
        for call in (c for c in calls if parts):
            key = structure(call)
            if key in parts:
                ReplaceCall(key, _read_whole(stmts, parts.pop(key), call, namer)).visit(s)
                changed = True
        stored = stored_names(s) or set()
        for key in [k for k, (_, _, _, reads) in parts.items() if reads & stored]:
            del parts[key]
        for call in calls:
            whole = _whole(call, namespace)
            if whole is not None and not names_in(call) & stored:
                parts.setdefault(structure(whole[0]), (s, call, whole[1], names_in(call)))
    return changed


def _writes_nothing(e: gast.expr, namespace: dict) -> bool:
    """Pure calls, and the runtime's in-place adders given ``None`` for the array they
    add into (``add_at(None, lam, i, g)``: into new zeros like ``lam``)."""
    return all(pure_call(n, namespace) or n.args and isinstance(n.args[0], gast.Constant)
               and n.args[0].value is None and _fresh_writer(n, namespace)
               for n in nodes_of(e, (gast.Call,)))


def _fresh_writer(n: gast.Call, namespace: dict) -> bool:
    try:
        return evaluate_ref(n.func, namespace) is runtime.add_at
    except TypeError:
        return False


def _whole(call: gast.Call, namespace: dict) -> tuple[gast.Call, int] | None:
    """The call whose value holds ``call``'s, and the item that is ``call``'s value."""
    if call.keywords or not 1 <= len(call.args) <= 2 or \
            evaluate_ref(call.func, namespace) is not np.linalg.eigvalsh:
        return None
    uplo = call.args[1] if len(call.args) == 2 else const("L")
    func = gast.Attribute(value=np_attr("linalg"), attr="eigh", ctx=gast.Load())
    whole = gast.Call(func=func, args=[copy.deepcopy(call.args[0]), copy.deepcopy(uplo)],
                      keywords=[])
    return (whole, 0) if evaluate_ref(func, namespace) is np.linalg.eigh else None


def _read_whole(stmts: list, part: tuple, whole: gast.Call, namer: Any) -> str:
    """The whole computed in front of the part's statement, the part read from it; its
    name."""
    first, call, item, _ = part
    name = namer.fresh(call_name(whole))
    stmts.insert(stmts.index(first), assign(name, copy.deepcopy(whole), like=first))
    Swap({id(call): gast.Subscript(value=load(name), slice=const(item),
                                   ctx=gast.Load())}).visit(first)
    return name
