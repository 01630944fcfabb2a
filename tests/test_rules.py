"""Every rule template checked on its own, without the compiler.

For each row of :mod:`rule_rows` and each argument it differentiates, the
arguments are bound to the rule's signature (as the compiler binds them), the
template strings are evaluated in ``TEMPLATE_NAMESPACE`` with ``g``, ``ans``,
``acc=None``, ``d<param>`` (and ``i`` for a vararg) bound, and the result is
compared with central finite differences in float64 along a random direction
``v``: ``<vjp(g), v>`` against ``<g, (f(x + eps v) - f(x - eps v)) / 2 eps>``,
and the forward term against the difference quotient itself.  Linear rules
(``deflinear``) are checked in forward mode the way the compiler renders
them: the function applied to the tangent, zeros for its other linear
arguments.  Then: coverage of the tables, and the kink and NaN conventions.
"""
from __future__ import annotations

import ast
import builtins
import importlib
import math
import operator
import warnings
from typing import Any

import numpy as np
import pytest

import helper_rows  # noqa: F401  (adds the rows of the helpers' rules)
import rows_decompositions  # noqa: F401  (rows by domain, added to ROWS on import)
import rows_extra  # noqa: F401
import rows_fft  # noqa: F401
import rows_scipy  # noqa: F401
import rows_stats  # noqa: F401
from rule_rows import ROWS, Row, row_rng
from s2sad import runtime as rt
from s2sad.rules import (
    helpers,
    kinds,
    nondiff,
    numpy_arrays,
    numpy_linalg,
    numpy_ufuncs,
    operators,
    registry,
)
from s2sad.rules.registry import ATTRIBUTES, JVPS, METHODS, NONDIFF, TEMPLATE_NAMESPACE, VJPS

EPS = 1e-6

# ----- binding and evaluating templates -----


def bind(rule: registry.Rule, args: tuple, kwargs: dict) -> dict[str, Any]:
    sig = rule.sig
    env = dict(sig.defaults)
    env.update(zip(sig.params[:sig.npos], args[:sig.npos]))
    env.update(kwargs)
    if sig.vararg:
        env[sig.vararg] = tuple(args[sig.npos:])
    return env


def template_at(rule: registry.Rule, pos: int) -> tuple[str | None, str, dict]:
    """Template, parameter name and extra bindings for positional argument ``pos``."""
    sig = rule.sig
    if pos < sig.npos:
        text = rule.templates[pos] if pos < len(rule.templates) else None
        return text, sig.params[pos], {}
    return rule.vararg_template, sig.vararg, {"i": pos - sig.npos}


def evaluate(text: str, env: dict[str, Any]) -> Any:
    return eval(compile(text, "<template>", "eval"), {**TEMPLATE_NAMESPACE, **env})


# ----- structures: random values like x, flattening, inner products -----

def floaty(x: Any) -> bool:
    if isinstance(x, (list, tuple)):
        return len(x) > 0 and all(floaty(v) for v in x)
    if isinstance(x, bool):
        return False
    if isinstance(x, float):
        return True
    return isinstance(x, np.ndarray) and x.dtype.kind == "f"


def like(x: Any, r: np.random.Generator) -> Any:
    if isinstance(x, (list, tuple)):
        return [like(v, r) for v in x]
    if np.ndim(x) == 0:
        return float(r.standard_normal())
    return r.standard_normal(np.shape(x))


def flat(x: Any, ref: Any) -> np.ndarray:
    """``x`` (structured like ``ref``, ``None`` meaning zeros) as one float vector."""
    if x is None:
        return np.zeros(int(np.size(np.asarray(ref, dtype=float))))
    if isinstance(ref, (list, tuple)) and isinstance(x, (list, tuple)):
        assert len(x) == len(ref)
        return np.concatenate([flat(a, b) for a, b in zip(x, ref)] or [np.zeros(0)])
    return np.ravel(np.asarray(x, dtype=float))


def shaped_as(adj: Any, x: Any) -> bool:
    """An adjoint matches its argument: same shape, or per-element for a list."""
    if isinstance(x, (list, tuple)):
        if isinstance(adj, np.ndarray):
            return adj.shape == np.shape(x)
        return isinstance(adj, (list, tuple)) and len(adj) == len(x) and all(
            shaped_as(a, v) for a, v in zip(adj, x))
    return np.shape(adj) == np.shape(x)


def moved(x: Any, v: Any, t: float) -> Any:
    if isinstance(x, (list, tuple)):
        return type(x)(moved(a, b, t) for a, b in zip(x, v))
    out = x + t * v
    return float(out) if isinstance(x, float) else out


def call(row: Row, pos: int | None = None, value: Any = None) -> Any:
    args = list(row.args)
    if pos is not None:
        args[pos] = value
    with np.errstate(all="ignore"):
        return row.fn(*args, **row.kwargs)


def difference(row: Row, pos: int, v: Any) -> Any:
    x = row.args[pos]
    hi, lo = call(row, pos, moved(x, v, EPS)), call(row, pos, moved(x, v, -EPS))
    if isinstance(hi, (list, tuple)):
        return [(np.asarray(a, float) - np.asarray(b, float)) / (2 * EPS) for a, b in zip(hi, lo)]
    return (np.asarray(hi, float) - np.asarray(lo, float)) / (2 * EPS)


def close(a: float, b: float, scale: float) -> bool:
    return abs(a - b) <= 1e-5 * (abs(b) + scale) + 1e-8


def positions(row: Row, rule: registry.Rule) -> tuple[int, ...]:
    if row.wrt is not None:
        return row.wrt
    return tuple(p for p, x in enumerate(row.args)
                 if template_at(rule, p)[0] is not None and floaty(x))


CASES = [(row, pos) for row in ROWS for pos in positions(row, VJPS[row.fn])]


def rng_for(row: Row, pos: int) -> np.random.Generator:
    """The row's own stream (rule_rows.row_rng: from its seed, not its place in the table)."""
    return row_rng(row.seed, pos)


# ----- the table: reverse and forward templates against finite differences -----

@pytest.mark.parametrize("row, pos", CASES, ids=[f"{r.label}[{p}]" for r, p in CASES])
def test_vjp(row: Row, pos: int) -> None:
    r = rng_for(row, pos)
    rule = VJPS[row.fn]
    text, _, extra = template_at(rule, pos)
    ans = call(row)
    g = like(ans, r)
    if row.g_none:
        g[0] = None
    env = {**bind(rule, row.args, row.kwargs), "g": g, "ans": ans, "acc": None, **extra}
    adj = evaluate(text, env)
    x = row.args[pos]
    assert shaped_as(adj, x), (np.shape(adj), np.shape(x))
    v = row.direction(x, r) if row.direction else like(x, r)
    fd = difference(row, pos, v)
    lhs = flat(adj, x) @ flat(v, x)
    rhs = flat(g, ans) @ flat(fd, ans)
    assert close(lhs, rhs, np.linalg.norm(flat(g, ans)) * np.linalg.norm(flat(fd, ans))), \
        (lhs, rhs, text)


def tangent(row: Row, pos: int, v: Any, ans: Any) -> Any:
    rule = JVPS[row.fn]
    env = bind(rule, row.args, row.kwargs)
    if rule.linear:  # the function applied to the tangent, zeros for other linear args
        args = list(row.args)
        for p, x in enumerate(args):
            if p != pos and template_at(rule, p)[0] is not None:
                args[p] = rt.zeros_like(x)
        args[pos] = v
        return row.fn(*args, **row.kwargs)
    text, name, extra = template_at(rule, pos)
    return evaluate(text, {**env, "ans": ans, "d" + name: v, **extra})


@pytest.mark.parametrize("row, pos", CASES, ids=[f"{r.label}[{p}]" for r, p in CASES])
def test_jvp(row: Row, pos: int) -> None:
    r = rng_for(row, pos)
    x = row.args[pos]
    v = row.direction(x, r) if row.direction else like(x, r)
    ans = call(row)
    t = tangent(row, pos, v, ans)
    if not isinstance(ans, (list, tuple)):
        assert np.shape(t) == np.shape(ans), "a tangent has the output's shape"
    fd = difference(row, pos, v)
    a, b = flat(t, ans), flat(fd, ans)
    assert np.allclose(a, b, rtol=1e-5, atol=1e-6 * (1 + np.abs(b).max(initial=0))), (a, b)


# ----- coverage of the tables -----

class _Recorder(dict):
    """Stands in for a rule table while the rule modules are re-run: keeps the keys."""

    def __init__(self, keys: set) -> None:
        super().__init__()
        self.keys_seen = keys

    def __setitem__(self, key: Any, value: Any) -> None:
        self.keys_seen.add(key)

    def update(self, items: Any) -> None:  # NONDIFF.update(...)
        self.keys_seen.update(items)


def registered_by(*modules: Any) -> tuple[set, set]:
    """(keys given rules, keys declared non-differentiable) by re-running ``modules``
    against recording tables; the real tables are left as they were."""
    ruled: set = set()
    declared: set = set()
    saved = registry.VJPS, registry.JVPS, registry.NONDIFF
    registry.VJPS, registry.JVPS, registry.NONDIFF = (
        _Recorder(ruled), _Recorder(ruled), _Recorder(declared))
    try:
        importlib.reload(kinds)
        for module in modules:
            importlib.reload(module)
    finally:
        registry.VJPS, registry.JVPS, registry.NONDIFF = saved
        importlib.reload(kinds)
    return ruled, declared


def label(fn: Any) -> str:
    return f"{getattr(fn, '__module__', None) or ''}.{getattr(fn, '__name__', repr(fn))}"


# The tables of this suite (structures.py and user rules are checked elsewhere).
RULED, DECLARED_NONDIFF = registered_by(operators, numpy_ufuncs, numpy_arrays, numpy_linalg,
                                        nondiff, helpers)
OURS = sorted(RULED, key=label)


def test_every_rule_has_both_modes() -> None:
    assert [k for k in OURS if k not in VJPS] == []
    assert [k for k in OURS if k not in JVPS] == []
    assert [k for k in OURS if k in NONDIFF or k in DECLARED_NONDIFF] == []


def test_every_rule_has_a_row() -> None:
    tested = {row.fn for row in ROWS}
    assert [label(k) for k in OURS if k not in tested] == []


def test_every_rule_has_a_differentiated_case() -> None:
    tested = {row.fn for row, _ in CASES}
    assert [label(k) for k in OURS if k not in tested] == []


def test_methods_and_attributes_are_registered() -> None:
    for table in (METHODS, ATTRIBUTES):
        for name, fn in table.items():
            assert fn in VJPS or fn in NONDIFF, name


# Helpers with no rule of their own: a derivative through them is one order too many.
LEAVES = {rt.sinc_deriv2, rt.prod_others_apply, rt.cumprod_second, rt.norm_curvature,
          rt.std_share_along,
          rt.einsum_operands_adjoint, rt.einsum_operands_tangent, rt.einsum_adjoint_tangent,
          rt.cholesky_adjoint, rt.cholesky_tangent, rt.matrix_power_adjoint,
          rt.matrix_power_tangent, rt.multi_dot_second, rt.multi_dot_tangent2,
          rt.cho_solve_factor_adjoint, rt.bessel_i1_deriv}


def called(text: str) -> list[Any]:
    """The functions a template calls, resolved as the compiler resolves them."""
    out = []
    for node in ast.walk(ast.parse(text, mode="eval")):
        if isinstance(node, ast.Call):
            try:
                out.append(eval(compile(ast.Expression(node.func), "<t>", "eval"),
                                {**vars(builtins), **TEMPLATE_NAMESPACE}))
            except NameError:  # a parameter called as a function: not in rule tables
                pass
    return out


def test_templates_call_only_differentiable_things() -> None:
    """Closure: whatever a template calls has rules too (or is a documented leaf), so
    the generated derivative can be differentiated again."""
    missing = set()
    for table in (VJPS, JVPS):
        for rule in (table[k] for k in OURS):
            for text in (*rule.templates, rule.vararg_template):
                if text in (None, "linear"):
                    continue
                for fn in called(text):
                    if fn not in VJPS and fn not in NONDIFF and fn not in LEAVES:
                        missing.add(getattr(fn, "__name__", str(fn)))
    assert sorted(missing) == []


KNOWN = set(TEMPLATE_NAMESPACE) | set(dir(builtins)) | {"g", "ans", "acc", "i"}


@pytest.mark.parametrize("key", OURS, ids=label)
def test_templates_name_only_known_things(key: Any) -> None:
    for rule in (VJPS[key], JVPS[key]):
        params = set(rule.sig.params) | ({rule.sig.vararg} if rule.sig.vararg else set())
        allowed = KNOWN | params | {"d" + p for p in params}
        for text in (*rule.templates, rule.vararg_template):
            if text in (None, "linear"):
                continue
            names = {n.id for n in ast.walk(ast.parse(text, mode="eval"))
                     if isinstance(n, ast.Name)}
            assert names <= allowed, (text, names - allowed)


# ----- kink conventions -----

def vjp_of(fn: Any, *args: Any, g: Any = 1.0, pos: int = 0, **kwargs: Any) -> Any:
    rule = VJPS[fn]
    with np.errstate(all="ignore"):
        ans = fn(*args, **kwargs)
    text, _, extra = template_at(rule, pos)
    return evaluate(text, {**bind(rule, args, kwargs), "g": g, "ans": ans, "acc": None, **extra})


def jvp_of(fn: Any, *args: Any, t: Any = 1.0, pos: int = 0, **kwargs: Any) -> Any:
    rule = JVPS[fn]
    text, name, extra = template_at(rule, pos)
    with np.errstate(all="ignore"):
        ans = fn(*args, **kwargs)
    return evaluate(text, {**bind(rule, args, kwargs), "ans": ans,
                           "d" + name: t, **extra})


def test_abs_at_zero_is_zero() -> None:
    for fn in (abs, operator.abs, np.abs, np.fabs, math.fabs):
        assert vjp_of(fn, 0.0) == 0.0 and jvp_of(fn, 0.0) == 0.0


def test_ties_split_equally() -> None:
    for fn in (np.maximum, np.minimum, np.fmax, np.fmin, max, min):
        assert vjp_of(fn, 2.0, 2.0) == 0.5 and vjp_of(fn, 2.0, 2.0, pos=1) == 0.5
    relu = vjp_of(np.maximum, np.array([-1.0, 0.0, 1.0]), 0.0, g=np.ones(3))
    assert relu.tolist() == [0.0, 0.5, 1.0]
    x = np.array([1.0, 3.0, 3.0, -2.0])
    assert vjp_of(np.max, x).tolist() == [0.0, 0.5, 0.5, 0.0]
    assert vjp_of(np.min, -x).tolist() == [0.0, 0.5, 0.5, 0.0]
    assert jvp_of(np.max, x, t=np.array([0.0, 1.0, 3.0, 5.0])) == 2.0
    assert vjp_of(np.linalg.norm, x, ord=np.inf).tolist() == [0.0, 0.5, 0.5, 0.0]


def test_fmax_prefers_the_number_over_nan() -> None:
    assert vjp_of(np.fmax, 1.0, np.nan) == 1.0 and vjp_of(np.fmax, 1.0, np.nan, pos=1) == 0.0


def test_clip_is_inclusive() -> None:
    x = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    assert vjp_of(np.clip, x, -1.0, 1.0, g=np.ones(5)).tolist() == [0, 1, 1, 1, 0]
    assert vjp_of(np.clip, x, -1.0, 1.0, g=np.ones(5), pos=1) == 1.0
    assert vjp_of(rt.clip_method, x, -1.0, 1.0, g=np.ones(5)).tolist() == [0, 1, 1, 1, 0]


def test_where_gives_the_branch_not_taken_zero() -> None:
    x = np.array([0.0, 4.0])
    g_sqrt = vjp_of(np.where, x > 0, np.sqrt(x), 0.0, g=np.ones(2), pos=1)
    assert g_sqrt.tolist() == [0.0, 1.0]
    assert vjp_of(np.sqrt, x, g=g_sqrt).tolist() == [0.0, 0.25]


def test_norm_like_functions_are_zero_at_the_origin() -> None:
    z = np.zeros(3)
    for kw in ({}, {"ord": 2}, {"ord": 3}):
        assert vjp_of(np.linalg.norm, z, **kw).tolist() == [0.0] * 3
        assert jvp_of(np.linalg.norm, z, t=np.ones(3), **kw) == 0.0
    assert vjp_of(np.linalg.norm, np.zeros((2, 2)), ord="fro").tolist() == [[0, 0], [0, 0]]
    assert vjp_of(np.hypot, 0.0, 0.0) == 0.0 and vjp_of(math.hypot, 0.0, 0.0) == 0.0
    assert vjp_of(np.arctan2, 0.0, 0.0) == 0.0 and vjp_of(math.atan2, 0.0, 0.0) == 0.0
    assert vjp_of(np.std, np.ones(4), g=1.0).tolist() == [0.0] * 4


# ----- NaN safety at poles: g == 0 gives exactly 0, g != 0 gives inf -----

POLES = [(np.sqrt, (0.0,)), (np.cbrt, (0.0,)), (np.log, (0.0,)), (np.log2, (0.0,)),
         (np.log10, (0.0,)), (np.log1p, (-1.0,)), (np.reciprocal, (0.0,)),
         (np.power, (0.0, 0.5)), (np.power, (0.0, -1.0)), (np.float_power, (0.0, 0.5)),
         (operator.pow, (0.0, 0.5)), (pow, (0.0, 0.5)), (np.arcsin, (1.0,)),
         (np.arccos, (-1.0,)), (np.arctanh, (1.0,)), (np.arccosh, (1.0,)),
         (math.sqrt, (0.0,)), (math.asin, (1.0,)), (math.acos, (1.0,)), (math.acosh, (1.0,)),
         (math.pow, (0.0, 0.5))]


@pytest.mark.parametrize("fn, args", POLES, ids=lambda p: getattr(p, "__name__", ""))
def test_poles_are_nan_safe(fn: Any, args: tuple) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="ignore"):
            ans = fn(*args)
        for g in (0.0, np.zeros(3)):
            assert np.all(vjp_of(fn, *args, g=g) == 0.0)  # never 0 * inf = nan
            assert np.all(jvp_of(fn, *args, t=g) == 0.0)
        if fn not in (np.power, np.float_power, operator.pow, pow, math.pow) or args[1] < 1:
            assert np.all(np.isinf(vjp_of(fn, *args, g=np.array([1.0, 2.0])))), ans


def test_mixed_zero_and_nonzero_adjoints() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = vjp_of(np.sqrt, np.array([0.0, 0.0, 4.0]), g=np.array([0.0, 1.0, 1.0]))
    assert r[0] == 0.0 and np.isinf(r[1]) and r[2] == 0.25


def test_power_with_zero_exponent_has_zero_slope_at_zero() -> None:
    assert vjp_of(np.power, 0.0, 0.0) == 0.0
    assert vjp_of(operator.pow, 0.0, 0, g=1.0) == 0.0


def test_math_rules_stay_python_scalars_and_never_raise() -> None:
    for fn, x in [(math.sqrt, 0.0), (math.log, 1e-300), (math.asin, 1.0), (math.atanh, 0.5)]:
        r = vjp_of(fn, x, g=0.0)
        assert isinstance(r, float) and r == 0.0


# ----- list inputs and outputs -----

def test_list_arguments_get_list_adjoints() -> None:
    a, b = np.ones((2, 3)), np.zeros((1, 3))
    adj = vjp_of(np.concatenate, [a, b], g=np.arange(9.0).reshape(3, 3))
    assert isinstance(adj, list) and [p.shape for p in adj] == [(2, 3), (1, 3)]
    adj = vjp_of(np.array, [1.0, 2.0], g=np.array([3.0, 4.0]))
    assert adj == [3.0, 4.0] and all(type(v) is float for v in adj)
    adj = vjp_of(np.stack, (a, a), g=np.ones((2, 2, 3)))
    assert isinstance(adj, tuple) and len(adj) == 2


def test_list_outputs_accept_none_adjoints() -> None:
    x = np.arange(6.0)
    assert vjp_of(np.split, x, 3, g=[None, np.ones(2), None]).tolist() == [0, 0, 1, 1, 0, 0]
    assert vjp_of(np.linalg.slogdet, np.eye(2), g=(None, None)).tolist() == [[0, 0], [0, 0]]
    assert vjp_of(np.linalg.slogdet, np.eye(2), g=None).shape == (2, 2)
