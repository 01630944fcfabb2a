"""The fast path of a derivative called again and again (a gradient in a loop): a
subclass per derivative whose ``__call__`` checks the argument types (and array shapes)
inline and calls the generated function directly, with no dispatch."""
from __future__ import annotations

from collections.abc import Callable
from types import MethodType
from typing import TYPE_CHECKING, Any

import numpy as np

from s2sad.call_kinds import concrete
from s2sad.compiler import resolved
from s2sad.rules import registry

if TYPE_CHECKING:
    from typing import Protocol

    from s2sad.compiler.generated import Generated

    class _Refresh(Protocol):
        """A generated function's ``s2sad_refresh`` (``loader._refresher``)."""

        state: tuple[list[str], dict[str, Any], dict[str, Any]]
        made_from: list[tuple]

        def __call__(self) -> None: ...


MISSING = object()


def fast_class(base: type, types: tuple, shapes: tuple, gen: Generated,
               floats: frozenset = frozenset(), held: dict | None = None,
               outer: tuple = (), one: bool = False, dtypes: tuple = ()) -> type:
    """A subclass of ``base`` (:class:`~s2sad.api.Derivative`) whose ``__call__`` checks
    the argument types (and array shapes and dtypes: an integer array for a float32
    one is refused, not differentiated) inline and calls the checked gradient directly:
    a gradient in a loop pays no dispatch; an error it raises is raised again by the
    dispatch, which names the user's line.  (Python looks ``__call__`` up on the class,
    hence one small class per derivative.)  ``one``: the gradient is returned in a
    1-tuple (``wrt=(0,)``)."""
    fn = gen.fn
    names, namespace, user = refresh_of(fn).state
    params = [f"a{i}" for i in range(len(types))]
    held = held or {}
    test = " and ".join(f"type({p}) is t{i}" + ("" if r is None else f" and {p}.shape == s{i}")
                        + (f" and {p}.dtype is F64" if i in floats else "" if r is None
                           else f" and {p}.dtype == dt{i}")
                        + (f" and concrete(({p},)) == c{i}" if i in held else "")
                        for i, (p, r) in enumerate(zip(params, shapes)))
    for j, (k, a) in enumerate(outer):  # (the module's arrays the code was made for)
        test += f" and type(user.get({k!r})) is ndarray and user[{k!r}].shape == o{j}" + \
            f" and user[{k!r}].dtype == d{j}" if type(a) is np.ndarray else \
            f" and type(user.get({k!r})) is not ndarray"
    made_from = refresh_of(fn).made_from  # (the functions it was made from: still there)
    plain = [e for e in made_from if e[0][0][0] == "global" and not e[0][1] and
             e[2] in ("is", "type") and not isinstance(resolved.walk(e[0]), MethodType)]
    for j, ((start, _), _, how) in enumerate(plain):
        now = f"w{j}.get({start[2]!r})"
        test += f" and {'type(' + now + ')' if how == 'type' else now} is r{j}"
    others = [e for e in made_from if e not in plain]
    test += " and current(others)" if others else ""
    refresh = "".join(f"        ns[{k!r}] = user.get({k!r}, ns[{k!r}])\n" for k in names)
    args = ", ".join(params)
    source = (f"def __call__(self, {', '.join(p + '=M' for p in params)}, *more, **kw):\n"
              f"    if {test} and not more and not kw and self._rules == gen[0]:\n"
              f"{refresh}        self._last = last\n"
              f"        try:\n"
              f"            return {f'(fn({args}),)' if one else f'fn({args})'}\n"
              f"        except Exception:\n"
              f"            pass  # (again by the dispatch, which places the error)\n"
              f"    return self._dispatch(({args},), more, kw)\n")
    scope = {"fn": fn, "ns": namespace, "user": user, "gen": registry.GENERATION, "M": MISSING,
             "last": gen, "F64": np.dtype(np.float64),
             **{f"t{i}": t for i, t in enumerate(types)},
             **{f"s{i}": s for i, s in enumerate(shapes)},
             **{f"dt{i}": d for i, d in enumerate(dtypes)},
             **{f"c{i}": c for i, c in held.items()}, "concrete": concrete,
             **{f"w{j}": e[0][0][1] for j, e in enumerate(plain)},
             **{f"r{j}": e[1] for j, e in enumerate(plain)},
             "others": others, "current": resolved.current,
             "ndarray": np.ndarray, **{f"o{j}": getattr(a, "shape", None)
                                       for j, (_, a) in enumerate(outer)},
             **{f"d{j}": getattr(a, "dtype", None) for j, (_, a) in enumerate(outer)}}
    exec(source, scope)  # (our own two-branch dispatcher)
    return type(base.__name__, (base,), {"__call__": scope["__call__"],
                                         "__module__": base.__module__})


def refresh_of(fn: Callable) -> _Refresh:
    """The refresher ``loader.load`` set on a generated function (``Generated.fn``)."""
    return fn.s2sad_refresh  # type: ignore[attr-defined]  # (set by loader.load)
