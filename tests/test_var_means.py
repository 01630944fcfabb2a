"""``np.var`` of a value whose mean over the same axes is bound already is the mean of
the squared centred values (``var_means``), the centred values read by the later
``h - mu`` too: a layer norm over rows, a standardisation over all elements, one over
columns whose variance drops the axis, a layer norm by ``np.std`` (its square root).
Each against central differences, the value ``value_and_grad`` computes equal to the
function's to the last bit; where the mean drops its axis (it does not broadcast
against ``h``) ``np.var`` stays."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad


def layer_norm(h, gamma):
    mu = np.mean(h, axis=1, keepdims=True)
    var = np.var(h, axis=1, keepdims=True)
    return np.sum(np.tanh(gamma * (h - mu) / np.sqrt(var + 1e-5)))


def standardised(x):
    m = np.mean(x)
    v = np.var(x)
    return np.sum(((x - m) / np.sqrt(v)) ** 3)


def by_columns(x, w):
    m = np.mean(x, axis=0, keepdims=True)
    v = np.var(x, axis=0)
    return np.sum(np.log(v) * w) + np.sum((x - m) ** 2)


def layer_norm_std(h, gamma):
    mu = np.mean(h, axis=-1, keepdims=True)
    sd = np.std(h, axis=-1, keepdims=True)
    return np.sum(np.tanh(gamma * (h - mu) / (sd + 1e-5)))


def mean_without_axis(x):  # (the mean is not kept as a column: np.var stays)
    m = np.mean(x, axis=1)
    v = np.var(x, axis=1)
    return np.sum(v * m)


CASES = [(layer_norm, lambda r: (r.standard_normal((5, 6)), 1.0 + r.standard_normal(6)),
          (0, 1)),
         (standardised, lambda r: (r.standard_normal((4, 3)),), 0),
         (by_columns, lambda r: (r.standard_normal((6, 3)), r.standard_normal(3)), 0),
         (layer_norm_std, lambda r: (r.standard_normal((5, 6)), 1.0 + r.standard_normal(6)),
          (0, 1))]


def _source(f, args, wrt) -> str:
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    return g.source


@pytest.mark.parametrize("case", range(4))
def test_variance_by_the_mean(case) -> None:
    f, make, wrt = CASES[case]
    args = make(np.random.default_rng(50 + case))
    check_grad(f, *args, wrt=wrt)
    value, _ = s2sad.value_and_grad(f, wrt=wrt)(*args)
    assert value == f(*args)
    code = [line for line in _source(f, args, wrt).splitlines()
            if not line.lstrip().startswith("#")]
    assert not any("np.var(" in line or "np.std(" in line for line in code)
    assert any(("np.mean(" in line or "np.ones(" in line) and "* " in line for line in code)


def test_mean_without_axis_keeps_var() -> None:
    x = np.random.default_rng(53).standard_normal((4, 5))
    check_grad(mean_without_axis, x)
    code = [line for line in _source(mean_without_axis, (x,), 0).splitlines()
            if not line.lstrip().startswith("#")]
    assert any("np.var(" in line for line in code)
