"""Late pass ``zeros``: what adds an adjoint known zero dropped, in straight-line code.

A rule may give a zero adjoint that only the facts prove zero: ``np.sign``'s adjoint of a
real value is ``0.0`` (the sign is flat off the complex plane; :mod:`plain_calls` writes
it so once the dtypes prove the value real), ``d = np.sign(np.linalg.det(R))`` of a
rotation's factors then leaves ``ddet = 0.0 * det * inverse(R).T`` and its additions
``dU = add_grads(dU, (Vt @ ddet).T)``: an inverse and four products per call for nothing.
Here, statement by statement in each block, a name bound to an expression that is zero
whenever the zero names are (:mod:`zero_values`: a product with a zero, a linear map
of one) is zero until it is bound again, and a statement that then changes nothing
(adding the zero into an accumulator of the same known shape) is dropped; the zero
bindings nothing reads any more go with the dead code (``simplify``).

Only where it is proved: a zero is known in its block from its binding on, never carried
into a nested block or past one (which may bind it again); a statement that writes in
place (``d += e``, ``d[i] = e``, an in-place helper, a call given ``out=`` or not known
pure) forgets every zero (it may write the array a zero name holds); an addition is
dropped only where the shapes are known equal (adding a zero cannot broadcast the sum).
A zero adjoint times an inf or NaN value counts as zero, the convention ``safe_mul``
keeps.
"""
from __future__ import annotations

import gast

from s2sad.compiler import dims
from s2sad.compiler.names import IN_PLACE_HELPERS
from s2sad.compiler.simplify import _pure
from s2sad.compiler.zero_values import Known, carries, is_zero, single_target

_BLOCKS = ("body", "orelse", "finalbody")


def drop(body: list, namespace: dict, shapes: dims.Facts | None) -> bool:
    """Drop the statements of ``body`` (nested blocks too) that only add known zeros;
    whether one was dropped."""
    if not _any_zero(body, Known(namespace, None)):
        return False  # (the cheap look first: no statement binds a zero at all)
    return _block(body, Known(namespace, shapes))


def _any_zero(body: list, ctx: Known) -> bool:
    for s in body:
        if isinstance(s, gast.Assign) and is_zero(s.value, set(), ctx):
            return True
        if any(_any_zero(getattr(s, f, None) or [], ctx) for f in _BLOCKS):
            return True
    return False


def _block(body: list, ctx: Known) -> bool:
    changed = False
    zero: set[str] = set()
    for s in list(body):
        if any(getattr(s, f, None) for f in _BLOCKS):  # (a nested block: zeros start afresh)
            changed |= any([_block(getattr(s, f), ctx) for f in _BLOCKS if getattr(s, f, None)])
            zero.clear()
            continue
        found = carries(s, zero, ctx)
        if isinstance(found, str):
            zero.add(found)
        elif found is False and len(body) > 1:
            body.remove(s)
            changed = True
        elif found is None:
            target = single_target(s)
            if target is None or _in_place(s.value) or not _pure(s.value, ctx.namespace):
                zero.clear()  # (it may write into the array a zero name holds: ``out=``)
            else:
                zero.discard(target)
    return changed


def _in_place(value: gast.expr) -> bool:
    """A call of a runtime helper that writes into its first argument."""
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Name) and \
        value.func.id in IN_PLACE_HELPERS
