"""Peak extra memory of one call, measured in a fresh process.

``measure(problem, runner, size)`` (called by ``run.py``) starts
``python -m benchmarks.memory PROBLEM RUNNER SIZE``, which builds the
arguments, prepares the runner, calls it once (so one-time work -- s2sad's
transform, jax.jit's compile, jax's per-op caches -- is done), then measures a
second and a third call:

- RSS: the resident-set high-water mark during the call minus the RSS just
  before it.  The high-water mark is reset first through
  ``/proc/self/clear_refs`` (Linux); glibc is told to serve every block of
  4 KiB or more with mmap, so freed arrays leave RSS and do not hide the
  next call's allocations.  Where clear_refs is unavailable: ``ru_maxrss``
  after the call minus RSS before it.
- tracemalloc (numpy-based runners only; numpy reports its array buffers to
  tracemalloc): traced peak during the call minus traced memory before it.

"Peak extra memory" = peak during the call minus memory before it; the
result (the gradient) counts, the arguments do not.  The table shows
tracemalloc for numpy-based runners (f, hand, s2sad, autograd) and RSS for
jax and torch, whose buffers tracemalloc does not see; the JSON keeps both.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MMAP_THRESHOLD = "4096"


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _rss_peak_extra(call) -> tuple[int, str]:
    gc.collect()
    exact = _reset_hwm()
    before = _status_kib("VmRSS")
    out = call()
    if exact:
        peak = _status_kib("VmHWM")
    else:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del out
    return (peak - before) * 1024, "rss-hwm" if exact else "ru_maxrss"


def peak_extra_traced(call) -> int:
    import tracemalloc

    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        out = call()
        peak = tracemalloc.get_traced_memory()[1]
        del out
    finally:
        tracemalloc.stop()
    return peak - before


def _child(problem_name: str, runner_name: str, size: str) -> dict:
    from benchmarks import problems, runners

    problem = problems.BY_NAME[problem_name]
    runner = runners.BY_NAME[runner_name]
    reason = runner.unavailable()
    if reason:
        return {"error": reason}
    args = problem.make_args(size)
    prep = runner.prepare(problem, args)
    prep.call()
    rss, rss_method = _rss_peak_extra(prep.call)
    result = {"rss_bytes": rss, "rss_method": rss_method}
    if runner.numpy_based:
        result["tracemalloc_bytes"] = peak_extra_traced(prep.call)
        result["bytes"], result["method"] = result["tracemalloc_bytes"], "tracemalloc"
    else:
        result["bytes"], result["method"] = rss, rss_method
    return result


def measure(problem_name: str, runner_name: str, size: str, timeout: float = 600.0) -> dict:
    """Peak extra memory of one call, from a fresh subprocess: a dict with
    ``bytes`` and ``method`` (plus ``rss_bytes``, ``tracemalloc_bytes``), or
    with ``error``."""
    env = dict(os.environ)
    env["MALLOC_MMAP_THRESHOLD_"] = MMAP_THRESHOLD
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "benchmarks.memory", problem_name, runner_name, size]
    try:
        proc = subprocess.run(cmd, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {proc.returncode}: {tail}"}
    return json.loads(lines[-1])


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: python -m benchmarks.memory PROBLEM RUNNER SIZE", file=sys.stderr)
        return 2
    print(json.dumps(_child(*argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
