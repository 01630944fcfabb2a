"""Recursive calls taped: a recursive call ``f(x)`` in a function being differentiated
is ``f_taped = f(x); value = taped_value(f_taped)``, where ``f_taped`` holds the call's
value and its tape (:class:`Taped`).  The adjoint and tangent of ``f_taped`` are those
of its value: ``taped_value`` passes them through.

Called by a reverse sweep's forward part (which says which arguments are active,
``s2sad_active``), the call runs the VJP of ``f`` split at its seed
(:mod:`s2sad.compiler.taped_split`): the forward sweep of this level, whose own
recursive calls tape the levels below, then a pause holding the frame.  The call's
reverse rule sends the cotangent into that frame, which runs this level's reverse sweep
(and, through its adjoint statements, the tapes below).  Each level runs forward once
and backward once: a hand-written gradient of a recursion, recording one tape per call.

Anywhere else (forward mode, a value only, a call whose VJP could not be split) the
call runs ``f`` as written and keeps no tape; its rules are then the recursive call's
(:mod:`s2sad.recursion`: ``f``'s derivative made again at run time, per level).
"""
from __future__ import annotations

from collections.abc import Callable
from types import FunctionType, GeneratorType
from typing import Any

import numpy as np

from s2sad import recursion
from s2sad.compiler.self_calls import Own
from s2sad.rules import registry
from s2sad.rules.facts import defshape
from s2sad.runtime import cast_like, fresh, user_cotangents, zeros_like

_TAPED: dict[Callable, Callable] = {}  # a recursive function -> its taped call


class Taped:
    """What a taped call returns: its value, the paused VJP (None when untaped) yielding
    one cotangent per parameter, the positions the caller reads that have none (numbers
    that are not floats: zero), the call (its reverse rule, arguments, active flags)
    for :meth:`send`, and whether the VJP yields gradients its rule casts
    (:mod:`s2sad.compiler.split_sends`)."""

    __slots__ = ("value", "tape", "zeros", "call", "uncast")

    def __init__(self, value: Any, tape: GeneratorType | None = None, zeros: tuple = (),
                 call: tuple = (), uncast: bool = False) -> None:
        self.value, self.tape, self.zeros, self.call = value, tape, zeros, call
        self.uncast = uncast

    def __next__(self) -> Any:
        """The value, as a split calling itself reads its calls' values (``next``; a call
        its guard sent here, :mod:`s2sad.compiler.self_calls`)."""
        return self.value

    def send(self, g: Any) -> tuple:
        """The cotangents of the call's arguments for the value's cotangent ``g``, copies
        the caller owns (a split calling itself takes over what its own calls hand back:
        :mod:`s2sad.compiler.split_takes`)."""
        rule, args, active = self.call
        return tuple(map(fresh, rule(g, self, *args, s2sad_active=active)))


def taped_value(taped: Taped) -> Any:
    """The value of a taped call (its adjoint and tangent: the value's, unchanged)."""
    return taped.value


def taped_call(fn: Callable) -> Callable:
    """The primitive a recursive call of ``fn`` becomes, returning a :class:`Taped`."""
    call = _TAPED.get(fn)
    if call is None:
        call = _TAPED[fn] = _made(fn)
    if recursion.register(call):  # (registered again where the tables were reset)
        registry.VJPS[taped_value] = registry.Rule(_READ, ("g",))
        registry.JVPS[taped_value] = registry.Rule(_READ, ("dtaped",))
    return call


def taped_function(call: Any) -> Callable | None:
    """The recursive function ``call`` is the taped call of, or None (any object: only
    a plain function is asked for an attribute, never a user's object)."""
    if type(call) is not FunctionType:
        return None
    splits = getattr(call, "s2sad_splits", None)
    return splits.fn if isinstance(splits, _Splits) else None


_READ = registry.Signature.parse("taped")
_NUMBER_NAMES = {bool: "bool", int: "int", float: "float", complex: "complex",
                 np.float64: "np.float64", np.int64: "np.int64"}  # (as generated code names them)
_NUMBERS = frozenset(_NUMBER_NAMES)


def _made(fn: Callable) -> Callable:
    splits = _Splits(fn)

    def call(*args: Any, s2sad_active: tuple | None = None, **kwargs: Any) -> Taped:
        if s2sad_active is None or kwargs:
            return Taped(fn(*args, **kwargs))
        key = (s2sad_active, *[(a.shape, a.dtype) if type(a) is np.ndarray else type(a)
                               if type(a) in _NUMBERS else _kind(a) for a in args])
        found = splits.splits.get(key) or splits.made(key, s2sad_active, args)
        split = found[0]
        if split is None:
            return Taped(fn(*args), None, (), (rule, args, s2sad_active))
        if not splits.depth:  # (the outermost call: the user's globals as they are now,
            split.s2sad_refresh()  # for every level below)
        tape = split(*args)
        splits.depth += 1
        try:
            return Taped(next(tape), tape, found[2], (rule, args, s2sad_active), found[4])
        except RecursionError:
            raise recursion._too_deep(fn) from None
        finally:
            splits.depth -= 1
    call.__name__ = call.__qualname__ = getattr(fn, "__name__", "f")
    call.s2sad_splits = splits  # type: ignore[attr-defined]
    call.s2sad_tapes = True  # type: ignore[attr-defined]  # (the reverse stage passes it
    # s2sad_active: reverse.py)
    rule = _reverse_rule(fn)
    call.s2sad_rules = (rule, _forward_rule(fn),  # type: ignore[attr-defined]
                        _second_order_rule(fn))
    return call


def _reverse_rule(fn: Callable) -> Callable:
    """``rule(g, taped, *args)``: the tape replayed for the value's cotangent ``g``."""
    untaped = recursion.reverse_rule(fn)

    def rule(g: Any, taped: Taped, *args: Any, s2sad_active: tuple | None = None,
             **kwargs: Any) -> tuple:
        tape = taped.tape
        if tape is None or tape.gi_running:  # (untaped, or replayed already)
            out = list(untaped(g, taped.value, *args, s2sad_active=s2sad_active, **kwargs))
            return user_cotangents(out, args, s2sad_active)
        taped.tape = None  # (replayed once: a second rule call makes the derivative again)
        try:  # (here, not in a helper: two Python frames per level of the recursion)
            grads = tape.send(g)
        except RecursionError:
            raise recursion._too_deep(fn) from None
        if grads is None:  # (every gradient zero: split_sends)
            wrt = recursion._positions(args, s2sad_active)
            out = [cast_like(None, a) if i in wrt else None for i, a in enumerate(args)]
        elif taped.uncast:  # (the split adds its own calls' cotangents as they are: cast
            out = [None if d is None else cast_like(d, a) for d, a in zip(grads, args)]
        elif not taped.zeros and len(grads) == len(args):  # (one per parameter, None for
            return grads  # those not differentiated: split_source)
        else:
            out = list(grads[:len(args)])
        for i in taped.zeros:  # (read by the caller, not differentiable here: an int)
            out[i] = zeros_like(args[i])
        return tuple(out)
    rule.s2sad_wants_active = True  # type: ignore[attr-defined]
    rule.s2sad_function = fn  # type: ignore[attr-defined]  # (reverse over reverse)
    defshape(rule, "cotangents")  # (the split's grads are cast like the arguments)
    rule.s2sad_complete = True  # type: ignore[attr-defined]  # (one cotangent per argument,
    # zeros for those the caller reads: no user_cotangents around the call)
    rule.__name__ = f"{getattr(fn, '__name__', 'f')}_vjp"
    return rule


def _forward_rule(fn: Callable) -> Callable:
    """The tangent of a taped call: its value's."""
    untaped = recursion.forward_rule(fn)

    def rule(tangents: tuple, taped: Taped, *args: Any, s2sad_active: tuple | None = None,
             **kwargs: Any) -> Any:
        return untaped(tangents, taped.value, *args, **kwargs)
    rule.__name__ = f"{getattr(fn, '__name__', 'f')}_jvp"
    return rule


def _second_order_rule(fn: Callable) -> Callable:
    """The reverse rule's forward rule (a Hessian): the recursive call's, on the value
    (the tape is not read)."""
    untaped = recursion.second_order_rule(fn)

    def rule(tangents: tuple, out: Any, g: Any, taped: Taped, *args: Any,
             s2sad_active: tuple | None = None) -> tuple:
        return untaped(tangents, out, g, taped.value, *args, s2sad_active=s2sad_active)
    rule.__name__ = f"{getattr(fn, '__name__', 'f')}_vjp_jvp"
    return rule


class _Splits:
    """``fn``'s VJP, split at its seed, per active positions and argument kinds."""

    def __init__(self, fn: Callable) -> None:
        self.fn = fn
        self.derivatives: dict[tuple, Any] = {}
        self.splits: dict[tuple, tuple] = {}  # key -> (split or None, positions, zeros,
        # objects its key holds by id: kept alive)
        self.depth = 0  # taped calls of fn running their forward sweeps

    def made(self, key: tuple, active: tuple, args: tuple) -> tuple:
        """(the split VJP or None, the positions it differentiates, those read with a
        zero cotangent, objects the key holds by id, whether it yields gradients uncast)
        for these arguments and the flags of those the caller's reverse sweep reads;
        kept under ``key``."""
        positions = recursion._positions(args, active)
        zeros = tuple(i for i, on in enumerate(active) if on and i not in positions)
        split = self._split(positions, args, None if zeros else key) if positions else None
        found = (split, positions, zeros, [a for a in args if not isinstance(
            a, (np.ndarray, bool, int, float, complex, np.number))],
            getattr(split, "s2sad_uncast", False))
        if len(self.splits) < 256:
            self.splits[key] = found
        return found

    def _split(self, positions: tuple, args: tuple, key: tuple | None) -> Callable | None:
        """The split VJP for these arguments, calling itself where its recursive calls
        would choose it again (``key``: the one it is made for; None: never)."""
        from s2sad.api import vjp
        from s2sad.compiler import loader, split_leaves, split_sends
        from s2sad.compiler.taped_split import split_source
        from s2sad.derivative_calls import _seed_name
        derivative = self.derivatives.get(positions)
        if derivative is None:
            derivative = self.derivatives[positions] = vjp(self.fn, wrt=positions)
        gen = derivative._for(args)
        guarded = getattr(gen.fn, "s2sad_guarded", None)
        if guarded is not None:  # (unguarded, it falls back by running again: taped once)
            gen = guarded()
        namespace = gen.fn.__globals__
        name = fresh_name(namespace, gen.name + "_taped")
        own = None if key is None else self._own(name, namespace, key)
        text = split_source(gen.source, gen.name, _seed_name(gen), positions, own)
        if text is None:
            return None
        uncast = False
        if own is not None:
            text, uncast = split_sends.settle(text, own, namespace)
            text = split_leaves.inline_base_case(text, own)
        split = loader.load(text, name, namespace, getattr(self.fn, "__globals__", None) or {})
        split.s2sad_uncast = uncast  # type: ignore[attr-defined]
        return split

    def _own(self, name: str, namespace: dict, key: tuple) -> Own:
        """What the split ``name`` for ``key`` may call itself for (:mod:`self_calls`)."""
        call = _TAPED[self.fn]

        def named(obj: Any) -> frozenset[str]:
            return frozenset(k for k, v in namespace.items() if v is obj)
        numbers = tuple(_NUMBER_NAMES.get(kind) if isinstance(kind, type) else None
                        for kind in key[1:])
        if namespace.get("np") is not np:  # (np.float64 named otherwise: not guarded)
            numbers = tuple(n if n and "." not in n else None for n in numbers)
        arrays = tuple(kind[1].name if type(kind) is tuple and len(kind) == 2 and
                       isinstance(kind[1], np.dtype) else None for kind in key[1:])
        return Own(name, named(call), named(call.s2sad_rules[0]),  # type: ignore[attr-defined]
                   named(taped_value), key[0], numbers, arrays)


def fresh_name(namespace: dict, name: str) -> str:
    """``name``, or ``name_2``, ``name_3``, ... the first one ``namespace`` does not bind
    (each split of a derivative calls itself by its own name)."""
    found, k = name, 1
    while found in namespace:
        k += 1
        found = f"{name}_{k}"
    return found


def _kind(a: Any) -> Any:
    """What the derivative is specialised to in an argument: a number's type, an array's
    type, shape and dtype, a container's items in turn, any other object itself (a
    function passed on is inlined by identity)."""
    if isinstance(a, (bool, int, float, complex, np.number)):
        return type(a)
    if type(a) is np.ndarray:
        return (np.ndarray, a.shape, a.dtype)
    if isinstance(a, (list, tuple)):
        return (type(a), *map(_kind, a))
    if isinstance(a, dict):
        return (dict, *((k, _kind(v)) for k, v in a.items()))
    shape = getattr(a, "shape", None)
    if shape is not None and hasattr(a, "dtype"):
        return (type(a), tuple(shape), str(a.dtype))
    return a if a is None or isinstance(a, str) else (type(a), id(a))  # (kept alive:
    # the entry holds the arguments, so no other object takes the id)
