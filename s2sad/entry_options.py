"""What the entry points' options mean, apart from :mod:`api`, which builds and calls
the derivatives: ``wrt`` in JAX's spelling (``argnums``) or autograd's (``argnum``), and
``checkpoint=`` naming loops of a function by their line.  :mod:`jacobians` reads them
too."""
from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any


def positions(wrt: Any, argnums: Any, argnum: Any) -> Any:
    """``wrt``, or JAX's spelling of it (``argnums``), or autograd's (``argnum``)."""
    return argnums if argnums is not None else argnum if argnum is not None else wrt


def with_checkpoints(f: Callable, checkpoint: dict) -> Callable:
    """A copy of ``f`` (same code, globals and closure) carrying the loops to checkpoint:
    derivatives of ``f`` itself are not changed."""
    from s2sad.compiler.checkpoint import requested
    if not isinstance(f, types.FunctionType):
        raise TypeError("checkpoint= names loops of a Python function (def)")
    copy = types.FunctionType(f.__code__, f.__globals__, f.__name__, f.__defaults__,
                              f.__closure__)
    copy.__kwdefaults__, copy.__qualname__ = f.__kwdefaults__, f.__qualname__
    copy.s2sad_checkpoint = requested(checkpoint)  # type: ignore[attr-defined]
    return copy
