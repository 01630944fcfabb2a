"""Rule rows (see rule_rows.py) for scipy.special and scipy.linalg.

Rows of rules that are registered only when templates can name scipy functions
(``scipy_special`` / ``scipy_linalg`` in the template namespace) are made by
``special_by_name_rows`` / ``linalg_by_name_rows``, which take the row maker:
``R`` here when those rules exist, a local list in test_scipy_rules otherwise.
"""
from __future__ import annotations

import numpy as np

from rule_rows import G, H, N, P, R, U, binary, later, spd, symmetric, unary, well
from s2sad import runtime as rt
from s2sad.rules.registry import VJPS

try:
    import scipy.linalg as sl
    import scipy.special as sp
except ImportError:
    sp = sl = None


def factor_direction(x, r):
    """Noise on the factor of a ``(factor, lower)`` / ``(lu, piv)`` argument, none on the
    flag or pivots (a flag moved off False would read as True)."""
    if isinstance(x, tuple):
        return [r.standard_normal(np.shape(x[0])), np.zeros(np.shape(x[1]))]
    return r.standard_normal(np.shape(x))


FD = factor_direction


def special_by_name_rows(R) -> None:  # (the row maker)
    for _f, _m in [(sp.i0, N), (sp.i1, N), (sp.i0e, N), (sp.i1e, N), (sp.j0, N), (sp.j1, N),
                   (sp.y0, P), (sp.y1, P), (sp.k0, P), (sp.k1, P), (sp.k0e, P), (sp.k1e, P)]:
        R(_f, _m(3, 4)); R(_f, _m())  # noqa: E702
    R(sp.i0e, np.array([0.0, 0.5, -0.5]))
    if hasattr(sp, "softplus"):
        R(sp.softplus, N(3, 4)); R(sp.softplus, N())  # noqa: E702
    for _f in (sp.iv, sp.ive, sp.jv, sp.yv, sp.kv, sp.kve):
        R(_f, 1.5, P(3, 4), wrt=(1,)); R(_f, np.array([0.0, 1.0, 2.5]), P(4, 3), wrt=(1,))  # noqa
        R(_f, 0.5, P(), wrt=(1,))
    R(sp.ive, 1.0, N(3, 4), wrt=(1,))
    R(sp.yn, 2, P(3, 4), wrt=(1,)); R(sp.yn, np.array([0, 1, 3]), P(4, 3), wrt=(1,))  # noqa
    R(sp.expn, 2, P(3, 4), wrt=(1,)); R(sp.expn, np.array([0, 1, 3]), P(4, 3), wrt=(1,))  # noqa
    R(sp.zeta, 3.0, P(3, 4), wrt=(1,)); R(sp.zeta, np.array([2.0, 3.5]), P(3, 2), wrt=(1,))  # noqa
    for _f in (sp.gammainc, sp.gammaincc):
        R(_f, P(3, 4), P(3, 4), wrt=(1,)); R(_f, 1.0, P(3), wrt=(1,))  # noqa: E702
        R(_f, P(4), 2 * P(3, 4), wrt=(1,))
    R(sp.betainc, P(3, 4) + 0.5, P(3, 4) + 0.5, H(3, 4), wrt=(2,))
    R(sp.betainc, 2.0, 3.0, H(4), wrt=(2,))
    R(sp.stdtr, P(3, 4) * 3, N(3, 4), wrt=(1,)); R(sp.stdtr, 2.5, N(4), wrt=(1,))  # noqa
    for _f in (sp.gammaincinv, sp.gammainccinv):  # probabilities away from 0 and 1
        R(_f, P(3, 4), 0.1 + 0.8 * H(3, 4), wrt=(1,)); R(_f, 2.0, 0.1 + 0.8 * H(4), wrt=(1,))  # noqa
    R(sp.betaincinv, P(3, 4) + 0.5, P(3, 4) + 0.5, 0.1 + 0.8 * H(3, 4), wrt=(2,))
    R(sp.stdtrit, P(3, 4) * 3, 0.1 + 0.8 * H(3, 4), wrt=(1,))
    for _f in (sp.ellipk, sp.ellipe):
        R(_f, H(3, 4)); R(_f, H())  # noqa: E702
    for _f, _m in ((sp.sindg, N), (sp.cosdg, N)):
        R(_f, 60 * _m(3, 4)); R(_f, 60 * _m())  # noqa: E702
    R(sp.hyp1f1, 1.5, 2.5, N(3, 4), wrt=(2,)); R(sp.hyp1f1, P(4), 2.0, N(3, 4), wrt=(2,))  # noqa
    R(sp.hyp2f1, 1.0, 2.0, 3.5, 0.9 * U(3, 4), wrt=(3,))
    R(sp.hyp2f1, P(4), 0.5, 2.0, 0.9 * U(3, 4), wrt=(3,))
    R(sp.owens_t, N(3, 4), N(3, 4)); R(sp.owens_t, N(4), 2 * P(3, 4))  # noqa: E702
    R(sp.chdtr, 3.0, P(3, 4), wrt=(1,)); R(sp.chdtrc, P(4) + 1, P(3, 4), wrt=(1,))  # noqa
    R(sp.pdtr, 2, P(3, 4), wrt=(1,)); R(sp.pdtrc, np.array([0, 1, 3]), P(4, 3), wrt=(1,))  # noqa
    for _f in (sp.eval_hermite, sp.eval_hermitenorm, sp.eval_chebyt, sp.eval_chebyu,
               sp.eval_laguerre, sp.eval_legendre):
        R(_f, 3, 0.9 * U(3, 4), wrt=(1,)); R(_f, np.array([0, 1, 4]), 0.9 * U(4, 3), wrt=(1,))  # noqa
    R(sp.eval_genlaguerre, 3, 0.5, P(3, 4), wrt=(2,))
    R(sp.eval_gegenbauer, 3, 0.7, 0.9 * U(3, 4), wrt=(2,))
    R(sp.eval_jacobi, 3, 0.5, 1.5, 0.9 * U(3, 4), wrt=(3,))


def linalg_by_name_rows(R) -> None:  # (the row maker)
    for _f in (sl.expm, sl.sqrtm, sl.logm):
        _m = spd(3) / 6 if _f is not sl.expm else N(3, 3)
        R(_f, _m); R(_f, well(4) / 4)  # noqa: E702
    R(sl.expm, N(2, 3, 3))
    _a = well(3)
    R(sl.lu_solve, later(sl.lu_factor)(_a), N(3), wrt=(0, 1), direction=FD)
    R(sl.lu_solve, later(sl.lu_factor)(well(4)), N(4, 2), wrt=(0, 1), direction=FD)
    for _t in (1, 2):
        R(sl.lu_solve, later(sl.lu_factor)(well(3)), N(3, 2), trans=_t, wrt=(0, 1), direction=FD)


if sp is not None:
    # ----- scipy.special -----
    for _f, _m in [(sp.ndtri, H), (sp.log_ndtr, N), (sp.erfinv, U), (sp.gamma, P),
                   (sp.entr, P), (sp.rgamma, P)]:
        unary(_f, _m)
    R(sp.log_ndtr, np.array([-30.0, -3.0, 0.0, 5.0]))
    R(sp.erfcinv, 2 * H(3, 4)); R(sp.erfcinv, 1.5)  # noqa: E702
    R(sp.gamma, np.array([-0.5, -1.5, 3.5]))
    R(sp.erfi, N(3, 4)); R(sp.erfi, N()); R(sp.tandg, 80 * U(3, 4))  # noqa: E702
    R(sp.cotdg, 10 + 160 * H(3, 4)); R(sp.exprel, N(3, 4)); R(sp.exprel, 0.0)  # noqa: E702
    R(sp.exprel, np.array([0.0, 1e-3, -2.0]))
    R(sp.polygamma, 1, P(3, 4), wrt=(1,)); R(sp.polygamma, 0, P(), wrt=(1,))  # noqa: E702
    R(sp.polygamma, np.array([0, 1, 2]), P(4, 3), wrt=(1,))
    R(sp.multigammaln, G(3, 4) + 1, 3, wrt=(0,)); R(sp.multigammaln, 2.5, 2, wrt=(0,))  # noqa
    R(sp.multigammaln, P(3), 1, wrt=(0,))
    for _f, _mx, _my in [(sp.beta, P, P), (sp.betaln, P, P), (sp.xlogy, N, P),
                         (sp.xlog1py, N, P), (sp.rel_entr, P, P), (sp.kl_div, P, P)]:
        binary(_f, _mx, _my)
    R(sp.xlogy, np.array([0.0, 1.5]), P(2))
    for _f, _m in [(sp.expm1, N), (sp.log1p, P), (sp.cbrt, P), (sp.loggamma, P), (sp.erfcx, N),
                   (sp.dawsn, N), (sp.exp1, P), (sp.expi, P), (sp.wrightomega, N), (sp.spence, P)]:
        unary(_f, _m)
    R(sp.spence, np.array([0.5, 1.0, 2.0]))  # (the slope -1 at 1)
    for _f in (sp.binom, sp.poch):
        binary(_f, G, P)
    for _f in (sp.huber, sp.pseudo_huber):
        R(_f, P(3, 4), N(3, 4), wrt=(1,)); R(_f, 0.5, N(4), wrt=(1,))  # noqa: E702
    R(sp.boxcox, P(3, 4), N(3, 4), wrt=(0,)); R(sp.boxcox, P(4), 0.5, wrt=(0,))  # noqa: E702
    R(sp.boxcox, P(1, 4), N(3, 1), wrt=(0,))
    R(sp.boxcox1p, N(3, 4) / 4, N(3, 4), wrt=(0,)); R(sp.boxcox1p, P(4), 0.0, wrt=(0,))  # noqa
    R(sp.inv_boxcox, P(3, 4), P(3, 4), wrt=(0,)); R(sp.inv_boxcox, P(4), 0.0, wrt=(0,))  # noqa
    R(sp.inv_boxcox1p, P(3, 4), P(3, 4), wrt=(0,)); R(sp.inv_boxcox1p, P(4), 0.3, wrt=(0,))  # noqa
    unary(sp.cosm1, N)
    if sp.i0 in VJPS:
        special_by_name_rows(R)

if sl is not None:
    # ----- scipy.linalg -----
    R(sl.inv, well(3)); R(sl.inv, spd(3), assume_a="pos"); R(sl.inv, spd(3), assume_a="sym", lower=True)  # noqa
    R(sl.inv, well(3), assume_a="upper triangular"); R(sl.inv, well(2, 3))  # noqa: E702
    R(sl.det, well(3)); R(sl.det, well(2, 3))  # noqa: E702
    R(sl.solve, well(3), N(3)); R(sl.solve, well(3), N(3, 2))  # noqa: E702
    R(sl.solve, spd(3), N(3, 2), assume_a="pos"); R(sl.solve, spd(3), N(3), assume_a="her", lower=True)  # noqa
    R(sl.solve, well(3), N(3), transposed=True)
    R(sl.solve, well(3), N(3, 2), assume_a="lower triangular")
    R(sl.solve, well(3), N(3), assume_a="diagonal"); R(sl.solve, well(4), N(4), assume_a="tridiagonal")  # noqa
    R(sl.solve, well(2, 3), N(2, 3, 2))
    for _kw in ({}, {"lower": True}, {"trans": 1}, {"trans": "T", "lower": True},
                {"unit_diagonal": True}, {"lower": True, "unit_diagonal": True, "trans": 2}):
        R(sl.solve_triangular, well(3), N(3, 2), **_kw); R(sl.solve_triangular, well(4), N(4), **_kw)  # noqa
    R(sl.cholesky, spd(3)); R(sl.cholesky, spd(3), lower=True)  # noqa: E702
    R(sl.cholesky, spd(3), direction=symmetric)
    R(sl.cho_factor, spd(3)); R(sl.cho_factor, spd(4), lower=True)  # noqa: E702
    for _low in (False, True):
        R(sl.cho_solve, later(sl.cho_factor)(spd(3), lower=_low), N(3), wrt=(0, 1), direction=FD)
        R(sl.cho_solve, later(sl.cho_factor)(spd(4), lower=_low), N(4, 2), wrt=(0, 1), direction=FD)
        # a solve and half a log-determinant with cho_factor(a)'s factor, differentiated in
        # a (compiler/factor_reads.py): here in b and in the log-determinant's adjoint;
        # in a, through cho_factor, by tests/test_factor_reads.py
        R(rt.factor_solve, later(sl.cho_factor)(spd(3), lower=_low), spd(3), N(3), wrt=(2,))
        R(rt.factor_log_det_adjoint, later(sl.cho_factor)(spd(3), lower=_low), 0.7,
          wrt=(0, 1), direction=FD)
    R(sl.lu_factor, well(3)); R(sl.lu_factor, N(4, 4))  # noqa: E702
    # the default driver (syevr) may flip an eigenvector's sign under a step of 1e-6:
    # eigenvectors are checked with driver="evd" (numpy's), eigenvalues with both
    # (eigvals_only first: the pipeline test takes a rule's first row, and vjp(grad) of the
    # (w, v) output meets a compiler issue, see test_scipy_rules.py)
    R(sl.eigh, spd(3), eigvals_only=True); R(sl.eigh, spd(3), lower=False, eigvals_only=True)  # noqa
    R(sl.eigh, spd(3), driver="evd"); R(sl.eigh, spd(3), lower=False, driver="evd")  # noqa
    R(sl.eigh, spd(4), g_none=True, driver="evd")
    R(sl.eigh, spd(3), direction=symmetric, driver="evd")
    R(sl.eigh, spd(3), spd(3), wrt=(0,), driver="gvd")
    R(sl.eigh, spd(3), spd(3), eigvals_only=True, lower=False, wrt=(0,))
    if sl.expm in VJPS:  # rules with scipy.linalg in templates
        linalg_by_name_rows(R)
    R(sl.block_diag, N(2, 2), N(3), N(1, 2)); R(sl.block_diag, N(3, 2), 1.5)  # noqa: E702
if sl is not None:  # N-D scipy.signal.convolve: its primitive and the embedding helpers
    import scipy.signal  # noqa: F401  (registers the rules)

    from s2sad import runtime as _rt
    from s2sad.rules.registry import load_imported
    load_imported()
    for _mode in ("full", "same", "valid"):
        R(_rt.nd_convolve, N(4, 5), N(2, 3), _mode)
    R(_rt.nd_convolve, N(3, 3, 2), N(2, 2, 2))
    R(_rt.conv_embed, N(3, 3), N(4, 5), N(2, 3), wrt=(0,))
    R(_rt.conv_crop, N(5, 7), N(3, 3), wrt=(0,))
    R(_rt.conv_pad, N(3, 3), N(5, 7), wrt=(0,))
