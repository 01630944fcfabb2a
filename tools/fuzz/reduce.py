"""Shrink a failing program: ``python -m tools.fuzz.reduce OUTDIR/seed_N.py N [-o FILE]``.

Greedily deletes statements, replaces a branch or loop by its body, and replaces an
expression by one of its operands, keeping each change while the program still fails the
same way (the same class, and for a CRASH the same exception type) with the arguments of
seed N.  Writes a stand-alone file: the minimal module, its arguments as literals, and a
``__main__`` that prints the check of every entry point.
"""
from __future__ import annotations

import argparse
import ast
import copy
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from tools.fuzz.check import load, run_checks
from tools.fuzz.generate import FEATURES, program
from tools.fuzz.second import add_order_option


def signature(record: dict) -> tuple:
    """What must stay the same: the class, a crash's exception type, a refusal's message."""
    errors = sorted(c.get("error", "") for c in record.get("checks", {}).values()
                    if c["class"] == record["class"])
    if record["class"] == "CRASH":
        return (record["class"], errors[0].split(":")[0])
    if record["class"] == "refused":
        return (record["class"], re.sub(r"^.*?\.py:\d+: ", "", errors[0]))
    return (record["class"],)


def evaluate(source: str, make_args: Callable[[], tuple], seed: int,
             only: tuple[str, ...] = (), points: int = 2, order: int = 1) -> dict:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "fz_reduce.py"
        path.write_text(source)
        try:
            module = load(path, f"fz_reduce_{time.monotonic_ns()}")
            return run_checks(module.f, make_args, seed, only, points, order)
        except Exception as e:  # the candidate is not a valid program
            return {"class": "skipped", "why": repr(e)}


def bodies(tree: ast.AST) -> Iterator[list]:
    for node in ast.walk(tree):
        for name in ("body", "orelse"):
            stmts = getattr(node, name, None)
            if isinstance(stmts, list) and stmts and isinstance(stmts[0], ast.stmt):
                yield stmts


def statement_edits(tree: ast.AST, k: int) -> Iterator[ast.AST]:
    """Copies of ``tree`` with its k-th statement removed or, a block, flattened."""
    if k < sum(len(b) for b in bodies(tree)):
        for mode in ("delete", "body", "orelse"):
            new = copy.deepcopy(tree)
            stmts, i = _nth(new, k)
            s = stmts[i]
            if mode == "delete":
                if isinstance(s, ast.Return) or (isinstance(s, ast.FunctionDef) and s.name == "f"):
                    continue
                repl: list = []
            elif isinstance(s, (ast.If, ast.For, ast.While)):
                repl = getattr(s, mode)
                if not repl:
                    continue
            else:
                continue
            stmts[i:i + 1] = repl
            if not stmts:
                stmts.append(ast.Pass())
            yield new


def _nth(tree: ast.AST, k: int) -> tuple[list, int]:
    for stmts in bodies(tree):
        if k < len(stmts):
            return stmts, k
        k -= len(stmts)
    raise IndexError(k)


def expression_edits(tree: ast.AST, k: int) -> Iterator[ast.AST]:
    """Copies of ``tree`` with its k-th expression replaced by one of its operands."""
    nodes = [n for n in ast.walk(tree) if isinstance(n, (ast.BinOp, ast.Call, ast.UnaryOp))]
    if k < len(nodes):
        for which in range(3):
            new = copy.deepcopy(tree)
            node = [n for n in ast.walk(new) if isinstance(n, (ast.BinOp, ast.Call,
                                                                ast.UnaryOp))][k]
            parts = {ast.BinOp: lambda n: [n.left, n.right], ast.UnaryOp: lambda n: [n.operand],
                     ast.Call: lambda n: [a for a in n.args if not isinstance(a, ast.Starred)]}
            operands = parts[type(node)](node)
            if which >= len(operands):
                continue
            if not _replace(new, node, operands[which]):
                continue
            yield new


def _replace(tree: ast.AST, old: ast.AST, new: ast.AST) -> bool:
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return True
            if isinstance(value, list) and any(v is old for v in value):
                value[[i for i, v in enumerate(value) if v is old][0]] = new
                return True
    return False


def no_empty(source: str) -> str:
    """``np.empty(n)`` written ``np.full(n, np.nan)``: a candidate that deletes the
    statement filling it reads NaN (skipped), not whatever the memory held."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) == "np.empty":
            node.func = ast.parse("np.full", mode="eval").body
            node.args.append(ast.parse("np.nan", mode="eval").body)
    return ast.unparse(tree)


def reduce(source: str, seed: int, make_args: Callable[[], tuple],
           log: Callable[[str], Any] = print,
           keep: Callable[[str], Any] = lambda text: None, order: int = 1) -> str:
    """The smallest program found that fails like ``source`` (``keep`` is given each
    smaller one: a reduction stopped half way leaves its best)."""
    source = no_empty(source)
    first = evaluate(source, make_args, seed, order=order)
    want = signature(first)
    failing = [n for n, c in first.get("checks", {}).items() if c["class"] == want[0]]
    only = tuple(n.split("@")[0] for n in failing)[:1]
    points = 1 if failing and "@" not in failing[0] else 2  # the first point fails: only it
    want = signature(evaluate(source, make_args, seed, only, points, order))
    log(f"reducing: {want} with {only}")
    tree = ast.parse(source)
    # a refusal only shrinks by statements: an operand for a call (C for np.zeros_like(C))
    # can make it a right refusal
    passes = (statement_edits,) if want[0] == "refused" else \
        (statement_edits, expression_edits, statement_edits)
    for edits in passes:
        k = 0
        while k < 10_000:
            sizes = sum(1 for _ in ast.walk(tree))
            accepted = False
            for cand in edits(tree, k):
                text = ast.unparse(cand)
                if signature(evaluate(text, make_args, seed, only, points, order)) == want:
                    tree, accepted = cand, True
                    log(f"  {len(text)} chars")
                    keep(text)
                    break
            if not accepted:
                k += 1
                if edits is statement_edits and k >= sum(len(b) for b in bodies(tree)):
                    break
                if edits is expression_edits and k >= sizes:
                    break
    return ast.unparse(tree) + "\n"


def standalone(source: str, seed: int, args: tuple, order: int = 1) -> str:
    """The module, its arguments as literals, and a main that checks it."""
    def lit(v: Any) -> str:
        if isinstance(v, np.ndarray):
            return f"np.array({v.tolist()!r})"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k!r}: {lit(x)}" for k, x in v.items()) + "}"
        if isinstance(v, list):
            return "[" + ", ".join(lit(x) for x in v) + "]"
        if isinstance(v, tuple):
            return "(" + "".join(lit(x) + ", " for x in v) + ")"
        return repr(v)

    return (f"# fuzz seed {seed}, reduced by tools/fuzz/reduce.py\n{source}\n\n"
            f"ARGS = {lit(args)}\nSEED = {seed}\nORDER = {order}\n\n"
            "if __name__ == '__main__':\n"
            "    import json\n\n    from tools.fuzz.check import run_checks\n\n"
            "    print(json.dumps(run_checks(f, lambda: ARGS, SEED, order=ORDER), indent=1))\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="the failing program (seed_N.py)")
    parser.add_argument("seed", type=int, help="its seed (for the arguments)")
    parser.add_argument("-o", "--out", type=Path, help="where to write the repro")
    parser.add_argument("--off", nargs="*", default=[], choices=sorted(FEATURES),
                        help="the features the campaign switched off (for its arguments)")
    add_order_option(parser)
    ns = parser.parse_args(argv)
    make_args = program(ns.seed, {k: False for k in ns.off})[1]
    out = ns.out or ns.file.with_name(f"min_{ns.seed}.py")

    def keep(text: str) -> None:
        out.write_text(standalone(text, ns.seed, make_args(), ns.order))

    keep(reduce(ns.file.read_text(), ns.seed, make_args, keep=keep, order=ns.order))
    print(out.read_text())


if __name__ == "__main__":
    main()
