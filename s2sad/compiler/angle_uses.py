"""Where a value flows, for :mod:`angle_differences`: does a sine or cosine reach an
operation that amplifies small values (a division, a logarithm, a sign)?

The walk goes up from the call through its expression to its statement, and on from
the names the statement binds (or writes into) to every place they are read, through
every operation but those that end it (a tape push goes on at the name its pop binds
in that place): a return and a read of the value's shape end it as safe; a division
other than of a numerator by a number, a power other than a positive integer one, a
comparison, a boolean operation, a test of a branch or a loop, an index, and the calls
in :data:`AMPLIFY` (or named with a part in :data:`AMPLIFY_PARTS`) end it as unsafe.
Names bound several times are read at all their readers (more than flow-sensitively:
an over-estimate, which only keeps the rewrite off more often).
"""
from __future__ import annotations

import gast

from s2sad.compiler import tape
from s2sad.compiler.walks import name_nodes

# calls whose value a tiny absolute error in the argument can make wrong in relative
# terms, or whose result depends on the argument's sign or rounding
AMPLIFY = frozenset({
    "log", "log1p", "log2", "log10", "sqrt", "cbrt", "reciprocal", "arcsin", "arccos",
    "arctanh", "arccosh", "arctan2", "divide", "true_divide", "floor_divide", "power",
    "float_power", "sign", "angle", "mod", "fmod", "remainder", "floor", "ceil", "round",
    "rint", "trunc", "fix", "heaviside", "inv", "solve", "pinv", "lstsq", "argmax", "argmin",
    "argsort", "sort", "nonzero", "safe_div", "safe_log", "safe_pow", "safe_sqrt",
    "xlogy", "or_one", "maximum", "minimum", "fmax", "fmin", "clip", "max", "min",
})
# parts of the names of calls (runtime helpers among them) reading a value's sign, its
# order or its reciprocal: ``abs_slope``, ``max_share``, ``sinc_deriv``, ``norm_partial``
AMPLIFY_PARTS = ("slope", "sign", "share", "mask", "bound", "extremum", "sinc", "branch",
                 "pow", "log", "div", "solve", "inverse", "lu_", "norm", "std", "sort",
                 "root", "arg", "cholesky")
_SHAPES = frozenset({"shape", "size", "ndim"})


class Uses:
    """The readers of every name of a body, and the walk over them."""

    def __init__(self, body: list, parents: dict, numbers: set, pops: dict) -> None:
        self.parents, self.numbers, self.pops = parents, numbers, pops
        self.readers: dict[str, list] = {}
        for n in name_nodes(body):
            if n.ctx.__class__ is gast.Load:
                self.readers.setdefault(n.id, []).append(n)

    def safe(self, node: gast.AST) -> bool:
        """No value made from ``node`` reaches an operation that amplifies it."""
        seen: set[str] = set()
        todo = [node]
        while todo:
            names = self._up(todo.pop())
            if names is None:
                return False
            for name in names - seen:
                seen.add(name)
                todo += self.readers.get(name, [])
        return True

    def _up(self, node: gast.AST) -> set | None:
        """The names the value of ``node`` flows into through its statement (None where
        it reaches an amplifying operation first)."""
        trail: list[gast.AST] = []
        while True:
            parent = self.parents.get(id(node))
            if parent is None or isinstance(parent, gast.Return):
                return set()
            if isinstance(parent, gast.stmt):
                return self._statement(parent, node, trail)
            if _shape_read(parent):
                return set()  # (the value's shape, not its numbers)
            if not self._passes(parent, node):
                return None
            trail.append(node)
            node = parent

    def _statement(self, s: gast.stmt, node: gast.AST, trail: list) -> set | None:
        slot = getattr(s, "s2sad_slot", None)
        if slot is not None and not isinstance(s, gast.Assign):
            return self._popped(s, trail, slot)
        if isinstance(s, (gast.Assign, gast.AugAssign)) and node is s.value:
            targets = s.targets if isinstance(s, gast.Assign) else [s.target]
            return {n.id for t in targets for n in name_nodes(t)}
        if isinstance(s, gast.Expr) and isinstance(s.value, gast.Call):
            return {n.id for a in s.value.args[:1] for n in name_nodes(a)}
        return None  # (a test, an index written, a del)

    def _popped(self, push: gast.stmt, trail: list, slot: int) -> set | None:
        """The name the pop binds to the item of ``push`` the walk came through (none
        where no pop pairs with it)."""
        pop = self.pops.get(slot)
        if pop is None:
            return set()
        items, targets = tape.items_of(push.value.args[0]), tape.items_of(pop.targets[0])
        place = [k for k, v in enumerate(items) if any(v is t for t in trail)]
        if len(place) != 1 or len(targets) != len(items):
            return None
        return {n.id for n in name_nodes(targets[place[0]])}

    def _passes(self, parent: gast.AST, node: gast.AST) -> bool:
        """The value of ``node`` goes on through ``parent`` without being amplified."""
        if isinstance(parent, gast.BinOp):
            if isinstance(parent.op, (gast.Add, gast.Sub, gast.Mult, gast.MatMult)):
                return True
            if isinstance(parent.op, gast.Div):
                return node is parent.left and self._number(parent.right)
            if isinstance(parent.op, gast.Pow):
                return node is parent.left and isinstance(parent.right, gast.Constant) and \
                    type(parent.right.value) is int and parent.right.value > 0
            return False
        if isinstance(parent, gast.UnaryOp):
            return isinstance(parent.op, (gast.USub, gast.UAdd))
        if isinstance(parent, gast.Subscript):
            return node is parent.value
        if isinstance(parent, gast.IfExp):
            return node is not parent.test
        if isinstance(parent, gast.Call):
            return node is not parent.func and not _amplifies(_name(parent.func))
        if isinstance(parent, gast.Attribute):
            return True  # (``.T``, ``.real``; a shape's read ended the walk)
        return isinstance(parent, (gast.Tuple, gast.List, gast.keyword, gast.Starred))

    def _number(self, e: gast.expr) -> bool:
        """``e`` is a number: literals, names holding numbers, shapes and sizes."""
        if isinstance(e, gast.Constant):
            return type(e.value) in (int, float)
        if isinstance(e, gast.Name):
            return e.id in self.numbers
        if isinstance(e, gast.Attribute):
            return e.attr in _SHAPES
        if isinstance(e, gast.Subscript):
            return self._number(e.value) or isinstance(e.value, gast.Call) and \
                _name(e.value.func) == "shape"
        if isinstance(e, gast.BinOp):
            return self._number(e.left) and self._number(e.right)
        if isinstance(e, gast.UnaryOp):
            return self._number(e.operand)
        if isinstance(e, gast.Call):
            return _name(e.func) in ("len", "float", "int") and \
                all(self._number(a) or isinstance(a, gast.Name) for a in e.args)
        return False


def _amplifies(name: str | None) -> bool:
    return name is not None and (name in AMPLIFY or any(p in name for p in AMPLIFY_PARTS))


def _shape_read(e: gast.AST) -> bool:
    return isinstance(e, gast.Attribute) and e.attr in _SHAPES or \
        isinstance(e, gast.Call) and _name(e.func) in ("shape", "len", "size", "ndim")


def _name(func: gast.expr) -> str | None:
    if isinstance(func, gast.Attribute):
        return func.attr
    return func.id if isinstance(func, gast.Name) else None
