"""``max(xs, key=lambda v: ...)``, ``min`` and ``sorted`` with a key made inside the
function that reads its variables (was refused: the builtin calls the key, and the
generated code has no such function to hand it).  The keys are computed first, the
key inlined in a comprehension, ``keys = [key(v) for v in xs]`` (so it is
differentiated where it matters, as any code is); then the position the builtin
picks, by the builtin itself over the positions (``runtime.keyed_position``: the same
comparisons of the same keys, so the same item, ties and NaNs included), and the item
there, or the items in that order (``runtime.keyed_order``)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import gast

from s2sad import runtime
from s2sad.compiler.local_functions import closed, passed_function
from s2sad.compiler.names import const, load, store

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def keyed_selection(norm: Normalizer, node: gast.Call) -> gast.expr | None:
    """The call as the keys, a position and the item (or items) there; None for any
    other call (a key s2sad can hand the builtin as a module-level function stays)."""
    fn = norm.resolve(node.func) if isinstance(node.func, (gast.Name, gast.Attribute)) \
        else None
    if fn not in (max, min, sorted) or len(node.args) != 1 or \
            isinstance(node.args[0], gast.Starred):
        return None
    given = {k.arg: k.value for k in node.keywords}
    allowed = {"key", "reverse"} if fn is sorted else {"key"}
    if "key" not in given or not set(given) <= allowed:
        return None
    key = passed_function(norm, given["key"])
    if key is None or closed(norm.local_defs[key.id]) is not None:
        return None
    items = norm.atom(gast.Call(func=norm.ref(list), args=[node.args[0]], keywords=[]),
                      "items")
    keys = norm.atom(_comprehension(norm, gast.Call(func=key, args=[load("_v")],
                                                    keywords=[]), "_v", items), "keys")
    if fn is sorted:
        reverse = norm.atom(given["reverse"]) if "reverse" in given else const(False)
        order = norm.temp(gast.Call(func=norm.ref(runtime.keyed_order), args=[keys, reverse],
                                    keywords=[]), "order")
        picked = gast.Subscript(value=items, slice=load("_i"), ctx=gast.Load())
        return norm.expr(_comprehension(norm, picked, "_i", order))
    at = norm.temp(gast.Call(func=norm.ref(runtime.keyed_position), args=[
        keys, const("max" if fn is max else "min")], keywords=[]), "at")
    return norm.expr(gast.Subscript(value=items, slice=at, ctx=gast.Load()))


def _comprehension(norm: Normalizer, elt: gast.expr, name: str, over: gast.expr
                   ) -> gast.ListComp:
    """``[elt for name in over]`` (the comprehension's name its own: made fresh when
    it is lowered)."""
    return gast.ListComp(elt=elt, generators=[gast.comprehension(
        target=store(name), iter=over, ifs=[], is_async=0)])
