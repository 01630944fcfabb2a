"""Late pass ``chains`` (``compiler/in_place_chains.py``): ``t = -(a * b / c)`` computed
into the array ``a * b`` makes (``t /= c``, ``np.negative(t, out=t)``), with the same
numbers bit for bit.  On statements: where it applies and where it must not (an operand
that broadcasts the first result to more axes, the target read in the chain, an operand
of unknown dtype, a chain through the right of ``-``, two operations only); gradients
against central differences where it applies, with a branch both ways."""
import ast

import gast
import numpy as np
import pytest

from gradcheck import check_grad, grad_code
from s2sad.compiler import dims, dtypes
from s2sad.compiler.in_place_chains import in_place

SHAPES = {"a": ("n",), "b": ("n",), "c": ("n",), "t": ("n",), "M": ("m", "n"),
          "z": ("n",), "k": ()}
KINDS = {"a": dtypes.F64, "b": dtypes.F64, "c": dtypes.F64, "M": dtypes.F64,
         "k": dtypes.REAL}


def _run(text: str) -> tuple[str, bool]:
    body = gast.parse(text).body
    facts = dims.Facts.over(dict(SHAPES), {"np": np})
    changed = in_place(body, facts, lambda: dict(KINDS), {"np": np})
    tree = ast.fix_missing_locations(gast.gast_to_ast(gast.Module(body=body, type_ignores=[])))
    return ast.unparse(tree), changed


def _values(text: str) -> dict:
    r = np.random.default_rng(0)
    names = {"np": np, "a": r.standard_normal(4), "b": r.standard_normal(4),
             "c": r.random(4) + 0.5, "M": r.standard_normal((3, 4)), "k": 0.7}
    saved = {k: v.copy() for k, v in names.items() if isinstance(v, np.ndarray)}
    exec(text, names)
    assert all(np.array_equal(names[k], v) for k, v in saved.items())  # (no input written)
    return names


@pytest.mark.parametrize("text, lines", [
    ("t = -(a * b / c)", ["t = a * b", "t /= c", "np.negative(t, out=t)"]),
    ("t = k * (a * b - c) / c", ["t = a * b", "t -= c", "t *= k", "t /= c"]),
    ("t = (a + b) * c + k", ["t = a + b", "t *= c", "t += k"]),
])
def test_a_chain_computed_in_place_with_the_same_numbers(text, lines):
    after, changed = _run(text)
    assert changed and after.splitlines() == lines, after
    assert np.array_equal(_values(text)["t"], _values(after)["t"])


@pytest.mark.parametrize("text", [
    "t = -(a * b / M)",  # (M broadcasts a * b to two axes)
    "t = -(a * t / c)",  # (the target read in the chain)
    "t = -(a * z / c)",  # (z: a dtype not known)
    "t = -(a * b / z)",
    "t = c * (1.0 - a * a)",  # (through the right of ``-``: would read badly)
    "t = a * b / c",  # (two operations)
    "t = -(k * k / k)",  # (numbers: no array to write into)
])
def test_what_stays(text):
    after, changed = _run(text)
    assert not changed and after == ast.unparse(ast.parse(text)), after


def ratio_loss(beta, log_r, X, y):
    mu = np.exp(X @ beta)
    r = np.exp(log_r)
    return -np.mean(r * np.log(r / (r + mu)) + y * np.log(mu / (r + mu)))


def branch_chain(x, w):
    v = np.exp(-x * x) * w
    if np.sum(v) > 0:
        v = -(v * w / (1.0 + x * x))
    return np.sum(v * v) + np.sum(np.tanh(v) * x)


def test_gradients_against_central_differences():
    r = np.random.default_rng(1)
    x, w = r.standard_normal(7), r.standard_normal(7)
    X, y = r.standard_normal((9, 3)), r.integers(0, 5, 9).astype(float)
    check_grad(ratio_loss, 0.1 * r.standard_normal(3), 0.3, X, y, wrt=(0, 1))
    check_grad(branch_chain, x, np.abs(w), wrt=(0, 1))
    check_grad(branch_chain, x, -np.abs(w), wrt=(0, 1))
    code = grad_code(ratio_loss, 0.1 * r.standard_normal(3), 0.3, X, y, wrt=(0, 1))
    assert "np.negative(" in code and "/= add" in code, code


def _pdf_chain(x, s):  # a normal pdf's chain: the constant read from np.pi / math.pi
    return np.sum(s * x * np.exp(-0.5 * x * x) / np.sqrt(2 * np.pi))


def _erf_chain(x, s):
    import math
    return np.sum(np.tanh(s * x) * x / math.sqrt(math.pi) * 0.5)


@pytest.mark.parametrize("f", [_pdf_chain, _erf_chain])
def test_a_module_number_is_a_real_operand(f):
    """``np.pi`` (``math.pi``) reads as a real number (``dtypes``): the chain that
    divides by ``np.sqrt(2 * np.pi)`` is computed in place, and the gradient is right."""
    r = np.random.default_rng(7)
    x, s = r.standard_normal(6), r.standard_normal(6)
    check_grad(f, x, s, wrt=(0, 1))
    assert dtypes.of(ast_expr("np.sqrt(2 * np.pi)"), {}, {"np": np}) == dtypes.REAL
    assert dtypes.of(ast_expr("np.random"), {}, {"np": np}) is None  # (a module: not a number)
    assert dtypes.of(ast_expr("x.real"), {"x": dtypes.F64}, {"np": np}) is None


def ast_expr(text: str):
    return gast.parse(text).body[0].value
