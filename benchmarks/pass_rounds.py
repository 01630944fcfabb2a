"""Where the late passes spend the transform: per pass and fixpoint round, how often it
ran, how often it changed the body, and its CPU time, over every transform_time case.

    OMP_NUM_THREADS=1 python benchmarks/pass_rounds.py
    python benchmarks/pass_rounds.py --only adaptive_rk4,quat_chain

A pass skipped because the body holds nothing it needs (``Step.needs``) is counted
apart.  A pass of the fixpoint group (``pass_manager.run``) that runs in round 2 or 3 without
changing anything is the cost a smarter pass manager could save; the shape facts
(``dims.Facts``) worked out again for a body they were already worked out for are
what a cache of them per body version could save (both counted here: measure before
building either; the runs of rounds 2-3 that changed nothing are summed: the most the
first could save).  Those runs are also told apart by what changed the body since
the pass last ran (``--since``): a pass run again on its own output alone (``-``), and
pairs that never made a change (a pass idle each time after another's changes) are what
a manager told which changes a pass can use, or passes told which statements changed,
could skip.  Rounds are told apart by the order of the group: a pass that runs
again, or one before it, starts the next round.  Counts are deterministic; times are
CPU time of one run (noisy on a loaded machine: compare ratios).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks"), str(ROOT / "tests")]


def _instrument(runs: Counter, changes: Counter, spent: dict[tuple, float],
                idle: list[float], since: dict[tuple, list]) -> None:
    """Wrap every late pass: count its runs and changes by (pass, round), time them;
    ``idle[0]``: the time of the runs in rounds 2-3 that changed nothing; ``since``:
    (pass, the passes that changed the body since it last ran) -> [runs, runs that
    changed nothing, their ms] of the fixpoint passes run again."""
    from s2sad.compiler import pipeline
    from s2sad.compiler.pass_manager import Step
    from s2sad.compiler.walks import fingerprint

    order = [s.name for s in pipeline.PASSES]
    state: dict[str, Any] = {"round": 0, "last": -1, "changed": [], "ran": {}}

    def wrapped(step: Step) -> Any:
        def run(body: list, facts: Any) -> list:
            at = order.index(step.name)
            if at == 0:
                state.update(round=0, last=-1, changed=[], ran={})
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
            if step.fixpoint:
                _since(step.name, state, since, changed, spent_now)
            state["changed"] += [step.name] if changed else []
            return out
        return run
    pipeline.PASSES = tuple(  # type: ignore[assignment]
        dataclasses.replace(s, run=wrapped(s)) for s in pipeline.PASSES)


def _since(name: str, state: dict, since: dict[tuple, list], changed: bool,
           spent_now: float) -> None:
    """Count a fixpoint pass's run again by the passes that changed the body since its
    last run (none: its own output)."""
    ran = state["ran"]
    if name in ran:
        by = "+".join(sorted(set(state["changed"][ran[name]:]))) or "-"
        row = since.setdefault((name, by), [0, 0, 0.0])
        row[0] += 1
        row[1] += not changed
        row[2] += 0.0 if changed else spent_now * 1e3
    ran[name] = len(state["changed"]) + changed  # (its own change is not news to it)


def _count_skips(skipped: Counter) -> None:
    """Count the runs the pass manager skipped for want of a pass's ``needs``."""
    from s2sad.compiler import pass_manager

    original = pass_manager.Index.wants

    def wants(self: Any, step: Any, body: list) -> bool:
        found = original(self, step, body)
        skipped[step.name] += not found
        return found
    pass_manager.Index.wants = wants  # type: ignore[method-assign]


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
    ap.add_argument("--since", type=int, default=0,
                    help="print the N costliest (pass, changed since) pairs of idle runs")
    opts = ap.parse_args(argv)
    import transform_time

    import s2sad

    s2sad.grad(lambda x: x * x)(1.0)  # (lazily imported parts: not counted)
    runs: Counter = Counter()
    changes: Counter = Counter()
    spent: dict[tuple, float] = {}
    idle = [0.0]
    since: dict[tuple, list] = {}
    builds: Counter = Counter()
    seen: set = set()
    _instrument(runs, changes, spent, idle, since)
    _count_shape_facts(builds, seen)
    skipped: Counter = Counter()
    _count_skips(skipped)
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
    print("runs skipped for want of their needs: " + ", ".join(
        f"{name} {n}" for name, n in skipped.most_common() if n))
    print(f"shape facts built {builds['built']}, {builds['again']} of them for a body "
          f"version already worked out")
    if opts.since:
        _print_since(since, opts.since)


def _print_since(since: dict[tuple, list], top: int) -> None:
    print(f"\n{'pass':12s} {'changed since by':42s}  runs  idle  idle ms")
    for (name, by), (n, unchanged, ms) in sorted(since.items(), key=lambda kv: -kv[1][2])[:top]:
        print(f"{name:12s} {by:42s} {n:5d} {unchanged:5d} {ms:8.1f}")
    self_ms = sum(row[2] for (_, by), row in since.items() if by == "-")
    never = sum(row[2] for row in since.values() if row[0] == row[1])
    print(f"idle runs again on their own output alone: {self_ms:.0f} ms; in pairs idle "
          f"every time: {never:.0f} ms")


if __name__ == "__main__":
    main()
