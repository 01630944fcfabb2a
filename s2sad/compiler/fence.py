"""Stage 2: accept or reject every syntax node kind, before any code runs.

Input and output: the :class:`~s2sad.compiler.source.Source` of stage 1,
unchanged.  A construct s2sad cannot differentiate raises
:class:`DifferentiationError` with the real file and line and a rewrite.
"""
from __future__ import annotations

import gast

from s2sad.compiler import (
    chosen_functions,
    display_lambdas,
    lambda_lists,
    match_cases,
    setattr_statements,
    sets,
)
from s2sad.compiler.scope_statements import global_refused
from s2sad.compiler.source import Source
from s2sad.compiler.walks import walk
from s2sad.errors import error_at

# node kind -> (construct name, what to do instead)
REJECTED: dict[type, tuple[str, str]] = {
    gast.Try: ("try/except in a class's __init__ or a generator",
               "move the error handling outside them (in the function it is read: see "
               "supported.md)"),
    gast.With: ("with statement", "move the context manager outside the function"),
    gast.AsyncWith: ("async with", "differentiate a plain synchronous function"),
    gast.AsyncFor: ("async for", "differentiate a plain synchronous function"),
    gast.AsyncFunctionDef: ("async def", "differentiate a plain synchronous function"),
    gast.Await: ("await", "differentiate a plain synchronous function"),
    gast.Yield: ("yield", "differentiate the function that loops over the generator (a "
                 "generator it calls is read as the list it yields), or return a list"),
    gast.YieldFrom: ("yield from", "differentiate the function that loops over the generator "
                     "(a generator it calls is read as the list it yields), or return a list"),
    gast.ClassDef: ("class definition", "define the class outside the function"),
    gast.Lambda: ("lambda held in a list, dict or other expression",
                  "bind it to a name (f = lambda v: ...) or pass it straight to the call; "
                  "or define it with def"),
    gast.Starred: ("starred expression (*args)", "pass the arguments one by one ([a, *b], "
                   "(a, *b) and f(*t) of a tuple written in the function are read)"),
    gast.SetComp: ("set comprehension", "build a list instead"),
    gast.Import: ("an import inside the function of a name it also assigns",
                  "import at module level, or use another name"),
    gast.ImportFrom: ("a relative or * import inside the function", "import at module level"),
    gast.Match: ("match statement with a sequence, mapping or class pattern",
                 "use if/elif/else (value patterns, their alternatives and _ are read)"),
}


def check(src: Source, inlined: bool = False) -> Source:
    """Raise on the first rejected construct; otherwise return ``src``.  ``inlined``: a
    helper spliced into a call, whose ``*args`` / ``**kwargs`` the call binds."""
    if isinstance(src.node, gast.AsyncFunctionDef):
        construct, advice = REJECTED[gast.AsyncFunctionDef]
        raise error_at(src.filename, src.node, construct, advice)
    if not inlined:
        _check_signature(src)
    match_cases.lowered(src.node)  # (value patterns: an if chain)
    chosen_functions.lowered(src.node, src.filename)  # (if c: def g ... else: def g ...)
    sets.lowered(src.node)  # ({0, 2}: set((0, 2)))
    lambda_lists.lowered(src.node)  # ([lambda t, k=k: ... for k in ...]: one lambda)
    display_lambdas.lowered(src.node)  # ([lambda v: ..., np.tanh]: each named first)
    setattr_statements.lowered(src.node, src.namespace, src.filename)  # (m.w = v)
    for stmt in src.node.body:
        found = list(walk(stmt))  # (walked once, looked at twice)
        allowed = _allowed_in_calls(found)
        for node in found:
            if type(node) in REJECTED and id(node) not in allowed:
                construct, advice = REJECTED[_kind_refused(node)]
                raise error_at(src.filename, node, construct, advice)
            if type(node) in _CHECKED:
                _check_node(src, node)
            if type(node) is gast.Global:  # (of names only read: dropped)
                refused = global_refused(src.filename, node, src.node)
                if refused is not None:
                    raise refused
    return src


def _kind_refused(node: gast.AST) -> type:
    """The entry of REJECTED a node is refused under: a plain ``from m import f`` left
    in place is one whose name the function also assigns (``lse = None`` in an
    ``except ImportError``), not a relative or * import."""
    if isinstance(node, gast.ImportFrom) and not node.level and \
            all(a.name != "*" for a in node.names):
        return gast.Import
    return type(node)


# the statements _check_node looks at (the other nodes it passes)
_CHECKED = {gast.Delete, gast.For, gast.While, gast.Assign, gast.AugAssign}


def _allowed_in_calls(found: list) -> set[int]:
    """``f(*args)`` (checked when the call is normalized), ``[a, *b]`` (a join:
    :mod:`unpacked_displays`) and a lambda given to a call or
    returned (a local def: :mod:`local_functions`; ``functools.reduce``'s applied when
    the call is unrolled); ``found``: the nodes of a statement."""
    allowed: set[int] = set()
    for node in found:
        if isinstance(node, gast.Call):
            allowed |= {id(a) for a in node.args if isinstance(a, gast.Starred)}
            allowed |= {id(a) for a in [node.func, *node.args,
                                        *(k.value for k in node.keywords)]
                        if isinstance(a, gast.Lambda)}  # a function passed: a local def
        if isinstance(node, gast.Return) and isinstance(node.value, gast.Lambda):
            allowed.add(id(node.value))  # a helper making a closure: a local def returned
        if isinstance(node, (gast.List, gast.Tuple)) and isinstance(node.ctx, gast.Load):
            allowed |= {id(e) for e in node.elts if isinstance(e, gast.Starred)}  # [a, *b]
        if isinstance(node, gast.Assign) and isinstance(node.targets[0], (gast.Tuple, gast.List)):
            allowed |= {id(e) for e in node.targets[0].elts if isinstance(e, gast.Starred)}
        if isinstance(node, gast.Assign) and isinstance(node.value, gast.Lambda) and \
                isinstance(node.targets[0], gast.Name):
            allowed.add(id(node.value))  # f = lambda y: ...: a def inside, by another name
        if isinstance(node, gast.FunctionDef):  # a generator defined inside: its calls
            allowed |= {id(n) for n in walk(node)  # read as the lists it yields
                        if isinstance(n, (gast.Yield, gast.YieldFrom))}
        if isinstance(node, gast.With) and all(_only_warnings(i) for i in node.items):
            allowed.add(id(node))  # with np.errstate(...): its body, as it is
    return allowed


def _only_warnings(item: gast.withitem) -> bool:
    """``np.errstate(...)`` changes how warnings are reported, nothing else."""
    call = item.context_expr
    return isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and \
        call.func.attr == "errstate" and item.optional_vars is None


def _check_signature(src: Source) -> None:
    args = src.node.args
    if args.vararg or args.kwarg:
        raise error_at(src.filename, src.node, f"def {src.node.name}(*args/**kwargs)",
                       "name every parameter explicitly")


def _deleted_item(t: gast.expr) -> bool:
    """``del xs[i]``, ``del d[k]``: one item of a named list or dict (``xs.pop(i)``)."""
    return isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name) and \
        not isinstance(t.slice, (gast.Slice, gast.Tuple))


def _check_node(src: Source, node: gast.AST) -> None:
    names_only = all(_deleted_item(t) or isinstance(n, (gast.Name, gast.Tuple, gast.Del))
                     for t in node.targets for n in walk(t)) \
        if isinstance(node, gast.Delete) else True
    if not names_only:
        raise error_at(src.filename, node, "del of an attribute or a slice",
                       "build a new value without it instead")
    if isinstance(node, gast.Assign) or isinstance(node, gast.AugAssign):
        targets = node.targets if isinstance(node, gast.Assign) else [node.target]
        for t in targets:  # (r.a = v of a record built inside: field_writes)
            if isinstance(t, gast.Attribute) and not isinstance(t.value, gast.Name):
                raise error_at(src.filename, node, "assignment to an attribute",
                               "keep the value in a local variable and return it")
