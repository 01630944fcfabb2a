"""A list parameter whose length changes in the function (``ws.append(w)``, ``extend``,
``insert``, ``pop``, ``del ws[0]``, a helper that appends to it), then gone through.

The code is specialised to the lengths of list parameters; a loop ``for v in ws`` after
``ws.append(w)`` went round the call's count: the value and the gradient both wrong
(``w``'s gradient 0).  Such a list's length is no longer taken as known.  Each function
changes the list it is given, as Python does, so every call gets fresh copies; checked
against central differences in ``w``."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad

RNG = np.random.default_rng(11)
ROWS = [RNG.standard_normal(2), RNG.standard_normal(2)]
W = RNG.standard_normal(2)


def appended_then_looped(ws, w):
    ws.append(w)
    total = 0.0
    for v in ws:
        total = total + np.sum(v ** 2)
    return total


def extended_then_summed(ws, w):
    ws.extend([w, np.sin(w)])
    return sum(np.sum(v) ** 2 for v in ws)


def inserted_then_indexed(ws, w):
    ws.insert(0, w * 3.0)
    out = 0.0
    for i in range(len(ws)):
        out = out + np.sum(ws[i] ** 2) * (i + 1)
    return out


def popped_then_looped(ws, w):
    ws.append(w * w)
    ws.pop(0)
    return sum(np.sum(np.tanh(v)) for v in ws)


def deleted_then_looped(ws, w):
    ws.append(2.0 * w)
    del ws[0]
    return sum(np.sum(v * w) for v in ws)


def alias_appended(ws, w):
    parts = ws
    parts.append(w)
    return sum(np.sum(v) * np.sum(w) for v in ws)


def add_layer(ws, w):
    ws.extend([w])


def helper_appends(ws, w):
    add_layer(ws, w * 2.0)
    return sum(np.sum(v ** 2) for v in ws)


def item_replaced(ws, w):
    ws[0] = ws[0] * w  # (the length stays: the loop's count is the call's)
    return sum(np.sum(v ** 3) for v in ws)


def fresh(f):
    return lambda w: f([r.copy() for r in ROWS], w)


def differences(f, w, eps=1e-6):
    return np.array([(f(w + eps * d) - f(w - eps * d)) / (2 * eps) for d in np.eye(w.size)])


CASES = [appended_then_looped, extended_then_summed, inserted_then_indexed,
         popped_then_looped, deleted_then_looped, alias_appended, helper_appends,
         item_replaced]


@pytest.mark.parametrize("f", CASES, ids=[f.__name__ for f in CASES])
def test_value_and_gradient(f):
    value, g = s2sad.value_and_grad(f, wrt=1)([r.copy() for r in ROWS], W)
    assert value == pytest.approx(fresh(f)(W), rel=1e-12)
    np.testing.assert_allclose(g, differences(fresh(f), W), rtol=1e-6, atol=1e-8)


def test_closed_form_of_the_appended_loop():
    g = s2sad.grad(appended_then_looped, wrt=1)([r.copy() for r in ROWS], W)
    np.testing.assert_allclose(g, 2 * W)  # (was 0: the loop stopped at the call's count)


@pytest.mark.parametrize("f", [appended_then_looped, helper_appends])
def test_forward_mode(f):
    t = RNG.standard_normal(2)
    _, tangent = s2sad.jvp(f, wrt=1)([r.copy() for r in ROWS], W, t)
    assert tangent == pytest.approx(differences(fresh(f), W) @ t, rel=1e-6)
