"""benchmarks/transform_split.py: the CPU-time split of the transform by function
(``transform_time.py --split``) and its sampler (``--sample``)."""
from __future__ import annotations

import sys
import types

import pytest

from benchmarks import transform_split


def _module() -> types.ModuleType:
    """A module with a recursive function and a method, importable by name."""
    mod = types.ModuleType("split_probe")

    def depth(n: int) -> int:
        return 0 if n == 0 else 1 + mod.depth(n - 1)

    class Box:
        def size(self) -> int:
            return mod.depth(3)

    mod.depth, mod.Box = depth, Box  # type: ignore[attr-defined]
    return mod


def test_split_counts_outermost_calls_and_puts_the_functions_back(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    mod = _module()
    monkeypatch.setitem(sys.modules, "split_probe", mod)
    depth, size = mod.depth, mod.Box.size

    def run() -> None:
        for _ in range(4):
            mod.depth(5)  # (one outermost call each: its 5 inner calls not counted)
        mod.Box().size()

    transform_split.split(run, ["split_probe:depth", "split_probe:Box.size"])
    lines = capsys.readouterr().out.splitlines()[1:]
    rows = {line.split()[0]: line.split()[1] for line in lines}
    # a function's own recursion is one call; its call inside another named one is its own
    assert rows == {"split_probe:depth": "5", "split_probe:Box.size": "1"}
    assert mod.depth is depth and mod.Box.size is size


def test_sample_names_the_busy_function(capsys: pytest.CaptureFixture) -> None:
    def busy() -> None:
        total = 0
        for k in range(3_000_000):
            total += k * k
    transform_split.sample(busy, 5)
    out = capsys.readouterr().out
    assert "== self" in out and "test_transform_split.py:busy" in out
