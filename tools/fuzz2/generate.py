"""Random programs written the way an applied-maths user writes NumPy, not the way
tools/fuzz does: ``python -m tools.fuzz2.generate SEED`` prints one.

tools/fuzz grows deep random expressions statement by statement.  This generator
instead strings together *idioms* (tools/fuzz2/idioms.py): whole little recipes a person
writes - a ``while`` scan with ``break`` / ``continue``, a list built in a loop and turned
into an array, ``v = buf[1:]; v *= 2``, ``x = x.copy()`` then writes, a solve with an SPD
matrix, ``math.sin(float(x[i]))``, named module-level helpers (``softmax``, ``stats``
returning a tuple, ``first_above`` with a return inside its loop), closures, masks,
fancy indexing, reshape chains, reductions with ``axis`` / ``keepdims``.  Expressions
stay shallow; the variety is in the statements and in how values flow between them.

``program(seed)`` returns ``(source, make_args)`` like tools/fuzz/generate.py, so the
checker (tools/fuzz/check.py) and the reducer (tools/fuzz/reduce.py) are shared.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tools.fuzz2.aliases import ALIAS_IDIOMS, Aliases
from tools.fuzz2.extras import EXTRA_IDIOMS
from tools.fuzz2.helpers import HELPERS
from tools.fuzz2.idioms import IDIOMS
from tools.fuzz2.mutations import MUTATION_IDIOMS, Mutations

Shape = tuple


RARE = (Aliases.rows_in_list, Aliases.builtins, Mutations.lambdas)  # (s2sad refuses these:
# rarer, to see the rest)


class Program(Mutations):
    """One random program: arguments, helpers used, and the body of ``f``."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng(seed)
        self.n = int(self.rng.integers(3, 7))
        self.m = int(self.rng.integers(2, 5))
        self.body: list[str] = []
        self.indent = 1
        self.vars: dict[str, Shape] = {}   # name -> shape (() a float)
        self.owned: set[str] = set()       # names safe to write into (no argument memory)
        self.unread: list[str] = []        # names made and not read since: the output's
        self.counter = 0
        self.helpers: list[str] = []       # module-level helpers used, in HELPERS order
        self.returned = False              # one early return per program at most
        self.args: list[tuple[str, Any]] = []

    # ------------------------------------------------------------------ plumbing
    def emit(self, line: str) -> None:
        self.body.append("    " * self.indent + line)

    def fresh(self, stem: str) -> str:
        self.counter += 1
        return f"{stem}{self.counter}"

    def define(self, name: str, shape: Shape, owned: bool = True) -> str:
        self.vars[name] = shape
        if "[" not in name and name not in self.unread:
            self.unread.append(name)
        (self.owned.add if owned else self.owned.discard)(name)
        return name

    def pick(self, ndim: int | None = None, shape: Shape | None = None,
             owned: bool = False) -> str | None:
        """A random readable name of that rank / shape (recent names more likely); a
        vector or matrix has at least two entries along each axis."""
        names = [k for k, s in self.vars.items()
                 if (ndim is None or len(s) == ndim) and (shape is None or s == shape)
                 and (not owned or k in self.owned) and (shape or min(s, default=2) >= 2)]
        if not names:
            return None
        weights = np.arange(1, len(names) + 1, dtype=float)
        name = str(names[self.rng.choice(len(names), p=weights / weights.sum())])
        if name in self.unread:
            self.unread.remove(name)
        return name

    def vec(self) -> str:
        """A 1-D name (x always exists)."""
        return self.pick(1) or "x"

    def scalar(self) -> str:
        """A scalar expression: a float name, or an element of a vector."""
        name = self.pick(0)
        if name is not None and self.rng.random() < 0.6:
            return name
        v = self.vec()
        return f"{v}[{int(self.rng.integers(-self.vars[v][0], self.vars[v][0]))}]"

    def num(self, lo: float = -0.8, hi: float = 0.8) -> str:
        return f"{self.rng.uniform(lo, hi):.2f}"

    def choice(self, options: list) -> Any:
        return options[int(self.rng.integers(len(options)))]

    def need(self, helper: str) -> str:
        if helper not in self.helpers:
            self.helpers.append(helper)
        return helper

    # ------------------------------------------------------------------ arguments
    def choose_args(self) -> None:
        n, m = self.n, self.m
        extra = [("y", (n,)), ("w", (m,)), ("W", (m, n)), ("A", (n, n)), ("s", ()),
                 ("beta", ()), ("cs", ("list", 3)), ("pair", ("tuple", (n,)))]
        self.args = [("x", (n,))]
        for j in self.rng.permutation(len(extra))[: int(self.rng.integers(1, 4))]:
            self.args.append(extra[j])
        for name, spec in self.args:
            if spec and spec[0] == "list":      # a list of floats
                for k in range(spec[1]):
                    self.define(f"{name}[{k}]", (), owned=False)
            elif spec and spec[0] == "tuple":   # a tuple of two arrays
                for k in range(2):
                    self.define(f"{name}[{k}]", spec[1], owned=False)
            else:
                self.define(name, spec, owned=False)

    def make_args_fn(self, seed: int) -> Callable[[], tuple]:
        specs = [spec for _, spec in self.args]

        def value(spec: Any, rng: np.random.Generator) -> Any:
            if spec == ():
                return float(rng.uniform(-1.0, 1.0))
            if spec[0] == "list":
                return [float(v) for v in rng.uniform(-1.0, 1.0, spec[1])]
            if spec[0] == "tuple":
                return (rng.uniform(-1.0, 1.0, spec[1]), rng.uniform(-1.0, 1.0, spec[1]))
            return rng.uniform(-1.0, 1.0, spec)

        def make_args() -> tuple:
            rng = np.random.default_rng(seed + 1_000_003)
            return tuple(value(s, rng) for s in specs)

        return make_args

    # ------------------------------------------------------------------ the program
    def output(self) -> str:
        """A scalar made of the values no idiom read (the last six), each squashed so
        that it stays finite."""
        recent = self.unread[-6:]
        terms = []
        for name in recent:
            if self.vars[name] == ():
                terms.append(self.choice([f"{name}", f"np.tanh({name})", f"{name} ** 2"]))
            else:
                terms.append(self.choice([f"np.sum(np.tanh({name}))", f"np.mean({name} ** 2)",
                                          f"np.sum(np.sin({name}) * 0.5)"]))
        return " + ".join(terms) or "np.sum(x)"

    def idioms(self, count: int) -> None:
        every = IDIOMS + ALIAS_IDIOMS + EXTRA_IDIOMS + MUTATION_IDIOMS + \
            [Program.loop_block] * 2 + [Program.if_block] * 2
        for _ in range(count):
            idiom = self.choice(every)
            if idiom in RARE and self.rng.random() < 0.7:
                idiom = self.choice(every)
            idiom(self)

    def summary(self, names: list[str]) -> str:
        """A number made of ``names`` (the values a block made)."""
        terms = [f"np.tanh({n})" if self.vars[n] == () else f"np.sum(np.tanh({n}))"
                 for n in names[-3:]]
        return " + ".join(terms) or self.scalar()

    def loop_block(self) -> None:
        """Idioms inside a ``for`` loop, a number carried from trip to trip."""
        if self.indent > 2:
            return
        carry = self.fresh("carry")
        self.emit(f"{carry} = {self.scalar()}")
        self.emit(f"for step in range({int(self.rng.integers(1, 4))}):")
        self.indent += 1
        before = set(self.vars)
        self.idioms(int(self.rng.integers(1, 4)))
        made = [n for n in self.vars if n not in before]
        self.emit(f"{carry} = {carry} * 0.5 + {self.summary(made)}")
        self.indent -= 1
        self.define(carry, ())

    def if_block(self) -> None:
        """Idioms in both branches of a data-dependent ``if``; what they make is only
        read inside (one number, bound in both, is read after)."""
        if self.indent > 2:
            return
        res = self.fresh("res")
        self.emit(f"if {self.scalar()} > {self.num(-0.5, 0.5)}:")
        for branch in ("body", "orelse"):
            if branch == "orelse":
                self.emit("else:")
            saved = (dict(self.vars), set(self.owned), list(self.unread))
            self.indent += 1
            self.idioms(int(self.rng.integers(1, 3)))
            made = [n for n in self.vars if n not in saved[0]]
            self.emit(f"{res} = {self.summary(made)}")
            self.indent -= 1
            self.vars, self.owned, self.unread = saved
        self.define(res, ())

    def source(self) -> str:
        self.choose_args()
        self.idioms(int(self.rng.integers(3, 9)))
        self.emit(f"return {self.output()}")
        params = ", ".join(name for name, _ in self.args)
        head = ["import math", "", "import numpy as np", "", ""]
        for name in HELPERS:  # in a fixed order: a helper may call an earlier one
            if name in self.helpers:
                head += [HELPERS[name].strip("\n"), "", ""]
        return "\n".join(head + [f"def f({params}):"] + self.body) + "\n"


def program(seed: int, features: dict[str, bool] | None = None
            ) -> tuple[str, Callable[[], tuple]]:
    """The source of a random module defining ``f`` and a maker of ``f``'s arguments
    (``features`` is accepted for the shared checker's signature, and ignored)."""
    p = Program(seed)
    text = p.source()
    return text, p.make_args_fn(seed)


if __name__ == "__main__":
    import sys

    for s in sys.argv[1:]:
        src, make = program(int(s))
        print(src)
        print("# args:", make())
