# ruff: noqa
"""Probes of session 46 (helper `suite`), in the style of autograd's newest test_linalg
(complex eigh / eig / svd / norms, pinv of low rank, solve_triangular with every trans
and lower), test_numpy (equal maxima, linspace of num 0/1, astype, make_diagonal, r_
with slices), test_scipy, test_systematic and test_wrappers: grad (and jvp and a second
derivative where the suite does) against central differences.  Classified OK / REFUSED /
CRASH / WRONG.

    python tools/user_programs/suite46.py [filter ...]
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


if __name__ == "__main__":
    run(sys.argv)
