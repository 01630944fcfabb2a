# ruff: noqa
"""Users' programs of session 49 (helper `users`), in the style of autograd's test_linalg and
test_scipy: np.linalg functions on single matrices and on stacks (batched), with their
keyword arguments (UPLO, full_matrices, compute_uv, ord, axis, keepdims), and scipy.special /
scipy.stats / scipy.linalg functions with axis / keepdims / b / loc / scale arguments.
Arguments with no rule (gammaincc's a, t's df, the generalised eigh's b: honest refusals,
as in autograd) are held constant here.

    python tools/user_programs/run.py linalg49
"""
import numpy as np
import scipy.linalg as sla
import scipy.special as sp
import scipy.stats as st

CASES = []
RNG = np.random.default_rng(4949)


def reg(name, f, *argsets, wrt=0, hess=False):
    CASES.append((name, f, argsets, wrt, hess))


def spd(*shape):
    """Symmetric positive definite matrices of shape (..., n, n)."""
    a = RNG.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def gen(*shape):
    """Well-conditioned general matrices."""
    return RNG.standard_normal(shape) + 3.0 * np.eye(shape[-1])


# ---- matrices in, matrices out, single and stacked
def inv(a):
    return np.linalg.inv(a)

def det(a):
    return np.linalg.det(a)

def slogdet_logabs(a):
    sign, logdet = np.linalg.slogdet(a)
    return logdet

def slogdet_both(a):
    return np.prod(np.linalg.slogdet(a), axis=0)

def solve_mat(a, b):
    return np.linalg.solve(a, b)

def solve_stack_vec(a, b):
    return np.linalg.solve(a, b[..., None])[..., 0]

def cholesky(a):
    return np.linalg.cholesky(a)

def cholesky_upper(a):
    return np.linalg.cholesky(a, upper=True)

def eigh_vals(a):
    return np.linalg.eigh(a)[0]

def eigh_lower_vecs_sq(a):
    w, v = np.linalg.eigh(a, UPLO="U")
    return v ** 2 * w[..., None, :]

def eigvalsh(a):
    return np.linalg.eigvalsh(a)

def eigvalsh_upper(a):
    return np.linalg.eigvalsh(a, UPLO="U")

def svd_values(a):
    return np.linalg.svd(a, compute_uv=False)

def svd_reconstruct(a):
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    return (u * s[..., None, :]) @ vt

def svd_abs_vectors(a):
    u, s, vt = np.linalg.svd(a, full_matrices=False)
    return np.abs(u[..., :, 0]) * s[..., :1]

def pinv(a):
    return np.linalg.pinv(a)

def matrix_power3(a):
    return np.linalg.matrix_power(a, 3)

def matrix_power_neg(a):
    return np.linalg.matrix_power(a, -2)

def qr_r_diag_abs(a):
    q, r = np.linalg.qr(a)
    return np.abs(np.diagonal(r, axis1=-2, axis2=-1))

def qr_q_abs(a):
    q, r = np.linalg.qr(a)
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]

def eig_vals_real(a):
    return np.sort(np.real(np.linalg.eigvals(a)), axis=-1)

def lstsq(a, b):
    return np.linalg.lstsq(a, b, rcond=None)[0]

def tensorsolve(a, b):
    return np.linalg.tensorsolve(a, b)

def multi_dot(a, b, c):
    return np.linalg.multi_dot([a, b, c])

def matrix_norm_fro(a):
    return np.linalg.norm(a, axis=(-2, -1))

def matrix_norm_nuc(a):
    return np.linalg.norm(a, ord="nuc", axis=(-2, -1))

def matrix_norm_2(a):
    return np.linalg.norm(a, 2, (1, 2), True)

def matrix_norm_1(a):
    return np.linalg.norm(a, ord=1, axis=(1, 2))

def matrix_norm_inf(a):
    return np.linalg.norm(a, ord=np.inf, axis=(-1, -2))

def vector_norm_3(a):
    return np.linalg.norm(a, ord=3, axis=-1, keepdims=True)

def vector_norm_1(a):
    return np.linalg.norm(a, 1, 0)

def vector_norm_inf(a):
    return np.linalg.norm(a, -np.inf, axis=1)

def np_matrix_norm(a):
    return np.linalg.matrix_norm(a)

def np_vector_norm(a):
    return np.linalg.vector_norm(a, axis=(0, 2), keepdims=True)

def cond(a):
    return np.linalg.cond(a)

def matrix_transpose(a):
    return np.linalg.matrix_transpose(a) @ a

def matmul_fn(a, b):
    return np.linalg.matmul(a, b)

def vecdot(a, b):
    return np.linalg.vecdot(a, b)

def trace_la(a):
    return np.linalg.trace(a, offset=1)

def diagonal_la(a):
    return np.linalg.diagonal(a)

def outer_la(a, b):
    return np.linalg.outer(a, b)

def cross_la(a, b):
    return np.linalg.cross(a, b)


for shape in [(3, 3), (2, 3, 3), (2, 2, 3, 3)]:
    s = "x".join(map(str, shape))
    A, S = gen(*shape), spd(*shape)
    reg(f"inv_{s}", inv, (A,))
    reg(f"det_{s}", det, (A,), hess=len(shape) == 2)
    reg(f"slogdet_{s}", slogdet_logabs, (A,), hess=len(shape) == 2)
    reg(f"slogdet_both_{s}", slogdet_both, (A,))
    reg(f"solve_{s}", solve_mat, (A, RNG.standard_normal(shape[:-1] + (2,))), wrt=(0, 1))
    reg(f"solve_vec_{s}", solve_stack_vec, (A, RNG.standard_normal(shape[:-1])), wrt=(0, 1))
    reg(f"cholesky_{s}", cholesky, (S,))
    reg(f"cholesky_upper_{s}", cholesky_upper, (S,))
    reg(f"eigh_vals_{s}", eigh_vals, (S,))
    reg(f"eigh_vecs_{s}", eigh_lower_vecs_sq, (S,))
    reg(f"eigvalsh_{s}", eigvalsh, (S,))
    reg(f"eigvalsh_upper_{s}", eigvalsh_upper, (S,))
    reg(f"svd_values_{s}", svd_values, (A,))
    reg(f"svd_reconstruct_{s}", svd_reconstruct, (A,))
    reg(f"svd_vectors_{s}", svd_abs_vectors, (A,))
    reg(f"pinv_{s}", pinv, (A,))
    reg(f"matrix_power3_{s}", matrix_power3, (A,))
    reg(f"matrix_power_neg_{s}", matrix_power_neg, (A,))
    reg(f"qr_r_{s}", qr_r_diag_abs, (A,))
    reg(f"qr_q_{s}", qr_q_abs, (A,))
    reg(f"eigvals_{s}", eig_vals_real, (S,))
    reg(f"matrix_norm_fro_{s}", matrix_norm_fro, (A,))
    reg(f"matrix_norm_nuc_{s}", matrix_norm_nuc, (A,))
    reg(f"np_matrix_norm_{s}", np_matrix_norm, (A,))
    reg(f"cond_{s}", cond, (A,))
    reg(f"matrix_transpose_{s}", matrix_transpose, (A,))
    reg(f"matmul_{s}", matmul_fn, (A, A[..., :2]), wrt=(0, 1))
    reg(f"vecdot_{s}", vecdot, (A, A[..., ::-1, :]), wrt=(0, 1))
    reg(f"trace_la_{s}", trace_la, (A,))
    reg(f"diagonal_la_{s}", diagonal_la, (A,))

# wide and tall
for shape in [(3, 5), (5, 3), (2, 5, 3), (2, 3, 5)]:
    s = "x".join(map(str, shape))
    A = RNG.standard_normal(shape)
    reg(f"svd_values_{s}", svd_values, (A,))
    reg(f"svd_reconstruct_{s}", svd_reconstruct, (A,))
    reg(f"pinv_{s}", pinv, (A,))
    reg(f"qr_r_{s}", qr_r_diag_abs, (A,))
    reg(f"matrix_norm_nuc_{s}", matrix_norm_nuc, (A,))
B3 = RNG.standard_normal((2, 3, 4))
reg("matrix_norm_2", matrix_norm_2, (B3,))
reg("matrix_norm_1", matrix_norm_1, (B3,))
reg("matrix_norm_inf", matrix_norm_inf, (B3,))
reg("vector_norm_3", vector_norm_3, (B3,))
reg("vector_norm_1", vector_norm_1, (B3,))
reg("vector_norm_inf", vector_norm_inf, (B3,))
reg("np_vector_norm", np_vector_norm, (B3,))
reg("lstsq", lstsq, (RNG.standard_normal((5, 3)), RNG.standard_normal(5)), wrt=(0, 1))
reg("lstsq_mat", lstsq, (RNG.standard_normal((5, 3)), RNG.standard_normal((5, 2))), wrt=(0, 1))
reg("tensorsolve", tensorsolve, (gen(6, 6).reshape(2, 3, 6), RNG.standard_normal((2, 3))), wrt=(0, 1))
reg("multi_dot", multi_dot, (RNG.standard_normal((2, 3)), RNG.standard_normal((3, 4)),
                             RNG.standard_normal((4, 2))), wrt=(0, 1, 2))
reg("outer_la", outer_la, (RNG.standard_normal(3), RNG.standard_normal(4)), wrt=(0, 1))
reg("cross_la", cross_la, (RNG.standard_normal((2, 3)), RNG.standard_normal(3)), wrt=(0, 1))


# ---- scipy.special, scipy.stats, scipy.linalg as test_scipy uses them
def logsumexp_axis(x):
    return sp.logsumexp(x, axis=(0, 2), keepdims=True)

def logsumexp_b(x, b):
    return sp.logsumexp(x, axis=-1, b=b)

def logsumexp_return_sign(x):
    v, s = sp.logsumexp(x, axis=1, b=np.array([1.0, -0.2, 0.5])[:, None], return_sign=True)
    return v * s

def softmax_axis(x):
    return sp.softmax(x, axis=(0, 1))

def log_softmax_axis(x):
    return sp.log_softmax(x, axis=-2)

def special_mix(x):
    return (sp.gammaln(x) + sp.digamma(x) + sp.polygamma(1, x) + sp.erf(x - 2.0)
            + sp.erfc(x) + sp.expit(x) + sp.xlogy(x, x + 1.0) + sp.xlog1py(x, x)
            + sp.i0e(x) + sp.i1(x) + sp.rgamma(x) + sp.gammainc(2.0, x) + sp.erfcx(x))

def special_two(a, b):
    return sp.betaln(a, b) + sp.beta(a, b) + sp.gammaincc(2.5, b) + sp.kl_div(a, b) + sp.rel_entr(b, a)

def special_unit(p):
    return sp.erfinv(p) + sp.logit(p) + sp.ndtri(p) + sp.log_ndtr(p) + sp.ndtr(p) + sp.entr(p)

def multigammaln(x):
    return sp.multigammaln(x, 3)

def stats_norm(x, mu, sigma):
    return np.sum(st.norm.logpdf(x, loc=mu, scale=sigma) + st.norm.cdf(x, mu, sigma)
                  + st.norm.logcdf(x, loc=mu) + st.norm.sf(x, scale=sigma))

def stats_t(x, df):
    return np.sum(st.t.logpdf(x, df, loc=0.3, scale=1.5) + st.t.cdf(x, df))

def stats_mvn(x, mean, cov):
    return np.sum(st.multivariate_normal.logpdf(x, mean=mean, cov=cov))

def stats_dirichlet(z, alpha):
    x = np.exp(z) / np.sum(np.exp(z))  # (on the simplex for every z)
    return st.dirichlet.logpdf(x, alpha)

def stats_gamma(x, a):
    return np.sum(st.gamma.logpdf(x, a, scale=2.0) + st.beta.logpdf(x / 10.0, a, 2.0)
                  + st.poisson.logpmf(3, x) + st.expon.logpdf(x, scale=a[0]))

def sla_solve_triangular(a, b):
    return sla.solve_triangular(a, b, lower=True, trans="T")

def sla_cho(a, b):
    c = sla.cho_factor(a, lower=True)
    return sla.cho_solve(c, b)

def sla_expm(a):
    return sla.expm(a)

def sla_sqrtm(a):
    return sla.sqrtm(a).real

def sla_logm(a):
    return sla.logm(a).real

def sla_lu(a, b):
    return sla.lu_solve(sla.lu_factor(a), b)

def sla_eigh_gen(a, b):
    return sla.eigh(a, b, eigvals_only=True)

def sla_block(a, b):
    return sla.block_diag(a, b) @ np.arange(5.0)

def sla_det_inv(a):
    return sla.det(a) * sla.inv(a)


X3 = RNG.standard_normal((2, 3, 4))
P = 1.2 + np.abs(RNG.standard_normal(5))
U = 0.1 + 0.8 * RNG.random(5)
reg("logsumexp_axis", logsumexp_axis, (X3,))
reg("logsumexp_b", logsumexp_b, (X3, np.abs(RNG.standard_normal(4))), wrt=(0, 1))
reg("logsumexp_return_sign", logsumexp_return_sign, (X3,))
reg("softmax_axis", softmax_axis, (X3,))
reg("log_softmax_axis", log_softmax_axis, (X3,))
reg("special_mix", special_mix, (P,), hess=True)
reg("special_two", special_two, (P, P[::-1].copy()), wrt=(0, 1))
reg("special_unit", special_unit, (U,), hess=True)
reg("multigammaln", multigammaln, (P + 2.0,))
reg("stats_norm", stats_norm, (RNG.standard_normal(5), 0.2, 1.3), wrt=(0, 1, 2))
reg("stats_t", stats_t, (RNG.standard_normal(5), 4.0), wrt=0)  # (df: no rule, refused)
reg("stats_mvn", stats_mvn, (RNG.standard_normal((4, 3)), RNG.standard_normal(3), spd(3, 3)), wrt=(0, 1, 2))
reg("stats_dirichlet", stats_dirichlet, (np.array([0.2, -0.3, 0.5]), np.array([1.5, 2.0, 3.0])), wrt=(0, 1))
reg("stats_gamma", stats_gamma, (P, P[::-1].copy()), wrt=(0, 1))
reg("sla_solve_triangular", sla_solve_triangular, (np.tril(gen(4, 4)), RNG.standard_normal((4, 2))), wrt=(0, 1))
reg("sla_cho", sla_cho, (spd(4, 4), RNG.standard_normal(4)), wrt=(0, 1))
reg("sla_expm", sla_expm, (0.3 * RNG.standard_normal((3, 3)),))
reg("sla_sqrtm", sla_sqrtm, (spd(3, 3),))
reg("sla_logm", sla_logm, (spd(3, 3),))
reg("sla_lu", sla_lu, (gen(3, 3), RNG.standard_normal(3)), wrt=(0, 1))
reg("sla_eigh_gen", sla_eigh_gen, (spd(3, 3), spd(3, 3)), wrt=0)  # (b: no rule, refused)
reg("sla_block", sla_block, (gen(2, 2), gen(3, 3)), wrt=(0, 1))
reg("sla_det_inv", sla_det_inv, (gen(3, 3),))
