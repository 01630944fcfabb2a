"""A fuzzing campaign: ``python -m tools.fuzz.run START COUNT OUTDIR``.

For each seed in START .. START+COUNT-1: generate a program, write it to a file, import
it, and check s2sad's value_and_grad, vjp and jvp (with respect to every argument)
against finite differences (tools/fuzz/check.py); with ``--order 2``, those of the
program's hessian-vector product (tools/fuzz/second.py).  One JSON line per seed goes to
OUTDIR/results.jsonl (appended); the source of every WRONG or CRASH program is kept as
OUTDIR/seed_<N>.py.  Summarise with ``python -m tools.fuzz.analyze OUTDIR``.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tools.fuzz.check import load, run_checks
from tools.fuzz.generate import FEATURES, program
from tools.fuzz.second import add_order_option, hv_path


class Timeout(BaseException):
    """A seed over its time (not an Exception: a check's ``except Exception`` would
    take it for a crash of s2sad)."""


def _alarm(signum, frame):
    raise Timeout()


def check_seed(seed: int, outdir: Path, features: dict[str, bool] | None = None,
               timeout: int = 120, generator: Callable = program, order: int = 1) -> dict:
    """The JSON record of one seed (its program file is removed unless it failed);
    ``generator`` is ``program`` of tools/fuzz/generate.py or of tools/fuzz2; ``order``
    2 checks the program's hessian-vector product (tools/fuzz/second.py)."""
    source, make_args = generator(seed, features)
    work = outdir / "progs"
    work.mkdir(parents=True, exist_ok=True)
    path = work / f"fz_{seed}.py"
    path.write_text(source)
    start = time.perf_counter()
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(timeout)
    try:
        try:
            module = load(path, f"fz_{seed}_{time.monotonic_ns()}")
        except SyntaxError as e:  # the generator's fault: kept, reported, not s2sad's
            module, record = None, {"class": "genbug", "why": f"SyntaxError: {e}"}
        if module is not None:
            record = run_checks(module.f, make_args, seed, order=order)
    except Timeout:
        record = {"class": "timeout"}
    finally:
        signal.alarm(0)
    record = {"seed": seed, **record, "seconds": round(time.perf_counter() - start, 2)}
    if record["class"] in ("WRONG", "CRASH", "timeout", "genbug"):
        (outdir / f"seed_{seed}.py").write_text(source)
    path.unlink()
    hv_path(path).unlink(missing_ok=True)
    return record


def add_common(parser: argparse.ArgumentParser) -> None:
    """The options both runners take."""
    parser.add_argument("--timeout", type=int, default=120, help="seconds per seed")
    add_order_option(parser)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("start", type=int)
    parser.add_argument("count", type=int)
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--off", nargs="*", default=[], choices=sorted(FEATURES),
                        help="features to switch off")
    add_common(parser)
    ns = parser.parse_args(argv)
    ns.outdir.mkdir(parents=True, exist_ok=True)
    features = {k: False for k in ns.off}
    with open(ns.outdir / "results.jsonl", "a") as out:
        for seed in range(ns.start, ns.start + ns.count):
            record = check_seed(seed, ns.outdir, features, ns.timeout, order=ns.order)
            out.write(json.dumps(record) + "\n")
            out.flush()
            print(seed, record["class"], record.get("seconds"), flush=True, file=sys.stderr)


if __name__ == "__main__":
    main()
