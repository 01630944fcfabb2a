"""The late pass ``remade``: an array the tape would hold that one arithmetic operation
makes from values the reverse sweep has (other items of the tape, numbers and small
arrays pushed beside them, parameters) is made again after the pop.  Loops with such
values (broadcast against a vector, not broadcast, inside an accept/reject branch),
cases where it must not happen (an operand bound again between, an operand written in
place, an operand as large as the value); gradients against central differences in
float64, Hessians against central differences of the gradient."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, grad_source
from s2sad.compiler import remade_tape


def centred_steps(mu, x, n_iter):
    """``x[:, None] - mu`` (a matrix from a vector and a column) taped each trip."""
    for _ in range(n_iter):
        d = x[:, None] - mu
        q = d * d
        w = np.exp(-q)
        mu = mu + 0.1 * np.sum(w * d, axis=0) / np.sum(w, axis=0)
    return np.sum(mu * mu)


def shifted_sigmoid(p, t, n_iter):
    """``t - c`` and ``1 + e`` (same shape as ``e``, made from it) taped each trip."""
    total = 0.0
    for _ in range(n_iter):
        c = p[1]
        sub = t - c
        e = np.exp(-p[0] * sub)
        add = 1.0 + e
        s = 1.0 / add
        total = total + np.sum(s * s * t)
        p = p * 0.9 + 0.01 * np.array([np.sum(s), np.sum(s * t)])
    return total


def accepted_only(p, t, y, n_iter):
    """Values of a trial read only when the trial is accepted."""
    cost = np.sum((p[0] * t - y) ** 2)
    for _ in range(n_iter):
        trial = p - 0.05 * np.array([np.sum((p[0] * t - y) * t), p[1]])
        sub = trial[0] * t - y
        sq = sub * sub
        c = np.sum(sq)
        if c < cost:
            p, cost = trial, c
    return cost + np.sum(p * p)


def rebound_between(p, t, n_iter):
    """The operand ``c`` is bound again after ``sub`` is made and before the trip
    ends: the value must come from the tape, not from ``c``."""
    total = 0.0
    c = p[1]
    for _ in range(n_iter):
        sub = t - c
        s = np.tanh(p[0] * sub)
        c = c + 0.1 * np.sum(s)
        total = total + np.sum(s * sub)
    return total


def written_in_place(p, t, n_iter):
    """The operand ``base`` is written into after ``sub`` is made."""
    total = 0.0
    for _ in range(n_iter):
        base = t * p[0]
        sub = base - p[1]
        s = np.sin(sub)
        base[0] = s[1]
        total = total + np.sum(s * sub) + np.sum(base)
    return total


def rebinds_itself(x, c, n_iter):
    """``x = x * 1.5 - c`` pushed: the operation reads the ``x`` before it, the pop holds
    the ``x`` after it, so ``x`` is not made again from the popped ``x`` (a wrong
    gradient before session 46: the reverse sweep stepped the final ``x`` again)."""
    acc = np.zeros(x.shape[0])
    for _ in range(n_iter):
        s = np.sign(x)
        x = x * 1.5 - c
        acc = acc + s * np.abs(x)
    return np.sum(acc * acc)


def rebinds_itself_sin(x, c, n_iter):
    acc = np.zeros(x.shape[0])
    for _ in range(n_iter):
        s = np.sign(x)
        x = 0.8 * x + c
        acc = acc + s * np.sin(x)
    return np.sum(acc * acc)


def rebinds_itself_floor(x, c, n_iter):
    acc = np.zeros(x.shape[0])
    for _ in range(n_iter):
        s = np.floor(x)
        x = x - c
        acc = acc + s * x * x
    return np.sum(acc * acc)


def steps_from_before(x, a, n_iter):
    """``y`` made from the ``x`` before the step and pushed; ``x`` stepped after: ``y``
    is made again from the popped ``x`` only where that is the ``x`` it was made of."""
    total = 0.0
    for _ in range(n_iter):
        y = x * a - 0.3
        x = np.cos(y)
        total = total + np.sum(np.exp(y) * x)
    return total


def as_large(a, b, n_iter):
    """``sub = a - b`` of two arrays of its own shape made each trip: nothing smaller to
    keep."""
    total = 0.0
    for _ in range(n_iter):
        a = np.sin(a)
        b = np.cos(b)
        sub = a - b
        total = total + np.sum(np.exp(sub) * sub)
    return total


@pytest.mark.parametrize("n,k,n_iter", [(9, 3, 2), (5, 1, 3), (12, 4, 1)])
def test_centred_steps(n, k, n_iter):
    rng = np.random.default_rng(n)
    x, mu = rng.standard_normal(n), np.linspace(-0.5, 0.5, k)
    check_grad(centred_steps, mu, x, n_iter)


def test_mixture_recomputes_the_differences():
    """``x[:, None] - mu`` and its square are made again from ``mu`` (pushed beside the
    responsibilities), not kept per trip; ``centred_steps`` binds ``mu`` again before
    its push, so there the difference stays on the tape."""
    from test_rejected_columns import mixture_steps
    rng = np.random.default_rng(3)
    src = grad_source(mixture_steps, np.array([-0.5, 0.5]), np.array([0.8, 1.2]),
                      rng.standard_normal(9), 2, wrt=(0, 1))
    pops = [s.split("=")[0] for s in src.splitlines() if "stack.pop()" in s]
    assert pops and not any("sub" in p or "power" in p for p in pops)
    assert "_at" in "".join(pops)
    src = grad_source(centred_steps, np.array([0.1, 0.2]), np.arange(6.0), 2)
    assert any(" d," in s for s in src.splitlines() if "stack.pop()" in s)


@pytest.mark.parametrize("p", [[0.7, 0.2], [-1.3, 0.5], [2.0, -0.4]])
def test_shifted_sigmoid(p):
    t = np.linspace(-1.0, 1.5, 7)
    check_grad(shifted_sigmoid, np.array(p), t, 3)
    src = grad_source(shifted_sigmoid, np.array(p), t, 3)
    pop = next(s for s in src.splitlines() if "stack.pop()" in s)
    assert "add" not in pop.split("=")[0]


@pytest.mark.parametrize("p,n_iter", [([0.5, 0.1], 3), ([3.0, 1.0], 4), ([1.0, 0.0], 2)])
def test_accepted_only(p, n_iter):
    """Steps accepted and rejected (the starting points on either side)."""
    t = np.linspace(0.0, 1.0, 6)
    y = 1.0 * t + 0.05
    check_grad(accepted_only, np.array(p), t, y, n_iter, wrt=(0, 2))


@pytest.mark.parametrize("p", [[0.5, 0.1], [-1.0, 0.3], [2.0, 2.0]])
def test_rebound_between(p):
    check_grad(rebound_between, np.array(p), np.linspace(-1.0, 1.0, 5), 3)


@pytest.mark.parametrize("p", [[0.5, 0.1], [-1.0, 0.3], [2.0, 2.0]])
def test_written_in_place(p):
    check_grad(written_in_place, np.array(p), np.linspace(-1.0, 1.0, 5), 3)


@pytest.mark.parametrize("f", [rebinds_itself, rebinds_itself_sin, rebinds_itself_floor])
def test_rebinds_itself(f):
    """Signs that change within the steps (0.35 crosses zero), so the x each step
    reads matters; wrt x alone (the x before is then not taped for ``c``'s adjoint)."""
    x = np.array([1.3, 0.35, -0.2, 2.1, -1.1])
    check_grad(f, x, 0.25, 3)
    check_grad(f, x, 0.25, 3, wrt=(0, 1))
    check_grad(steps_from_before, x, 1.5, 3, wrt=(0, 1))


@pytest.mark.parametrize("n", [1, 3, 6])
def test_as_large(n):
    rng = np.random.default_rng(n)
    a, b = rng.standard_normal(n), rng.standard_normal(n)
    check_grad(as_large, a, b, 2, wrt=(0, 1))


@pytest.mark.parametrize("p", [[0.7, 0.2], [-1.3, 0.5], [0.3, -0.4]])
def test_hessians(p):
    t = np.linspace(-1.0, 1.5, 5)
    check_hessian(lambda q: shifted_sigmoid(q, t, 2), np.array(p))
    check_hessian(lambda q: rebound_between(q, t, 2), np.array(p))
    check_hessian(lambda x: rebinds_itself_sin(x, p[1], 3), np.array([1.3, 0.35, -0.2]))


def test_small_operands():
    """A number, a handful of numbers, a vector broadcast along a longer axis are small;
    an operand of the value's own shape is not."""
    from s2sad.compiler import dims
    facts = dims.Facts.over({"k": (), "v": (3,), "col": ("a", 1), "row": ("b",),
                             "m": ("a", "b")}, {})
    shape = ("a", "b")
    assert remade_tape._small("k", shape, facts)
    assert remade_tape._small("v", shape, facts)
    assert remade_tape._small("col", shape, facts)
    assert remade_tape._small("row", shape, facts)
    assert not remade_tape._small("m", shape, facts)
    assert np.isfinite(s2sad.grad(centred_steps)(np.array([0.1]), np.arange(3.0), 1)).all()
