"""Facts the late passes work out only where a rewrite asks, and share while the body is
unchanged (a transform-time change: the generated code is the same, byte for byte,
over benchmarks/transform_time.py's cases): ``contract``'s inexact names, the dtypes
``batch``, ``tape_rows`` and ``chains`` test candidates by (``pass_shapes.LazyKinds``),
the liveness ``invariants``' loop rewrites share.  Each is checked for being worked out
only when asked, and for giving what working it out up front gave."""
from __future__ import annotations

import ast

import gast
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad
from s2sad.compiler import contractions, dims, invariants, pass_shapes
from s2sad.compiler.names import Namer
from s2sad.compiler.pass_manager import Facts


def _text(body: list) -> str:
    return "\n".join(ast.unparse(gast.gast_to_ast(s)) for s in body)


def _counted(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list:
    """Calls of ``module.name`` from here on, one entry each."""
    calls: list = []
    original = getattr(module, name)

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(args)
        return original(*args, **kwargs)
    monkeypatch.setattr(module, name, counted)
    return calls


@pytest.mark.parametrize("src, contracted", [
    ("s = np.sum(x)", False),  # (a sum of no product: no dtypes needed)
    ("s = np.sum(a * b)", True),  # (of two float64 vectors: a @ b)
    ("s = np.sum(j * k)", False),  # (no operand known float64: @ might keep an int type)
])
def test_contract_works_inexact_names_out_only_for_a_term(monkeypatch, src, contracted):
    calls = _counted(monkeypatch, contractions, "inexact_names")
    body = gast.parse(src).body
    facts = dims.Facts.over({"x": (3,), "a": (3,), "b": (3,), "j": (3,), "k": (3,)}, {"np": np})
    changed = contractions.contract(body, facts, {"np": np}, frozenset({"a", "b", "x"}))
    assert changed == contracted
    assert ("@" in _text(body)) == contracted
    assert len(calls) == (0 if src == "s = np.sum(x)" else 1)


def test_lazy_kinds_are_the_kinds_worked_out_once_at_the_first_look(monkeypatch):
    calls = _counted(monkeypatch, pass_shapes, "value_kinds")
    body = gast.parse("y = x * 2.0\nn = 3").body
    facts = Facts({"np": np}, Namer(set()), {"x"}, floats=frozenset({"x"}))
    kinds = pass_shapes.LazyKinds(body, facts)
    assert calls == []
    assert kinds.get("y") == kinds["x"] and kinds() is kinds()
    assert len(calls) == 1
    assert dict(kinds) == pass_shapes.value_kinds(body, facts)


@pytest.mark.parametrize("src, kept", [
    ("for i in range(n):\n    c = a / b\n    y = y + c\n", True),  # (could raise: stays)
    ("for i in range(n):\n    c = -a\n    y = y + c\nr = c\n", True),  # (live after)
    ("for i in range(n):\n    c = np.sqrt(a) * 2.0\n    y = y + c\n", False),  # (moved)
])
def test_invariants_leave_the_liveness_only_of_a_body_they_did_not_change(src, kept):
    body = gast.parse(src).body
    after: dict = {}
    invariants.move_invariants(body, {"np": np}, after)
    assert bool(after) == kept
    assert _text(body).startswith("for") == kept


def piecewise_walk(x, a, Z):
    """A loop with an invariant factor (moved) and a branch on the data."""
    for t in range(Z.shape[0]):
        step = np.sqrt(a) * Z[t]
        if np.sum(x) > 0.0:
            x = x * np.exp(0.1 * step)
        else:
            x = x - 0.2 * step * x
    return np.sum(x * x)


def column_mix(W, v):
    """A loop summing a number times a column (column_sums) with no invariant."""
    acc = np.zeros(W.shape[0])
    for j in range(W.shape[1]):
        acc = acc + v[j] * W[:, j]
    return np.sum(np.tanh(acc))


@pytest.mark.parametrize("sign", [1.0, -1.0])  # (each branch taken)
def test_loop_gradients_with_shared_liveness(sign):
    rng = np.random.default_rng(48)
    x = sign * (np.abs(rng.standard_normal(4)) + 0.5)
    check_grad(piecewise_walk, x, 0.7, 0.3 * rng.standard_normal((5, 4)), wrt=(0, 1))
    check_grad(column_mix, rng.standard_normal((3, 4)), sign * rng.standard_normal(4),
               wrt=(0, 1))


def test_an_empty_loop_keeps_its_values():
    x = np.array([1.0, -2.0, 3.0])
    assert np.allclose(s2sad.grad(piecewise_walk)(x, 0.7, np.zeros((0, 3))), 2 * x)
