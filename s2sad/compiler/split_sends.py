"""A split VJP calling itself (:mod:`self_calls`), made cheaper per level where what its
own calls hand back is only added up (or taken over: :mod:`split_takes`).

Each level of a recursion runs the split once: a tree of n leaves runs it 2n - 1 times,
so what one run costs beyond its arithmetic counts as much as the arithmetic (a tree
RNN of width 16: half the gradient).  Where every cotangent a self-call sends back is
read only by ``dx = dx + cotangents[k]`` right after the send, three things hold:

- **All-zero branches yield None.**  A branch of the last statement of the reverse
  sweep that only binds the gradients it yields to new zeros (a leaf of a tree, the
  base case of a recursion reading no parameter) yields ``None`` instead; the sends add
  their cotangents under ``if cotangents is not None:`` (adding nothing is adding
  zeros), and the taped call's reverse rule makes the zeros where it is the outer call.
  A base case returning a parameter (``return b``) binds ``db`` to its cotangent, not to
  zeros: not such a branch.
- **Gradients cast once, at the outer call.**  ``cast_like(dx, x)`` of a float64 array
  parameter ``x`` is a linear map (the real part, the shape by broadcasting, the dtype),
  so the sum of cast cotangents is the cast of their sum: the split yields ``dx`` as it
  is where ``dx`` is surely a NumPy value (never a list, whose ``+`` would join) and is
  read only by those additions and the final yield; the taped call's reverse rule casts
  (:mod:`s2sad.recursion_tape`).
- **Shapes read as attributes.**  ``np.shape(x)`` of an array parameter the split is
  made for (``type(x) is np.ndarray``, never rebound) is ``x.shape``: no call (in any
  split calling itself).

Edited on the split's text (its lines and comments kept), per split: the argument
kinds it is made for are known (``Own.arrays``).
"""
from __future__ import annotations

import ast

import numpy as np

from s2sad import runtime
from s2sad.compiler import split_takes
from s2sad.compiler.self_calls import Own, _blocks

_ARRAY_METHODS = frozenset({"outer", "reduce", "accumulate"})  # a ufunc's: NumPy values
_ZEROS = (runtime.zeros_like,)
_GUARDED = {runtime.safe_mul: ast.Mult(), runtime.safe_div: ast.Div()}  # (as the operation)
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow,
               ast.MatMult)
_Edit = split_takes.Edit


def settle(text: str, own: Own, namespace: dict) -> tuple[str, bool]:
    """The split ``text`` made for ``own`` with the changes above where they hold
    (``namespace``: the split's globals, where its calls' names are looked up), and
    whether it yields a gradient uncast."""
    fn = ast.parse(text).body[0]
    if not isinstance(fn, ast.FunctionDef) or not fn.body or \
            not isinstance(fn.body[-1], ast.Expr) or \
            not isinstance(fn.body[-1].value, ast.Yield) or \
            not isinstance(fn.body[-1].value.value, ast.Tuple):
        return text, False
    params = [a.arg for a in fn.args.posonlyargs + fn.args.args]
    stored = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and
              isinstance(n.ctx, (ast.Store, ast.Del))}
    arrays = {p for p, dtype in zip(params, own.arrays) if dtype and p not in stored}
    edits = [_attribute(c) for c in ast.walk(fn) if isinstance(c, ast.Call) and
             _shape_read(c, arrays, namespace)]
    sends = _sends(fn, own.name)
    grads = fn.body[-1].value.value
    raw: list[_Edit] = []
    if sends and any(takes for _, _, takes in sends):
        edits += split_takes.handed_over(fn, grads, sends, namespace)
    elif sends:
        raw = _raw_yields(fn, grads, params, own, sends, namespace)
        edits += raw + _zero_branches(fn, grads, sends)
    return _edited(text, edits), bool(raw)


Send = tuple[str, list[ast.stmt], list[ast.stmt]]  # (c, its additions, its takes)


def _sends(fn: ast.FunctionDef, name: str) -> list[Send] | None:
    """Per send of a self-call's tape (``c = t.send(g)``): ``c``, the statements just
    after it adding ``c``'s items and those taking one over (``dx = fresh(c[k])``),
    ``del`` statements between them passed over; None where a cotangent it sends back
    is read otherwise."""
    tapes = {s.targets[0].id for s in ast.walk(fn) if isinstance(s, ast.Assign) and
             len(s.targets) == 1 and isinstance(s.targets[0], ast.Name) and
             _calls_self(s.value, name)}
    found: list[Send] = []
    reads = [n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and
             isinstance(n.ctx, ast.Load)]
    for block in _blocks(fn):
        for k, s in enumerate(block):
            c = _send_target(s, tapes)
            if c is None:
                continue
            adds: list[ast.stmt] = []
            takes: list[ast.stmt] = []
            for after in block[k + 1:]:
                if _added(after, c):
                    adds.append(after)
                elif split_takes.taken(after, c):
                    takes.append(after)
                elif not isinstance(after, ast.Delete):
                    break
            if reads.count(c) != len(adds) + len(takes):
                return None  # (read elsewhere: as it is)
            found.append((c, adds, takes))
    return found


def _calls_self(e: ast.expr, name: str) -> bool:
    """``name(...)``, or ``name(...) if guard else other(...)`` (:mod:`self_calls`)."""
    if isinstance(e, ast.IfExp):
        e = e.body
    return isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and e.func.id == name


def _send_target(s: ast.stmt, tapes: set[str]) -> str | None:
    if isinstance(s, ast.Assign) and len(s.targets) == 1 and \
            isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Call) and \
            isinstance(s.value.func, ast.Attribute) and s.value.func.attr == "send" and \
            isinstance(s.value.func.value, ast.Name) and s.value.func.value.id in tapes:
        return s.targets[0].id
    return None


def _added(s: ast.stmt, c: str) -> tuple[str, int] | None:
    """(``dx``, ``k``) of ``dx = dx + c[k]``, ``c[k] + dx`` or ``add_grads(dx, c[k])``
    (adjoints of containers, :func:`s2sad.runtime.add_grads`), else None."""
    if not (isinstance(s, ast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], ast.Name)):
        return None
    e = s.value
    if isinstance(e, ast.BinOp) and isinstance(e.op, ast.Add):
        pair = [e.left, e.right]
    elif isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and \
            e.func.id == "add_grads" and len(e.args) == 2 and not e.keywords:
        pair = list(e.args)
    else:
        return None
    target = s.targets[0].id
    for acc, item in (pair, pair[::-1]):
        if isinstance(acc, ast.Name) and acc.id == target and \
                isinstance(item, ast.Subscript) and isinstance(item.value, ast.Name) and \
                item.value.id == c and isinstance(item.slice, ast.Constant) and \
                type(item.slice.value) is int:
            return target, item.slice.value
    return None


def _raw_yields(fn: ast.FunctionDef, grads: ast.Tuple, params: list[str], own: Own,
                sends: list, namespace: dict) -> list[_Edit]:
    """``cast_like(dx, x)`` of the final yield as ``dx`` where that holds (see above):
    the cotangents the sends hand back for ``x`` are added into ``dx`` only, outside any
    loop, and after the first such addition ``dx`` is read only by the next ones and the
    yield (what the caller gets as it is never reaches other code)."""
    into: dict[int, set[str]] = {}  # position -> the names its cotangents are added to
    additions: dict[str, list[ast.stmt]] = {}
    for c, adds, _ in sends:
        for s in adds:
            acc, position = _added(s, c)  # type: ignore[misc]
            into.setdefault(position, set()).add(acc)
            additions.setdefault(acc, []).append(s)
    looped = {id(n) for loop in ast.walk(fn) if isinstance(loop, (ast.For, ast.While))
              for n in ast.walk(loop)}
    numeric = _numpy_values(fn, params, own, namespace)
    edits = []
    for i, e in enumerate(grads.elts):
        if not (i < min(len(params), len(own.arrays)) and own.arrays[i] == "float64" and
                _cast_of(e, params[i])):
            continue
        dx = e.args[0].id  # type: ignore[attr-defined]
        adds = additions.get(dx, [])
        if into.get(i, {dx}) != {dx} or dx not in numeric or \
                any(id(s) in looped for s in adds):
            continue
        allowed = {id(n) for s in adds for n in ast.walk(s)} | {id(n) for n in ast.walk(e)}
        first = min(((s.lineno, s.col_offset) for s in adds), default=None)
        if first is None or all(id(n) in allowed or (n.lineno, n.col_offset) < first
                                for n in ast.walk(fn) if isinstance(n, ast.Name) and
                                n.id == dx and isinstance(n.ctx, ast.Load)):
            edits.append((e.lineno, e.col_offset, e.end_lineno or e.lineno,
                          e.end_col_offset or 0, dx))
    return edits


def _cast_of(e: ast.expr, param: str) -> bool:
    return isinstance(e, ast.Call) and isinstance(e.func, ast.Name) and \
        e.func.id == "cast_like" and len(e.args) == 2 and not e.keywords and \
        isinstance(e.args[0], ast.Name) and isinstance(e.args[1], ast.Name) and \
        e.args[1].id == param


def _numpy_values(fn: ast.FunctionDef, params: list[str], own: Own,
                  namespace: dict) -> set[str]:
    """The names every binding of which is surely a NumPy array or scalar (added to a
    list, one of those makes an array: never a joined list)."""
    bindings: dict[str, list[ast.expr | None]] = {}
    for n in ast.walk(fn):
        if isinstance(n, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.With,
                          ast.NamedExpr, ast.comprehension)):
            simple = isinstance(n, ast.Assign) and len(n.targets) == 1 and \
                isinstance(n.targets[0], ast.Name)
            for t in ast.walk(n) if not simple else ():
                if isinstance(t, ast.Name) and isinstance(t.ctx, (ast.Store, ast.Del)):
                    bindings.setdefault(t.id, []).append(None)
            if simple:
                bindings.setdefault(n.targets[0].id, []).append(n.value)  # type: ignore
    kinds = {p: (True, dtype in _INEXACT) for p, dtype in zip(params, own.arrays)
             if dtype and p not in bindings}
    kinds.update((name, (True, True)) for name in bindings if name not in params)
    changed = True
    while changed:  # (the largest kinds closed under the rules: a name added to itself)
        changed = False
        for name, es in bindings.items():
            if name in kinds:
                found = [(False, False) if e is None else _kind(e, kinds, namespace)
                         for e in es]
                kind = (all(k[0] for k in found), all(k[1] for k in found))
                if kind != kinds[name]:
                    kinds[name] = (kind[0], kind[0] and kind[1])
                    changed = True
    return {name for name, (numpy, _) in kinds.items() if numpy}


_NO = (False, False)
_INEXACT = frozenset({"float16", "float32", "float64", "longdouble", "complex64",
                      "complex128", "clongdouble"})


def _kind(e: ast.expr, kinds: dict[str, tuple[bool, bool]], namespace: dict
          ) -> tuple[bool, bool]:
    """(surely a NumPy array or scalar, surely of an inexact dtype or a Python float) of
    ``e``, the names being of ``kinds``.  A product with a list on the left is a NumPy
    value only for an inexact NumPy value on the right (``[1.0] * np.int64(2)`` repeats
    the list)."""
    def again(x: ast.expr) -> tuple[bool, bool]:
        return _kind(x, kinds, namespace)
    if isinstance(e, ast.Constant):
        return False, type(e.value) in (float, complex)
    if isinstance(e, ast.Name):
        return kinds.get(e.id, _NO)
    if isinstance(e, ast.BinOp) and isinstance(e.op, _ARITHMETIC):
        (nl, il), (nr, ir) = again(e.left), again(e.right)
        numpy = nl or nr and (not isinstance(e.op, (ast.Mult, ast.Mod)) or
                              isinstance(e.op, ast.Mult) and ir)
        return numpy, numpy and (il or ir)
    if isinstance(e, ast.UnaryOp):
        return again(e.operand) if not isinstance(e.op, ast.Not) else _NO
    if isinstance(e, ast.IfExp):
        (nb, ib), (no, io) = again(e.body), again(e.orelse)
        return nb and no, ib and io
    if isinstance(e, ast.Attribute) and e.attr == "T":
        return again(e.value)
    if isinstance(e, ast.Subscript):  # (an item of an inexact array: a NumPy scalar; of
        numpy, inexact = again(e.value)  # an object array: anything)
        return numpy and inexact, numpy and inexact
    if isinstance(e, ast.Call) and not any(isinstance(a, ast.Starred) for a in e.args):
        return _call_kind(e, kinds, namespace)
    return _NO


def _call_kind(e: ast.Call, kinds: dict[str, tuple[bool, bool]], namespace: dict
               ) -> tuple[bool, bool]:
    """:func:`_kind` of a call: a ufunc's (or its ``outer``'s): a NumPy value, inexact
    where every loop but the object one makes an inexact value; ``zeros_like`` of a
    NumPy value: float64 zeros; ``safe_mul`` and ``safe_div``: their operation's."""
    func = split_takes.resolved(e.func, namespace)
    if isinstance(e.func, ast.Attribute) and e.func.attr in _ARRAY_METHODS:
        func = split_takes.resolved(e.func.value, namespace)
    if isinstance(func, np.ufunc) and not e.keywords:
        return True, all(t[-1] in "efdgFDG" for t in func.types if "O" not in t)
    if func in _ZEROS and len(e.args) == 1 and _kind(e.args[0], kinds, namespace)[0]:
        return True, True
    op = _GUARDED.get(func)
    if op is not None and len(e.args) == 2 and not e.keywords:  # (g * d, 0 where g is)
        return _kind(ast.BinOp(e.args[0], op, e.args[1]), kinds, namespace)
    return _NO


def _zero_branches(fn: ast.FunctionDef, grads: ast.Tuple, sends: list) -> list[_Edit]:
    """``yield None`` for the branches of the reverse sweep's last statement that bind
    every gradient yielded to new zeros, and the sends' additions under ``if c is not
    None:`` where there is one."""
    names = [split_takes.yielded_name(e) for e in grads.elts
             if not (isinstance(e, ast.Constant) and e.value is None)]
    wanted = {n for n in names if n is not None}
    if not names or None in names:
        return []
    k = len(fn.body) - 2
    while k >= 0 and isinstance(fn.body[k], ast.Delete):
        k -= 1
    last = fn.body[k] if k >= 0 else None
    edits: list[_Edit] = []
    while isinstance(last, ast.If):
        for branch in (last.body, last.orelse):
            if branch and _all_zeros(branch, wanted):
                edits.append(_lines(branch, "yield None  # (every gradient zero)"))
        last = last.orelse[0] if len(last.orelse) == 1 else None
    if edits:
        edits.extend(_guarded(c, adds) for c, adds, _ in sends if adds)
    return edits


def _all_zeros(branch: list[ast.stmt], wanted: set[str]) -> bool:
    """Does ``branch`` only bind each of ``wanted`` to ``zeros_like`` of a parameter?"""
    bound = set()
    for s in branch:
        if not (isinstance(s, ast.Assign) and len(s.targets) == 1 and
                isinstance(s.targets[0], ast.Name) and isinstance(s.value, ast.Call) and
                isinstance(s.value.func, ast.Name) and s.value.func.id == "zeros_like" and
                len(s.value.args) == 1 and isinstance(s.value.args[0], ast.Name)):
            return False
        bound.add(s.targets[0].id)
    return bound == wanted


def _lines(branch: list[ast.stmt], text: str) -> _Edit:
    """The edit putting ``text`` in place of the statements of ``branch``."""
    first, end = branch[0], branch[-1]
    return (first.lineno, first.col_offset, end.end_lineno or end.lineno,
            end.end_col_offset or 0, text)


def _guarded(c: str, additions: list[ast.stmt]) -> _Edit:
    """``if c is not None:`` over the additions (their text indented by the caller)."""
    return (additions[0].lineno, additions[0].col_offset,
            additions[-1].end_lineno or additions[-1].lineno,
            additions[-1].end_col_offset or 0, f"\0if {c} is not None:")


def _shape_read(e: ast.Call, arrays: set[str], namespace: dict) -> bool:
    return split_takes.resolved(e.func, namespace) is np.shape and \
        len(e.args) == 1 and not e.keywords and isinstance(e.args[0], ast.Name) and \
        e.args[0].id in arrays


def _attribute(e: ast.Call) -> _Edit:
    return (e.lineno, e.col_offset, e.end_lineno or e.lineno, e.end_col_offset or 0,
            f"{e.args[0].id}.shape")  # type: ignore[attr-defined]


def _edited(text: str, edits: list[_Edit]) -> str:
    """``text`` with each edit's span replaced (from the last, so earlier spans stay
    where they are); a span starting with NUL is indented under the line given after it."""
    lines = text.split("\n")
    for line, col, end, end_col, new in sorted(edits, key=lambda e: (e[0], e[1]),
                                               reverse=True):
        if new.startswith("\0"):
            indent = " " * col
            lines[line - 1:end] = [indent + new[1:]] + ["    " + t for t in lines[line - 1:end]]
            continue
        head, tail = lines[line - 1][:col], lines[end - 1][end_col:]
        lines[line - 1:end] = (head + new + tail).split("\n")
    return "\n".join(lines)
