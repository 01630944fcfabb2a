"""Late pass ``methods``, its first part: a running sum or product along an axis the
code names, ``np.cumsum(x, axis=1)`` / ``np.cumprod(x, 1)``, called as the runtime's
``running_sum(x, 1)`` / ``running_product(x, 1)``; a roll by a literal along a literal
axis, ``np.roll(u, -1, axis=0)``, as ``roll_axis(u, -1, 0)`` (two slice copies, without
NumPy's argument handling: :mod:`s2sad.runtime.shifts`).

NumPy accumulates element by element (a dependency chain, ~3.5 ns an element); along a
short axis of a wide array (a survival curve over 20 periods of 5000 subjects) a loop
over the axis, one wide vector operation a step, takes a third to half of that time.
Which is faster depends on the array's size, known only at the call, so the helper
decides there (:mod:`s2sad.runtime.running`): a float array whose steps are wide takes
the loop, anything else NumPy's call.  The numbers are the same bit for bit (each
element gets the same operations in the same order).  The helpers have rules of their
own (``rules/helpers.py``: ``np.cumsum``'s and ``np.cumprod``'s), so a derivative
differentiated again goes through them.  Only with a literal axis: ``axis=None``
flattens, which the helpers leave to NumPy anyway.  A derivative for another library's
arrays writes the call back as NumPy's (``compiler/portable.py``), which that library
spells as its own or refuses.
"""
from __future__ import annotations

from collections.abc import Callable

import gast
import numpy as np

from s2sad.compiler.names import load
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref

_HELPERS = {np.cumsum: "running_sum", np.cumprod: "running_product", np.roll: "roll_axis"}
NUMPY_NAMES = {helper: fn.__name__ for fn, helper in _HELPERS.items()}  # (written back)


def as_running(body: list, namespace: dict,
               vectors: Callable[[], Callable[[gast.expr], bool]] | None = None) -> bool:
    """Each running sum or product of ``body`` along a literal axis called as the
    helper's; whether one was.  ``vectors``: gives the test of a value being a vector
    (the shape facts, worked out when a roll needs them): a vector's roll without an
    axis (``np.roll(u, 1)``, ``np.roll(g, -1, None)``: the flattened array rolled and
    shaped back, which for a vector is the roll along its axis) is one along axis 0."""
    changed = False
    is_vector = None
    for node in nodes_of(body, (gast.Call,)):
        try:
            helper = _HELPERS.get(evaluate_ref(node.func, namespace))
        except TypeError:  # (an unhashable callee)
            continue
        if helper == "roll_axis":
            args = _roll_arguments(node)
            flat = _flat_roll(node) if args is None else None
            if flat is not None and vectors is not None:
                is_vector = is_vector or vectors()
                args = [flat[0], flat[1], gast.Constant(value=0, kind=None)] \
                    if is_vector(flat[0]) else None
            if args is not None:
                node.func, node.args, node.keywords = load(helper), args, []
                changed = True
            continue
        axis = _literal_axis(node)
        if helper is not None and axis is not None:
            node.func, node.args, node.keywords = load(helper), [node.args[0], axis], []
            changed = True
    return changed


def _roll_arguments(node: gast.Call) -> list | None:
    """``[a, shift, axis]`` of ``np.roll(a, shift, axis)`` (or ``axis=``) when the shift
    and the axis are integer literals."""
    if len(node.args) == 3 and not node.keywords:
        a, shift, axis = node.args
    elif len(node.args) == 2 and len(node.keywords) == 1 and node.keywords[0].arg == "axis":
        (a, shift), axis = node.args, node.keywords[0].value
    else:
        return None
    return [a, shift, axis] if _int_literal(shift) and _int_literal(axis) else None


def _flat_roll(node: gast.Call) -> list | None:
    """``[a, shift]`` of ``np.roll(a, shift)`` or ``np.roll(a, shift, None)`` by an
    integer literal."""
    if node.keywords or not (len(node.args) == 2 or len(node.args) == 3 and
                             isinstance(node.args[2], gast.Constant) and
                             node.args[2].value is None):
        return None
    return node.args[:2] if _int_literal(node.args[1]) else None


def _literal_axis(node: gast.Call) -> gast.expr | None:
    """The axis of ``f(a, axis)`` or ``f(a, axis=axis)`` (no other argument) when it is
    an integer literal, negative or not."""
    if len(node.args) == 2 and not node.keywords:
        axis = node.args[1]
    elif len(node.args) == 1 and len(node.keywords) == 1 and node.keywords[0].arg == "axis":
        axis = node.keywords[0].value
    else:
        return None
    return axis if _int_literal(axis) else None


def _int_literal(e: gast.expr) -> bool:
    """``3`` or ``-3``."""
    number = e.operand if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub) else e
    return isinstance(number, gast.Constant) and type(number.value) is int
