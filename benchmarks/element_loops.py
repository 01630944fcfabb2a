"""Loops that fill arrays element by element: s2sad's gradient against a hand-written
reverse loop.

    python -m benchmarks.element_loops                 # full run: n = 1000, 4000, 16000
    python -m benchmarks.element_loops --smoke         # n = 50, one round; exit 1 on a mismatch
    python -m benchmarks.element_loops --json out.json --repeats 5
    python -m benchmarks.element_loops --show-source   # also print the generated gradients

Scientists write stencils, recurrences and explicit time steppers as Python loops
over ``a[i] = ...``.  Reverse mode on such code has to keep what each write
overwrites and replay the loop backwards, one element at a time; the fair yardstick
is therefore not vectorised NumPy but the reverse loop an expert would write by hand
in the same style, so "s2sad / hand" measures the differentiation machinery and
nothing else.  The three problems are functions of one 1-D float64 array returning a
scalar, written the way a user would write them (module-level ``def``, ``np.`` calls,
constants as local names).

Each (problem, n) is checked before it is timed: the hand-written gradient against
central finite differences (3 random directions), s2sad's against the hand-written
one (``np.allclose``, rtol 1e-9).  Then f, the hand-written gradient and
``s2sad.grad(f)`` are timed in interleaved rounds (median per call), and one s2sad
call (and one hand-written call, for comparison) at the largest n is measured with
tracemalloc.  The Markdown report goes to stdout, progress and mismatches to stderr.
See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a script: python benchmarks/element_loops.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import report
from benchmarks.memory import peak_extra_traced
from benchmarks.problems import select

FULL_SIZES = (1000, 4000, 16000)
SMOKE_SIZES = (50,)
RTOL = 1e-9  # s2sad against the hand-written gradient
FD_RTOL = 1e-6  # hand-written gradient against central finite differences
FD_STEP = 1e-5  # ~ eps**(1/3): balances truncation and rounding error
STEPS = 5  # time steps of the heat/reaction problem
# the memory budget's allowance for array headers and the loop's short-lived Python numbers
SLACK_BYTES = 4096


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# (1) residual of the 1-D discrete Laplacian, squared norm
# ---------------------------------------------------------------------------

def stencil_residual(u):
    n = u.shape[0]
    r = np.zeros(n)
    for i in range(1, n - 1):
        r[i] = u[i - 1] - 2.0 * u[i] + u[i + 1]
    return np.sum(r * r)


def stencil_residual_grad(u):
    n = u.shape[0]
    r = np.zeros(n)
    for i in range(1, n - 1):
        r[i] = u[i - 1] - 2.0 * u[i] + u[i + 1]
    gu = np.zeros(n)
    for i in range(n - 2, 0, -1):
        g = 2.0 * r[i]
        gu[i - 1] += g
        gu[i] -= 2.0 * g
        gu[i + 1] += g
    return gu


def stencil_residual_input(n, rng):
    """A smooth field with noise, so the residual is not zero."""
    return np.sin(np.linspace(0.0, 4.0 * np.pi, n)) + 0.1 * rng.standard_normal(n)


# ---------------------------------------------------------------------------
# (2) a nonlinear trajectory stored element by element; gradient wrt its parameters
# ---------------------------------------------------------------------------

def trajectory(p):
    n = p.shape[0]
    dt = 0.01
    x = np.zeros(n)
    x[0] = p[0]
    for t in range(n - 1):
        x[t + 1] = x[t] + dt * np.sin(x[t]) * p[t + 1]
    return np.sum(x * x)


def trajectory_grad(p):
    n = p.shape[0]
    dt = 0.01
    x = np.zeros(n)
    x[0] = p[0]
    for t in range(n - 1):
        x[t + 1] = x[t] + dt * np.sin(x[t]) * p[t + 1]
    gp = np.zeros(n)
    g = 2.0 * x[n - 1]  # the adjoint of x[t + 1]: one number carried backwards
    for t in range(n - 2, -1, -1):
        xt = x[t]
        gp[t + 1] = g * dt * np.sin(xt)
        g = 2.0 * xt + g * (1.0 + dt * np.cos(xt) * p[t + 1])
    gp[0] = g
    return gp


def trajectory_input(n, rng):
    """Positive rates: x climbs towards pi and stays bounded for any n."""
    return rng.uniform(0.5, 1.5, n)


# ---------------------------------------------------------------------------
# (3) explicit time stepping of a 1-D heat equation with a cubic reaction term;
#     gradient wrt the initial state (Dirichlet zero boundaries)
# ---------------------------------------------------------------------------

def heat_reaction(u):
    n = u.shape[0]
    c = 0.25
    dt = 0.01
    for _ in range(5):
        u_new = np.zeros(n)
        for i in range(1, n - 1):
            u_new[i] = u[i] + c * (u[i - 1] - 2.0 * u[i] + u[i + 1]) - dt * u[i] ** 3
        u = u_new
    return np.sum(u * u)


def heat_reaction_grad(u):
    n = u.shape[0]
    c = 0.25
    dt = 0.01
    states = []
    for _ in range(5):
        states.append(u)
        u_new = np.zeros(n)
        for i in range(1, n - 1):
            u_new[i] = u[i] + c * (u[i - 1] - 2.0 * u[i] + u[i + 1]) - dt * u[i] ** 3
        u = u_new
    del u_new
    gu = 2.0 * u
    for u in reversed(states):
        g_new = gu
        gu = np.zeros(n)
        for i in range(n - 2, 0, -1):
            g = g_new[i]
            ui = u[i]
            gu[i - 1] += c * g
            gu[i] += g * (1.0 - 2.0 * c - 3.0 * dt * ui * ui)
            gu[i + 1] += c * g
    return gu


def heat_reaction_input(n, rng):
    return rng.uniform(-1.0, 1.0, n)


# ---------------------------------------------------------------------------
# the registry
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class LoopProblem:
    """``make_input(n, rng)`` builds the 1-D argument; ``tape_elems(n)`` counts the
    elements a reverse pass must keep beyond the input, its result and one work
    array (the values the forward loop overwrites or rebinds away)."""

    name: str
    title: str
    func: Callable
    hand_grad: Callable
    make_input: Callable
    tape_elems: Callable[[int], int]


PROBLEMS = [
    LoopProblem("stencil_residual", "r[i] = u[i-1] - 2u[i] + u[i+1]; sum(r*r)",
                stencil_residual, stencil_residual_grad, stencil_residual_input,
                lambda n: 0),
    LoopProblem("trajectory", "x[t+1] = x[t] + dt sin(x[t]) p[t+1]; sum(x*x), wrt p",
                trajectory, trajectory_grad, trajectory_input, lambda n: 0),
    # the states before the last step are dropped by `u = u_new` (the first is the input)
    LoopProblem("heat_reaction", f"{STEPS} explicit steps of u_t = c u_xx - u^3 writing "
                "u_new[i]; sum(u*u), wrt the initial u",
                heat_reaction, heat_reaction_grad, heat_reaction_input,
                lambda n: (STEPS - 1) * n),
]
BY_NAME = {p.name: p for p in PROBLEMS}


def get_problems(names: str | None = None) -> list[LoopProblem]:
    """The problems named in a comma-separated list (all when None/empty)."""
    return select(BY_NAME, names)


# ---------------------------------------------------------------------------
# checking
# ---------------------------------------------------------------------------

def fd_check(func: Callable, x: np.ndarray, g: np.ndarray, rng, directions: int = 3) -> float:
    """Worst relative error of <g, v> against the central difference of ``func`` along
    ``directions`` random unit-variance directions v."""
    worst = 0.0
    for _ in range(directions):
        v = rng.standard_normal(x.shape)
        fd = (func(x + FD_STEP * v) - func(x - FD_STEP * v)) / (2.0 * FD_STEP)
        dot = float(np.dot(g, v))
        worst = max(worst, float(abs(fd - dot) / max(abs(fd), abs(dot), 1e-300)))
    return worst


def check(problem: LoopProblem, x: np.ndarray, s2sad_grad: Callable, rng) -> dict:
    """Hand-written gradient vs finite differences, s2sad's vs the hand-written one.

    ``np.allclose`` with rtol ``RTOL`` and an atol of 1e-12 of the largest entry, so
    an entry that cancels to ~0 is judged at the scale of the gradient.
    """
    hand = problem.hand_grad(x)
    fd_err = fd_check(problem.func, x, hand, rng)
    got = np.asarray(s2sad_grad(x))
    scale = float(np.max(np.abs(hand)))
    same_shape = got.shape == hand.shape
    close = same_shape and bool(np.allclose(got, hand, rtol=RTOL, atol=1e-12 * scale))
    err = float(np.max(np.abs(got - hand)) / max(scale, 1e-300)) if same_shape else None
    out = {"fd_rel_err": fd_err, "fd_ok": bool(fd_err <= FD_RTOL), "s2sad_ok": close,
           "s2sad_max_rel_err": err}
    if not out["fd_ok"]:
        _log(f"!!! MISMATCH {problem.name} n={x.size}: hand-written gradient vs finite "
             f"differences: rel err {fd_err:.2e}")
    if not close:
        what = f"max rel err {err:.2e}" if same_shape else f"shape {got.shape}"
        _log(f"!!! MISMATCH {problem.name} n={x.size}: s2sad vs hand-written: {what}")
    return out


# ---------------------------------------------------------------------------
# timing and memory
# ---------------------------------------------------------------------------

def _calibrate(call: Callable, target: float) -> int:
    """Calls per sample so that one sample lasts about ``target`` seconds."""
    t0 = time.perf_counter()
    call()
    once = time.perf_counter() - t0
    return 1 if once >= target else min(10**5, math.ceil(target / max(once, 1e-9)))


def time_calls(calls: dict[str, Callable], repeats: int, target: float) -> dict[str, dict]:
    """Interleaved rounds, each timing every call once in a rotating order (drift of the
    machine hits all of them alike); the median per-call time over the rounds."""
    names = list(calls)
    inner = {n: _calibrate(calls[n], target) for n in names}
    samples: dict[str, list[float]] = {n: [] for n in names}
    for rnd in range(repeats):
        shift = rnd % len(names)
        for name in names[shift:] + names[:shift]:
            call = calls[name]
            gc.collect()
            t0 = time.perf_counter()
            for _ in range(inner[name]):
                call()
            samples[name].append((time.perf_counter() - t0) / inner[name])
    return {n: {"median_s": statistics.median(samples[n]), "samples_s": samples[n],
                "calls_per_sample": inner[n]} for n in names}


def measure_memory(problem: LoopProblem, n: int, seed: int) -> dict:
    """Peak extra memory of one s2sad gradient call and one hand-written call at ``n``,
    each after a warm-up call, against the budget 2 * n * 8 bytes + the tape (the
    result and one work array, plus what the forward loop overwrites) + ``SLACK_BYTES``."""
    import s2sad

    x = problem.make_input(n, np.random.default_rng(seed))
    g = s2sad.grad(problem.func)
    g(x)
    s2sad_bytes = peak_extra_traced(lambda: g(x))
    problem.hand_grad(x)
    hand_bytes = peak_extra_traced(lambda: problem.hand_grad(x))
    budget = 2 * x.nbytes + 8 * problem.tape_elems(n)
    return {"n": n, "array_bytes": x.nbytes, "tape_bytes": 8 * problem.tape_elems(n),
            "budget_bytes": budget, "s2sad_bytes": s2sad_bytes, "hand_bytes": hand_bytes,
            "s2sad_within_budget": s2sad_bytes <= budget + SLACK_BYTES,
            "hand_within_budget": hand_bytes <= budget + SLACK_BYTES}


def run_size(problem: LoopProblem, n: int, repeats: int, target: float, seed: int) -> dict:
    """Check one problem at size ``n``, then time f, hand-written and s2sad."""
    import s2sad

    rng = np.random.default_rng(seed)
    x = problem.make_input(n, rng)
    g = s2sad.grad(problem.func)
    t0 = time.perf_counter()
    g(x)  # the warm-up: the transform, when not cached, and one gradient
    first = time.perf_counter() - t0
    row = {"n": n, "first_call_s": first, "check": check(problem, x, g, rng)}
    timed = time_calls({"f": lambda: problem.func(x), "hand": lambda: problem.hand_grad(x),
                        "s2sad": lambda: g(x)}, repeats, target)
    row["runners"] = timed
    f, hand, ad = (timed[k]["median_s"] for k in ("f", "hand", "s2sad"))
    row.update(hand_per_f=hand / f, s2sad_per_f=ad / f, s2sad_per_hand=ad / hand,
               first_call_minus_median_s=first - ad)
    return row


def _s2sad_warmup(x):
    return x * x


def transform_time(problem: LoopProblem) -> float:
    """``s2sad.grad(f)`` plus its first call on a 10-element input: the transform (the
    call itself is microseconds).  s2sad caches the generated code per function, so
    this is measured once per problem, before any other call; s2sad's lazily imported
    parts are loaded first, on ``x * x``, so the first problem is not charged for them."""
    import s2sad

    s2sad.grad(_s2sad_warmup)(1.0)
    x = problem.make_input(10, np.random.default_rng(0))
    t0 = time.perf_counter()
    s2sad.grad(problem.func)(x)
    return time.perf_counter() - t0


def run(problems: list[LoopProblem], sizes: tuple[int, ...], repeats: int = 7,
        target: float = 0.02, with_memory: bool = True) -> dict:
    """Check, time and measure ``problems`` at ``sizes``; the results as a dict."""
    started = time.time()
    load = report.load_average()
    results = []
    for k, problem in enumerate(problems):
        entry = {"name": problem.name, "title": problem.title,
                 "transform_s": transform_time(problem), "sizes": []}
        for n in sizes:
            _log(f"[{time.time() - started:6.1f}s] {problem.name} n={n}")
            entry["sizes"].append(run_size(problem, n, repeats, target, seed=1000 * k + n))
        if with_memory:
            n = max(sizes)
            _log(f"[{time.time() - started:6.1f}s] {problem.name} memory n={n}")
            entry["memory"] = measure_memory(problem, n, seed=1000 * k + n)
        results.append(entry)
    return {"meta": report.environment(), "settings": {
        "sizes": list(sizes), "repeats": repeats, "min_sample_s": target, "rtol": RTOL,
        "fd_rtol": FD_RTOL, "memory": with_memory, "wall_s": time.time() - started,
        "load_average_at_start": load}, "problems": results}


def failures(results: dict) -> list[str]:
    """Every finite-difference or s2sad mismatch, one line each."""
    out = []
    for prob in results["problems"]:
        for row in prob["sizes"]:
            chk, where = row["check"], f"{prob['name']} n={row['n']}"
            if not chk["fd_ok"]:
                out.append(f"{where}: hand-written vs finite differences: "
                           f"rel err {chk['fd_rel_err']:.2e}")
            if not chk["s2sad_ok"]:
                err = chk["s2sad_max_rel_err"]
                out.append(f"{where}: s2sad vs hand-written: "
                           + (f"max rel err {err:.2e}" if err is not None else "wrong shape"))
    return out


def smoke(problems: str | None = None) -> dict:
    """Every problem at n = 50, one round (for CI); AssertionError on a mismatch."""
    results = run(get_problems(problems), SMOKE_SIZES, repeats=1, target=0.0)
    bad = failures(results)
    if bad:
        raise AssertionError("element-loop smoke run failed:\n" + "\n".join(bad))
    return results


# ---------------------------------------------------------------------------
# the report
# ---------------------------------------------------------------------------

def markdown(results: dict) -> str:
    s = results["settings"]
    load = s["load_average_at_start"]
    lines = [f"# element loops: s2sad vs a hand-written reverse loop (median of "
             f"{s['repeats']} interleaved round(s); load average at start "
             f"{' / '.join(f'{v:.2f}' for v in load) if load else 'n/a'})", "",
             "| problem | n | f ms | hand/f | s2sad/f | s2sad/hand | transform ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for prob in results["problems"]:
        for k, row in enumerate(prob["sizes"]):
            bad = "" if row["check"]["s2sad_ok"] and row["check"]["fd_ok"] else " (!)"
            transform = f"{1e3 * prob['transform_s']:.0f}" if k == 0 else "cached"
            lines.append(f"| {prob['name']} | {row['n']} | "
                         f"{1e3 * row['runners']['f']['median_s']:.2f} | "
                         f"{row['hand_per_f']:.1f} | {row['s2sad_per_f']:.1f}{bad} | "
                         f"{row['s2sad_per_hand']:.1f}{bad} | {transform} |")
    mem = [p for p in results["problems"] if "memory" in p]
    if mem:
        lines += ["", "Peak extra memory of one gradient call (tracemalloc; budget = 2 x the "
                  "array + the tape of overwritten elements, + 4 KiB):", ""]
    for prob in mem:
        m = prob["memory"]
        a, budget = m["array_bytes"], m["budget_bytes"]

        def said(runner, m=m, a=a, budget=budget):
            b = m[f"{runner}_bytes"]
            verdict = "within budget" if m[f"{runner}_within_budget"] else "OVER budget"
            return (f"{runner} {report.fmt_bytes(b)} = {b / a:.1f} x the array, "
                    f"{b / budget:.1f} x the budget: {verdict}")

        lines.append(f"- {prob['name']} n={m['n']} (array {a} B, tape {m['tape_bytes']} B, "
                     f"budget {report.fmt_bytes(budget)}): {said('s2sad')}; {said('hand')}")
    bad = failures(results)
    if bad:
        lines += ["", "Correctness failures:", ""] + [f"- {b}" for b in bad]
    return "\n".join(lines)


def show_sources(problems: list[LoopProblem]) -> None:
    """Print the generated gradient of every problem (after a call has built it)."""
    import s2sad

    for problem in problems:
        g = s2sad.grad(problem.func)
        g(problem.make_input(10, np.random.default_rng(0)))
        print(f"\n## generated gradient of {problem.name}\n\n```python\n{g.source}```")


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m benchmarks.element_loops", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--smoke", action="store_true",
                   help="n = 50, one round; exit 1 on any gradient mismatch")
    p.add_argument("--problems", help=f"comma-separated, of {', '.join(BY_NAME)} (default all)")
    p.add_argument("--sizes", help="comma-separated n (default 1000,4000,16000)")
    p.add_argument("--repeats", type=int, help="interleaved timing rounds (default 7)")
    p.add_argument("--min-sample-time", type=float, default=0.02,
                   help="seconds per timing sample; fast calls are repeated within a sample")
    p.add_argument("--no-memory", action="store_true", help="skip the tracemalloc measurement")
    p.add_argument("--json", help="write the results (all samples) to this file")
    p.add_argument("--show-source", action="store_true",
                   help="also print s2sad's generated gradient of each problem")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(sys.argv[1:] if argv is None else argv)
    problems = get_problems(opts.problems)
    if opts.sizes:
        sizes = tuple(int(v) for v in opts.sizes.split(","))
    else:
        sizes = SMOKE_SIZES if opts.smoke else FULL_SIZES
    repeats = opts.repeats or (1 if opts.smoke else 7)
    target = 0.0 if opts.smoke else opts.min_sample_time
    results = run(problems, sizes, repeats, target, with_memory=not opts.no_memory)
    print(markdown(results))
    if opts.show_source:
        show_sources(problems)
    if opts.json:
        Path(opts.json).write_text(json.dumps(results, indent=1) + "\n")
        _log(f"wrote {opts.json}")
    bad = failures(results)
    for line in bad:
        _log(f"!!! {line}")
    return 1 if bad and opts.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
