"""Stage 4: every name outside loops is assigned once.

Input: core form.  Output: core form in which

- a reassignment outside loops gets a new version (``x``, ``x_1``, ...);
- after an ``if``, a name the branches version differently is joined by a
  copy at the end of each branch (the branch taken is the flag);
- every name a loop assigns gets one fresh name for the whole loop, copied
  from its version before the loop, so values from before the loop survive
  it; inside loops nothing is versioned (the reverse sweep records what it
  needs on a stack instead);
- inside loops no statement reads the name it assigns (``s = s + a`` becomes
  ``add = s + a; s = add``), so a value can be recorded after its statement.
"""
from __future__ import annotations

import gast

from s2sad.compiler.liveness import exposed
from s2sad.compiler.names import Namer, assign, copy_origin, load, store
from s2sad.compiler.tree_copies import clone
from s2sad.compiler.walks import name_ids, name_nodes


def assigned_names(stmts: list) -> set[str]:
    """Names assigned anywhere in ``stmts`` (loop targets included)."""
    names: set[str] = set()
    for s in stmts:
        names.update(name_ids(s, gast.Store))  # (the name nodes only: no generator)
    return names


def _rename_loads(node: gast.AST, env: dict[str, str]) -> gast.AST:
    load = gast.Load
    for n in name_nodes(node):
        if n.id in env and n.ctx.__class__ is load:
            n.id = env[n.id]
    return node


def _suffix_reads(stmts: list) -> list[frozenset | None]:
    """For each ``if`` and loop, the names the statements after it read (one walk each,
    before any is renamed); None for the other statements, which never ask (a set per
    statement of a long block was quadratic)."""
    out: list[frozenset | None] = [None] * len(stmts)
    acc: set[str] = set()
    load = gast.Load
    for i in range(len(stmts) - 1, -1, -1):
        if isinstance(stmts[i], (gast.If, gast.For, gast.While)):
            out[i] = frozenset(acc)
        acc.update([n.id for n in name_nodes(stmts[i]) if n.ctx.__class__ is load])
    return out


def _reads_all(stmts: list) -> frozenset:
    return frozenset(n.id for s in stmts for n in name_nodes(s)
                     if isinstance(n.ctx, gast.Load))


def _reads(value: gast.AST) -> set[str]:
    return {n.id for n in name_nodes(value)
            if isinstance(n.ctx, gast.Load)}


class SSA:
    """Renames one function body; ``env`` maps a user name to its version."""

    def __init__(self, namer: Namer, params: list[str]) -> None:
        self.namer = namer
        self.defined: set[str] = set(params)

    def version(self, name: str) -> str:
        if name not in self.defined:
            self.defined.add(name)
            return name
        new = self.namer.fresh(name)
        self.defined.add(new)
        return new

    def block(self, stmts: list, env: dict[str, str], in_loop: bool,
              after: frozenset = frozenset()) -> list:
        """``after``: the names that code following this block reads (``self.after``:
        those of the code following the statement at hand, for an ``if`` or a loop)."""
        out: list = []
        later = _suffix_reads(stmts)
        for i, s in enumerate(stmts):
            following = later[i]
            self.after = after if following is None else after | following
            out.extend(getattr(self, "stmt_" + type(s).__name__, self.stmt_other)(
                s, env, in_loop))
        return out

    def stmt_other(self, s: gast.stmt, env: dict, in_loop: bool) -> list:
        return [_rename_loads(s, env)]

    def stmt_Assign(self, s: gast.Assign, env: dict, in_loop: bool) -> list:
        _rename_loads(s.value, env)
        name = s.targets[0].id
        if in_loop:
            target = env.get(name, name)
            env[name] = target
            self.defined.add(target)
            if target in _reads(s.value):
                temp = self.namer.fresh(target + "_new")
                s.targets = [store(temp)]
                return [s, copy_origin(gast.copy_location(assign(target, load(temp)), s), s)]
            s.targets = [store(target)]
            return [s]
        env[name] = self.version(name)
        s.targets = [store(env[name])]
        return [s]

    def stmt_If(self, s: gast.If, env: dict, in_loop: bool) -> list:
        _rename_loads(s.test, env)
        then_env, else_env = dict(env), dict(env)
        after = self.after
        s.body = self.block(s.body, then_env, in_loop, after)
        s.orelse = self.block(s.orelse, else_env, in_loop, after)
        for name in sorted(set(then_env) | set(else_env)):
            a, b = then_env.get(name), else_env.get(name)
            if a == b or a is None or b is None:
                env[name] = a or b
                continue
            joined = self.version(name)
            for block, version in ((s.body, a), (s.orelse, b)):
                if not (block and isinstance(block[-1], (gast.Break, gast.Raise))):
                    block.append(assign(joined, load(version), like=s))
            env[name] = joined
        return [s]

    def _enter_loop(self, s: gast.stmt, env: dict, in_loop: bool) -> list:
        """Fresh names for what the loop assigns, copied from before the loop where the
        loop reads them first or code after it reads them (the loop may not run)."""
        if in_loop:
            return []
        head = [s.test] if isinstance(s, gast.While) else []
        needed = exposed(s.body) | _reads_all(head) | set(self.after)
        copies = []
        for name in sorted(assigned_names([s])):
            before = env.get(name)
            env[name] = self.version(name)
            if before is not None and name in needed:
                copies.append(copy_origin(gast.copy_location(
                    assign(env[name], load(before)), s), s))
        return copies

    def stmt_For(self, s: gast.For, env: dict, in_loop: bool) -> list:
        _rename_loads(s.iter, env)
        copies = self._enter_loop(s, env, in_loop)
        s.target = store(env.get(s.target.id, s.target.id))
        env[s.target.id] = s.target.id
        s.body = self.block(s.body, env, True, self.after)
        return copies + [s]

    def stmt_While(self, s: gast.While, env: dict, in_loop: bool) -> list:
        copies = self._enter_loop(s, env, in_loop)
        _rename_loads(s.test, env)
        s.body = self.block(s.body, env, True, self.after)
        return copies + [s]


def to_ssa(node: gast.FunctionDef, namer: Namer) -> gast.FunctionDef:
    """Rename ``node``'s body in place (see the module docstring)."""
    params = [a.id for a in (node.args.args + node.args.kwonlyargs)]
    node.body = SSA(namer, params).block(clone(node.body), {p: p for p in params}, False)
    return node
