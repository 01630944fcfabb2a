"""The one printer: gast -> Python source, with origin comments.

astor prints; comments travel as marker string statements that are turned
into ``#`` lines after printing.  A switch to ``ast.unparse`` touches only
this file.
"""
from __future__ import annotations

import ast

import astor
import gast

from s2sad.compiler.names import clone, const, origin

_MARK = "S2SAD-COMMENT: "


def _with_comments(stmts: list, comments: bool, last: str | None = None
                   ) -> tuple[list, str | None]:
    """``stmts`` with a comment line before each change of origin; the origin printed
    last (a block whose first statement comes from its header's line repeats no
    comment)."""
    out: list = []
    for s in stmts:
        text = origin(s)
        if comments and text and text != last:
            out.append(gast.Expr(value=const(_MARK + text)))
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
    tree = _NegativeConstants().visit(gast.gast_to_ast(node))
    return ast.fix_missing_locations(tree)


class _NegativeConstants(ast.NodeTransformer):
    """A negative number as ``-(0.7)``: printed bare, ``-0.7 ** 2`` would be read as
    ``-(0.7 ** 2)``; as a negation, the printer puts it in parentheses where needed."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        value = node.value
        if isinstance(value, (int, float)) and not isinstance(value, bool) and \
                (value < 0 or value == 0 and str(value).startswith("-")):
            return ast.UnaryOp(op=ast.USub(), operand=ast.Constant(value=-value))
        if isinstance(value, complex) and (value.real < 0 or value.imag < 0):
            return ast.Call(func=ast.Name(id="complex", ctx=ast.Load()), args=[
                self.visit(ast.Constant(value=value.real)),
                self.visit(ast.Constant(value=value.imag))], keywords=[])
        return node


def _uncomment(text: str) -> str:
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped[:1] in ("'", '"') and stripped.lstrip("'\"").startswith(_MARK):
            indent = line[: len(line) - len(line.lstrip())]
            comment = ast.literal_eval(stripped)[len(_MARK):]
            lines.append(f"{indent}# {comment}")
        else:
            lines.append(line)
    return "\n".join(lines) + "\n"


def function_source(node: gast.FunctionDef, comments: bool = True, owned: bool = False) -> str:
    """Print a function definition, origin comments included (``owned``: the caller
    gives the tree away, so it is printed without a copy)."""
    node = node if owned else clone(node)
    node.body = _with_comments(node.body, comments)[0] or [gast.Pass()]
    text = astor.to_source(_fix(gast.Module(body=[node], type_ignores=[])))
    return _uncomment(text)
