"""The idioms of tools/fuzz2: each method writes one small recipe into ``f`` and
defines the names it makes (with their shapes) for the idioms after it.

Arguments are never written into: an idiom that writes first makes a copy (``buf =
v.copy()``, ``x = x.copy()``), or writes into an array it created.  Values stay
moderate: inputs are in [-1, 1], and what could grow goes through tanh / sin / a
division by ``1 + v * v``.
"""
from __future__ import annotations

from typing import Any

import numpy as np


class Idioms:
    """Mixed into tools.fuzz2.generate.Program (which provides emit, fresh, define,
    pick, vec, scalar, num, choice, need, rng, n, m, vars, owned)."""

    rng: np.random.Generator
    n: int
    m: int
    vars: dict[str, tuple]
    owned: set[str]
    indent: int
    returned: bool

    def emit(self, line: str) -> None: ...
    def fresh(self, stem: str) -> str: ...
    def define(self, name: str, shape: tuple, owned: bool = True) -> str: ...
    def pick(self, ndim: int | None = None, shape: tuple | None = None,
             owned: bool = False) -> str | None: ...
    def vec(self) -> str: ...
    def scalar(self) -> str: ...
    def num(self, lo: float = -0.8, hi: float = 0.8) -> str: ...
    def choice(self, options: list) -> Any: ...
    def need(self, helper: str) -> str: ...

    def squash(self, e: str) -> str:
        return self.choice([f"np.tanh({e})", f"np.sin({e})", f"0.5 * {e}",
                            f"{e} / (1.0 + {e} * {e})", f"np.exp(-({e}) ** 2)"])

    # ------------------------------------------------------------ control flow
    def while_scan(self) -> None:
        """A while loop over a vector with continue, break and a data-dependent test."""
        v, i, acc = self.vec(), self.fresh("i"), self.fresh("acc")
        size = self.choice([f"len({v})", f"{v}.shape[0]", str(self.vars[v][0])])
        self.emit(f"{i} = 0")
        self.emit(f"{acc} = {self.choice(['0.0', self.scalar()])}")
        self.emit(f"while {i} < {size}:")
        self.emit(f"    val = {v}[{i}]")
        self.emit(f"    if val > {self.num(0.3, 0.9)}:")
        self.emit(f"        {i} += 1")
        self.emit("        continue")
        self.emit(f"    {acc} {self.choice(['+=', '-='])} val * {self.scalar()}")
        self.emit(f"    if {acc} > {self.num(0.8, 2.0)}:")
        self.emit("        break")
        self.emit(f"    {i} += 1")
        self.define(acc, ())

    def while_newton(self) -> None:
        """Newton's method for z**3 + z = c, stopped by a tolerance and a count."""
        c, z, k = self.scalar(), self.fresh("z"), self.fresh("k")
        self.emit(f"{z} = 0.0")
        self.emit(f"{k} = 0")
        self.emit("step = 1.0")
        self.emit(f"while abs(step) > 1e-12 and {k} < 30:")
        self.emit(f"    step = ({z} ** 3 + {z} - {c}) / (3 * {z} ** 2 + 1)")
        self.emit(f"    {z} = {z} - step")
        self.emit(f"    {k} += 1")
        self.define(z, ())

    def early_return(self) -> None:
        """A loop of f that may return from its middle."""
        if self.returned or self.indent != 1:
            return
        self.returned = True
        v, s = self.vec(), self.scalar()
        loop = self.choice([f"for i, t in enumerate({v}):", f"for i in range(len({v})):"])
        t = "t" if "enumerate" in loop else f"{v}[i]"
        self.emit(loop)
        self.emit(f"    if {t} > {self.num(0.6, 1.0)}:")
        self.emit(f"        return float(np.sum({v}[:i + 1] ** 2)) + {s} * {t}")

    def branchy_loop(self) -> None:
        """A for loop with if / elif / else on the data, appending to a list."""
        v = self.vec()
        w = self.pick(shape=self.vars[v]) or v
        out = self.fresh("vals")
        self.emit(f"{out} = []")
        self.emit(f"for a, b in zip({v}, {w}):")
        self.emit(f"    if a > b + {self.num(-0.2, 0.2)}:")
        self.emit(f"        {out}.append(a - b)")
        self.emit(f"    elif a < {self.num(-0.5, 0.0)}:")
        self.emit(f"        {out}.append(a * b)")
        self.emit("    else:")
        self.emit(f"        {out}.append({self.squash('a')})")
        arr = self.fresh("arr")
        self.emit(f"{arr} = np.array({out})")
        self.define(arr, self.vars[v])

    # ------------------------------------------------------------ functions
    def closure(self) -> None:
        """A function defined inside f reading f's variables, or a lambda."""
        v, s, g = self.vec(), self.scalar(), self.fresh("g")
        if self.rng.random() < 0.4:
            self.emit(f"{g} = lambda u: u * u + {s}")
        else:
            self.emit(f"def {g}(u, k=2):")
            self.emit(f"    return {self.squash('u')} * {s} / k")
        r = self.fresh("r")
        self.emit(f"{r} = {g}({v}) + {g}({v}[::-1])")
        self.define(r, self.vars[v])

    def call_helper(self) -> None:
        """One of the module-level helpers, with its results used."""
        v = self.vec()
        name = self.choice(["softmax", "stats", "first_above", "smooth3", "kernel",
                            "normalize", "compose", "euler"])
        self.need(name)
        r = self.fresh("h")
        if name == "stats":
            mu, sd = self.fresh("mu"), self.fresh("sd")
            self.emit(f"{mu}, {sd} = stats({v})")
            self.emit(f"{r} = ({v} - {mu}) / {sd}")
        elif name == "first_above":
            self.emit(f"{r} = first_above({v}, {self.num(0.0, 0.9)})")
            self.define(r, ())
            return
        elif name == "kernel":
            w = self.vec()
            self.emit(f"K{self.counter} = kernel({v}, {w})")
            self.emit(f"{r} = K{self.counter} @ {w} + {v}[0]")
        elif name == "euler":
            self.emit(f"{r} = euler({v}, 0.1, {int(self.rng.integers(1, 5))})")
        elif name == "compose":
            self.emit(f"{r} = compose({v}, {self.scalar()})")
        else:
            self.emit(f"{r} = {name}({v})")
        self.define(r, self.vars[v])

    # ------------------------------------------------------------ containers
    def unpack(self) -> None:
        """A list of slices unpacked, a tuple built and unpacked, a swap."""
        v = self.vec()
        n = self.vars[v][0]
        h = int(self.rng.integers(1, n))
        parts, head, tail, two, p, q = (self.fresh(s) for s in
                                        ("parts", "head", "tail", "two", "p", "q"))
        self.emit(f"{parts} = [{v}[:{h}], {v}[{h}:]]")
        self.emit(f"{head}, {tail} = {parts}")
        self.emit(f"{two} = ({head}.sum(), {tail}.{self.choice(['max', 'sum', 'mean'])}())")
        self.emit(f"{p}, {q} = {two}")
        if self.rng.random() < 0.5:
            self.emit(f"{p}, {q} = {q}, {p} * {self.num()}")
        self.define(p, ())
        self.define(q, ())
        self.define(tail, (n - h,), owned=False)

    def comprehension(self) -> None:
        """A list comprehension / generator expression into np.array, sum or np.sum."""
        v = self.vec()
        n = self.vars[v][0]
        w = self.pick(shape=(n,)) or v
        r = self.fresh("c")
        kind = int(self.rng.integers(5))
        if kind == 0:
            self.emit(f"{r} = np.array([{v}[i] * {w}[i - 1] for i in range({n})])")
            self.define(r, (n,))
        elif kind == 1:
            self.emit(f"{r} = sum(a * b for a, b in zip({v}, {w}))")
            self.define(r, ())
        elif kind == 2:
            self.emit(f"{r} = np.sum([{self.squash('t')} for t in {v}])")
            self.define(r, ())
        elif kind == 3:
            self.emit(f"{r} = sum([t * t for t in {v} if t > {self.num(-0.5, 0.5)}])")
            self.define(r, ())
        else:
            M = self.pick(2)
            if M is None:
                return
            self.emit(f"{r} = np.array([row.sum() * {self.num()} for row in {M}])")
            self.define(r, (self.vars[M][0],))

    # ------------------------------------------------------------ indexing
    def slices(self) -> None:
        """Slices with steps and negative bounds, of vectors and matrices."""
        v = self.vec()
        n = self.vars[v][0]
        for _ in range(8):
            start = self.choice(["", str(int(self.rng.integers(-n, n)))])
            stop = self.choice(["", str(int(self.rng.integers(-n, n + 1)))])
            step = self.choice(["", "2", "-1", "-2", "3"])
            sl = f"{start}:{stop}" + (f":{step}" if step else "")
            bounds = (int(p) if p else None for p in (start, stop, step or None))
            size = len(range(n)[slice(*bounds)])
            if size:
                break
        else:
            return
        r = self.fresh("sl")
        other = self.pick(shape=(size,))
        rhs = f"{v}[{sl}]" + (f" * {other}" if other and self.rng.random() < 0.6 else "")
        self.emit(f"{r} = {rhs}")
        self.define(r, (size,), owned=rhs != f"{v}[{sl}]")
        M = self.pick(2)
        if M is not None and self.rng.random() < 0.5:
            a, b = self.vars[M]
            cols = self.choice([("1:", slice(1, None)), ("::2", slice(None, None, 2)),
                                (":-1", slice(None, -1)), ("::-1", slice(None, None, -1))])
            rm = self.fresh("sub")
            self.emit(f"{rm} = {M}[::-1, {cols[0]}]")
            self.define(rm, (a, len(range(b)[cols[1]])), owned=False)

    def masks(self) -> None:
        """Boolean masks: np.where, a multiplied mask, a masked write, a masked sum."""
        v = self.vec()
        n = self.vars[v][0]
        w = self.pick(shape=(n,)) or v
        r = self.fresh("m")
        kind = int(self.rng.integers(4))
        thr = self.num(-0.5, 0.5)
        if kind == 0:
            self.emit(f"{r} = np.where({v} > {w}, {v} * {self.num()}, {self.squash(w)})")
        elif kind == 1:
            self.emit(f"mask = {v} > {thr}")
            self.emit(f"{r} = {w} * mask + {v}")
        elif kind == 2:
            self.emit(f"{r} = {v}.copy()")
            self.emit(f"{r}[{r} < {thr}] = {self.choice(['0.0', self.scalar()])}")
            self.emit(f"{r}[{w} > {self.num(0.0, 0.6)}] *= 2.0")
        else:
            self.emit(f"{r} = np.sum({v}[{v} > {thr}]) + np.clip({w}, -0.5, 0.5)")
        self.define(r, (n,))

    def fancy(self) -> None:
        """Integer-array indexing: argsort, an index list, argmax with index arithmetic."""
        v = self.vec()
        n = self.vars[v][0]
        w = self.pick(shape=(n,)) or v
        r = self.fresh("ix")
        kind = int(self.rng.integers(3))
        if kind == 0:
            self.emit(f"order = np.argsort({v})")
            self.emit(f"{r} = {w}[order] * np.arange(1, {n + 1})")
            self.define(r, (n,))
        elif kind == 1:
            idx = [int(i) for i in self.rng.integers(0, n, 3)]
            self.emit(f"{r} = {v}[{idx}] - {w}[[{n - 1}, 0, {n // 2}]]")
            self.define(r, (3,))
        else:
            self.emit(f"top = int(np.argmax({v}))")
            self.emit(f"{r} = {v}[top] * {w}[(top + 1) % {n}] + {w}[{n} - 1 - top]")
            self.define(r, ())

    def index_loop(self) -> None:
        """Integer arithmetic on loop indices: wrap-around, mirrored, halved."""
        v = self.vec()
        n = self.vars[v][0]
        w = self.pick(shape=(n,)) or v
        acc = self.fresh("acc")
        self.emit(f"{acc} = 0.0")
        self.emit(f"for i in range({n}):")
        self.emit(f"    j = (2 * i + 1) % {n}")
        self.emit(f"    k = {n} - 1 - i")
        self.emit(f"    {acc} += {v}[j] * {w}[k] + {v}[i // 2] * {self.num()}")
        self.define(acc, ())

    # ------------------------------------------------------------ in place
    def inplace_view(self) -> None:
        """Writes through a view of a copy: ``v = buf[1:]; v *= 2``."""
        v = self.vec()
        n = self.vars[v][0]
        if n < 2:
            return
        buf = self.fresh("buf")
        copies = [f"{v}.copy()", f"np.array({v})", f"np.copy({v})", f"{v} * 1.0"]
        self.emit(f"{buf} = {self.choice(copies)}")
        view = self.choice(["[1:]", "[::2]", "[:-1]", "[::-1]"])
        self.emit(f"view = {buf}{view}")
        self.emit(f"view {self.choice(['*=', '+=', '-='])} {self.choice(['2.0', self.scalar()])}")
        if self.rng.random() < 0.5:
            self.emit(f"view[0] = {self.squash(self.scalar())}")
        self.define(buf, (n,))

    def loop_augassign(self) -> None:
        """Augmented assignment on array elements in a loop (a recurrence)."""
        v = self.vec()
        n = self.vars[v][0]
        out = self.fresh("run")
        self.emit(f"{out} = {self.choice([f'np.zeros({n})', f'np.zeros_like({v})'])}")
        self.emit(f"for i in range(1, {n}):")
        self.emit(f"    {out}[i] += {out}[i - 1] * {self.num()} + {v}[i]")
        self.emit(f"    {out}[i - 1] -= {self.num(0.0, 0.3)} * {v}[i]")
        self.define(out, (n,))

    def rebind_copy(self) -> None:
        """``x = x.copy()`` and writes into the copy (a name of f's arguments rebound)."""
        if "x" in self.owned or self.indent != 1:
            return
        n = self.vars["x"][0]
        self.emit("x = x.copy()")
        self.emit(f"x[0] = {self.squash(self.scalar())}")
        self.emit("x[1:] += x[:-1] * 0.5")
        self.define("x", (n,))

    def matrix_loop(self) -> None:
        """Nested loops writing a matrix element by element."""
        M = self.pick(2)
        if M is None:
            return
        a, b = self.vars[M]
        v = self.pick(shape=(b,))
        G = self.fresh("G")
        self.emit(f"{G} = np.zeros(({a}, {b}))")
        self.emit(f"for i in range({a}):")
        self.emit(f"    for j in range({b}):")
        rhs = f"{M}[i, j] * {v}[j]" if v else f"{M}[i, j] ** 2"
        self.emit(f"        {G}[i, j] += {rhs}")
        self.emit("        if j > 0:")
        self.emit(f"            {G}[i, j] -= {self.num(0, 0.5)} * {G}[i, j - 1]")
        self.define(G, (a, b))

    # ------------------------------------------------------------ shapes
    def reshape_chain(self) -> None:
        """reshape / transpose / ravel chains, and broadcasting of two vectors."""
        M = self.pick(2)
        r = self.fresh("rs")
        if M is not None and self.rng.random() < 0.6:
            a, b = self.vars[M]
            chain = self.choice([f"{M}.T.reshape(-1)", f"{M}.ravel()[::-1]",
                                 f"np.transpose({M}).ravel()", f"{M}.reshape({b}, {a}).T.flatten()",
                                 f"np.reshape({M}, (-1,))"])
            self.emit(f"{r} = {chain}")
            self.define(r, (a * b,), owned=False)
        else:
            v, w = self.vec(), self.vec()
            p, q = self.vars[v][0], self.vars[w][0]
            pairs = [f"{v}[:, None] * {w}[None, :]", f"np.reshape({v}, (-1, 1)) - {w}",
                     f"np.outer({v}, {w})"]
            self.emit(f"{r} = {self.choice(pairs)}")
            self.define(r, (p, q))

    def reductions(self) -> None:
        """Reductions with axis and keepdims; centring by a broadcast mean."""
        M = self.pick(2)
        r = self.fresh("red")
        if M is None:
            v = self.vec()
            ones = [f"np.cumsum({v})", f"np.diff({v}, prepend=0.0)", f"{v} - {v}.mean()"]
            self.emit(f"{r} = {self.choice(ones)}")
            self.define(r, self.vars[v])
            return
        a, b = self.vars[M]
        kind = int(self.rng.integers(4))
        if kind == 0:
            self.emit(f"{r} = {M} - {M}.mean(axis=1, keepdims=True)")
            self.define(r, (a, b))
        elif kind == 1:
            self.emit(f"{r} = np.{self.choice(['sum', 'max', 'mean'])}({M}, axis=0)")
            self.define(r, (b,))
        elif kind == 2:
            self.emit(f"{r} = np.prod(1.0 + 0.1 * {M}, axis=1) + np.linalg.norm({M}, axis=1)")
            self.define(r, (a,))
        else:
            self.emit(f"{r} = {M}.std(axis=0, keepdims=True) * {M}")
            self.define(r, (a, b))

    def products(self) -> None:
        """Matrix products: @, np.dot, einsum, a quadratic form, broadcasting."""
        M = self.pick(2)
        r = self.fresh("mp")
        if M is None:
            v = self.vec()
            w = self.pick(shape=self.vars[v]) or v
            dots = [f"np.dot({v}, {w})", f"{v} @ {w}", f"np.inner({v}, {w})"]
            self.emit(f"{r} = {self.choice(dots)}")
            self.define(r, ())
            return
        a, b = self.vars[M]
        v, u = self.pick(shape=(b,)), self.pick(shape=(a,))
        if v is not None and self.rng.random() < 0.5:
            einsum = 'np.einsum("ij,j->i", ' + f"{M}, {v})"
            self.emit(f"{r} = {self.choice([f'{M} @ {v}', f'np.dot({M}, {v})', einsum])}")
            self.define(r, (a,))
        elif u is not None and self.rng.random() < 0.5:
            self.emit(f"{r} = {M}.T @ {u} + ({u} @ {M} @ {M}.T @ {u}) * 0.1")
            self.define(r, (b,))
        else:
            self.emit(f"{r} = {M} @ {M}.T * {self.num()} + {M}.sum()")
            self.define(r, (a, a))

    def linalg(self) -> None:
        """solve / inv / det / slogdet with a well-conditioned matrix."""
        M = self.pick(2)
        if M is None:
            v = self.vec()
            k = self.vars[v][0]
            S = self.fresh("S")
            self.emit(f"{S} = np.outer({v}, {v}) + {k} * np.eye({k})")
        else:
            k = self.vars[M][1]
            S = self.fresh("S")
            self.emit(f"{S} = {M}.T @ {M} + {self.choice(['np.eye', 'np.identity'])}({k})")
        b = self.pick(shape=(k,))
        r = self.fresh("la")
        kind = int(self.rng.integers(4))
        if kind == 0 and b:
            self.emit(f"{r} = np.linalg.solve({S}, {b})")
            self.define(r, (k,))
        elif kind == 1 and b:
            self.emit(f"{r} = np.linalg.inv({S}) @ {b}")
            self.define(r, (k,))
        elif kind == 2:
            self.emit(f"{r} = np.log(np.linalg.det({S}))")
            self.define(r, ())
        else:
            self.emit(f"sign, {r} = np.linalg.slogdet({S})")
            self.define(r, ())

    def scalar_math(self) -> None:
        """math functions of floats read out of arrays."""
        v = self.vec()
        n = self.vars[v][0]
        t, r = self.fresh("f"), self.fresh("sm")
        self.emit(f"{t} = {self.choice(['float', ''])}({v}[{int(self.rng.integers(-n, n))}])")
        more = [f"math.sqrt(1.0 + {t} ** 2)", f"math.hypot({t}, 1.0)", f"math.atan2({t}, 2.0)",
                f"math.log1p({t} * {t})"]
        self.emit(f"{r} = math.sin({t}) * math.exp(-{t} * {t}) + {self.choice(more)}")
        self.define(t, ())
        self.define(r, ())


IDIOMS = [
    Idioms.while_scan, Idioms.while_newton, Idioms.early_return, Idioms.branchy_loop,
    Idioms.closure, Idioms.call_helper, Idioms.unpack, Idioms.comprehension, Idioms.slices,
    Idioms.masks, Idioms.fancy, Idioms.index_loop, Idioms.inplace_view,
    Idioms.loop_augassign, Idioms.rebind_copy, Idioms.matrix_loop, Idioms.reshape_chain,
    Idioms.reductions, Idioms.products, Idioms.linalg, Idioms.scalar_math,
]
