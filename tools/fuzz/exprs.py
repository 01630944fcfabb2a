"""Random typed NumPy expressions for the fuzzer.

An expression is built for a wanted shape: () a scalar, (k,) a vector, (a, b) a matrix.
Every operation keeps its values finite and smooth almost everywhere: exp gets a bounded
argument, log a positive one, sqrt one bounded away from 0, a division a denominator
bounded away from 0.  Whether the result may be a view of an argument (so must not be
written into) is returned with the text.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Shape = tuple


@dataclass
class Var:
    """A name the program can read: its shape and whether writing into it is safe (it
    shares no memory with an argument of f)."""
    name: str
    shape: Shape
    owned: bool


@dataclass
class Loop:
    """A loop index in scope: ``for name in range(lo, hi)``."""
    name: str
    lo: int
    hi: int


@dataclass
class Scope:
    """What the generator may read at a point of the program."""
    vars: dict[str, Var] = field(default_factory=dict)
    atoms: list[Var] = field(default_factory=list)  # container items: P[0], D["w"]
    loops: list[Loop] = field(default_factory=list)
    helpers: list = field(default_factory=list)  # (name, param shapes, return shape)

    def readable(self) -> list[Var]:
        return list(self.vars.values()) + self.atoms

    def copy(self) -> Scope:
        return Scope({k: Var(v.name, v.shape, v.owned) for k, v in self.vars.items()},
                     list(self.atoms), list(self.loops), list(self.helpers))


def num(rng: np.random.Generator, lo: float = -1.5, hi: float = 1.5) -> str:
    return f"{rng.uniform(lo, hi):.2f}"


class Exprs:
    """Expression generation; ``self.rng``, ``self.on(feature)`` and the scope come
    from the program generator."""

    rng: np.random.Generator
    scope: Scope
    keywords: dict[str, str]  # helper -> its keyword parameter with a default

    def on(self, feature: str) -> bool:  # pragma: no cover - overridden
        raise NotImplementedError

    def pick(self, options: list):
        return options[int(self.rng.integers(len(options)))]

    # ---------------------------------------------------------------- atoms
    def atoms_of(self, shape: Shape) -> list[Var]:
        return [v for v in self.scope.readable() if v.shape == shape]

    def index_expr(self, length: int) -> str | None:
        """An index into an axis of ``length``: a loop index when one fits, else a literal."""
        fits = [lp for lp in self.scope.loops if lp.hi <= length]
        if fits and self.rng.random() < 0.6:
            lp = self.pick(fits)
            if lp.lo >= 1 and self.rng.random() < 0.4:
                return f"{lp.name} - 1"
            return lp.name
        i = int(self.rng.integers(-length, length))
        return str(i)

    def vector_from(self, k: int) -> tuple[str, bool] | None:
        """A vector of length ``k`` read from a variable: itself, a slice, a row, a
        column; (text, may alias an argument)."""
        opts: list[tuple[str, bool]] = []
        for v in self.scope.readable():
            if len(v.shape) == 1 and v.shape[0] == k:
                opts.append((v.name, not v.owned))
                if self.on("slicing"):
                    opts.append((f"{v.name}[::-1]", not v.owned))
            elif len(v.shape) == 1 and v.shape[0] > k and self.on("slicing"):
                n = v.shape[0]
                if (n + 1) // 2 == k:
                    opts.append((f"{v.name}[::2]", not v.owned))
                if n // 2 == k:
                    opts.append((f"{v.name}[1::2]", not v.owned))
                if n == k + 2 and self.rng.random() < 0.5:
                    opts.append((f"{v.name}[1:-1]", not v.owned))
                else:
                    o = int(self.rng.integers(0, n - k + 1))
                    opts.append((f"{v.name}[{o}:{o + k}]", not v.owned))
            elif len(v.shape) == 2 and self.on("indexing"):
                a, b = v.shape
                if b == k:
                    opts.append((f"{v.name}[{self.index_expr(a)}]", not v.owned))
                if a == k:
                    opts.append((f"{v.name}[:, {self.index_expr(b)}]", not v.owned))
        return self.pick(opts) if opts else None

    # ---------------------------------------------------------------- scalars
    def scalar(self, d: int) -> str:
        if d <= 0 or self.rng.random() < 0.2:
            return self.scalar_leaf()
        r = self.rng.random()
        if r < 0.3:
            return self.unary(self.scalar(d - 1), scalar=True)
        if r < 0.55:
            return self.binary(self.scalar(d - 1), self.scalar(d - 1), scalar=True)
        if r < 0.8:
            return self.reduction(d)
        if r < 0.87 and self.on("ifexp"):
            return f"({self.scalar(d - 1)} if {self.condition()} else {self.scalar(d - 1)})"
        if self.on("helpers"):
            call = self.helper_call((), d)
            if call:
                return call
        return self.scalar_leaf()

    def scalar_leaf(self) -> str:
        opts = [v.name for v in self.atoms_of(())]
        if self.on("indexing"):
            for v in self.scope.readable():
                if len(v.shape) == 1:
                    opts.append(f"{v.name}[{self.index_expr(v.shape[0])}]")
                elif len(v.shape) == 2:
                    i, j = self.index_expr(v.shape[0]), self.index_expr(v.shape[1])
                    opts.append(f"{v.name}[{i}, {j}]")
        if not opts or self.rng.random() < 0.1:
            return num(self.rng)
        return self.pick(opts)

    def reduction(self, d: int) -> str:
        vecs = sorted({v.shape for v in self.scope.readable() if len(v.shape) == 1})
        mats = sorted({v.shape for v in self.scope.readable() if len(v.shape) == 2})
        r = self.rng.random()
        if mats and r < 0.2:
            m = self.array(self.pick(mats), d - 1)
            return f"np.{self.pick(['sum', 'mean', 'sum'])}({m})"
        if not vecs:
            return self.scalar_leaf()
        k = self.pick(vecs)[0]
        dyn = [(v, lp) for v in self.scope.readable() for lp in self.scope.loops
               if len(v.shape) == 1 and v.shape[0] >= lp.hi]
        if dyn and self.on("dynamic_slices") and self.rng.random() < 0.25:
            v, lp = self.pick(dyn)  # a slice whose length changes with the loop index
            return self.pick([f"np.sum({v.name}[:{lp.name} + 1] ** 2)",
                              f"np.mean(np.sin({v.name}[{lp.name}:]))",
                              f"np.dot({v.name}[:{lp.name}], {v.name}[1:{lp.name} + 1])"])
        v = self.vector(k, d - 1)
        kind = self.pick(["sum", "sum", "mean", "max", "min", "dot", "matmul", "sumprod",
                          "method", "builtin"])
        if kind in ("max", "min") and not self.on("kinks"):
            kind = "sum"
        if kind == "method" and self.on("methods"):
            m = self.pick(["sum()", "mean()", "max()" if self.on("kinks") else "sum()",
                           f"dot({self.vector(k, d - 1)})"])
            return f"({v}).{m}"
        if kind == "builtin" and self.on("builtins"):
            return f"sum({v})"
        if kind == "dot":
            return f"np.dot({v}, {self.vector(k, d - 1)})"
        if kind == "matmul" and self.on("matmul"):
            return f"({v} @ {self.vector(k, d - 1)})"
        if kind == "sumprod":
            return f"np.sum({v} * {self.vector(k, d - 1)})"
        return f"np.{'sum' if kind == 'matmul' else kind}({v})"

    # ---------------------------------------------------------------- arrays
    def vector(self, k: int, d: int) -> str:
        return self.array((k,), d)

    def array(self, shape: Shape, d: int) -> str:
        if d <= 0 or self.rng.random() < 0.2:
            return self.array_leaf(shape)
        r = self.rng.random()
        if r < 0.25:
            return self.unary(self.array(shape, d - 1), scalar=False)
        if r < 0.5:
            other = self.scalar(d - 1) if self.rng.random() < 0.3 else self.array(shape, d - 1)
            a = self.array(shape, d - 1)
            return self.binary(a, other, scalar=False) if self.rng.random() < 0.7 \
                else self.binary(other, a, scalar=False)
        return self.array_more(shape, d, r)

    def array_more(self, shape: Shape, d: int, r: float) -> str:
        """The rarer array expressions: where, kinks, products, stencils, broadcasting,
        conditional expressions, helper calls."""
        if r < 0.62 and self.on("where"):
            c = self.array(shape, d - 1)
            t = num(self.rng, -0.5, 0.5)
            return f"np.where({c} > {t}, {self.array(shape, d - 1)}, {self.array(shape, d - 1)})"
        if r < 0.66 and self.on("kinks"):
            c = self.array(shape, d - 1)
            return self.pick([f"(({c}) > {num(self.rng, -0.5, 0.5)}) * {self.array(shape, d - 1)}",
                              f"np.clip({c}, -0.6, {num(self.rng, 0.0, 1.0)})",
                              f"np.abs({c})"])
        if r < 0.7 and self.on("kinks"):
            fn = self.pick(["np.maximum", "np.minimum"])
            other = num(self.rng, -0.5, 0.5) if self.rng.random() < 0.5 \
                else self.array(shape, d - 1)
            return f"{fn}({self.array(shape, d - 1)}, {other})"
        if r < 0.8 and self.on("matmul"):
            made = self.product(shape, d)
            if made:
                return made
        if r < 0.86 and len(shape) == 1 and self.on("stencil"):
            made = self.stencil(shape[0], d)
            if made:
                return made
        if r < 0.9 and len(shape) == 2 and self.on("broadcast"):
            a, b = shape
            return self.pick([f"({self.array(shape, d - 1)} * ({self.vector(b, d - 1)})[None, :])",
                              f"({self.array(shape, d - 1)} + ({self.vector(a, d - 1)})[:, None])",
                              f"({self.array(shape, d - 1)} - {self.vector(b, d - 1)})"])
        if r < 0.93 and self.on("ifexp"):
            return f"({self.array(shape, d - 1)} if {self.condition()} else " \
                   f"{self.array(shape, d - 1)})"
        if self.on("helpers"):
            call = self.helper_call(shape, d)
            if call:
                return call
        return self.array_leaf(shape)

    def stencil(self, k: int, d: int) -> str | None:
        """Shifted slices of one vector combined: ``v[2:] - 2.0 * v[1:-1] + v[:-2]``."""
        longer = [v for v in self.scope.readable() if len(v.shape) == 1 and v.shape[0] > k]
        if not longer:
            return None
        v = self.pick(longer)
        n = v.shape[0]
        offs = sorted({int(o) for o in self.rng.integers(0, n - k + 1, size=3)})
        parts = [f"{v.name}[{o}:{o + k}]" for o in offs]
        w = [num(self.rng, -2.0, 2.0) for _ in parts]
        text = " + ".join(f"{c} * {p}" for c, p in zip(w, parts))
        if self.rng.random() < 0.4:
            text = f"np.sin({text}) * {self.vector(k, d - 1)}"
        return f"({text})"

    def product(self, shape: Shape, d: int) -> str | None:
        """A matrix product, an outer product, a reduction along an axis or a transpose."""
        mats = sorted({v.shape for v in self.scope.readable() if len(v.shape) == 2})
        if len(shape) == 1:
            k = shape[0]
            rows = [m for m in mats if m[0] == k]
            cols = [m for m in mats if m[1] == k]
            opts = []
            if rows:
                m = self.pick(rows)
                opts.append(f"({self.array(m, d - 1)} @ {self.vector(m[1], d - 1)})")
                opts.append(f"np.sum({self.array(m, d - 1)}, axis=1)")
                if self.on("methods"):
                    opts.append(f"({self.array(m, d - 1)}).dot({self.vector(m[1], d - 1)})")
                if self.on("kinks"):
                    opts.append(f"np.max({self.array(m, d - 1)}, axis=1)")
            if cols:
                m = self.pick(cols)
                opts.append(f"({self.vector(m[0], d - 1)} @ {self.array(m, d - 1)})")
                opts.append(f"np.mean({self.array(m, d - 1)}, axis=0)")
            return self.pick(opts) if opts else None
        a, b = shape
        opts = [f"np.outer({self.vector(a, d - 1)}, {self.vector(b, d - 1)})",
                f"(({self.vector(a, d - 1)})[:, None] * ({self.vector(b, d - 1)})[None, :])"]
        if (b, a) in mats:
            opts.append(f"({self.array((b, a), d - 1)}).T")
            opts.append(f"np.transpose({self.array((b, a), d - 1)})")
        inner = [m[1] for m in mats if m[0] == a and (m[1], b) in mats]
        if inner:
            m = self.pick(inner)
            opts.append(f"({self.array((a, m), d - 1)} @ {self.array((m, b), d - 1)})")
        if self.on("methods") and (b, a) in mats:
            opts.append(f"({self.array((b, a), d - 1)}).transpose()")
        return self.pick(opts)

    def array_leaf(self, shape: Shape) -> str:
        if len(shape) == 1:
            got = self.vector_from(shape[0])
            if got:
                return got[0]
            return f"(np.linspace(0.2, 1.0, {shape[0]}) * {self.scalar_leaf()})"
        opts = [v.name for v in self.atoms_of(shape)]
        for v in self.scope.readable():
            if v.shape == (shape[1], shape[0]) and self.on("reshape"):
                opts.append(f"{v.name}.T")
                opts.append(f"{v.name}.reshape({shape[0]}, {shape[1]})")
            elif len(v.shape) == 1 and v.shape[0] == shape[0] * shape[1] and self.on("reshape"):
                opts.append(f"{v.name}.reshape({shape[0]}, {shape[1]})")
        if opts:
            return self.pick(opts)
        a, b = shape
        return f"np.outer({self.array_leaf((a,))}, {self.array_leaf((b,))})"

    # ---------------------------------------------------------------- operations
    def unary(self, e: str, scalar: bool) -> str:
        opts = ["np.sin({})", "np.cos({})", "np.tanh({})", "np.exp(np.tanh({}))",
                "np.exp(-({0}) * ({0}))", "np.log(1.0 + ({0}) * ({0}))",
                "np.sqrt(({0}) * ({0}) + 0.5)", "({}) ** 2", "np.tanh({}) ** 3", "-({})",
                "(0.5 * ({}))"]
        if self.on("kinks"):
            opts += ["abs({})" if scalar else "np.abs({})"]
        return self.pick(opts).format(e)

    def binary(self, a: str, b: str, scalar: bool) -> str:
        opts = ["({} + {})", "({} - {})", "({} * {})", "({} / (1.5 + np.tanh({})))",
                "({0} / (1.0 + ({1}) * ({1})))", "({} * {} + 0.5)"]
        if scalar and self.on("kinks"):
            opts += ["max({}, {})", "min({}, {})"]
        return self.pick(opts).format(a, b)

    def helper_call(self, shape: Shape, d: int) -> str | None:
        fits = [h for h in self.scope.helpers if h[2] == shape]
        if not fits:
            return None
        name, params, _ = self.pick(fits)
        args = [self.scalar(d - 1) if p == () else self.array(p, d - 1) for p in params]
        if name in self.keywords and self.rng.random() < 0.5:
            args.append(f"{self.keywords[name]}={self.scalar(d - 1)}")
        return f"{name}({', '.join(args)})"

    def condition(self) -> str:
        """A data-dependent test whose two outcomes both happen for random inputs."""
        vecs = [v for v in self.scope.readable() if len(v.shape) == 1]
        scal = self.atoms_of(())
        t = num(self.rng, -0.6, 0.6)
        opts = [f"{self.scalar(1)} > {t}"]
        if vecs:
            v = self.pick(vecs)
            opts += [f"np.sum({v.name}) > {t}", f"{v.name}[{self.index_expr(v.shape[0])}] < {t}",
                     f"np.max({v.name}) > {num(self.rng, 0.3, 1.3)}"]
        if scal:
            opts.append(f"{self.pick(scal).name} > {t}")
        c = self.pick(opts)
        if self.rng.random() < 0.15:
            c = f"{c} {self.pick(['and', 'or'])} {self.scalar(0)} < {num(self.rng, -0.5, 0.8)}"
        return c
