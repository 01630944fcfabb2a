"""A generator of the user's called in the differentiated function (``for i, j in
pairs(n)``, ``sum(f(w) for w in windows(x, 3))``, ``for B in batches(X, 32)``): inlined
as the function that returns the list of what it yields, each ``yield v`` appending
``v`` and ``yield from it`` extending by ``it`` (what the refusal used to advise).  The
consumer then loops over the same values, made before its loop runs instead of one
at a time, which is the same where the loop's body does not change what the generator
reads.  Refused where the difference shows: a function that calls ``next`` or sends
into a generator, a ``yield`` used as a value, a ``while True`` with no ``break``
or ``return`` in it (a generator without end, read in part by its consumer), and a loop
whose body writes into an array it gave the generator (``loops._generator_fed``)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import gast

from s2sad.compiler import fence, source
from s2sad.compiler.names import load
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import walk

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer

_STEPPED = {"next", "send", "throw", "close"}  # (a generator read one value at a time)


def generator_list(norm: Normalizer, fn: Any, args: list, kws: list, node: gast.Call
                   ) -> gast.expr | None:
    """The list ``fn(*args)`` yields, its body inlined with the yields appends; None
    where that would not be what Python computes (the caller then refuses the
    ``yield``, as before)."""
    if _stepped(norm.src.node):
        return None
    src = source.load(fn)
    tree = clone(src.node)
    taken = {n.id for n in walk(tree) if isinstance(n, gast.Name)}
    out = next(f"yielded{k or ''}" for k in range(len(taken) + 1)
               if f"yielded{k or ''}" not in taken)
    body = _listed(tree.body, out)
    if body is None or any(isinstance(n, (gast.Yield, gast.YieldFrom)) for n in _walk(body)):
        return None
    _check_ends(body, src.filename)
    start = gast.Assign(targets=[gast.Name(id=out, ctx=gast.Store(), annotation=None,
                                           type_comment=None)],
                        value=gast.List(elts=[], ctx=gast.Load()), type_comment=None)
    first = tree.body[0]
    tree.body = [gast.copy_location(start, first), *body,
                 gast.copy_location(gast.Return(value=load(out)), tree.body[-1])]
    built = fence.check(source.Source(fn, tree, src.filename, src.namespace), inlined=True)
    from s2sad.compiler.inlining import inline
    return inline(norm, fn, args, kws, node, src=built)


def _walk(stmts: list) -> Any:
    return (n for s in stmts for n in walk(s))


def _stepped(node: gast.FunctionDef) -> bool:
    """Whether the function reads a generator a value at a time (``next(g)``)."""
    for n in walk(node):
        if isinstance(n, gast.Call):
            f = n.func
            name = f.id if isinstance(f, gast.Name) else f.attr if isinstance(
                f, gast.Attribute) else None
            if name in _STEPPED:
                return True
    return False


def _listed(stmts: list, out: str) -> list | None:
    """``stmts`` with each ``yield v`` statement ``out.append(v)``, ``yield from it``
    ``out.extend(it)``, each ``return`` ``return out``; nested blocks too."""
    done = []
    for s in stmts:
        if isinstance(s, gast.Expr) and isinstance(s.value, (gast.Yield, gast.YieldFrom)):
            v = s.value
            method = "append" if isinstance(v, gast.Yield) else "extend"
            item = v.value if v.value is not None else gast.Constant(value=None, kind=None)
            call = gast.Call(func=gast.Attribute(value=load(out), attr=method,
                                                 ctx=gast.Load()), args=[item], keywords=[])
            done.append(gast.copy_location(gast.Expr(value=call), s))
            continue
        if isinstance(s, gast.Return):
            done.append(gast.copy_location(gast.Return(value=load(out)), s))
            continue
        for field in ("body", "orelse"):
            inner = getattr(s, field, None)
            if isinstance(inner, list) and inner and isinstance(inner[0], gast.stmt):
                listed = _listed(inner, out)
                if listed is None:
                    return None
                setattr(s, field, listed)
        done.append(s)
    return done


def _check_ends(stmts: list, filename: str) -> None:
    """Refuse a ``while True`` loop with no ``break`` or ``return`` inside: the list of
    what it yields has no end."""
    for n in _walk(stmts):
        if isinstance(n, gast.While) and isinstance(n.test, gast.Constant) and n.test.value \
                and not any(isinstance(m, (gast.Break, gast.Return)) for m in _walk(n.body)):
            from s2sad.errors import DifferentiationError
            raise DifferentiationError(
                f"{filename}:{n.lineno}: a generator with no end (while True): s2sad "
                "makes the list of what it yields before the loop that reads it; give "
                "the generator an end, or pass the number of values it should yield")
