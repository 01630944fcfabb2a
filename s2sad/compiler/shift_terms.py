"""Part of stage 5 (:mod:`shifts`): the maximum of a few numbers subtracted only to keep
``exp`` in range in a log-sum-exp of those numbers written out term by term,

    mx = max(a, b, c)
    lse = mx + np.log(np.exp(a - mx) + np.exp(b - mx) + np.exp(c - mx))

(a soft minimum of dynamic time warping, a Viterbi or HMM forward step over a few
states).  ``lse`` is ``log(exp(a) + exp(b) + exp(c))`` whatever ``mx`` is, so no
gradient flows through it: the reverse sweep then takes no share of the maximum
(``arg_share`` per term) and keeps fewer values on the tape.

Where each term's difference ``a - mx`` is read only by its ``exp``, the exponentials
only by one chain of additions summing each of them once, the sum only by one ``log``,
the log only by ``mx + log``, and ``mx`` by nothing else.
"""
from __future__ import annotations

import math
from typing import Any

import gast
import numpy as np

MAXIMA = (max, np.maximum, np.fmax)
_EXPS = (np.exp, math.exp)
_LOGS = (np.log, math.log)


def is_shift(shifts: Any, m: str) -> bool:
    """``m`` (a single assignment of ``shifts``, a :class:`shifts._Shifts`) is the
    maximum of names a log-sum-exp of those names is shifted by."""
    prim = shifts.call(m, *MAXIMA)
    if prim is None or prim.keywords or len(prim.args) < 2 or \
            not all(isinstance(a, gast.Name) for a in prim.args):
        return False
    terms = [a.id for a in prim.args]
    users = shifts.only_users(m)
    if len(set(terms)) != len(terms) or len(users) != len(terms) + 1:
        return False
    exps = []
    for x in terms:
        subs = [z for z in users if shifts.binop(z, gast.Sub, x, m)]
        e = _only(shifts, subs[0]) if len(subs) == 1 else None
        if e is None or shifts.call(e, *_EXPS) is None:
            return False
        exps.append(e)
    total = _summed(shifts, exps)
    log = _only(shifts, total) if total is not None else None
    if log is None or shifts.call(log, *_LOGS) is None:
        return False
    out = _only(shifts, log)
    rest = [u for u in users if not any(shifts.binop(u, gast.Sub, x, m) for x in terms)]
    return out is not None and rest == [out] and (
        shifts.binop(out, gast.Add, m, log) or shifts.binop(out, gast.Add, log, m))


def _only(shifts: Any, name: str) -> str | None:
    """The one single assignment that reads ``name``, reading it once."""
    users = shifts.only_users(name)
    return users[0] if len(users) == 1 else None


def _summed(shifts: Any, exps: list[str]) -> str | None:
    """The last name of a chain of additions that sums each of ``exps`` once, each
    partial sum read only by the next; None if they are not summed so."""
    left = set(exps)
    first = _only(shifts, exps[0])
    while first is not None and (before := _inner(shifts, first)) is not None:
        first = before  # back to the first addition of the chain
    at = first
    while at is not None:
        v = shifts.single.get(at)
        if not isinstance(v, gast.BinOp) or not isinstance(v.op, gast.Add):
            return None
        names = [getattr(o, "id", None) for o in (v.left, v.right)]
        for n in names:
            if n in left and _only(shifts, n) == at:
                left.discard(n)
            elif n != _previous(shifts, at, first):
                return None
        if not left:
            return at
        at = _only(shifts, at)
    return None


def _previous(shifts: Any, at: str, first: str | None) -> str | None:
    """The partial sum ``at`` adds to (None at the first addition)."""
    return None if at == first else _inner(shifts, at)


def _inner(shifts: Any, at: str) -> str | None:
    """An operand of the addition ``at`` that is an addition read only by it."""
    v = shifts.single.get(at)
    if not isinstance(v, gast.BinOp):
        return None
    for o in (v.left, v.right):
        name = getattr(o, "id", None)
        w = shifts.single.get(name) if name else None
        if name and isinstance(w, gast.BinOp) and isinstance(w.op, gast.Add) and \
                _only(shifts, name) == at:
            return name
    return None
