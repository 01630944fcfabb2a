"""Stage 3a: statement sugar -> a core of assignments, if, for, while, break.

Input: the fenced ``FunctionDef``.  Output: the same function in which
``+=`` is an assignment, a ``while`` tests a name computed before the loop
and at the end of its body, ``continue`` is gone, and the statements after a
``break``, ``return`` or ``raise`` that may jump are moved into the branch
that falls through.  The reverse sweep can then replay every path from the
branch flags alone.  A function with several returns assigns one result
name and returns it once, at the end.
"""
from __future__ import annotations

import copy

import gast

from s2sad.compiler.item_loops import through_items
from s2sad.compiler.names import Namer, assign, const, load
from s2sad.compiler.statement_walks import walk_statements
from s2sad.compiler.walks import walk
from s2sad.errors import DifferentiationError

JUMPS = (gast.Return, gast.Break, gast.Continue, gast.Raise)


def desugar(node: gast.FunctionDef, namer: Namer) -> gast.FunctionDef:
    through_items(node, namer)  # (for p in params: p -= v, written as params[k] -= v)
    body = _simple_statements(_without_errstate(node.body))
    body = _lower_loop_else(body, namer)
    body = _lower_while(body, namer)
    body, result = _lower_loop_returns(body, namer)
    body = _restructure(body)
    body = _drop_continues(body)
    node.body = _single_return(body, result, namer)
    return node


def _without_errstate(stmts: list) -> list:
    """``with np.errstate(...):`` (the fence lets no other ``with`` through) is its body:
    it only changes how floating-point warnings are reported."""
    return _each_statement(stmts, lambda s: _without_errstate(s.body)
                           if isinstance(s, gast.With) else [s])


def _each_statement(stmts: list, rewrite) -> list:  # (stmt -> list of stmts)
    """``rewrite`` applied to every statement, in nested blocks first."""
    out: list = []
    for s in stmts:
        for block in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                setattr(s, block, _each_statement(getattr(s, block), rewrite))
        out.extend(rewrite(s))
    return out


# ----- assignments -----

def _as_load(node: gast.expr) -> gast.expr:
    node = copy.deepcopy(node)
    for n in walk(node):
        if hasattr(n, "ctx"):
            n.ctx = gast.Load()
    return node


def _assign_to(target: gast.expr, value: gast.expr, like: gast.AST) -> gast.Assign:
    return gast.copy_location(gast.Assign(targets=[target], value=value, type_comment=None), like)


def _simple_statement(s: gast.stmt) -> list:
    """``x += v``, ``x: T = v`` and ``a = b = v`` as plain assignments."""
    if isinstance(s, gast.AugAssign):
        value = gast.copy_location(gast.BinOp(left=_as_load(s.target), op=s.op, right=s.value), s)
        value.s2sad_augmented = True  # (a += b: __iadd__ first, operator_methods)
        out = _assign_to(s.target, value, s)
        out.s2sad_augmented = True  # x += v changes an array x in place (see alias.py)
        return [out]
    if isinstance(s, gast.AnnAssign):
        return [_assign_to(s.target, s.value, s)] if s.value is not None else []
    if isinstance(s, gast.Assign) and len(s.targets) > 1:
        last = s.targets[-1]
        return [_assign_to(last, s.value, s)] + [_assign_to(t, _as_load(last), s)
                                                 for t in s.targets[:-1]]
    return [s]


def _simple_statements(stmts: list) -> list:
    out = []
    for s in stmts:
        if isinstance(s, (gast.If, gast.For, gast.While)):
            s.body, s.orelse = _simple_statements(s.body), _simple_statements(s.orelse)
        out.extend(_simple_statement(s))
    return out


# ----- for/while ... else: the else block runs when no break left the loop -----

def _lower_loop_else(stmts: list, namer: Namer) -> list:
    """A loop's ``else`` block after the loop, under ``if not broke:`` where a ``break``
    of this loop (not of a loop inside it) sets ``broke``; unconditionally when none can."""
    out: list = []
    for s in stmts:
        if isinstance(s, (gast.If, gast.For, gast.While)):
            s.body, s.orelse = _lower_loop_else(s.body, namer), _lower_loop_else(s.orelse, namer)
        if not isinstance(s, (gast.For, gast.While)) or not s.orelse:
            out.append(s)
            continue
        rest, s.orelse = s.orelse, []
        if not _contains(s.body, (gast.Break,), into_loops=False):
            out += [s] + rest
            continue
        flag = namer.fresh("broke")
        s.body = _flag_breaks(s.body, flag)
        unbroken = gast.UnaryOp(op=gast.Not(), operand=load(flag))
        out += [gast.copy_location(assign(flag, const(False)), s), s,
                gast.copy_location(gast.If(test=unbroken, body=rest, orelse=[]), s)]
    return out


def _flag_breaks(stmts: list, flag: str) -> list:
    """``flag = True`` before each ``break`` of this loop (in its ``if`` blocks)."""
    out = []
    for s in stmts:
        if isinstance(s, gast.Break):
            out.append(gast.copy_location(assign(flag, const(True)), s))
        elif isinstance(s, gast.If):
            s.body, s.orelse = _flag_breaks(s.body, flag), _flag_breaks(s.orelse, flag)
        out.append(s)
    return out


# ----- while: the test becomes a name, recomputed where an iteration ends -----

def _lower_while(stmts: list, namer: Namer) -> list:
    out = []
    for s in stmts:
        if isinstance(s, (gast.If, gast.For, gast.While)):
            s.body = _lower_while(s.body, namer)
            s.orelse = _lower_while(s.orelse, namer)
        if isinstance(s, gast.While) and not isinstance(s.test, gast.Name):
            name = namer.fresh("cond")
            recompute = assign(name, s.test, like=s)
            out.append(copy.deepcopy(recompute))
            s.body = _before_continue(s.body, recompute) + [copy.deepcopy(recompute)]
            s.test = load(name)
        out.append(s)
    return out


def _before_continue(stmts: list, recompute: gast.Assign) -> list:
    out = []
    for s in stmts:
        if isinstance(s, gast.Continue):
            out.append(copy.deepcopy(recompute))
        elif isinstance(s, gast.If):
            s.body = _before_continue(s.body, recompute)
            s.orelse = _before_continue(s.orelse, recompute)
        out.append(s)
    return out


# ----- return inside a loop: store the result, set a flag, break out -----

def _contains(stmts: list, kinds: tuple, into_loops: bool) -> bool:
    for s in stmts:
        if isinstance(s, kinds):
            return True
        if isinstance(s, gast.If) and (_contains(s.body, kinds, into_loops)
                                        or _contains(s.orelse, kinds, into_loops)):
            return True
        if into_loops and isinstance(s, (gast.For, gast.While)) and _contains(
                s.body, kinds, into_loops):
            return True
    return False


def _lower_loop_returns(body: list, namer: Namer) -> tuple[list, str | None]:
    loops = [s for s in walk_statements(gast.Module(body=body, type_ignores=[]))
             if isinstance(s, (gast.For, gast.While))]
    if not any(_contains(loop.body, (gast.Return,), True) for loop in loops):
        returns = [s for s in walk_statements(gast.Module(body=body, type_ignores=[]))
                   if isinstance(s, gast.Return)]
        if len(returns) <= 1 and (not returns or body[-1] is returns[0]):
            return body, None
        return body, namer.fresh("result")
    result, flag = namer.fresh("result"), namer.fresh("returned")
    init = gast.copy_location(assign(flag, const(False)), body[0])
    return [init] + _returns_to_breaks(body, result, flag, in_loop=False), result


def _returns_to_breaks(stmts: list, result: str, flag: str, in_loop: bool) -> list:
    out = []
    for s in stmts:
        if isinstance(s, gast.Return) and in_loop:
            value = s.value if s.value is not None else const(None)
            out += [assign(result, value, like=s),
                    gast.copy_location(assign(flag, const(True)), s),
                    gast.copy_location(gast.Break(), s)]
            continue
        if isinstance(s, gast.If):
            s.body = _returns_to_breaks(s.body, result, flag, in_loop)
            s.orelse = _returns_to_breaks(s.orelse, result, flag, in_loop)
        out.append(s)
        if isinstance(s, (gast.For, gast.While)) and _contains(s.body, (gast.Return,), True):
            s.body = _returns_to_breaks(s.body, result, flag, True)
            leave = gast.Break() if in_loop else gast.Return(value=load(result))
            out.append(gast.copy_location(
                gast.If(test=load(flag), body=[gast.copy_location(leave, s)], orelse=[]), s))
    return out


# ----- the statements after a jump move into the branch that falls through -----

def _may_jump(stmt: gast.stmt) -> bool:
    return isinstance(stmt, gast.If) and _contains([stmt], JUMPS, into_loops=False)


def _restructure(stmts: list) -> list:
    out = []
    for i, s in enumerate(stmts):
        if isinstance(s, gast.If):
            s.body, s.orelse = _restructure(s.body), _restructure(s.orelse)
        elif isinstance(s, (gast.For, gast.While)):
            s.body = _restructure(s.body)
        out.append(s)
        if isinstance(s, JUMPS):
            return out
        if _may_jump(s):
            rest = _restructure(stmts[i + 1:])
            if rest:
                _append_rest(s, rest)
            return out
    return out


def _append_rest(stmt: gast.If, rest: list) -> None:
    for block in (stmt.body, stmt.orelse):
        if block and isinstance(block[-1], JUMPS):
            continue
        if block and _may_jump(block[-1]):
            _append_rest(block[-1], rest)
        else:
            block.extend(copy.deepcopy(rest))


def _drop_continues(stmts: list) -> list:
    return _each_statement(stmts, lambda s: [] if isinstance(s, gast.Continue) else [s])


# ----- one return, at the end -----

def _single_return(body: list, result: str | None, namer: Namer) -> list:
    if result is None and body and isinstance(body[-1], gast.Return):
        return body
    if result is None:  # the return moved into a branch (after an if that raises)
        result = namer.fresh("result")
    body = _returns_to_assigns(body, result)
    _append_fallthrough(body, [assign(result, const(None))])
    return body + [gast.Return(value=load(result))]


def _returns_to_assigns(stmts: list, result: str) -> list:
    out = []
    for s in stmts:
        if isinstance(s, gast.Return):
            value = s.value if s.value is not None else const(None)
            if not (isinstance(value, gast.Name) and value.id == result):
                out.append(assign(result, value, like=s))
            out.append(gast.copy_location(gast.Pass(), s))  # marks: this path has returned
            continue
        if isinstance(s, gast.If):
            s.body = _returns_to_assigns(s.body, result)
            s.orelse = _returns_to_assigns(s.orelse, result)
        out.append(s)
    return out


def _append_fallthrough(block: list, rest: list) -> None:
    if block and isinstance(block[-1], (gast.Pass, gast.Raise)):
        return
    if block and isinstance(block[-1], gast.If):
        for b in (block[-1].body, block[-1].orelse):
            _append_fallthrough(b, rest)
        return
    block.extend(copy.deepcopy(rest))


def refused_throughout(node: gast.FunctionDef, filename: str) -> None:
    """A derivative s2sad generated whose body raises a refusal at its top level (a
    closed form refusing a keyword, ``np.quantile(method='nearest')``), differentiated
    again: that refusal, now, at its line (``errors.refusal_in_derivative`` names the
    user's), not a second derivative of a body that never returns."""
    if not filename.startswith("<s2sad "):
        return
    for s in node.body:
        exc = s.exc if isinstance(s, gast.Raise) else None
        if isinstance(exc, gast.Call) and isinstance(exc.func, gast.Name) and \
                exc.func.id == "DifferentiationError" and len(exc.args) == 1 and \
                isinstance(exc.args[0], gast.Constant) and \
                str(exc.args[0].value).startswith("<s2sad>:?: "):
            error = DifferentiationError(f"{filename}:{s.lineno}: {exc.args[0].value[11:]}")
            error.s2sad_again = True  # type: ignore[attr-defined]  # (the same refusal)
            raise error
