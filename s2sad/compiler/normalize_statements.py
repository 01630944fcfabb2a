"""Part of stage 3b (normalize): each kind of statement in core form, one function per
statement class (:data:`STATEMENTS`, read by :meth:`Normalizer.block
<s2sad.compiler.normalize.Normalizer.block>`); assignments, loops and calls have
modules of their own (``assignments``, ``loops``, ``calls``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import gast

from s2sad.compiler import (
    assignments,
    chosen_functions,
    in_place_calls,
    known_constants,
    operator_methods,
    scope_statements,
)
from s2sad.compiler.container_calls import popped
from s2sad.compiler.names import const, load
from s2sad.compiler.user_code import own_stores

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def stmt_other(norm: Normalizer, s: gast.stmt) -> None:
    raise norm.error(s, type(s).__name__.lower() + " statement",
                     "rewrite it with assignments, if, for and while")


def stmt_FunctionDef(norm: Normalizer, s: gast.FunctionDef) -> None:
    """A def inside the function: a function its calls inline, reading the values
    its free names have at the call (as a Python closure does)."""
    from s2sad.compiler.inlining import nested_function
    norm.local_defs[s.name] = nested_function(norm, s)


def stmt_Pass(norm: Normalizer, s: gast.Pass) -> None:
    pass


def stmt_Global(norm: Normalizer, s: gast.Global) -> None:
    pass  # (of names only read: the fence refused the others)


def stmt_Nonlocal(norm: Normalizer, s: gast.Nonlocal) -> None:
    scope_statements.nonlocal_checked(norm, s)


def stmt_Delete(norm: Normalizer, s: gast.Delete) -> None:
    """``del name`` frees memory (it changes no value: no derivative); ``del xs[i]``
    of a local list or dict is ``xs.pop(i)`` (the fence let items through alone)."""
    for t in s.targets:
        if isinstance(t, gast.Subscript) and norm.is_local(t.value):
            method = gast.Attribute(value=load(t.value.id), attr="pop", ctx=gast.Load())
            popped(norm, gast.copy_location(gast.Call(func=method, args=[t.slice],
                                                      keywords=[]), s))
        elif isinstance(t, gast.Subscript):
            raise norm.error(s, f"del {t.value.id}[...] of a value from outside the "
                             "function", "build a new list or dict without the item")


def stmt_Break(norm: Normalizer, s: gast.Break) -> None:
    norm.emit(gast.Break(), s)


def stmt_Return(norm: Normalizer, s: gast.Return) -> None:
    from s2sad.compiler.local_functions import passed_function
    made = passed_function(norm, s.value) if len(norm.inlining) > 1 else None
    value = made if made is not None else \
        norm.atom(s.value) if s.value is not None else const(None)
    norm.emit(gast.Return(value=value), s)


def stmt_Raise(norm: Normalizer, s: gast.Raise) -> None:
    norm.emit(norm.rename_names(s), s)


def stmt_Assert(norm: Normalizer, s: gast.Assert) -> None:
    norm.emit(gast.Assert(test=norm.atom(s.test), msg=s.msg), s)


def stmt_Expr(norm: Normalizer, s: gast.Expr) -> None:
    if isinstance(s.value, gast.Constant):  # a docstring
        return
    if not in_place_calls.in_place_call(norm, s):
        value = norm.expr(s.value)
        if not isinstance(value, (gast.Name, gast.Constant)):  # (a helper's result)
            norm.emit(gast.Expr(value=value), s)


def stmt_Assign(norm: Normalizer, s: gast.Assign) -> None:
    operator_methods.note_number(norm, s)
    assignments.normalize_assign(norm, s)
    chosen_functions.choice_known(norm, s)  # (g_choice = 2 of a decided branch)


def stmt_If(norm: Normalizer, s: gast.If) -> None:
    test = norm.atom(s.test)
    test = known_constants.truth(norm, test) or test  # (if in_place: of in_place=False)
    if isinstance(test, gast.Constant) and isinstance(test.value, bool):
        norm.dropped.update(own_stores(gast.Module(  # (counted before the branch
            body=s.orelse if test.value else s.body, type_ignores=[])))  # taken is read)
        norm.out += norm.block(s.body if test.value else s.orelse)  # (isinstance(o, C)
        # of a record decided: the other branch may not apply to it at all; its
        # bindings never run: ``result = C(...)`` of the branch taken is checked)
        return
    node = gast.If(test=test, body=norm.block(s.body), orelse=norm.block(s.orelse))
    norm.emit(node, s)


def stmt_While(norm: Normalizer, s: gast.While) -> None:
    norm.emit(gast.While(test=norm.atom(s.test), body=norm.block(s.body), orelse=[]), s)


def stmt_For(norm: Normalizer, s: gast.For) -> None:
    from s2sad.compiler.loops import lower_for
    lower_for(norm, s)


# statement class -> its function (a class not listed: ``stmt_other``, refused)
STATEMENTS = {getattr(gast, name[len("stmt_"):]): fn for name, fn in list(globals().items())
              if name.startswith("stmt_") and name != "stmt_other"}
