"""compiler/floats.py: a float64 vector read element by element in a loop over its
length is read from x.tolist(); where Python floats would compute something else
(division, powers) or the array is written, the array stays."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp


def smoothing(alpha, beta, data):
    level, trend, sse = data[0], 0.0, 0.0
    for t in range(1, data.shape[0]):
        pred = level + trend
        err = data[t] - pred
        sse = sse + err * err
        new_level = alpha * data[t] + (1 - alpha) * pred
        trend = beta * (new_level - level) + (1 - beta) * trend
        level = new_level
    return sse


def chain(x):
    total = 0.0
    for i in range(len(x) - 1):
        total = total + np.sin(x[i]) * x[i + 1] - 0.5 * x[i] * x[i]
    return total


def ratios(x):
    total = 0.0
    for i in range(x.shape[0] - 1):
        total = total + x[i] / x[i + 1]
    return total


def written(x):
    y = x * 1.0
    total = 0.0
    for i in range(y.shape[0]):
        y[i] = y[i] * 2.0
        total = total + y[i] * x[i]
    return total


def weighted(w, idx):
    total = 0.0
    for i in range(idx.shape[0]):
        total = total + w[idx[i]] * idx[i]
    return total


def test_smoothing_reads_floats(rng) -> None:
    data = np.cumsum(rng.standard_normal(12))
    check_grad(smoothing, 0.3, 0.2, data, wrt=(0, 1, 2))
    g = s2sad.grad(smoothing, wrt=(0, 1))
    g(0.3, 0.2, data)
    assert "as_floats(data)" in g.source


def test_chain_and_its_hessian(rng) -> None:
    x = rng.standard_normal(6)
    check_grad(chain, x)
    check_hessian(chain, x)
    g = s2sad.grad(chain)
    g(x)
    assert "as_floats(x)" in g.source


def test_division_gives_numpy_scalars_numbers() -> None:
    """The derivative run first divides Python floats; at a zero divisor (Python raises)
    the guarded variant, on NumPy scalars, runs instead: inf, as NumPy gives."""
    x = np.array([1.0, 2.0, 0.0, 4.0])
    g = s2sad.value_and_grad(ratios)
    with np.errstate(divide="ignore", invalid="ignore"):
        value, _ = g(x)
        assert value == ratios(x)  # inf, as NumPy scalars give, not ZeroDivisionError
    assert "as_floats" in g.source
    check_grad(ratios, np.array([1.0, 2.0, -3.0, 4.0]))


def test_written_array_is_not_converted(rng) -> None:
    x = rng.standard_normal(5)
    check_grad(written, x)
    g = s2sad.grad(written)
    g(x)
    assert "as_floats" not in g.source


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_other_arrays_are_used_as_they_are(rng, dtype) -> None:
    """An int index vector read by elements, and a float32 weight vector: as_floats
    leaves anything but a float64 vector alone."""
    w = rng.standard_normal(5).astype(dtype)
    idx = np.array([3, 0, 4, 4, 1])
    dw = s2sad.grad(weighted)(w, idx)
    want = np.zeros(5)
    np.add.at(want, idx, idx.astype(float))
    np.testing.assert_allclose(dw, want, rtol=1e-6)
    assert dw.dtype == dtype


def test_long_vectors_stay_arrays(monkeypatch) -> None:
    """Past the length cap the elements are read from the array (same gradient)."""
    from s2sad.runtime import casts as core
    x = np.linspace(-1.0, 1.0, 7)
    want = s2sad.grad(chain)(x)
    monkeypatch.setattr(core, "_FLOATS_AT_MOST", 3)
    assert core.as_floats(x) is x
    np.testing.assert_allclose(s2sad.grad(chain)(x), want, rtol=1e-14)


def pairs(x):
    total = 0.0
    for i in range(x.shape[0] - 1):
        total = total + (x[i + 1] - x[i] * x[i]) * (x[i + 1] - x[i] * x[i]) + x[i]
    return total


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_adjoint_added_into_element_by_element_is_a_list(rng, dtype) -> None:
    x = rng.standard_normal(6).astype(dtype)
    if dtype == np.float64:
        check_grad(pairs, x)
    g = s2sad.grad(pairs)
    dx = g(x)
    # (its trips add at i and i + 1: run for all elements at once, vector_loops)
    assert "np.arange(" in g.source and dx.dtype == dtype and dx.shape == x.shape
    want = s2sad.grad(pairs)(x.astype(np.float64))
    np.testing.assert_allclose(dx, want, rtol=1e-5)


def test_forward_mode_and_second_order_through_floats(rng) -> None:
    """jvp of code that reads floats, and the Hessian through the float-list adjoint."""
    data = np.cumsum(rng.standard_normal(8))
    check_jvp(smoothing, 0.3, 0.2, data, wrt=(0, 1, 2))
    check_hessian(pairs, rng.standard_normal(5))
