"""Random valid Python/NumPy programs ``f(x, y, ...) -> scalar`` for fuzzing s2sad.

``program(seed)`` returns ``(source_text, make_args)``: the text of a module defining a
few helper functions and ``f``, and a function returning fresh arguments for ``f`` (the
same ones for the same seed).  The module must be written to a real file and imported,
since s2sad reads the source of ``f`` with ``inspect.getsource``.

Every construct is a switchable feature (``FEATURES``; all on by default):
``program(seed, features={"while": False})``.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from tools.fuzz.exprs import Scope, Var, num
from tools.fuzz.stmts import Stmts

FEATURES = {
    "slicing": True, "indexing": True, "matmul": True, "reshape": True, "where": True,
    "kinks": True,  # max/min/abs/np.maximum: non-smooth points
    "augassign": True, "setitem": True, "fresh": True, "alias": True,
    "argwrite": True,  # write into an argument of f (through an alias): rare
    "if": True, "for": True, "while": True, "helpers": True, "call": True,
    "container": True, "container_args": True, "scalar_args": True, "matrix_args": True,
    "recurrence": True,  # r[i] = ... r[i - 1] ... in a for loop
    "break": True, "early_return": True,  # break / continue in loops, return in an if of f
    "ifexp": True, "methods": True, "builtins": True, "stencil": True, "broadcast": True,
    "append": True,  # out = []; for ...: out.append(...); np.array(out)
    "rowops": True,  # m[i] = m[i] - c * m[j] in a loop
    "dynamic_slices": True,  # v[:i + 1] in a loop over i
    "globals": True, "keywords": True,  # module constants; helper keyword parameters
    "swap": True,  # a, b = b, a and a = b = ...
    "closure": True,  # def g(t): ... inside f, reading f's variables
    "iterate": True,  # for a, b in zip(x, y) / for row in M / enumerate
}


class Program(Stmts):
    """One random program; build it with :meth:`source`."""

    def __init__(self, seed: int, features: dict[str, bool] | None = None) -> None:
        self.rng = np.random.default_rng(seed)
        self.features = {**FEATURES, **(features or {})}
        self.lines, self.indent, self.counter, self.depth = [], 0, 0, 0
        self.in_loop, self.target, self.in_f = 0, None, False
        self.n = int(self.rng.integers(3, 7))
        self.m = int(self.rng.integers(3, 6))
        self.shapes: list = [(), (), (self.n,), (self.n,), (self.m,)]
        if self.on("matrix_args") or self.on("matmul"):
            self.shapes.append((self.m, self.n))
        self.scope = Scope()
        self.helpers_multi: list = []
        self.keywords: dict[str, str] = {}
        self.globals: list[Var] = []
        self.arg_specs: list[tuple[str, Any]] = []

    def on(self, feature: str) -> bool:
        return self.features.get(feature, True)

    # ---------------------------------------------------------------- arguments
    def choose_args(self) -> None:
        specs: list[tuple[str, Any]] = [("x", (self.n,))]
        extra = [("y", (self.n,)), ("z", (self.m,))]
        if self.on("scalar_args"):
            extra += [("a", ()), ("b", ())]
        if self.on("matrix_args"):
            extra += [("M", (self.m, self.n))]
        if self.on("container_args"):
            extra += [("P", ("list", [(self.n,), (self.n,)])),
                      ("T", ("tuple", [(self.m,), ()])),
                      ("D", ("dict", {"w": (self.m, self.n), "c": (self.m,)}))]
        for j in self.rng.permutation(len(extra))[: int(self.rng.integers(1, 4))]:
            specs.append(extra[j])
        self.arg_specs = specs
        for name, spec in specs:
            if isinstance(spec, tuple) and (not spec or isinstance(spec[0], int)):
                self.scope.vars[name] = Var(name, spec, False)
            else:
                kind, items = spec
                keys = list(items) if kind == "dict" else list(range(len(items)))
                for k in keys:
                    self.scope.atoms.append(Var(f"{name}[{k!r}]", items[k], False))

    def make_args_fn(self, seed: int) -> Callable[[], tuple]:
        specs = self.arg_specs

        def value(spec: Any, rng: np.random.Generator) -> Any:
            if spec == ():
                return float(rng.uniform(-1.2, 1.2))
            if isinstance(spec[0], int):
                return rng.uniform(-1.2, 1.2, spec)
            kind, items = spec
            if kind == "dict":
                return {k: value(s, rng) for k, s in items.items()}
            made = [value(s, rng) for s in items]
            return made if kind == "list" else tuple(made)

        def make_args() -> tuple:
            rng = np.random.default_rng(seed + 7_000_003)
            return tuple(value(s, rng) for _, s in specs)

        return make_args

    # ---------------------------------------------------------------- helpers
    def helper(self, index: int) -> None:
        """``def h<index>(p0, p1, ...)``: a few statements, may call earlier helpers."""
        name = f"h{index}"
        params = [self.pick(self.shapes) for _ in range(int(self.rng.integers(1, 3)))]
        outer = self.scope
        self.scope = Scope(helpers=list(outer.helpers))
        self.scope.atoms = list(self.globals)
        names = [f"p{i}" for i in range(len(params))]
        for nm, shape in zip(names, params):
            self.scope.vars[nm] = Var(nm, shape, False)
        signature = list(names)
        if self.on("keywords") and self.rng.random() < 0.4:
            self.keywords[name] = "scale"
            signature.append(f"scale={num(self.rng, 0.2, 1.5)}")
            self.scope.vars["scale"] = Var("scale", (), False)
        multi = self.on("call") and self.rng.random() < 0.3
        outs = [self.pick(self.shapes) for _ in range(2)] if multi else [self.pick(self.shapes)]
        self.emit(f"def {name}({', '.join(signature)}):")
        self.indent += 1
        self.depth = 1  # helpers stay small: no nested blocks below a branch or loop
        self.block(int(self.rng.integers(1, 4)))
        self.emit("return " + ", ".join(self.expr(s, 2) for s in outs))
        self.indent -= 1
        self.depth = 0
        self.emit("")
        self.emit("")
        self.scope = outer
        if multi:
            self.helpers_multi.append((name, params, outs))
        else:
            self.scope.helpers.append((name, params, outs[0]))

    def module_constants(self) -> None:
        """Module-level constants f and the helpers read: an array and a number."""
        if not self.on("globals") or self.rng.random() < 0.7:
            return
        values = ", ".join(num(self.rng) for _ in range(self.n))
        self.emit(f"C = np.array([{values}])")
        self.emit(f"K = {num(self.rng, 0.2, 2.0)}")
        self.emit("")
        self.emit("")
        self.globals = [Var("C", (self.n,), False), Var("K", (), False)]

    # ---------------------------------------------------------------- the program
    def source(self) -> str:
        self.emit("import numpy as np")
        self.emit("")
        self.emit("")
        self.module_constants()
        if self.on("helpers"):
            for i in range(int(self.rng.integers(0, 4))):
                self.helper(i + 1)
        self.choose_args()
        self.scope.atoms += self.globals
        self.emit(f"def f({', '.join(name for name, _ in self.arg_specs)}):")
        self.indent += 1
        self.in_f = True
        self.block(int(self.rng.integers(4, 12)))
        self.emit(f"return {self.output()}")
        self.indent -= 1
        return "\n".join(self.lines) + "\n"


def program(seed: int, features: dict[str, bool] | None = None
            ) -> tuple[str, Callable[[], tuple]]:
    """The source of a random module defining ``f`` and a maker of ``f``'s arguments."""
    p = Program(seed, features)
    text = p.source()
    return text, p.make_args_fn(seed)


if __name__ == "__main__":
    import sys

    for s in sys.argv[1:]:
        src, make = program(int(s))
        print(src)
        print("# args:", make())
