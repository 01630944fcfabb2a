"""The one printer: gast -> Python source, with origin comments.

astor prints; comments travel as marker string statements that are turned
into ``#`` lines after printing.  A switch to ``ast.unparse`` touches only
this file.
"""
from __future__ import annotations

import ast
import math
from typing import Any

import astor
import gast

from s2sad.compiler.names import origin
from s2sad.compiler.tree_copies import clone

_MARK = "S2SAD_COMMENT_"  # a comment's stand-in: a statement of this name and its number
WIDTH = 88  # black's line length: long calls break after a comma, never before a ")"


def _with_comments(stmts: list, comments: list[str] | None, last: str | None = None
                   ) -> tuple[list, str | None]:
    """``stmts`` with a comment line before each change of origin; the origin printed
    last (a block whose first statement comes from its header's line repeats no
    comment).  A comment stands in the tree as a bare name (``S2SAD_COMMENT_3``, the
    index of its text in ``comments``): printed as it is, cheaper than a string, whose
    printing tries and evaluates several quotings."""
    out: list = []
    for s in stmts:
        text = origin(s)
        if comments is not None and text and text != last:
            out.append(gast.Expr(value=gast.Name(id=f"{_MARK}{len(comments)}", ctx=gast.Load(),
                                                 annotation=None, type_comment=None)))
            comments.append(text)
        last = text or last
        if isinstance(s, gast.If) and not s.body and s.orelse:
            s.test, s.body, s.orelse = gast.UnaryOp(op=gast.Not(), operand=s.test), s.orelse, []
        if isinstance(s, (gast.If, gast.For, gast.While)):
            header = last
            for block in ("body", "orelse"):
                inner, last = _with_comments(getattr(s, block), comments, header)
                setattr(s, block, inner or ([gast.Pass()] if block == "body" else []))
            last = last if s.body or s.orelse else header
        out.append(s)
    return out, last


def _fix(node: gast.AST) -> ast.AST:
    """The tree astor prints (it reads no line numbers: none are filled in): the
    ``ast`` twin of each node, made directly (``gast.gast_to_ast`` and a transformer
    over its result visited every node twice, through generic visitors: a fifth of
    printing and compiling), negative numbers as negations (:func:`_constant`)."""
    return _to_ast(node)


def _to_ast(node: Any) -> Any:
    cls = node.__class__
    if cls is list:
        return [_to_ast(n) for n in node]
    special = _SPECIAL.get(cls)
    if special is not None:
        return special(node)
    plan = _PLANS.get(cls)
    if plan is None:
        if not isinstance(node, gast.AST):
            return node
        target = getattr(ast, cls.__name__)
        plan = _PLANS[cls] = (target, target._fields)
    target, fields = plan
    new = target()
    for f in fields:
        v = getattr(node, f, None)
        setattr(new, f, _to_ast(v) if v.__class__ is list or isinstance(v, gast.AST) else v)
    return new


_PLANS: dict[type, tuple[type, tuple[str, ...]]] = {}


def _arg(node: gast.Name | None) -> Any:
    return None if node is None else ast.arg(
        arg=node.id, annotation=_to_ast(node.annotation), type_comment=node.type_comment)


def _arguments(node: gast.arguments) -> ast.arguments:
    return ast.arguments(
        posonlyargs=[_arg(a) for a in node.posonlyargs], args=[_arg(a) for a in node.args],
        vararg=_arg(node.vararg), kwonlyargs=[_arg(a) for a in node.kwonlyargs],
        kw_defaults=_to_ast(node.kw_defaults), kwarg=_arg(node.kwarg),
        defaults=_to_ast(node.defaults))


def _except(node: gast.ExceptHandler) -> ast.ExceptHandler:
    return ast.ExceptHandler(type=_to_ast(node.type), name=node.name.id if node.name else
                             None, body=_to_ast(node.body))


def _constant(node: gast.Constant) -> Any:
    """A negative number as ``-(0.7)``: printed bare, ``-0.7 ** 2`` would be read as
    ``-(0.7 ** 2)``; as a negation, the printer puts it in parentheses where needed."""
    value = node.value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and \
            (value < 0 or value == 0 and str(value).startswith("-")):
        return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value))
    if isinstance(value, complex) and (math.copysign(1.0, value.real) < 0 or
                                       math.copysign(1.0, value.imag) < 0):
        return ast.Call(func=ast.Name(id="complex", ctx=ast.Load()), args=[
            _constant(gast.Constant(value=value.real, kind=None)),
            _constant(gast.Constant(value=value.imag, kind=None))], keywords=[])
    return ast.Constant(value=value, kind=node.kind)


# one context object of each kind, shared (as the parser shares them): astor reads them
_CONTEXTS = {gast.Load: ast.Load(), gast.Store: ast.Store(), gast.Del: ast.Del()}


def _shared(context: ast.expr_context) -> Any:
    return lambda node: context


_SPECIAL: dict[type, Any] = {
    gast.Name: lambda n: ast.Name(id=n.id, ctx=_to_ast(n.ctx)),
    **{cls: _shared(c) for cls, c in _CONTEXTS.items()},
    gast.arguments: _arguments,
    gast.ExceptHandler: _except,
    gast.Constant: _constant,
}


def _uncomment(text: str, comments: list[str]) -> str:
    """Each comment's stand-in line as the comment (``# line 3: y = f(x)``)."""
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(_MARK) and stripped[len(_MARK):].isdigit() and \
                int(stripped[len(_MARK):]) < len(comments):
            indent = line[: len(line) - len(line.lstrip())]
            lines.append(f"{indent}# {comments[int(stripped[len(_MARK):])]}")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def function_source(node: gast.FunctionDef, comments: bool = True, owned: bool = False) -> str:
    """Print a function definition, origin comments included (``owned``: the caller
    gives the tree away, so it is printed without a copy)."""
    node = node if owned else clone(node)
    texts: list[str] = []
    node.body = _with_comments(node.body, texts if comments else None)[0] or [gast.Pass()]
    text = astor.to_source(_fix(gast.Module(body=[node], type_ignores=[])),
                           pretty_source=_pretty_source)
    return _uncomment(text, texts)


def _pretty_source(pieces: list[str]) -> str:
    return "\n".join(line for text in "".join(pieces).split("\n") for line in _wrap(text))


def _wrap(line: str) -> list[str]:
    """A long line broken inside its brackets, after a comma or before an operator (of
    the places that leave at least half a line, the outermost, the last of them), the
    rest indented four more; an assigned sum gets brackets to break in, as a person
    writes it; a line with no place to break stays long."""
    if len(line) <= WIDTH:
        return [line]
    line = _bracketed(line)
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    points = _breaks(line)
    out: list[str] = []
    start = 0
    while len(line) - start + (len(indent) if out else 0) > WIDTH:
        room = WIDTH - (len(indent) if out else 0)
        fitting = [(depth, p) for depth, p in points if start + room // 2 < p <= start + room] \
            or [(depth, p) for depth, p in points if start < p <= start + room]
        later = [p for _, p in points if p > start]
        end = min(fitting, key=lambda dp: (dp[0], -dp[1]))[1] if fitting else \
            later[0] if later else None
        if end is None:
            break
        out.append(indent + line[start:end].strip() if out else line[:end].rstrip())
        start = end
    return out + [indent + line[start:].strip()] if out else [line]


_OPERATORS = (" + ", " - ", " * ", " @ ", " / ", " if ", " else ")


def _bracketed(line: str) -> str:
    """``x = a + f(b)`` -> ``x = (a + f(b))``: the same tree, with a bracket to break in."""
    head, eq, value = line.partition(" = ")
    if not eq or any(c in head for c in "([{'\"") or \
            not any(depth == 1 for depth, _ in _breaks(f"({value})", commas=False)):
        return line
    return f"{head} = ({value})"


def _breaks(line: str, commas: bool = True) -> list[tuple[int, int]]:
    """(bracket depth, offset) of the places a line may break inside brackets: just
    past a ``, ``, or just before a binary operator (none in a string)."""
    points, depth, i = [], 0, 0
    while i < len(line):
        c = line[i]
        if c in "'\"":
            i = _string_end(line, i)
            continue
        depth += (c in "([{") - (c in ")]}")
        if depth > 0 and commas and c == "," and line[i + 1:i + 2] == " ":
            points.append((depth, i + 1))
        elif depth > 0 and c == " " and line.startswith(_OPERATORS, i):
            points.append((depth, i))
        i += 1
    return points


def _string_end(line: str, i: int) -> int:
    quote = line[i:i + 3] if line[i:i + 3] in ("'''", '"""') else line[i]
    j = i + len(quote)
    while j < len(line) and not line.startswith(quote, j):
        j += 2 if line[j] == "\\" else 1
    return j + len(quote)
