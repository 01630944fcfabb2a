"""Transform time: how long the first call of ``s2sad.grad(f)`` takes beyond a steady call.

    OMP_NUM_THREADS=1 python benchmarks/transform_time.py            # every problem, golden
    python benchmarks/transform_time.py --rounds 5 --only adaptive_rk4,mlp_small
    python benchmarks/transform_time.py --profile 30                 # cProfile, top 30
    python benchmarks/transform_time.py --root ../main               # another checkout
    python benchmarks/transform_time.py --dump before.json           # generated sources
    python benchmarks/transform_time.py --split MOD:FN,..  --sample 40  # CPU time split

For every benchmark problem (benchmarks/problems*.py) and every golden case
(tests/test_golden.py: grad and jvp of tests/golden_functions.py) it clears s2sad's
caches, builds the derivative, times its first call, then subtracts the median of a few
steady calls: what is left is the transform (parse, passes, print, compile).  Rounds
interleave the cases; a case's figure is its minimum over rounds (the load of other
processes only adds time).  Prints per-case ms and the median.  ``--dump`` writes every
source each case prints instead (a change meant to make the transform faster only: the
files of two checkouts, ``--root``, are the same byte for byte).
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

# the checkout measured: this one, or another given by --root (before and after a change)
ROOT = Path(sys.argv[sys.argv.index("--root") + 1]) if "--root" in sys.argv[:-1] else \
    Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # s2sad, benchmarks; golden_functions


def clear_caches() -> None:
    """Forget every derivative s2sad made (a fresh state, as in a new process)."""
    from s2sad import api
    from s2sad.compiler import pipeline

    api._CACHE.clear()
    made = sys.modules.get("s2sad.made_before")  # (the derivatives made lately: shared)
    if made is not None:
        made._MADE.clear()
    pipeline._FULL.clear()
    pipeline._reverse_parts.cache_clear()


def cases(size: str) -> dict[str, tuple[Callable[[], Callable], tuple]]:
    """name -> (make the derivative, its arguments): the problems, then the golden cases."""
    import s2sad
    from benchmarks.problems import PROBLEMS

    out: dict = {}
    for p in PROBLEMS:
        if p.name == "mlp_large":  # the same function as mlp_small (bigger arrays only)
            continue
        out[p.name] = (lambda p=p: s2sad.grad(p.func, wrt=p.wrt), p.make_args(size))
    import test_golden

    for name, (make, args) in sorted(test_golden.CASES.items()):
        out["golden:" + name] = (make, args)
    return out


CLOCK = time.perf_counter  # or time.process_time (--clock cpu): other processes' load
# slows the wall clock, hardly the time this process computes


def first_minus_steady(make: Callable[[], Callable], args: tuple, steady: int = 5) -> float:
    """Seconds of ``make()`` and its first call, less a steady call, from a fresh state."""
    clear_caches()
    gc.collect()
    t0 = CLOCK()
    d = make()
    d(*args)
    first = CLOCK() - t0
    calls = []
    for _ in range(steady):
        t0 = CLOCK()
        d(*args)
        calls.append(CLOCK() - t0)
    return first - statistics.median(calls)


def dump(todo: dict, path: str) -> None:
    """Write case -> the sources printed while it is made and called (JSON)."""
    import json

    from s2sad.compiler import render

    printed: list[str] = []
    original = render.function_source

    def recorded(*args: object, **kwargs: object) -> str:
        printed.append(original(*args, **kwargs))  # type: ignore[arg-type]
        return printed[-1]
    render.function_source = recorded  # type: ignore[assignment]
    out = {}
    for name, (make, args) in todo.items():
        clear_caches()
        printed.clear()
        d = make()
        d(*args)
        d(*args)  # (a second call may run another variant)
        out[name] = list(printed)
    render.function_source = original  # type: ignore[assignment]
    Path(path).write_text(json.dumps(out, indent=0))
    print(f"{len(out)} cases, {sum(map(len, out.values()))} sources -> {path}")


def _analysed(opts: argparse.Namespace, todo: dict) -> bool:
    """Where the time goes instead of how much (``--split``, ``--sample``, ``--profile``):
    whether one was asked."""
    def run() -> None:
        for make, args in todo.values():
            clear_caches()
            make()(*args)
    if opts.split or opts.sample:
        import transform_split  # (beside this script, whichever checkout is measured)

        if opts.split:
            transform_split.split(run, opts.split.split(","))
        if opts.sample:
            transform_split.sample(run, opts.sample)
        return True
    if opts.profile:
        prof = cProfile.Profile()
        for make, args in todo.values():
            clear_caches()
            prof.enable()
            make()(*args)
            prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(opts.profile)
        pstats.Stats(prof).sort_stats("tottime").print_stats(opts.profile)
        return True
    return False


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--size", default="smoke", choices=("smoke", "full"))
    ap.add_argument("--only", default="", help="comma-separated case names")
    ap.add_argument("--profile", type=int, default=0, help="print the top N of a cProfile")
    ap.add_argument("--root", default=str(ROOT), help="the checkout to measure")
    ap.add_argument("--clock", default="wall", choices=("wall", "cpu"))
    ap.add_argument("--dump", default="", help="write the generated sources to this file")
    ap.add_argument("--split", default="", help="CPU time of functions named module:fn,..")
    ap.add_argument("--sample", type=int, default=0, help="top N of a CPU-time sampler")
    opts = ap.parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if opts.clock == "cpu" else time.perf_counter
    import s2sad

    assert Path(s2sad.__file__).resolve().parent.parent == Path(opts.root).resolve()
    s2sad.grad(lambda x: x * x)(1.0)  # lazily imported parts, outside the measurement
    todo = cases(opts.size)
    if opts.only:
        todo = {k: v for k, v in todo.items() if k in opts.only.split(",")}
    if opts.dump:
        dump(todo, opts.dump)
        return
    for make, args in todo.values():  # warm: imports a first transform triggers
        first_minus_steady(make, args, steady=1)
    if _analysed(opts, todo):
        return
    times: dict[str, list[float]] = {k: [] for k in todo}
    for _ in range(opts.rounds):
        for name, (make, args) in todo.items():
            times[name].append(first_minus_steady(make, args))
    best = {k: min(v) * 1e3 for k, v in times.items()}
    for name, ms in best.items():
        print(f"{name:40s} {ms:8.1f} ms")
    problems = [v for k, v in best.items() if not k.startswith("golden:")]
    print(f"median over {len(problems)} problems: {statistics.median(problems):.1f} ms; "
          f"over all {len(best)} cases: {statistics.median(best.values()):.1f} ms")


if __name__ == "__main__":
    main()
