"""The scipy.special and scipy.linalg rule tables (s2sad/rules/scipy_special.py,
scipy_linalg.py): coverage of their rows, conventions, compositions through the
pipeline, and the rules that need scipy by name in templates (registered here
with ``scipy_special`` / ``scipy_linalg`` put in the template namespace)."""
from __future__ import annotations

import ast
import warnings

import numpy as np
import pytest
import scipy.linalg as sla

sp = pytest.importorskip("scipy.special")
sl = pytest.importorskip("scipy.linalg")

import rows_scipy  # noqa: E402
import s2sad  # noqa: E402
import test_rules as tr  # noqa: E402
import test_rules_pipeline as tp  # noqa: E402
from gradcheck import check_grad, check_hessian  # noqa: E402
from rule_rows import ROWS, R, Row, collecting  # noqa: E402
from s2sad import runtime as rt  # noqa: E402
from s2sad.rules import registry, scipy_linalg, scipy_special  # noqa: E402
from s2sad.rules.registry import JVPS, TEMPLATE_NAMESPACE, VJPS  # noqa: E402

RULED, _ = tr.registered_by(scipy_special, scipy_linalg)
OURS = sorted(RULED, key=tr.label)


def test_the_tables_have_rules() -> None:
    assert len(OURS) >= 20


# the log-determinant read from cho_factor(a)'s factor is differentiated in a, whose value
# it reads only through the factor: no row can move a alone (tests/test_factor_reads.py
# checks it through cho_factor against central differences, both modes)
THROUGH_FACTOR = {rt.factor_log_det}


def test_every_rule_has_both_modes_and_a_row() -> None:
    assert [tr.label(k) for k in OURS if k not in VJPS or k not in JVPS] == []
    tested = {row.fn for row in ROWS} | THROUGH_FACTOR
    assert [tr.label(k) for k in OURS if k not in tested] == []
    # (cho_factor and lu_factor return a flag / int pivots: they go through the pipeline in
    # the compositions below)
    # (the runtime helpers' rows are checked by test_rules, not through the pipeline)
    helpers = {rt.factor_solve, rt.factor_log_det_adjoint} | THROUGH_FACTOR
    through = {row.fn for row, _ in tp.CASES} | {sl.cho_factor, sl.lu_factor} | helpers
    assert [tr.label(k) for k in OURS if k not in through] == []


def _template_texts(keys):
    for key in keys:
        for rule in (VJPS[key], JVPS[key]):
            for text in (*rule.templates, rule.vararg_template):
                if text not in (None, "linear"):
                    yield key, rule, text


def test_templates_call_only_differentiable_things() -> None:
    missing = {getattr(fn, "__name__", str(fn)) for _, _, text in _template_texts(OURS)
               for fn in tr.called(text)
               if fn not in VJPS and fn not in registry.NONDIFF and fn not in tr.LEAVES}
    assert sorted(missing) == []


def test_templates_name_only_known_things() -> None:
    for _, rule, text in _template_texts(OURS):
        params = set(rule.sig.params) | ({rule.sig.vararg} if rule.sig.vararg else set())
        allowed = tr.KNOWN | params | {"d" + p for p in params}
        names = {n.id for n in ast.walk(ast.parse(text, mode="eval"))
                 if isinstance(n, ast.Name)}
        assert names <= allowed, (text, names - allowed)


# ----- poles: an adjoint of 0 gives exactly 0, never 0 * inf = nan -----

POLES = [(sp.ndtri, (0.0,)), (sp.ndtri, (1.0,)), (sp.erfinv, (1.0,)), (sp.erfcinv, (0.0,)),
         (sp.entr, (0.0,)), (sp.xlogy, (1.0, 0.0)), (sp.xlog1py, (1.0, -1.0)),
         (sp.rel_entr, (0.0, 1.0))]


@pytest.mark.parametrize("fn, args", POLES, ids=lambda p: getattr(p, "__name__", ""))
def test_poles_are_nan_safe(fn, args) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for pos in range(len(args)):
            assert np.all(tr.vjp_of(fn, *args, g=0.0, pos=pos) == 0.0)
            assert np.all(tr.jvp_of(fn, *args, t=0.0, pos=pos) == 0.0)
        assert np.isinf(tr.vjp_of(fn, *args, g=1.0))


def test_xlogy_at_zero_has_no_gradient_in_y() -> None:
    assert tr.vjp_of(sp.xlogy, 0.0, 0.0, g=1.0, pos=1) == 0.0


# ----- compositions through the whole pipeline, to second order -----

def _check_pipeline(h, x, reverse_over_reverse: bool = True) -> None:
    """grad and jvp against differences, hessian (forward over reverse) against differences
    of grad; then vjp(grad) (reverse over reverse) against the hessian."""
    row = Row(h, (x,), {})
    rng = np.random.default_rng(3)
    v = tp.direction(row, x, rng)
    g = s2sad.grad(h)(x)
    tp.near(np.sum(np.asarray(g) * v), tp.along(h, x, v))
    _, t = s2sad.jvp(h)(x, v)
    tp.near(t, tp.along(h, x, v))
    hv = np.tensordot(np.asarray(s2sad.hessian(h)(x)), v, axes=np.ndim(x))
    tp.near(hv, tp.along(s2sad.grad(h), x, v), scale=np.abs(g).max(initial=0))
    if reverse_over_reverse:
        u = tp.direction(row, x, rng)
        _, hu = s2sad.vjp(s2sad.grad(h))(x, u)
        tp.near(np.sum(np.asarray(hu) * v), np.sum(hv * u), scale=np.abs(g).max(initial=0))


B3 = np.array([0.3, -1.2, 0.7])


def cho_in_a(a):
    c, low = sl.cho_factor(a)
    return np.sum(np.sin(sl.cho_solve((c, low), B3)))


def cho_lower_in_a(a):
    return np.sum(np.sin(sl.cho_solve(sl.cho_factor(a, lower=True), B3)))


def lu_factor_in_a(a):
    lu, piv = sl.lu_factor(a)
    return np.sum(np.sin(lu))


def triangular_in_a(a):
    return np.sum(np.sin(sl.solve_triangular(a, B3, trans=1, lower=True)))


def _fixed(kind: str) -> np.ndarray:
    """A fixed 3 x 3 matrix."""
    a = np.random.default_rng(11).standard_normal((3, 3))
    return a @ a.T + 3 * np.eye(3) if kind == "spd" else a + 3 * np.eye(3)


def _point(h):
    return _fixed("spd" if "cho" in h.__name__ else "well")


@pytest.mark.parametrize("h", [cho_in_a, cho_lower_in_a, lu_factor_in_a, triangular_in_a])
def test_factor_and_solve_through_the_pipeline(h) -> None:
    _check_pipeline(h, _point(h), reverse_over_reverse=h is triangular_in_a)


# (cho_solve of cho_factor(a) is differentiated in a itself, compiler/factor_reads.py:
# reverse over reverse of the lower factor, once open, agrees with the Hessian)
@pytest.mark.parametrize("h", [cho_in_a, cho_lower_in_a, lu_factor_in_a])
def test_factor_and_solve_reverse_over_reverse(h) -> None:
    _check_pipeline(h, _point(h))


def eigh_pair(a):
    w, v = sl.eigh(a, driver="evd")
    return np.sum(np.sin(w)) + np.sum(np.sin(v))


def test_eigh_pair_through_the_pipeline() -> None:
    _check_pipeline(eigh_pair, _fixed("spd"), reverse_over_reverse=False)


def test_eigh_pair_reverse_over_reverse() -> None:
    _check_pipeline(eigh_pair, _fixed("spd"))


# ----- rules with scipy by name in templates (pending a runtime name for scipy) -----

def _rows(make) -> list[Row]:
    out: list[Row] = []
    with collecting(out):  # (each row draws from its own stream, as in ROWS)
        make(R)
    return out


BY_NAME = _rows(rows_scipy.special_by_name_rows) + _rows(rows_scipy.linalg_by_name_rows)
BY_NAME_CASES = [(row, pos) for row in BY_NAME
                 for pos in (row.wrt if row.wrt is not None else
                             tuple(p for p, x in enumerate(row.args) if tr.floaty(x)))]


@pytest.fixture
def scipy_in_templates():
    added = [n for n in (scipy_special.SPECIAL, scipy_linalg.LINALG)
             if n not in TEMPLATE_NAMESPACE]
    TEMPLATE_NAMESPACE.setdefault(scipy_special.SPECIAL, sp)
    TEMPLATE_NAMESPACE.setdefault(scipy_linalg.LINALG, sl)
    assert scipy_special.register_special_by_name()
    assert scipy_linalg.register_linalg_by_name()
    yield
    for name in added:
        del TEMPLATE_NAMESPACE[name]  # (the rule tables are restored by conftest)


@pytest.mark.parametrize("row, pos", BY_NAME_CASES,
                         ids=[f"{r.label}[{p}]" for r, p in BY_NAME_CASES])
def test_by_name_rules_against_differences(scipy_in_templates, row, pos) -> None:
    tr.test_vjp(row, pos)
    tr.test_jvp(row, pos)


def _first_by_name_rows() -> list[tuple[Row, int]]:
    seen, out = set(), []
    for row, pos in BY_NAME_CASES:
        if row.fn not in seen and isinstance(row.args[pos], (float, np.ndarray)):
            seen.add(row.fn)
            out.append((row, pos))
    return out


FIRST = _first_by_name_rows()


@pytest.mark.parametrize("row, pos", FIRST, ids=[f"{r.label}[{p}]" for r, p in FIRST])
def test_by_name_rules_through_the_pipeline(scipy_in_templates, row, pos) -> None:
    tp.test_rule_through_the_pipeline(row, pos)


def test_by_name_rules_are_all_rowed(scipy_in_templates) -> None:
    ruled, _ = tr.registered_by(scipy_special, scipy_linalg)
    rowed = {row.fn for row in BY_NAME} | {row.fn for row in ROWS} | THROUGH_FACTOR
    assert [tr.label(k) for k in ruled if k not in rowed] == []
    missing = {getattr(fn, "__name__", str(fn)) for _, _, text in _template_texts(ruled)
               for fn in tr.called(text)
               if fn not in VJPS and fn not in registry.NONDIFF and fn not in tr.LEAVES}
    assert sorted(missing) == []


def lu_solve_in_a(a):
    return np.sum(np.sin(sl.lu_solve(sl.lu_factor(a), B3)))


def lu_solve_trans_in_a(a):
    return np.sum(np.sin(sl.lu_solve(sl.lu_factor(a), B3, trans=1)))


@pytest.mark.parametrize("h", [lu_solve_in_a, lu_solve_trans_in_a])
def test_lu_solve_after_lu_factor_through_the_pipeline(scipy_in_templates, h) -> None:
    _check_pipeline(h, _fixed("well"), reverse_over_reverse=False)


@pytest.mark.parametrize("h", [lu_solve_in_a, lu_solve_trans_in_a])
def test_lu_solve_after_lu_factor_reverse_over_reverse(scipy_in_templates, h) -> None:
    """(was open: the factors' adjoint, a pair a runtime helper returns, was added with
    ``+``, which joined two pairs; now a container's adjoint, added item by item)"""
    _check_pipeline(h, _fixed("well"))


def test_expm_of_a_scaled_matrix(scipy_in_templates) -> None:
    def h(t):
        return np.sum(sl.expm(t * np.array([[0.0, 1.0], [-1.0, 0.0]])))
    # expm(t J) is the rotation by t: the sum of its entries is 2 cos t
    assert np.isclose(s2sad.grad(h)(0.4), -2 * np.sin(0.4))


def lse_signed_value(x):
    return sp.logsumexp(x, b=np.array([1.0, -0.5, 2.0]), return_sign=True)[0]


def lse_signed_product(x):
    r, s = sp.logsumexp(x, b=np.array([1.0, -0.5, 2.0]), return_sign=True)
    return r * s + r ** 2


def lse_signed_axis(x):
    r, s = sp.logsumexp(np.outer(x, x), axis=1, b=-1.0, return_sign=True)
    return np.sum(r * s)


@pytest.mark.parametrize("h", [lse_signed_value, lse_signed_product, lse_signed_axis])
def test_logsumexp_return_sign(h) -> None:
    x = np.array([0.3, 0.9, -0.2])
    eps = 1e-6
    fd = np.array([(h(x + eps * e) - h(x - eps * e)) / (2 * eps) for e in np.eye(3)])
    np.testing.assert_allclose(s2sad.grad(h)(x), fd, rtol=1e-6, atol=1e-8)
    v = np.array([0.5, -1.0, 2.0])
    assert s2sad.jvp(h)(x, v)[1] == pytest.approx(fd @ v, rel=1e-6)


def lse_signed_weights(x):
    """b differentiated too; its sum changes sign between the two points below."""
    r, s = sp.logsumexp(x, b=x[::-1] - 0.5, return_sign=True)
    return r * s + r ** 2


@pytest.mark.parametrize("h", [lse_signed_value, lse_signed_product, lse_signed_axis,
                               lse_signed_weights])
@pytest.mark.parametrize("x", [np.array([0.3, 0.9, -0.2]), np.array([0.9, 0.3, 1.2])])
def test_logsumexp_return_sign_second_order(h, x) -> None:
    """The Hessian through the pair (log|s|, sign): the weights' rules took the pair for
    the value (refused: a reshape failed)."""
    check_grad(h, x)
    check_hessian(h, x)


# ----- sqrtm and logm: their principal branch is cut along the negative real axis -----

def _sqrtm_cubed(A):
    S = sla.sqrtm(0.5 * (A + A.T))
    return np.real(np.sum(S * S * S))


def _logm_squared(A):
    L = sla.logm(0.5 * (A + A.T))
    return np.real(np.sum(L * L))


@pytest.mark.parametrize("f", [_sqrtm_cubed, _logm_squared])
def test_principal_matrix_functions_at_second_order(f):
    rng = np.random.default_rng(4)
    B = rng.normal(size=(3, 3))
    A, D = B @ B.T + np.eye(3), rng.normal(size=(3, 3))
    g = s2sad.grad(f)
    fd = (g(A + 1e-6 * D) - g(A - 1e-6 * D)) / 2e-6
    _, rev = s2sad.vjp(g)(A, D)
    _, fwd = s2sad.jvp(g)(A, D)
    assert np.sum(rev * D) == pytest.approx(np.sum(fd * D), rel=1e-6)
    np.testing.assert_allclose(fwd, fd, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("f", [_sqrtm_cubed, _logm_squared])
def test_principal_matrix_functions_on_their_branch_cut_are_refused(f):
    A = np.diag([-2.0, 0.5, 1.0]) + 0.1  # a negative eigenvalue: on the cut
    assert np.min(np.linalg.eigvalsh(0.5 * (A + A.T))) < 0
    line = f.__code__.co_firstlineno + 1
    with pytest.raises(s2sad.DifferentiationError, match=rf"test_scipy_rules\.py:{line}: "
                       "a derivative of scipy.linalg"):
        s2sad.grad(f)(A)
