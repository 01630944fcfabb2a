"""Part of stage 3b (normalize): what a name, an attribute chain or a constant item
refers to when the derivative is made (a helper, a NumPy function, a model held in a
global, a function a model's attribute holds), and the path to it from a global, a
closure's cell or an object passed, which each call of the derivative walks again
(:mod:`resolved`): a mixin of :class:`~s2sad.compiler.normalize.Normalizer`."""
from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

import gast

from s2sad.compiler import resolved, sequences
from s2sad.compiler.user_code import is_user_module, is_user_object


class Lookups:
    """Needs the normalizer's ``src``, ``namespace``, ``locals``, ``callables``,
    ``objects``, ``local_defs``, ``paths`` and ``fields``."""

    src: Any
    namespace: dict[str, Any]
    locals: set[str]
    callables: dict[str, Any]
    objects: dict[str, Any]
    local_defs: dict[str, Any]
    paths: dict[str, Any]
    fields: dict[str, dict[str, tuple]]

    def resolve(self, node: gast.expr) -> Any:
        """The object a global name or module attribute chain refers to, or None (each
        call of the derivative checks the path to it leads to it still: ``resolved``)."""
        obj, path = self._resolved(node)
        if obj is not None:
            resolved.note(self.namespace, path)
        return obj

    def path_of(self, node: gast.expr) -> resolved.Path | None:
        """How to reach what ``node`` refers to from a global, a cell or an object."""
        return self._resolved(node)[1]

    def given(self, name: str) -> str | None:
        """The parameter given a function that ``name`` is, by its own name or by the
        name its normalized reads carry (``f`` of ``def run(f)`` inlined, read as
        ``run_f``, passed on to another helper: the same function), else None."""
        if name in self.callables:
            return name
        rename = getattr(self, "rename", {})
        return next((p for p in self.callables if rename.get(p) == name), None)

    def _resolved(self, node: gast.expr) -> tuple[Any, resolved.Path | None]:
        param = self.given(node.id) if isinstance(node, gast.Name) and self.callables \
            else None
        if param is not None:
            return self.callables[param], self.paths.get(param)  # (a function given)
        if isinstance(node, gast.Name) and node.id in self.objects:
            return self.objects[node.id], self.paths.get(node.id)  # (net.Ws, net.act)
        if isinstance(node, gast.Name) and node.id in self.local_defs:
            return self.local_defs[node.id], None  # a def inside the function
        if isinstance(node, gast.Name) and node.id not in self.locals:
            try:
                return self.src.resolve(node.id), resolved.root(self.src.fn, node.id)
            except AttributeError:
                return None, None
        if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and \
                node.attr in self.fields.get(node.value.id, ()):
            return self.fields[node.value.id][node.attr]  # (layer.act of Dense(W, b, relu))
        if isinstance(node, gast.Attribute):
            base, path = self._resolved(node.value)
            if base is None:
                return None, None
            return getattr(base, node.attr, None), \
                resolved.step(path, "attr", node.attr) if _followed(base) else None
        if isinstance(node, gast.Subscript) and _constant_key(node.slice) is not None:
            found = self._item(node)  # ACTS["relu"] of a global dict of functions
            if found[0] is not None:
                return found
        item = sequences.item_at(self, node)  # fs[0] of fs = [np.sin, np.cos]
        return (self.resolve(item) if isinstance(item, gast.Attribute) else None), None

    def _item(self, node: gast.Subscript) -> tuple[Any, resolved.Path | None]:
        """A function or an object of the user's at a constant key of a dict, list or
        tuple a global holds (data items are read at each call, as written)."""
        base, path = self._resolved(node.value) if not isinstance(node.value, gast.Name) or \
            node.value.id not in self.locals else (None, None)
        key = _constant_key(node.slice)
        if not isinstance(base, (dict, list, tuple)) or type(base) not in (dict, list, tuple):
            return None, None
        try:
            obj = base[key]
        except (KeyError, IndexError, TypeError):
            return None, None
        if not (callable(obj) or is_user_object(obj)):
            return None, None
        return obj, resolved.step(path, "item", key)


def _constant_key(e: gast.expr) -> Any:
    """A constant key or index (``-1`` is written as a negation), else None."""
    if isinstance(e, gast.UnaryOp) and isinstance(e.op, gast.USub) and \
            isinstance(e.operand, gast.Constant) and type(e.operand.value) is int:
        return -e.operand.value
    return e.value if isinstance(e, gast.Constant) else None


def _followed(base: Any) -> bool:
    """Is what an attribute of ``base`` holds checked at each call (``resolved``)?  Of
    the user's modules, classes and objects: not of a library's, nor of data."""
    if isinstance(base, ModuleType):
        return is_user_module(base)
    if isinstance(base, type):
        return is_user_module(sys.modules.get(base.__module__))
    return is_user_object(base)
