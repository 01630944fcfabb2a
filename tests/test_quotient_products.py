"""``shared_products`` on products inside a value and on quotients: ``-(dm * n * k * e
@ tau)`` reads ``p = k * e`` computed before (``-(p * dm * n @ tau)``); ``dd * d / sd``
reads ``q = dd / sd`` (``q * d``).  Where it must not: a factor bound or written into
between, another divisor, a factor that multiplies where the known one divides, a
product in another block.  The pass on small bodies, and user programs whose reverse
sweeps hold such products (a Black-Scholes price, a scaled log-ratio, a branch on the
data both ways) against central differences, with a Hessian."""
from __future__ import annotations

import ast

import gast
import numpy as np
import pytest
from scipy.special import ndtr

from gradcheck import check_grad, check_hessian, check_jvp
from s2sad.compiler.shared_products import share_products


def _shared(text: str) -> str:
    body = gast.parse(text).body
    share_products(body)
    return ast.unparse(ast.fix_missing_locations(
        gast.gast_to_ast(gast.Module(body=body, type_ignores=[]))))


@pytest.mark.parametrize("text, expected", [
    ("p = k * e\nr = -(dm * n * k * e @ tau)", "r = -(p * dm * n @ tau)"),
    ("q = dd / sd\ns = s - dd * d / sd", "s = s - q * d"),
    ("q = dd / sd\ns = np.sum(d * dd / sd)", "s = np.sum(q * d)"),
])
def test_read_through_the_known_product(text, expected):
    assert _shared(text).splitlines()[-1] == expected


@pytest.mark.parametrize("text", [
    "q = dd / sd\nsd = sd + 1.0\ns = dd * d / sd",  # the divisor bound again
    "q = dd / sd\ndd[0] = 2.0\ns = dd * d / sd",  # a factor written into
    "q = dd / sd\ns = dd * d / w",  # another divisor
    "q = dd / sd\ns = dd * d * sd",  # sd multiplies here
    "q = dd * sd\ns = dd * d / sd",  # and divides here
    "p = k * e\nfor i in range(2):\n    k = k + 1.0\nr = -(dm * k * e @ t)",  # a loop binds k
])
def test_left_alone(text):
    assert _shared(text).splitlines()[-1] == text.splitlines()[-1]


def call_price(sigma, spot, rate, strike, tau):
    sd = sigma * np.sqrt(tau)
    d1 = (np.log(spot / strike) + (rate + 0.5 * sigma ** 2) * tau) / sd
    d2 = d1 - sd
    return np.sum(spot * ndtr(d1) - strike * np.exp(-rate * tau) * ndtr(d2))


def scaled_ratio(x, y, s):
    r = x / s
    return np.sum(np.tanh(r) * y / s + x * y / s)


def branch_products(x, k):
    e = np.exp(k * x)
    if np.sum(x) > 0:
        return np.sum(np.sin(k * e * x))
    return np.sum(k * e * x * x)


def test_black_scholes_price():
    r = np.random.default_rng(130)
    args = (r.uniform(0.15, 0.4, 5), 100.0 + r.uniform(-5, 5, 5), 0.02,
            r.uniform(80.0, 120.0, 5), r.uniform(0.1, 2.0, 5))
    check_grad(call_price, *args, wrt=(0, 1, 2), rtol=1e-5, atol=1e-5)
    check_jvp(call_price, *args, wrt=(0, 1, 2), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("seed", [131, 132])
def test_quotients_and_branches(seed):
    r = np.random.default_rng(seed)
    x, y, s = r.standard_normal(4), r.standard_normal(4), 1.0 + r.uniform(0, 1, 4)
    check_grad(scaled_ratio, x, y, s, wrt=(0, 1, 2))
    for sign in (1.0, -1.0):  # both branches
        xs = sign * np.abs(r.standard_normal(4))
        check_grad(branch_products, xs, 0.3, wrt=(0, 1))


def test_hessian_of_the_ratio():
    r = np.random.default_rng(133)
    y, s = r.standard_normal(3), 1.0 + r.uniform(0, 1, 3)
    check_hessian(lambda x: scaled_ratio(x, y, s), r.standard_normal(3))
