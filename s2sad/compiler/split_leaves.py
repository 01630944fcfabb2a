"""A split calling itself (:mod:`self_calls`) reads its base case at the call site.

A recursion over a tree runs its split once per node, and half the nodes of a binary
tree are leaves: each leaf starts a generator, runs to its first ``yield``, and is
resumed once to ``yield None`` (no gradient: :mod:`split_sends`), ~1 us a leaf beside
the work of a node (a tree RNN of 64 leaves: a tenth of the gradient).  Where the
split's base case is a test and one value, both of its parameters only, and that case
yields no gradient, the call reads them itself::

    if mid - lo == 1:  # (the base case of _tree: read here, no tape)
        tree_taped = None
        left = leaves[lo]
    else:
        tree_taped = vjp__tree_taped(W, b, leaves, lo, mid) if ... else ...
        left = next(tree_taped)
    ...
    cotangents = None if tree_taped is None else tree_taped.send(dleft)

Done only where the split's body is exactly ``flag = test``; ``if flag: r = value``
(else the recursive case); ``dr = yield r``; ``if flag: yield None`` (else its reverse
sweep): nothing else runs in the base case, so the test and the value, read with the
call's arguments in place of the parameters, are what the call would compute and hand
back (the same exception, should one raise), and it would hand back no cotangent.  The
test and value may read parameters, numbers, arithmetic, comparisons, items and
``.shape`` only (no call: nothing run twice or elsewhere); the call's arguments are
names or numbers; the taped object is read by the ``next`` after the call and by one
send, whose cotangents are read under ``if c is not None:`` only.
"""
from __future__ import annotations

import ast
import copy

from s2sad.compiler.self_calls import Own
from s2sad.compiler.statement_walks import statement_lists

_PURE = (ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp,
         ast.Subscript, ast.Slice, ast.Tuple, ast.Attribute, ast.operator, ast.unaryop,
         ast.cmpop, ast.boolop, ast.expr_context)
_ATTRIBUTES = frozenset({"shape", "ndim", "size"})
Edit = tuple[int, int, int, int, str]


def inline_base_case(text: str, own: Own) -> str:
    """The split ``text`` made for ``own`` with its self-calls reading its base case
    where the conditions above hold."""
    fn = ast.parse(text).body[0]
    if not isinstance(fn, ast.FunctionDef):
        return text
    base = _base_case(fn)
    if base is None:
        return text
    params = [a.arg for a in fn.args.args]
    edits: list[Edit] = []
    for block in statement_lists(fn.body):
        for k, s in enumerate(block[:-1]):
            site = _site(s, block[k + 1], own.name, len(params))
            if site is None:
                continue
            tape, args = site
            send = _send(fn, tape)
            if send is not None:
                edits += _rewrite(text, s, block[k + 1], send, tape, base,
                                  dict(zip(params, args)))
    return _edited(text, edits) if edits else text


def _base_case(fn: ast.FunctionDef) -> tuple[ast.expr, ast.expr] | None:
    """(the test, the value) of the split's base case, or None (see the docstring)."""
    a = fn.args
    if a.posonlyargs or a.vararg or a.kwonlyargs or a.kwarg or a.defaults:
        return None
    params = {p.arg for p in a.args}
    body = fn.body
    if len(body) < 4:
        return None
    flag, branch, pause, reverse = body[:4]
    name = _bound(flag)
    if name is None or not _pure(flag.value, params):  # type: ignore[attr-defined]
        return None
    if not (_tests(branch, name) and len(branch.body) == 1 and  # type: ignore[attr-defined]
            _bound(branch.body[0]) is not None and  # type: ignore[attr-defined]
            _pure(branch.body[0].value, params)):  # type: ignore[attr-defined]
        return None
    result = _bound(branch.body[0])  # type: ignore[attr-defined]
    value = pause.value if isinstance(pause, (ast.Assign, ast.Expr)) else None
    if not (isinstance(value, ast.Yield) and isinstance(value.value, ast.Name) and
            value.value.id == result):
        return None
    if not (_tests(reverse, name) and len(reverse.body) == 1 and  # type: ignore[attr-defined]
            isinstance(reverse.body[0], ast.Expr) and  # type: ignore[attr-defined]
            isinstance(reverse.body[0].value, ast.Yield) and  # type: ignore[attr-defined]
            isinstance(reverse.body[0].value.value, ast.Constant) and  # type: ignore
            reverse.body[0].value.value.value is None):  # type: ignore[attr-defined]
        return None
    stores = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == name and
              not isinstance(n.ctx, ast.Load)]
    if len(stores) != 1:
        return None
    return flag.value, branch.body[0].value  # type: ignore[attr-defined]


def _bound(s: ast.stmt) -> str | None:
    if isinstance(s, ast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], ast.Name):
        return s.targets[0].id
    return None


def _tests(s: ast.stmt, name: str) -> bool:
    return isinstance(s, ast.If) and isinstance(s.test, ast.Name) and s.test.id == name \
        and bool(s.orelse)


def _pure(e: ast.expr, params: set[str]) -> bool:
    """Parameters and numbers in arithmetic, comparisons, items and shapes: no call."""
    for n in ast.walk(e):
        if not isinstance(n, _PURE) or isinstance(n, ast.Name) and n.id not in params or \
                isinstance(n, ast.Attribute) and n.attr not in _ATTRIBUTES or \
                isinstance(n, ast.Constant) and type(n.value) not in (int, float, bool):
            return False
    return True



def _site(s: ast.stmt, after: ast.stmt, name: str, n: int
          ) -> tuple[str, list[ast.expr]] | None:
    """(the taped object's name, the call's arguments) of ``t = name(...)`` (or ``t =
    name(...) if guard else other(...)``) followed by ``v = next(t)``."""
    tape = _bound(s)
    if tape is None:
        return None
    call = s.value.body if isinstance(s.value, ast.IfExp) else s.value  # type: ignore
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and
            call.func.id == name and not call.keywords and len(call.args) == n and
            all(isinstance(a, ast.Name) or isinstance(a, ast.Constant) and
                type(a.value) in (int, float, bool) for a in call.args)):
        return None
    nxt = after.value if _bound(after) is not None else None  # type: ignore[attr-defined]
    if not (isinstance(nxt, ast.Call) and isinstance(nxt.func, ast.Name) and
            nxt.func.id == "next" and len(nxt.args) == 1 and not nxt.keywords and
            isinstance(nxt.args[0], ast.Name) and nxt.args[0].id == tape):
        return None
    return tape, list(call.args)


def _send(fn: ast.FunctionDef, tape: str) -> ast.Assign | None:
    """The one ``c = tape.send(d)`` where ``tape`` is read by it and the ``next`` only
    and ``c`` is read under ``if c is not None:`` only."""
    reads = [n for n in ast.walk(fn) if isinstance(n, ast.Name) and n.id == tape and
             isinstance(n.ctx, ast.Load)]
    sends = [s for s in ast.walk(fn) if isinstance(s, ast.Assign) and _bound(s) and
             isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Attribute) and
             s.value.func.attr == "send" and isinstance(s.value.func.value, ast.Name) and
             s.value.func.value.id == tape and len(s.value.args) == 1]
    if len(reads) != 2 or len(sends) != 1:
        return None
    c = _bound(sends[0])
    guarded = [s for s in ast.walk(fn) if isinstance(s, ast.If) and
               isinstance(s.test, ast.Compare) and isinstance(s.test.left, ast.Name) and
               s.test.left.id == c and len(s.test.ops) == 1 and
               isinstance(s.test.ops[0], ast.IsNot) and
               isinstance(s.test.comparators[0], ast.Constant) and
               s.test.comparators[0].value is None and not s.orelse]
    inside = {id(n) for g in guarded for n in ast.walk(g)}
    if any(isinstance(n, ast.Name) and n.id == c and isinstance(n.ctx, ast.Load) and
           id(n) not in inside for n in ast.walk(fn)):
        return None
    return sends[0]


class _Put(ast.NodeTransformer):
    def __init__(self, args: dict[str, ast.expr]) -> None:
        self.args = args

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return copy.deepcopy(self.args[node.id])


def _rewrite(text: str, call: ast.stmt, nxt: ast.stmt, send: ast.Assign, tape: str,
             base: tuple[ast.expr, ast.expr], args: dict[str, ast.expr]) -> list[Edit]:
    test, value = (ast.unparse(_Put(args).visit(copy.deepcopy(e))) for e in base)
    lines = text.split("\n")
    pad = " " * call.col_offset
    taped = ["    " + t for t in lines[call.lineno - 1:nxt.end_lineno]]
    target = ast.unparse(nxt.targets[0])  # type: ignore[attr-defined]
    site = "\n".join([f"if {test}:  # (the recursion's base case: read here, no tape)",
                      f"{pad}    {tape} = None", f"{pad}    {target} = {value}",
                      f"{pad}else:"] + taped)
    return [(call.lineno, call.col_offset, nxt.end_lineno or nxt.lineno,
             len(lines[(nxt.end_lineno or nxt.lineno) - 1]), site),
            (send.value.lineno, send.value.col_offset,
             send.value.end_lineno or send.value.lineno, send.value.end_col_offset or 0,
             f"None if {tape} is None else {ast.unparse(send.value)}")]


def _edited(text: str, edits: list[Edit]) -> str:
    """``text`` with each span replaced, from the last (earlier spans stay put)."""
    lines = text.split("\n")
    for line, col, end, end_col, new in sorted(edits, reverse=True):
        head, tail = lines[line - 1][:col], lines[end - 1][end_col:]
        lines[line - 1:end] = (head + new + tail).split("\n")
    return "\n".join(lines)
