"""Idioms of tools/fuzz2 with less common NumPy and Python: overlapping shifts, 2-D
masks written into, gathers by argmax, roll / flip / tile / repeat, cumprod, a matrix
built from numbers, lambdas made in a loop, a dict of sums, starred unpacking,
``enumerate(zip(...))``, a tolerance loop on an array, more of np.linalg, axis tuples,
``ddof``, ``out=``, selections that may be empty, functions chosen at run time."""
from __future__ import annotations

from tools.fuzz2.aliases import Aliases


class Extras(Aliases):
    """Mixed into tools.fuzz2.generate.Program like Idioms and Aliases."""

    def shifts(self) -> None:
        """``v[1:] = v[:-1]``, ``v[1:] += v[:-1]``: the written part overlaps the value."""
        v = self.vec()
        buf = self.owned_copy(v)
        self.emit(self.choice([f"{buf}[1:] += {buf}[:-1] * {self.num()}",
                               f"{buf}[1:] = {buf}[:-1] + {self.scalar()}",
                               f"{buf}[:-1] -= {buf}[1:]", f"{buf}[::-1] = {buf} * 0.5"]))

    def masks_2d(self) -> None:
        """A 2-D mask written into, a fancy pair index, a gather by argmax."""
        M = self.pick(2)
        if M is None:
            return
        a, b = self.vars[M]
        B, r = self.fresh("Q"), self.fresh("g")
        self.emit(f"{B} = {M}.copy()")
        self.emit(f"{B}[{B} > {self.num(-0.3, 0.5)}] *= {self.scalar()}")
        kind = int(self.rng.integers(3))
        if kind == 0:
            self.emit(f"{r} = {B}[np.arange({a}), np.argmax({M}, axis=1)]")
            self.define(r, (a,))
        elif kind == 1:
            self.emit(f"{r} = {B}[[0, {a - 1}], [{b - 1}, 0]] * {B}[-1, ::-1][:2]")
            self.define(r, (2,))
        else:
            self.emit(f"{B}[:, 0] = {B}[:, -1] ** 2")
            self.emit(f"{r} = {B}[..., None][:, 1, 0]")
            self.define(r, (a,))
        self.define(B, (a, b))

    def rearrange(self) -> None:
        """roll, flip, tile, repeat, cumprod, sort of a vector."""
        v = self.vec()
        n = self.vars[v][0]
        r = self.fresh("re")
        kind = int(self.rng.integers(5))
        if kind == 0:
            self.emit(f"{r} = np.roll({v}, {int(self.rng.integers(-2, 3))}) * np.flip({v})")
            self.define(r, (n,))
        elif kind == 1:
            self.emit(f"{r} = np.tile({v}, 2)[1:{n + 1}] + np.repeat({v}[:2], 2).sum()")
            self.define(r, (n,))
        elif kind == 2:
            self.emit(f"{r} = np.cumprod(1.0 + 0.3 * np.tanh({v}))")
            self.define(r, (n,))
        elif kind == 3:
            self.emit(f"{r} = np.sort({v})[::-1] - np.max({v})")
            self.define(r, (n,))
        else:
            self.emit(f"{r} = np.maximum.accumulate({v}) + np.minimum({v}, 0.1)")
            self.define(r, (n,))

    def from_numbers(self) -> None:
        """A small matrix and vector built from numbers, then used in a product."""
        p, q, s = self.scalar(), self.scalar(), self.scalar()
        R, r = self.fresh("Rm"), self.fresh("rv")
        self.emit(f"{R} = np.array([[np.cos({p}), -np.sin({p})], [np.sin({p}), np.cos({p})]])")
        self.emit(f"{r} = {R} @ np.array([{q}, {s} ** 2]) + {R}.T[0]")
        self.define(r, (2,))

    def lambdas(self) -> None:
        """Functions made in a loop, each keeping its own k (a default argument)."""
        v = self.vec()
        fs, r = self.fresh("fs"), self.fresh("lam")
        self.emit(f"{fs} = [lambda t, k=k: np.sin(t * (k + 1)) for k in range(3)]")
        self.emit(f"{r} = sum(fn({v}) for fn in {fs})")
        self.define(r, self.vars[v])

    def chosen_functions(self) -> None:
        """A function chosen at run time and called through a name: by a data-dependent
        branch, from a dict by a key the data picks, a list of lambdas and defs looped
        over or indexed by a computed int, a module-level helper picked by a branch."""
        v = self.vec()
        thr = self.num(-0.5, 0.5)
        f, r = self.fresh("fn"), self.fresh("ch")
        kind = int(self.rng.integers(5))
        if kind == 0:
            self.emit(f"{f} = np.tanh if np.sum({v}) > {thr} else np.sin")
            self.emit(f"{r} = {f}({v} * {self.num(0.5, 1.5)}) + {v}")
        elif kind == 1:
            self.emit(f"{f} = {{'a': np.tanh, 'b': np.arctan, 'c': np.cos}}")
            self.emit(f"key = 'a' if {v}[0] > {thr} else ('b' if {v}[-1] > {thr} else 'c')")
            self.emit(f"{r} = {f}[key]({v}) * {v}")
        elif kind == 2:
            self.emit(f"{f} = [lambda t: t * 0.5 + t ** 2, np.cos, lambda t: np.exp(-t * t)]")
            self.emit(f"{r} = {v} * 1.0")
            self.emit(f"for g in {f}:")
            self.emit(f"    {r} = {r} + g({r}) * {self.num(0.1, 0.4)}")
        elif kind == 3:
            self.emit("def cube(t):")
            self.emit("    return t ** 3 - t")
            self.emit(f"{f} = [cube, np.sin, np.tanh]")
            self.emit(f"{r} = {f}[int({v}[0] > {thr}) + int({v}[-1] > {thr})]({v})")
        else:
            a, b = self.need("normalize"), self.need("softmax")
            self.emit(f"{f} = {a} if np.max({v}) > {thr} else {b}")
            self.emit(f"{r} = {f}({v}) + {v}")
        self.define(r, self.vars[v])

    def dict_sums(self) -> None:
        """A dict of running sums keyed by a sign, read back in a fixed order."""
        v = self.vec()
        d, r = self.fresh("bins"), self.fresh("ds")
        self.emit(f"{d} = {{}}")
        self.emit(f"for i, (a, b) in enumerate(zip({v}, {v}[::-1])):")
        self.emit("    key = 'pos' if a > b else 'neg'")
        self.emit(f"    {d}[key] = {d}.get(key, 0.0) + a * b * (i + 1)")
        self.emit(f"{r} = {d}.get('pos', 0.0) - 2.0 * {d}.get('neg', 0.0)")
        self.define(r, ())

    def starred(self) -> None:
        """``first, *rest = v``: a number and a list of numbers."""
        v = self.vec()
        first, rest, r = self.fresh("first"), self.fresh("rest"), self.fresh("sr")
        self.emit(f"{first}, *{rest} = {v}")
        self.emit(f"{r} = {first} * np.array({rest}).sum() + len({rest})")
        self.define(r, ())

    def tolerance_loop(self) -> None:
        """Halve an array in place until it is small: the trip count follows the data."""
        v = self.vec()
        buf = self.owned_copy(v)
        k = self.fresh("halvings")
        self.emit(f"{k} = 0")
        self.emit(f"while np.max(np.abs({buf})) > {self.num(0.05, 0.3)} and {k} < 20:")
        self.emit(f"    {buf} *= 0.5")
        self.emit(f"    {k} += 1")

    def linalg_more(self) -> None:
        """cholesky, qr, pinv, lstsq, matrix_power, trace, norms with ord and axis tuples."""
        v = self.vec()
        n = self.vars[v][0]
        S, r = self.fresh("P"), self.fresh("lx")
        self.emit(f"{S} = np.outer({v}, {v}) + {n} * np.eye({n})")
        kind = int(self.rng.integers(5))
        if kind == 0:
            self.emit(f"L = np.linalg.cholesky({S})")
            self.emit(f"{r} = np.sum(np.log(np.diag(L))) + np.trace(L @ L.T)")
        elif kind == 1:
            self.emit(f"Qm, Rr = np.linalg.qr({S})")
            self.emit(f"{r} = np.sum(np.abs(np.diag(Rr))) + Qm[0] @ {v}")
        elif kind == 2:
            self.emit(f"{r} = np.sum(np.linalg.pinv({S}) @ {v}) + "
                      f"np.linalg.norm({S}, ord='fro')")
        elif kind == 3:
            self.emit(f"sol = np.linalg.lstsq({S}, {v}, rcond=None)[0]")
            self.emit(f"{r} = sol @ sol + np.sum(np.linalg.matrix_power({S} / {n}, 2))")
        else:
            self.emit(f"{r} = np.sum({S}, axis=(0, 1)) / {S}.mean(axis=-1).sum() + "
                      f"np.var({v}, ddof=1) + np.std({v}, ddof=1)")
        self.define(r, ())

    def out_argument(self) -> None:
        """``np.multiply(a, b, out=a)``, ``np.add(..., out=...)``: a ufunc writing in place."""
        v = self.vec()
        buf = self.owned_copy(v)
        w = self.pick(shape=self.vars[v]) or v
        ufunc = self.choice(["multiply", "add", "subtract"])
        self.emit(f"np.{ufunc}({buf}, {w}, out={buf})")

    def index_sets(self) -> None:
        """Indices where a condition holds (np.where alone, nonzero, flatnonzero) used to
        gather, next to a loop reading elements one by one."""
        v = self.vec()
        n = self.vars[v][0]
        w = self.pick(shape=(n,)) or v
        idx, r = self.fresh("idx"), self.fresh("gs")
        pick = self.choice([f"np.where({v} > {self.num(-0.3, 0.3)})[0]",
                            f"np.nonzero({v} < {self.num(-0.3, 0.3)})[0]",
                            f"np.flatnonzero({v} * {w} > 0)"])
        self.emit(f"{idx} = {pick}")
        self.emit(f"{r} = np.sum({w}[{idx}] ** 2)")
        self.emit(f"for i in range({n}):")
        self.emit(f"    {r} += {v}[i] * {w}[{n - 1} - i]")
        self.define(r, ())

    def selections(self) -> None:
        """A masked selection that may well be empty (a high threshold, a slice past
        the end): its product, sum and a loop over it."""
        v = self.vec()
        n = self.vars[v][0]
        w = self.pick(shape=(n,)) or v
        sel, r = self.fresh("sel"), self.fresh("pr")
        self.emit(f"{sel} = " + self.choice([f"{v}[{w} > {self.num(0.5, 1.1)}]",
                                             f"{v}[{n - 1}:{int(self.rng.integers(0, n))}]",
                                             f"{v}[{v} * {w} > {self.num(0.3, 0.9)}]"]))
        self.emit(f"{r} = np.prod(1.0 + {sel}) + np.sum({sel} ** 2)")
        self.emit(f"for t in {sel}:")
        self.emit(f"    {r} = {r} * 0.5 + t")
        self.define(r, ())


EXTRA_IDIOMS = [
    Extras.shifts, Extras.masks_2d, Extras.rearrange, Extras.from_numbers, Extras.lambdas,
    Extras.dict_sums, Extras.starred, Extras.tolerance_loop, Extras.linalg_more,
    Extras.out_argument, Extras.index_sets, Extras.selections, Extras.chosen_functions,
]
