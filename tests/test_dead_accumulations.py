"""A loop's value the output never reads (``w`` below: only its tuple's other item is
returned) has a zero adjoint, which a first derivative keeps as ``dw = dt[0]`` read by
its reversed loop (``w = w + ...``: the same ``dw`` each trip); differentiated again,
that loop adds into ``dgrad_f_dw`` with ``+=`` (in-place accumulation), and the
liveness took ``x += e`` for a statement that does not read ``x``: the zeros before
the loop were dropped as dead and the sum left,
an UnboundLocalError in the gradient of a gradient (fuzz seed 82220).  Now ``x += e``
reads ``x``, and a value only its own updates read goes with its updates.  Each
Hessian-vector product checked against central differences of s2sad's first
derivative."""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad
from s2sad.compiler import simplify
from test_optimize import _printed, _snippet

V = np.linspace(0.5, 1.5, 6)


def grown_while(x):
    w = 0.16
    while w < 2.07:
        w = w + 0.3 + (x @ x * (x[-4] + x[0])) ** 2
    t = (w, x * 2)
    a, b = t
    return np.sum(b ** 2)


def test_hessian_vector_through_an_unread_loop(rng):
    f = grown_while
    def hv(x):
        return np.sum(s2sad.grad(f)(x) * V)
    x = rng.uniform(-1.0, 1.0, 6)
    check_grad(f, x)
    check_grad(hv, x)


@pytest.mark.parametrize("src, kept", [
    ("d = 0.0\nfor t in r:\n    d += x * t\nreturn x", ["return x"]),  # only its updates
    ("d = x * 2\nif c:\n    d += x\nreturn x", ["return x"]),
    ("d = 0.0\nfor t in r:\n    d += x * t\nreturn d",
     ["d = 0.0", "for t in r:\n    d += x * t", "return d"]),  # read after: all kept
])
def test_an_update_in_place_reads_its_name(src, kept):
    """``d += e`` reads ``d``: ``d = 0.0`` before it is live while the update is, and a
    ``d`` nothing else reads goes with its updates."""
    assert _printed(simplify.simplify(_snippet(src), {}, {"x", "r", "c"})) == kept
