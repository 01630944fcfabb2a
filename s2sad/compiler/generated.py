"""Stage 9, the result: a derivative's final statements printed (:mod:`render`) and
compiled (:mod:`loader`) into :class:`Generated`, the callable with its source."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import gast

from s2sad.compiler import checkpoint, inner_tapes, loader, render


@dataclass
class Generated:
    """A generated derivative: the callable, its source, and its name."""

    fn: Callable
    source: str
    name: str
    tree: list | None = None  # the final statements, when kept (see ``pipeline.emit``)
    ported: dict = field(default_factory=dict)  # array library -> its variant (``portable``)
    unguarded: bool = False  # NaN guards dropped unproved (``s2sad.fallback`` wraps it)
    numbers: frozenset = frozenset()  # names the late passes found to hold numbers (kept)
    made_for: Any = None  # the function it was made for (its closure's cells it reads)


def loaded(name: str, args: gast.arguments, body: list, namespace: dict[str, Any],
           user_globals: dict[str, Any] | None) -> Generated:
    """The function printed and compiled; the source shown with it also holds the
    functions made for its checkpointed loops."""
    text = render.function_source(function(name, args, body), owned=True)
    fn: Any = loader.load(text, name, namespace, user_globals)
    fn.s2sad_tape = inner_tapes.order(body)  # (its pops read back by a second derivative)
    return Generated(fn, text + checkpoint.shown(text, namespace), name)


def printed(name: str, args: gast.arguments, body: list) -> Generated:
    """The function printed only (``s2sad show`` of a stage before the last)."""
    return Generated(_printed_only, render.function_source(function(name, args, body)), name)


def function(name: str, args: gast.arguments, body: list) -> gast.FunctionDef:
    return gast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None,
                            type_comment=None, type_params=[])


def _printed_only(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a derivative generated up to one pass is for printing only")
