"""Part of stage 3b (normalize): what a call tells the compiler about its arguments beyond
their kinds (:class:`Known`): a bound method's class, the functions, objects of the
user's classes and the user's objects passed for parameters, and the string literals a
function indexes with, read as the strings the call gives (:func:`keys_given`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gast

from s2sad.compiler.names import const
from s2sad.compiler.walks import walk


@dataclass(frozen=True)
class Instance:
    """In ``Known.callables``: the parameter is given an object of the user's class
    ``cls`` (``model.loss(w)`` is inlined from the class, ``model`` passed as self)."""

    cls: type


@dataclass(frozen=True, eq=False)
class Held:
    """In ``Known.callables``: the parameter is given the user's object ``obj``, read
    as a global object is (``model.act(x)``, ``for layer in model.layers``): a
    derivative made for this object (equal only to itself)."""

    obj: Any


@dataclass(frozen=True)
class Known:
    """What a call tells the compiler beyond the kinds of its arguments: the class of a
    bound method's instance (``self.other(x)`` is inlined from it), and the functions
    passed for parameters (``def f(x, act=np.tanh)``: ``act(x)`` is a call of that)."""

    owner: type | None = None
    callables: tuple = ()  # (parameter name, function)
    aux: bool = False  # the function returns (output, aux): aux is passed back as it is
    sequences: tuple = ()  # parameters given a list or tuple (their + concatenates)
    integers: tuple = ()  # parameters given an integer or bool NumPy array (it rounds)
    indices: tuple = ()  # those given an integer one (as an index: one item per entry)


def keys_given(node: gast.FunctionDef, given: dict[str, str]) -> set[str]:
    """A string parameter the function indexes with (``ACTS[act]``), never bound again,
    read as the string this call gives it (the derivative is made per string): the
    item it picks is known, and a test of it (``act == "relu"``) decided.  Not where a
    def, lambda or comprehension inside binds the name again."""
    if not given:  # (most calls: no walk)
        return set()
    bound = {n.id for s in node.body for n in walk(s) if isinstance(n, gast.Name) and
             not isinstance(n.ctx, gast.Load)}
    given = {k: v for k, v in given.items() if k not in bound}
    if not given:
        return set()
    for n in walk(node):
        for field, child in gast.iter_fields(n):
            if isinstance(child, gast.Name) and child.id in given and \
                    isinstance(child.ctx, gast.Load):
                setattr(n, field, gast.copy_location(const(given[child.id]), child))
            elif isinstance(child, list):
                child[:] = [gast.copy_location(const(given[c.id]), c)
                            if isinstance(c, gast.Name) and c.id in given and
                            isinstance(c.ctx, gast.Load) else c for c in child]
    return set(given)
