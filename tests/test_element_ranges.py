"""Element loops run for all trips at once (compiler/element_masks.py): reads proved in
range need no guard, reads of one element run in no trip when there is none, and the
stage runs for NumPy arguments only.

* A read under a branch is guarded to index 0 where the branch is off, unless its index
  is proved in range in every trip: the counter of ``range(n)``, ``i - 1`` or
  ``(i + 1) % n`` of an ``n`` that is the array's length (``n = len(q)``, ``n =
  q.shape[0]``).  Where the array's length is not ``n`` the guard stays.
* ``u[0]`` or ``u[k]`` in a loop of no trip: Python reads nothing; the loop run at once
  reads at ``np.full(len(i), k)`` (nothing), unless the shapes prove the element exists.
* Arrays of another library: the loop stays a loop (the gathers by index arrays and
  their scatter-add adjoints are NumPy's), with one transform per first call as before.

Each checked against central differences, with data taking each branch alone and both.
"""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, grad_source
from s2sad.compiler import pipeline


def _guards(src: str) -> int:
    """Reads guarded to index 0 where a branch is off."""
    return src.count(", 0)\n")


def _inner_loops(src: str) -> int:
    return sum(line.lstrip().startswith("for i ") for line in src.splitlines())


def _velocities(rng, sign, n=30):
    return sign * (0.5 + rng.random(n)) if sign else rng.standard_normal(n)


# ----- reads proved in range: no guard -----

def upwind_shape(q, v):
    n = q.shape[0]
    flux = np.zeros(n)
    for i in range(n):
        if v[i] > 0.0:
            flux[i] = v[i] * q[i]
        else:
            flux[i] = v[i] * q[(i + 1) % n]
    return np.sum((q - 0.1 * flux) ** 2)


def upwind_len(q, v):
    n = len(q)
    flux = np.zeros(n)
    for i in range(n):
        if v[i] > 0.0:
            flux[i] = v[i] * q[i - 1]
        else:
            flux[i] = v[i] * q[i]
    return np.sum(np.sin(q + 0.2 * flux))


def upwind_from_one(q, v):
    n = len(q)
    flux = np.zeros(n)
    for i in range(1, n):
        if v[i] < 0.0:
            flux[i] = v[i] * q[(i + 1) % n] * q[i - 1]
    return np.sum(flux * q)


@pytest.mark.parametrize("f", [upwind_shape, upwind_len, upwind_from_one])
@pytest.mark.parametrize("sign", [1.0, -1.0, 0.0])
def test_reads_in_range_unguarded(f, sign, rng):
    """Velocities all positive, all negative (each branch alone), and of both signs."""
    q, v = rng.standard_normal(30), _velocities(rng, sign)
    check_grad(f, q, v, wrt=(0, 1))
    check_jvp(f, q, v, wrt=(0, 1))
    src = grad_source(f, q, v, wrt=(0, 1))
    assert _inner_loops(src) == 0 and _guards(src) == 0, src


def other_length(q, v, w):
    """``w[i]`` under the branch: ``w`` has its own length, the guard stays."""
    n = len(q)
    flux = np.zeros(n)
    for i in range(n):
        if v[i] > 0.0:
            flux[i] = v[i] * w[i]
        else:
            flux[i] = v[i] * q[i]
    return np.sum(flux * q)


def shifted_up(q, v):
    """``q[i + 1]`` is past the end in the last trip: guarded (the branch is off there)."""
    n = len(q)
    flux = np.zeros(n)
    for i in range(n):
        if i + 1 < n and v[i] > 0.0:
            flux[i] = v[i] * q[i + 1]
    return np.sum(flux * q)


def test_reads_not_proved_in_range_stay_guarded(rng):
    q, v = rng.standard_normal(30), _velocities(rng, 0.0)
    w = rng.standard_normal(20)
    v_short = np.where(np.arange(30) < 20, v, -np.abs(v))  # (w read where it exists)
    for vel in (v_short, -np.abs(v)):
        check_grad(other_length, q, vel, w, wrt=(0, 1, 2))
        src = grad_source(other_length, q, vel, w, wrt=(0, 1, 2))
        assert _inner_loops(src) == 0 and _guards(src) == 1, src
    with pytest.raises(IndexError):  # (Python reads past w's end: so does the gradient)
        s2sad.grad(other_length, wrt=(0, 1, 2))(q, np.abs(v), w)
    for vel in (v, np.abs(v)):
        check_grad(shifted_up, q, vel, wrt=(0, 1))
        src = grad_source(shifted_up, q, vel, wrt=(0, 1))
        assert _inner_loops(src) == 0 and _guards(src) == 1, src


# ----- one element read in every trip: none when there is no trip -----

def scaled_first(u, v):
    n = len(v)
    s = np.zeros(n)
    for i in range(n):
        s[i] = v[i] * u[0]
    return np.sum(s ** 2) + np.sum(u)


def scaled_at(u, v, k):
    n = len(v)
    s = np.zeros(n)
    for i in range(n):
        s[i] = v[i] * u[k] - u[-1]
    return np.sum(s ** 2) + np.sum(u)


def scaled_in_branch(u, v):
    n = len(v)
    s = np.zeros(n)
    for i in range(n):
        if v[i] > 0.0:
            s[i] = v[i] * u[1]
        else:
            s[i] = np.exp(u[0]) * v[i]
    return np.sum(s ** 2) + np.sum(u)


CASES = [(scaled_first, ()), (scaled_at, (2,)), (scaled_in_branch, ())]


@pytest.mark.parametrize("f, extra", CASES)
def test_no_trip_reads_nothing(f, extra):
    """Empty arrays: Python returns without reading ``u[0]``; so does the derivative."""
    u, v = np.zeros(0), np.zeros(0)
    assert f(u, v, *extra) == 0.0
    du, dv = s2sad.grad(f, wrt=(0, 1))(u, v, *extra)
    assert du.shape == (0,) and dv.shape == (0,)
    d = s2sad.grad(f, wrt=1)(np.arange(3.0), v, *extra)  # (u has elements, v none)
    assert d.shape == (0,)


@pytest.mark.parametrize("f, extra", CASES)
@pytest.mark.parametrize("sign", [1.0, -1.0, 0.0])
def test_one_element_every_trip(f, extra, sign, rng):
    u, v = rng.standard_normal(4), _velocities(rng, sign, 20)
    check_grad(f, u, v, *extra, wrt=(0, 1))
    check_jvp(f, u, v, *extra, wrt=(0, 1))
    assert _inner_loops(grad_source(f, u, v, *extra, wrt=(0, 1))) == 0


def test_one_element_proved_there_is_read_as_one(rng):
    """``u[0]`` of an array the shapes prove has elements: read once, not per trip."""
    u, v = rng.standard_normal(4), rng.standard_normal(20)
    assert "np.full(" not in grad_source(scaled_first, u, v, wrt=(0, 1))
    assert "np.full(" in grad_source(scaled_at, u, v, 2, wrt=(0, 1))


def scaled_at_number(u, v, x):
    n = len(v)
    s = np.zeros(n)
    for i in range(n):
        s[i] = v[i] * u[x]
    return np.sum(s)


def test_one_element_at_a_float_raises(rng):
    """``u[1.0]``: Python raises IndexError in the first trip, so does the gradient (a
    float index is not rounded; with no trip it raises too, where Python reads nothing:
    left, an index of a float parameter)."""
    u, v = rng.standard_normal(3), rng.standard_normal(20)
    with pytest.raises(IndexError):
        scaled_at_number(u, v, 1.0)
    with pytest.raises(IndexError):
        s2sad.grad(scaled_at_number, wrt=(0, 1))(u, v, 1.0)
    np.testing.assert_allclose(s2sad.grad(scaled_at_number, wrt=1)(u, v, 2), u[2])


def test_one_element_past_the_end_raises(rng):
    """``u[k]`` past ``u``'s end in a loop with trips: Python raises, so does the gradient."""
    u, v = rng.standard_normal(3), rng.standard_normal(20)
    with pytest.raises(IndexError):
        scaled_at(u, v, 5)
    with pytest.raises(IndexError):
        s2sad.grad(scaled_at, wrt=(0, 1))(u, v, 5)


# ----- arrays of another library: the loop stays a loop -----

def test_torch_arguments_keep_the_loop(rng):
    torch = pytest.importorskip("torch")
    q, v = rng.standard_normal(20), rng.standard_normal(20)
    expected = s2sad.grad(upwind_shape, wrt=(0, 1))(q, v)
    g = s2sad.grad(upwind_shape, wrt=(0, 1))
    got = g(torch.tensor(q), torch.tensor(v))
    for a, b in zip(got, expected):
        np.testing.assert_allclose(np.asarray(a), b, rtol=1e-12, atol=1e-12)
    assert _inner_loops(g.source) >= 1, g.source
    g(q, v)  # (NumPy's variant after it: at once)
    assert _inner_loops(g.source) == 0, g.source


def test_one_transform_per_first_call(monkeypatch, rng):
    """The foreign-array fact is passed positionally: grad's first call transforms the
    function once (a keyword would split ``_reverse_parts``'s cache: twice)."""
    calls = []
    prepare = pipeline.prepare

    def counted(*args, **kwargs):
        calls.append(1)
        return prepare(*args, **kwargs)

    monkeypatch.setattr(pipeline, "prepare", counted)
    q, v = rng.standard_normal(20), rng.standard_normal(20)

    def upwind_here(q, v):  # (a function of its own: no variant of it made yet)
        return upwind_len(q, v) * 2.0

    for kind in (s2sad.grad, s2sad.value_and_grad):
        calls.clear()
        pipeline.forget()
        kind(upwind_here)(q, v)
        assert len(calls) == 1
