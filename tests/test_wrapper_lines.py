"""The source of a derivative of a function with ``**kwargs`` or ``*args`` (made per
call, around a one-line wrapper of s2sad's): its first comment names the user's ``def``
line, not the wrapper's ``return primitive(...)`` (a line 2 of no file of the user's)."""
from __future__ import annotations

import inspect

import numpy as np
import pytest

import s2sad
from tests.gradcheck import numerical_grad

RNG = np.random.default_rng(5)
W, X = RNG.standard_normal(3), RNG.standard_normal((4, 3))


def penalised(w, X, lam=0.1, **opts):
    loss = np.mean(np.tanh(X @ w) ** 2) + lam * np.sum(w ** 2)
    if opts.get("l1", 0.0) > 0:
        loss = loss + opts["l1"] * np.sum(np.abs(w))
    return loss


def summed(w, *extra):
    total = np.sum(np.sin(w))
    for e in extra:
        total = total + np.sum(e * w)
    return total


CASES = [(penalised, (W, X), {"l1": 0.2}), (penalised, (W, X), {}),
         (summed, (W, X[0], X[1]), {})]


@pytest.mark.parametrize("f, args, kwargs", CASES, ids=["kwargs", "no_kwargs", "varargs"])
def test_first_comment_is_the_users_def(f, args, kwargs):
    d = s2sad.grad(f)
    g = d(*args, **kwargs)
    np.testing.assert_allclose(
        g, numerical_grad(lambda *a: f(*a, **kwargs), args), rtol=1e-6, atol=1e-8)
    first_line = inspect.getsourcelines(f)[1]
    assert "primitive(" not in d.source
    assert f"# {f.__name__}(), line {first_line}: def {f.__name__}(" in d.source
