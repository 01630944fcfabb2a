"""Part of stage 2: ``setattr(obj, "name", v)`` as a statement, of a constant name, is
``obj.name = v``, and read so by every later stage (a record's field written,
:mod:`field_writes`; anything else refused as an attribute store is).  Was an opaque
call the stages did not see write into ``obj``: a record's method read the field as it
was built (an AttributeError out of the derivative).  One of a name computed at run
time is refused: which attribute changes is not known."""
from __future__ import annotations

import builtins

import gast

from s2sad.compiler.node_scans import mentions
from s2sad.compiler.walks import walk
from s2sad.errors import error_at

_SETATTR = frozenset({"setattr"})


def lowered(node: gast.FunctionDef, namespace: dict, filename: str) -> None:
    """Each such ``setattr`` statement of ``node`` written as the attribute store (no
    walk where the name ``setattr`` is not read: most functions)."""
    if not mentions(node, _SETATTR) or \
            namespace.get("setattr", builtins.setattr) is not builtins.setattr or \
            any(isinstance(n, gast.Name) and n.id == "setattr" and
                not isinstance(n.ctx, gast.Load) for n in walk(node)):
        return
    for parent in walk(node):
        for field in ("body", "orelse"):
            block = getattr(parent, field, None)
            if isinstance(block, list):
                block[:] = [_store(s, filename) for s in block]


def _store(s: gast.stmt, filename: str) -> gast.stmt:
    call = s.value if isinstance(s, gast.Expr) else None
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and
            call.func.id == "setattr" and len(call.args) == 3 and not call.keywords):
        return s
    obj, name, value = call.args
    if not (isinstance(name, gast.Constant) and isinstance(name.value, str)):
        raise error_at(filename, s, "setattr with an attribute name computed at run time",
                       "which attribute changes is not known when the derivative is made; "
                       "write obj.name = v, or keep the values in a dict")
    if not (isinstance(obj, gast.Name) and name.value.isidentifier()):
        return s
    target = gast.Attribute(value=gast.Name(id=obj.id, ctx=gast.Load(), annotation=None,
                                            type_comment=None),
                            attr=name.value, ctx=gast.Store())
    return gast.copy_location(gast.Assign(targets=[target], value=value, type_comment=None), s)
