"""Part of stage 5 (:mod:`activity`): maxima subtracted only to keep ``exp`` in range
(softmax, log-softmax, log-sum-exp), through which no gradient flows."""
from __future__ import annotations

import functools
from typing import Any

import gast
import numpy as np

from s2sad.compiler import block_versions, shift_forms, shift_terms
from s2sad.compiler.function_scan import assignments, local_names
from s2sad.compiler.primitives import Prim, primitive
from s2sad.compiler.walks import walk


def shift_only_maxima(node: gast.FunctionDef, namespace: dict[str, Any]) -> set[str]:
    """Maxima subtracted only to keep ``exp`` in range, ``z = x - np.max(x, axis=a,
    keepdims=True)``, where ``z`` feeds nothing but a softmax ``exp(z) / s`` or a
    log-softmax ``z - log(s)`` (``s = np.sum(exp(z), axis=a, keepdims=True)``), or
    the log-sum-exp ``m + log(s)`` (or ``m[:, 0] + log(np.sum(exp(z), axis=1))``, the
    kept axis dropped from both).
    The output does not change when the maximum does, so no gradient flows through it
    (JAX's ``logsumexp`` says the same with ``stop_gradient``)."""
    return _Shifts(node, namespace).maxima()


_ADDS = 8  # additions followed from the maximum to its log-sum-exp in a running sum


class _Shifts:
    def __init__(self, node: gast.FunctionDef, namespace: dict[str, Any]) -> None:
        self.namespace, self.local = namespace, local_names(node)
        self.node = node
        self.single: dict[str, Any] = {}
        self.loads: dict[str, int] = {}
        if any(self.call_value(s.value, np.max, np.amax, np.min, np.amin, *shift_terms.MAXIMA)
               for s in assignments(node)):
            versions = block_versions.Versions(node)  # (most functions have no maximum)
            self.single, self.loads = versions.single, versions.loads

    @functools.cached_property
    def users(self) -> dict[str, list[str]]:
        """The single assignments that read each name (as many times as they read it)."""
        users: dict[str, list[str]] = {}
        for target, value in self.single.items():
            for n in walk(value):
                if isinstance(n, gast.Name):
                    users.setdefault(n.id, []).append(target)
        return users

    def maxima(self) -> set[str]:
        found = set()
        for m in self.single:
            if "#" in m:  # (a name bound again: its other bindings are not maxima)
                continue
            if shift_terms.is_shift(self, m) or \
                    shift_forms.whole_extremum(self, m) and shift_forms.cancels(self, m):
                found.add(m)
                continue
            prim = self.call(m, np.max, np.amax)
            if prim is None or not prim.args or not isinstance(prim.args[0], gast.Name):
                continue
            axis, x = self.axis(prim), prim.args[0].id
            kept = axis is not None
            if axis is None:
                axis = self.leading(prim)  # (x - m broadcasts m over the leading axis)
            users = self.only_users(m)
            subs = [z for z in users if self.binop(z, gast.Sub, x, m)]
            if not kept and not subs and self.regrown(m, x, prim, users):
                found.add(m)
                continue
            if axis is None or len(subs) != 1:
                continue
            if len(users) == 1 and kept and self.softmax_only(subs[0], axis) or \
                    len(users) == 2 and self.logsumexp(m, subs[0], axis, users, kept):
                found.add(m)
        return found

    def logsumexp(self, m: str, z: str, axis: str, users: list[str], kept: bool = True
                  ) -> bool:
        """``m + log(np.sum(exp(x - m), axis, keepdims=True))``: ``log(sum(exp(x)))``
        whatever ``m`` is, with nothing else reading the parts; also when the two are
        added into a running sum one after the other (``total = total + m + log(s)``):
        a chain of additions, each result read only by the next.  ``kept`` False: ``m``
        a maximum over the leading axis without ``keepdims`` (``m + log(np.sum(exp(x -
        m), axis=0))``, the sum without it too)."""
        (total,) = [u for u in users if u != z]
        carried, w = m, None
        if kept and self.squeezed(total, m, axis):  # m[:, 0] + log(np.sum(exp(x - m), 1))
            after = self.only_users(total)
            if len(after) != 1:
                return False
            carried, total, kept = total, after[0], False
        for _ in range(_ADDS):
            v = self.single.get(total)
            if not isinstance(v, gast.BinOp) or not isinstance(v.op, gast.Add):
                return False
            names = [getattr(o, "id", None) for o in (v.left, v.right)]
            if names.count(carried) != 1:
                return False
            other = names[1] if names[0] == carried else names[0]
            if other is not None and self.is_lse(other, z, axis, kept) and \
                    self.only_users(other) == [total]:
                w = other
                break
            after = self.only_users(total)
            if len(after) != 1:
                return False
            carried, total = total, after[0]
        if w is None:
            return False
        s = self.single[w].args[0].id
        e = self.single[s].args[0].id
        return self.only_users(z) == [e] and self.only_users(e) == [s] and \
            self.only_users(s) == [w]

    def regrown(self, m: str, x: str, prim: Prim, users: list[str]) -> bool:
        """``m = np.max(x, axis=1)``, ``z = x - m[:, None]`` (the axis put back where it
        was: ``None`` there and whole slices elsewhere, or ``np.expand_dims(m, 1)``), and
        ``m + log(np.sum(exp(z), axis=1))``: the log-sum-exp of rows written without
        ``keepdims``."""
        at = self.dropped(prim)
        grown = [u for u in users if at is not None and self.expanded(u, m, at)]
        if len(grown) != 1 or len(users) != 2:
            return False
        zs = self.only_users(grown[0])
        if len(zs) != 1 or not self.binop(zs[0], gast.Sub, x, grown[0]):
            return False
        assert at is not None
        return self.logsumexp(m, zs[0], at, [zs[0]] + [u for u in users if u != grown[0]],
                              kept=False)

    def expanded(self, name: str, m: str, axis: str) -> bool:
        """``name = m[:, None]`` (``None`` at ``axis``, a non-negative int, whole slices
        elsewhere) or ``np.expand_dims(m, axis)``."""
        grow = self.call(name, np.expand_dims)
        if grow is not None:
            at = grow.keywords.get("axis", grow.args[1] if len(grow.args) > 1 else None)
            return isinstance(grow.args[0], gast.Name) and grow.args[0].id == m and \
                at is not None and gast.dump(at) == axis
        v = self.single.get(name)
        if not (isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) and
                v.value.id == m and isinstance(v.slice, gast.Tuple)):
            return False
        nones = [i for i, p in enumerate(v.slice.elts)
                 if isinstance(p, gast.Constant) and p.value is None]
        whole = all(isinstance(p, gast.Slice) and p.lower is None and p.upper is None and
                    p.step is None for i, p in enumerate(v.slice.elts) if i not in nones)
        return whole and len(nones) == 1 and \
            gast.dump(gast.Constant(value=nones[0], kind=None)) == axis

    def only_users(self, name: str) -> list[str]:
        """Its readers, if every read of it is in one of these single assignments."""
        found = self.users.get(name, [])
        return found if len(found) == self.loads.get(name, 0) else []

    def call(self, name: str | None, *fns: Any) -> Prim | None:
        return self.call_value(self.single.get(name) if name else None, *fns)

    def call_value(self, value: Any, *fns: Any) -> Prim | None:
        prim = primitive(value, self.namespace, self.local) if value is not None else None
        try:
            return prim if prim is not None and prim.key in fns else None
        except TypeError:
            return None

    def binop(self, name: str, op: type, left: str, right: str | None = None) -> bool:
        v = self.single.get(name)
        return isinstance(v, gast.BinOp) and isinstance(v.op, op) and \
            isinstance(v.left, gast.Name) and v.left.id == left and \
            isinstance(v.right, gast.Name) and (right is None or v.right.id == right)

    @staticmethod
    def axis(prim: Prim) -> str | None:
        """The reduced axis, printed, of a reduction with ``keepdims=True``; ``"all"`` for
        a reduction over every axis to a number (``np.max(z)``: ``z - m`` broadcasts)."""
        keep = prim.keywords.get("keepdims")
        at = prim.keywords.get("axis", prim.args[1] if len(prim.args) > 1 else None)
        if keep is None and (at is None or isinstance(at, gast.Constant) and at.value is None):
            return "all"
        if not (isinstance(keep, gast.Constant) and keep.value is True) or at is None:
            return None
        return gast.dump(at)

    def sums(self, e: str, axis: str) -> list[str]:
        return [s for s in self.only_users(e)
                if (p := self.call(s, np.sum)) is not None and self.axis(p) == axis]

    def is_lse(self, w: str, z: str, axis: str, kept: bool = True) -> bool:
        """``w = log(s)``, ``s = np.sum(exp(z), axis=axis, keepdims=True)`` (``kept``
        False: without ``keepdims``)."""
        log = self.call(w, np.log)
        if log is None or not isinstance(log.args[0], gast.Name):
            return False
        s = log.args[0].id
        total = self.call(s, np.sum)
        e = total.args[0] if total is not None and total.args else None
        if total is None:
            return False
        summed = self.axis(total) if kept else self.dropped(total)
        return summed == axis and isinstance(e, gast.Name) and \
            self.call(e.id, np.exp) is not None and self.binop_arg(e.id, z)

    def leading(self, prim: Prim) -> str | None:
        """``"0"`` printed, for a reduction over the leading axis without ``keepdims``:
        its result broadcasts against its argument as if it had kept the axis."""
        at = self.dropped(prim)
        zero = gast.dump(gast.Constant(value=0, kind=None))
        return at if at == zero else None

    @staticmethod
    def dropped(prim: Prim) -> str | None:
        """The reduced axis, printed, of a reduction that drops it (no ``keepdims``)."""
        keep = prim.keywords.get("keepdims")
        at = prim.keywords.get("axis", prim.args[1] if len(prim.args) > 1 else None)
        if keep is not None and not (isinstance(keep, gast.Constant) and keep.value is False):
            return None
        return None if at is None else gast.dump(at)

    def squeezed(self, name: str, m: str, axis: str) -> bool:
        """``name = m[:, 0]`` (``0`` at the reduced axis, whole slices elsewhere) or
        ``np.squeeze(m, axis)``: the maximum without its kept axis."""
        v = self.single.get(name)
        squeeze = self.call(name, np.squeeze)
        if squeeze is not None:
            return len(squeeze.args) > 1 and isinstance(squeeze.args[0], gast.Name) and \
                squeeze.args[0].id == m and gast.dump(squeeze.args[1]) == axis or \
                self.dropped(squeeze) == axis and squeeze.args[0].id == m
        if not (isinstance(v, gast.Subscript) and isinstance(v.value, gast.Name) and
                v.value.id == m):
            return False
        parts = v.slice.elts if isinstance(v.slice, gast.Tuple) else [v.slice]
        zeros = [i for i, p in enumerate(parts)
                 if isinstance(p, gast.Constant) and type(p.value) is int and p.value == 0]
        whole = all(isinstance(p, gast.Slice) and p.lower is None and p.upper is None and
                    p.step is None for i, p in enumerate(parts) if i not in zeros)
        at = gast.dump(gast.Constant(value=zeros[0], kind=None)) if len(zeros) == 1 else None
        return whole and at == axis

    def binop_arg(self, e: str, z: str) -> bool:
        arg = self.single[e].args[0] if isinstance(self.single.get(e), gast.Call) else None
        return isinstance(arg, gast.Name) and arg.id == z

    def softmax_only(self, z: str, axis: str) -> bool:
        users = self.only_users(z)
        return bool(users) and all(self.exp_ok(u, z, axis) if self.call(u, np.exp)
                                   else self.binop(u, gast.Sub, z) and
                                   self.is_lse(self.single[u].right.id, z, axis)
                                   for u in users)

    def exp_ok(self, e: str, z: str, axis: str) -> bool:
        """Every use of ``e = exp(z)`` is its sum over ``axis`` or ``e / that sum``, and the
        sums are used only to divide ``e`` or in ``z - log(sum)``."""
        sums = self.sums(e, axis)
        if not sums or any(w not in sums and not self.binop(w, gast.Div, e, sums[0])
                           for w in self.only_users(e)):
            return False
        return all(self.only_users(s) for s in sums) and all(
            self.binop(w, gast.Div, e, s) or (
                self.call(w, np.log) is not None and bool(self.only_users(w)) and
                all(self.binop(r, gast.Sub, z, w) for r in self.only_users(w)))
            for s in sums for w in self.only_users(s))
