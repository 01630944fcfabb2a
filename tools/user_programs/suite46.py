# ruff: noqa
"""Probes of session 46 (helper `suite`), in the style of autograd's newest test_linalg
(complex eigh / eig / svd / norms, pinv of low rank, solve_triangular with every trans
and lower), test_numpy (equal maxima, linspace of num 0/1, astype, make_diagonal, r_
with slices), test_scipy, test_systematic and test_wrappers: grad (and jvp and a second
derivative where the suite does) against central differences.  Classified OK / REFUSED /
CRASH / WRONG.

    python tools/user_programs/suite46.py [filter ...]

At the end of session 46, of the probes run (the linalg, scipy and first test_numpy
ones): all OK but chi2_getattr_second (grad of grad through a function chosen at run
time: refused, the hessian works) and append_list (suite44's differences cannot rebuild
a list argument; np.append of a list checked by hand with gradcheck).
"""
import sys, os, warnings, functools
HERE = os.path.dirname(os.path.abspath(__file__)); ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [ROOT, HERE, os.path.join(ROOT, "tests")]
import numpy as np
import s2sad
from suite44 import fd_grad, close, check, to_scalar
from suite45 import probe, Wrong, expect, near, run, PROBES
PROBES.clear()
warnings.filterwarnings("ignore")


def tsum(v):
    """A real number from a value or a tuple of values (autograd's check of a tuple output)."""
    if isinstance(v, tuple):
        return sum(to_scalar(p) for p in v)
    return to_scalar(v)


def cg(f, args, argnums=(0,), second=True, jvp=True):
    r = check(f, args, list(argnums), second) if jvp else _rev(f, args, argnums, second)
    if r:
        raise Wrong(str({k: v for k, v in list(r.items())[:2]})[:500])


def _rev(f, args, argnums, second):
    res = {}
    g = s2sad.grad(f, wrt=tuple(argnums))(*args)
    for k, p in enumerate(argnums):
        exp = fd_grad(f, args, p)
        if not close(g[k], exp):
            res[f"grad{p}"] = (g[k], exp)
    if second:
        for k, p in enumerate(argnums):
            def d_scalar(*a):
                return to_scalar(s2sad.grad(f, wrt=p)(*a))
            g2 = s2sad.grad(d_scalar, wrt=tuple(argnums))(*args)
            for kk, q in enumerate(argnums):
                exp = fd_grad(d_scalar, args, q)
                if not close(g2[kk], exp, 1e-3, 1e-4):
                    res[f"second{p}{q}"] = (g2[kk], exp)
    return res


def one(name, fn, *args, wrt=(0,), second=True, jvp=True):
    def pr():
        cg(lambda *a: tsum(fn(*a)), args, wrt, second, jvp)
    pr.__name__ = name
    probe(pr)


rs = np.random.RandomState(42)
R = rs.randn
C = lambda *s: rs.randn(*s) + 1j * rs.randn(*s)
L = np.linalg


def sym(a):
    low = np.tril(a)
    return (low + np.swapaxes(low, -1, -2)) / 2.0


def psd(d):
    m = R(d, d)
    return m @ m.T


# ===== linalg (newest test_linalg) =====
one("eigh_lower_nonsym", lambda x: L.eigh(x), R(4, 4), jvp=False)
one("eigh_upper_nonsym", lambda x: L.eigh(x, "U"), R(4, 4), jvp=False)
one("eigh_lower_batched", lambda x: L.eigh(x), np.einsum("...ij,...kj->...ik", *(2 * [R(2, 3, 4, 4) + 10 * np.eye(4)])), jvp=False, second=False)
one("eigh_complex_lower", lambda x: (L.eigh(x)[0], np.abs(L.eigh(x)[1])), C(4, 4), jvp=False, second=False)
one("eigh_complex_upper", lambda x: (L.eigh(x, "U")[0], np.abs(L.eigh(x, "U")[1])), C(4, 4), jvp=False, second=False)
one("eig_real_abs", lambda x: (np.abs(L.eig(x)[0]), np.abs(L.eig(x)[1])), R(5, 5), jvp=False, second=False)
one("eig_complex", lambda x: (L.eig(x)[0], np.abs(L.eig(x)[1])), C(5, 5), jvp=False, second=False)
one("eig_batched", lambda x: (L.eig(x)[0], np.abs(L.eig(x)[1])), C(3, 4, 4), jvp=False, second=False)
one("cholesky_sym", lambda a: L.cholesky(sym(a)), psd(5), jvp=False)
one("cholesky_bcast", lambda a: L.cholesky(sym(a)), np.stack([psd(4) + np.eye(4) for _ in range(3)]), jvp=False)


def _reparam(a):
    rng = np.random.RandomState(0)
    z = np.dot(L.cholesky(a), rng.randn(a.shape[0]))
    return L.norm(z)
one("cholesky_reparam", lambda a: _reparam(sym(a)), psd(5), jvp=False)
for nm, shp in [("wide", (3, 5)), ("square", (4, 4)), ("tall", (5, 3)), ("wide3", (2, 3, 5)), ("tall3", (2, 5, 3))]:
    one("svd_" + nm, lambda x: L.svd(x, full_matrices=False), R(*shp), jvp=False, second=False)
    one("svd_c_" + nm, lambda x: (np.abs(L.svd(x, full_matrices=False)[0]), L.svd(x, full_matrices=False)[1], np.abs(L.svd(x, full_matrices=False)[2])), C(*shp), jvp=False, second=False)
    one("svd_s_c_" + nm, lambda x: L.svd(x, full_matrices=False, compute_uv=False), C(*shp), jvp=False)
one("norm_vec_c", lambda x: L.norm(x), C(6), jvp=False)
one("norm_fro_c", lambda x: L.norm(x), C(4, 3), jvp=False)
one("norm_fro_axis_c", lambda x: L.norm(x, axis=(0, 1)), C(4, 3, 2), jvp=False)
for o in (2, 3, 4):
    one(f"norm_ord{o}_c", lambda x, o=o: L.norm(x, ord=o), C(6), jvp=False)
    one(f"norm_ord{o}", lambda x, o=o: L.norm(x, ord=o), R(6))
for ax in range(3):
    one(f"norm_axis{ax}_c", lambda x, ax=ax: L.norm(x, axis=ax), C(4, 3, 2), jvp=False)
    one(f"norm_axis{ax}", lambda x, ax=ax: L.norm(x, axis=ax), R(4, 3, 2))
one("norm_nuc_c", lambda x: L.norm(x, ord="nuc"), C(4, 3), jvp=False)
one("norm_nuc_axis_c", lambda x: L.norm(x, ord="nuc", axis=(0, 1)), C(4, 3, 2), jvp=False)
one("norm_nuc_axis", lambda x: L.norm(x, ord="nuc", axis=(0, 1)), R(4, 3, 2), second=False)
one("norm_list_boxes", lambda x: L.norm([x, x + 2]), 0.0)
one("norm_tuple_boxes", lambda x: L.norm((x, x + 2)), 0.3)
for m in (2, 3, 5, 7):
    one(f"pinv_{m}", L.pinv, R(5, m), jvp=False)
    one(f"pinv_stack_{m}", L.pinv, R(2, 5, m), jvp=False, second=False)
    one(f"pinv_lowrank_{m}", lambda x: L.pinv(np.swapaxes(x, -1, -2) @ x), R(5, m), jvp=False, second=False)
one("inv_4d", L.inv, R(3, 2, 3, 3) + 5 * np.eye(3), jvp=False)
one("solve_3d_vec", lambda a, b: L.solve(a, b[..., None])[..., 0], R(3, 4, 4) + 5 * np.eye(4), R(3, 4), wrt=(0, 1))
one("solve_3d_3d", L.solve, R(3, 4, 4) + 5 * np.eye(4), R(3, 4, 6), wrt=(0, 1))
one("slogdet_neg", lambda x: L.slogdet(-x)[1], R(5, 5))
one("slogdet_3d", lambda x: np.sum(L.slogdet(x)[1]), np.stack([psd(4) + 5 * np.eye(4) for _ in range(3)]))
import scipy.linalg as spla
for trans in ("T", "N", "C", 0, 1, 2):
    for lower in (True, False):
        one(f"soltri_A_{trans}_{lower}", lambda a, b, t=trans, l=lower: spla.solve_triangular(a, b, trans=t, lower=l), R(5, 5) + 10 * np.eye(5), R(5), wrt=(0,), jvp=False)
        one(f"soltri_b_{trans}_{lower}", lambda a, b, t=trans, l=lower: spla.solve_triangular(a, b, trans=t, lower=l), R(5, 5) + 10 * np.eye(5), R(5, 4), wrt=(1,), jvp=False)
one("sqrtm_sym", lambda a: spla.sqrtm(sym(a)), psd(4) + np.eye(4), jvp=False, second=False)


# ===== test_numpy (equal maxima, linspace, astype, indexing, joins) =====
one("max_equal", lambda x: np.max(np.array([x, x])), 1.0)
for v in (1.0, -1.0):
    one(f"max_equal_2d{v}", lambda x: np.max(np.array([[x, x], [x, 0.5]]), axis=1), v)
    one(f"min_3way{v}", lambda x: np.min(np.array([[x, x, x], [x, 0.5, 0.5], [0.5, 0.5, 0.5], [x, x, 0.5]]), axis=0), v)
for v in (1.0, -1.0, 2.0):
    one(f"maximum_equal_2d{v}", lambda x: np.maximum(np.array([x, x, 0.5]), np.array([[x, 0.5, x], [x, x, 0.5]])), v)
one("maximum_equal", lambda x: np.maximum(x, x), 1.0)
for num in (0, 1, 5):
    for a, b in ((1.2, 3.4), (1.2, -3.4), (1.2, 1.2)):
        one(f"linspace{num}_{b}", lambda x, y, num=num: np.sum(np.linspace(x, y, num)) + 0.0 * x, a, b, wrt=(0, 1))


def _astype(x):
    return np.sum(np.sin(x.astype("float64")))


def astype_dtype():
    x = np.arange(3, dtype="float32")
    g = s2sad.grad(_astype)(x)
    expect(g.dtype == np.float32, f"dtype {g.dtype}")
    near(g, np.cos(x.astype(float)), rtol=1e-6)
astype_dtype.__name__ = "astype_dtype"
probe(astype_dtype)
B3 = R(5, 6, 4)
one("index_ints", lambda x: x[3, 0, 1], B3)
one("index_slice", lambda x: x[::-1, 2:4, :], B3)
one("index_lists", lambda x: x[[0, 1, 2], :, :], B3)
one("index_mixed", lambda x: x[3, 2:, [1, 3]], B3)
one("index_fanout", lambda x: x[::-1, 2:4, :] + x[::-1, 3:5, :], B3)
one("index_multi_slices", lambda x: x[2:6][1:3], R(7))
one("reshape_nolist", lambda x: x.reshape(5 * 4, 6), B3)
one("flatten_m", lambda x: x.flatten(), B3)
one("append_list", lambda a, b: np.append(a, b), [1.0, 2.0, 3.0], 4.0, wrt=(0, 1))
one("append_arr", lambda a, b: np.append(a, b), np.array([1.0, 2.0, 3.0]), 4.0, wrt=(0, 1))
one("concat_unnamed", lambda x: np.concatenate((B3, x, B3), 1), R(5, 6, 4))
for off in (-3, 0, 2, 7):
    one(f"trace_off{off}", lambda x, off=off: np.trace(x, offset=off), R(10, 11))
    one(f"trace_off_t{off}", lambda x, off=off: np.trace(x, offset=off), R(11, 10))
    one(f"trace_extradims{off}", lambda x, off=off: np.trace(x, offset=min(off, 5)), R(5, 6, 4, 3))
one("split_first", lambda x: np.split(x, 2)[0], R(10))
one("diag_sq", np.diag, R(6, 6))
one("roll_ax1", lambda x: np.roll(x, 2, axis=1), R(4, 5))
one("triu_k2", lambda x: np.triu(x, k=2), R(5, 5))
one("tril_k2", lambda x: np.tril(x, k=2), R(5, 5))
one("clip_kw", lambda x: np.clip(x, a_min=0.1, a_max=1.1), R(5, 5))
one("prod_all", np.prod, R(2, 3) ** 2 / 10.0 + 0.1)
one("prod_ax0_kd", lambda x: np.prod(x, axis=0, keepdims=True), R(2, 3) ** 2 + 0.1)
one("array_1d_scalar", lambda x: np.array([x, x * 1.0, x + 2.5]), 3.0)
one("array_2d_scalar", lambda x: np.array([[x, x * 1.0, x + 2.5], [x ** 2, x, x / 2.0]]), 3.0)
one("array_1d_fanout", lambda x: (lambda A: A + A)(np.array([x, x * 1.0, x + 2.5])), 3.0)
one("array_from_scalar", lambda x: np.array(x), 3.0)
one("array_from_arrays", lambda x: np.array([x, x]), R(3, 2))
one("array_from_arrays2", lambda x: np.array([[2 * x, x + 1], [x, x]]), R(3, 2))
C32 = R(3, 2)
one("r_basic", lambda x: np.r_[x], R(3, 2))
one("r_double", lambda x: np.r_[x, x], R(3, 2))
one("r_node_const", lambda x: np.r_[x, C32], R(3, 2))
one("r_mixed", lambda x: np.r_[x, C32, x], R(3, 2))
C10 = R(10)
one("r_slicing", lambda x: np.r_[x, C10, 1:10], R(10))
one("c_mixed", lambda x: np.c_[x, C32, x], R(3, 2))
for shape in ((3,), (3, 4), (1, 3)):
    for kd in (True, False):
        for dd in (0, 1):
            one(f"var_{shape}_{kd}_{dd}", lambda x, kd=kd, dd=dd: np.var(x, axis=None, keepdims=kd, ddof=dd), R(*shape))
            one(f"std_{shape}_{kd}_{dd}", lambda x, kd=kd, dd=dd: np.std(x, axis=None, keepdims=kd, ddof=dd), R(*shape))
for shape in ((3, 4),):
    for ax in (None, 1):
        for kd in (True, False):
            one(f"var2_{shape}_{ax}_{kd}", lambda x, ax=ax, kd=kd: np.var(x, axis=ax, keepdims=kd, ddof=2), R(*shape))
            one(f"std2_{shape}_{ax}_{kd}", lambda x, ax=ax, kd=kd: np.std(x, axis=ax, keepdims=kd, ddof=2), R(*shape))
one("var_ddof2_1x3", lambda x: np.var(x, ddof=2), R(1, 3))
CW = R(4, 5) > 0
one("where_const_cond", lambda x, y: np.where(CW, x, y), R(4, 5), R(4, 5), wrt=(0, 1))
one("squeeze_m", lambda x: x.squeeze(), R(5, 1, 4))
one("repeat_ax1", lambda x: np.repeat(x, 2, axis=1), R(5, 3, 4))
one("repeat_ax1_1", lambda x: np.repeat(x, 1, axis=1), R(5, 3, 4))
one("repeat_1d", lambda x: np.repeat(x, 2, axis=0), R(5))
one("expand_dims2", lambda x: np.expand_dims(x, 2), R(5, 1, 4))
one("tensordot_pos", lambda x: np.tensordot(x * np.ones((2, 2)), x * np.ones((2, 2)), 2), 1.0)
one("multi_index", lambda x: np.sum(x[[0, 0]]), R(3))
one("multi_index2", lambda x: np.sum(x[[0, 1, 0]]), R(3))
one("index_dot_slices", lambda x: np.dot(x[:2], x[2:]), R(4))
INDS = np.ones(5)[:, None]


def _cast_to_int(W):
    glued = np.concatenate((W, INDS), axis=1)
    new_W = W[:, :-1]
    new_inds = np.int64(W[:, -1])
    return new_W[new_inds].sum() + 0.0 * np.sum(glued)
one("cast_to_int", _cast_to_int, np.abs(R(5, 10)) * 0.9)
one("diagonal_last", lambda d: np.diagonal(d, axis1=-1, axis2=-2), R(4, 4))
one("diagonal_last3", lambda d: np.diagonal(d, axis1=-1, axis2=-2), R(3, 4, 4))
YNAN = np.array([0., np.nan, np.inf, -np.inf])
one("nan_to_num_sum", lambda x: np.sum(np.sin(np.nan_to_num(x + YNAN))), R(4))
one("non_numpy_sum", lambda x, y: sum([x, y]), R(10, 11), R(10, 11), wrt=(0, 1))
one("len_assert", lambda x: (x if len(x) == 3 else None), R(3, 2))
one("dot_floats", lambda x, y: np.dot(x, y), R(10), 1.5, wrt=(0, 1))
one("dot_floats2", lambda x, y: np.dot(x, y), 1.5, R(10, 11), wrt=(0, 1))
one("outer_T", lambda x, y: np.outer(x.T, y.T), R(11), R(11), wrt=(0, 1))
one("interp_yp", lambda yp: np.interp(np.arange(-20, 20, 0.1), np.arange(10) * 1.0, yp), np.arange(10) ** 0.5 + R(10))
one("interp_edge", lambda yp: np.interp(np.arange(-20, 20, 0.1), np.arange(10) * 1.0, yp, left=-1, right=-1), np.arange(10) ** 0.5 + R(10))


# ===== test_scipy (newest): the combos suite44 did not take =====
import scipy.stats as st, scipy.special as sp, scipy.integrate as si
R4 = lambda: R(4) ** 2 + 1.1
for df in (1, 2, 3):
    one(f"chi2_pdf_{df}", lambda x, df=df: st.chi2.pdf(x, df), R4(), jvp=False)
    one(f"chi2_cdf_{df}", lambda x, df=df: st.chi2.cdf(x, df), R4(), jvp=False)
    one(f"chi2_logpdf_{df}", lambda x, df=df: st.chi2.logpdf(x, df), R4(), jvp=False)
one("chi2_getattr_second", lambda x: getattr(st.chi2, "pdf")(x, 2), R4(), jvp=False)
U4 = rs.uniform(0.05, 0.95, 4)
one("beta_cdf", lambda x, a, b: st.beta.cdf(x, a, b), U4, R4(), R4(), jvp=False, second=False)
for fn in ("pdf", "logpdf"):
    one(f"beta_{fn}_all", lambda x, a, b, fn=fn: getattr(st.beta, fn)(x, a, b), U4, R4(), R4(), wrt=(0, 1, 2), jvp=False, second=False)
    one(f"gamma_{fn}_all", lambda x, a, fn=fn: getattr(st.gamma, fn)(x, a), R4(), R4(), wrt=(0, 1), jvp=False, second=False)
one("gamma_cdf", lambda x, a: st.gamma.cdf(x, a), R4(), R4(), jvp=False, second=False)
K4 = np.round(R(4) ** 2); K43 = np.round(R(4, 3) ** 2)
for nm, fn in (("cdf", st.poisson.cdf), ("logpmf", st.poisson.logpmf), ("pmf", st.poisson.pmf)):
    one(f"poisson_{nm}", lambda mu, fn=fn: fn(K4, mu), R4(), jvp=False)
    one(f"poisson_{nm}_b", lambda mu, fn=fn: fn(K43, mu), R(4, 1) ** 2 + 1.1, jvp=False)
V4 = rs.uniform(1.0, 50.0, 4)
one("iv_big", lambda x: sp.iv(V4, x), R(4) ** 2 + 1.3, jvp=False)
one("ive_big", lambda x: sp.ive(V4, x), R(4) ** 2 + 1.3, jvp=False)
one("betainc_x", lambda x, a, b: sp.betainc(a, b, x), U4, R4(), R4(), jvp=False)
CS = np.zeros((4, 4)); CS[0, 0] = CS[1, 1] = 1
XS = np.concatenate((R(2), np.zeros(2))); MS = np.concatenate((R(2), np.zeros(2)))
one("mvn_pdf_sing", lambda x, m: st.multivariate_normal.pdf(x, m, CS, True), XS, MS, wrt=(0, 1), jvp=False)
one("mvn_logpdf_sing", lambda x, m: st.multivariate_normal.logpdf(x, m, CS, True), XS, MS, wrt=(0, 1), jvp=False)


def _ode(y, t, arg1, arg2):
    return -np.sqrt(t) - y + arg1 - np.mean((y + arg2) ** 2)
TT = np.linspace(0.1, 0.2, 4)
one("odeint_combo", lambda y0, a1, a2: si.odeint(_ode, y0, TT, (a1, a2)), R(3), R(3), R(3), wrt=(0, 1, 2), jvp=False, second=False)
one("odeint_t", lambda t: si.odeint(_ode, np.ones(3), t, (np.ones(3), np.zeros(3))), TT.copy(), jvp=False, second=False)
one("sylvester", lambda a, b, q: spla.solve_sylvester(a, b, q), R(3, 3), R(3, 3), R(3, 3), wrt=(0, 1, 2))
one("sqrtm_symR", lambda a: spla.sqrtm(0.5 * (a + a.T)), R(3, 3) + 4 * np.eye(3))
XL = R(1, 5)
one("lse6_grad", lambda a: s2sad.grad(lambda b: sp.logsumexp(b, axis=1, keepdims=True))(a), XL)


if __name__ == "__main__":
    run(sys.argv)
