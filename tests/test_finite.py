"""compiler/finite.py: which values are provably finite or positive, and the NaN
guards that therefore go; plus gradients where a guard must stay."""
import math

import gast
import numpy as np
import pytest

import s2sad
from golden_functions import in_place_writes
from gradcheck import check_grad
from s2sad import runtime as rt
from s2sad.call_kinds import kinds_of
from s2sad.compiler import finite, pipeline
from s2sad.rules.facts import FINITE, NONPOS, POS, UNIT


def guarded_source(fn, *args, wrt=(0,), forward=False) -> str:
    """The derivative as the finite pass leaves it (``.source`` shows the variant that
    runs first, without the guards not proved: tests/test_fallback.py)."""
    return pipeline.show(fn, "free", wrt=wrt, forward=forward, kinds=kinds_of(args))

NS = {"np": np, "setitem": rt.setitem}


def facts_of(src: str, params: str = "x, y") -> dict:
    body = gast.parse(src).body
    facts, _ = finite._facts(body, NS, {p.strip() for p in params.split(",")})
    return facts


@pytest.mark.parametrize("src, fact", [
    ("v = 1.0 + x * x", POS),
    ("a = -0.5 * x\nv = a * x", NONPOS),
    ("a = -0.5 * x\nb = a * x\nv = np.exp(b)", FINITE),
    ("m = np.max(x, axis=1, keepdims=True)\nv = x - m", NONPOS),
    ("m = np.max(x, axis=1, keepdims=True)\nz = x - m\ne = np.exp(z)\nv = np.sum(e, axis=1)",
     POS),
    ("c = np.cos(y)\nv = 2.0 + c", POS),
    ("d = 1.0 + x * x\nv = y / d", FINITE),
    ("s = np.sum(x * x, axis=2)\nv = (s + 0.01) ** -1.5", FINITE),
    ("v = np.tanh(x @ y)", FINITE),
    ("v = np.arctan(x)", FINITE),  # facts declared beside the rules (rules/facts.py)
    ("v = np.abs(np.sin(x))", UNIT),
    ("v = 2.0 + np.maximum(np.cos(x), np.sin(y))", POS),
    ("v = np.ones(3) + x * x", POS),
    ("for i in range(3):\n    v = x * i", FINITE),  # a range's counter: an int
    ("v = np.zeros(3)\nv[1] = x * 2.0", FINITE),  # an element written: its value
    ("v = np.ones(3)\nv[0] += x * x", POS),
    ("r = np.zeros(3)\nv = setitem(r, 1, np.tanh(x))", UNIT),
    ("for i in reversed(range(1, 4)):\n    v = np.cos(x) * i", FINITE),
    # a value where np.where chooses it under its own sign (the guard of np.log)
    ("m = x > 0\nv = np.where(m, x, 1.0)", POS),
    ("m = 0 < x\nv = np.where(m, x, 2.0)", POS),
    ("m = x <= 0\nv = np.where(m, 0.5, x)", POS),
])
def test_facts_proved(src: str, fact: str) -> None:
    assert fact in facts_of(src)["v"]


@pytest.mark.parametrize("src, fact", [
    ("v = np.exp(x)", FINITE),      # overflows: softplus guards it
    ("v = x / y", FINITE),
    ("v = np.log(x)", FINITE),
    ("v = x - y", POS),
    ("v = x ** -1", FINITE),
    ("v = np.sqrt(x)", FINITE),    # x may be negative
    ("v = g * x", FINITE),           # g is a global: nothing known
    ("v = np.arctan(x)", POS),       # x may be negative
    ("v = np.maximum(np.cos(x), y)", UNIT),  # y may be large
    ("for i in range(3):\n    v = x * i", POS),  # i may be 0
    ("v = np.zeros(3)\nv[1] = x / y", FINITE),  # an element written may be inf
    ("v = np.ones(3)\nv[0] -= x * x", POS),
    ("r = np.zeros(3)\nv = setitem(r, 1, np.exp(x))", FINITE),
    ("for i in g:\n    v = x * i", FINITE),  # a counter over anything: not known
    ("for i in range(3):\n    v = x * i\ni = 1.0 / y\nw = i", FINITE),
    ("m = x >= 0\nv = np.where(m, x, 1.0)", POS),  # x may be 0
    ("m = y > 0\nv = np.where(m, x, 1.0)", POS),  # another value's sign
    ("m = x > 0\nv = np.where(m, 1.0, x)", POS),  # x where it is not positive
])
def test_facts_not_claimed(src: str, fact: str) -> None:
    assert fact not in facts_of(src).get("v", frozenset())


def test_loop_carried_value_keeps_only_what_every_definition_gives() -> None:
    facts = facts_of("v = 1.0\nfor i in range(3):\n    v = v / y\n")
    assert FINITE not in facts["v"]
    facts = facts_of("v = 1.0\nfor i in range(3):\n    v = v * np.cos(y)\n")
    assert FINITE in facts["v"] and UNIT in facts["v"]


def softplus(x):
    return np.sum(np.where(x > 30.0, x, np.log1p(np.exp(x))))


def guarded_sqrt(x):
    return np.sum(np.where(x > 0, np.sqrt(np.abs(x)), 0.0))


def guarded_quotient(x, y):
    return np.sum(np.where(y != 0, x / np.where(y != 0, y, 1.0) + x / y, 0.0))


def smooth(x):
    a = np.sin(x) + 0.5 * x
    b = np.exp(-0.5 * a * a) + np.log1p(x * x)
    return np.mean(np.sqrt(1.0 + a * a + b * b) / (2.0 + np.cos(b)))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_guards_stay_where_overflow_and_poles_are_possible() -> None:
    x = np.array([-2.0, 0.5, 1000.0])
    g = s2sad.grad(softplus)(x)
    np.testing.assert_allclose(g, [1 / (1 + np.exp(2.0)), 1 / (1 + np.exp(-0.5)), 1.0])
    g = s2sad.grad(guarded_sqrt)(np.array([0.0, 4.0]))
    np.testing.assert_allclose(g, [0.0, 0.25])
    g = s2sad.grad(guarded_quotient, wrt=(0, 1))(np.array([1.0, 2.0]), np.array([0.0, 4.0]))
    np.testing.assert_allclose(g[0], [0.0, 0.5])
    np.testing.assert_allclose(g[1], [0.0, -2 * 2.0 / 16])


def test_proved_values_lose_their_guards_and_keep_their_gradient(rng) -> None:
    g = s2sad.grad(smooth)
    x = rng.standard_normal(7)
    check_grad(smooth, x)
    g(x)
    assert "safe_" not in g.source


def trig_chain(x, y):
    return np.sin(x) * np.cos(y) + np.cos(x * y)


def test_partials_of_numbers_use_math_in_the_reverse_sweep_only() -> None:
    g = s2sad.grad(trig_chain, wrt=(0, 1))
    check_grad(trig_chain, 0.3, -1.2, wrt=(0, 1))
    g(0.3, -1.2)
    forward, reverse = g.source.split("# adjoint", 1)
    assert "math." not in forward and "math.sin" in reverse
    value, _ = s2sad.value_and_grad(trig_chain)(0.3, -1.2)
    assert value == trig_chain(0.3, -1.2)  # the value is computed as the user wrote it


def unused_root_of_number(x):
    return np.sqrt(x) * 0.0 + x


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_a_pole_of_a_number_still_gives_inf_or_zero() -> None:
    assert s2sad.grad(unused_root_of_number)(0.0) == 1.0   # zero adjoint at the pole: 0
    assert math.isclose(s2sad.grad(unused_root_of_number)(4.0), 1.0)


def _sinh_ratio(x):
    return np.sum(x / np.cosh(x))


def test_a_fact_declared_for_a_function_drops_its_guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """What adding a primitive's fact takes: one ``deffacts`` line beside its rules."""
    from s2sad.rules import facts
    x = np.array([0.3, -1.2, 2.0])
    plain = s2sad.grad(_sinh_ratio)
    np.testing.assert_allclose(plain(x), (np.cosh(x) - x * np.sinh(x)) / np.cosh(x) ** 2)
    assert "safe_div(" in guarded_source(_sinh_ratio, x)
    monkeypatch.setitem(facts._RESULTS, np.cosh, ((lambda args: {"finite", "pos"}), False))
    declared = s2sad.grad(_sinh_ratio)  # a new transform sees the new fact
    declared._variants.clear()
    from s2sad import api
    api._CACHE.clear()
    np.testing.assert_allclose(declared(x), plain(x))
    assert "safe_div(" not in guarded_source(_sinh_ratio, x)


def smoothed_ratio(x, y):
    r = np.ones_like(x)
    for i in range(1, x.shape[0]):
        r[i] = r[i - 1] * 0.5 + x[i] / y[i]  # y[i] may be 0: not known finite
    return np.sum(r ** 2)


@pytest.mark.parametrize("n", [2, 5])
def test_elements_written_in_a_loop_keep_their_facts(rng, n) -> None:
    from gradcheck import check_jvp
    x, y = rng.standard_normal(n), rng.uniform(0.5, 2.0, n)
    check_jvp(in_place_writes, x)
    check_jvp(smoothed_ratio, x, y, wrt=(0, 1))
    assert "safe_mul" not in guarded_source(in_place_writes, x, forward=True)
    assert "safe_" in guarded_source(smoothed_ratio, x, y, wrt=(0, 1), forward=True)


def element_products(A, x):
    total = 0.0
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            total = total + np.sin(A[i, j]) * np.exp(x[j] * 0.1)
    return total


@pytest.mark.parametrize("shape", [(2, 3), (1, 4)])
def test_values_the_reverse_sweep_recomputes_from_numbers_use_math(rng, shape) -> None:
    """``np.sin(A[i, j])`` taken again in the reverse sweep (a factor of ``x``'s
    adjoint) is ``math.sin``; the value keeps the user's ``np.sin``; the inner loop's
    bound (``A.shape[1]``) is taken again, not kept on a tape."""
    A, x = rng.standard_normal(shape), rng.standard_normal(shape[1])
    check_grad(element_products, A, x, wrt=(0, 1))
    g = s2sad.grad(element_products, wrt=(0, 1))
    g(A, x)
    code = "\n".join(line.split("#")[0] for line in g.source.splitlines())
    assert "np.sin" not in code and "math.sin" in code and "stack" not in code
    vg = s2sad.value_and_grad(element_products, wrt=(0, 1))
    value, _ = vg(A, x)
    assert value == element_products(A, x)  # the value as the user's code computes it
    forward = vg.source.split("# adjoint", 1)[0]
    assert "np.sin" in "\n".join(line.split("#")[0] for line in forward.splitlines())
