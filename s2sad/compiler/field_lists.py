"""Part of stage 3b: a list of records an object's ``__init__`` stores.

``self.layers = [Linear(W[i], b[i]) for i in range(n)]`` (or ``[Linear(..), Linear(..)]``)
then ``for layer in self.layers: x = layer(x)`` in a method: each item is a record of
``Linear`` (:mod:`class_records`), so ``layer(x)`` inlines ``Linear.__call__`` as for a
list of records built in the function (:func:`class_records.listed_records`; was refused:
which function ``layer`` holds not known).  Only where no method of the class changes
the list (stores into ``self.layers``, calls a method on it, or passes it on)."""
from __future__ import annotations

import builtins
import inspect
from collections.abc import Iterator
from typing import Any

import gast

from s2sad.compiler import source
from s2sad.compiler.init_chains import init_of, init_tree
from s2sad.compiler.user_code import is_user_function
from s2sad.compiler.walks import walk

_FOUND: dict[type, dict[str, type]] = {}


def field_lists(cls: type | None, me: str) -> dict[str, type]:
    """``"self.layers" -> Linear`` for each list of records ``cls``'s ``__init__`` stores
    and no method changes (``me``: the name of ``self`` in the method read)."""
    if cls is None:
        return {}
    if cls not in _FOUND:
        _FOUND[cls] = _lists_of(cls)
    return {f"{me}.{attr}": kind for attr, kind in _FOUND[cls].items()}


def _lists_of(cls: type) -> dict[str, type]:
    from s2sad.compiler.class_records import stored_attributes
    if stored_attributes(cls) is None:
        return {}
    tree, init = init_tree(cls), init_of(cls)
    if tree is None or not tree.args.args:
        return {}
    me, found = tree.args.args[0].id, {}
    for st in tree.body:
        target = st.targets[0] if isinstance(st, gast.Assign) and len(st.targets) == 1 else None
        if isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name) and \
                target.value.id == me:
            kind = _items_class(st.value, getattr(init, "__globals__", {}))
            if kind is not None and target.attr not in found:
                found[target.attr] = kind
    changed = _changed_by_methods(cls)
    return {a: k for a, k in found.items() if a not in changed}


def _items_class(value: gast.expr, namespace: dict) -> type | None:
    """The one record class a list display or comprehension builds each item of."""
    calls = [value.elt] if isinstance(value, gast.ListComp) else \
        list(value.elts) if isinstance(value, gast.List) and value.elts else []
    kinds = {_built(c, namespace) for c in calls}
    return kinds.pop() if len(kinds) == 1 and calls else None


def _built(call: gast.expr, namespace: dict) -> type | None:
    from s2sad.compiler.class_records import record_fits
    from s2sad.compiler.dataclass_built import dataclass_fits
    if not isinstance(call, gast.Call) or not isinstance(call.func, gast.Name):
        return None
    cls = namespace.get(call.func.id, getattr(builtins, call.func.id, None))
    return cls if isinstance(cls, type) and (dataclass_fits(cls, call) or
                                             record_fits(cls, call)) else None


def _methods(cls: type) -> Iterator[tuple[gast.FunctionDef | None, str | None]]:
    """(tree, name of ``self``) of each method of ``cls`` but ``__init__`` written by the
    user; (None, None) for one whose source cannot be read."""
    for name, fn in inspect.getmembers(cls, inspect.isfunction):
        if name == "__init__" or not is_user_function(fn):
            continue
        try:
            node = source.load(fn).node
        except Exception:
            yield None, None
            continue
        yield node, (node.args.args[0].id if node.args.args else None)


def _changed_by_methods(cls: type) -> set[str]:
    """The attributes of ``self`` a method (not ``__init__``) stores into, calls a method
    on, or hands to a call: their lists may change."""
    changed: set[str] = set()
    for node, me in _methods(cls):
        if node is None:  # (no source: assume the worst of every list)
            from s2sad.compiler.class_records import stored_attributes
            return set(stored_attributes(cls) or ())
        changed |= {n.attr for n in walk(node) if isinstance(n, gast.Attribute) and
                    isinstance(n.value, gast.Name) and n.value.id == me and
                    not _only_read(n, node)}
    return changed


def stored_by_methods(cls: type) -> list[str]:
    """The attributes of ``self`` a method other than ``__init__`` stores
    (``self.L = np.linalg.cholesky(K)`` in ``fit``), in the order first seen; a record
    of the class holds them too, None until stored."""
    found: list[str] = []
    for node, me in _methods(cls):
        for n in walk(node) if node is not None else ():
            targets = n.targets if isinstance(n, gast.Assign) else \
                [n.target] if isinstance(n, gast.AugAssign) else []
            found += [t.attr for t in targets if isinstance(t, gast.Attribute) and
                      isinstance(t.value, gast.Name) and t.value.id == me and
                      t.attr not in found]
    return found


def _only_read(attr: gast.Attribute, node: gast.FunctionDef) -> bool:
    """``self.layers`` read by a loop, ``len``, ``enumerate``, ``reversed``, ``zip`` or an
    index (``self.layers[0]``), not written, called on, nor passed on."""
    for n in walk(node):
        if isinstance(n, (gast.For, gast.comprehension)) and n.iter is attr:
            return True
        if isinstance(n, gast.Call) and attr in n.args and isinstance(n.func, gast.Name) \
                and n.func.id in ("len", "enumerate", "reversed", "zip"):
            return True
        if isinstance(n, gast.Subscript) and n.value is attr:
            return isinstance(n.ctx, gast.Load)
    return False


def field_items(iterated: gast.expr, lists: dict[str, type]) -> Any:
    """The key of :func:`field_lists` ``self.layers`` is, or None."""
    if isinstance(iterated, gast.Attribute) and isinstance(iterated.value, gast.Name):
        return lists.get(f"{iterated.value.id}.{iterated.attr}")
    return None
