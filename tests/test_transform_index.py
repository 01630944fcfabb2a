"""Indexes the late passes take instead of walking the body again per candidate give
the answers of the walks they replace (a transform-time change: the generated code is
the same; benchmarks/transform_time.py measures it).

``final_floats``: a vector's reads after its last binding are looked for only in the
top-level statements that mention it, and only where a later loop subscripts it
(``_Index``); here every answer is checked against :func:`final_floats.read_by_element`
of every statement after the binding, on each benchmark problem and golden function
whose derivative has a loop.
"""
from __future__ import annotations

import pytest

import s2sad
from benchmarks.problems import PROBLEMS
from benchmarks.transform_time import clear_caches
from gradcheck import check_grad
from s2sad.compiler import final_floats

LOOPED = [p for p in PROBLEMS if p.name in {  # (each with vectors the pass looks at)
    "rnn", "inner_descent", "adaptive_rk4", "heat2d", "attention_rows", "lstm",
    "arm_reach", "logreg_linesearch", "spring_euler", "corr1d", "chol_loops", "soft_dtw",
    "power_iter", "soft_kmeans", "mc_asian", "hmm_forward", "neural_ode", "wave_leapfrog",
    "gru_stack", "implicit_newton", "quat_chain", "sinkhorn", "arm_fk", "thomas_tridiag",
    "crf_forward", "burgers_upwind"}]


def test_the_problems_are_there() -> None:
    assert len(LOOPED) >= 15


def _checked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Every answer ``_read_after`` gives, checked against the full walk."""
    answers: list[tuple[str, bool]] = []
    indexed = final_floats._read_after

    def both(p, body, k, facts, index):  # type: ignore[no-untyped-def]
        fast = indexed(p, body, k, facts, index)
        assert fast == final_floats.read_by_element(p, body[k + 1:], facts), p
        answers.append((p, fast))
        return fast
    monkeypatch.setattr(final_floats, "_read_after", both)
    return answers


@pytest.mark.parametrize("problem", LOOPED, ids=lambda p: p.name)
def test_final_floats_index_gives_the_full_walks_answers(
        problem: object, monkeypatch: pytest.MonkeyPatch) -> None:
    _checked(monkeypatch)
    clear_caches()
    d = s2sad.grad(problem.func, wrt=problem.wrt)  # type: ignore[attr-defined]
    out = d(*problem.make_args("smoke"))  # type: ignore[attr-defined]
    assert out is not None


def test_the_index_answers_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Thomas algorithm's ``cp``, filled by a loop and read by element by the next
    and by the reverse sweep's loops, is taken as floats (its first binding, read whole
    by a later one, is not): both answers met, and the numbers right."""
    answers = _checked(monkeypatch)
    problem = next(p for p in PROBLEMS if p.name == "thomas_tridiag")
    clear_caches()
    check_grad(problem.func, *problem.make_args("smoke"), wrt=problem.wrt)
    assert {fast for _, fast in answers} == {True, False}

