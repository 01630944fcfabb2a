"""The Markdown report and the environment record of a benchmark run."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

GRAD_RUNNERS_NOTE = "(!) = gradient differs from the hand-written one (see Correctness)"


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _git_commit() -> str | None:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=10, cwd=Path(__file__).resolve().parent)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None


def load_average() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def environment() -> dict:
    return {
        "load_average_at_end": load_average(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpu": _cpu(),
        "cpu_count": os.cpu_count(),
        "threads": {v: os.environ.get(v) for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                                                   "MKL_NUM_THREADS", "XLA_FLAGS")},
        "git_commit": _git_commit(),
        "versions": {d: _version(d) for d in ("numpy", "s2sad", "autograd", "jax", "jaxlib",
                                              "torch")},
    }


def fmt_time(s: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if s >= scale:
            return f"{s / scale:.3g} {unit}"
    return f"{s * 1e9:.3g} ns"


def fmt_bytes(n: float) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(n) >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n:.0f} B"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _cell(cell: dict | None, value: str | None) -> str:
    if cell is None:
        return ""
    if cell["status"] != "ok":
        return cell["status"]
    text = value if value is not None else "–"
    if not cell.get("check", {"ok": True})["ok"]:
        text += " (!)"
    return text


def _grid(results: dict, runners: list[str], value) -> list[list[str]]:
    rows = []
    for prob in results["problems"]:
        row = [prob["name"]]
        for r in runners:
            cell = prob["runners"].get(r)
            row.append(_cell(cell, value(cell) if cell and cell["status"] == "ok" else None))
        rows.append(row)
    return rows


def _opt(fn):
    def wrapped(cell):
        try:
            return fn(cell)
        except (KeyError, TypeError):
            return None
    return wrapped


def _memory_text(cell: dict) -> str | None:
    mem = cell.get("memory")
    if mem is None:
        return None
    if "error" in mem:
        return "err"
    tag = "t" if mem["method"] == "tracemalloc" else "r"
    return f"{fmt_bytes(mem['bytes'])} ({tag})"


def _one_time_text(cell: dict) -> str | None:
    if "one_time_s" not in cell:
        return None
    if cell["one_time_s"] <= 0.1 * cell["median_s"]:
        return "~0"  # within timing noise: nothing left to do (e.g. already transformed)
    return fmt_time(cell["one_time_s"])


def _notes(results: dict) -> list[str]:
    """One line per mismatch; n/a and errors grouped by runner and reason."""
    notes, grouped = [], {}
    for prob in results["problems"]:
        for name, cell in prob["runners"].items():
            where = f"{prob['name']} / {name}"
            if cell["status"] != "ok":
                key = (name, cell["status"], cell["reason"])
                grouped.setdefault(key, []).append(prob["name"])
            elif not cell.get("check", {"ok": True})["ok"]:
                notes.append(f"- {where}: **GRADIENT MISMATCH**: {cell['check']['detail']}")
            mem = cell.get("memory") or {}
            if "error" in mem:
                notes.append(f"- {where}: memory measurement failed: {mem['error']}")
    n_problems = len(results["problems"])
    for (name, status, reason), probs in grouped.items():
        which = "all problems" if len(probs) == n_problems > 1 else ", ".join(probs)
        notes.append(f"- {name}: **{status}** on {which}: {reason}")
    return notes


def markdown(results: dict) -> str:
    s = results["settings"]
    meta = results["meta"]
    runners = s["runners"]
    grads = [r for r in runners if r != "f"]
    out = [f"# s2sad benchmarks ({s['size']} sizes)", "",
           f"{meta['date']} · {meta['cpu']} · Python {meta['python']} · "
           f"threads {meta['threads']['OMP_NUM_THREADS'] or 'default'} · "
           f"{s['repeats']} interleaved rounds, median · wall {s['wall_s']:.0f} s · "
           f"load average at start {s.get('load_average_at_start')}", "",
           "Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v), "",
           "## Problems", "",
           _table(["problem", "what", "size", "inputs"],
                  [[p["name"], p["title"], p["size_desc"], fmt_bytes(p["args_bytes"])]
                   for p in results["problems"]]), "",
           "## Median time per call", "", "f = the function itself; every other column "
           "computes the full gradient. " + GRAD_RUNNERS_NOTE, "",
           _table(["problem"] + runners, _grid(results, runners,
                                               _opt(lambda c: fmt_time(c["median_s"])))), "",
           "## Gradient time / hand-written gradient time", "",
           _table(["problem"] + grads, _grid(results, grads,
                                             _opt(lambda c: f"{c['per_hand']:.2f}"))), "",
           "## Gradient time / f time", "",
           _table(["problem"] + grads, _grid(results, grads,
                                             _opt(lambda c: f"{c['per_f']:.2f}"))), ""]
    if s["memory"]:
        out += ["## Peak extra memory of one call (fresh process)", "",
                "Peak during the call minus memory before it. (t) = tracemalloc, "
                "(r) = RSS high-water mark; see benchmarks/memory.py.", "",
                _table(["problem"] + runners, _grid(results, runners, _memory_text)), ""]
    one_time = [r for r in ("s2sad", "jax.jit") if r in runners]
    if one_time:
        out += ["## One-time cost", "",
                "s2sad: `s2sad.grad(f)` + first call − a steady-state call (the transform). "
                "jax.jit: first call − a steady-state call (trace + compile). ~0: within "
                "timing noise (e.g. a function already transformed for an earlier problem).",
                "",
                _table(["problem"] + one_time, _grid(results, one_time, _one_time_text)),
                ""]
    notes = _notes(results)
    out += ["## Correctness", "",
            f"Every gradient was checked against the hand-written one before timing "
            f"(max |g - g_hand| / max |g_hand| <= {s['rtol']:g}).", ""]
    out += notes or ["All runners that ran agree with the hand-written gradients."]
    return "\n".join(out)


def median_seconds(fn, args, repeats: int) -> float:
    """The median time of ``fn(*args)`` over ``repeats`` calls."""
    import statistics
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return statistics.median(times)
