# ruff: noqa
"""Users' programs of session 49 (helper `users`): optional arguments passed by position,
as code ported from older NumPy tutorials passes them (``np.std(x, 0, None, None, 1)``,
``np.percentile(x, 30, 1)``, ``logsumexp(x, 0, b)``, ``np.linalg.svd(a, False)``), and the
same calls with keyword arguments out of order.  A rule reading an option by its name only
would take the default here: a wrong number, not a refusal.

    python tools/user_programs/run.py positional49
"""
import numpy as np
import scipy.special as sp
from scipy.special import logsumexp

CASES = []
RNG = np.random.default_rng(4952)


def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


X = RNG.standard_normal((3, 4))
T = RNG.standard_normal((2, 3, 4))
A = RNG.standard_normal((3, 3)) + 3 * np.eye(3)
S = A @ A.T


def stats_positional(x):
    return (np.std(x, 0, None, None, 1) + np.var(x, 1, float, None, 2, True).sum()
            + np.mean(x, 1, None, None, True) [:, 0].sum())
reg(stats_positional, (X,), hess=True)

def reductions_positional(x):
    return (np.sum(x, 1, None, None, True) * np.prod(x, 0, None, None, True)).sum() \
        + np.max(x, 1, None, True).sum() + np.min(x, 0).sum() + np.ptp(x, 1, None, True).sum()
reg(reductions_positional, (X,))

def cumulative_positional(x):
    return np.cumsum(x, 0, float) * np.cumprod(x, 1, None)
reg(cumulative_positional, (X,))

def quantiles_positional(x):
    return (np.percentile(x, 30, 1) + np.quantile(x, 0.6, 1, None, False, "nearest")
            + np.median(x, 1, None, False, True)[:, 0] + np.percentile(x, [20, 90], 1, None, False, "lower")[1]
            + np.nanpercentile(x, 40, 1, None, False, "midpoint"))
reg(quantiles_positional, (X,))

def average_positional(x, w):
    avg, total = np.average(x, 1, w, True)
    return avg * total + np.average(x, None, np.outer(np.ones(3), w))
reg(average_positional, (X, np.abs(RNG.standard_normal(4)) + 0.5), wrt=(0, 1))

def shape_positional(x):
    return (np.roll(x, 1, 0) + np.repeat(x, 1, 1) + np.flip(x, 1) + np.rot90(x[:, :3], 1, (1, 0))[:, :1]
            + np.swapaxes(x[None], 0, 1)[:, 0] + np.moveaxis(T, 0, 2)[..., 1] + np.take(x, [0, 0, 1], 0)
            + np.trace(T, 1, 1, 2)[:, None, None].sum(0) + np.diagonal(T, 0, 1, 2).sum(0)[:, None]
            + np.tensordot(x, np.eye(4), 1) + np.squeeze(x[None], 0) + np.expand_dims(x, 0)[0])
reg(shape_positional, (X,))

def tri_and_diff_positional(x):
    return (np.tril(x, -1) + np.triu(x, 1)).sum() + np.diff(x, 2, 1).sum() + np.diff(x, 1, 0)[0, 0] \
        + np.gradient(x, 0.5, 2.0)[1].sum() + np.gradient(x[0], np.array([0.0, 0.5, 1.5, 2.0]))[2]
reg(tri_and_diff_positional, (X,))

def clip_round_positional(x):
    return np.clip(x, -0.5, 0.7) * np.round(x, 1) + np.nan_to_num(x, True, 0.0, 1e3, -1e3) ** 2
reg(clip_round_positional, (X,))

def linspace_positional(a, b):
    return np.linspace(a, b, 5, False) + np.linspace(a, b, 5, True, False, float)
reg(linspace_positional, (0.2, 1.3), wrt=(0, 1))

def interp_positional(x, fp):
    return np.interp(x, np.linspace(-1, 1, 5), fp, -2.0, 3.0)
reg(interp_positional, (np.array([-1.5, 0.1, 0.7, 2.0]), RNG.standard_normal(5)), wrt=(0, 1))

def trapezoid_positional(y, x):
    return np.trapezoid(y, x, 1.0, -1).sum() + np.trapezoid(y, None, 0.5, 0).sum()
reg(trapezoid_positional, (X, np.array([0.0, 0.3, 0.9, 1.0])), wrt=(0, 1))

def linalg_positional(a, s):
    u, sv, vt = np.linalg.svd(a, False)
    w, v = np.linalg.eigh(s, "U")
    return (sv.sum() + np.linalg.svd(a, True, False).sum() + w.sum() + np.linalg.eigvalsh(s, "L")[0]
            + np.linalg.norm(a, 2) + np.linalg.norm(a, "fro", None, True)[0, 0] + np.linalg.norm(a[0], 1)
            + np.linalg.norm(a, None, 0).sum() + np.linalg.norm(a, 1, 1, True).sum() + np.linalg.pinv(a, 1e-15).sum()
            + np.linalg.cholesky(s, upper=True)[0, 2] + np.linalg.matrix_power(a, 2)[0, 1]
            + np.abs(v[0]).sum() + np.abs(u[0]).sum() * 0.0)
reg(linalg_positional, (A, S), wrt=(0, 1))

def scipy_positional(x, b):
    return (logsumexp(x, 1, b).sum() + logsumexp(x, 0, None, True).sum() + sp.softmax(x, 0)[0].sum()
            + sp.log_softmax(x, 1)[:, 0].sum() + np.prod(logsumexp(x, None, b, False, True)))
reg(scipy_positional, (X, np.abs(RNG.standard_normal(4)) + 0.2), wrt=(0, 1))

def keywords_reversed(x):
    return (np.std(keepdims=True, ddof=1, axis=0, a=x).sum()
            + np.percentile(method="linear", axis=1, q=25, a=x).sum()
            + np.linalg.norm(keepdims=True, axis=1, ord=3, x=x).sum()
            + np.roll(axis=1, shift=-1, a=x)[0, 0] + np.cumsum(axis=1, a=x)[:, -1].sum()
            + np.einsum("ij->i", x).sum() + np.clip(a_max=0.4, a_min=-0.2, a=x).sum()
            + logsumexp(b=np.ones(4), axis=-1, a=x).sum())
reg(keywords_reversed, (X,))

def methods_positional(x):
    return (x.std(0, None, None, 1).sum() + x.var(1, None, None, 1, True).sum() + x.sum(1, None, None, True).sum()
            + x.cumsum(0)[-1].sum() + x.cumprod(1, None)[:, -1].sum() + x.max(0, None, True).sum()
            + x.mean(0, float).sum() + x.round(1).sum() * 0.0 + x.clip(-0.3, 0.3).sum() + x.repeat(2, 0).sum()
            + x.take([0, 2], 1).sum() + x.trace(1) + x.diagonal(-1).sum() + x.swapaxes(1, 0)[0].sum()
            + x.prod(1, None, None, True).sum() + x.argmax(0).sum() * 0.0 + x.squeeze(None).sum())
reg(methods_positional, (X,))

def pad_and_concat_positional(x):
    return np.pad(x, ((1, 0), (0, 2)), "edge").sum() + np.pad(x, 1, "reflect")[0].sum() \
        + np.concatenate([x, x], 1)[:, 3:5].sum() + np.stack([x, x], 2)[..., 1].sum() \
        + np.split(x, 2, 1)[1].sum() + np.array_split(x, 2, 0)[0].sum()
reg(pad_and_concat_positional, (X,))

def sort_positional(x):
    return np.sort(x, 0, "stable")[-1] * np.sort(x, None)[:4] + np.partition(x, 1, 1)[:, 1].sum()
reg(sort_positional, (X,))

def einsum_positional(x, y):
    return np.einsum("ij,kj->ik", x, y, optimize="greedy").sum() + np.tensordot(x, y, (1, 1)).trace() + np.dot(x, y.T).sum()
reg(einsum_positional, (X, X[::-1].copy()), wrt=(0, 1))

def initial_and_where_by_position(x):
    return (np.sum(x, 0, None, None, True, 1.0, x > 0).sum() + np.max(x, 1, None, False, 0.3).sum()
            + np.prod(x, 0, None, None, False, 2.0).sum() + x.max(0, None, True, 0.1).sum()
            + x.prod(1, None, None, False, 1.5).sum() + np.diff(x, 1, 1, 0.5).sum() * x[0, 0])
reg(initial_and_where_by_position, (X,))


def power_by_keyword(x, n, scale=1.0):
    if n == 0:
        return scale
    return x * power_by_keyword(x, n - 1, scale=scale)

def recursion_keywords(x, s):
    return power_by_keyword(x, 3, scale=s)
reg(recursion_keywords, (0.9, 1.7), wrt=(0, 1))
