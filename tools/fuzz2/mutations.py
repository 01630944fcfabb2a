"""Idioms of tools/fuzz2 that change values in place or read them back by a route the
other idioms do not take (session 48): a dict of arrays keyed by numbers whose keys the
program computes with, lists changed by their methods and by item and slice assignment,
arrays held in a list and written through it, rows of a matrix written by a loop over
them, views of views, fancy writes with repeated indices, swaps of elements, an early
``return`` from an ``if``, a ``while`` loop whose exit depends on an array it updates,
``np.where`` into an array then written, ``np.asarray`` and ``[...]`` of an array.

Every write goes into an array the program made (never an argument of f).
"""
from __future__ import annotations

from tools.fuzz2.extras import Extras


class Mutations(Extras):
    """Mixed into tools.fuzz2.generate.Program like Idioms, Aliases and Extras."""

    def keyed_arrays(self) -> None:
        """A dict of arrays keyed by numbers, built literally or by a loop, one item
        changed in place, read back by a loop that computes with its keys."""
        v = self.vec()
        n = self.vars[v][0]
        d, r = self.fresh("by"), self.fresh("kd")
        keys = self.choice([(0, 1, 2), (2, 0, 1), (0.5, -1.0, 1.5)])
        if self.rng.random() < 0.5:
            self.emit(f"{d} = {{}}")
            self.emit(f"for j, key in enumerate({list(keys)}):")
            self.emit(f"    {d}[key] = {v} * (j + 1.0) + {self.scalar()}")
        else:
            items = ", ".join(f"{k}: {v} * {self.num()}" for k in keys)
            self.emit(f"{d} = {{{items}}}")
        self.emit(f"{d}[{keys[0]}] {self.choice(['+=', '-=', '*='])} {self.scalar()}")
        read = self.choice([f"for key, val in {d}.items():", f"for key in sorted({d}):",
                            f"for j, key in enumerate({d}):", f"for key in {d}:"])
        self.emit(f"{r} = {self.choice(['0.0', f'max({d}) * {self.scalar()}'])}")
        self.emit(read)
        val = "val" if "items" in read else f"{d}[key]"
        self.emit(f"    {r} = {r} * 0.5 + key * np.sum({self.squash(val)})")
        self.define(r, ())
        self.define(d + f"[{keys[-1]}]", (n,))

    def list_methods(self) -> None:
        """A list of numbers changed by insert, pop, extend, item and slice assignment,
        ``+=``, reverse; summed and turned into an array."""
        v = self.vec()
        lst, r = self.fresh("lst"), self.fresh("ls")
        self.emit(f"{lst} = [{self.scalar()}, {self.scalar()} * 2.0, {self.scalar()}]")
        for _ in range(int(self.rng.integers(2, 5))):
            self.emit(self.choice([
                f"{lst}.insert({int(self.rng.integers(0, 3))}, {self.squash(self.scalar())})",
                f"{lst}.extend([{v}[0] * {self.num()}, {self.scalar()}])",
                f"{lst}[{int(self.rng.integers(-3, 3))}] = {lst}[0] * {self.scalar()}",
                f"{lst}[1:3] = [{lst}[2], {lst}[1] + {self.scalar()}]",
                f"{lst} += [{self.squash(f'{lst}[-1]')}]",
                f"{lst}.append({lst}.pop(0) * {self.num()})",
                f"{lst}.reverse()",
                f"{lst}[0] += {lst}[-1] * {self.num()}"]))
        self.emit(f"{r} = sum({lst}) + np.sum(np.array({lst}) ** 2) * {self.num(0.1, 0.5)}")
        self.define(r, ())

    def arrays_in_a_list(self) -> None:
        """Arrays held in a list and changed through it (``parts[0] += w`` writes into
        the array ``buf`` too); the array read after."""
        v = self.vec()
        buf = self.owned_copy(v)
        w = self.pick(shape=self.vars[v]) or v
        parts = self.fresh("parts")
        self.emit(f"{parts} = [{buf}, {w} * {self.num()}]")
        self.emit(self.choice([f"{parts}[0] += {parts}[1]", f"{parts}[0] *= {self.scalar()}",
                               f"{parts}[0][1:] -= {w}[:-1] * {self.num()}",
                               f"{parts}[-1][0] = {self.scalar()}"]))
        if self.rng.random() < 0.5:
            self.emit(f"{parts}[1] = {parts}[1] + {buf}")
        r = self.fresh("pl")
        self.emit(f"{r} = np.sum({parts}[1] * {buf}) + np.sum({parts}[0])")
        self.define(r, ())

    def row_loop(self) -> None:
        """Rows of a copied matrix changed by a loop over them (each row is a view) or by
        index, normalised in place."""
        M = self.pick(2)
        if M is None:
            return
        a, b = self.vars[M]
        B = self.fresh("Rw")
        self.emit(f"{B} = {M}.copy()")
        if self.rng.random() < 0.5:
            self.emit(f"for row in {B}:")
            self.emit(f"    row {self.choice(['*=', '-=', '+='])} {self.squash('row[0]')}")
            self.emit("    row -= row.mean()")
        else:
            self.emit(f"for i in range({a}):")
            self.emit(f"    {B}[i] /= 1.0 + np.sum({B}[i] ** 2)")
            self.emit(f"    {B}[i, 0] += {B}[i - 1, -1] * {self.num()}")
        self.define(B, (a, b))

    def view_of_view(self) -> None:
        """A view of a view of a copy written; the copy and the first view read."""
        v = self.vec()
        n = self.vars[v][0]
        if n < 3:
            return
        buf = self.owned_copy(v)
        outer, inner = self.fresh("vo"), self.fresh("vi")
        self.emit(f"{outer} = {buf}{self.choice(['[1:]', '[::-1]', '[:]', '[...]'])}")
        self.emit(f"{inner} = {outer}{self.choice(['[::2]', '[1:]', '[:-1]', '[::-1]'])}")
        self.emit(f"{inner} {self.choice(['*=', '+=', '-='])} {self.scalar()}")
        if self.rng.random() < 0.5:
            self.emit(f"{inner}[0] = {self.squash(f'{outer}[-1]')}")
        r = self.fresh("vv")
        self.emit(f"{r} = np.sum({outer} ** 2) + {buf}[0]")
        self.define(r, ())

    def repeated_index_write(self) -> None:
        """``b[[0, 0, 2]] += w``: a fancy write with an index repeated adds once (the last
        of the repeated writes wins), an element swap by a tuple assignment."""
        v = self.vec()
        n = self.vars[v][0]
        if n < 3:
            return
        buf = self.owned_copy(v)
        idx = [int(i) for i in self.rng.integers(0, n, 3)]
        idx[1] = idx[0]
        w = self.pick(shape=(n,)) or v
        self.emit(self.choice([f"{buf}[{idx}] += {w}[:3] * {self.num()}",
                               f"{buf}[np.array({idx})] -= {self.scalar()}",
                               f"{buf}[{idx}] = {w}[{idx[::-1]}]"]))
        i, j = (int(k) for k in self.rng.integers(0, n, 2))
        self.emit(f"{buf}[{i}], {buf}[{j}] = {buf}[{j}], {buf}[{i}] * {self.scalar()}")

    def early_return_if(self) -> None:
        """An ``if`` at the top of f that returns early, on a test of the data."""
        if self.returned or self.indent != 1:
            return
        self.returned = True
        v, s = self.vec(), self.scalar()
        self.emit(f"if np.sum({v}) {self.choice(['>', '<'])} {self.num(-0.6, 0.6)}:")
        self.emit(f"    return {self.choice([f'np.sum({v} ** 2)', f'{s} * 2.0'])} + "
                  f"np.sum(np.tanh({self.vec()}))")

    def while_array_exit(self) -> None:
        """A ``while`` loop adding into an array in place until its norm passes a
        threshold the data decides (and a cap)."""
        v = self.vec()
        n = self.vars[v][0]
        acc, k = self.fresh("grow"), self.fresh("k")
        self.emit(f"{acc} = np.zeros({n})")
        self.emit(f"{k} = 0")
        self.emit(f"while np.sum({acc} ** 2) < {self.num(0.5, 2.0)} and {k} < 8:")
        self.emit(f"    {acc} += np.tanh({v} + {k} * {self.scalar()}) * 0.5")
        self.emit(f"    {k} += 1")
        self.define(acc, (n,))

    def where_then_write(self) -> None:
        """``np.where`` into a new array (a number for one branch), then written in place
        by a mask; ``np.asarray`` of it written (the same array)."""
        v = self.vec()
        n = self.vars[v][0]
        w = self.pick(shape=(n,)) or v
        r = self.fresh("wh")
        self.emit(f"{r} = np.where({v} > {self.num(-0.4, 0.4)}, {w} * {v}, "
                  f"{self.choice(['0.0', self.scalar()])})")
        kind = int(self.rng.integers(3))
        if kind == 0:
            self.emit(f"{r}[{v} < 0] += {self.scalar()}")
        elif kind == 1:
            same = self.fresh("same")
            self.emit(f"{same} = np.asarray({r})")
            self.emit(f"{same}[0] = {self.scalar()}")
        else:
            self.emit(f"{r}[...] *= {self.num()}")
        self.define(r, (n,))


MUTATION_IDIOMS = [
    Mutations.keyed_arrays, Mutations.list_methods, Mutations.arrays_in_a_list,
    Mutations.row_loop, Mutations.view_of_view, Mutations.repeated_index_write,
    Mutations.early_return_if, Mutations.while_array_exit, Mutations.where_then_write,
]
