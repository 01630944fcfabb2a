"""What a call's arguments say about the variant a :class:`s2sad.api.Derivative` runs:
the kinds it is generated for (numbers, arrays by rank, float64 arrays, containers,
functions passed), the key it is kept under, and whether they prove the output a real
number (then grad's first call has no output to check)."""
from __future__ import annotations

import ast
import inspect
import textwrap
from types import ModuleType
from typing import Any

import numpy as np

from s2sad import structure
from s2sad.call_checks import is_function, surely_real
from s2sad.call_kinds import float_arrays, foreign_array, kinds_of
from s2sad.compiler import pipeline
from s2sad.compiler.known_arguments import Held, Instance, Known
from s2sad.compiler.user_code import is_user_object
from s2sad.outer_data import closure_family, global_arrays
from s2sad.rules import registry

_NUMBER_OUTPUT: dict = {}  # (function family, kinds) -> does the output prove a number


def forget() -> None:
    """Drop what was worked out of the functions (one of them changed)."""
    _NUMBER_OUTPUT.clear()


class CallKinds:
    """Mixed into ``Derivative``: its function, ``wrt`` and options are read here."""

    fn: Any
    wrt: Any
    kind: str
    nested: bool
    has_aux: bool
    holomorphic: bool
    _owner: type | None
    _by_object: bool  # objects of the user's classes passed: made per object, not class

    def _kinds(self, values: tuple, foreign: Any) -> tuple[tuple, tuple]:
        """(the variant's key, what it is generated for: the arguments of ``generated``
        after ``check``) for a call with ``values``."""
        outer = global_arrays(self.fn)
        scalars, ranks = kinds_of(values, outer)
        callables = self._callables(values)
        floats = float_arrays(values, outer) if foreign is None else frozenset()
        ints = tuple(i for i, v in enumerate(values)
                     if type(v) is np.ndarray and v.dtype.kind in "biu")
        indices = tuple(i for i in ints if values[i].dtype.kind != "b")
        structured = frozenset(i for i in self.wrt if structure.is_structured(values[i]))
        optimistic = foreign is None and not self.nested
        return (tuple(map(type, values)), ranks, callables, floats, ints, indices), (
            structured, scalars, ranks, callables, floats, optimistic,
            self._sequences(values), self._named(ints), self._named(indices))

    def _number_output(self, values: tuple) -> bool:
        """Do the kinds of ``values`` prove the output a real number (grad's first call
        then runs the grad variant at once, with no output to check)?"""
        if self.kind != "grad" or self.has_aux or self.nested or \
                foreign_array(values) is not None or \
                not (self.holomorphic or all(map(surely_real, values))):
            return False
        structured, scalars, ranks, callables, _, _, sequences, integers, indices = \
            self._kinds(values, None)[1]
        known = self._known(callables, sequences, integers, indices)
        key = (closure_family(self.fn), getattr(self.fn, "__code__", None), self.wrt,
               structured, scalars, ranks, known, registry.GENERATION[0])
        if key not in _NUMBER_OUTPUT:  # (a function made anew per step: its family's)
            if len(_NUMBER_OUTPUT) > 256:
                _NUMBER_OUTPUT.clear()
            _NUMBER_OUTPUT[key] = pipeline.returns_number(self.fn, self.wrt, structured,
                                                          scalars, ranks, known)
        return _NUMBER_OUTPUT[key]

    def _known(self, callables: tuple, sequences: tuple, integers: tuple,
               indices: tuple = ()) -> Known | None:
        """What the call says beyond the kinds of its arguments, if anything."""
        return Known(self._owner, callables, self.has_aux, sequences, integers, indices) \
            if self._owner or callables or self.has_aux or sequences or integers else None

    def _sequences(self, values: tuple) -> tuple:
        """The parameters given a list or tuple (the variant's key has the types)."""
        if not any(type(v) in (list, tuple) for v in values):
            return ()
        names = list(inspect.signature(self.fn).parameters)
        return tuple(names[i] for i, v in enumerate(values)
                     if type(v) in (list, tuple) and i < len(names))

    def _named(self, positions: tuple) -> tuple:
        """The names of the parameters at ``positions``."""
        if not positions:
            return ()
        names = list(inspect.signature(self.fn).parameters)
        return tuple(names[i] for i in positions if i < len(names))

    def _callables(self, values: tuple) -> tuple:
        """(parameter, function) of the functions (and modules: ``def f(x, xp=np)``) passed
        for parameters not in ``wrt``: the derivative is made for each (``act(x)`` is a
        call of the one passed, ``xp.sum(x)`` of the module's function); and
        (parameter, Instance(class)) of the objects of the user's classes passed
        (``model.loss(w)`` is inlined from the class: made for each class), or, not
        differentiated, Held(object) where the code needs the object itself; and
        (parameter, string) of a string the function indexes with (``ACTS[act]``: the
        function it picks known, as a global's is)."""
        if not any(callable(v) or _instance(v) or isinstance(v, ModuleType) or
                   type(v) is str for v in values):
            return ()
        names = list(inspect.signature(self.fn).parameters)
        keys = keying_parameters(self.fn) if str in map(type, values) else frozenset()
        out = []
        for i, v in enumerate(values[:len(names)]):
            if i not in self.wrt and (is_function(v) or isinstance(v, ModuleType) or
                                      type(v) is str and names[i] in keys):
                out.append((names[i], v))
            elif _instance(v):
                held = i not in self.wrt and (self._by_object or _shadows(v))
                out.append((names[i], Held(v) if held else Instance(type(v))))
        return tuple(out)


_KEYING: dict = {}  # code object -> the parameters it indexes with


def keying_parameters(fn: Any) -> frozenset[str]:
    """The parameters ``fn`` reads as a subscript's index (``ACTS[act]``), worked out once
    per code object (an empty set where its source is not at hand)."""
    code = getattr(fn, "__code__", None)
    if code not in _KEYING:
        try:
            tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
        except (OSError, TypeError, SyntaxError):
            tree = ast.Module(body=[], type_ignores=[])
        params = set(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]) \
            if code is not None else set()
        _KEYING[code] = frozenset(n.slice.id for n in ast.walk(tree)
                                  if isinstance(n, ast.Subscript) and
                                  isinstance(n.slice, ast.Name) and n.slice.id in params)
    return _KEYING[code]


_PLAIN = frozenset({float, int, bool, complex, str, list, tuple, dict, type(None), np.ndarray,
                    np.float64})


def _instance(v: Any) -> bool:
    """An object of one of the user's classes (not a function, array or container)."""
    return type(v) not in _PLAIN and not is_function(v) and is_user_object(v) and \
        not any(hasattr(v, a) for a in _ARRAYS)  # (a Dask, JAX or torch array: an array)


_ARRAYS = ("__array_namespace__", "__array__", "__array_function__", "__dlpack__")


def objects_passed(args: tuple, kwargs: dict) -> bool:
    """Is an object of one of the user's classes among the arguments?"""
    return any(map(_instance, args)) or any(map(_instance, kwargs.values()))


_METHOD_NAMES: dict[type, frozenset] = {}


def _shadows(v: Any) -> bool:
    """Does the object hold an attribute of the name of one of its class's functions
    (``self.loss = ...`` over ``def loss``)?  Then what the class says is not what
    ``v.loss`` is: the derivative is made for the object itself."""
    own = getattr(v, "__dict__", None)
    if not own:
        return False
    cls = type(v)
    if cls not in _METHOD_NAMES:
        _METHOD_NAMES[cls] = frozenset(k for k in dir(cls) if inspect.isfunction(
            inspect.getattr_static(cls, k, None)))
    return not _METHOD_NAMES[cls].isdisjoint(own)
