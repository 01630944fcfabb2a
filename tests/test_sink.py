"""Late pass ``sink`` (``compiler/sink.py``): a value made from the parameters and
numbers alone is made right before its first reader.  On statements: where it moves,
and where it must stay (an operand that is not a parameter or a number, a parameter
written into, a call that is not a ufunc, a target bound twice, a reader near); the
values the same either way.  Gradients where it applies against central differences,
with a data-dependent branch both ways."""
import ast

import gast
import numpy as np
import pytest
from scipy.special import gammaln

from gradcheck import check_grad, grad_code
from s2sad.compiler import sink

FILLER = "u1 = w * 2.0\nu2 = u1 + w\nu3 = u2 * u1\nu4 = u3 - w\n"


def _sunk(text: str, params=("x", "w", "r"), numbers=("c",)) -> str:
    body = sink.sink(gast.parse(text).body, set(params), set(numbers), {"np": np})
    tree = ast.fix_missing_locations(gast.gast_to_ast(gast.Module(body=body, type_ignores=[])))
    return ast.unparse(tree)


def _values(text: str) -> dict:
    r = np.random.default_rng(0)
    names = {"np": np, "x": r.standard_normal(3), "w": r.standard_normal(3), "c": 0.5,
             "r": range(2), "f": np.sin}
    exec(text, names)
    return names


def test_a_value_of_parameters_and_numbers_moves_to_its_reader():
    text = "a = np.log(x * x + c)\n" + FILLER + "out = a * u4\n"
    after = _sunk(text)
    lines = after.splitlines()
    assert lines.index("a = np.log(x * x + c)") == lines.index("out = a * u4") - 1, after
    assert np.array_equal(_values(text)["out"], _values(after)["out"])


def test_a_value_read_in_a_loop_moves_before_the_loop():
    text = "a = x + c\n" + FILLER + "out = 0.0\nfor i in r:\n    out = out + a * i\n"
    after = _sunk(text)
    assert after.index("a = x + c") > after.index("out = 0.0") - 12 and \
        after.index("a = x + c") > after.index("u4 ="), after
    assert np.array_equal(_values(text)["out"], _values(after)["out"])


@pytest.mark.parametrize("text", [
    "z = x * 2.0\na = z + c\n" + FILLER + "out = a * u4\n",  # (z: a local array)
    "a = x + c\n" + FILLER + "x[0] = 9.0\nout = a * u4\n",  # (x written into)
    "a = x + c\n" + FILLER + "x += 1.0\nout = a * u4\n",
    "a = f(x)\n" + FILLER + "out = a * u4\n",  # (not a ufunc)
    "a = x + c\n" + FILLER + "a = a * 2.0\nout = a * u4\n",  # (bound twice)
    "a = x + c\nu1 = w * 2.0\nout = a * u1\n",  # (its reader near)
    "a = np.sum(x)\n" + FILLER + "out = a * u4\n",  # (np.sum: not a ufunc)
])
def test_what_stays(text):
    assert _sunk(text) == ast.unparse(ast.parse(text))


def negbin_like(beta, log_r, X, y):
    mu = np.exp(X @ beta)
    r = np.exp(log_r)
    ll = (gammaln(y + r) - gammaln(r) + r * np.log(r / (r + mu))
          + y * np.log(mu / (r + mu)))
    return -np.mean(ll)


def branch_after(x, w):
    t = np.exp(w) + 1.0
    v = np.sin(x) * np.cos(x * w) + np.tanh(x - w) * x - np.log1p(x * x) * w
    if np.sum(v) > 0:
        v = v * np.log(t)
    return np.sum(v * v)


def test_gradients_against_central_differences():
    r = np.random.default_rng(1)
    X = r.standard_normal((9, 3))
    y = r.integers(0, 5, 9).astype(float)
    check_grad(negbin_like, 0.1 * r.standard_normal(3), 0.3, X, y, wrt=(0, 1))
    code = grad_code(negbin_like, 0.1 * r.standard_normal(3), 0.3, X, y, wrt=(0, 1))
    lines = [s.strip() for s in code.splitlines()]
    made = next(i for i, s in enumerate(lines) if s.startswith("add = y + r"))
    assert "polygamma(0, add)" in lines[made + 1], code
    taken = set()
    while len(taken) < 2:  # (inputs that take the branch, and inputs that do not)
        x, w = r.standard_normal(6), r.standard_normal(6)
        v = np.sin(x) * np.cos(x * w) + np.tanh(x - w) * x - np.log1p(x * x) * w
        if bool(np.sum(v) > 0) not in taken:
            taken.add(bool(np.sum(v) > 0))
            check_grad(branch_after, x, w, wrt=(0, 1))
