"""``del`` in a long line's statements (``compiler/free.py``): a user line whose adjoint
takes more than ``free.LONG`` statements has its values deleted after the statement
that last reads each, not all at its end (the peak memory of the reverse sweep of a
long expression is then a few temporaries, not all of them).  A short line keeps one
``del``; a loop's own temporaries are still left alone.  Gradients of such lines against
central differences."""
import textwrap

import gast
import numpy as np

from gradcheck import check_grad, grad_source
from s2sad.compiler import free
from s2sad.compiler.names import set_origin
from s2sad.compiler.walks import nodes


def _dels(src: str, keep: set[str], line_of) -> list[list[str]]:
    """The names each ``del`` of ``free`` deletes, the statements' user lines given by
    ``line_of(lineno)``."""
    body = gast.parse(textwrap.dedent(src)).body
    for n in nodes(body):
        if isinstance(n, gast.stmt):
            set_origin(n, f"line {line_of(n.lineno)}")
    return list(_in_order(free.free(body, keep)))


def _in_order(block: list):
    for s in block:
        if isinstance(s, gast.Delete):
            yield [t.id for t in s.targets]
        for field in ("body", "orelse"):
            yield from _in_order(getattr(s, field, None) or [])


LONG = """
a = x * 2
b = a + 1
c = b * y
d = c - a
e = d * d
f = e + y
return f
"""


def test_a_long_line_deletes_as_values_die():
    """All six statements from one user line: ``a`` dies at ``d``, ``b`` at ``c``..."""
    assert _dels(LONG, {"x", "y"}, lambda k: 1) == [["b"], ["a", "c"], ["d"]]


def test_a_short_line_deletes_once_at_its_end():
    """Lines of at most ``LONG`` statements: one ``del`` per line, after its last."""
    src = "a = x * 2\nb = a + 1\nc = b * y\nd = c - a\ne = d * d\nf = e + y\nreturn f\n"
    lines = {1: 1, 2: 1, 3: 1, 4: 2, 5: 2, 6: 3, 7: 3}
    assert _dels(src, {"x", "y"}, lines.get) == [["b"], ["a", "c", "d"]]


def test_a_long_line_in_a_loop_leaves_the_loops_temporaries():
    src = """
    s = x
    for i in r:
        a = s * 2
        b = a + 1
        c = b * y
        d = c - a
        e = d * d
        s = e + y
    return s
    """
    assert _dels(src, {"x", "y", "r"}, lambda k: 1) == []


def negbin_like(beta, log_r, X, y):
    mu = np.exp(X @ beta)
    r = np.exp(log_r)
    ll = r * np.log(r / (r + mu)) + y * np.log(mu / (r + mu)) - np.log1p(r * y)
    return -np.mean(ll)


def long_sum(x, w):
    return np.sum(np.sin(x) * w + np.cos(x * w) / (1.0 + x * x) - np.tanh(w - x) * x)


def long_branch(x, w):
    if np.sum(x) > 0:
        e = np.exp(-x * x) * w + np.sin(w * x) * x - np.cos(x) / (2.0 + w * w)
    else:
        e = np.tanh(x) * w * w - np.log1p(x * x) * np.sin(w)
    return np.sum(e * e)


def test_long_lines_against_central_differences():
    r = np.random.default_rng(0)
    X = r.standard_normal((9, 3))
    y = r.integers(0, 5, 9).astype(float)
    check_grad(negbin_like, 0.1 * r.standard_normal(3), 0.3, X, y, wrt=(0, 1))
    x, w = r.standard_normal(7), r.standard_normal(7)
    check_grad(long_sum, x, w, wrt=(0, 1))
    check_grad(long_branch, np.abs(x), w, wrt=(0, 1))
    check_grad(long_branch, -np.abs(x), w, wrt=(0, 1))


def test_a_long_lines_adjoint_frees_before_its_end():
    r = np.random.default_rng(1)
    X = r.standard_normal((9, 3))
    y = r.integers(0, 5, 9).astype(float)
    code = grad_source(negbin_like, 0.1 * r.standard_normal(3), 0.3, X, y, wrt=(0, 1))
    line = code.split("# adjoint of line")[2].split("# adjoint")[0]  # (``ll = ...``'s)
    statements = [s.strip() for s in line.splitlines()[1:] if s.strip()]
    assert statements[-1].startswith("del") or statements[-2].startswith("del"), code
    assert sum(s.startswith("del") for s in statements) >= 2, code
