"""Part of stage 3b: expressions that decide what runs (``a < b < c``, ``and``, ``or``,
``x if c else y``) as ``if`` statements assigning one fresh name, so that core form
evaluates only what Python would."""
from __future__ import annotations

from typing import TYPE_CHECKING

import gast

from s2sad.compiler import known_constants
from s2sad.compiler.names import assign, load, store
from s2sad.compiler.operator_methods import compared

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def comparison(norm: Normalizer, node: gast.Compare) -> gast.expr:
    """``a < b``; ``a < b < c`` evaluates ``b`` once and stops at the first false one."""
    left = norm.atom(node.left)
    if len(node.ops) == 1:
        right = norm.atom(node.comparators[0])
        decided = known_constants.compared(norm, left, node.ops[0], right) or \
            compared(norm, node, left, right)  # (of records: refused or decided)
        return decided if decided is not None else \
            gast.Compare(left=left, ops=node.ops, comparators=[right])
    # a < b < c: evaluate b once, stop at the first false comparison
    result = norm.new_local("cmp")
    right = norm.atom(node.comparators[0])
    compared(norm, node, left, right)
    norm.emit(assign(result, gast.Compare(left=left, ops=node.ops[:1], comparators=[right])))
    rest = gast.Compare(left=right, ops=node.ops[1:], comparators=node.comparators[1:])
    body = norm.block([gast.Assign(targets=[store(result)], value=rest, type_comment=None)])
    norm.emit(gast.If(test=load(result), body=body, orelse=[]))
    return load(result)


def boolean(norm: Normalizer, node: gast.BoolOp) -> gast.expr:
    """``a and b`` / ``a or b``: ``b`` evaluated only when ``a`` does not decide."""
    result = norm.new_local("and_" if isinstance(node.op, gast.And) else "or_")
    norm.stores[result] = len(node.values)  # (as a choice's: each value binds it)
    norm.emit(assign(result, norm.expr(node.values[0])))
    for value in node.values[1:]:
        body = norm.block([gast.Assign(targets=[store(result)], value=value,
                                       type_comment=None)])
        if isinstance(node.op, gast.And):
            norm.emit(gast.If(test=load(result), body=body, orelse=[]))
        else:
            norm.emit(gast.If(test=load(result), body=[], orelse=body))
    return load(result)


def choice(norm: Normalizer, node: gast.IfExp) -> gast.expr:
    """``x if c else y``: only the branch taken evaluated."""
    test = norm.atom(node.test)
    test = known_constants.truth(norm, test) or test
    if isinstance(test, gast.Constant) and isinstance(test.value, bool):
        return norm.expr(node.body if test.value else node.orelse)  # (decided: the one read)
    result = norm.new_local("choice")
    norm.stores[result] = 2  # (bound in each branch: a record in one is one only if in both)
    branches = []
    for value in (node.body, node.orelse):
        branch = norm.block([gast.copy_location(gast.Assign(  # (a refusal names the line)
            targets=[store(result)], value=value, type_comment=None), node)])
        branches.append(branch)
    norm.emit(gast.If(test=test, body=branches[0], orelse=branches[1]))
    return load(result)
