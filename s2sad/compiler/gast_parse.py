"""``gast.parse`` without gast's generic converter: the ``ast`` tree turned into the
same ``gast`` tree (node for node, fields and positions) with the fields looked up by
class, for gast 0.7 on Python 3.10 and 3.11.  gast's ``ast_to_gast`` visits through
``ast.NodeTransformer`` and builds each node from a keyword dict, ten times what
``ast.parse`` costs; a transform parses the function and every helper it inlines.
Elsewhere (another gast, another Python) :func:`parse` is ``gast.parse``.
"""
from __future__ import annotations

import ast
import sys
from typing import Any

import gast

_POSITIONS = ("lineno", "col_offset", "end_lineno", "end_col_offset")


def parse(text: str) -> gast.Module:
    """``gast.parse(text)``."""
    if not _SUPPORTED:
        return gast.parse(text)
    return _convert(ast.parse(text))


def _convert(node: Any) -> Any:
    """gast's ``Ast3ToGAst().visit(node)``."""
    special = _SPECIAL.get(node.__class__)
    return _generic(node) if special is None else special(node)


def _generic(node: Any) -> Any:
    """gast's ``generic_visit``: the gast node of the same name, from the fields the
    node has, with its positions."""
    cls = node.__class__
    plan = _PLANS.get(cls)
    if plan is None:
        target = getattr(gast, cls.__name__, None)
        if target is None:
            return None  # (a node gast does not have)
        plan = _PLANS[cls] = (target, cls._fields, cls._attributes)
    target, fields, attributes = plan
    values = {}
    for f in fields:
        try:
            v = getattr(node, f)
        except AttributeError:
            continue
        values[f] = _value(v)
    new = target(**values)
    for a in attributes:
        try:
            setattr(new, a, getattr(node, a))
        except AttributeError:
            pass
    return new


def _value(v: Any) -> Any:
    if isinstance(v, ast.AST):
        return _convert(v)
    if isinstance(v, list):
        return [_value(x) for x in v]
    return v


def _located(new: gast.AST, old: ast.AST) -> gast.AST:
    return ast.copy_location(new, old)


def _name(node: ast.Name) -> gast.Name:
    return _located(gast.Name(node.id, _convert(node.ctx), None, None), node)


def _arg(node: ast.arg) -> gast.Name:
    return _located(gast.Name(node.arg, gast.Param(), _value(node.annotation),
                              _value(node.type_comment)), node)


def _except(node: ast.ExceptHandler) -> gast.AST:
    if not node.name:
        return _generic(node)
    return _located(gast.ExceptHandler(_value(node.type), gast.Name(
        node.name, gast.Store(), None, None), _value(node.body)), node)


def _function(cls: type) -> Any:
    def convert(node: Any) -> gast.AST:
        new = cls(_value(node.name), _value(node.args), _value(node.body),
                  _value(node.decorator_list), _value(node.returns),
                  _value(node.type_comment), [])
        return gast.copy_location(new, node)
    return convert


def _class(node: ast.ClassDef) -> gast.ClassDef:
    new = gast.ClassDef(_value(node.name), _value(node.bases), _value(node.keywords),
                        _value(node.body), _value(node.decorator_list), [])
    return gast.copy_location(new, node)


_PLANS: dict[type, tuple[type, tuple[str, ...], tuple[str, ...]]] = {}
_SPECIAL: dict[type, Any] = {
    ast.Name: _name,
    ast.arg: _arg,
    ast.ExceptHandler: _except,
    ast.FunctionDef: _function(gast.FunctionDef),
    ast.AsyncFunctionDef: _function(gast.AsyncFunctionDef),
    ast.ClassDef: _class,
}
# the versions whose gast conversion this one repeats (gast's visit_* methods for them)
_SUPPORTED = sys.version_info[:2] in ((3, 10), (3, 11)) and \
    getattr(gast, "__version__", "0.7.0").startswith("0.7")
