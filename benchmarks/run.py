"""Run the s2sad benchmark suite.

    python -m benchmarks.run                      # full run: table to stdout, results.json
    python -m benchmarks.run --smoke              # every problem once, tiny sizes, f/hand/s2sad
    python -m benchmarks.run --problems mlp_small,rnn --repeats 5
    python -m benchmarks.run --check-hand         # hand-written gradients vs finite differences

Progress and loud correctness messages go to stderr; the Markdown report to
stdout.  See benchmarks/README.md for how to read it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS")


def _configure_threads(argv: list[str]) -> None:
    """Pin BLAS/OpenMP/XLA thread counts (default 1); must run before numpy loads."""
    threads = "1"
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            threads = argv[i + 1]
        elif arg.startswith("--threads="):
            threads = arg.split("=", 1)[1]
    for var in THREAD_VARS:
        os.environ[var] = threads
    if threads == "1":
        flags = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") + " " + flags).strip()


if __name__ == "__main__":
    _configure_threads(sys.argv[1:])
if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse  # noqa: E402
import gc  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks import memory, report  # noqa: E402
from benchmarks.problems import get_problems  # noqa: E402
from benchmarks.runners import SMOKE_RUNNERS, NotApplicable, get_runners  # noqa: E402

RTOL = 1e-6  # every runner's gradient against the hand-written one
RESULTS_JSON = Path(__file__).resolve().parent / "results.json"


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def compare(got: tuple, ref: tuple) -> dict:
    """Max over the gradient entries of max|got - ref| / max|ref| (ok if <= RTOL)."""
    if len(got) != len(ref):
        return {"ok": False, "max_rel_err": None,
                "detail": f"{len(got)} gradients, expected {len(ref)}"}
    worst = 0.0
    for k, (g, r) in enumerate(zip(got, ref)):
        if np.shape(g) != np.shape(r):
            return {"ok": False, "max_rel_err": None,
                    "detail": f"gradient {k}: shape {np.shape(g)}, expected {np.shape(r)}"}
        scale = max(float(np.max(np.abs(r))), 1e-300)
        worst = max(worst, float(np.max(np.abs(np.asarray(g) - r))) / scale)
    ok = bool(worst <= RTOL)
    return {"ok": ok, "max_rel_err": worst, "detail": "" if ok else f"max rel err {worst:.2e}"}


def prepare_cell(problem, runner, args: tuple, ref: tuple) -> tuple[dict, object]:
    """Set up one runner (timing setup + first call) and check its gradient."""
    cell: dict = {"status": "ok", "reason": ""}
    reason = runner.unavailable()
    if reason:
        return {"status": "n/a", "reason": reason}, None
    try:
        t0 = time.perf_counter()
        prep = runner.prepare(problem, args)
        first = prep.call()
        cell["first_call_s"] = time.perf_counter() - t0
        if runner.is_gradient:
            cell["check"] = compare(prep.to_numpy(first), ref)
    except Exception as exc:  # any failure is reported, never fatal
        why = str(exc) if isinstance(exc, NotApplicable) else runner.not_applicable(exc)
        if why:
            return {"status": "n/a", "reason": why}, None
        _log(f"ERROR {problem.name} / {runner.name}: {type(exc).__name__}: {exc}")
        _log("".join(traceback.format_exception(exc)[-3:]).rstrip())
        return {"status": "error", "reason": f"{type(exc).__name__}: {exc}"[:300]}, None
    if runner.is_gradient and not cell["check"]["ok"]:
        _log(f"!!! MISMATCH {problem.name} / {runner.name}: gradient differs from the "
             f"hand-written one: {cell['check']['detail']}")
    return cell, prep


def _calibrate(call, target: float) -> tuple[int, float]:
    """Calls per sample so that one sample takes about ``target`` seconds, and
    the time of the calls made to find out.  The faster of two calls decides: the
    first call after a runner's setup runs freshly compiled code (s2sad's steady
    variant, Python's specialising interpreter not yet warm: 1.6-3.7x a steady call
    for a 70 us gradient), and fewer calls per sample would weigh each sample's
    first call after ``gc.collect()`` (caches cold: +150-200 us) more for it alone."""
    times = []
    for _ in range(2):
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
        if times[0] >= target:  # (a slow call is a sample already: no second one)
            return 1, times[0]
    once = min(times)
    return (1 if once >= target else min(10**6, math.ceil(target / max(once, 1e-9)))), \
        sum(times)


def time_cells(cells: dict, preps: dict, repeats: int, target: float, cap: float) -> None:
    """Interleaved rounds: each round times every runner once, in a rotating order."""
    names = [n for n in cells if preps.get(n) is not None]
    inner, spent, samples = {}, {}, {}
    for n in names:
        inner[n], once = _calibrate(preps[n].call, target)
        spent[n] = once
        # a slow call (>= the sample time) is a sample already: keep it
        samples[n] = [once] if inner[n] == 1 and once >= target > 0 else []
    for rnd in range(repeats):
        shift = rnd % len(names) if names else 0
        for n in names[shift:] + names[:shift]:
            if len(samples[n]) >= repeats or (spent[n] > cap and len(samples[n]) >= 3):
                continue
            call = preps[n].call
            gc.collect()
            t0 = time.perf_counter()
            for _ in range(inner[n]):
                call()
            dt = time.perf_counter() - t0
            spent[n] += dt
            samples[n].append(dt / inner[n])
    for n in names:
        cells[n].update(median_s=statistics.median(samples[n]), samples_s=samples[n],
                        calls_per_sample=inner[n])


def add_ratios(cells: dict) -> None:
    f = cells.get("f", {}).get("median_s")
    hand = cells.get("hand", {}).get("median_s")
    for name, cell in cells.items():
        if "median_s" not in cell or name == "f":
            continue
        cell["per_f"] = cell["median_s"] / f if f else None
        cell["per_hand"] = cell["median_s"] / hand if hand else None
        if "first_call_s" in cell:
            cell["one_time_s"] = cell["first_call_s"] - cell["median_s"]


def run_problem(problem, runners, size: str, repeats: int, target: float, cap: float) -> dict:
    """Prepare and check every runner on one problem, then time them."""
    args = problem.make_args(size)
    ref = tuple(np.asarray(g, dtype=float) for g in problem.hand_grad(*args))
    cells, preps = {}, {}
    for runner in runners:
        cells[runner.name], preps[runner.name] = prepare_cell(problem, runner, args, ref)
    _log(f"  prepared and checked; timing {repeats} interleaved round(s)")
    gc.collect()
    gc.freeze()  # keeps the per-sample gc.collect() cheap with jax and torch loaded
    try:
        time_cells(cells, preps, repeats, target, cap)
    finally:
        gc.unfreeze()
    add_ratios(cells)
    preps.clear()
    gc.collect()
    return {"name": problem.name, "title": problem.title, "size": size,
            "size_desc": problem.sizes[size], "wrt": list(problem.wrt),
            "args_bytes": int(sum(np.asarray(a).nbytes for a in args)), "runners": cells}


def measure_memory(results: list[dict], workers: int = 2) -> None:
    """Peak memory of every runner that ran, one fresh process each.  Runs after
    all timing, so ``workers`` processes at a time disturb no timing."""
    jobs = [(prob, name) for prob in results for name, cell in prob["runners"].items()
            if cell["status"] == "ok"]
    _log(f"peak memory: {len(jobs)} fresh processes, {workers} at a time")
    with ThreadPoolExecutor(max_workers=workers) as pool:
        found = pool.map(lambda job: memory.measure(job[0]["name"], job[1], job[0]["size"]),
                         jobs)
        for (prob, name), mem in zip(jobs, found):
            prob["runners"][name]["memory"] = mem


def run_benchmarks(problems, runners, size: str = "full", repeats: int = 15,
                   target: float = 0.02, cap: float = 10.0, with_memory: bool = True) -> dict:
    """Run, check and time ``problems`` with ``runners``; the results as a dict."""
    started = time.time()
    load = report.load_average()
    results = []
    for problem in problems:
        _log(f"[{time.time() - started:6.1f}s] {problem.name} ({problem.sizes[size]})")
        results.append(run_problem(problem, runners, size, repeats, target, cap))
    if with_memory:
        _log(f"[{time.time() - started:6.1f}s] memory")
        measure_memory(results, workers=max(1, min(2, os.cpu_count() or 1)))
    return {"meta": report.environment(), "settings": {
        "size": size, "repeats": repeats, "min_sample_s": target, "max_seconds_per_runner": cap,
        "rtol": RTOL, "runners": [r.name for r in runners], "memory": with_memory,
        "wall_s": time.time() - started, "load_average_at_start": load},
        "problems": results}


def failures(results: dict, require_ok: tuple[str, ...] = ()) -> list[str]:
    """Gradient mismatches and errors, and n/a for the runners in ``require_ok``."""
    out = []
    for prob in results["problems"]:
        for name, cell in prob["runners"].items():
            where = f"{prob['name']} / {name}"
            if cell["status"] == "error" or (name in require_ok and cell["status"] != "ok"):
                out.append(f"{where}: {cell['status']}: {cell['reason']}")
            elif not cell.get("check", {"ok": True})["ok"]:
                out.append(f"{where}: gradient mismatch: {cell['check']['detail']}")
    return out


def smoke(problems: str | None = None, runners: str | None = None, strict: bool = True) -> dict:
    """Every problem once at tiny sizes with f, hand-written and s2sad (for CI).

    Returns the results dict; with ``strict``, raises AssertionError when a
    runner fails, f/hand/s2sad is n/a (s2sad not importable), or a gradient
    differs from the hand-written one.
    """
    results = run_benchmarks(get_problems(problems), get_runners(runners or ",".join(
        SMOKE_RUNNERS)), size="smoke", repeats=1, target=0.0, with_memory=False)
    bad = failures(results, require_ok=SMOKE_RUNNERS)
    if strict and bad:
        raise AssertionError("benchmark smoke run failed:\n" + "\n".join(bad))
    return results


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--smoke", action="store_true",
                   help="tiny sizes, one round, runners f,hand,s2sad, no memory, no JSON; "
                        "exit 1 if anything is not ok")
    p.add_argument("--problems", help="comma-separated problem names (default: all)")
    p.add_argument("--runners", help="comma-separated runners: f,hand,s2sad,autograd,jax,"
                                     "jax.jit,torch (default: all; f and hand are always added)")
    p.add_argument("--repeats", type=int, help="interleaved timing rounds (default 15)")
    p.add_argument("--size", choices=("full", "smoke"), help="problem sizes (default full)")
    p.add_argument("--threads", default="1", help="BLAS/OpenMP/XLA threads (default 1)")
    p.add_argument("--min-sample-time", type=float, default=0.02,
                   help="seconds per timing sample; fast calls are repeated within a sample")
    p.add_argument("--max-runner-time", type=float, default=10.0,
                   help="stop timing a runner on a problem after this many seconds "
                        "(at least 3 rounds; default 10)")
    p.add_argument("--no-memory", action="store_true", help="skip the fresh-process memory runs")
    p.add_argument("--json", help=f"where to write results (default {RESULTS_JSON} for full "
                                  "runs of all problems and runners, else nothing)")
    p.add_argument("--strict", action="store_true", help="exit 1 on a mismatch or error")
    p.add_argument("--check-hand", action="store_true",
                   help="check hand-written gradients against central finite differences")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    problems = get_problems(opts.problems)
    if opts.check_hand:
        from benchmarks import fdcheck

        sizes = (opts.size,) if opts.size else ("smoke", "full")
        return 0 if fdcheck.check_all(problems, sizes) else 1
    names = opts.runners or ("f,hand,s2sad" if opts.smoke else "")
    runners = get_runners(names)
    if names:  # the ratios need f and hand
        runners = get_runners("f,hand") + [r for r in runners if r.name not in ("f", "hand")]
    size = opts.size or ("smoke" if opts.smoke else "full")
    repeats = opts.repeats or (1 if opts.smoke else 15)
    target = 0.0 if opts.smoke else opts.min_sample_time
    results = run_benchmarks(problems, runners, size, repeats, target, opts.max_runner_time,
                             with_memory=not (opts.smoke or opts.no_memory))
    print(report.markdown(results))
    # (a run of some problems, or of some runners, never replaces the full run's file)
    path = opts.json or (None if opts.smoke or opts.problems or opts.runners
                         else str(RESULTS_JSON))
    if path:
        Path(path).write_text(json.dumps(results, indent=1) + "\n")
        _log(f"wrote {path}")
    bad = failures(results, require_ok=SMOKE_RUNNERS if opts.smoke else ())
    for line in bad:
        _log(f"!!! {line}")
    return 1 if bad and (opts.smoke or opts.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
