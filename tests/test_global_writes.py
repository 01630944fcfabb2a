"""A function that changes module variables (``global calls; calls += 1``: a count of
evaluations for ``scipy.optimize``, the best loss so far): was refused ("global CALLS
assigned in the function").  The derivative now changes them as one call of the
function does (a grad, vjp, jvp or value_and_grad runs the function's forward sweep
once), reads the value the module holds when it is called, and its gradient is the
function's, checked against central differences (run on the module's value reset)."""
from __future__ import annotations

import numpy as np
import pytest

import global_write_funcs as M
import s2sad

W = np.array([0.3, -0.5, 0.9])


def _differences(f, x, eps=1e-6, calls=0):
    def at(v):
        M.CALLS, M.BEST = calls, np.inf
        return f(v)
    if np.ndim(x) == 0:
        return (at(x + eps) - at(x - eps)) / (2 * eps)
    return np.array([(at(x + eps * e) - at(x - eps * e)) / (2 * eps) for e in np.eye(x.size)])


@pytest.mark.parametrize("kind", ["grad", "value_and_grad", "vjp", "jvp"])
def test_a_call_counter_counts_one_per_call(kind):
    M.CALLS = 0
    for _ in range(3):
        if kind == "grad":
            g = s2sad.grad(M.counted)(W)
        elif kind == "value_and_grad":
            _, g = s2sad.value_and_grad(M.counted)(W)
        elif kind == "vjp":
            _, g = s2sad.vjp(M.counted)(W, 1.0)
        else:
            _, t = s2sad.jvp(M.counted)(W, np.ones(3))
            g = None
    assert M.CALLS == 3
    ref = np.sin(W) + W * np.cos(W)  # closed form
    if g is None:
        assert t == pytest.approx(ref.sum())
    else:
        np.testing.assert_allclose(g, ref)


@pytest.mark.parametrize("start", [0, 4])
def test_the_value_written_back_is_read_again(start):
    M.CALLS = start
    g = s2sad.grad(M.scaled_by_count)(0.7)
    assert M.CALLS == start + 1
    assert g == pytest.approx(3 * 0.7 ** 2 * (start + 1))
    assert g == pytest.approx(_differences(M.scaled_by_count, 0.7, calls=start))


@pytest.mark.parametrize("best, changed", [(np.inf, True), (-1.0, False)])
def test_a_best_so_far_each_way(best, changed):
    M.BEST = best
    g = s2sad.grad(M.best_so_far)(W)
    assert bool(M.BEST == pytest.approx(np.sum((W - 1.0) ** 2))) is changed
    assert bool(M.BEST == best) is not changed
    np.testing.assert_allclose(g, 4 * (W - 1.0))


def test_counted_in_a_loop_and_by_a_helper():
    M.CALLS = 0
    g = s2sad.grad(M.counted_in_a_loop)(W)
    assert M.CALLS == 3
    np.testing.assert_allclose(g, 2 * W * np.arange(1, 4))
    np.testing.assert_allclose(g, _differences(M.counted_in_a_loop, W), rtol=1e-6)
    M.CALLS = 0
    g = s2sad.grad(M.counted_by_a_helper)(W)
    assert M.CALLS == 10
    np.testing.assert_allclose(g, np.exp(W))


def test_source_reads_and_writes_the_module_variable():
    M.CALLS = 0
    d = s2sad.grad(M.scaled_by_count)
    d(0.5)
    assert "read_global(module_variables, 'CALLS')" in d.source
    assert "write_global(module_variables, 'CALLS'," in d.source


def test_a_deleted_global_is_refused_at_its_line():
    with pytest.raises(s2sad.DifferentiationError, match=r"global_write_funcs.py:\d+: "
                       r"global CALLS deleted in the function"):
        s2sad.grad(M.deletes)(W)
