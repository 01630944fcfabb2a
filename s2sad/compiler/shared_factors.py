"""Part of the late pass ``share``: a matrix the derivative inverts anyway is not
factorised again for its solves.

A Gaussian likelihood ``slogdet(S)`` plus ``solve(S, Y)`` has ``inv(S)`` in the adjoint
of ``slogdet`` and ``solve(S, Y)`` (and ``solve(S.T, g)`` in its adjoint) besides: each
solve factorises ``S`` again.  Someone writing the gradient by hand inverts ``S`` once
and multiplies, ``Sinv @ Y``; so does the generated code here.  In a block (the function
body, or a loop's or a branch's body), for a two-dimensional square matrix ``M`` that the
block no longer binds again, where an ``inv(M)`` is evaluated whatever happens (a
statement of the block itself, outside the branches of ``a if c else b``), the inverse is
bound once in front of the first statement using ``M``, and every ``inv(M)``,
``solve(M, x)`` and ``solve(M.T, x)`` after it reads it (``M_inv @ x``, ``M_inv.T @ x``),
loops and branches inside the block too.  Moving the inverse earlier in the block changes
no error: ``inv`` raises on a singular matrix where ``solve`` does, and the block inverts
the matrix anyway.  For a two-dimensional ``M``, ``M_inv @ x`` broadcasts ``x`` as
``solve`` does (a vector, or a stack of matrices).

Where the block does not invert ``M`` but takes its Cholesky factor ``L`` (``M`` known
symmetric, ``symmetric.py``), the solves after it are two triangular solves with ``L``.
Otherwise, where ``M`` is solved with more than once (or in a loop), ``M_lu =
lu_factor(M)`` is bound in front of the first and each solve reads it, ``lu_solve(M_lu,
x)`` (``lu_solve(M_lu, x, True)`` for ``M.T``): ``lu_factor`` raises nothing, a singular
``M`` raises NumPy's error in the solve.  A name bound to ``M``'s transpose is read as
``M`` transposed, and dropped where no statement reads it any more.
"""
from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

import gast
import numpy as np

from s2sad.compiler import dims
from s2sad.compiler.names import Transformer, assign, load, np_attr
from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.pure_calls import always_evaluated
from s2sad.compiler.symmetric import symmetric_names
from s2sad.compiler.walks import blocks, name_nodes, nodes, walk_statements


class _Use(NamedTuple):
    """A call reading one matrix: ``inv(M)`` or ``solve(M, x)``, of ``M`` or ``M.T``."""

    call: gast.Call
    kind: str  # "inv" or "solve"
    matrix: str
    transposed: bool


def share_factors(body: list, namespace: dict, namer: Any, facts: dims.Facts) -> bool:
    """Rewrites ``body`` in place (each block, outermost first); True if it changed."""
    if not any(n.attr in ("inv", "solve") for n in nodes_of(body, (gast.Attribute,))):
        return False
    transposes = _transposes(body, namespace)
    if _block(body, namespace, namer, facts, transposes, symmetric_names(facts)):
        _drop_unread(body, set(transposes))
        _inverses(body, namespace, facts)
        return True
    return _inverses(body, namespace, facts)


def _drop_unread(stmts: list, names: set[str]) -> None:
    """The transposes ``T = M.T`` no statement reads any more (their solves read ``M``'s
    factors now)."""
    read = {n.id for n in name_nodes(stmts) if n.ctx.__class__ is gast.Load}
    for block in blocks(stmts):
        block[:] = [s for s in block if not (
            isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and s.targets[0].id in names - read)]


def _inverses(body: list, namespace: dict, facts: dims.Facts) -> bool:
    """Every other ``np.linalg.inv(M)`` of a square matrix as ``inverse(M)`` (by the LU
    factors, ``runtime/factors.py``)."""
    changed = False
    for n in nodes_of(body, (gast.Call,)):
        if not n.keywords and len(n.args) == 1 and \
                isinstance(n.func, gast.Attribute) and n.func.attr == "inv" and \
                evaluate_ref(n.func, namespace) is np.linalg.inv:
            shape = facts.of(n.args[0])
            if dims.known(shape) and len(shape) == 2 and shape[0] == shape[1]:
                n.func = load("inverse")
                changed = True
    return changed


def _block(stmts: list, namespace: dict, namer: Any, facts: dims.Facts,
           transposes: dict[str, str], symmetric: set[str]) -> bool:
    changed = False
    matrices = [u.matrix for s in stmts for u in _uses(s, namespace, transposes)]
    for matrix in dict.fromkeys(matrices):
        shape = facts.of(load(matrix))
        if not (dims.known(shape) and len(shape) == 2 and shape[0] == shape[1]):
            continue
        uses = [(i, u) for i, s in enumerate(stmts) for u in _uses(s, namespace, transposes)
                if u.matrix == matrix]
        stores = [i for i, s in enumerate(stmts) if matrix in stored(s)]
        segments = list(zip([-1, *stores], [*stores, len(stmts)]))  # (one value of M each)
        for start, end in reversed(segments):  # (a statement put in moves no earlier one)
            group = [(i, u) for i, u in uses if start < i < end]
            if group:
                changed |= _share(stmts, group, start, matrix, namer, namespace, symmetric)
    for s in stmts:
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                changed |= _block(getattr(s, field), namespace, namer, facts, transposes,
                                  symmetric)
    return changed


def _share(stmts: list, after: list, start: int, matrix: str, namer: Any, namespace: dict,
           symmetric: set[str]) -> bool:
    """One factorisation for the uses ``after`` of one value of ``matrix``, bound by
    ``stmts[start]`` (or before the block)."""
    plain = [_unconditional(stmts[i], u.call) for i, u in after]
    if start >= 0 and not isinstance(stmts[start], (gast.Assign, gast.AugAssign)) and \
            not any(plain):
        return False  # (bound by a branch or a loop, read only inside others: maybe
        # unbound in front of them; the branches share their own, :func:`_block`)
    if any(p and u.kind == "inv" for p, (_, u) in zip(plain, after)):
        if len(after) > 1:
            _once(stmts, after, matrix, namer, "inverse")
            return True
        return False
    solves = [(i, u) for i, u in after if u.kind == "solve"]
    factor = _cholesky(stmts, start, matrix, namespace) if matrix in symmetric else None
    if factor is not None and any(i > factor[0] for i, _ in solves):
        _by_cholesky(stmts, [(i, u) for i, u in solves if i > factor[0]], factor[1])
        return True
    if start < 0 and not any(plain) and all(isinstance(stmts[i], gast.If) for i, _ in solves):
        return False  # (M bound before the block, maybe under an if of the forward sweep,
        # solved only under branches here: factorised in front of them, an unbound M was
        # read where the branch is not taken; the branches share their own, :func:`_block`)
    looped = any(not isinstance(stmts[i], (gast.Assign, gast.AugAssign))
                 for i, _ in solves)  # (in a loop, or a branch, inside the block)
    if (len(solves) > 1 or looped) and (looped or any(
            p for (_, u), p in zip(after, plain) if u.kind == "solve")):
        _once(stmts, solves, matrix, namer, "lu_factor")
        return True
    return False


def _once(stmts: list, after: list, matrix: str, namer: Any, helper: str) -> None:
    """``M_inv = inverse(M)`` (``M_lu = lu_factor(M)``) in front of the first statement
    of ``after``'s uses (or that statement itself where it is ``N = np.linalg.inv(M)``,
    the inverse bound once), read by all of them."""
    first_at, first = after[0]
    s = stmts[first_at]
    bound = s.targets[0].id if helper == "inverse" and first.kind == "inv" and \
        not first.transposed and isinstance(s, gast.Assign) and s.value is first.call and \
        isinstance(s.targets[0], gast.Name) else None
    if bound is not None and not any(bound in stored(t) for t in stmts[first_at + 1:]):
        s.value = gast.Call(func=load(helper), args=[load(matrix)], keywords=[])
        name, rest, shift = bound, after[1:], 0
    else:
        name = namer.fresh(f"{matrix}_{'inv' if helper == 'inverse' else 'lu'}")
        rest, shift = after, 1
        made = gast.Call(func=load(helper), args=[load(matrix)], keywords=[])
        like = next(t for t in walk_statements(s) if any(n is first.call for n in nodes([t]))
                    and not isinstance(t, (gast.If, gast.For, gast.While)))
        stmts.insert(first_at, assign(name, made, like=like))
    swaps = {id(u.call): _read(u, name, helper) for _, u in rest}
    for i in dict.fromkeys(i for i, _ in rest):
        Swap(swaps).visit(stmts[i + shift])


def _cholesky(stmts: list, start: int, matrix: str, namespace: dict
              ) -> tuple[int, str] | None:
    """``(j, L)`` of a statement ``L = np.linalg.cholesky(M)`` of the block after ``M``'s
    binding ``stmts[start]`` and before the next, ``L`` not bound again after it."""
    for j in range(start + 1, len(stmts)):
        s = stmts[j]
        if matrix in stored(s):
            return None
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.Call) and \
                not s.value.keywords and len(s.value.args) == 1 and \
                isinstance(s.value.args[0], gast.Name) and s.value.args[0].id == matrix and \
                evaluate_ref(s.value.func, namespace) is np.linalg.cholesky and \
                not any(s.targets[0].id in stored(t) for t in stmts[j + 1:]):
            return j, s.targets[0].id
    return None


def _by_cholesky(stmts: list, solves: list, factor: str) -> None:
    """Each ``solve(M, x)`` (``M`` symmetric: ``solve(M.T, x)`` too) as two triangular
    solves with the Cholesky factor ``L`` of ``M = L L^T``."""
    def tri(b: gast.expr, trans: bool) -> gast.Call:
        flags = [gast.Constant(value=True, kind=None)] * (2 if trans else 1)
        return gast.Call(func=load("tri_solve"), args=[load(factor), b, *flags], keywords=[])
    swaps = {id(u.call): tri(tri(u.call.args[1], False), True) for _, u in solves}
    for i in dict.fromkeys(i for i, _ in solves):
        Swap(swaps).visit(stmts[i])


def _read(u: _Use, name: str, helper: str) -> gast.expr:
    if helper == "lu_factor":  # (no inverse among the uses: solves only)
        trans = [gast.Constant(value=True, kind=None)] if u.transposed else []
        return gast.Call(func=load("lu_solve"), args=[load(name), u.call.args[1], *trans],
                         keywords=[])
    inverse: gast.expr = load(name)
    if u.transposed:
        inverse = gast.Attribute(value=inverse, attr="T", ctx=gast.Load())
    if u.kind == "inv":
        return inverse
    return gast.BinOp(left=inverse, op=gast.MatMult(), right=u.call.args[1])


class Swap(Transformer):
    """Each call of ``swaps`` (by id) replaced by its expression (the uses in that
    expression replaced too)."""

    def __init__(self, swaps: dict[int, gast.expr]) -> None:
        self.swaps = swaps

    def visit_Call(self, node: gast.Call) -> gast.expr:
        new = self.swaps.get(id(node))
        if new is not None:
            self.generic_visit(new)  # (the right-hand side may hold a use itself)
            return new
        self.generic_visit(node)
        return node


def _uses(s: gast.stmt, namespace: dict, transposes: dict[str, str]) -> list[_Use]:
    out = []
    for n in nodes([s]):
        if n.__class__ is not gast.Call or n.keywords or \
                not (isinstance(n.func, gast.Attribute) and n.func.attr in ("inv", "solve")):
            continue
        fn = evaluate_ref(n.func, namespace)
        kind = "inv" if fn is np.linalg.inv and len(n.args) == 1 else \
            "solve" if fn is np.linalg.solve and len(n.args) == 2 else None
        matrix = _matrix(n.args[0], namespace) if kind is not None else None
        if matrix is not None and matrix[0] in transposes:  # (T = M.T: T.T is M)
            matrix = transposes[matrix[0]], not matrix[1]
        if matrix is not None:
            out.append(_Use(n, kind, *matrix))  # type: ignore[arg-type]
    return out


def _matrix(e: gast.expr, namespace: dict) -> tuple[str, bool] | None:
    """``M``, ``M.T``, ``np.transpose(M)`` or ``np.matrix_transpose(M)`` of a name."""
    if isinstance(e, gast.Name):
        return e.id, False
    if isinstance(e, gast.Attribute) and e.attr == "T" and isinstance(e.value, gast.Name):
        return e.value.id, True
    if isinstance(e, gast.Call) and len(e.args) == 1 and not e.keywords and \
            isinstance(e.args[0], gast.Name) and evaluate_ref(e.func, namespace) in (
                np.transpose, getattr(np, "matrix_transpose", np.transpose)):
        return e.args[0].id, True
    return None


def _transposes(body: list, namespace: dict) -> dict[str, str]:
    """``T -> M`` for the names ``T`` bound once to the transpose of a name ``M`` bound
    at most once (``transpose = A.T``, which the solve's adjoint transposes again)."""
    stores = Counter(n.id for n in name_nodes(body) if n.ctx.__class__ is not gast.Load)
    out = {}
    for s in walk_statements(gast.Module(body=body, type_ignores=[])):
        if isinstance(s, gast.Assign) and len(s.targets) == 1 and \
                isinstance(s.targets[0], gast.Name) and stores[s.targets[0].id] == 1:
            matrix = _matrix(s.value, namespace)
            if matrix is not None and matrix[1] and stores[matrix[0]] <= 1:
                out[s.targets[0].id] = matrix[0]
    return out


def _unconditional(s: gast.stmt, call: gast.Call) -> bool:
    """Whether ``s``, a statement of the block, evaluates ``call`` whenever it runs."""
    return isinstance(s, (gast.Assign, gast.AugAssign)) and \
        any(n is call for n in always_evaluated(s.value))


def stored(s: gast.stmt) -> set[str]:
    return {n.id for n in name_nodes([s]) if n.ctx.__class__ is not gast.Load}


def _linalg(attr: str) -> gast.Attribute:
    return gast.Attribute(value=np_attr("linalg"), attr=attr, ctx=gast.Load())
