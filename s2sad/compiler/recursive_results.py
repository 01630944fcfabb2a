"""The shape of a recursive call's value, for the shape facts (:mod:`dims`).

In the derivative of a recursive function ``f``, a recursive call ``f(...)`` is a taped
call whose value is read by ``taped_value`` (:mod:`s2sad.recursion_tape`); nothing about
the call says what that value is, so every helper its adjoint meets stayed generic
(``unbroadcast``, ``matmul_lhs_adjoint``, ``unconcat`` ...).  But where the call passes
each parameter of ``f`` a value of the shape the derivative is made for (``W`` passed on
as it is, an int for an int), the call returns what ``f``'s own result is here: the
value's shape is the shape of the derivative's output.

The shape solver's fixpoint makes that an induction over the depth of the recursion: it
first assumes what the definitions known so far give (the base case's shape, ``return
leaves[lo]``), then checks, sure, that every definition agrees with it (the recursive
case's ``np.tanh(W @ np.concatenate((left, right)) + b)`` built from two such values).
Where they disagree, or an argument has another shape (``f(x[:h])``, a shorter vector),
the value stays unknown and the generic helpers stay: never a guess.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import gast

from s2sad.compiler.names import load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.shape_rules import Items
from s2sad.compiler.tree_copies import clone

_ACTIVE = "s2sad_active"  # the keyword the reverse stage passes a taped call (not f's)


@dataclass(frozen=True)
class Recursion:
    """The function a derivative is made of, its parameters in the order calls bind
    them, and the expression of the derivative's body holding its result."""

    fn: Callable
    params: tuple[str, ...]
    value: gast.expr

    def bound(self, call: gast.Call) -> dict[str, gast.expr] | None:
        """Each parameter's argument in ``call``; None unless the call names every one
        (no ``*args``, no default taken)."""
        if any(isinstance(a, gast.Starred) for a in call.args) or \
                len(call.args) > len(self.params):
            return None
        found = dict(zip(self.params, call.args))
        for k in call.keywords:
            if k.arg == _ACTIVE:
                continue
            if k.arg is None or k.arg not in self.params or k.arg in found:
                return None
            found[k.arg] = k.value
        return found if len(found) == len(self.params) else None


def of_function(fn: Callable, value: gast.expr, namespace: dict) -> Recursion | None:
    """The record for a derivative of ``fn`` whose body holds ``fn``'s result in
    ``value`` (``namespace``: the body's); None where the body makes no taped call of
    ``fn``, or ``fn`` takes ``*args`` or ``**kwargs`` (a call's arguments are not
    matched to its parameters one by one)."""
    from s2sad.recursion_tape import taped_function
    if not any(taped_function(v) is fn for v in namespace.values()):
        return None
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in params):
        return None
    return Recursion(fn, tuple(p.name for p in params), clone(value))


def result_shape(facts: Any, taped: gast.expr) -> Any:
    """The shape of ``taped_value(taped)`` (``facts``: the :class:`dims.Facts` being
    solved, whose ``recursion`` is set), or None: unknown."""
    from s2sad.recursion_tape import taped_function
    record: Recursion = facts.recursion
    if not isinstance(taped, gast.Name) or len(facts.defs.get(taped.id, ())) != 1:
        return None
    call = facts.defs[taped.id][0]
    if not isinstance(call, gast.Call) or \
            taped_function(evaluate_ref(call.func, facts.namespace)) is not record.fn:
        return None
    args = record.bound(call)
    if args is None or not all(_passed_alike(facts, p, a) for p, a in args.items()):
        return None
    return facts.of(record.value)


def _passed_alike(facts: Any, param: str, arg: gast.expr) -> bool:
    """Does ``arg`` have the shape of ``param`` (and a length of it, a number, the same
    length the facts know of ``param``: none, almost always)?"""
    from s2sad.compiler.dims import same
    mine, given = facts.of(load(param)), facts.of(arg)
    if isinstance(mine, tuple):
        return same(mine, given) and (mine != () or facts.sizes.get(param) is None or
                                      facts.sizes.get(param) == facts.size(arg))
    return mine is not None and mine == given


def cotangent_shapes(e: gast.Call, args: list) -> Any:
    """The cotangents a reverse rule of shape kind ``"cotangents"`` returns (``args``:
    its arguments' shapes): shaped like the arguments flagged active (``rule(g, ans,
    *args, s2sad_active=flags)``), the others unknown (None, not read)."""
    flags = active_flags(e, len(args) - 2)
    return None if flags is None else \
        Items(tuple(s if on else None for s, on in zip(args[2:], flags)))


def active_flags(e: gast.Call, n: int) -> list[bool] | None:
    """The ``s2sad_active`` flags of a call of a reverse rule for ``n`` arguments."""
    flags = next((k.value for k in e.keywords if k.arg == _ACTIVE), None)
    if not isinstance(flags, gast.Tuple) or len(flags.elts) != n or \
            not all(isinstance(f, gast.Constant) for f in flags.elts):
        return None
    return [f.value is True for f in flags.elts]
