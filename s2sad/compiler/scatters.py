"""Part of the late pass ``accumulate``: two scatters into one adjoint at one index
summed before the scatter.

A value gathered once and read twice, ``fp_j = fp[j]`` in ``slope = (fp[j + 1] -
fp_j) / h`` and ``inside = slope * t + fp_j``, gets two contributions, each scattered:

    dfp = add_at(dfp, None, j, dinside)
    ...
    dfp = add_at(dfp, None, j, -dslope_term)

Where nothing between the two mentions ``dfp`` or writes what the first reads, and
the adjoint is an array of a numeric dtype (its elements' adjoints are then numbers or
arrays: ``a + b`` is their sum, not a list's concatenation), the second takes both and
the first goes, ``dfp = add_at(dfp, None, j, dinside - dslope_term)``: one scatter (a
bincount over the index) instead of two.
"""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler import dtypes
from s2sad.compiler.names import call_named, origin, written_names
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes, same

_SIMPLE = (gast.Assign, gast.AugAssign, gast.Expr)


def merged(out: list, second: gast.stmt, arrays: Callable[[], set[str]]) -> bool:
    """Fold the scatter of the same line before ``second`` into ``d`` at the same index
    into ``second``, a scatter ``d = add_at(d, None, idx, b)`` (the first statement
    goes; ``second`` takes the sum of the values; scatters into ``d`` at other indices
    in between are passed over: scatters commute); False where nothing was done
    (``second`` is appended as it is, either way)."""
    b = _scatter(second)
    if b is None or b[1] is None:  # (add_at(None, ...) starts an adjoint afresh)
        return False
    target, _, idx, term_b = b
    if target in _names(term_b) | _names(idx):
        return False
    written: set[str] = set()  # by the statements between the two
    passed: list[gast.stmt] = []  # scatters into the target in between
    for k in range(len(out) - 1, -1, -1):
        first = out[k]
        if not isinstance(first, _SIMPLE) or origin(first) != origin(second):
            return False
        if target in _names(first):
            a = _scatter(first)
            if a is None or a[0] != target or target in _names(a[3]) | _names(a[2]):
                return False
            if not same(a[2], idx):
                if a[1] is None:
                    return False
                passed.append(first)  # (another index: passed over)
                continue
            if written & _names(first.value) or not _numeric(first, target, arrays()):
                return False
            # the next scatter into the target takes the accumulator (None: zeros like x)
            (passed[-1] if passed else second).value.args[:2] = first.value.args[:2]
            second.value.args[3] = _summed(a[3], term_b)
            del out[k]
            return False
        written |= written_names(first)
    return False


def _numeric(first: gast.stmt, target: str, arrays: set[str]) -> bool:
    """The adjoint scattered into is an array of a numeric dtype (``arrays``), or the
    first scatter makes its zeros like one: the values scattered into it are then the
    adjoints of its elements, arrays or numbers, never lists."""
    acc, like = first.value.args[0], first.value.args[1]
    return (target if isinstance(acc, gast.Name) else
            like.id if isinstance(like, gast.Name) else None) in arrays


def numeric_arrays(body: list, kinds: dict, namespace: dict) -> set[str]:
    """Names every binding of which is an array or number of a numeric dtype: an
    assignment of a value :mod:`dtypes` proves so, a scatter into the name itself
    (``add_at`` returns the array it adds into), or a write of its elements (which
    keeps an array an array; :mod:`dtypes` counts those as unknown: they may change a
    float64 array's values to another type's, not its kind)."""
    good: set[str] = set()
    bad: set[str] = set()
    for node in statement_nodes(body):
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and \
                isinstance(node.targets[0], gast.Name):
            name = node.targets[0].id
            scatter = _scatter(node)
            ok = scatter is not None and scatter[1] is not None or \
                dtypes.of(node.value, kinds, namespace) in (dtypes.F64, dtypes.REAL)
            (good if ok else bad).add(name)
        elif isinstance(node, (gast.Assign, gast.AugAssign)):
            targets = node.targets if isinstance(node, gast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, gast.Subscript) and isinstance(t.value, gast.Name):
                    continue  # (an element written)
                bad |= {n.id for n in name_nodes(t)}
        elif isinstance(node, gast.For):
            bad |= {n.id for n in name_nodes(node.target)}
    return (good | {n for n, k in kinds.items() if k in (dtypes.F64, dtypes.REAL)}) - bad


def _summed(a: gast.expr, b: gast.expr) -> gast.expr:
    """``a + b``; ``a - c`` of ``b = -c``, ``b - c`` of ``a = -c``."""
    if isinstance(b, gast.UnaryOp) and isinstance(b.op, gast.USub):
        return gast.BinOp(left=a, op=gast.Sub(), right=b.operand)
    if isinstance(a, gast.UnaryOp) and isinstance(a.op, gast.USub):
        return gast.BinOp(left=b, op=gast.Sub(), right=a.operand)
    return gast.BinOp(left=a, op=gast.Add(), right=b)


def _scatter(s: gast.stmt) -> tuple[str, gast.expr | None, gast.expr, gast.expr] | None:
    """(target, accumulator, index, value) of ``t = add_at(acc, x, idx, value)`` where
    ``acc`` is ``t`` or ``None`` (the accumulator returned None for ``None``)."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and call_named(s.value, "add_at") and
            len(s.value.args) == 4 and not s.value.keywords):
        return None
    acc = s.value.args[0]
    target = s.targets[0].id
    if isinstance(acc, gast.Constant) and acc.value is None:
        return target, None, s.value.args[2], s.value.args[3]
    if _is_name(acc, target):
        return target, acc, s.value.args[2], s.value.args[3]
    return None


def _is_name(e: gast.expr, name: str) -> bool:
    return isinstance(e, gast.Name) and e.id == name


def _names(e: gast.AST) -> set[str]:
    return {n.id for n in name_nodes(e)}
