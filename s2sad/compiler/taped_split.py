"""A generated VJP split at its seed: the forward sweep, then ``yield`` of the value,
then the reverse sweep for the cotangent sent back (a generator).

A recursive call differentiated by calling the function's VJP again (one level down)
runs the levels below it forward once more for each level above (:mod:`s2sad.recursion`).
Split, the VJP of one level is the tape of that level: its suspended frame holds what
the reverse sweep reads, and the recursive calls inside its forward sweep hold the
frames of the levels below.  The reverse sweep of the whole recursion then replays the
frames once each, as a hand-written gradient of a recursion keeps one record per call.

The split is made on the VJP's final source (as :mod:`portable` makes its variants):
``vjp_f(x, *, dout) -> (value, grads)`` becomes ``vjp_f_taped(x)`` that yields ``value``
just before the first top-level statement reading ``dout`` (``dout = yield value``) and
yields ``grads`` at the end (a second ``yield``, not a ``return``: sent its cotangent,
the generator hands the gradients back with no ``StopIteration`` to catch).  Statements
of the forward sweep a late pass moved below that point still run before the reverse
sweep reads them, in the same frame: the order of the function is kept, only paused.
No split (None) where that pause could change what the caller sees: the value read by
a statement after the pause, or an array bound before the pause written in place after
it (a reverse sweep restoring an array it overwrote, so the value handed out earlier
would change under the caller), unless it was bound to new zeros and not read before
the pause (an adjoint made before a reversed loop, then added into).
"""
from __future__ import annotations

import ast
from typing import Any

from s2sad.compiler import self_calls
from s2sad.compiler.self_calls import Own

_IN_PLACE = frozenset({"write_at", "add_at", "clear_at", "add_flat", "put_at"})
_ZEROS = frozenset({"zeros_like", "zeros", "floats_zeros"})  # (calls making new zeros)


def split_source(source: str, name: str, seed: str, positions: tuple[int, ...] = (),
                 own: Own | None = None) -> str | None:
    """The generator ``name + "_taped"`` (or ``own.name``, calling itself where its
    recursive calls would choose it again: :mod:`self_calls`) made from the VJP ``name``
    in ``source`` (its lines and comments kept), or None; ``positions``: the parameters
    the VJP returns gradients for, when it yields one per parameter (None for the
    others: the cotangents a taped call's reverse rule returns)."""
    fn = _function(source, name)
    if fn is not None and own is not None:
        pairs = self_calls.rewrite(fn, own)
        if pairs:
            lines = source.splitlines()
            _replace(lines, pairs)
            source = "\n".join(lines) + "\n"
            fn = _function(source, name)
    if fn is None or not _one_final_return(fn):
        return None
    final = fn.body[-1]
    assert isinstance(final, ast.Return) and isinstance(final.value, ast.Tuple)
    value, grads = final.value.elts
    at = next((k for k, s in enumerate(fn.body[:-1]) if seed in _read(s)), len(fn.body) - 1)
    before, after = fn.body[:at], fn.body[at:-1]
    seen = _stored(before) - (_fresh_unread(before) - _read(value)) | _params(fn) - {seed}
    if _read(value) & _stored(after) or _written_in_place(after, seen):
        return None
    lines = source.splitlines()[:final.end_lineno]  # (the functions after it dropped)
    head_end = _above_comments(lines, fn.body[0].lineno - 1)  # (the edits below it first)
    indent = " " * fn.body[0].col_offset
    if positions:
        grads = _per_parameter(grads, positions, len(fn.args.posonlyargs + fn.args.args))
    lines[final.lineno - 1:final.end_lineno] = [f"{indent}yield {ast.unparse(grads)}"]
    pause = _above_comments(lines, fn.body[at].lineno - 1)
    lines.insert(pause, f"{indent}{seed} = yield {ast.unparse(value)}")
    args = fn.args
    keep = [k for k, a in enumerate(args.kwonlyargs) if a.arg != seed]
    args.kwonlyargs = [args.kwonlyargs[k] for k in keep]
    args.kw_defaults = [args.kw_defaults[k] for k in keep]
    lines[fn.lineno - 1:head_end] = [f"def {own.name if own else name + '_taped'}"
                                     f"({ast.unparse(args)}):"]
    return "\n".join(lines[fn.lineno - 1:]) + "\n"


def _function(source: str, name: str) -> ast.FunctionDef | None:
    return next((n for n in ast.parse(source).body
                 if isinstance(n, ast.FunctionDef) and n.name == name), None)


def _per_parameter(grads: ast.expr, positions: tuple[int, ...], count: int) -> ast.Tuple:
    """The gradients (one, or a tuple of those of ``positions``) as one item per
    parameter, None for those not differentiated."""
    given = grads.elts if len(positions) > 1 and isinstance(grads, ast.Tuple) else [grads]
    items: list[ast.expr] = [ast.Constant(None) for _ in range(count)]
    for p, g in zip(positions, given):
        items[p] = g
    return ast.Tuple(elts=items, ctx=ast.Load())


def _replace(lines: list[str], pairs: list) -> None:
    """Each statement of ``pairs`` replaced by its new one, its lines by the new one's
    (from the last, so the line numbers of those before stay)."""
    for old, new in sorted(pairs, key=lambda p: -p[0].lineno):
        indent = " " * old.col_offset
        text = ast.unparse(ast.copy_location(new, old))
        if isinstance(new.value, ast.IfExp):  # (the call that fails the guard below it)
            target, choice = ast.unparse(new.targets[0]), new.value
            text = f"{target} = {ast.unparse(choice.body)} if {ast.unparse(choice.test)} " \
                   f"else \\\n{indent}    {ast.unparse(choice.orelse)}"
        lines[old.lineno - 1:old.end_lineno] = [indent + text]


def _above_comments(lines: list[str], k: int) -> int:
    """The index of the first of the comment lines just above line ``k`` (``k`` itself
    when there are none)."""
    while k > 0 and lines[k - 1].lstrip().startswith("#"):
        k -= 1
    return k


def _one_final_return(fn: ast.FunctionDef) -> bool:
    """The body ends in ``return (value, grads)`` and returns nowhere else, nor yields."""
    final = fn.body[-1] if fn.body else None
    if not (isinstance(final, ast.Return) and isinstance(final.value, ast.Tuple) and
            len(final.value.elts) == 2):
        return False
    inner = [n for s in fn.body[:-1] for n in _walk_own(s)]
    return not any(isinstance(n, (ast.Return, ast.Yield, ast.YieldFrom, ast.Await))
                   for n in inner)


def _walk_own(node: ast.AST) -> list[ast.AST]:
    """The nodes of ``node``, not those of functions or lambdas defined in it."""
    out, todo = [], [node]
    while todo:
        n = todo.pop()
        out.append(n)
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda,
                              ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(n))
    return out


def _read(node: ast.AST) -> set[str]:
    return {n.id for n in _walk_own(node) if isinstance(n, ast.Name) and
            isinstance(n.ctx, ast.Load)}


def _stored(stmts: list) -> set[str]:
    return {n.id for s in stmts for n in _walk_own(s)
            if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}


def _params(fn: ast.FunctionDef) -> set[str]:
    args = fn.args
    return {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}


def _fresh_unread(stmts: list) -> set[str]:
    """Names the statements bind only to new zeros (``dx = zeros_like(x)``, an adjoint
    made before a reversed loop) and never read: nothing the caller holds is them."""
    fresh: dict[str, bool] = {}
    for n in (n for s in stmts for n in _walk_own(s)):
        if isinstance(n, ast.Assign) and len(n.targets) == 1 and \
                isinstance(n.targets[0], ast.Name):
            call = n.value.func if isinstance(n.value, ast.Call) else None
            name = call.id if isinstance(call, ast.Name) else \
                call.attr if isinstance(call, ast.Attribute) else None
            fresh[n.targets[0].id] = fresh.get(n.targets[0].id, True) and name in _ZEROS
    read = set().union(*map(_read, stmts))
    return {name for name, only in fresh.items() if only and name not in read}


def _written_in_place(stmts: list, names: set[str]) -> bool:
    """Does a statement write into an object one of ``names`` held before: an item or
    attribute stored, ``+=``, or a runtime write (``x = write_at(x, i, v)``)?"""
    for n in (n for s in stmts for n in _walk_own(s)):
        target: Any = None
        if isinstance(n, (ast.Subscript, ast.Attribute)) and isinstance(n.ctx, ast.Store):
            target = n.value
        elif isinstance(n, ast.AugAssign):
            target = n.target
        elif isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and \
                n.func.id in _IN_PLACE and n.args:
            target = n.args[0]
        while isinstance(target, (ast.Subscript, ast.Attribute)):
            target = target.value
        if isinstance(target, ast.Name) and target.id in names:
            return True
    return False
