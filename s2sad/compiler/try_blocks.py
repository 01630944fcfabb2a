"""Part of stage 2: a ``try`` statement as the ``if`` it means, before the fence looks
at the function.

``try: A except E: H`` runs ``A``; where ``A`` raises ``E`` it runs ``H`` instead (``L =
cholesky(K)``, falling back to ``cholesky(K + jitter * I)``).  Which way it goes is a
branch flag, as an ``if``'s test is: a *probe*, ``A`` as a function of the variables it
reads, runs first (``try_completes``: -1 where it completes, else the index of the
first handler whose exceptions it raised), then ``if`` / ``elif`` take ``A`` (then
``else:``) or that handler, and ``finally:`` follows.  The probe runs ``A`` a second
time, so ``A`` must change nothing but its own names: no writes into objects, calls
for their effect, mutating methods nor random draws (refused, with the reason); a name it
updates with ``+=`` (a number, or an array in place) or a list it changes
(``out.append(v)``) is given to the probe as a copy.
Where ``A`` raises part way, the names its earlier statements bound keep their new
values in Python; a handler or the code after reading such a name is refused."""
from __future__ import annotations

import ast
import copy
import textwrap
from typing import Any

import gast

from s2sad import runtime
from s2sad.compiler.names import Namer, assign, const, load
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import walk
from s2sad.errors import error_at

# methods that change the object they are called on (a probe would change it twice)
_MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "update", "sort",
             "fill", "put", "resize", "setdefault", "popitem", "itemset", "partition",
             "reverse", "add", "discard", "__setitem__", "seed"}
# of those, the list's own: on a copy of the list, the probe changes nothing of the
# function's (the items it holds are not changed)
_LIST_MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "reverse"}
# methods that draw random numbers (a probe would draw them before the real run)
_DRAWS = {"normal", "uniform", "standard_normal", "random", "integers", "choice",
          "permutation", "shuffle", "randn", "rand", "randint", "binomial", "poisson",
          "exponential", "gamma", "beta", "multivariate_normal", "random_sample"}


def lowered(src: Any, namespace: dict, namer: Namer) -> None:
    """Each ``try`` of ``src.node`` replaced by its probe and ``if`` (refused, at its
    line, where that would not compute what Python computes)."""
    node = src.node
    if not any(s.__class__ is gast.Try for s in statement_nodes(node)):
        return
    given = {a.id for a in node.args.args + node.args.kwonlyargs} | \
        {a.id for a in (node.args.vararg, node.args.kwarg) if a is not None} | \
        set(getattr(src.fn, "__code__", None) and src.fn.__code__.co_freevars or ())
    local = given | {n.id for n in walk(node) if isinstance(n, gast.Name) and
                     isinstance(n.ctx, gast.Store)}
    low = _Lowering(src, namespace, namer, local, node)
    low.seen = set(given)
    node.body = _block(node.body, low, frozenset())


class _Lowering:
    def __init__(self, src: Any, namespace: dict, namer: Namer, local: set, node: Any):
        self.src, self.namespace, self.namer, self.local, self.node = \
            src, namespace, namer, local, node
        self.seen: set[str] = set()  # names some statement before the one at hand binds

    def refuse(self, at: gast.AST, why: str) -> Exception:
        return error_at(self.src.filename, at, "try/except", why)


def _block(stmts: list, low: _Lowering, looped: frozenset) -> list:
    """``stmts`` with their ``try`` statements lowered; ``looped``: the names the loops
    around them bind (bound on a later pass through a ``try`` before it binds them)."""
    out: list = []
    for s in stmts:
        if isinstance(s, gast.Try):
            out += _lowered(s, low, looped)
            continue
        inner = looped | _stores(s) if isinstance(s, (gast.For, gast.While)) else looped
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While, gast.With)) and \
                    isinstance(getattr(s, field, None), list):
                setattr(s, field, _block(getattr(s, field), low, inner))
        low.seen |= _stores(s)
        out.append(s)
    return out


def _lowered(t: gast.Try, low: _Lowering, looped: frozenset) -> list:
    """The probe's parameters: the names its block may read before binding them that
    may be bound when it starts (one a loop of the block binds may be unbound after
    it: the loop can run no times); a name bound on no path before it is the probe's
    own, unbound there as in Python."""
    _check(t, low)
    params = sorted(_read_first(t.body) & low.local & (low.seen | looped))
    low.seen |= _stores(t)
    probe = _probe(t, params, low)
    caught = gast.Tuple(elts=[h.type if h.type is not None else _ref(low, BaseException)
                              for h in t.handlers], ctx=gast.Load())
    updated = {name for s in t.body for n in walk(s) for name in [_updated(n)] if name}
    given = [gast.Call(func=_ref(low, copy.copy), args=[load(p)], keywords=[])
             if p in updated else load(p) for p in params]  # (x += v of an array: in place)
    call = gast.Call(func=_ref(low, runtime.try_completes),
                     args=[_ref(low, probe), caught, *given], keywords=[])
    body = _block(t.body, low, looped) + _block(t.orelse, low, looped)
    if len(t.handlers) == 1:  # (one flag: ``try_ok = try_completes(..) == -1``)
        which = low.namer.fresh("try_ok")
        made = [assign(which, _is_value(call, -1)),
                gast.If(test=load(which), body=body,
                        orelse=_block(t.handlers[0].body, low, looped))]
        return _located(made + _block(t.finalbody, low, looped), t)
    which = low.namer.fresh("try_path")
    chain: list = []
    for k in reversed(range(len(t.handlers))):
        handler = _block(t.handlers[k].body, low, looped)
        chain = handler if not chain else [gast.If(test=_is(which, k), body=handler,
                                                   orelse=chain)]
    branch = gast.If(test=_is(which, -1), body=body, orelse=chain)
    return _located([assign(which, call), branch] + _block(t.finalbody, low, looped), t)


def _located(made: list, t: gast.Try) -> list:
    for n in (n for s in made for n in walk(s)):  # (the new nodes at the try's line)
        if isinstance(n, (gast.stmt, gast.expr)) and getattr(n, "lineno", None) is None:
            gast.copy_location(n, t)
    return made


def _is(name: str, k: int) -> gast.Compare:
    return _is_value(load(name), k)


def _is_value(value: gast.expr, k: int) -> gast.Compare:
    return gast.Compare(left=value, ops=[gast.Eq()], comparators=[const(k)])


def _ref(low: _Lowering, obj: Any) -> gast.Name:
    """A fresh global name of the generated code for ``obj``."""
    name = low.namer.fresh(getattr(obj, "__name__", "ref"))
    low.namespace[name] = low.src.namespace[name] = obj  # (read by the normalizer, run)
    return load(name)


def _probe(t: gast.Try, params: list[str], low: _Lowering) -> Any:
    """``A`` as a function of the variables it reads first (run by ``try_completes``)."""
    from s2sad.differentiable import define
    body = [gast.gast_to_ast(gast.Module(body=[_jumps_returned(copy.deepcopy(s))],
                                         type_ignores=[])).body[0] for s in t.body]
    text = ast.unparse(ast.fix_missing_locations(ast.Module(body=body, type_ignores=[])))
    name = low.namer.fresh("try_probe")  # (the generated code's globals are its own)
    doc = f'"""The try block of line {t.lineno}, run first: does it raise?"""\n'
    return define(name, f"def {name}({', '.join(params)}):\n" +
                  textwrap.indent(doc + text, "    ") + "\n", low.namespace)


def _jumps_returned(s: gast.stmt) -> gast.stmt:
    """A ``break`` or ``continue`` of the loop around the ``try`` ends the try block
    without an exception: in the probe, a ``return``."""
    if isinstance(s, (gast.Break, gast.Continue)):
        return gast.copy_location(gast.Return(value=None), s)
    if isinstance(s, (gast.If, gast.With)):
        s.body = [_jumps_returned(b) for b in s.body]
        s.orelse = [_jumps_returned(b) for b in getattr(s, "orelse", [])]
    return s


def _read_first(stmts: list, bound: set[str] | None = None) -> set[str]:
    """The names ``stmts`` may read before binding them, in the order Python runs them
    (a loop's target bound before its body; after a block, only what it binds on every
    path: both branches of an ``if``, nothing of a loop's body, which may not run)."""
    bound = set() if bound is None else bound
    read: set[str] = set()
    for s in stmts:
        if isinstance(s, (gast.For, gast.While, gast.If)):
            head = s.iter if isinstance(s, gast.For) else s.test
            read |= _loads(head) - bound
            body, orelse = set(bound), set(bound)
            if isinstance(s, gast.For):
                body |= _stores(s.target)
            read |= _read_first(s.body, body) | _read_first(s.orelse, orelse)
            if isinstance(s, gast.If):
                bound |= body & orelse
            continue
        values = [v for v in (getattr(s, "value", None),) if v is not None] if \
            isinstance(s, (gast.Assign, gast.AnnAssign, gast.Return, gast.Expr)) else [s]
        read |= {n for v in values for n in _loads(v)} - bound
        if isinstance(s, gast.AugAssign) and isinstance(s.target, gast.Name):
            read |= {s.target.id} - bound  # (total += v reads total first)
        bound |= _stores(s)
    return read


def _loads(node: gast.AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}


def _stores(node: gast.AST) -> set[str]:
    return {n.id for n in walk(node) if isinstance(n, gast.Name) and
            isinstance(n.ctx, gast.Store)}


def _check(t: gast.Try, low: _Lowering) -> None:
    """Refuse what the probe and ``if`` would not compute as Python does."""
    for n in (n for s in t.body for n in walk(s)):
        why = _effect(n)
        if why is not None:
            raise low.refuse(n, f"its try block {why}, which the derivative runs twice (once "
                             "to find the path taken); do that outside the try, or on a copy")
    if t.finalbody and (any(isinstance(n, gast.Return) for s in t.body for n in walk(s)) or
                        _jumps_out(t.body)):
        raise low.refuse(t, "a return, break or continue in the try block of a try/finally "
                         "(Python runs the finally block first): move it after")
    for h in t.handlers:
        if h.name is not None and any(isinstance(n, gast.Name) and n.id == h.name.id
                                      for s in h.body for n in walk(s)):
            raise low.refuse(h, "the exception read in its handler: the derivative knows "
                             "which handler runs, not the exception; do not use it")
    _check_partial(t, low)


def _effect(n: gast.AST) -> str | None:
    """What a node of the try block does besides binding names, or None."""
    if isinstance(n, (gast.Assign, gast.AugAssign, gast.AnnAssign, gast.For)):
        targets = n.targets if isinstance(n, gast.Assign) else [n.target]
        if isinstance(n, gast.AugAssign) and not isinstance(n.target, gast.Name):
            return "updates a value in place (+=)"
        if any(isinstance(x, (gast.Subscript, gast.Attribute)) for t in targets
               for x in walk(t)):
            return "writes into an object"
    if isinstance(n, gast.Delete):
        return "deletes a name"
    if isinstance(n, gast.Expr) and not isinstance(n.value, gast.Constant) and \
            _updated(n.value) is None:
        return "calls a function for its effect"
    if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute):
        if n.func.attr in _MUTATORS and _updated(n) is None:
            return f"calls .{n.func.attr}(), which changes its object"
        chain = ast.unparse(gast.gast_to_ast(n.func))
        if n.func.attr in _DRAWS or ".random." in f".{chain}.":
            return "draws random numbers"
    return None


def _changed(s: gast.stmt) -> set[str]:
    """The names a statement binds or whose list it changes (``out.append(v)``)."""
    return _stores(s) | {name for n in walk(s) for name in [_updated(n)] if name}


def _updated(n: gast.AST) -> str | None:
    """The name a node of the try block changes the value of, which the probe is given
    a copy of: ``total += v`` (a number bound again, or an array written in place),
    ``out.append(v)`` (a list changed in place); None for any other node."""
    if isinstance(n, gast.AugAssign) and isinstance(n.target, gast.Name):
        return n.target.id
    if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
            isinstance(n.func.value, gast.Name) and n.func.attr in _LIST_MUTATORS:
        return n.func.value.id
    return None


def _jumps_out(stmts: list) -> bool:
    """A ``break`` or ``continue`` of a loop around the ``try``."""
    for s in stmts:
        if isinstance(s, (gast.Break, gast.Continue)):
            return True
        if isinstance(s, (gast.If, gast.With, gast.Try)) and \
                _jumps_out(getattr(s, "body", []) + getattr(s, "orelse", [])):
            return True
    return False


def _check_partial(t: gast.Try, low: _Lowering) -> None:
    """A name the try block binds before its last statement (or in a block of it) keeps
    its new value where a later statement raises: refused where a handler reads it, or
    a handler does not bind it and the function reads it outside the try block."""
    raising = [k for k, s in enumerate(t.body)  # (a jump or pass raises nothing)
               if not isinstance(s, (gast.Break, gast.Continue, gast.Pass))]
    last = raising[-1] if raising else -1
    early = {n for s in t.body[:max(last, 0)] for n in _changed(s)}
    if last >= 0 and not isinstance(t.body[last], (gast.Assign, gast.AnnAssign, gast.Return,
                                                   gast.Expr)):
        early |= _changed(t.body[last])  # (a block: bound part way through it)
    inside = {id(n) for s in t.body for n in walk(s)}
    for name in sorted(early):
        for h in t.handlers:
            read = any(isinstance(n, gast.Name) and n.id == name and
                       isinstance(n.ctx, gast.Load) for s in h.body for n in walk(s))
            bound = any(isinstance(n, gast.Name) and n.id == name and
                        isinstance(n.ctx, gast.Store) for s in h.body for n in walk(s))
            later = any(isinstance(n, gast.Name) and n.id == name and
                        isinstance(n.ctx, gast.Load) and id(n) not in inside
                        for n in walk(low.node))
            if read or not bound and later:
                raise low.refuse(h, f"{name} is bound in the try block before a statement "
                                 "that may raise, and read after it fails: Python keeps the "
                                 f"new {name}; bind it in the handler too, or move its "
                                 "binding to the try block's last statement")
