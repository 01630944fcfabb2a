"""Checkpointed loops: peak memory and time of the gradient of an RNN loss.

    python -m benchmarks.checkpointing              # T = 1000 and 5000 (~1-2 min)
    python -m benchmarks.checkpointing --smoke      # T = 30, checks only; exit 1 on a mismatch
    python -m benchmarks.checkpointing --json out.json

An RNN of batch 32 and hidden size 128 run for T steps, written three times: as a
plain loop (store-all: reverse mode keeps every step's state), with
``s2sad.checkpoint(range(T))`` (uniform segments of ceil(sqrt(T))), and with
``s2sad.checkpoint(range(T), snapshots=10)`` (binomial). Reported per T: the peak
memory one gradient call allocates (tracemalloc, beyond its inputs), its time
(median of repeats), both as ratios to store-all, and for the binomial schedule
the number of trips run again against the revolve optimum. The gradients are
checked against store-all first (1e-12).
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import tracemalloc

import numpy as np

import s2sad
from benchmarks.report import median_seconds
from s2sad.runtime.checkpoint import optimal_advances

BATCH, HIDDEN, INPUT = 32, 128, 16


def store_all(Wh, Wx, xs, h0):
    h = h0
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ Wh + xs[t] @ Wx)
        loss = loss + np.sum(h * h)
    return loss


def uniform(Wh, Wx, xs, h0):
    h = h0
    loss = 0.0
    for t in s2sad.checkpoint(range(xs.shape[0])):
        h = np.tanh(h @ Wh + xs[t] @ Wx)
        loss = loss + np.sum(h * h)
    return loss


def binomial(Wh, Wx, xs, h0):
    h = h0
    loss = 0.0
    for t in s2sad.checkpoint(range(xs.shape[0]), snapshots=10):
        h = np.tanh(h @ Wh + xs[t] @ Wx)
        loss = loss + np.sum(h * h)
    return loss


VARIANTS = {"store-all": store_all, "uniform": uniform, "binomial (10)": binomial}


def data(T, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(HIDDEN, HIDDEN)) / np.sqrt(HIDDEN),
            rng.normal(size=(INPUT, HIDDEN)) / np.sqrt(INPUT),
            rng.normal(size=(T, BATCH, INPUT)), np.zeros((BATCH, HIDDEN)))


def peak(fn, args):
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn(*args)
    top = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return top - base


def run(sizes, repeats, check_only=False):
    rows = []
    for T in sizes:
        args = data(T)
        grads = {name: s2sad.grad(f, wrt=(0, 1, 3)) for name, f in VARIANTS.items()}
        want = grads["store-all"](*args)
        for name, g in grads.items():
            got = g(*args)
            if not all(np.allclose(a, b, rtol=1e-12, atol=1e-12) for a, b in zip(got, want)):
                print(f"MISMATCH: {name} at T={T}", file=sys.stderr)
                return rows, False
        if check_only:
            continue
        base_mem = peak(grads["store-all"], args)
        base_time = median_seconds(grads["store-all"], args, repeats)
        for name, g in grads.items():
            mem = base_mem if name == "store-all" else peak(g, args)
            sec = base_time if name == "store-all" else median_seconds(g, args, repeats)
            rows.append({"T": T, "schedule": name, "peak_MiB": mem / 2 ** 20,
                         "memory_ratio": mem / base_mem, "seconds": sec,
                         "time_ratio": sec / base_time,
                         "recomputed": None if name != "binomial (10)" else
                         optimal_advances(T, 9)})
        print(f"T={T} done", file=sys.stderr)
    return rows, True


def report(rows):
    print("| T | schedule | peak (MiB) | memory / store-all | time (s) | time / store-all |")
    print("|---:|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['T']} | {r['schedule']} | {r['peak_MiB']:.2f} | "
              f"{r['memory_ratio']:.3f} | {r['seconds']:.3f} | {r['time_ratio']:.2f} |")
    for r in rows:
        if r["recomputed"] is not None:
            print(f"\nbinomial, T = {r['T']}: {r['recomputed']} trips run again "
                  "(the revolve optimum for 10 snapshots; the schedule is tested to reach it)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--json")
    ns = parser.parse_args(argv)
    rows, ok = run([30] if ns.smoke else [1000, 5000], ns.repeats, check_only=ns.smoke)
    if not ok:
        return 1
    if ns.smoke:
        print("checkpointing smoke: ok")
        return 0
    report(rows)
    if ns.json:
        with open(ns.json, "w") as fh:
            json.dump(rows, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
