"""Benchmark suite of s2sad: run with ``python -m benchmarks.run`` from the repo root.

Kept free of imports on purpose: ``benchmarks.run`` must set the BLAS thread
variables before numpy is imported.
"""
