"""Where the transform's time goes, stage by stage, for every transform_time case.

    OMP_NUM_THREADS=1 python benchmarks/transform_stages.py
    python benchmarks/transform_stages.py --only adaptive_rk4,quat_chain --rounds 5

For each case (the problems and golden cases of ``transform_time.py``), the CPU time
of the first call of its derivative split into the stages that made it: ``source``
(parse), ``normalize``, ``alias``, the rest of the front (record fields, SSA, hoist,
factor and record reads: ``ssa+``), ``reverse`` or ``forward`` (the sweeps built from
the SSA form), the late passes (``late``, ``pass_manager.run``), printing and compiling
(``load``), and the rest (``other``: the call checks, the variant's first run).  A
case's figures are those of its fastest round.  The last column, the transform's
milliseconds per line of the generated source, tells a long derivative from a slow
one: a cost that grows faster than the body would show as a higher figure on the
long cases.  CPU time of one process: other processes' load moves it little, but
compare ratios within a run.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]

STAGES = ("source", "normalize", "alias", "ssa+", "reverse", "forward", "late", "load",
          "other")


def _timed(spent: dict[str, float], lines: list[int]) -> None:
    """Wrap each stage's entry point: its CPU time added to ``spent`` (a stage called
    inside another of the same name counted once)."""
    from s2sad.compiler import (
        alias,
        forward,
        normalize,
        pass_manager,
        pipeline,
        reverse_assembly,
        source,
    )

    active: set[str] = set()

    def wrap(owner: Any, attr: str, key: str) -> None:
        original = getattr(owner, attr)

        def run(*args: Any, **kwargs: Any) -> Any:
            if key in active:
                return original(*args, **kwargs)
            active.add(key)
            t0 = time.process_time()
            try:
                out = original(*args, **kwargs)
            finally:
                spent[key] = spent.get(key, 0.0) + time.process_time() - t0
                active.discard(key)
            if key == "load":
                lines.append(sum(1 for line in out.source.splitlines()
                                 if line.strip() and not line.lstrip().startswith("#")))
            return out
        setattr(owner, attr, run)
    wrap(pipeline, "prepare", "front")
    wrap(source, "load", "source")
    wrap(normalize, "normalize", "normalize")
    wrap(alias, "resolve_aliases", "alias")
    wrap(reverse_assembly, "reverse_parts", "reverse")
    wrap(forward, "build", "forward")
    wrap(pass_manager, "run", "late")
    wrap(pipeline, "loaded", "load")


def _split(total: float, spent: dict[str, float]) -> dict[str, float]:
    """ms per stage: the front's remainder is ``ssa+``, the call's is ``other``."""
    out = {k: spent.get(k, 0.0) * 1e3 for k in STAGES}
    out["ssa+"] = (spent.get("front", 0.0) - sum(spent.get(k, 0.0) for k in (
        "source", "normalize", "alias"))) * 1e3
    out["other"] = total * 1e3 - sum(v for k, v in out.items() if k != "other")
    return out


def measure(todo: dict[str, tuple[Callable[[], Callable], tuple]], rounds: int
            ) -> dict[str, tuple[float, dict[str, float], int]]:
    """case -> (total ms, ms per stage, lines generated), of the fastest round."""
    import transform_time

    spent: dict[str, float] = {}
    lines: list[int] = []
    _timed(spent, lines)
    best: dict[str, tuple[float, dict[str, float], int]] = {}
    for _ in range(rounds):  # (interleaved: the load of a moment spread over the cases)
        for name, (make, args) in todo.items():
            transform_time.clear_caches()
            spent.clear()
            lines.clear()
            t0 = time.process_time()
            make()(*args)
            total = time.process_time() - t0
            if name not in best or total * 1e3 < best[name][0]:
                best[name] = (total * 1e3, _split(total, spent), sum(lines))
    return best


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated case names")
    opts = ap.parse_args(argv)
    import transform_time

    import s2sad

    s2sad.grad(lambda x: x * x)(1.0)  # (lazily imported parts: not counted)
    todo = transform_time.cases("smoke")
    if opts.only:
        todo = {k: v for k, v in todo.items() if k in opts.only.split(",")}
    for make, args in todo.values():  # warm: imports a first transform triggers
        transform_time.clear_caches()
        make()(*args)
    best = measure(todo, opts.rounds)
    print(f"{'case':34s} {'total':>7s} " + " ".join(f"{k:>9s}" for k in STAGES) +
          "  lines ms/line")
    for name, (total, split, lines) in sorted(best.items(), key=lambda kv: -kv[1][0]):
        print(f"{name:34s} {total:7.1f} " + " ".join(f"{split[k]:9.1f}" for k in STAGES) +
              f"  {lines:5d} {total / max(lines, 1):7.2f}")
    problems = {k: v for k, v in best.items() if not k.startswith("golden:")}
    if not problems:
        return
    total = sum(v[0] for v in problems.values())
    print(f"\nover {len(problems)} problems: median total "
          f"{statistics.median(v[0] for v in problems.values()):.1f} ms")
    for k in STAGES:
        values = [v[1][k] for v in problems.values()]
        print(f"  {k:10s} median {statistics.median(values):7.1f} ms, "
              f"{100 * sum(values) / total:5.1f}% of the sum")


if __name__ == "__main__":
    main()
