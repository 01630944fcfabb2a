"""The second random-program generator (tools/fuzz2: idioms a user writes, not deep
random expressions) makes valid programs, the same ones for the same seed, and a few
fixed seeds are neither wrong nor a crash (value_and_grad, vjp and jvp against finite
differences, tools/fuzz/check.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository root

from tools.fuzz.check import load, same
from tools.fuzz.run import check_seed
from tools.fuzz2.generate import program


def test_the_same_seed_gives_the_same_program_and_arguments() -> None:
    for seed in (3, 17):
        (a, make_a), (b, make_b) = program(seed), program(seed)
        assert a == b
        assert same(make_a(), make_b())
    assert program(3)[0] != program(4)[0]


def test_programs_are_valid_and_leave_their_arguments_alone(tmp_path) -> None:
    """Each program imports, runs to a finite number, and writes into no argument."""
    kinds = set()
    for seed in range(40):
        source, make_args = program(seed)
        path = tmp_path / f"g{seed}.py"
        path.write_text(source)
        f = load(path, f"fuzz2_valid_{seed}").f
        args = make_args()
        with np.errstate(all="ignore"):
            value = float(f(*args))
        assert np.isfinite(value), (seed, source)
        assert same(args, make_args()), (seed, source)
        kinds |= {line.split()[0] for line in source.splitlines() if line.strip()}
    assert {"while", "for", "if", "def", "return"} <= kinds  # (the idioms do show up)


@pytest.mark.parametrize("seed", [5, 11, 23])
def test_a_fixed_seed_is_neither_wrong_nor_a_crash(seed, tmp_path) -> None:
    record = check_seed(seed, tmp_path, generator=program)
    assert record["class"] in ("ok", "refused", "nonsmooth", "skipped"), record
