# ruff: noqa
"""Probes in the style of autograd's test_systematic / test_numpy (helper 79, session 44):
every function called through ``lambda *a: fn(*a, **kw)`` over combinations of shapes,
Python scalars, ints, complex values and axis/keepdims variants; first derivatives by
grad (all wrt at once) and jvp, second by the grad of a function calling s2sad.grad
inside (autograd's ``d_scalar_fun``).  Classified OK / REFUSED / MISPLACED / CRASH / WRONG.

    python tools/user_programs/suite44.py [filter]
"""
import itertools as it, os, sys, traceback, inspect, warnings
import numpy as np
HERE = os.path.dirname(os.path.abspath(__file__)); ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, ROOT)
import s2sad
warnings.filterwarnings("ignore")
EPS = 1e-6


def to_scalar(v):
    return np.sum(np.sin(np.real(v)) + 0.7 * np.cos(np.imag(v)))


def _leaves(x):
    a = np.asarray(x)
    if np.iscomplexobj(a):
        return np.concatenate([a.real.ravel(), a.imag.ravel()]).astype(float), True
    return a.astype(float).ravel(), False


def _rebuild(x, flat):
    a = np.asarray(x)
    if np.iscomplexobj(a):
        n = a.size
        v = (flat[:n] + 1j * flat[n:]).reshape(a.shape)
    else:
        v = flat.reshape(a.shape)
    if isinstance(x, np.ndarray):
        return v
    return complex(v) if np.iscomplexobj(a) else float(v)


def fd_grad(f, args, pos):
    flat, cplx = _leaves(args[pos])
    g = np.zeros_like(flat)
    for j in range(flat.size):
        e = np.zeros_like(flat); e[j] = EPS
        a1 = list(args); a1[pos] = _rebuild(args[pos], flat + e)
        a2 = list(args); a2[pos] = _rebuild(args[pos], flat - e)
        g[j] = (float(np.real(f(*a1))) - float(np.real(f(*a2)))) / (2 * EPS)
    if cplx:
        n = flat.size // 2
        return (g[:n] - 1j * g[n:]).reshape(np.shape(args[pos]))
    return g.reshape(np.shape(args[pos]))


def close(a, b, rtol=1e-4, atol=1e-5):
    a = np.asarray(a); b = np.asarray(b)
    return a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)


def check(f, args, argnums, second=True):
    res = {}
    wrt = tuple(argnums)
    g = s2sad.grad(f, wrt=wrt)(*args)
    for k, p in enumerate(argnums):
        exp = fd_grad(f, args, p)
        if not close(g[k], exp):
            res[f"grad{p}"] = (g[k], exp)
    rng = np.random.default_rng(1)
    tans = []
    for p in argnums:
        t = rng.standard_normal(np.shape(args[p]))
        if np.iscomplexobj(args[p]):
            t = t + 1j * rng.standard_normal(np.shape(args[p]))
        tans.append(t if isinstance(args[p], np.ndarray) else t.item())
    v, tout = s2sad.jvp(f, wrt=wrt)(*args, *tans)
    def along(s):
        a = list(args)
        for p, t in zip(argnums, tans):
            a[p] = a[p] + s * t
        return f(*a)
    d = (along(EPS) - along(-EPS)) / (2 * EPS)
    if not close(np.real(tout), d):
        res["jvp"] = (tout, d)
    if second:
        for k, p in enumerate(argnums):
            def d_scalar(*a):
                return to_scalar(s2sad.grad(f, wrt=p)(*a))
            g2 = s2sad.grad(d_scalar, wrt=wrt)(*args)
            for kk, q in enumerate(argnums):
                exp = fd_grad(d_scalar, args, q)
                if not close(g2[kk], exp, 1e-3, 1e-4):
                    res[f"second{p}{q}"] = (g2[kk], exp)
    return res


def classify(f, args, argnums, second=True):
    try:
        r = check(f, args, argnums, second)
    except s2sad.DifferentiationError as e:
        msg = str(e)
        if os.path.basename(__file__) in msg.split("\n")[0]:
            return "REFUSED", msg.splitlines()[0][:240]
        return "MISPLACED", msg.splitlines()[0][:240]
    except Exception as e:
        tb = traceback.extract_tb(e.__traceback__)[-1]
        return "CRASH", f"{type(e).__name__}: {str(e)[:200]} @ {tb.filename}:{tb.lineno}"
    if r:
        return "WRONG", str({k: v for k, v in list(r.items())[:2]})[:400]
    return "OK", ""


CASES = []


def combo(name, fn, argnums, *argsets, second=True, **kwsets):
    keys = list(kwsets)
    for combo_args in it.product(*argsets):
        for kwv in it.product(*(kwsets[k] for k in keys)):
            kw = dict(zip(keys, kwv))
            f = _wrap(fn, kw)
            label = f"{name}{[np.shape(a) if isinstance(a, np.ndarray) else type(a).__name__ for a in combo_args]}{kw}"
            CASES.append((label, f, combo_args, argnums, second))


def _wrap(fn, kw):
    def f(*a):
        return to_scalar(fn(*a, **kw))
    return f


_r = np.random.default_rng(0)
R = lambda *s: _r.standard_normal(s)
U = lambda lo, hi, *s: _r.uniform(lo, hi, s) if s else float(_r.uniform(lo, hi))
C = lambda *s: _r.standard_normal(s) + 0.3j * _r.standard_normal(s)


def unary(name, fn, lo=-2.0, hi=2.0, cplx=True):
    combo(name, fn, [0], [1 if lo < 1 < hi else int(np.ceil(lo + 0.1)), U(lo, hi), U(lo, hi, 2), U(lo, hi, 3, 2), U(lo, hi, 1, 2)])
    if cplx:
        combo(name + "_c", fn, [0], [complex(U(lo, hi), 0.3 * U(0.1, 0.5)), U(lo, hi, 3, 2) + 0.1j * U(0, 1, 3, 2)])


def binary(name, fn, la=(-2, 2), lb=(-2, 2), cplx=True, same=True):
    A = [U(*la), 1 if la[0] < 1 < la[1] else 2, U(*la, 2), U(*la, 3, 2), U(*la, 1, 2)]
    B = [U(*lb), 1 if lb[0] < 1 < lb[1] else -1, U(*lb, 2), U(*lb, 3, 2), U(*lb, 1, 2)]
    combo(name, fn, [0, 1], A, B)
    if cplx:
        combo(name + "_c", fn, [0, 1], [U(*la), 0.6 + 0.3j, U(*la, 3, 2) + 0.1j * U(0, 1, 3, 2)],
              [0.4 + 0.2j, U(*lb, 3, 2) + 0.1j * U(0, 1, 3, 2)])


def stat(name, fn, cplx=True):
    combo(name, fn, [0], [3.5, R()])
    combo(name, fn, [0], [R(3), R(2, 3), R(1, 3)], axis=[None, 0], keepdims=[True, False])
    combo(name, fn, [0], [R(2, 3), R(1, 3)], axis=[None, 0, 1, -1, (0, 1)], keepdims=[True, False])
    if cplx:
        combo(name + "_c", fn, [0], [0.4 + 0.1j, C(2, 3)], axis=[None, 0], keepdims=[True, False])


import operator as op
GROUPS = {}
def group(g):
    def deco(fn):
        GROUPS[g] = fn
        return fn
    return deco


@group("stat")
def _stats():
    for n in ["max", "min", "mean", "sum", "prod", "var", "std", "amax", "amin", "nanmax", "nanmin", "nansum", "nanmean", "nanprod", "nanvar", "nanstd", "ptp", "median", "nanmedian", "average", "cumsum", "cumprod"]:
        fn = getattr(np, n)
        if n in ("cumsum", "cumprod"):
            combo(n, fn, [0], [R(3), R(2, 3)], axis=[None, 0, 1, -1] if True else [None])
            continue
        if n in ("average",):
            combo(n, fn, [0], [R(3), R(2, 3)], axis=[None, 0])
            continue
        stat(n, fn, cplx=n in ("mean", "sum", "prod", "var", "std"))


@group("unary")
def _unary():
    table = [("sin", np.sin, -2, 2, True), ("abs", np.abs, 0.1, 4, True), ("absolute", np.absolute, 0.1, 4, True),
             ("arccosh", np.arccosh, 1.1, 4, True), ("arcsinh", np.arcsinh, -0.9, 0.9, True), ("arctanh", np.arctanh, -0.9, 0.9, True),
             ("arcsin", np.arcsin, -0.9, 0.9, True), ("arccos", np.arccos, -0.9, 0.9, True), ("arctan", np.arctan, -2, 2, True),
             ("ceil", np.ceil, -1.5, 1.5, False), ("cos", np.cos, -2, 2, True), ("cosh", np.cosh, -2, 2, True),
             ("deg2rad", np.deg2rad, -2, 2, False), ("degrees", lambda x: np.degrees(x) / 50.0, -2, 2, False),
             ("exp", np.exp, -2, 2, True), ("exp2", np.exp2, -2, 2, True), ("expm1", np.expm1, -2, 2, True),
             ("fabs", np.fabs, 0.1, 2, False), ("floor", np.floor, -1.5, 1.5, False), ("log", np.log, 0.2, 2, True),
             ("log10", np.log10, 0.2, 2, True), ("log1p", np.log1p, 0.2, 2, True), ("log2", np.log2, 0.2, 2, True),
             ("rad2deg", lambda x: np.rad2deg(x) / 50.0, -2, 2, False), ("radians", np.radians, -2, 2, False),
             ("sign", np.sign, -2, 2, True), ("sinh", np.sinh, -2, 2, True), ("sqrt", np.sqrt, 1, 3, True),
             ("square", np.square, -2, 2, True), ("tan", np.tan, -1.1, 1.1, True), ("tanh", np.tanh, -2, 2, True),
             ("real", np.real, -2, 2, True), ("real_if_close", np.real_if_close, -2, 2, True), ("imag", np.imag, -2, 2, True),
             ("conj", np.conj, -2, 2, True), ("conjugate", np.conjugate, -2, 2, True), ("angle", np.angle, -2, 2, True),
             ("negative", np.negative, -2, 2, True), ("positive", np.positive, -2, 2, True), ("reciprocal", np.reciprocal, 0.5, 2, True),
             ("cbrt", np.cbrt, 0.5, 2, False), ("sinc", np.sinc, -2, 2, False), ("rint", np.rint, -1.4, 1.4, False),
             ("trunc", np.trunc, -1.4, 1.4, False), ("fix", np.fix, -1.4, 1.4, False), ("around", np.around, -1.4, 1.4, False),
             ("i0", np.i0, -2, 2, False), ("spacing", lambda x: np.spacing(x) * 1e15, 0.5, 2, False),
             ("nan_to_num", np.nan_to_num, -2, 2, True), ("signbit", np.signbit, -2, 2, False),
             ("clip", lambda x: np.clip(x, -0.5, 0.7), -2, 2, False), ("logistic_like", lambda x: 1 / (1 + np.exp(-x)), -2, 2, True),
             ("power_half", lambda x: x ** 0.5, 0.5, 2, True), ("power_int", lambda x: x ** 3, -2, 2, True),
             ("rpow", lambda x: 2.0 ** x, -2, 2, True), ("pos_op", lambda x: +x, -2, 2, True), ("neg_op", lambda x: -x, -2, 2, True),
             ("abs_op", lambda x: abs(x), 0.1, 2, True)]
    for name, fn, lo, hi, c in table:
        unary(name, fn, lo, hi, c)


@group("binary")
def _binary():
    binary("add", np.add); binary("subtract", np.subtract); binary("multiply", np.multiply)
    binary("logaddexp", np.logaddexp, cplx=False); binary("logaddexp2", np.logaddexp2, cplx=False)
    binary("remainder", np.remainder, (-0.9, 0.9), (0.7, 1.9), cplx=False)
    binary("true_divide", np.true_divide, lb=(0.8, 1.2), cplx=True)
    binary("divide_neg", np.divide, lb=(-2.0, -0.3), cplx=False)
    binary("mod", np.mod, lb=(0.8, 2.1), cplx=False); binary("mod_neg", np.mod, lb=(-2.0, -0.3), cplx=False)
    binary("fmod", np.fmod, lb=(0.8, 2.1), cplx=False)
    binary("op_mul", op.mul); binary("op_add", op.add); binary("op_sub", op.sub)
    binary("op_truediv", op.truediv, lb=(0.8, 1.2)); binary("op_pow", op.pow, la=(0.5, 2), lb=(-1, 1), cplx=False)
    binary("op_mod", op.mod, lb=(0.3, 2.0), cplx=False); binary("op_mod_neg", op.mod, lb=(-2.0, -0.3), cplx=False)
    binary("power", np.power, la=(0.5, 2), lb=(-1, 1), cplx=False)
    binary("float_power", np.float_power, la=(0.5, 2), lb=(-1, 1), cplx=False)
    binary("arctan2", np.arctan2, cplx=False); binary("hypot", np.hypot, cplx=False)
    binary("maximum", np.maximum, cplx=False); binary("minimum", np.minimum, cplx=False)
    binary("fmax", np.fmax, cplx=False); binary("fmin", np.fmin, cplx=False)
    binary("copysign", np.copysign, cplx=False); binary("ldexp_like", lambda a, b: a * 2.0 ** b, cplx=False)
    binary("where", lambda a, b: np.where(np.asarray(a) > 0, a, b), cplx=False)
    binary("floordiv_op", lambda a, b: a // b + a * b, lb=(0.8, 1.9), cplx=False)
    binary("divmod", lambda a, b: divmod(a, b)[1], lb=(0.8, 1.9), cplx=False)
    binary("heaviside", lambda a, b: np.heaviside(a, 0.5) * b, cplx=False)
    binary("xlogy_like", lambda a, b: a * np.log(np.abs(b) + 1), cplx=False)


@group("misc")
def _misc():
    combo("transpose", np.transpose, [0], [R(2, 3, 4)], axes=[None, [0, 1, 2], [0, 2, 1], [2, 0, 1], (2, 1, 0), [1, 0, 2], [1, 2, 0]])
    combo("repeat", np.repeat, [0], [R(2, 3, 4), R(3, 1)], repeats=[0, 1, 2], axis=[None, 0, 1])
    combo("diff", np.diff, [0], [R(5, 5), R(5, 5, 5)], n=[1, 2], axis=[0, 1])
    combo("diff1", np.diff, [0], [R(1), R(1, 1)], axis=[0])
    combo("diff_p", np.diff, [0], [R(4, 3)], prepend=[0.5], append=[1.5], axis=[0, -1])
    combo("tile", np.tile, [0], [R(2, 1, 3, 1)], reps=[(1, 4, 1, 2)])
    combo("tile2", np.tile, [0], [R(1, 2)], reps=[(1, 2), (2, 3), (3, 2, 1)])
    combo("tile3", np.tile, [0], [R(1)], reps=[(2,), 2])
    combo("kron", np.kron, [0, 1], [R(5, 5), R(4, 4)], [R(3, 3), R(2, 2)], second=False)
    combo("kron_v", np.kron, [0, 1], [R(3), R(2, 3)], [R(2), R(3, 1)])
    combo("inner", np.inner, [0, 1], [1.5, R(3), R(2, 3)], [0.3, R(3), R(4, 3)])
    combo("dot", np.dot, [0, 1], [1.5, R(3), R(2, 3), R(2, 2, 3)], [0.3, R(3), R(3, 4), R(2, 3, 4)])
    combo("matmul", np.matmul, [0, 1], [R(3), R(2, 3), R(2, 2, 3)], [R(3), R(3, 4), R(2, 3, 4)])
    combo("matmul_op", op.matmul, [0, 1], [R(3), R(2, 3), R(2, 2, 3)], [R(3), R(3, 4), R(2, 3, 4)])
    combo("vdot", np.vdot, [0, 1], [R(3), R(2, 3), C(2, 3)], [R(6).reshape(2, 3), C(2, 3)])
    combo("outer", np.outer, [0, 1], [1.5, R(3), R(2, 2)], [0.3, R(4), R(2, 1)])
    combo("tensordot_1", np.tensordot, [0, 1], [R(1, 3), R(2, 3, 2)], [R(3), R(3, 1), R(3, 4, 2)], axes=[[(1,), (0,)]])
    combo("tensordot_2", np.tensordot, [0, 1], [R(3), R(3, 1), R(3, 4, 2)], [R(1, 3), R(2, 3, 2)], axes=[[(0,), (1,)]])
    combo("tensordot_3", np.tensordot, [0, 1], [R(2, 3), R(2, 3, 4)], [R(1, 2, 3), R(2, 2, 3, 4)], axes=[[(0, 1), (1, 2)], [(1, 0), (2, 1)]])
    combo("tensordot_4", np.tensordot, [0, 1], [R(2, 2), R(4, 2, 2)], [R(2, 2), R(2, 2, 4)], axes=[1, 2])
    combo("tensordot_5", np.tensordot, [0, 1], [R(4)], [R()], axes=[0])
    combo("tensordot_6", np.tensordot, [0, 1], [R(2, 6)], [R(6, 3)], axes=[[[-1], [0]]])
    for n, fn in [("maximum", np.maximum), ("fmax", np.fmax), ("minimum", np.minimum), ("fmin", np.fmin)]:
        combo(n + "_b", fn, [0, 1], [R(1), R(1, 4), R(3, 4)], [R(1), R(1, 4), R(3, 4)])
    combo("sort", np.sort, [0], [R(1), R(7)])
    combo("sort_ax", np.sort, [0], [R(3, 4)], axis=[0, 1, -1, None])
    combo("partition", np.partition, [0], [R(7), R(14)], kth=[0, 3, 6])
    for n in ["atleast_1d", "atleast_2d", "atleast_3d"]:
        combo(n, getattr(np, n), [0], [1.2, R(1), R(7), R(1, 4), R(2, 4), R(2, 4, 5)])
    combo("einsum_t", np.einsum, [1], ["ij->ji"], [R(1, 1), R(4, 4), R(3, 4)])
    combo("einsum_mm", np.einsum, [1, 2], ["ij,jk->ik"], [R(2, 3)], [R(3, 4)])
    combo("einsum_mmb", np.einsum, [1, 2], ["...ij,...jk->...ik"], [R(2, 3), R(2, 2, 3)], [R(3, 4), R(2, 3, 4)])
    combo("einsum_cov", np.einsum, [1, 2], ["ijk,lji->lki"], [R(3, 4, 4)], [R(4, 4, 3)])
    combo("einsum_ell", np.einsum, [1, 2], ["...jk,...lj->...lk", "...,...->..."], [R(4, 4), R(3, 4, 4)], [R(4, 4), R(3, 4, 4)])
    combo("einsum_tail", np.einsum, [1, 2], ["jk...,lj...->lk..."], [R(3, 2), R(3, 2, 4)], [R(2, 3), R(2, 3, 4)])
    combo("einsum_center", np.einsum, [1, 2], ["j...k,lj...->lk..."], [R(2, 2), R(2, 2, 2)], [R(2, 2), R(2, 2, 2)])
    combo("einsum_three", np.einsum, [1, 2], ["ijk,lji,lli->lki"], [R(3, 4, 4)], [R(4, 4, 3)], [R(4, 4, 3)])
    combo("einsum2_t", np.einsum, [0], [R(1, 1), R(4, 4), R(3, 4)], [(0, 1)], [(1, 0)])
    combo("einsum2_mm", np.einsum, [0, 2], [R(2, 3)], [(0, 1)], [R(3, 4)], [(1, 2)], [(0, 2)])
    combo("einsum2_mmb", np.einsum, [0, 2], [R(2, 3), R(2, 2, 3)], [(Ellipsis, 0, 1)], [R(3, 4), R(2, 3, 4)], [(Ellipsis, 1, 2)], [(Ellipsis, 0, 2)])
    combo("einsum2_cov", np.einsum, [0, 2], [R(3, 4, 4)], [(0, 1, 2)], [R(4, 4, 3)], [(3, 1, 0)], [(3, 2, 0)])
    combo("einsum2_three", np.einsum, [0, 2], [R(3, 4, 4)], [(0, 1, 2)], [R(4, 4, 3)], [(3, 1, 0)], [R(4, 4, 3)], [(3, 3, 0)], [(3, 2, 0)])
    combo("einsum_trace", np.einsum, [1], ["ii", "ii->i", "ij->", "ijk->ki"], [R(3, 3, 3)][:0] + [R(3, 3)])
    combo("trace", np.trace, [0], [R(5, 5), R(4, 5), R(5, 4), R(3, 4, 5)], offset=[-1, 0, 1])
    combo("diag", np.diag, [0], [R(5, 5)], k=[-1, 0, 1])
    combo("diag_flat", np.diag, [0], [R(5)], k=[-1, 0, 1])
    combo("diagflat", np.diagflat, [0], [R(3), R(2, 2)], k=[-1, 0, 2])
    combo("diagonal", np.diagonal, [0], [R(3, 4), R(2, 3, 4)], offset=[-1, 0, 1])
    combo("diagonal_ax", np.diagonal, [0], [R(2, 3, 3)], axis1=[1], axis2=[2, 0])
    combo("tril", np.tril, [0], [R(5, 5), R(5, 5, 4), R(3, 5)], k=[-1, 0, 1])
    combo("triu", np.triu, [0], [R(5, 5), R(5, 5, 4), R(3, 5)], k=[-1, 0, 1])
    combo("swapaxes", np.swapaxes, [0], [R(3, 4, 5)], axis1=[0, 1, 2], axis2=[0, 1, 2])
    combo("moveaxis", np.moveaxis, [0], [R(2, 3, 4)], source=[0, -1, (0, 1)], destination=[2, 0, (2, 0)][:1])
    combo("rollaxis", np.rollaxis, [0], [R(2, 3, 4)], axis=[0, 1, 2], start=[0, 1, 2, 3])
    combo("cross", np.cross, [0, 1], [R(3, 3)], [R(3, 3)], axisa=[-1, 0, 1], axisb=[-1, 0, 1], axisc=[-1, 0, 1], axis=[None, -1, 0, 1], second=False)
    combo("cross2", np.cross, [0, 1], [R(3), R(4, 3)], [R(3), R(1, 3)])
    for n in ["vsplit", "hsplit"]:
        combo(n + "_2d", lambda x, s, _n=n: getattr(np, _n)(x, s)[0] * 1.0 + 0.5 * getattr(np, _n)(x, s)[-1], [0], [R(4, 8)], [4, [1, 2]])
        combo(n + "_3d", lambda x, s, _n=n: getattr(np, _n)(x, s)[-1], [0], [R(4, 4, 4)], [2, [1, 2]])
    combo("dsplit", lambda x, s: np.dsplit(x, s)[1], [0], [R(4, 4, 4)], [2, [1, 2]])
    combo("split1", lambda x, s, axis: np.split(x, s, axis=axis)[0], [0], [R(1), R(7)[:6]], [1], axis=[0])
    combo("split2", lambda x, s, axis: np.split(x, s, axis=axis)[-1] * 2 + np.split(x, s, axis=axis)[0], [0], [R(4, 8)], [4, [1, 2]], axis=[0, 1])
    combo("split3", lambda x, s, axis: np.split(x, s, axis=axis)[1], [0], [R(4, 4, 4)], [2, [1, 2]], axis=[0, 1, 2])
    combo("array_split", lambda x, s, axis: np.array_split(x, s, axis=axis)[1], [0], [R(7, 7)], [4, [3, 5]], axis=[0, 1])
    combo("array_split3", lambda x, s, axis: np.array_split(x, s, axis=axis)[-1], [0], [R(7, 7, 7)], [4, [3, 5]], axis=[0, 1, 2])
    combo("array_split1", lambda x, s, axis: np.array_split(x, s, axis=axis)[0], [0], [R(1), R(7)], [1, 3], axis=[0])
    combo("concat_list", lambda a, b, axis: np.concatenate([a, b], axis=axis), [0, 1], [R(1)], [R(3)], axis=[0])
    combo("concat_tuple", lambda a, b, axis: np.concatenate((a, b), axis=axis), [0, 1], [R(2, 2)], [R(2, 2)], axis=[0, 1, -1, None])
    combo("concat_3d", lambda a, b, axis: np.concatenate((a, b), axis=axis), [0, 1], [R(2, 2, 2)], [R(2, 2, 2)], axis=[0, 1, 2])
    combo("concat_arg", np.concatenate, [0], [(R(1), R(3)), [R(2), R(2)]], axis=[0])
    for n in ["vstack", "hstack", "row_stack", "column_stack", "dstack"]:
        fn = getattr(np, n, None) or np.vstack
        combo(n + "_1", fn, [0], [R(2), (R(2), R(2)), [R(2), R(2)]])
        combo(n + "_2", fn, [0], [R(2, 3), (R(2, 3), R(2, 3))])
    combo("vstack_3", np.vstack, [0], [R(2, 3, 4), (R(2, 3, 4), R(5, 3, 4))])
    combo("hstack_3", np.hstack, [0], [R(2, 3, 4), (R(2, 1, 4), R(2, 5, 4))])
    combo("stack", np.stack, [0], [(R(2),), (R(2), R(2)), [R(3, 2), R(3, 2)]], axis=[0, 1, -1])
    combo("select", lambda conds, vals, default: np.select(conds, vals, default=default), [1], [[R(3, 4) > 0, R(3, 4) > 0, R(3, 4) > 0]], [[R(3, 4), R(3, 4), R(3, 4)]], [0.0, 1.1])
    combo("select_arr", lambda c, a, b: np.select([c > 0, c < -0.5], [a, b], default=0.3), [1, 2], [R(3, 4)], [R(3, 4)], [R(3, 4), R(4)])
    combo("reshape", np.reshape, [0], [R(2, 6)], [(3, 4), (12,), (-1, 2), (2, 3, 2)])
    combo("reshape_F", lambda x: np.reshape(x, (3, 4), order="F"), [0], [R(2, 6), R(12)])
    combo("ravel", np.ravel, [0], [R(2, 3), R(2, 3, 2)], order=["C", "F"])
    combo("flatten_F", lambda x: x.flatten("F"), [0], [R(2, 3)])
    combo("squeeze", np.squeeze, [0], [R(1, 3, 1), R(2, 1)], axis=[None, -1])
    combo("expand_dims", np.expand_dims, [0], [R(3), R(2, 3)], axis=[0, 1, -1, (0, 2)])
    combo("roll", np.roll, [0], [R(5), R(3, 4)], shift=[1, -2, 7], axis=[None, 0, -1])
    combo("roll_multi", np.roll, [0], [R(3, 4)], shift=[(1, 2)], axis=[(0, 1)])
    combo("flip", np.flip, [0], [R(3, 4)], axis=[None, 0, 1, (0, 1)])
    combo("fliplr", np.fliplr, [0], [R(3, 4)]); combo("flipud", np.flipud, [0], [R(3, 4), R(4)])
    combo("rot90", np.rot90, [0], [R(3, 4), R(2, 3, 4)], k=[1, 2, 3, -1])
    combo("cumsum_f", np.cumsum, [0], [R(3, 4)], axis=[None, 0, 1])
    combo("clip_arr", np.clip, [0, 1, 2], [R(3, 4)], [-0.5 + 0.1 * R(3, 4)], [0.5 + 0.1 * R(4)])
    combo("interp", np.interp, [0, 2], [U(0, 4, 5)], [np.arange(5.0)], [R(5)])
    combo("linspace", lambda a, b: np.linspace(a, b, 5), [0, 1], [1.2, R(3)], [3.4, R(3)])
    combo("linspace_arr_ax", lambda a, b: np.linspace(a, b, 4, axis=-1, endpoint=False), [0, 1], [R(3)], [R(3)])
    combo("logspace", lambda a, b: np.logspace(a, b, 4), [0, 1], [0.2], [1.1])
    combo("full", lambda v: np.full((2, 3), v), [0], [1.3])
    combo("full_like", lambda x, v: np.full_like(x, v) * x, [0, 1], [R(2, 3)], [1.3])
    combo("ones_like", lambda x: np.ones_like(x) * x + np.zeros_like(x), [0], [R(2, 3)])
    combo("take", np.take, [0], [R(5), R(3, 4)], [[0, 2, 2], 1, np.array([[0, 1], [1, 1]])], axis=[None, 0, -1])
    combo("take_along_axis", lambda a, i: np.take_along_axis(a, i, axis=1), [0], [R(3, 4)], [np.array([[0, 3], [1, 1], [2, 0]])])
    combo("put_along", lambda a, b: np.where(a > 0, a, b), [0, 1], [R(3, 4)], [R(3, 4)])
    combo("compress", lambda a: np.compress([True, False, True], a, axis=0), [0], [R(3, 2), R(3)])
    combo("extract", lambda a: np.extract(a > 0, a), [0], [R(3, 2)])
    combo("triu_indices", lambda a: a[np.triu_indices(3, 1)], [0], [R(3, 3)])
    combo("nonzero", lambda a: a[np.nonzero(a > 0)], [0], [R(3, 3)])
    combo("argmax_pick", lambda a: a[np.argmax(a)] + a.max(), [0], [R(5)])
    combo("meshgrid", lambda a, b: np.meshgrid(a, b)[0] * np.meshgrid(a, b)[1], [0, 1], [R(3)], [R(2)])
    combo("broadcast_to", lambda a: np.broadcast_to(a, (4, 3)), [0], [R(3), R(1, 3), R(4, 1), 1.5])
    combo("pad", lambda a, m: np.pad(a, ((1, 2), (0, 1)), mode=m), [0], [R(3, 3)], ["constant", "edge", "reflect", "symmetric", "wrap"])
    combo("pad1", lambda a: np.pad(a, 2), [0], [R(3), R(2, 2)])
    combo("pad_cv", lambda a, v: np.pad(a, 1, constant_values=v), [0, 1], [R(3)], [0.5])
    combo("real_imag_mix", lambda z: np.real(z) * np.imag(z) + np.abs(z) ** 2, [0], [C(3), 0.5 + 0.2j])
    combo("complex_build", lambda a, b: np.abs(a + 1j * b), [0, 1], [R(3), 0.4], [R(3), 0.7])
    combo("exp_complex", lambda z: np.exp(1j * z), [0], [R(3), 0.4])
    combo("fft", lambda z: np.abs(np.fft.fft(z)) ** 2, [0], [R(4), C(4), R(3, 4)])
    combo("ifft_c", lambda z: np.fft.ifft(z), [0], [R(4), C(4)])
    combo("fft2_c", lambda z: np.fft.fft2(z), [0], [R(3, 4), C(3, 4)])
    combo("rfft", lambda z: np.fft.rfft(z, axis=0), [0], [R(4), R(5, 2)])
    combo("irfft", lambda z: np.fft.irfft(z, n=6), [0], [C(4), R(4)])
    combo("fftshift", lambda z: np.fft.fftshift(z), [0], [R(5), R(3, 4)])
    combo("cumsum_c", np.cumsum, [0], [C(4), C(2, 3)])
    combo("prod_c", np.prod, [0], [C(4), C(2, 3)], axis=[None, 1])
    combo("dot_c", np.dot, [0, 1], [C(3), C(2, 3)], [C(3), R(3)])
    combo("matmul_c", np.matmul, [0, 1], [C(2, 3)], [C(3, 2), R(3)])
    combo("outer_c", np.outer, [0, 1], [C(3)], [C(2)])
    combo("einsum_c", lambda a, b: np.einsum("ij,jk->ik", a, b), [0, 1], [C(2, 3)], [C(3, 2), R(3, 2)])
    combo("sum_c_where", lambda z: np.sum(z * z.conj()), [0], [C(3)])
    combo("var_c_ddof", lambda z: np.var(z, ddof=1), [0], [C(4), C(2, 3)])
    combo("std_c_ax", lambda z: np.std(z, axis=0), [0], [C(3, 2)])
    combo("where_c", lambda z: np.where(np.real(z) > 0, z, z * 2), [0], [C(4)])
    combo("sqrt_c", np.sqrt, [0], [C(4) + 3])
    combo("log_c", np.log, [0], [C(4) + 3])
    combo("power_c", lambda z: z ** 2.5, [0], [C(4) + 3])
    combo("power_c_int", lambda z: z ** 3, [0], [C(4)])


def _spd(n, b=()):
    m = R(*b, n, n)
    return m @ np.swapaxes(m, -1, -2) + n * np.eye(n)


@group("linalg")
def _linalg():
    L = np.linalg
    combo("inv", L.inv, [0], [R(3, 3) + 3 * np.eye(3), R(2, 3, 3) + 3 * np.eye(3)])
    combo("solve", L.solve, [0, 1], [R(3, 3) + 3 * np.eye(3)], [R(3), R(3, 2)])
    combo("solve_b", L.solve, [0, 1], [R(2, 3, 3) + 3 * np.eye(3)], [R(2, 3, 2)])
    combo("det", L.det, [0], [R(3, 3), R(2, 3, 3), R(1, 1)])
    combo("slogdet", lambda a: L.slogdet(a)[1], [0], [_spd(3), _spd(3, (2,))])
    combo("slogdet_sign", lambda a: L.slogdet(a)[0] * L.slogdet(a)[1], [0], [R(3, 3)])
    combo("eigh", lambda a: L.eigh(a)[0], [0], [_spd(3), _spd(3, (2,))])
    combo("eigh_v", lambda a: np.abs(L.eigh(a)[1]), [0], [_spd(3)])
    combo("eigh_upper", lambda a: L.eigh(a, UPLO="U")[0], [0], [_spd(3)])
    combo("eigvalsh", L.eigvalsh, [0], [_spd(3)])
    combo("eig_vals", lambda a: np.real(L.eig(a)[0]), [0], [_spd(3) + 0.1 * R(3, 3)])
    combo("eigvals", lambda a: np.abs(L.eigvals(a)), [0], [R(3, 3)])
    combo("cholesky", L.cholesky, [0], [_spd(3), _spd(3, (2,))])
    combo("cholesky_upper", lambda a: L.cholesky(a, upper=True), [0], [_spd(3)])
    combo("svd_s", lambda a: L.svd(a, compute_uv=False), [0], [R(3, 2), R(2, 3), R(2, 3, 3)])
    combo("svd_full", lambda a: np.abs(L.svd(a, full_matrices=False)[0]) + np.sum(L.svd(a, full_matrices=False)[1]), [0], [R(3, 2), R(2, 3)])
    combo("svd_vt", lambda a: np.abs(L.svd(a, full_matrices=False)[2]), [0], [R(3, 3), R(2, 3)])
    combo("qr", lambda a: L.qr(a)[1], [0], [R(3, 3), R(4, 3)])
    combo("qr_q", lambda a: L.qr(a)[0], [0], [R(3, 3), R(4, 3)])
    combo("norm", L.norm, [0], [R(3), R(2, 3)], ord=[None, 1, 2, np.inf, -np.inf])
    combo("norm_m", L.norm, [0], [R(3, 3)], ord=["fro", "nuc", 1, -1, 2, -2, np.inf])
    combo("norm_ax", L.norm, [0], [R(2, 3, 4)], axis=[0, -1, (1, 2), (0, 2)], keepdims=[True, False])
    combo("norm_c", L.norm, [0], [C(3), C(2, 3)])
    combo("pinv", L.pinv, [0], [R(3, 2), R(2, 3), R(3, 3)])
    combo("matrix_power", L.matrix_power, [0], [R(3, 3)], [0, 1, 2, 3, -1, -2])
    combo("lstsq", lambda a, b: L.lstsq(a, b, rcond=None)[0], [0, 1], [R(4, 2)], [R(4), R(4, 2)])
    combo("multi_dot", lambda a, b, c: L.multi_dot([a, b, c]), [0, 1, 2], [R(2, 3)], [R(3, 4)], [R(4), R(4, 2)])
    combo("tensorsolve", lambda a, b: L.tensorsolve(a, b), [0, 1], [(R(2, 3, 6) + 0).reshape(6, 6)[:6].reshape(2, 3, 6) + 3 * np.eye(6).reshape(2, 3, 6)], [R(2, 3)])
    combo("tensorinv", lambda a: L.tensorinv(a, ind=2), [0], [(R(6, 6) + 3 * np.eye(6)).reshape(2, 3, 6)])
    combo("cond", L.cond, [0], [_spd(3)])
    combo("matrix_rank_pinv", lambda a: L.pinv(a) @ a, [0], [R(3, 3)])
    combo("inv_c", L.inv, [0], [C(3, 3) + 3 * np.eye(3)])
    combo("det_c", L.det, [0], [C(3, 3)])
    combo("solve_c", L.solve, [0, 1], [C(3, 3) + 3 * np.eye(3)], [C(3)])
    combo("cholesky_c", L.cholesky, [0], [_spd(3) + 0j])
    import scipy.linalg as S
    combo("sqrtm", S.sqrtm, [0], [_spd(3)])
    combo("expm", S.expm, [0], [R(3, 3) * 0.5])
    combo("logm", S.logm, [0], [_spd(3)])
    combo("solve_triangular", S.solve_triangular, [0, 1], [np.tril(R(3, 3)) + 3 * np.eye(3)], [R(3), R(3, 2)], lower=[True], trans=[0, 1, "T"])
    combo("solve_tri_u", lambda a, b: S.solve_triangular(a, b, lower=False, unit_diagonal=True), [0, 1], [np.triu(R(3, 3))], [R(3)])
    combo("cho_solve", lambda a, b: S.cho_solve(S.cho_factor(a), b), [0, 1], [_spd(3)], [R(3), R(3, 2)])
    combo("lu_solve", lambda a, b: S.lu_solve(S.lu_factor(a), b), [0, 1], [R(3, 3) + 3 * np.eye(3)], [R(3)])
    combo("s_inv", S.inv, [0], [R(3, 3) + 3 * np.eye(3)])
    combo("s_det", S.det, [0], [R(3, 3)])
    combo("s_cholesky", S.cholesky, [0], [_spd(3)], lower=[True, False])
    combo("s_eigh", lambda a: S.eigh(a)[0], [0], [_spd(3)])
    combo("s_eigh_gen", lambda a, b: S.eigh(a, b, eigvals_only=True), [0], [_spd(3)], [_spd(3)])
    combo("s_svd", lambda a: S.svd(a, compute_uv=False), [0], [R(3, 2)])
    combo("s_solve_sym", lambda a, b: S.solve(a, b, assume_a="pos"), [0, 1], [_spd(3)], [R(3)])
    combo("s_polar", lambda a: S.polar(a)[1], [0], [_spd(3)])
    combo("s_funm_sin", lambda a: S.sinm(a), [0], [R(3, 3) * 0.3])
    combo("s_block_diag", lambda a, b: S.block_diag(a, b), [0, 1], [R(2, 2)], [R(3), R(1, 2)])
    combo("s_toeplitz", S.toeplitz, [0], [R(3)])
    combo("s_circulant", S.circulant, [0], [R(3)])

    combo("s_lu", lambda a: S.lu(a)[2], [0], [R(3, 3)])
    combo("s_qr", lambda a: S.qr(a, mode="economic")[1], [0], [R(4, 3)])
    combo("s_schur", lambda a: S.schur(a)[0], [0], [_spd(3)])
    combo("s_lyap", S.solve_continuous_lyapunov, [0, 1], [R(3, 3) - 3 * np.eye(3)], [_spd(3)])


@group("scipy")
def _scipy():
    import scipy.special as sp, scipy.stats as st
    unary("gammaln", sp.gammaln, 0.5, 3, False); unary("gamma", sp.gamma, 0.5, 3, False)
    unary("digamma", sp.digamma, 0.5, 3, False); unary("polygamma1", lambda x: sp.polygamma(1, x), 0.5, 3, False)
    unary("erf", sp.erf, -2, 2, True); unary("erfc", sp.erfc, -2, 2, True); unary("erfinv", sp.erfinv, -0.9, 0.9, False)
    unary("erfcinv", sp.erfcinv, 0.1, 1.9, False); unary("expit", sp.expit, -2, 2, False); unary("logit", sp.logit, 0.1, 0.9, False)
    unary("j0", sp.j0, -2, 2, False); unary("j1", sp.j1, -2, 2, False); unary("y0", sp.y0, 0.5, 2, False); unary("y1", sp.y1, 0.5, 2, False)
    unary("i0", sp.i0, -2, 2, False); unary("i1", sp.i1, -2, 2, False); unary("i0e", sp.i0e, -2, 2, False); unary("i1e", sp.i1e, -2, 2, False)
    unary("rgamma", sp.rgamma, 0.5, 3, False); unary("log_ndtr", sp.log_ndtr, -2, 2, False); unary("ndtr", sp.ndtr, -2, 2, False)
    unary("ndtri", sp.ndtri, 0.1, 0.9, False); unary("entr", sp.entr, 0.1, 2, False); unary("erfcx", sp.erfcx, -1, 2, False)
    unary("sinc_s", np.sinc, 0.1, 2, False); unary("log_expit", sp.log_expit, -2, 2, False); unary("xlogy1", lambda x: sp.xlogy(x, x + 3), 0.1, 2, False)
    binary("jn", lambda n, x: sp.jn(2, x) * n, la=(1, 2), cplx=False); binary("iv", lambda v, x: sp.iv(v, x), la=(0.5, 2), lb=(0.5, 2), cplx=False)
    binary("kv", lambda v, x: sp.kv(2.5, x) + 0 * v, lb=(0.5, 2), cplx=False)
    binary("xlogy", sp.xlogy, la=(0.1, 2), lb=(0.5, 2), cplx=False); binary("xlog1py", sp.xlog1py, la=(0.1, 2), lb=(0.5, 2), cplx=False)
    binary("beta", sp.beta, la=(0.5, 3), lb=(0.5, 3), cplx=False); binary("betaln", sp.betaln, la=(0.5, 3), lb=(0.5, 3), cplx=False)
    binary("gammainc", lambda a, x: sp.gammainc(2.0, x) * a, la=(0.5, 3), lb=(0.5, 3), cplx=False)
    binary("gammaincc", lambda a, x: sp.gammaincc(2.5, x) * a, la=(0.5, 3), lb=(0.5, 3), cplx=False)
    binary("rel_entr", sp.rel_entr, la=(0.5, 3), lb=(0.5, 3), cplx=False); binary("kl_div", sp.kl_div, la=(0.5, 3), lb=(0.5, 3), cplx=False)
    binary("huber", lambda d, r: sp.huber(1.0, r) * d, la=(0.5, 3), cplx=False)
    binary("multigammaln", lambda a, b: sp.multigammaln(a + 3, 2) * b, la=(0.5, 3), cplx=False)
    combo("logsumexp", sp.logsumexp, [0], [R(4), R(3, 4)], axis=[None, 0, -1], keepdims=[True, False])
    combo("logsumexp_b", lambda a, b: sp.logsumexp(a, b=b), [0, 1], [R(4), R(3, 4)], [U(0.5, 2, 4)])
    combo("logsumexp_sign", lambda a: sp.logsumexp(a, b=np.array([1.0, -0.2, 0.3, 0.1]), return_sign=True)[0], [0], [R(4)])
    combo("softmax", sp.softmax, [0], [R(4), R(3, 4)], axis=[None, 0, -1])
    combo("log_softmax", sp.log_softmax, [0], [R(4), R(3, 4)], axis=[None, -1])
    for dist, args in [("norm", [(0, 1), (0.3, 1.5)]), ("t", [(4.5,), (4.5, 0.2, 1.3)]), ("gamma", [(2.5,), (2.5, 0.1, 1.4)]),
                       ("beta", [(2.0, 3.0)]), ("poisson", None), ("laplace", [(0.2, 1.3)]), ("cauchy", [(0.2, 1.3)]),
                       ("expon", [(0.0, 1.3)]), ("logistic", [(0.2, 1.3)]), ("lognorm", [(0.7,)]), ("chi2", [(3.5,)]),
                       ("dirichlet", None), ("multivariate_normal", None)]:
        if args is None:
            continue
        d = getattr(st, dist)
        lo = 0.1 if dist in ("gamma", "beta", "expon", "lognorm", "chi2") else -2
        hi = 0.9 if dist == "beta" else 2
        for fname in ["pdf", "logpdf", "cdf", "logcdf", "sf", "logsf"]:
            fn = getattr(d, fname)
            for a in args:
                wrt = [0] + list(range(1, 1 + len(a)))
                combo(f"{dist}.{fname}{len(a)}", fn, wrt, [U(lo, hi, 3), U(lo, hi)], *[[v] for v in a], second=False)
    combo("poisson.logpmf", lambda k, mu: st.poisson.logpmf(k, mu), [1], [np.array([0, 2, 3])], [1.5, U(0.5, 2, 3)])
    combo("poisson.pmf", lambda k, mu: st.poisson.pmf(k, mu), [1], [np.array([0, 2, 3])], [1.5])
    combo("dirichlet.logpdf", lambda x, a: st.dirichlet.logpdf(x, a), [0, 1], [np.array([0.2, 0.3, 0.5])], [np.array([1.5, 2.0, 3.0])])
    combo("mvn.logpdf", lambda x, m, c: st.multivariate_normal.logpdf(x, m, c), [0, 1, 2], [R(3), R(4, 3)], [R(3)], [_spd(3)])
    combo("mvn.pdf", lambda x, m: st.multivariate_normal.pdf(x, m, np.eye(3)), [0, 1], [R(3)], [R(3)])
    combo("norm.ppf", st.norm.ppf, [0], [U(0.1, 0.9, 3)])
    combo("t.logpdf_df", lambda x, df: st.t.logpdf(x, df), [0, 1], [R(3)], [3.5, U(2, 5, 3)])
    combo("gamma.logpdf_a", lambda x, a: st.gamma.logpdf(x, a), [0, 1], [U(0.1, 2, 3)], [2.5])
    combo("beta.logpdf_ab", lambda x, a, b: st.beta.logpdf(x, a, b), [0, 1, 2], [U(0.1, 0.9, 3)], [2.0], [3.0])
    combo("norm.logpdf_kw", lambda x, m, s: st.norm.logpdf(x, loc=m, scale=s), [0, 1, 2], [R(3)], [0.3], [1.3])
    combo("convolve", np.convolve, [0, 1], [R(5), R(3)], [R(3), R(5)], mode=["full", "same", "valid"])
    import scipy.signal as ss
    combo("s_convolve", ss.convolve, [0, 1], [R(5), R(4, 4)][:1], [R(3)], mode=["full", "same", "valid"])
    combo("s_convolve2d", ss.convolve2d, [0, 1], [R(4, 4)], [R(2, 3)], mode=["full", "same", "valid"])
    combo("s_correlate2d", ss.correlate2d, [0, 1], [R(4, 4)], [R(2, 3)], mode=["full", "same", "valid"])
    combo("correlate", np.correlate, [0, 1], [R(5)], [R(3)], mode=["full", "same", "valid"])
    combo("fftconvolve", ss.fftconvolve, [0, 1], [R(5)], [R(3)])


@group("scipy2")
def _scipy2():
    import scipy.special as sp, scipy.stats as st, scipy.signal as ss
    for n in ["pdf", "cdf", "logpdf", "logcdf", "sf", "logsf"]:
        combo("norm." + n, getattr(st.norm, n), [0, 1, 2], [R(4)], [R(4)], [R(4) ** 2 + 1.1], second=n in ("pdf", "logpdf"))
        combo("norm.b." + n, getattr(st.norm, n), [0, 1, 2], [R(4, 3)], [R(1, 3)], [R(4, 1) ** 2 + 1.1], second=False)
    for n, w in [("pdf", [0, 1, 2, 3]), ("cdf", [0, 2]), ("logpdf", [0, 1, 2, 3]), ("logcdf", [0, 2])]:
        combo("t." + n, getattr(st.t, n), w, [R(4)], [R(4) ** 2 + 2.1], [R(4)], [R(4) ** 2 + 2.1], second=False)
        combo("t.b." + n, getattr(st.t, n), w, [R(4, 3)], [R(1, 3) ** 2 + 2.1], [R(4, 3)], [R(4, 1) ** 2 + 2.1], second=False)
    def psd(m):
        return m.T @ m + np.eye(m.shape[0])
    combo("mvn.logpdf3", st.multivariate_normal.logpdf, [0, 1, 2], [R(4), R(5, 4)], [R(4)], [psd(R(4, 4))])
    combo("mvn.pdf3", st.multivariate_normal.pdf, [0, 1, 2], [R(4), R(5, 4)], [R(4)], [psd(R(4, 4))], second=False)
    combo("mvn.entropy", st.multivariate_normal.entropy, [0, 1], [R(4)], [psd(R(4, 4))])
    alpha = _r.random(4) ** 2 + 1.2
    xd = st.dirichlet.rvs(alpha, size=1, random_state=1)[0, :]
    combo("dirichlet.pdf_x", lambda x, a: st.dirichlet.pdf(x / sum(x), a), [0], [xd], [alpha])
    combo("dirichlet.logpdf_x", lambda x, a: st.dirichlet.logpdf(x / sum(x), a), [0], [xd], [alpha])
    combo("dirichlet.pdf_a", st.dirichlet.pdf, [1], [xd], [alpha])
    combo("dirichlet.logpdf_a", st.dirichlet.logpdf, [1], [xd], [alpha])
    combo("logsumexp1", sp.logsumexp, [0], [1.1, R(4), R(3, 4)], axis=[None, 0], keepdims=[True, False])
    combo("logsumexp2", sp.logsumexp, [0], [R(3, 4), R(4, 5, 6), R(1, 5)], axis=[None, 0, 1], keepdims=[True, False], second=False)
    combo("logsumexp3", sp.logsumexp, [0], [R(4)], b=[np.exp(R(4))], axis=[None, 0], keepdims=[True, False])
    combo("logsumexp4", sp.logsumexp, [0], [R(3, 4)], b=[np.exp(R(3, 4))], axis=[None, 0, 1], keepdims=[True, False])
    combo("logsumexp5", sp.logsumexp, [0], [R(2, 3, 4)], b=[np.exp(R(2, 3, 4))], axis=[None, 0, 1], keepdims=[True, False], second=False)
    combo("logsumexp6", lambda a: sp.logsumexp(a, axis=1, keepdims=True), [0], [R(1, 5)])
    combo("convolve", ss.convolve, [0, 1], [R(4), R(5), R(6)], [R(2), R(3), R(4)], mode=["full", "valid"])
    combo("convolve2d", ss.convolve, [0, 1], [R(4, 3), R(5, 4), R(6, 7)], [R(2, 2), R(3, 2), R(4, 2), R(4, 1)], mode=["full", "valid"], second=False)
    combo("polygamma", sp.polygamma, [1], [0, 1], [R(4) ** 2 + 1.3])
    combo("jn", sp.jn, [1], [2], [R(4) ** 2 + 1.3]); combo("yn", sp.yn, [1], [2], [R(4) ** 2 + 1.3])
    combo("jv", sp.jv, [1], [2.5, 0], [R(4) ** 2 + 1.3]); combo("yv", sp.yv, [1], [1.5], [R(4) ** 2 + 1.3])
    unary("psi", sp.psi, 0.3, 2.0, False); unary("gammasgn", sp.gammasgn, 0.3, 2.0, False)
    unary("j0_wide", sp.j0, 0.2, 20.0, False); unary("y1_wide", sp.y1, 0.2, 20.0, False)
    combo("multigammaln_d", sp.multigammaln, [0], [U(4.0, 5.0), U(4.0, 5.0, 2, 3)], [1, 2, 3])
    unary("erf_wide", sp.erf, -3.0, 3.0, True); unary("erfcinv_w", sp.erfcinv, 0.05, 1.95, False)


def main(argv):
    groups = [a for a in argv if a in GROUPS] or list(GROUPS)
    filt = [a for a in argv if a not in GROUPS]
    for g in groups:
        GROUPS[g]()
    counts = {}
    for label, f, args, argnums, second in CASES:
        if filt and not any(s in label for s in filt):
            continue
        c, msg = classify(f, args, argnums, second)
        counts[c] = counts.get(c, 0) + 1
        print(f"{c:9s} {label}  {msg}", flush=True)
    print(counts)


if __name__ == "__main__":
    main(sys.argv[1:])
