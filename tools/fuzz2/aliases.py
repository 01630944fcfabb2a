"""Idioms of tools/fuzz2 where names share memory: views written through, names bound
to one array, rows of a matrix kept in a list, a view read after its base changed,
closures reading a name rebound later, helpers that write into what they are given.

Every write goes into an array the program made (never an argument of f).
"""
from __future__ import annotations

from tools.fuzz2.idioms import Idioms


class Aliases(Idioms):
    """More idioms (mixed into tools.fuzz2.generate.Program like Idioms)."""

    def owned_copy(self, v: str) -> str:
        """A fresh array equal to ``v``, written the way people write a copy."""
        b = self.fresh("b")
        self.emit(f"{b} = {self.choice([f'{v}.copy()', f'np.array({v})', f'{v} + 0.0'])}")
        self.define(b, self.vars[v])
        return b

    def two_names(self) -> None:
        """``a = b = np.zeros(n)`` or ``c = buf``: a write through one name is seen by
        the other."""
        v = self.vec()
        n = self.vars[v][0]
        a, c = self.fresh("a"), self.fresh("c")
        if self.rng.random() < 0.5:
            self.emit(f"{a} = {c} = np.zeros({n})")
            self.emit(f"{a}[{int(self.rng.integers(n))}] = {self.scalar()}")
            self.emit(f"{c} += {v} * {self.num()}")
        else:
            buf = self.owned_copy(v)
            self.emit(f"{a} = {buf}")
            self.emit(f"{c} = {buf}")
            self.emit(f"{a} {self.choice(['+=', '*=', '-='])} {self.scalar()}")
            self.emit(f"{c}[-1] = {self.squash(f'{a}[0]')}")
        self.define(a, (n,))
        self.define(c, (n,))

    def stale_view(self) -> None:
        """A view taken, then its base written, then the view read."""
        v = self.vec()
        n = self.vars[v][0]
        buf = self.owned_copy(v)
        view = self.fresh("tail")
        self.emit(f"{view} = {buf}[{self.choice(['1:', '::-1', ':', '-2:'])}]")
        self.emit(f"{buf}[{int(self.rng.integers(-n, n))}] = {self.scalar()} * 3.0")
        if self.rng.random() < 0.5:
            self.emit(f"{buf} = {buf} * 2.0")  # rebinding: the view keeps the old array
        r = self.fresh("st")
        self.emit(f"{r} = {view}.sum() * {buf}[0]")
        self.define(r, ())

    def matrix_views(self) -> None:
        """Rows and columns of a copied matrix written through views, .T, reshape."""
        M = self.pick(2)
        if M is None:
            return
        a, b = self.vars[M]
        B = self.fresh("B")
        self.emit(f"{B} = {M}.copy()")
        kind = int(self.rng.integers(4))
        if kind == 0:
            self.emit(f"row = {B}[0]")
            self.emit(f"row *= {self.num()}")
            self.emit(f"{B}[:, 1] += {f'row[:{a}]' if a <= b else 'row[0]'}")
        elif kind == 1:
            self.emit(f"{B}.T[0] += {self.scalar()}")
        elif kind == 2:
            self.emit(f"flat = {B}.reshape(-1)")
            self.emit(f"flat[::2] = {self.squash('flat[::2]')}")
        else:
            self.emit(f"{B}[[0, {a - 1}]] = {B}[[{a - 1}, 0]]")
            self.emit(f"{B}[{B} > {self.num(0.2, 0.8)}] = 1.0")
        self.define(B, (a, b))

    def rows_in_list(self) -> None:
        """A list of rows (views) of a fresh matrix, one written in place."""
        M = self.pick(2)
        if M is None:
            return
        a, b = self.vars[M]
        B, rows = self.fresh("R"), self.fresh("rows")
        self.emit(f"{B} = {M} * 1.0")
        self.emit(f"{rows} = [{B}[i] for i in range({a})]")
        self.emit(f"{rows}[0] *= {self.scalar()}")
        self.emit(f"{rows}.append({rows}[-1] ** 2)")
        r = self.fresh("rw")
        self.emit(f"{r} = sum({rows}) + {B}[0]")
        self.define(r, (b,))

    def late_closure(self) -> None:
        """A closure reading a name that is rebound before the call (late binding)."""
        v, s = self.vec(), self.scalar()
        k, g, r = self.fresh("k"), self.fresh("g"), self.fresh("lc")
        self.emit(f"{k} = {s}")
        self.emit(f"def {g}(u):")
        self.emit(f"    return u * {k}")
        self.emit(f"{k} = {k} + {self.scalar()}")
        self.emit(f"{r} = {g}({v})")
        self.define(r, self.vars[v])

    def inner_append(self) -> None:
        """A nested function appending to a list of f; the list summed with np.stack."""
        v = self.vec()
        n = self.vars[v][0]
        acc, g, r = self.fresh("seen"), self.fresh("put"), self.fresh("stk")
        self.emit(f"{acc} = []")
        self.emit(f"def {g}(u):")
        self.emit(f"    {acc}.append(np.tanh(u))")
        self.emit("    return u * 0.5")
        self.emit(f"{g}({g}({v}))")
        self.emit(f"{r} = np.stack({acc}).sum(axis=0)")
        self.define(r, (n,))

    def loop_else(self) -> None:
        """for / else and while / else with a data-dependent break."""
        v = self.vec()
        r = self.fresh("le")
        self.emit(f"{r} = 0.0")
        self.emit(f"for t in {v}:")
        self.emit(f"    {r} = {r} * 0.5 + t")
        self.emit(f"    if {r} > {self.num(0.4, 1.2)}:")
        self.emit("        break")
        self.emit("else:")
        self.emit(f"    {r} = {r} + {self.scalar()}")
        self.define(r, ())

    def recursion(self) -> None:
        """A recursive helper with an integer depth."""
        self.need("power_series")
        v = self.vec()
        r = self.fresh("ps")
        self.emit(f"{r} = power_series({v}, {int(self.rng.integers(0, 4))})")
        self.define(r, self.vars[v])

    def mutating_helper(self) -> None:
        """A helper that writes into the array it is given (a copy of the caller's)."""
        self.need("damp_inplace")
        v = self.vec()
        buf = self.owned_copy(v)
        self.emit(f"damp_inplace({buf}, {self.num(0.1, 0.9)})")
        self.define(buf, self.vars[v])

    def stacking(self) -> None:
        """concatenate / stack / hstack / diag / triu of values at hand."""
        v, w = self.vec(), self.vec()
        r = self.fresh("cat")
        p, q = self.vars[v][0], self.vars[w][0]
        kind = int(self.rng.integers(4))
        if kind == 0:
            self.emit(f"{r} = np.concatenate([{v}, {w}[::-1], [{self.scalar()}]])")
            self.define(r, (p + q + 1,))
        elif kind == 1:
            self.emit(f"{r} = np.hstack(({v}, {w})) * 0.5")
            self.define(r, (p + q,))
        elif kind == 2:
            self.emit(f"{r} = np.triu(np.outer({v}, {v})) + np.diag({v})")
            self.define(r, (p, p))
        else:
            self.emit(f"{r} = np.stack([{v}, {v} ** 2], axis=1)")
            self.define(r, (p, 2))

    def builtins(self) -> None:
        """Python builtins on floats and lists: max, min, abs, sorted, reversed."""
        v = self.vec()
        r = self.fresh("bi")
        self.emit(f"vals = sorted({v}.tolist()) if {self.num()} > 0 else list(reversed({v}))")
        self.emit(f"{r} = max(vals[0], {self.scalar()}) + abs(min(vals)) + vals[-1] * vals[1]")
        self.define(r, ())


ALIAS_IDIOMS = [
    Aliases.two_names, Aliases.stale_view, Aliases.matrix_views, Aliases.rows_in_list,
    Aliases.late_closure, Aliases.inner_append, Aliases.loop_else, Aliases.recursion,
    Aliases.mutating_helper, Aliases.stacking, Aliases.builtins,
]
