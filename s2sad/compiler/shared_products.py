"""Part of the late pass ``share``: a product a block computed already is not computed
again as part of a longer product.

The adjoint of ``S_new = S * e`` with ``e = np.exp(u)`` is ``dS = dS_new * e`` and, for
``u``, ``dS_new * S * e`` (``exp``'s rule multiplies by its value): two multiplications
per element where one would do, ``du = dS * S``, since ``dS`` holds ``dS_new * e``
already.  Someone writing the reverse sweep by hand reuses it; so does the generated
code here.  In a block (the function body, or a loop's or a branch's body), for an
assignment ``p = a * b`` of a product of names (two or more, ``p`` not among them), a
later statement of the same block whose right-hand side (of ``=`` or ``+=``) is, or
holds, a product of those factors and more (``a * c * b``, ``-(a * c * b @ t)``) reads
``p`` instead of them (``p * c``), where no
statement between binds or writes into ``p`` or any of its factors (a statement in a
nested loop or branch counts as binding every name it binds anywhere inside).

Elementwise multiplication of arrays and numbers is commutative and associative up to
rounding, and broadcasting is too, so the value is the same product rounded in another
order (within an ulp or two of each factor's contribution); the shape and the dtype
NumPy gives it are the same.  A product whose factors are not all names (a call, an
attribute) is left alone: such a factor could be evaluated for its effect.

Likewise a factor ``1.0 - s`` (a number and a name) bound already, ``t = 1.0 - s``,
with neither bound again since, is read as ``t``: the same operation on the same
numbers, not computed again.
"""
from __future__ import annotations

from collections import Counter
from typing import Any

import gast

from s2sad.compiler.names import load, written_names
from s2sad.compiler.statement_walks import statement_nodes
from s2sad.compiler.walks import name_nodes, nodes, same


def share_products(body: list) -> bool:
    """Rewrites ``body`` in place, every block of it; True if it changed."""
    changed = False
    available: list[tuple[str, Counter]] = []  # (name, its factors) computed in this block
    shifted: list[tuple[str, gast.BinOp]] = []  # (name, ``1.0 - s``) computed in this block
    for s in body:
        if isinstance(s, gast.Assign) and len(s.targets) == 1 or \
                isinstance(s, gast.AugAssign):
            changed |= _reuse(s, available) | _reuse_shifted(s, shifted)
        for field in ("body", "orelse"):
            if isinstance(s, (gast.If, gast.For, gast.While)):
                changed |= share_products(getattr(s, field))
        if available:  # (what ``s`` binds matters only to a product computed before it)
            bound = bound_names(s)
            available = [(p, f) for p, f in available
                         if p not in bound and not bound & {n.lstrip("/") for n in f}]
        if shifted:
            bound = bound_names(s)
            shifted = [(t, e) for t, e in shifted if t not in bound and
                       not bound & {n.id for n in nodes(e) if isinstance(n, gast.Name)}]
        made = _product_of_names(s)
        if made is not None:
            available.append(made)
        if _shift_of_name(s):
            shifted.append((s.targets[0].id, s.value))
    return changed


def _shift_of_name(s: gast.stmt) -> bool:
    """``t = 1.0 - s`` (a number and a name, added or taken away; ``t`` not ``s``)."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name) and isinstance(s.value, gast.BinOp) and
            isinstance(s.value.op, (gast.Add, gast.Sub))):
        return False
    sides = [s.value.left, s.value.right]
    names = [x for x in sides if isinstance(x, gast.Name)]
    return len(names) == 1 and names[0].id != s.targets[0].id and any(
        isinstance(x, gast.Constant) and type(x.value) in (int, float) for x in sides)


def _reuse_shifted(s: gast.Assign | gast.AugAssign,
                   shifted: list[tuple[str, gast.BinOp]]) -> bool:
    """A factor ``1.0 - s`` of ``s``'s product read through the name it was bound to
    (the adjoint of a sigmoid ``g * s * (1.0 - s)`` after ``1.0 - s`` made forward)."""
    factors = _factors(s.value) if shifted else None
    if factors is None:
        return False
    changed = False
    for node in [n for n in nodes(s.value) if isinstance(n, gast.BinOp)]:
        for field in ("left", "right"):
            child = getattr(node, field)
            if any(c is child for c in factors):
                name = next((t for t, e in shifted if same(e, child)), None)
                if name is not None:
                    setattr(node, field, load(name))
                    changed = True
    return changed


def _reuse(s: gast.Assign | gast.AugAssign, available: list[tuple[str, Counter]]) -> bool:
    """Each product of ``s``'s value (the value itself, or a product inside it that is
    not a factor of a larger one: ``-(dm * n * k * e @ tau)``) read through the largest
    product computed before that it holds."""
    if not available:
        return False
    changed = False
    value = _through_known(s.value, available)
    if value is not None:
        s.value, changed = value, True
    for holder, key in _inner_products(s.value):
        node = holder[key] if isinstance(holder, list) else getattr(holder, key)
        value = _through_known(node, available)
        if value is not None:
            if isinstance(holder, list):
                holder[key] = value
            else:
                setattr(holder, key, value)
            changed = True
    return changed


def _inner_products(e: gast.expr) -> list[tuple[Any, Any]]:
    """(parent node or list, field or index) of each product (or quotient) inside
    ``e`` whose parent is not one."""
    out: list[tuple[Any, Any]] = []
    for node in nodes(e):
        if _is_product(node):
            continue  # (its operands are factors of the product it is)
        for field, child in gast.iter_fields(node):
            if _is_product(child):
                out.append((node, field))
            elif isinstance(child, list):
                out += [(child, i) for i, item in enumerate(child) if _is_product(item)]
    return out


def _is_product(e: object) -> bool:
    return isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Mult, gast.Div))


def _through_known(e: gast.expr, available: list[tuple[str, Counter]]) -> gast.expr | None:
    """``e``, a product, with the largest product computed before that it holds read
    through its name; None where ``e`` holds none."""
    terms = _terms(e)
    if terms is None or len(terms) < 3:
        return None
    names = Counter(_key(f, under) for f, under in terms if isinstance(f, gast.Name))
    best = max((a for a in available if sum(a[1].values()) < len(terms) and
                not a[1] - names), key=lambda a: sum(a[1].values()), default=None)
    if best is None:
        return None
    left = Counter(best[1])
    rest = []
    for f, under in terms:
        if isinstance(f, gast.Name) and left[_key(f, under)]:
            left[_key(f, under)] -= 1
        else:
            rest.append((f, under))
    value: gast.expr = load(best[0])
    for f, under in rest:
        value = gast.BinOp(left=value, op=gast.Div() if under else gast.Mult(), right=f)
    return value


def _terms(e: gast.expr) -> list[tuple[gast.expr, bool]] | None:
    """The factors of a product or quotient ``a * b / c`` (any grouping of the
    products; a divisor taken whole), each with whether it divides; None if ``e`` is
    neither."""
    if not (isinstance(e, gast.BinOp) and isinstance(e.op, (gast.Mult, gast.Div))):
        return None
    out = _terms(e.left) or [(e.left, False)]
    if isinstance(e.op, gast.Div):
        return out + [(e.right, True)]
    right = e.right
    inner = _terms(right) if isinstance(right, gast.BinOp) and \
        isinstance(right.op, gast.Mult) else None
    return out + (inner or [(right, False)])


def _key(f: gast.Name, under: bool) -> str:
    """A factor's key: its name, or ``/name`` for a divisor (no name starts so)."""
    return "/" + f.id if under else f.id


def _factors(e: gast.expr) -> list | None:
    """The factors of a product ``a * b * c`` (any grouping); None if ``e`` is not one."""
    if not (isinstance(e, gast.BinOp) and isinstance(e.op, gast.Mult)):
        return None
    out: list = []
    for side in (e.left, e.right):
        inner = _factors(side)
        out += inner if inner is not None else [side]
    return out


def _product_of_names(s: gast.stmt) -> tuple[str, Counter] | None:
    """(p, its factors) for ``p = a * b * ...`` (or ``a / b``) of names only, ``p`` not
    among them."""
    if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and
            isinstance(s.targets[0], gast.Name)):
        return None
    terms = _terms(s.value)
    if terms is None or not all(isinstance(f, gast.Name) for f, _ in terms):
        return None
    names = Counter(_key(f, under) for f, under in terms)
    target = s.targets[0].id
    return None if target in names else (target, names)


def bound_names(s: gast.stmt) -> set[str]:
    """Every name ``s`` binds or writes into, anywhere inside it (its names' walk, and
    its statements' without the expressions: six parts of ``share`` ask this of every
    statement)."""
    load = gast.Load
    out = {n.id for n in name_nodes(s) if n.ctx.__class__ is not load}
    if isinstance(s, (gast.If, gast.For, gast.While)):
        for inner in statement_nodes(s):
            if isinstance(inner, gast.stmt):
                out |= written_names(inner)
        return out
    return written_names(s) | out
