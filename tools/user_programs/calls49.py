# ruff: noqa
"""Users' programs of session 49 (helper `users`): how people call NumPy when they port code
from tutorials: keyword arguments out of order, the array as a keyword (`a=`, `x=`), dtype
arguments, methods of arrays (`x.sum(axis=..)`, `x.var(ddof=1)`, `x.clip(..)`), ufuncs
with `where=` / `initial=`, np.einsum in its forms, np.where of three arrays, stacking
functions, creation from arrays (`np.array([x, y])`, `np.asarray(x, dtype=float)`).

    python tools/user_programs/run.py calls49
"""
import numpy as np

CASES = []
RNG = np.random.default_rng(4950)


def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


X = RNG.standard_normal((3, 4))
V = RNG.standard_normal(4)
T = RNG.standard_normal((2, 3, 4))


def kw_out_of_order(x):
    return np.sum(keepdims=True, axis=-1, a=x * x)
reg(kw_out_of_order, (X,), hess=True)

def kw_array_name(x):
    return np.mean(a=x, axis=(0,)) + np.std(x, 0, None, None, 1)
reg(kw_array_name, (X,))

def dtype_args(x):
    return (np.sum(x, dtype=np.float64) + np.mean(x, axis=0, dtype=float).sum()
            + np.prod(x.astype(np.float64), dtype="float64") + np.asarray(x, dtype=float)[0, 0]
            + np.array(x, dtype=np.float64, copy=True).var())
reg(dtype_args, (X,), hess=True)

def dtype_cumsum(x):
    return np.cumsum(x, axis=1, dtype=np.float64) + np.cumprod(x, dtype=float).reshape(x.shape)
reg(dtype_cumsum, (X,))

def methods(x):
    return (x.sum(axis=(0, 1)) + x.mean(-1).sum() + x.var(ddof=1, axis=0).sum()
            + x.std(keepdims=True).sum() + x.max(axis=-1).sum() + x.min(0).dot(np.ptp(x, 0))
            + x.prod(axis=1).sum() + x.cumsum(-1).sum() + x.clip(-0.5, 0.5).sum()
            + x.T.dot(x).trace() + x.reshape(-1, 2).sum(1).max() + x.flatten()[3]
            + x.ravel().dot(x.ravel()) + x.swapaxes(0, 1)[0].sum() + x.diagonal(1).sum()
            + x.squeeze().repeat(2, axis=0).sum() + x.round(2).sum() * 0.0 + x.conj().real.sum())
reg(methods, (X,), hess=True)

def method_kwargs_positional(x):
    return x.sum(0, None, None, True).sum() + x.var(1, None, None, 1).sum() + x.transpose(1, 0)[0].sum()
reg(method_kwargs_positional, (X,))

def method_reshape_forms(x):
    return (x.reshape((2, 6))[1] * x.reshape(2, -1)[0]).sum() + x.reshape(12, order="F")[1]
reg(method_reshape_forms, (X,), hess=True)

def ufunc_where_initial(x):
    return (np.sum(x, where=x > 0) + np.max(x, axis=1, initial=-10.0).sum()
            + np.prod(x, axis=0, where=x < 1.0).sum() + np.mean(x, where=x > -0.3))
reg(ufunc_where_initial, (X,))

def ufunc_reduce(x):
    return (np.add.reduce(x, axis=1).sum() + np.multiply.reduce(x, axis=-1).sum()
            + np.maximum.reduce(x, axis=0).sum() + np.add.accumulate(x, axis=1)[:, -1].sum()
            + np.logaddexp.reduce(x, axis=1).sum())
reg(ufunc_reduce, (X,))

def ufunc_outer(x, v):
    return np.multiply.outer(x, v).sum(axis=(0, 2)) + np.subtract.outer(v, v)[0]
reg(ufunc_outer, (X, V), wrt=(0, 1))

def einsum_forms(x, t):
    return (np.einsum("ij,ij->", x, x) + np.einsum("ij->", x) + np.einsum("bij,ij->b", t, x).sum()
            + np.einsum("ii", x[:, :3]) + np.einsum("bij,bkj->bik", t, t).sum()
            + np.einsum("...j,...j->...", t, t).sum() + np.einsum(x, [0, 1], x, [0, 1], [])
            + np.einsum("ij,jk,kl->il", x, x.T, x, optimize=True).sum())
reg(einsum_forms, (X, T), wrt=(0, 1))

def einsum_diag_out(x):
    return np.einsum("ii->i", x[:, :3]) * np.einsum("ij->ji", x)[0, :3]
reg(einsum_diag_out, (X,))

def where_three(x, v):
    return np.where(x > 0, x * v, np.exp(x) - 1.0)
reg(where_three, (X, V), wrt=(0, 1))

def where_scalar(x):
    return np.where(x > 0.2, 1.0, x ** 2)
reg(where_scalar, (X,))

def select_piece(x):
    return np.select([x < -0.5, x < 0.5], [x ** 2, np.sin(x)], default=2 * x)
reg(select_piece, (X,))

def stacking(x, v):
    return (np.vstack([x, v]).sum(0) + np.hstack([v, v[::-1]])[:4]
            + np.column_stack([v, v])[:, 1] + np.dstack([x, x])[0, :, 1]
            + np.stack([v, 2 * v], axis=-1).sum(-1) + np.concatenate((x, x), axis=None)[:4]
            + np.block([[x, x], [x, x]])[1, 2:6] + np.r_[v[:2], v[2:]] + np.c_[v, v][:, 0]
            + np.append(v, v)[4:] + np.insert(v, 1, 0.0)[1:])
reg(stacking, (X, V), wrt=(0, 1))

def array_of_arrays(x, v):
    m = np.array([v, v * 2.0, np.ones(4)])
    return np.asarray([m[0] @ x.T, [v[0], v[1], v[2]]]).sum(0)
reg(array_of_arrays, (X, V), wrt=(0, 1))

def array_of_scalars(a, b):
    return np.array([[a, b], [b * a, 1.0]]) @ np.array([a, -b])
reg(array_of_scalars, (0.7, 1.3), wrt=(0, 1))

def zeros_like_fill(x):
    y = np.zeros_like(x)
    y[:, 1:] = x[:, :-1] * 2
    z = np.empty(x.shape, dtype=x.dtype)
    z[...] = y ** 2
    return z + np.full_like(x, 3.0) * x + np.ones(x.shape[1]) * x
reg(zeros_like_fill, (X,))

def dot_forms(x, v):
    return (np.dot(x, v) + np.inner(x, v) + np.matmul(x, v) + np.tensordot(x, v, axes=1)
            + np.tensordot(x, np.outer(v, v), axes=([1], [0])) @ v + np.vdot(x[0], v)
            + np.tensordot(T, x, axes=((1, 2), (0, 1))).sum() + np.kron(v[:2], v[2:]).sum())
reg(dot_forms, (X, V), wrt=(0, 1))

def index_forms(x):
    return (x[[0, 2], 1:3].sum() + x[x[:, 0] > 0].sum() + x[..., -1].sum() + x[None, :, 0].sum()
            + x[np.arange(3), [0, 1, 3]].sum() + np.take(x, [1, 5, 7]).sum()
            + np.take_along_axis(x, np.argsort(x, axis=1), axis=1)[:, -1].sum()
            + x[np.ix_([0, 2], [1, 3])].sum() + x[np.unravel_index(5, x.shape)]
            + x.flat[4] + np.diag(x[:, :3]).sum() + np.diag(x[0], k=1).sum())
reg(index_forms, (X,))

def tuple_shape_args(x):
    n, m = x.shape
    return np.broadcast_to(x[:, :1], (n, m)) * np.tile(x[0], (n, 1)) + np.reshape(x, newshape=(n, m)) if False else np.broadcast_to(x[:, :1], (n, m)) * np.tile(x[0], (n, 1))
reg(tuple_shape_args, (X,))

def meshgrid_fn(v):
    a, b = np.meshgrid(v, v[:3], indexing="ij")
    return np.sin(a) * b
reg(meshgrid_fn, (V,))

def linspace_arrays(a, b):
    return np.linspace(a, b, 5) ** 2 + np.linspace(a, b, 4, endpoint=False).sum()
reg(linspace_arrays, (0.3, 1.7), wrt=(0, 1))

def linspace_vector(v):
    return np.linspace(v, 2 * v, 3, axis=-1)
reg(linspace_vector, (V,))

def interp_fn(xq, fp):
    return np.interp(xq, np.linspace(-2, 2, 5), fp)
reg(interp_fn, (np.array([-1.3, 0.2, 1.1]), RNG.standard_normal(5)), wrt=(0, 1))

def poly_fns(c, x):
    return np.polyval(c, x) + np.polyder(c)[0] * np.polyint(c)[1] + np.convolve(c, c)[2]
reg(poly_fns, (RNG.standard_normal(4), np.array([0.2, -0.7])), wrt=(0, 1))

def cov_corr(x):
    return np.cov(x).sum() + np.corrcoef(x)[0, 1] + np.cov(x, rowvar=False, ddof=0)[1, 1] + np.cov(x[0], x[1])[0, 1]
reg(cov_corr, (X,), hess=True)

def fft_fns(v):
    return (np.abs(np.fft.fft(v)) ** 2).sum() + np.fft.irfft(np.fft.rfft(v), n=4)[1] + np.real(np.fft.ifft2(np.fft.fft2(X * v))).sum()
reg(fft_fns, (V,))

def sort_fns(x):
    return (np.sort(x, axis=0)[-1] * np.sort(x)[:, 0][:, None]).sum() + np.partition(x.ravel(), 3)[3] + np.max(np.abs(x))
reg(sort_fns, (X,))

def complex_parts(x):
    z = x[0] + 1j * x[1]
    return np.abs(z * z).sum() + np.angle(z).sum() + np.real(np.exp(z)).sum() + np.imag(np.conj(z) * z[::-1]).sum()
reg(complex_parts, (X,))

def bool_and_int_mix(x):
    mask = (x > 0).astype(float)
    k = int(np.argmax(x[0]))
    return (mask * x).sum() + x[1, k] + np.count_nonzero(x > 0) * x[2, 0] + np.isclose(x, 0).sum()
reg(bool_and_int_mix, (X,))

def cumulative_scan(v):
    return np.maximum.accumulate(v) + np.minimum.accumulate(v[::-1])
reg(cumulative_scan, (V,))

def nan_robust(x):
    y = np.where(x > 1.0, np.nan, x)
    return np.nansum(y ** 2) + np.nanmean(y, axis=0).sum() + np.nanmax(y)
reg(nan_robust, (X,))
