"""Part of the late pass ``methods``: a gather of rows by an integer index vector,
``x[ej]`` of an array of rank two or more, written as ``take_rows(x, ej)``.

NumPy's advanced indexing copies the picked rows element by element; ``take`` along
axis 0 copies whole rows (a cloth's springs read the positions of their ends, rows of
three floats: 3 to 10 times as fast; an embedding's rows of 128: twice).  The
numbers are the same, a negative index counts from the end and one out of bounds
raises NumPy's ``IndexError`` either way, and the runtime helper indexes as before
where its arguments are another kind (:func:`s2sad.runtime.take_rows`): so the call
is written only where the shape facts give ``x`` a rank of two or more and the index
one axis, of integers surely (an integer argument's variant, ``np.argsort``,
``x.astype(int)``: a mask picks by another rule, ``shape_index``).  A derivative
differentiated again reads the helper by its rule (``rules/structures.py``).
"""
from __future__ import annotations

import gast

from s2sad.compiler import dims
from s2sad.compiler.names import Transformer, load
from s2sad.compiler.node_scans import nodes_of


def candidates(body: list) -> bool:
    """Whether ``body`` indexes a name by a name at all."""
    return any(n.value.__class__ is gast.Name and n.slice.__class__ is gast.Name
               for n in nodes_of(body, (gast.Subscript,)))


def as_takes(body: list, facts: dims.Facts) -> None:
    """Each provable gather of rows in ``body`` called as ``take_rows``, in place."""
    for s in body:
        _Rows(facts).visit(s)


class _Rows(Transformer):
    def __init__(self, facts: dims.Facts) -> None:
        self.facts = facts

    def visit_Subscript(self, node: gast.Subscript) -> gast.expr:
        self.generic_visit(node)
        if not (isinstance(node.ctx, gast.Load) and isinstance(node.value, gast.Name) and
                isinstance(node.slice, gast.Name)):
            return node
        shape, index = self.facts.of(node.value), self.facts.of(node.slice)
        if not (isinstance(shape, tuple) and len(shape) >= 2 and
                isinstance(index, tuple) and len(index) == 1 and
                self.facts.surely_integers(node.slice)):
            return node
        return gast.Call(func=load("take_rows"), args=[node.value, node.slice], keywords=[])
