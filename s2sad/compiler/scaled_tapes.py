"""Part of the late pass ``share``: a matrix scaled row- or column-wise that the reverse
sweep reads only in matrix products is taped as its scale, not as the scaled matrix.

Reweighted least squares steps compute ``Xw = X * w[:, None]`` (n x p numbers) and
solve with ``Xw.T @ X`` and ``Xw.T @ y``; the adjoint of ``Xw.T @ y`` with respect to
``y`` is ``Xw @ g``, so the forward loop pushes the n x p product on every step (each a
new block of memory for the tape).  A scaling is a product with a diagonal matrix, which
moves to the other side of a matrix product: ``(X * w[:, None]) @ g == w * (X @ g)``,
``g @ (X * w[:, None]) == (g * w) @ X``, and ``X * w`` (columns) alike.  Here the push
holds ``w`` (n numbers) in place of the scaled matrix and each read after the pop is
written with ``X`` and ``w``::

    stack.append((Xw_T, r))           stack.append((w, r))
    Xw_T, r = stack.pop()             w, r = stack.pop()
    dy += Xw_T.T @ g                  dy += w * (X @ g)

Done where the matrix is a parameter (generated code never writes into one) no
statement binds, the scale a name of one axis bound by its own statement before the
scaling in the push's block, never written in place nor held by another name that is
(a view of it could be); where the scaled matrix, or its transpose, is what the push
holds, and every read of the popped name after the pop is an operand of ``@`` with the
other operand of one or two axes (a vector or a matrix).
"""
from __future__ import annotations

import gast

from s2sad.compiler import dims
from s2sad.compiler.names import IN_PLACE_HELPERS, load
from s2sad.compiler.primitives import evaluate_ref
from s2sad.compiler.remat_views import _binding, _bound, _items, _places, tape_ends
from s2sad.compiler.walks import clone, name_nodes, nodes, parent_map

_MUTATORS = frozenset({"append", "extend", "insert", "fill", "sort", "resize", "put",
                       "itemset", "setfield", "partition"})
_NUMPY_WRITERS = frozenset({"copyto", "put", "place", "putmask", "fill_diagonal",
                            "put_along_axis"})
# the runtime's helpers that write into an argument (the others only read theirs)
_WRITERS = IN_PLACE_HELPERS | {"add_flat", "add_at"}


def tape_scales(body: list, params: set[str], shapes: dims.Facts, namespace: dict) -> bool:
    """Rewrite ``body`` so (in place); True if anything changed."""
    places = _places(body)
    pushes, pops = tape_ends(places)
    changed = False
    for pop in pops:
        push = pushes.get(pop.s2sad_slot)
        if push is not None:
            changed |= _one(body, pop, push, places, params, shapes, namespace)
    return changed


def _one(body: list, pop: gast.Assign, push: gast.Expr, places: dict, params: set[str],
         shapes: dims.Facts, namespace: dict) -> bool:
    """Each matrix scaling ``push`` holds and ``pop`` gives back, taped as its scale."""
    pushed, popped = _items(push.value.args[0]), _items(pop.targets[0])
    if len(pushed) != len(popped):
        return False
    push_block, pop_block = places[id(push)][1], places[id(pop)][1]
    changed = False
    for p, q in list(zip(pushed, popped)):
        if not (isinstance(p, gast.Name) and isinstance(q, gast.Name) and p.id == q.id):
            continue
        scaling = _scaling(p.id, push, push_block, body, params, shapes, namespace)
        if scaling is None:
            continue
        matrix, scale, transposed, rows = scaling
        held = {n.id for n in pushed if isinstance(n, gast.Name)}
        rewrites = _reads(p.id, pop, pop_block, push_block, body, shapes)
        if rewrites is None or scale not in held and _read_beyond(scale, push_block, body):
            continue
        for read, product in rewrites:  # (``Xw_T.T`` is the scaled matrix itself)
            turned = transposed != isinstance(read, gast.Attribute)  # (reads S.T)
            _rewrite(product, read, matrix, scale, rows != turned, turned, shapes)
        if scale in held:  # (the push holds the scale already: the slot goes)
            k = next(i for i, n in enumerate(pushed) if n is p)
            del pushed[k], popped[k]
        else:
            p.id, q.id = scale, scale
        push.value.args[0] = pushed[0] if len(pushed) == 1 else \
            gast.Tuple(elts=pushed, ctx=gast.Load())
        pop.targets[0] = popped[0] if len(popped) == 1 else \
            gast.Tuple(elts=popped, ctx=gast.Store())
        changed = True
    return changed


def _read_beyond(name: str, block: list, body: list) -> bool:
    """Whether ``name`` is read outside ``block`` (popped there, it would be rebound)."""
    inside = sum(n.id == name and isinstance(n.ctx, gast.Load) for n in name_nodes(block))
    return inside != sum(n.id == name and isinstance(n.ctx, gast.Load)
                         for n in name_nodes(body))


def _scaling(name: str, push: gast.Expr, block: list, body: list, params: set[str],
             shapes: dims.Facts, namespace: dict) -> tuple[str, str, bool, bool] | None:
    """(matrix, scale, whether ``name`` is the transpose, whether rows are scaled) where
    ``name`` is bound in ``block`` before the push to ``A * v[:, None]`` (rows) or
    ``A * v`` (columns), or to the transpose of a name bound so."""
    at = block.index(push)
    found = _binding(name, block, at)
    if found is None:
        return None
    k, value = found
    transposed = isinstance(value, gast.Attribute) and value.attr == "T" and \
        isinstance(value.value, gast.Name)
    if transposed:
        found = _binding(value.value.id, block, k)
        if found is None or any(value.value.id in _bound(s) for s in block[k + 1:at]):
            return None
        k, value = found
    if not (isinstance(value, gast.BinOp) and isinstance(value.op, gast.Mult)):
        return None
    for a, v in ((value.left, value.right), (value.right, value.left)):
        if isinstance(v, gast.Name) and shapes.rank_of(v) == 2:  # (``w_item = w[:, None]``)
            view = _binding(v.id, block, k)
            v = view[1] if view is not None and isinstance(view[1], gast.Subscript) else v
        rows = _scale_name(v, shapes)
        if isinstance(a, gast.Name) and a.id in params and shapes.rank_of(a) == 2 and \
                rows is not None and not any(a.id in _bound(s) for s in nodes(body)
                                             if isinstance(s, gast.stmt)):
            scale = rows[0]
            made = _binding(scale, block, k)
            if made is not None and not any(scale in _bound(s) for s in block[k:at]) and \
                    not _may_change(scale, body, namespace):
                return a.id, scale, transposed, rows[1]
    return None


def _scale_name(v: gast.expr, shapes: dims.Facts) -> tuple[str, bool] | None:
    """(name, whether it scales rows) of ``v[:, None]`` (rows), ``v`` or ``v[None, :]``
    (columns) of a name ``v`` of one axis."""
    rows = isinstance(v, gast.Subscript) and _slices(v.slice) == ["all", "new"]
    cols = isinstance(v, gast.Subscript) and _slices(v.slice) == ["new", "all"]
    base = v.value if rows or cols else v
    if isinstance(base, gast.Name) and shapes.rank_of(base) == 1:
        return base.id, rows
    return None


def _slices(index: gast.expr) -> list[str]:
    out = []
    for p in _items(index):
        if isinstance(p, gast.Constant) and p.value is None:
            out.append("new")
        elif isinstance(p, gast.Slice) and p.lower is None and p.upper is None and \
                p.step is None:
            out.append("all")
        else:
            out.append("other")
    return out


def _may_change(name: str, body: list, namespace: dict) -> bool:
    """Whether ``body`` may write into the array ``name`` holds: through it or a name
    bound to a view of it (``t = v[1:]``; ``t[0] = 1``), by an item or in-place
    assignment, a mutating method or a call's ``out=``; or hands it to a call that is
    not NumPy's (which could keep or write it)."""
    held = {name}
    for s in nodes(body):  # (a name bound to an expression that may be a view of it)
        if isinstance(s, gast.Assign) and _shares(s.value, held):
            held |= {n.id for t in s.targets for n in name_nodes(t)}
    for n in nodes(body):
        if isinstance(n, gast.AugAssign) and _base(n.target) in held:
            return True
        if isinstance(n, gast.Assign) and any(
                isinstance(t, (gast.Subscript, gast.Attribute)) and _base(t) in held
                for t in n.targets):
            return True
        if isinstance(n, gast.Call) and _call_may_change(n, held, namespace):
            return True
    return False


def _call_may_change(call: gast.Call, held: set[str], namespace: dict) -> bool:
    f = call.func
    if isinstance(f, gast.Attribute) and f.attr in _MUTATORS and _base(f.value) in held:
        return True
    if any(k.arg == "out" and _shares(k.value, held) for k in call.keywords):
        return True
    numpy = isinstance(f, gast.Attribute) and isinstance(f.value, gast.Name) and \
        f.value.id == "np" and f.attr not in _NUMPY_WRITERS or \
        isinstance(f, gast.Attribute) and f.attr == "append"  # (a push holds it)
    return not (numpy or _runtime_reader(f, namespace)) and \
        any(_shares(a, held) for a in call.args)


def _runtime_reader(f: gast.expr, namespace: dict) -> bool:
    """``f`` names one of the runtime's helpers that only read their arguments."""
    if not isinstance(f, gast.Name) or f.id in _WRITERS:
        return False
    try:
        fn = evaluate_ref(f, namespace)
    except Exception:  # (a name the namespace does not hold)
        return False
    return getattr(fn, "__module__", "").startswith("s2sad.runtime")


def _shares(e: gast.expr, held: set[str]) -> bool:
    """Whether ``e``'s value may share memory with a name of ``held`` (arithmetic makes a
    new array; a name, an item, an attribute or a call of it may not)."""
    if isinstance(e, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.BoolOp)):
        return False
    return any(isinstance(n, gast.Name) and n.id in held for n in nodes(e)
               if not _inside_arithmetic(n, e))


def _inside_arithmetic(n: gast.AST, top: gast.expr) -> bool:
    parents = parent_map([gast.Expr(value=top)])
    p = parents.get(id(n))
    while p is not None and p is not top:
        if isinstance(p, (gast.BinOp, gast.UnaryOp, gast.Compare)):
            return True
        p = parents.get(id(p))
    return False


def _base(e: gast.expr) -> str | None:
    while isinstance(e, (gast.Subscript, gast.Attribute)):
        e = e.value
    return e.id if isinstance(e, gast.Name) else None


def _reads(name: str, pop: gast.Assign, block: list, push_block: list, body: list,
           shapes: dims.Facts) -> list | None:
    """(read, product) of every read of ``name`` after the pop, each ``name`` or
    ``name.T`` as an operand of ``@`` whose other operand has one or two axes; None
    when a read is anything else, or ``name`` is read outside the two blocks."""
    after = block[block.index(pop) + 1:]
    if any(name in _bound(s) for s in after):
        return None
    parents = parent_map(after)
    out = []
    for n in name_nodes(after):
        if n.id != name:
            continue
        read = parents.get(id(n))
        read = read if isinstance(read, gast.Attribute) and read.attr == "T" else n
        product = parents.get(id(read))
        if not (isinstance(product, gast.BinOp) and isinstance(product.op, gast.MatMult)):
            return None
        other = product.right if product.left is read else product.left
        if shapes.rank_of(other) not in (1, 2) or any(
                m.id == name for m in name_nodes(other)):
            return None
        out.append((read, product))
    forward = sum(n.id == name and isinstance(n.ctx, gast.Load) for s in push_block
                  for n in name_nodes(s))
    total = sum(n.id == name and isinstance(n.ctx, gast.Load) for n in name_nodes(body))
    return out if out and total == forward + len(out) else None


def _rewrite(product: gast.BinOp, read: gast.expr, matrix: str, scale: str,
             left_scaled: bool, transposed: bool, shapes: dims.Facts) -> None:
    """``product`` (``S @ u`` or ``u @ S`` of the scaled matrix ``S`` read as ``read``)
    written with the matrix and its scale: ``S = diag(v) B`` (``left_scaled``) or
    ``B diag(v)``, ``B`` the matrix or (``transposed``) its transpose."""
    b: gast.expr = load(matrix)
    if transposed:
        b = gast.Attribute(value=b, attr="T", ctx=gast.Load())
    on_left = product.left is read
    other = product.right if on_left else product.left
    v: gast.expr = load(scale)
    if on_left and shapes.rank_of(other) == 2:  # (the scale along the rows of ``u``)
        v = gast.Subscript(value=v, slice=gast.Tuple(elts=[
            gast.Slice(lower=None, upper=None, step=None), gast.Constant(value=None,
                                                                         kind=None)],
            ctx=gast.Load()), ctx=gast.Load())
    if on_left == left_scaled:  # diag(v) B @ u, or u @ B diag(v): scale the result
        inner = gast.BinOp(left=b, op=gast.MatMult(), right=clone(other)) if on_left \
            else gast.BinOp(left=clone(other), op=gast.MatMult(), right=b)
        new = gast.BinOp(left=v, op=gast.Mult(), right=inner) if on_left else \
            gast.BinOp(left=inner, op=gast.Mult(), right=v)
    else:  # B diag(v) @ u, or u @ diag(v) B: scale the other operand
        scaled = gast.BinOp(left=v, op=gast.Mult(), right=clone(other)) if on_left else \
            gast.BinOp(left=clone(other), op=gast.Mult(), right=v)
        new = gast.BinOp(left=b, op=gast.MatMult(), right=scaled) if on_left else \
            gast.BinOp(left=scaled, op=gast.MatMult(), right=b)
    product.left, product.op, product.right = new.left, new.op, new.right
