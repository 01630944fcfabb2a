"""Shrink a failing tools/fuzz2 program: ``python -m tools.fuzz2.reduce FILE SEED [-o OUT]``
(tools/fuzz/reduce.py's reduction, with the arguments of tools/fuzz2's seed)."""
from __future__ import annotations

import argparse
from pathlib import Path

from tools.fuzz.reduce import reduce, standalone
from tools.fuzz.second import add_order_option
from tools.fuzz2.generate import program


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path, help="the failing program (seed_N.py)")
    parser.add_argument("seed", type=int, help="its seed (for the arguments)")
    parser.add_argument("-o", "--out", type=Path, help="where to write the repro")
    add_order_option(parser)
    ns = parser.parse_args(argv)
    make_args = program(ns.seed)[1]
    out = ns.out or ns.file.with_name(f"min_{ns.seed}.py")

    def keep(text: str) -> None:
        out.write_text(standalone(text, ns.seed, make_args(), ns.order))

    keep(reduce(ns.file.read_text(), ns.seed, make_args, keep=keep, order=ns.order))
    print(out.read_text())


if __name__ == "__main__":
    main()
