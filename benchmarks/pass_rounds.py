"""Where the late passes spend the transform: per pass and fixpoint round, how often it
ran, how often it changed the body, and its CPU time, over every transform_time case.

    OMP_NUM_THREADS=1 python benchmarks/pass_rounds.py
    python benchmarks/pass_rounds.py --only adaptive_rk4,quat_chain

A pass of the fixpoint group (``pass_manager.run``) that runs in round 2 or 3 without
changing anything is the cost a smarter pass manager could save; the shape facts
(``dims.Facts``) worked out again for a body they were already worked out for are
what a cache of them per body version could save (both counted here: measure before
building either; the runs of rounds 2-3 that changed nothing are summed: the most the
first could save).  Rounds are told apart by the order of the group: a pass that runs
again, or one before it, starts the next round.  Counts are deterministic; times are
CPU time of one run (noisy on a loaded machine: compare ratios).
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]


def _instrument(runs: Counter, changes: Counter, spent: dict[tuple, float],
                idle: list[float]) -> None:
    """Wrap every late pass: count its runs and changes by (pass, round), time them;
    ``idle[0]``: the time of the runs in rounds 2-3 that changed nothing."""
    from s2sad.compiler import pipeline
    from s2sad.compiler.pass_manager import Step
    from s2sad.compiler.walks import fingerprint

    order = [s.name for s in pipeline.PASSES]
    state = {"round": 0, "last": -1}

    def wrapped(step: Step) -> Any:
        def run(body: list, facts: Any) -> list:
            at = order.index(step.name)
            if at == 0:
                state["round"], state["last"] = 0, -1
            if step.fixpoint:
                state["round"] += at <= state["last"] or state["round"] == 0
                state["last"] = at
            key = (step.name, state["round"] if step.fixpoint else 0)
            before = fingerprint(body)
            t0 = time.process_time()
            out = step.run(body, facts)
            spent_now = time.process_time() - t0
            spent[key] = spent.get(key, 0.0) + spent_now
            runs[key] += 1
            changed = fingerprint(out) != before
            changes[key] += changed
            if key[1] >= 2 and not changed:  # (a verification run: the most a pass
                idle[0] += spent_now             # manager that knew could skip)
            return out
        return run
    pipeline.PASSES = tuple(  # type: ignore[assignment]
        Step(s.name, wrapped(s), s.fixpoint) for s in pipeline.PASSES)


def _count_shape_facts(builds: Counter, seen: set) -> None:
    """Count ``dims.Facts`` built, and those built for a body (and numbers, ranks,
    ``alike``) they were already built for in the same case."""
    from s2sad.compiler import dims
    from s2sad.compiler.walks import structure

    original = dims.Facts.__init__

    def init(self: Any, body: list, params: dict, numbers: set, namespace: dict,
             *more: Any, **named: Any) -> None:
        key = (structure(body), tuple(sorted(numbers)), repr(sorted(params.items())),
               repr(more), repr(sorted(named.items())))
        builds["built"] += 1
        builds["again"] += key in seen
        seen.add(key)
        original(self, body, params, numbers, namespace, *more, **named)
    dims.Facts.__init__ = init  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", default="", help="comma-separated case names")
    opts = ap.parse_args(argv)
    import transform_time

    import s2sad

    s2sad.grad(lambda x: x * x)(1.0)  # (lazily imported parts: not counted)
    runs: Counter = Counter()
    changes: Counter = Counter()
    spent: dict[tuple, float] = {}
    idle = [0.0]
    builds: Counter = Counter()
    seen: set = set()
    _instrument(runs, changes, spent, idle)
    _count_shape_facts(builds, seen)
    todo = transform_time.cases("smoke")
    if opts.only:
        todo = {k: v for k, v in todo.items() if k in opts.only.split(",")}
    for make, args in todo.values():
        transform_time.clear_caches()
        seen.clear()
        make()(*args)
    total = sum(spent.values())
    from s2sad.compiler import pipeline
    order = [s.name for s in pipeline.PASSES]
    print(f"{'pass':12s} round  runs changes       ms   share")
    for key in sorted(runs, key=lambda k: (k[1], order.index(k[0]))):
        print(f"{key[0]:12s} {key[1] or '-':>5} {runs[key]:5d} {changes[key]:7d} "
              f"{spent[key] * 1e3:8.1f} {100 * spent[key] / total:6.1f}%")
    later = sum(v for k, v in spent.items() if k[1] >= 2)
    print(f"all passes {total * 1e3:.0f} ms; fixpoint rounds 2-3: {later * 1e3:.0f} ms "
          f"({100 * later / total:.1f}%), of which runs that changed nothing "
          f"{idle[0] * 1e3:.0f} ms ({100 * idle[0] / total:.1f}%)")
    print(f"shape facts built {builds['built']}, {builds['again']} of them for a body "
          f"version already worked out")


if __name__ == "__main__":
    main()
