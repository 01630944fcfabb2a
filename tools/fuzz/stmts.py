"""Random statements for the fuzzer: assignments, in-place writes, aliases, branches,
loops, while loops, helper calls and containers.

A statement only reads names bound on every path to it; names bound inside a branch or
a loop body are forgotten after it, and a name may be written into (``r[i] = ...``,
``r += ...``) only while it shares no memory with an argument of f on every path.
"""
from __future__ import annotations

import re

from tools.fuzz.exprs import Exprs, Loop, Scope, Var, num

VIEW = re.compile(r"^(\w+)(\[[^\]]*\]|\.T|\.reshape\([^)]*\))*$")


class Stmts(Exprs):
    """Statement generation into ``self.lines`` at ``self.indent``."""

    lines: list[str]
    indent: int
    counter: int
    shapes: list
    n: int
    m: int
    depth: int  # nesting of blocks
    in_loop: int = 0  # inside a for or while body: a name's later iterations matter
    in_f: bool = False  # generating f, not a helper: an early return is a scalar
    target: Var | None = None  # s_setitem writes into this one
    helpers_multi: list  # helpers returning a tuple: (name, param shapes, output shapes)

    def emit(self, text: str) -> None:
        self.lines.append("    " * self.indent + text)

    def fresh_name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def owned(self, text: str) -> bool:
        """Whether the value of ``text`` certainly shares no memory with an argument."""
        m = VIEW.match(text)
        if m:
            v = self.scope.vars.get(m.group(1))
            return bool(v and v.owned)
        return not text.startswith("np.transpose(")

    def bind(self, name: str, shape, text: str) -> None:
        old = self.scope.vars.get(name)
        if self.in_loop and old is not None and old.owned and not self.owned(text):
            text = f"np.array({text})"  # a later iteration may write into it again
        self.emit(f"{name} = {text}")
        self.scope.vars[name] = Var(name, shape, self.owned(text))

    def expr(self, shape, d: int | None = None) -> str:
        d = int(self.rng.integers(1, 4)) if d is None else d
        return self.scalar(d) if shape == () else self.array(shape, d)

    # ---------------------------------------------------------------- blocks
    def block(self, count: int) -> None:
        for _ in range(count):
            self.statement()

    def statement(self) -> None:
        kinds = ["assign", "assign", "rebind", "augassign", "setitem", "setitem", "fresh"]
        if self.depth < 2:
            kinds += ["if", "for", "while", "alias", "container", "call", "append"]
        if self.in_loop:
            kinds += ["break"]
        if self.in_f and self.depth == 0:
            kinds += ["closure", "iterate"]
        kinds += ["swap"]
        if self.in_f and self.depth == 0:
            kinds += ["early_return"]
        kinds = [k for k in kinds if (self.on(k) or k in ("assign", "rebind")) and
                 (k not in ("break", "early_return") or self.on("if")) and
                 (k not in ("iterate", "append") or self.on("for"))]
        getattr(self, "s_" + self.pick(kinds))()

    def nested(self, count: int) -> Scope:
        """Generate an indented block in a copy of the scope; returns the scope after it."""
        saved = self.scope
        self.scope = saved.copy()
        self.indent += 1
        self.depth += 1
        start = len(self.lines)
        self.block(count)
        if len(self.lines) == start:
            self.emit("pass")
        self.indent -= 1
        self.depth -= 1
        after = self.scope
        self.scope = saved
        return after

    def merge(self, *afters: Scope) -> None:
        """After a branch or loop: a name stays writable only if it is on every path."""
        for name, v in self.scope.vars.items():
            v.owned = v.owned and all(a.vars[name].owned for a in afters if name in a.vars)

    # ---------------------------------------------------------------- simple
    def s_assign(self) -> None:
        shape = self.pick(self.shapes)
        prefix = "s" if shape == () else ("v" if len(shape) == 1 else "m")
        self.bind(self.fresh_name(prefix), shape, self.expr(shape))

    def s_rebind(self) -> None:
        v = self.pick(list(self.scope.vars.values()))
        if self.rng.random() < 0.5:  # reads itself
            e = self.binary(v.name, self.expr(v.shape, 1), scalar=v.shape == ())
            if v.shape == () or self.rng.random() < 0.5:
                e = f"np.tanh({e})" if self.rng.random() < 0.5 else e
        else:
            e = self.expr(v.shape)
        self.bind(v.name, v.shape, e)

    def s_augassign(self) -> None:
        cands = [v for v in self.scope.vars.values() if v.shape == () or v.owned]
        if not cands:
            return self.s_assign()
        v = self.pick(cands)
        op = self.pick(["+=", "-=", "*="])
        e = self.expr(v.shape if self.rng.random() < 0.7 else (), 2)
        if op == "*=":
            e = f"(1.0 + 0.5 * np.tanh({e}))"
        self.emit(f"{v.name} {op} {e}")

    def writable(self, ndim: int | None = None) -> list[Var]:
        if self.target is not None:
            return [self.target]
        return [v for v in self.scope.vars.values()
                if v.owned and v.shape != () and (ndim is None or len(v.shape) == ndim)]

    def s_setitem(self) -> None:
        cands = self.writable()
        if not cands:
            return self.s_fresh()
        v = self.pick(cands)
        op = self.pick(["=", "=", "+=", "*="]) if self.on("augassign") else "="
        if len(v.shape) == 1:
            n = v.shape[0]
            r = self.rng.random()
            if r < 0.45:
                target, shape = f"{v.name}[{self.index_expr(n)}]", ()
            elif r < 0.52:
                target, shape = f"{v.name}[1:{n - 1}]", ()  # a number into a slice
            elif r < 0.58 and self.on("slicing"):
                target, shape = f"{v.name}[::2]", ((n + 1) // 2,)
            elif r < 0.75:
                target, shape = f"{v.name}[1:]", (n - 1,)
            else:
                a = int(self.rng.integers(0, n - 1))
                b = int(self.rng.integers(a + 1, n + 1))
                target, shape = f"{v.name}[{a}:{b}]", (b - a,)
        else:
            a, b = v.shape
            r = self.rng.random()
            if r < 0.4:
                target, shape = f"{v.name}[{self.index_expr(a)}, {self.index_expr(b)}]", ()
            elif r < 0.7:
                target, shape = f"{v.name}[{self.index_expr(a)}]", (b,)
            else:
                target, shape = f"{v.name}[:, {self.index_expr(b)}]", (a,)
        e = self.expr(shape, 2)
        if op == "*=":
            e = f"(1.0 + 0.5 * np.tanh({e}))"
        self.emit(f"{target} {op} {e}")

    def s_fresh(self) -> None:
        """A new array of our own: zeros, empty then filled, or a copy."""
        shape = self.pick([s for s in self.shapes if s != ()])
        name = self.fresh_name("r")
        src = self.vector_from(shape[0]) if len(shape) == 1 else None
        like = [v for v in self.scope.readable() if v.shape == shape]
        r = self.rng.random()
        if r < 0.3 and like:
            self.emit(f"{name} = np.zeros_like({self.pick(like).name})")
        elif r < 0.55 and len(shape) == 1:
            self.emit(f"{name} = np.empty({shape[0]})")
            self.emit(f"{name}[:] = {self.expr(shape, 2)}")
        elif r < 0.8 and src:
            form = self.pick(["np.copy({})", "np.copy({})", "{}.copy()", "np.array({})"])
            self.emit(f"{name} = {form.format(src[0])}")
        elif like:
            self.emit(f"{name} = {self.pick(like).name} * 1.0")
        else:
            self.emit(f"{name} = np.zeros({shape})")
        self.scope.vars[name] = Var(name, shape, True)
        for _ in range(int(self.rng.integers(0, 3))):
            self.s_setitem_into(self.scope.vars[name])

    def s_setitem_into(self, v: Var) -> None:
        self.target = v
        self.s_setitem()
        self.target = None

    # ---------------------------------------------------------------- aliasing
    def s_alias(self) -> None:
        """A second name for an array, then a write through one of them."""
        vecs = [v for v in self.writable(1) if v.shape[0] >= 3]
        r = self.rng.random()
        if vecs and r < 0.5:
            v = self.pick(vecs)
            w = self.fresh_name("w")
            self.emit(f"{w} = {v.name}[1:]")
            self.emit(f"{w}[0] = {self.expr((), 2)}")
            self.scope.vars[w] = Var(w, (v.shape[0] - 1,), True)
            return
        arrays = [v for v in self.scope.vars.values() if v.shape != ()]
        if not arrays:
            return self.s_assign()
        v = self.pick(arrays)
        a = self.fresh_name("a")
        self.emit(f"{a} = {v.name}")
        self.scope.vars[a] = Var(a, v.shape, v.owned)
        if v.owned or (self.on("argwrite") and self.rng.random() < 0.3):
            self.s_setitem_into(self.scope.vars[a])
        else:
            self.bind(a, v.shape, self.binary(a, self.expr(v.shape, 1), scalar=False))

    # ---------------------------------------------------------------- control flow
    def s_if(self) -> None:
        self.emit(f"if {self.condition()}:")
        defined = self.rng.random() < 0.4
        shape = self.pick(self.shapes)
        t = self.fresh_name("t")
        branches = []
        n_branches = 3 if self.rng.random() < 0.2 else 2
        for b in range(n_branches):
            if b == 1 and n_branches == 3:
                self.emit(f"elif {self.condition()}:")
            elif b == n_branches - 1:
                self.emit("else:")
            after = self.nested(int(self.rng.integers(1, 4)))
            if defined:
                self.indent += 1
                saved, self.scope = self.scope, after
                self.emit(f"{t} = {self.expr(shape, 2)}")
                self.scope = saved
                self.indent -= 1
            branches.append(after)
        self.merge(*branches)
        if defined:
            self.scope.vars[t] = Var(t, shape, False)

    def s_for(self) -> None:
        vecs = [v for v in self.scope.readable() if len(v.shape) == 1]
        n = self.pick(vecs).shape[0] if vecs else 4
        lo = int(self.rng.integers(0, 2))
        i = self.pick(["i", "j", "k"])
        if any(lp.name == i for lp in self.scope.loops):
            return self.s_assign()
        acc = self.fresh_name("acc")
        self.emit(f"{acc} = {num(self.rng, -0.5, 0.5)}")
        self.scope.vars[acc] = Var(acc, (), False)
        bound = self.pick([str(n), f"len({vecs[0].name})" if vecs and vecs[0].shape[0] == n
                           else str(n)])
        self.emit(f"for {i} in range({lo}, {bound}):" if lo else f"for {i} in range({bound}):")
        self.scope.loops.append(Loop(i, lo, n))
        self.indent += 1
        self.emit(f"{acc} = {acc} + {self.expr((), 2)}")
        self.indent -= 1
        self.recurrence(i, lo, n)
        self.in_loop += 1
        after = self.nested(int(self.rng.integers(1, 4)))
        self.in_loop -= 1
        self.scope.loops.pop()
        self.merge(after)

    def recurrence(self, i: str, lo: int, n: int) -> None:
        """``r[i] = ... r[i - 1] ...``: each iteration reads what the last one wrote (at
        i = 0, r[-1]: the last element)."""
        mats = [v for v in self.writable(2) if v.shape[0] >= n]
        if mats and self.on("rowops") and self.rng.random() < 0.5:
            m = self.pick(mats)
            j = self.pick([f"{i} - 1", "0", str(m.shape[0] - 1)])
            self.indent += 1
            self.emit(f"{m.name}[{i}] = {m.name}[{i}] - {self.expr((), 1)} * {m.name}[{j}]")
            self.indent -= 1
            return
        cands = [v for v in self.writable(1) if v.shape[0] >= n]
        if not cands or not self.on("recurrence") or self.rng.random() < 0.4:
            return
        r = self.pick(cands).name
        self.indent += 1
        e = self.binary(f"{r}[{i} - 1]", self.expr((), 1), scalar=True)
        self.emit(f"{r}[{i}] {self.pick(['=', '+=', '='])} {self.pick(['np.tanh({})', '{}'])}"
                  .format(e))
        self.indent -= 1

    def s_break(self) -> None:
        self.emit(f"if {self.condition()}:")
        self.indent += 1
        self.emit(self.pick(["break", "continue"]))
        self.indent -= 1

    def s_early_return(self) -> None:
        self.emit(f"if {self.condition()}:")
        self.indent += 1
        self.emit(f"return {self.output()}")
        self.indent -= 1

    def output(self) -> str:
        """A scalar reading several of the values the program made."""
        readable = self.scope.readable()
        chosen = [readable[i] for i in self.rng.permutation(len(readable))[:4]]
        made = [v for v in self.scope.vars.values() if v not in chosen][-2:]
        return " + ".join(self.reduce_to_scalar(v) for v in chosen + made)

    def s_append(self) -> None:
        """A list grown in a loop and turned into an array."""
        k = self.pick([self.n, self.m])
        out, i = self.fresh_name("out"), self.pick(["i", "j", "k"])
        if any(lp.name == i for lp in self.scope.loops):
            return self.s_assign()
        rows = k == self.m and (self.m, self.n) in self.shapes and self.rng.random() < 0.4
        self.emit(f"{out} = []")
        self.emit(f"for {i} in range({k}):")
        self.scope.loops.append(Loop(i, 0, k))
        self.indent += 1
        self.emit(f"{out}.append({self.expr((self.n,) if rows else (), 2)})")
        self.indent -= 1
        self.scope.loops.pop()
        name = self.fresh_name("m" if rows else "v")
        self.emit(f"{name} = np.{self.pick(['array', 'stack'] if rows else ['array'])}({out})")
        self.scope.vars[name] = Var(name, (self.m, self.n) if rows else (k,), True)

    def s_swap(self) -> None:
        """``a, b = b, a`` (one side maybe changed) or ``a = b = expr``."""
        pairs = [(a, b) for a in self.scope.vars.values() for b in self.scope.vars.values()
                 if a.name < b.name and a.shape == b.shape]
        if pairs and self.rng.random() < 0.7:
            a, b = self.pick(pairs)
            other = self.pick([a.name, self.binary(a.name, self.expr(a.shape, 1),
                                                   scalar=a.shape == ())])
            self.emit(f"{a.name}, {b.name} = {b.name}, {other}")
            a.owned, b.owned = b.owned, a.owned and self.owned(other)
            return
        shape = self.pick(self.shapes)
        x, y = self.fresh_name("q"), self.fresh_name("q")
        e = self.expr(shape)
        self.emit(f"{x} = {y} = {e}")
        self.scope.vars[x] = Var(x, shape, False)  # each is the other: no writes
        self.scope.vars[y] = Var(y, shape, False)

    def s_closure(self) -> None:
        """A function defined inside f reading f's variables, called at once."""
        g, shape, out = self.fresh_name("g"), self.pick(self.shapes), self.pick(self.shapes)
        self.emit(f"def {g}(t):")
        saved = self.scope
        self.scope = saved.copy()
        self.scope.vars["t"] = Var("t", shape, False)
        self.indent += 1
        self.emit(f"return {self.expr(out, 2)}")
        self.indent -= 1
        self.scope = saved
        for _ in range(int(self.rng.integers(1, 3))):
            self.bind(self.fresh_name("c"), out, f"{g}({self.expr(shape, 1)})")

    def s_iterate(self) -> None:
        """A loop over the items of arrays: zip, enumerate, the rows of a matrix."""
        vecs = [v for v in self.scope.readable() if len(v.shape) == 1]
        mats = [v for v in self.scope.readable() if len(v.shape) == 2]
        acc = self.fresh_name("acc")
        self.emit(f"{acc} = 0.0")
        r = self.rng.random()
        names: list[tuple[str, tuple]] = []
        if mats and r < 0.3:
            m = self.pick(mats)
            self.emit(f"for row in {m.name}:")
            names = [("row", (m.shape[1],))]
        elif vecs and r < 0.65:
            v = self.pick(vecs)
            w = self.pick([u for u in vecs if u.shape == v.shape])
            self.emit(f"for e1, e2 in zip({v.name}, {w.name}):")
            names = [("e1", ()), ("e2", ())]
        elif vecs:
            v = self.pick(vecs)
            self.emit(f"for idx, e1 in enumerate({v.name}):")
            names = [("e1", ())]
        else:
            return self.s_assign()
        saved = self.scope
        self.scope = saved.copy()
        for nm, shape in names:
            self.scope.vars[nm] = Var(nm, shape, False)
        self.indent += 1
        self.emit(f"{acc} = {acc} + {self.expr((), 2)}")
        self.indent -= 1
        self.scope = saved
        self.scope.vars[acc] = Var(acc, (), False)

    def s_while(self) -> None:
        s, k = self.fresh_name("w"), self.fresh_name("n")
        self.emit(f"{s} = {num(self.rng, 0.0, 0.5)}")
        self.emit(f"{k} = 0")
        limit = num(self.rng, 1.0, 4.0)
        self.emit(f"while {s} < {limit} and {k} < {int(self.rng.integers(3, 11))}:")
        self.scope.vars[s] = Var(s, (), False)
        self.indent += 1
        self.emit(f"{s} = {s} + 0.3 + ({self.expr((), 2)}) ** 2")
        self.emit(f"{k} += 1")
        self.indent -= 1
        self.in_loop += 1
        after = self.nested(int(self.rng.integers(0, 3)))
        self.in_loop -= 1
        self.merge(after)

    # ---------------------------------------------------------------- calls, containers
    def s_call(self) -> None:
        multi = [h for h in self.helpers_multi]
        if multi and self.rng.random() < 0.5:
            name, params, outs = self.pick(multi)
            args = [self.expr(p, 1) for p in params]
            names = [self.fresh_name("h") for _ in outs]
            self.emit(f"{', '.join(names)} = {name}({', '.join(args)})")
            for nm, shape in zip(names, outs):
                self.scope.vars[nm] = Var(nm, shape, False)
            return
        if not self.scope.helpers:
            return self.s_assign()
        name, params, out = self.pick(self.scope.helpers)
        args = [self.expr(p, 1) for p in params]
        h = self.fresh_name("h")
        self.emit(f"{h} = {name}({', '.join(args)})")
        self.scope.vars[h] = Var(h, out, False)

    def s_container(self) -> None:
        """A local list, tuple or dict of values, read back by index or key."""
        kind = self.pick(["list", "tuple", "dict"])
        shapes = [self.pick(self.shapes) for _ in range(int(self.rng.integers(2, 4)))]
        items = [self.expr(s, 1) for s in shapes]
        c = self.fresh_name("L" if kind != "dict" else "D")
        keys = [repr(k) for k in ["p", "q", "u", "z"][:len(items)]]
        if kind == "list":
            self.emit(f"{c} = [{', '.join(items)}]")
        elif kind == "tuple":
            self.emit(f"{c} = ({', '.join(items)},)")
        else:
            self.emit(f"{c} = {{{', '.join(f'{k}: {e}' for k, e in zip(keys, items))}}}")
        ref = [f"{c}[{i}]" for i in range(len(items))] if kind != "dict" else \
            [f"{c}[{k}]" for k in keys]
        if kind != "tuple" and self.rng.random() < 0.5:
            j = int(self.rng.integers(len(items)))
            self.emit(f"{ref[j]} = {self.expr(shapes[j], 1)}")
        if kind == "tuple" and self.rng.random() < 0.5:
            names = [self.fresh_name("e") for _ in items]
            self.emit(f"{', '.join(names)} = {c}")
            for nm, s in zip(names, shapes):
                self.scope.vars[nm] = Var(nm, s, False)
        same = [s for s in shapes if s == shapes[0]]
        if kind == "list" and len(same) == len(shapes) and self.on("for") \
                and self.rng.random() < 0.5:
            acc, item = self.fresh_name("acc"), self.fresh_name("it")
            self.emit(f"{acc} = 0.0")
            self.emit(f"for {item} in {c}:")
            self.scope.vars[item] = Var(item, shapes[0], False)
            self.indent += 1
            self.emit(f"{acc} = {acc} + {self.reduce_to_scalar(self.scope.vars[item])}")
            self.indent -= 1
            del self.scope.vars[item]
            self.scope.vars[acc] = Var(acc, (), False)
        self.scope.atoms += [Var(r, s, False) for r, s in zip(ref, shapes)]

    def reduce_to_scalar(self, v: Var) -> str:
        if v.shape == ():
            return self.pick([v.name, f"np.sin({v.name})", f"{v.name} ** 2"])
        return self.pick([f"np.sum({v.name} * {v.name})", f"np.sum(np.sin({v.name}))",
                          f"np.mean(np.tanh({v.name}))", f"np.sum(np.cos({v.name}) * 0.5)"])
