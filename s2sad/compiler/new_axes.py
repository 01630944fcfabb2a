"""Part of the late pass ``contract``: new axes a value was given only to be reshaped away.

``t = e[:, None, :]`` read only as ``np.reshape(t, np.shape(x))`` with ``x`` of ``e``'s
shape (a sum kept its axes, then its adjoint's reshape dropped them) is ``t = e`` read as
``t``: no view made and no reshape called.
"""
from __future__ import annotations

from collections import Counter

import gast
import numpy as np

from s2sad.compiler import dims
from s2sad.compiler.contract_plan import is_new_axis, is_whole_slice
from s2sad.compiler.names import Swap
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.walks import nodes, store_and_load_ids


def without_new_axes(body: list, facts: dims.Facts, namespace: dict) -> None:
    """``t = e[:, None, :]`` read only as ``np.reshape(t, np.shape(x))`` with ``x`` of
    ``e``'s shape (a sum kept its axes, then its adjoint's reshape dropped them): ``t =
    e`` read as ``t``."""
    loaded: list[str] = []
    stored: list[str] = []
    store_and_load_ids(body, stored, loaded)  # (one walk)
    reads, stores = Counter(loaded), Counter(stored)
    for s in body:
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], gast.Name) and stores[s.targets[0].id] == 1):
            continue
        inner = new_axes_of(s.value, facts)
        if inner is None:
            continue
        name = s.targets[0].id
        shape = facts.of(inner)
        uses = [n for n in nodes(body) if isinstance(n, gast.Call) and
                evaluate_ref(n.func, namespace) is np.reshape and len(n.args) == 2 and
                isinstance(n.args[0], gast.Name) and n.args[0].id == name and
                shape_argument(n.args[1]) is not None and
                facts.of(shape_argument(n.args[1])) == shape]
        if len(uses) != reads[name]:
            continue
        s.value = inner
        Swap({id(call): call.args[0] for call in uses}).visit(
            gast.Module(body=body, type_ignores=[]))


def new_axes_of(e: gast.expr, facts: dims.Facts) -> gast.expr | None:
    """``v`` of ``v[:, None, :]`` (whole slices of each axis of ``v`` and new axes)."""
    if not isinstance(e, gast.Subscript) or isinstance(e.value, gast.Name):
        return None
    parts = e.slice.elts if isinstance(e.slice, gast.Tuple) else [e.slice]
    shape = facts.of(e.value)
    if not all(is_new_axis(p) or is_whole_slice(p) for p in parts) or not dims.known(shape) or \
            sum(not is_new_axis(p) for p in parts) != len(shape):
        return None
    return e.value


def shape_argument(e: gast.expr) -> gast.expr | None:
    """``x`` of ``np.shape(x)``."""
    if isinstance(e, gast.Call) and isinstance(e.func, gast.Attribute) and \
            e.func.attr == "shape" and isinstance(e.func.value, gast.Name) and \
            e.func.value.id == "np" and len(e.args) == 1 and not e.keywords:
        return e.args[0]
    return None
