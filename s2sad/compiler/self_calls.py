"""A split VJP calling itself: the recursive calls of a split (:mod:`taped_split`) that
would choose this same split are made to it directly.

A taped call (:mod:`s2sad.recursion_tape`) chooses the split for its arguments' kinds at
run time: it works out their key, looks the split up, starts it, wraps what it yields
(``Taped``), and its reverse rule sends the cotangent back.  That costs more than the
numerical work of a small level (tree_rnn: a third of the gradient).  Inside the split
made for one key, a recursive call passing each parameter on as it is (the same array,
list or function: the same kind) and numbers of the types of this key chooses this split
again, so the split calls itself::

    f_taped = vjp_f_taped(W, b, leaves, lo, mid) if type(mid) is int else f(...)
    left = next(f_taped)                          # was taped_value(f_taped)
    ...
    cotangents = f_taped.send(dleft)              # was vjp_f(dleft, f_taped, ...)

where the guard checks the numbers whose types the split does not prove (a call that
fails it is taped as before: ``Taped`` answers ``next`` and ``send`` as a generator
does).  Only where the taped object is read exactly twice (its value once, right after
the call, and its reverse rule once): one pushed on a loop's tape is left as it is.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass

_ACTIVE = "s2sad_active"


@dataclass(frozen=True)
class Own:
    """What a split may call itself for: its name, the names its namespace gives the
    taped call of its function, that call's reverse rule and ``taped_value``, the
    active flags it was made for, and per parameter the type of the number it was made
    for (None: not a number of a type the key holds) and the dtype of the array
    (:mod:`split_sends`)."""

    name: str
    calls: frozenset[str]
    rules: frozenset[str]
    readers: frozenset[str]
    active: tuple[bool, ...]
    numbers: tuple[str | None, ...]  # the type's name in the split's namespace
    arrays: tuple[str | None, ...] = ()  # per parameter the dtype's name of the NumPy
    # array it was made for (None: not a NumPy array)


def rewrite(fn: ast.FunctionDef, own: Own) -> list[tuple[ast.stmt, ast.stmt]]:
    """The (statement, replacement) pairs that make ``fn``'s recursive calls direct."""
    params = tuple(a.arg for a in fn.args.posonlyargs + fn.args.args)
    stored = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and
              isinstance(n.ctx, (ast.Store, ast.Del))}
    reads: dict[str, list[ast.Name]] = {}
    for n in ast.walk(fn):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            reads.setdefault(n.id, []).append(n)
    rules: dict[int, tuple[ast.Assign, ast.Call]] = {}
    for s in ast.walk(fn):
        rule = _call_of(s, own.rules)
        if rule is not None and len(rule.args) >= 2:
            rules[id(rule.args[1])] = (s, rule)  # type: ignore[assignment]
    out: list[tuple[ast.stmt, ast.stmt]] = []
    for block in _blocks(fn):
        for call, value in zip(block, block[1:]):
            found = _direct(call, value, (own, params), stored, reads, rules)
            out.extend(found or ())
    return out


def _direct(statement: ast.stmt, read_next: ast.stmt, split: tuple[Own, tuple[str, ...]],
            stored: set[str], reads: dict[str, list[ast.Name]],
            rules: dict[int, tuple[ast.Assign, ast.Call]]) -> list | None:
    """The three replacements for a taped call of the split's function (``statement``),
    its value read right after it (``read_next``) and its reverse rule; None where the
    call may choose another split or the taped object is read otherwise (``split``: what
    it may call itself for, its parameters)."""
    own = split[0]
    call, value = _call_of(statement, own.calls), _call_of(read_next, own.readers)
    if call is None or value is None:
        return None
    target = statement.targets[0]  # type: ignore[attr-defined]
    read = reads.get(target.id, [])
    found = [rules[id(n)] for n in read if id(n) in rules]
    if len(value.args) != 1 or not _is_name(value.args[0], target.id) or \
            len(read) != 2 or len(found) != 1:
        return None
    guards = _guards(call, split, stored)
    if guards is None:
        return None
    direct: ast.expr = ast.Call(func=ast.Name(own.name, ast.Load()), args=call.args,
                                keywords=[])
    if guards:
        direct = ast.IfExp(test=guards[0] if len(guards) == 1 else
                           ast.BoolOp(op=ast.And(), values=guards), body=direct, orelse=call)
    rule, rule_call = found[0]
    send = ast.Call(func=ast.Attribute(ast.Name(target.id, ast.Load()), "send", ast.Load()),
                    args=[rule_call.args[0]], keywords=[])
    step = ast.Call(func=ast.Name("next", ast.Load()), args=[ast.Name(target.id, ast.Load())],
                    keywords=[])
    return [(statement, ast.Assign(targets=[target], value=direct)),
            (read_next, ast.Assign(targets=read_next.targets,  # type: ignore[attr-defined]
                                   value=step)),
            (rule, ast.Assign(targets=rule.targets, value=send))]


def _guards(call: ast.Call, split: tuple[Own, tuple[str, ...]], stored: set[str]
            ) -> list[ast.expr] | None:
    """``type(n) is int`` for each number argument whose type is not known to be this
    split's; None where an argument is neither a parameter passed on as it is nor a
    number, or the flags differ."""
    own, params = split
    flags = [k.value for k in call.keywords if k.arg == _ACTIVE]
    if len(call.keywords) != 1 or len(flags) != 1 or not _flags(flags[0], own.active) or \
            len(call.args) != len(params):
        return None
    guards: list[ast.expr] = []
    for arg, param, number in zip(call.args, params, own.numbers):
        if _is_name(arg, param) and param not in stored:
            continue
        if number is None:
            return None
        if isinstance(arg, ast.Constant):
            if type(arg.value).__name__ != number.rpartition(".")[2]:
                return None
            continue
        if not isinstance(arg, ast.Name):
            return None
        guards.append(ast.Compare(
            left=ast.Call(func=ast.Name("type", ast.Load()), args=[arg], keywords=[]),
            ops=[ast.Is()], comparators=[ast.parse(number, mode="eval").body]))
    return guards


def _flags(e: ast.expr, active: tuple[bool, ...]) -> bool:
    return isinstance(e, ast.Tuple) and len(e.elts) == len(active) and all(
        isinstance(f, ast.Constant) and f.value is on for f, on in zip(e.elts, active))


def _call_of(s: ast.AST, names: frozenset[str]) -> ast.Call | None:
    """The call of ``x = name(...)``, ``name`` one of ``names``."""
    if isinstance(s, ast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Call) and \
            isinstance(s.value.func, ast.Name) and s.value.func.id in names:
        return s.value
    return None


def _is_name(e: ast.expr, name: str) -> bool:
    return isinstance(e, ast.Name) and e.id == name


def _blocks(fn: ast.FunctionDef) -> list[list[ast.stmt]]:
    """Every statement list of ``fn`` (not of functions defined in it)."""
    out, todo = [], [fn.body]
    while todo:
        block = todo.pop()
        out.append(block)
        for s in block:
            if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            for field in ("body", "orelse", "finalbody"):
                inner = getattr(s, field, None)
                if isinstance(inner, list) and inner and isinstance(inner[0], ast.stmt):
                    todo.append(inner)
            for handler in getattr(s, "handlers", ()):
                todo.append(handler.body)
    return out
