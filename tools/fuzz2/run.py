"""A campaign of tools/fuzz2 programs: ``python -m tools.fuzz2.run START COUNT OUTDIR``.

The same checks, classes, files and options (``--order 2``: second order) as
``python -m tools.fuzz.run`` (tools/fuzz/check.py against finite differences), with the
programs of tools/fuzz2/generate.py.  Summarise
with ``python -m tools.fuzz.analyze OUTDIR``; shrink a failure with
``python -m tools.fuzz2.reduce OUTDIR/seed_N.py N``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tools.fuzz.run import add_common, check_seed
from tools.fuzz2.generate import program


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("start", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("outdir", type=Path)
    add_common(parser)
    ns = parser.parse_args(argv)
    ns.outdir.mkdir(parents=True, exist_ok=True)
    with open(ns.outdir / "results.jsonl", "a") as out:
        for seed in range(ns.start, ns.start + ns.count):
            record = check_seed(seed, ns.outdir, None, ns.timeout, generator=program,
                                order=ns.order)
            if record["class"] == "refused":  # kept too: refusals of plain code are news
                (ns.outdir / f"refused_{seed}.py").write_text(program(seed)[0])
            out.write(json.dumps(record) + "\n")
            out.flush()
            print(seed, record["class"], record.get("seconds"), flush=True, file=sys.stderr)


if __name__ == "__main__":
    main()
