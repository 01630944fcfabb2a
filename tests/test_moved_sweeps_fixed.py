"""A forward loop that only feeds the tape runs inside its reversed loop
(:mod:`s2sad.compiler.moved_sweeps`) also when it reads a value bound once before it
(``neg = -a``, the loop-invariant part of ``math.exp(-a * x)`` hoisted there): such a
name holds the same value in both loops.  It was taken for a changing one (any name the
body binds), so the data were read twice and the values pushed and popped.  Checked
against central differences, both branches of an if in the loop, and the form: one
loop, no tape."""
from __future__ import annotations

import math

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad

XS = [0.1, 0.4, 0.9, 1.3, 0.05, 2.0]


def damped_waves(a, xs):
    tot = 0.0
    for x in xs:
        tot = tot + math.exp(-a * x) * math.sin(a * x)
    return tot


def scaled_terms(a, xs):
    tot = 0.0
    for x in xs:
        tot = tot + math.log(1.0 + (2.0 * a) ** 2 * x * x) / (a * a + 1.0)
    return tot


def clipped_terms(a, xs):
    tot = 0.0
    for x in xs:
        if x * a > 0.5:
            tot = tot + math.sqrt(x * a) * (a + 1.0)
        else:
            tot = tot + (x * a) ** 2 * (a + 1.0)
    return tot


@pytest.mark.parametrize("fn", [damped_waves, scaled_terms, clipped_terms])
def test_gradient_matches_differences(fn):
    check_grad(fn, 0.7, XS, wrt=(0, 1))
    check_grad(fn, 1.3, np.array(XS), wrt=(0, 1))


def test_both_branches_are_taken():
    assert {x * 0.7 > 0.5 for x in XS} == {True, False}


@pytest.mark.parametrize("fn", [damped_waves, scaled_terms])
def test_one_loop_no_tape(fn):
    g = s2sad.grad(fn, wrt=(0, 1))
    g(0.7, XS)
    code = [line for line in g.source.splitlines() if not line.lstrip().startswith("#")]
    assert sum(line.lstrip().startswith("for ") for line in code) == 1
    assert not any("stack" in line for line in code)


def log_with_base(a, xs):
    tot = 0.0
    for x in xs:
        tot = tot + math.log(1.0 + a * x * x, 3.0) + math.log(a + x)
    return tot


def test_log_without_a_base_has_no_helper():
    """``math.log(x)``'s partial is ``1 / x``: the template's ``log_of_base(None)`` is
    1.0 (and the product with it ``x``); with a base the helper stays."""
    check_grad(log_with_base, 0.7, XS, wrt=(0, 1))
    g = s2sad.grad(scaled_terms, wrt=(0, 1))
    g(0.7, XS)
    assert "log_of_base" not in g.source
    g = s2sad.grad(log_with_base, wrt=(0, 1))
    g(0.7, XS)
    assert g.source.count("log_of_base(3.0)") == 1
