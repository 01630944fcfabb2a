# ruff: noqa
"""Probes of helper 82 (session 45), in the style of autograd's test_scalar_ops,
test_binary_ops, test_core, test_direct, test_logic, test_builtins, test_wrappers,
test_graphs, test_complex, test_fft, test_dict / test_list / test_tuple, and of JAX-style
indexing, reductions over axis tuples, joins, mixed scalar types, np.linalg's newer
spellings, scipy.special and scipy.stats: each probe checks grad (and jvp and a second
derivative where the suite does) against central differences.  Classified OK / REFUSED /
CRASH / WRONG.

    python tools/user_programs/suite45.py [filter ...]
"""
import sys, os, traceback, warnings, itertools as it
HERE = os.path.dirname(os.path.abspath(__file__)); ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [ROOT, HERE, os.path.join(ROOT, "tests")]
import numpy as np
import s2sad
from suite44 import fd_grad, close, check, to_scalar
warnings.filterwarnings("ignore")
PROBES = []

def probe(fn):
    PROBES.append(fn)
    return fn

class Wrong(AssertionError):
    pass

def expect(cond, msg=""):
    if not cond:
        raise Wrong(msg)

def cg(f, args, argnums=(0,), second=True):
    r = check(f, args, list(argnums), second)
    if r:
        raise Wrong(str({k: v for k, v in list(r.items())[:2]})[:500])

def near(a, b, rtol=1e-5, atol=1e-6, msg=""):
    a = np.asarray(a); b = np.asarray(b)
    if not (a.shape == b.shape and np.allclose(a, b, rtol=rtol, atol=atol)):
        raise Wrong(f"{msg} got {a!r} expected {b!r}"[:500])

def run(argv):
    filt = argv[1:]
    counts = {}
    for p in PROBES:
        if filt and not any(s in p.__name__ for s in filt):
            continue
        try:
            p()
            c, msg = "OK", ""
        except Wrong as e:
            c, msg = "WRONG", str(e)[:400]
        except s2sad.DifferentiationError as e:
            c, msg = "REFUSED", str(e).splitlines()[0][:300]
        except Exception as e:
            tb = traceback.extract_tb(e.__traceback__)[-1]
            c, msg = "CRASH", f"{type(e).__name__}: {str(e)[:250]} @ {os.path.basename(tb.filename)}:{tb.lineno}"
        counts[c] = counts.get(c, 0) + 1
        print(f"{c:8s} {p.__name__}  {msg}", flush=True)
    print(counts)

# ===== p1 =====
from functools import partial
npr = np.random.RandomState(1)

@probe
def scalar_abs_at_zero():
    fun = lambda x: 3.0 * np.abs(x)
    near(s2sad.grad(fun)(0.0), 0.0)
    near(s2sad.jvp(fun)(0.0, 1.0)[1], 0.0)
    cg(fun, (1.1,)); cg(fun, (-1.1,))

@probe
def scalar_power_y_zero():
    fun = lambda x: np.power(x, 0.)
    near(s2sad.grad(fun)(0.), 0.)
    near(s2sad.grad(s2sad.grad(fun))(0.), 0.)

@probe
def scalar_power_arg1_zero_base():
    fun = lambda y: np.power(0., y)
    cg(fun, (0.3,))

@probe
def scalar_power_arg1():
    x = 0.7
    fun = lambda y: np.power(x, y)
    cg(fun, (0.4,))

@probe
def scalar_mod_rand():
    fun = lambda x, y: np.mod(x, y)
    cg(fun, (0.417, 0.72), (0, 1))

@probe
def scalar_ops_misc():
    for fn in [lambda x: 3.0 * np.rad2deg(x), lambda x: 3.0 * np.sinc(x), lambda x: 3.0 * np.arccosh(x), lambda x: np.reciprocal(x), lambda x: np.negative(x), lambda x: 3.0 * np.exp2(x), lambda x: 3.0 * - x]:
        cg(fn, (1.7,))

def arg_pairs():
    rs = np.random.RandomState(0)
    scalar = 2.0
    vector = rs.randn(4)
    mat = rs.randn(3, 4)
    mat2 = rs.randn(1, 4)
    allargs = [scalar, vector, mat, mat2]
    return list(it.product(allargs, allargs))

def _binop(op, transform=lambda a, b: (a, b), skip_same=False):
    fun = lambda x, y: to_scalar(op(x, y))
    for a1, a2 in arg_pairs():
        if skip_same and a1 is a2:
            continue
        a1, a2 = transform(a1, a2)
        cg(fun, (a1, a2), (0, 1))

gap = lambda x: np.sqrt(x ** 2 + 0.5)

@probe
def binary_mul(): _binop(lambda x, y: x * y)
@probe
def binary_add(): _binop(lambda x, y: x + y)
@probe
def binary_sub(): _binop(lambda x, y: x - y)
@probe
def binary_div(): _binop(lambda x, y: x / y, lambda a, b: (gap(a), gap(b)))
@probe
def binary_mod(): _binop(lambda x, y: x % y, lambda a, b: (gap(a), gap(b)), skip_same=True)
@probe
def binary_pow(): _binop(lambda x, y: x ** y, lambda a, b: (np.abs(a) + 1.1, b))

@probe
def binary_comparison_grads():
    funs = [lambda x, y: np.sum(x < x) + 0.0, lambda x, y: np.sum(x <= y) + 0.0, lambda x, y: np.sum(x > y) + 0.0,
            lambda x, y: np.sum(x >= y) + 0.0, lambda x, y: np.sum(x == y) + 0.0, lambda x, y: np.sum(x != y) + 0.0]
    for a1, a2 in arg_pairs():
        zeros = (a1 + a2) * 0
        for fun in funs:
            g0 = s2sad.grad(fun)(a1, a2); g1 = s2sad.grad(fun, wrt=1)(a1, a2)
            expect(np.all(g0 == zeros) is not None and np.shape(g0) == np.shape(a1) and np.all(g0 == 0), f"g0 {g0}")
            expect(np.shape(g1) == np.shape(a2) and np.all(g1 == 0), f"g1 {g1}")
            d0 = lambda x, y: to_scalar(s2sad.grad(fun, wrt=0)(x, y))
            gg = s2sad.grad(d0)(a1, a2)
            expect(np.all(np.asarray(gg) == 0), "gg")
            v, _ = s2sad.value_and_grad(fun)(a1, a2)
            expect(v == fun(a1, a2), f"value {v} {fun(a1, a2)}")

@probe
def core_comparison_returns_bool():
    for fun in [lambda x, y: x == y, lambda x, y: x != y, lambda x, y: x <= y, lambda x, y: x >= y, lambda x, y: x < y, lambda x, y: x > y]:
        a = s2sad.grad(fun)(0.7, 1.8); b = s2sad.grad(fun, wrt=1)(0.7, 1.8)
        expect(a == 0 and b == 0, f"{a} {b}")

@probe
def core_binary():
    for fun in [lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x / y, lambda x, y: x * y, lambda x, y: x ** y, lambda x, y: x % y]:
        cg(fun, (0.7, 1.8), (0, 1))

@probe
def direct_grad():
    def fun(x): return (x + np.sin(x**2)) * x
    near(s2sad.grad(fun)(1.3), 3.190948746871)

@probe
def direct_grad_complex_output_typeerror():
    def fun(x): return x * (1.0 + 0.2j)
    try:
        s2sad.grad(fun)(1.0)
    except TypeError:
        return
    except s2sad.DifferentiationError as e:
        raise Wrong("DifferentiationError not TypeError: " + str(e).splitlines()[0][:200])
    raise Wrong("no error")

@probe
def direct_holomorphic():
    def fun(x): return x * (1.0 + 0.2j)
    g = s2sad.grad(fun, holomorphic=True)(1.0 + 0.0j)
    near(g, 1.0 + 0.2j)

@probe
def logic_assert():
    def fun(x):
        assert np.allclose(x, (x*3.0)/3.0)
        return np.sum(x)
    cg(fun, (np.array([1.0, 2.0, 3.0]),))

@probe
def logic_nograd_typeerror():
    fun = lambda x: np.allclose(x, (x*3.0)/3.0)
    try:
        s2sad.grad(fun)(np.array([1., 2., 3.]))
    except TypeError:
        return
    except s2sad.DifferentiationError as e:
        raise Wrong("DifferentiationError (ValueError) not TypeError: " + str(e).splitlines()[0][:200])
    raise Wrong("no error")

@probe
def logic_falseyness():
    fun = lambda x: x**2 if np.iscomplex(x) else np.sum(x)
    cg(fun, (2.,))
    near(s2sad.grad(fun, holomorphic=True)(2. + 1j), 2 * (2. + 1j))

@probe
def builtins_isinstance():
    def checker(ex, type_, truthval):
        assert isinstance(ex, type_) == truthval
        return 1.
    for type_, pos, neg in [[list, [[]], [()]], [np.ndarray, [np.zeros(1)], [[]]], [(tuple, list), [[], ()], [np.zeros(1)]]]:
        for ex in pos:
            s2sad.grad(checker)(ex, type_, True)
        for ex in neg:
            s2sad.grad(checker)(ex, type_, False)

@probe
def wrappers_return_both():
    fun = lambda x: 3.0 * x**3.2
    f, d = s2sad.value_and_grad(fun)(1.7)
    expect(f == fun(1.7) and d == s2sad.grad(fun)(1.7), f"{f} {d}")

@probe
def wrappers_value_and_grad_of_value():
    fun = lambda x: np.sum(np.sin(x) ** 2)
    dboth = s2sad.value_and_grad(fun)
    def fun2(x):
        return dboth(x)[0]
    cg(fun2, (npr.randn(5),), second=False)

@probe
def wrappers_multigrad():
    def complicated_fun(a, b, c, d, e, f=1.1, g=9.0):
        return a + np.sin(b) + np.cosh(c) + np.cos(d) + np.tan(e) + f + g
    g = s2sad.grad(complicated_fun, wrt=(3, 1))(0.5, -0.3, 0.2, -1.1, 0.7, f=0.6, g=-0.1)
    near(g, (-np.sin(-1.1), np.cos(-0.3)))
    v, g2 = s2sad.value_and_grad(complicated_fun, wrt=(3, 1))(0.5, -0.3, 0.2, -1.1, 0.7, f=0.6, g=-0.1)
    near(g2, g)
    def c31(d_b):
        d, b = d_b
        return complicated_fun(0.5, b, 0.2, d, 0.7, f=0.6, g=-0.1)
    e = s2sad.grad(c31)((-1.1, -0.3))
    expect(isinstance(e, tuple), type(e))
    near(e, g)

@probe
def wrappers_multigrad_onearg():
    fun = lambda x, y: np.sum(x + np.sin(y))
    packed = lambda xy: np.sum(xy[0] + np.sin(xy[1]))
    A, B = npr.randn(3), npr.randn(3)
    a = s2sad.grad(fun, wrt=(0,))(A, B)
    b = s2sad.grad(packed)((A, B))
    expect(isinstance(a, tuple) and len(a) == 1, f"{type(a)}")
    near(a[0], b[0])

@probe
def wrappers_elementwise_grad():
    def simple_fun(a):
        return a + np.sin(a) + np.cosh(a)
    A = npr.randn(10)
    _, eg = s2sad.vjp(simple_fun)(A, np.ones(10))
    near(eg, np.array([s2sad.grad(simple_fun)(A[i]) for i in range(10)]))
    def two(a, b):
        return a + np.sin(a) + np.cosh(b)
    B = npr.randn(10)
    _, eg = s2sad.vjp(two, wrt=1)(0.9, B, np.ones(10))
    near(eg, np.array([s2sad.grad(two, wrt=1)(0.9, B[i]) for i in range(10)]))

@probe
def wrappers_hvp():
    fun = lambda a: np.sum(np.sin(a))
    for shape in [(5,), (5, 4), (5, 4, 3)]:
        a = npr.randn(*shape); v = npr.randn(*shape)
        H = s2sad.hessian(fun)(a)
        def gv(a, v):
            return np.sum(s2sad.grad(fun)(a) * v)
        hv = s2sad.grad(gv)(a, v)
        near(hv, np.tensordot(H, v, axes=v.ndim))
        # forward over reverse
        _, hv2 = s2sad.jvp(s2sad.grad(fun))(a, v)
        near(hv2, hv)

@probe
def wrappers_tjp():
    fun = lambda a: np.roll(np.sin(a), 1)
    for sa, sv in [((5,), (5,)), ((5, 4), (5, 4)), ((5, 4, 3), (5, 4, 3))]:
        a = npr.randn(*sa); V = npr.randn(*sv)
        J = s2sad.jacobian(fun)(a)
        _, g = s2sad.vjp(fun)(a, V)
        near(g, np.tensordot(V, J, axes=V.ndim))
        J2 = s2sad.jacobian(fun, mode="forward")(a)
        near(J2, J)

@probe
def wrappers_partial():
    def f(x, y):
        return x
    d = s2sad.grad(partial(f, y=1))
    near(d(2.0), 1.0)

@probe
def wrappers_partial_positional():
    def f(x, y):
        return x * y ** 2
    near(s2sad.grad(partial(f, 3.0))(2.0), 12.0)
    near(s2sad.grad(partial(f, y=2.0))(3.0), 4.0)

@probe
def wrappers_dtypes():
    def f(x):
        return np.real(np.sum(x**2))
    y = npr.randn(10, 10).astype(np.float32)
    g = s2sad.grad(f)(y)
    expect(g.dtype.type is np.float32, f"{g.dtype}")
    y = npr.randn(10, 10).astype(np.float16)
    g = s2sad.grad(f)(y)
    expect(g.dtype.type is np.float16, f"{g.dtype}")
    s2sad.grad(f)(npr.randn(10, 10).astype(np.longdouble))

@probe
def wrappers_dtypes_clongdouble():
    def f(x):
        return np.real(np.sum(x**2))
    s2sad.grad(f)(npr.randn(3, 3).astype(np.clongdouble))

@probe
def wrappers_make_jvp():
    A = npr.randn(3, 5); x = npr.randn(5); v = npr.randn(5)
    fun = lambda x: np.tanh(np.dot(A, x))
    near(s2sad.jvp(fun)(x, v)[1], s2sad.jacobian(fun)(x) @ v)

@probe
def wrappers_ggnvp():
    A = npr.randn(5, 4); x = npr.randn(4); v = npr.randn(4)
    g = lambda y: np.sum(2.0 * y**2 + y**4)
    for fun in [lambda x: np.dot(A, x), lambda x: np.tanh(np.dot(A, x))]:
        J = s2sad.jacobian(fun)(x); H = s2sad.hessian(g)(fun(x))
        expl = J.T @ (H @ (J @ v))
        # ggnvp: vjp(f)(x, H_g(f(x)) jvp(f)(x, v))
        _, jv = s2sad.jvp(fun)(x, v)
        _, hjv = s2sad.jvp(s2sad.grad(g))(fun(x), jv)
        _, r = s2sad.vjp(fun)(x, hjv)
        near(r, expl)

@probe
def wrappers_grad_and_aux():
    A = npr.randn(5, 4); x = npr.randn(4)
    f = lambda x: (np.sum(np.dot(A, x)), x**2)
    g, aux = s2sad.grad(f, has_aux=True)(x)
    near(g, A.sum(0)); near(aux, x ** 2)

@probe
def interp_edge_period():
    x = np.arange(-20, 20, 0.1); xp = np.arange(10) * 1.0
    yp = xp ** 0.5 + np.random.RandomState(1).normal(size=xp.shape)
    for fun in [lambda yp: to_scalar(np.interp(x, xp, yp)), lambda yp: to_scalar(np.interp(x, xp, yp, left=-1, right=-1)),
                lambda yp: to_scalar(np.interp(np.arange(-20, 20, 0.5), xp, yp, period=10))]:
        cg(fun, (yp,))


# ===== p2 =====
npr = np.random.RandomState(1)
from gradcheck import check_vjp, check_grad, check_jvp

@probe
def graphs_fanout_third():
    fun = lambda x: np.sin(np.sin(x) + np.sin(x))
    df = s2sad.grad(fun); ddf = s2sad.grad(df); dddf = s2sad.grad(ddf)
    cg(fun, (0.3,)); cg(df, (0.4,)); cg(ddf, (0.5,), second=False)
    x = 0.5; e = 1e-5
    near(dddf(x), (ddf(x + e) - ddf(x - e)) / (2 * e), rtol=1e-4)

@probe
def graphs_third_other_args():
    fun = lambda x, y: np.sin(np.sin(x) + np.sin(y))
    df = s2sad.grad(fun); ddf = s2sad.grad(df, wrt=1); dddf = s2sad.grad(ddf)
    for f in (fun, df, ddf):
        cg(f, (0.3, -0.7), (0, 1), second=False)
    x, y, e = 0.3, -0.7, 1e-5
    near(dddf(x, y), (ddf(x + e, y) - ddf(x - e, y)) / (2 * e), rtol=1e-4)

@probe
def graphs_const_identity():
    near(s2sad.grad(lambda x: 1.0)(2.0), 0.0)
    df = s2sad.grad(lambda x: x)
    near(df(2.0), 1.0); near(s2sad.grad(df)(2.0), 0.0)

@probe
def graphs_hess_vector_prod():
    randv = npr.randn(10)
    def fun(x):
        return np.sin(np.dot(x, randv))
    df = s2sad.grad(fun)
    def vector_product(x, v):
        return np.sin(np.dot(v, df(x)))
    cg(vector_product, (npr.randn(10), npr.randn(10)), (0, 1))

@probe
def graphs_enclosing_scope():
    def fun(x):
        inner_fun = lambda y: x * y
        return x * s2sad.grad(inner_fun)(2.0)
    cg(fun, (1.0,))
    def fun2(x):
        inner_fun = lambda y: y * x
        return x * s2sad.grad(inner_fun)(2.0)
    cg(fun2, (1.0,))

@probe
def graphs_mutating_outgrad():
    def fun(a):
        b = a + 1.0
        c = b[0] + 1.5
        d = a + b
        e = d + c
        return to_scalar(e)
    cg(fun, (npr.randn(5),))

@probe
def graphs_complex_mutating_outgrad():
    def fun(a):
        b = a + 1.0j
        c = b[0] + 1.5
        d = a + b
        e = d + c
        return to_scalar(e)
    cg(fun, (npr.randn(5),))

@probe
def graphs_complex_separate():
    def fun(a):
        r, i = np.real(a), np.imag(a)
        a = np.abs(r)**1.4 + np.abs(i)**1.3
        return to_scalar(a)
    cg(fun, (npr.randn(5, 3) + 0.1j*npr.randn(5, 3),))

@probe
def graphs_singleton_outputs():
    for fun, x in [(lambda x: np.sum(np.sin(x), keepdims=True), npr.randn(3, 3)),
                   (lambda x: np.sum(np.sin(x), axis=0, keepdims=False), npr.randn(3, 1)),
                   (lambda x: np.sum(np.sin(x), axis=1, keepdims=False), npr.randn(1, 3)),
                   (lambda x: np.sum(np.sin(x), axis=0, keepdims=True), npr.randn(3, 1)),
                   (lambda x: np.sum(np.sin(x), axis=1, keepdims=True), npr.randn(1, 3))]:
        g = s2sad.grad(fun)(x)
        near(g, np.cos(x))
        d2 = lambda x: np.sum(s2sad.grad(fun)(x))
        cg(d2, (x,), second=False)

@probe
def graphs_nonscalar_typeerror():
    try:
        s2sad.grad(lambda x: x * 2)(np.zeros(2))
    except TypeError:
        return
    raise Wrong("no TypeError")

@probe
def complex_real_type():
    fun = lambda x: np.sum(np.real(x))
    df = s2sad.grad(fun)
    expect(type(df(1.0)) == float, type(df(1.0)))

@probe
def complex_real_type_of_complex():
    fun = lambda x: np.sum(np.real(x))
    g = s2sad.grad(fun)(1.0j)
    expect(type(g) == complex, type(g))
    near(g, 1.0)

@probe
def complex_real_if_close_type():
    fun = lambda x: np.sum(np.real_if_close(x))
    expect(type(s2sad.grad(fun)(1.0)) == float, "")

@probe
def complex_angle_abs():
    for fun, x in [(lambda x: to_scalar(np.angle(x)), 0.4), (lambda x: to_scalar(np.angle(x)), 0.4 + 0.7j),
                   (lambda x: to_scalar(np.abs(x)), 1.1), (lambda x: to_scalar(np.abs(x)), 1.1 + 1.2j)]:
        cg(fun, (x,))

def _fft_case(fn, mat):
    fun = lambda x: to_scalar(fn(x))
    cg(fun, (mat,))

@probe
def fft_basic():
    D = 5; mat = npr.randn(D, D)
    for fn in [np.fft.fft, lambda x: np.fft.fft(x, axis=0), np.fft.ifft, np.fft.fft2, np.fft.ifft2, np.fft.fftn, np.fft.ifftn,
               np.fft.fftshift, lambda x: np.fft.fftshift(x, axes=1), np.fft.ifftshift, lambda x: np.fft.ifftshift(x, axes=1)]:
        _fft_case(fn, mat / 10.0)
    _fft_case(np.fft.fftshift, npr.randn(4, 4)); _fft_case(np.fft.ifftshift, npr.randn(4, 4))

@probe
def fft_n():
    D = 5
    for fn in (np.fft.fft, np.fft.ifft):
        for n in (D - 2, D + 2):
            _fft_case(lambda x: fn(x, n), npr.randn(D, D))

@probe
def fft_s_axes():
    D = 5
    for fn in (np.fft.fft2, np.fft.ifft2, np.fft.fftn, np.fft.ifftn):
        _fft_case(lambda x: fn(x, s=[D + 2, D - 2], axes=[0, 2]), npr.randn(D, D, D) / 10.0)

@probe
def fft_real():
    D = 5
    for fn, m in [(np.fft.rfft, npr.randn(D, D)), (lambda x: np.fft.rfft(x, axis=0), npr.randn(D, D)),
                  (np.fft.rfft2, npr.randn(D, D)), (np.fft.rfftn, npr.randn(D, D, D)),
                  (lambda x: np.fft.rfft(x, n=D - 2), npr.randn(D, D)), (lambda x: np.fft.rfft(x, n=D + 2), npr.randn(D, D)),
                  (lambda x: np.fft.rfft2(x, s=[D + 2, D - 2], axes=[0, 2]), npr.randn(D, D, D)),
                  (lambda x: np.fft.rfftn(x, s=[D - 2, D + 2], axes=[0, 2]), npr.randn(D, D, D))]:
        _fft_case(fn, m)

@probe
def fft_irfft():
    D = 5
    def mk(shape):
        return npr.randn(*shape) + 1j * npr.randn(*shape)
    for fn, m in [(np.fft.irfft, mk((D, D))), (lambda x: np.fft.irfft(x, axis=0), mk((D, D))),
                  (np.fft.irfft2, mk((D, D))), (np.fft.irfftn, mk((D, D, D))),
                  (lambda x: np.fft.irfft(x, n=D - 2), mk((D, D))), (lambda x: np.fft.irfft(x, n=D + 2), mk((D, D))),
                  (lambda x: np.fft.irfft2(x, s=[D + 2, D - 2], axes=[0, 2]), mk((D, D, D))),
                  (lambda x: np.fft.irfftn(x, s=[D - 2, D + 2], axes=[0, 2]), mk((D, D, D)))]:
        _fft_case(fn, m)

@probe
def fft_irfft_realinput():
    D = 5
    for fn, m in [(np.fft.irfft, npr.randn(D, D)), (np.fft.irfft2, npr.randn(D, D)), (np.fft.irfftn, npr.randn(D, D, D))]:
        _fft_case(fn, m)

@probe
def fft_norm_ortho():
    D = 5
    for fn, m in [(lambda x: np.fft.fft(x, norm="ortho"), npr.randn(D)), (lambda x: np.fft.ifft(x, norm="ortho"), npr.randn(D)),
                  (lambda x: np.fft.rfft(x, norm="ortho"), npr.randn(D)), (lambda x: np.fft.irfft(x, norm="ortho"), npr.randn(D) + 0j),
                  (lambda x: np.fft.fft2(x, norm="forward"), npr.randn(D, D)), (lambda x: np.fft.hfft(x), npr.randn(D) + 0.5j * npr.randn(D)),
                  (lambda x: np.fft.ihfft(x), npr.randn(D))]:
        _fft_case(fn, m)

@probe
def fft_complex_in():
    D = 4
    for fn in [np.fft.fft, np.fft.ifft, np.fft.fft2, np.fft.fftn, np.fft.ifftn, np.fft.fftshift]:
        _fft_case(fn, npr.randn(D, D) + 1j * npr.randn(D, D))

@probe
def dict_getter():
    def fun(input_dict):
        A = np.sum(input_dict['item_1'])
        B = np.sum(input_dict['item_2'])
        C = np.sum(input_dict['item_2'])
        return A + B + C
    d = {'item_1': npr.randn(5, 6), 'item_2': npr.randn(4, 3), 'item_X': npr.randn(2, 4)}
    r = s2sad.grad(fun)(d)
    near(r['item_1'], np.ones((5, 6))); near(r['item_2'], 2 * np.ones((4, 3))); near(r['item_X'], np.zeros((2, 4)))

def _dict_funs():
    def fun_iter(input_dict):
        A = 0.
        B = 0.
        for i, k in enumerate(sorted(input_dict)):
            A = A + np.sum(np.sin(input_dict[k])) * (i + 1.0)
            B = B + np.sum(np.cos(input_dict[k]))
        return A + B
    def fun_items(input_dict):
        A = 0.
        B = 0.
        for i, (k, v) in enumerate(input_dict.items()):
            A = A + np.sum(np.sin(v)) * (i + 1.0)
            B = B + np.sum(np.cos(v))
        for v in input_dict.values():
            A = A + np.sum(np.sin(v))
        for k in input_dict.keys():
            A = A + np.sum(np.cos(input_dict[k]))
        return A + B
    return [fun_iter, fun_items]

@probe
def dict_iter_items_second():
    d = {'item_1': npr.randn(2, 3), 'item_2': npr.randn(2, 2), 'item_X': npr.randn(2, 1)}
    for fun in _dict_funs():
        check_grad(fun, d)
        def d_fun(input_dict, fun=fun):
            g = s2sad.grad(fun)(input_dict)
            A = np.sum(g['item_1'])
            B = np.sum(np.sin(g['item_1']))
            C = np.sum(np.sin(g['item_2']))
            return A + B + C
        check_grad(d_fun, d, rtol=1e-4, atol=1e-5)

@probe
def dict_get():
    def fun(d, x):
        return d.get('item_1', x)**2
    for d in [{'item_1': 3.}, {'item_2': 4.}, {}]:
        check_grad(fun, d, 2., wrt=(0, 1))

@probe
def dict_make():
    def fun(x):
        return dict([('a', x)], b=x)
    v, g = s2sad.vjp(fun)(1.0, {'a': 0.3, 'b': 0.5})
    near(g, 0.8)
    def fun2(x):
        return dict({'a': x})
    v, g = s2sad.vjp(fun2)(1.0, {'a': 0.3})
    near(g, 0.3)

@probe
def dict_isinstance():
    def fun(x):
        assert isinstance(x, dict)
        return x['x']
    g = s2sad.grad(fun)({'x': 1.})
    near(g['x'], 1.0)

@probe
def list_getter_grads():
    def fun(input_list):
        A = np.sum(input_list[0])
        B = np.sum(input_list[1])
        C = np.sum(input_list[1])
        return A + B + C
    L = [npr.randn(5, 6), npr.randn(4, 3), npr.randn(2, 4)]
    r = s2sad.grad(fun)(L)
    near(r[0], np.ones((5, 6))); near(r[1], 2 * np.ones((4, 3))); near(r[2], np.zeros((2, 4)))
    def fun2(input_list):
        return np.sum(np.sin(input_list[0])) + np.sum(np.cos(input_list[1]))
    def d_fun(input_list):
        g = s2sad.grad(fun2)(input_list)
        return np.sum(g[0]) + np.sum(np.sin(g[0])) + np.sum(np.sin(g[1]))
    L = [npr.randn(2, 3), npr.randn(2, 2), npr.randn(2, 1)]
    check_grad(fun2, L); check_grad(d_fun, L, rtol=1e-4, atol=1e-5)
    T = tuple(L)
    check_grad(fun2, T); check_grad(d_fun, T, rtol=1e-4, atol=1e-5)

@probe
def list_slices():
    def f(x):
        s = slice(None, -1, None)
        y = x[s]
        return y[0]
    g = s2sad.grad(f)([1., 2., 3.])
    expect(g == [1.0, 0.0, 0.0], g)
    def f2(x):
        y = x[1:3]
        return y[0]
    g = s2sad.grad(f2)([1., 2., 3.])
    expect(g == [0.0, 1.0, 0.0], g)

@probe
def list_nested():
    A = [[1.0], 2.0, 1.5]
    def fun(x):
        return x[1:][0]
    g = s2sad.grad(fun)(A)
    expect(g == [[0.0], 1.0, 0.0], g)

@probe
def list_make():
    def fun(x):
        return list((x, x))
    v, g = s2sad.vjp(fun)(1.0, [0.3, 0.5])
    near(g, 0.8)
    def fun3(x):
        return tuple([x, 2 * x])
    v, g = s2sad.vjp(fun3)(1.0, (0.3, 0.5))
    near(g, 1.3)

@probe
def list_isinstance():
    def fun(x):
        assert isinstance(x, list)
        return x[0]
    g = s2sad.grad(fun)([1., 2., 3.])
    expect(g == [1.0, 0.0, 0.0], g)
    def fun2(x):
        assert isinstance(x, tuple)
        return x[0]
    g = s2sad.grad(fun2)((1., 2., 3.))
    expect(g == (1.0, 0.0, 0.0), g)

@probe
def tuple_nested_higher_order():
    def outer_fun(x):
        def inner_fun(y):
            return y[0] * y[1]
        return np.sum(np.sin(np.array(s2sad.grad(inner_fun)((x, x)))))
    cg(outer_fun, (5.,))
    g1 = s2sad.grad(outer_fun)
    cg(g1, (10.,), second=False)
    g2 = s2sad.grad(g1)
    x, e = 10., 1e-5
    near(g2(x), (g1(x + e) - g1(x - e)) / (2 * e), rtol=1e-4)


# ===== p3 =====
import scipy.special as sp, scipy.stats as st
R = np.random.RandomState(3).randn

def one(name, fn, *args, wrt=(0,), second=True):
    def pr():
        cg(lambda *a: to_scalar(fn(*a)), args, wrt, second)
    pr.__name__ = name
    probe(pr)

X = R(3, 4); Y = R(2, 3, 4)
one("idx_bool_mask", lambda x: x[x > 0], X)
one("idx_bool_mask_row", lambda x: x[np.array([True, False, True])], X)
one("idx_bool_mask_col", lambda x: x[:, np.array([True, False, True, True])], X)
one("idx_ix", lambda x: x[np.ix_([0, 2], [1, 3])], X)
one("idx_ix_rep", lambda x: x[np.ix_([0, 0, 2], [1, 1])], X)
one("idx_ellipsis", lambda x: x[..., 1], Y)
one("idx_ellipsis2", lambda x: x[0, ...], Y)
one("idx_newaxis", lambda x: x[:, None, :] * x[None, :, :], X)
one("idx_none_ell", lambda x: x[..., None] * 2, X)
one("idx_fancy_rep", lambda x: x[[0, 0, 1], [1, 1, 2]], X)
one("idx_fancy_2d", lambda x: x[np.array([[0, 1], [2, 2]])], X)
one("idx_neg_step", lambda x: x[::-1, ::2], X)
one("idx_mixed", lambda x: x[1, [0, 2, 2]], Y)
one("idx_mixed2", lambda x: x[:, [0, 2], 1:3], Y)
one("idx_adv_sep", lambda x: x[[0, 1], :, [1, 2]], Y)
one("idx_take_flat", lambda x: x.flat[[1, 5, 5]], X)
one("idx_item", lambda x: x.item(3) * x, X)
one("idx_where1", lambda x: x[np.where(x > 0)], X)
one("idx_argsort", lambda x: x[np.argsort(x[:, 0])], X)
one("idx_nonzero_method", lambda x: x[(x > 0).nonzero()], X)
one("red_axis_tuple_sum", lambda x: np.sum(x, axis=(0, 2)), Y)
one("red_axis_tuple_mean_kd", lambda x: np.mean(x, axis=(0, 2), keepdims=True), Y)
one("red_axis_tuple_max", lambda x: np.max(x, axis=(1, 2)), Y)
one("red_axis_tuple_var", lambda x: np.var(x, axis=(0, 1), ddof=1), Y)
one("red_axis_tuple_std_kd", lambda x: np.std(x, axis=(-1, 0), keepdims=True), Y)
one("red_prod_tuple", lambda x: np.prod(x, axis=(0, 2)), Y)
one("red_norm_tuple", lambda x: np.linalg.norm(x, axis=(0, 2)), Y)
one("red_lse_tuple", lambda x: sp.logsumexp(x, axis=(0, 2)), Y)
one("red_method_sum", lambda x: x.sum(axis=(0, 1), keepdims=True), Y)
one("red_method_mean", lambda x: x.mean(1).max(), Y)
one("red_method_var", lambda x: x.var(axis=0, ddof=1), X)
one("red_method_std", lambda x: x.std(), X)
one("red_method_prod", lambda x: x.prod(axis=1), X)
one("red_method_cumsum", lambda x: x.cumsum(axis=1), X)
one("red_method_cumprod", lambda x: x.cumprod(), X)
one("red_method_min", lambda x: x.min(axis=1, keepdims=True), X)
one("red_method_ptp", lambda x: np.ptp(x, axis=0), X)
one("red_mean_where", lambda x: np.mean(x, where=x > 0), X)
one("red_sum_where", lambda x: np.sum(x, axis=1, where=x > 0), X)
one("red_sum_initial", lambda x: np.sum(x, axis=0, initial=1.5), X)
one("red_max_initial", lambda x: np.max(x, axis=0, initial=-0.2), X, second=False)
one("red_average_w", lambda x, w: np.average(x, axis=1, weights=w), X, np.abs(R(4)) + 0.5, wrt=(0, 1))
one("red_average_ret", lambda x: np.average(x, axis=0, returned=True)[0], X)
one("red_cumsum_neg", lambda x: np.cumsum(x, axis=-2), Y)
one("red_nancumsum", lambda x: np.nancumsum(x, axis=1), X)
one("red_nancumprod", lambda x: np.nancumprod(x, axis=1), X)
one("red_count_nonzero_scale", lambda x: x * np.count_nonzero(x > 0), X)
one("red_all_any", lambda x: x * np.all(x > -5) + np.any(x > 0) * x, X)
one("red_median_tuple", lambda x: np.median(x, axis=(0, 2)), Y)
one("red_quantile", lambda x: np.quantile(x, 0.3, axis=1), X)
one("red_percentile_kd", lambda x: np.percentile(x, [20, 70], axis=0, keepdims=True), X)
one("red_trapezoid", lambda y: np.trapezoid(y, dx=0.5, axis=1) if hasattr(np, "trapezoid") else np.trapz(y, dx=0.5, axis=1), X)
one("red_trapz_x", lambda y, x: np.trapezoid(y, x) if hasattr(np, "trapezoid") else np.trapz(y, x), R(5), np.cumsum(np.abs(R(5))) , wrt=(0, 1))
one("red_einsum_reduce", lambda x: np.einsum("ijk->j", x), Y)
one("red_linalg_vecnorm", lambda x: np.linalg.vector_norm(x, axis=(0, 1), ord=3), Y)
one("red_linalg_matnorm", lambda x: np.linalg.matrix_norm(x, ord="nuc"), Y)
one("cat_axis_none", lambda a, b: np.concatenate([a, b], axis=None), X, R(2, 2), wrt=(0, 1))
one("cat_neg", lambda a, b: np.concatenate((a, b), axis=-2), Y, R(2, 1, 4), wrt=(0, 1))
one("stack_neg", lambda a, b: np.stack([a, b], axis=-1), X, R(3, 4), wrt=(0, 1))
one("stack_3", lambda a, b: np.stack((a, b, a * b), axis=1), X, R(3, 4), wrt=(0, 1))
one("stack_gen", lambda a: np.stack([a[i] * i for i in range(3)]), X)
one("hstack_scalars", lambda a, b: np.hstack([a, b, 1.0]), 0.3, 0.7, wrt=(0, 1))
one("array_of_scalars", lambda a, b: np.array([[a, b], [b * a, 1.0]]), 0.3, 0.7, wrt=(0, 1))
one("array_of_arrays", lambda a, b: np.array([a, b * 2]), R(3), R(3), wrt=(0, 1))
one("array_of_list_mixed", lambda a, b: np.array([a[0], b, a[1] * b]), R(3), 0.7, wrt=(0, 1))
one("r_", lambda a, b: np.r_[a, b, 0.5], R(3), R(2), wrt=(0, 1))
one("c_", lambda a, b: np.c_[a, b], R(3), R(3), wrt=(0, 1))
one("block", lambda a, b: np.block([[a, b], [b, a]]), R(2, 2), R(2, 2), wrt=(0, 1))
one("append", lambda a, b: np.append(a, b), R(3), R(2), wrt=(0, 1))
one("append_ax", lambda a, b: np.append(a, b, axis=0), X, R(1, 4), wrt=(0, 1))
one("insert", lambda a, b: np.insert(a, 1, b), R(4), 0.5, wrt=(0, 1))
one("delete", lambda a: np.delete(a, [0, 2]), R(4))
one("delete_ax", lambda a: np.delete(a, 1, axis=1), X)
one("column_stack_mix", lambda a, b: np.column_stack([a, b]), R(3), R(3, 2), wrt=(0, 1))
one("dstack", lambda a, b: np.dstack([a, b]), X, X * 2, wrt=(0, 1))
one("unstack", lambda a: np.unstack(a, axis=1)[2] if hasattr(np, "unstack") else a[:, 2], X)
one("concat_gen", lambda a: np.concatenate([a[i:i + 2] for i in range(2)]), R(5))
one("split_sum", lambda a: sum(p.sum() * (i + 1) for i, p in enumerate(np.split(a, 3))), R(6))
one("scalar_mix_int_float", lambda x: 2 * x + 3 // 2 + 1.5 * x ** 2 - x / 3, 0.7)
one("scalar_npfloat", lambda x: np.float64(2.0) * x + np.float32(1.5) * x ** 2, R(3))
one("scalar_python_int_pow", lambda x: x ** 2 + 2 ** x + x ** -1, 1.3)
one("scalar_rpow_arr", lambda x: np.float64(2.0) ** x, R(3))
one("scalar_divmod", lambda x: x // 0.3 + x % 0.3, 1.3)
one("scalar_rdiv", lambda x: 1 / x + 2.0 / x ** 2, 1.3)
one("scalar_neg_int", lambda x: -2 * x - (-x), R(3))
one("scalar_abs_builtin", lambda x: abs(x) + abs(-2.0 * x), -1.3)
one("scalar_round", lambda x: round(x, 2) * 0 + x, 1.3)
one("scalar_float_cast", lambda x: float(x) * 2.0, 1.3)
one("scalar_npsum_builtin", lambda x: sum([x, x * 2, 3.0]), 1.3)
one("scalar_max_builtin", lambda x, y: max(x, y) * min(x, 2.0 * y), 1.3, 0.4, wrt=(0, 1))
one("scalar_math", lambda x: __import__("math").exp(x) + __import__("math").log(x) + __import__("math").sqrt(x), 1.3)
one("scalar_pow_both", lambda x, y: x ** y, 1.3, 0.4, wrt=(0, 1))
one("scalar_array0d", lambda x: np.sin(np.array(x)) * x, 0.7)
one("scalar_asarray", lambda x: np.asarray(x) ** 2, R(3))
one("scalar_complex_mult", lambda x: np.real((x + 1j) * (x - 2j)), 0.7)
one("scalar_bool_mult", lambda x: (x > 0) * x + True * x, R(3))
one("scalar_int_arr", lambda x: x * np.arange(3) + np.ones(3, dtype=int) * x, R(3))
one("linalg_det_batch", lambda a: np.linalg.det(a), R(2, 3, 3))
one("linalg_slogdet_neg", lambda a: np.linalg.slogdet(a)[1], R(3, 3))
one("linalg_inv_batch2", lambda a: np.linalg.inv(a), R(2, 2, 3, 3) + 3 * np.eye(3))
one("linalg_eig_vecs", lambda a: np.abs(np.linalg.eig(a)[1][:, 0]), (lambda m: m + m.T)(R(3, 3)), second=False)
one("linalg_svd_u", lambda a: np.abs(np.linalg.svd(a)[0][:, :2]), R(3, 3))
one("linalg_norm_fro_ax", lambda a: np.linalg.norm(a, "fro", axis=(1, 2)), Y)
one("linalg_norm_nuc_b", lambda a: np.linalg.norm(a, "nuc", axis=(1, 2)), R(2, 3, 3))
one("linalg_norm_vec_ord", lambda a: np.linalg.norm(a, 3), R(4))
one("linalg_norm_vec_ord0", lambda a: np.linalg.norm(a, 0.5), np.abs(R(4)) + 0.1)
one("linalg_norm_2_ax0", lambda a: np.linalg.norm(a, 2, axis=0), X)
one("linalg_solve_batch_vec", lambda a, b: np.linalg.solve(a, b), R(2, 3, 3) + 3 * np.eye(3), R(2, 3, 1), wrt=(0, 1))
one("linalg_matrix_power_neg", lambda a: np.linalg.matrix_power(a, -3), R(3, 3) + 3 * np.eye(3))
one("linalg_outer", lambda a, b: np.linalg.outer(a, b) if hasattr(np.linalg, "outer") else np.outer(a, b), R(3), R(2), wrt=(0, 1))
one("linalg_cross", lambda a, b: np.linalg.cross(a, b) if hasattr(np.linalg, "cross") else np.cross(a, b), R(3), R(3), wrt=(0, 1))
one("linalg_vecdot", lambda a, b: np.linalg.vecdot(a, b), R(3, 4), R(3, 4), wrt=(0, 1))
one("linalg_matmul", lambda a, b: np.linalg.matmul(a, b), R(3, 4), R(4, 2), wrt=(0, 1))
one("linalg_tensordot", lambda a, b: np.linalg.tensordot(a, b, axes=1), R(3, 4), R(4, 2), wrt=(0, 1))
one("linalg_trace", lambda a: np.linalg.trace(a), R(2, 3, 3))
one("linalg_diagonal", lambda a: np.linalg.diagonal(a, offset=1), R(2, 3, 3))
one("linalg_eigvalsh_b", lambda a: np.linalg.eigvalsh(a + np.swapaxes(a, -1, -2)), R(2, 3, 3))
one("linalg_svdvals", lambda a: np.linalg.svdvals(a), R(3, 2))
one("linalg_matrix_transpose", lambda a: np.linalg.matrix_transpose(a) * np.matrix_transpose(a) if hasattr(np, "matrix_transpose") else a.T, R(3, 3))
one("special_spence", sp.spence, np.abs(R(3)) + 0.5)
one("special_zeta", lambda x: sp.zeta(x, 1.5), np.abs(R(3)) + 1.5)
one("special_expn", lambda x: sp.expn(2, x), np.abs(R(3)) + 0.5)
one("special_exp1", sp.exp1, np.abs(R(3)) + 0.5)
one("special_expi", sp.expi, np.abs(R(3)) + 0.5)
one("special_sici", lambda x: sp.sici(x)[0] + sp.sici(x)[1], np.abs(R(3)) + 0.5)
one("special_fresnel", lambda x: sp.fresnel(x)[0], R(3))
one("special_dawsn", sp.dawsn, R(3))
one("special_ellipk", sp.ellipk, np.abs(R(3)) * 0.3)
one("special_ellipe", sp.ellipe, np.abs(R(3)) * 0.3)
one("special_k0", sp.k0, np.abs(R(3)) + 0.5)
one("special_k1e", sp.k1e, np.abs(R(3)) + 0.5)
one("special_struve", lambda x: sp.struve(1, x), np.abs(R(3)) + 0.5)
one("special_betainc", lambda x: sp.betainc(2.0, 3.0, x), np.abs(R(3)) * 0.3 + 0.1)
one("special_betaincinv", lambda x: sp.betaincinv(2.0, 3.0, x), np.abs(R(3)) * 0.3 + 0.1)
one("special_gammaincinv", lambda x: sp.gammaincinv(2.0, x), np.abs(R(3)) * 0.3 + 0.1)
one("special_logsumexp_ret", lambda x: sp.logsumexp(x, axis=0, b=0.5), X)
one("special_softplus", lambda x: sp.softplus(x) if hasattr(sp, "softplus") else np.logaddexp(0, x), R(3))
one("special_boxcox", lambda x: sp.boxcox(x, 0.5), np.abs(R(3)) + 0.5)
one("special_inv_boxcox", lambda x: sp.inv_boxcox(x, 0.5), np.abs(R(3)) + 0.5)
one("special_hyp2f1", lambda x: sp.hyp2f1(1.0, 2.0, 3.0, x), np.abs(R(3)) * 0.3)
one("special_hyp1f1", lambda x: sp.hyp1f1(1.0, 2.0, x), R(3))
one("special_comb", lambda x: sp.binom(x, 2.0), np.abs(R(3)) + 2.5)
one("special_poch", lambda x: sp.poch(x, 2.5), np.abs(R(3)) + 0.5)
one("special_lambertw", lambda x: np.real(sp.lambertw(x)), np.abs(R(3)) + 0.5)
one("special_wofz", lambda x: np.real(sp.wofz(x)), R(3))
one("special_voigt", lambda x: sp.voigt_profile(x, 1.0, 0.5), R(3))
one("special_stdtr", lambda x: sp.stdtr(3.0, x), R(3))
one("special_chdtr", lambda x: sp.chdtr(3.0, x), np.abs(R(3)) + 0.5)
one("special_pdtr", lambda x: sp.pdtr(2, x), np.abs(R(3)) + 0.5)
one("special_bdtr", lambda x: sp.bdtr(2, 5, x), np.abs(R(3)) * 0.3 + 0.1)
one("special_owens", lambda x: sp.owens_t(x, 0.5), R(3))
one("special_sph_harm_like", lambda x: sp.eval_legendre(3, x), R(3) * 0.5)
one("special_eval_hermite", lambda x: sp.eval_hermite(3, x), R(3))
one("special_eval_laguerre", lambda x: sp.eval_laguerre(2, x), R(3))
one("special_eval_chebyt", lambda x: sp.eval_chebyt(3, x), R(3) * 0.5)
one("special_xlog1py2", lambda x: sp.xlog1py(x, x), np.abs(R(3)))
one("special_logit_expit", lambda x: sp.logit(sp.expit(x)), R(3))
one("stats_norm_logpdf_arr", lambda x, m, s: st.norm.logpdf(x, m, s), R(3), R(3), np.abs(R(3)) + 0.5, wrt=(0, 1, 2))
one("stats_poisson_pmf_mu", lambda mu: st.poisson.logpmf(np.array([0, 1, 3]), mu), np.abs(R(3)) + 0.5)
one("stats_binom_logpmf", lambda p: st.binom.logpmf(np.array([0, 1, 3]), 5, p), np.abs(R(3)) * 0.3 + 0.1)
one("stats_nbinom", lambda p: st.nbinom.logpmf(np.array([0, 1, 3]), 5, p), np.abs(R(3)) * 0.3 + 0.1)
one("stats_geom", lambda p: st.geom.logpmf(np.array([1, 2, 3]), p), np.abs(R(3)) * 0.3 + 0.1)
one("stats_bernoulli", lambda p: st.bernoulli.logpmf(np.array([0, 1, 1]), p), np.abs(R(3)) * 0.3 + 0.1)
one("stats_uniform", lambda x: st.uniform.logpdf(x, -1.0, 4.0) + st.uniform.cdf(x, -1.0, 4.0), np.array([0.3, 1.2, 2.5]))
one("stats_invgamma", lambda x: st.invgamma.logpdf(x, 2.0), np.abs(R(3)) + 0.5)
one("stats_weibull", lambda x: st.weibull_min.logpdf(x, 1.5), np.abs(R(3)) + 0.5)
one("stats_pareto", lambda x: st.pareto.logpdf(x, 2.0), np.abs(R(3)) + 1.5)
one("stats_halfnorm", lambda x: st.halfnorm.logpdf(x), np.abs(R(3)) + 0.5)
one("stats_vonmises", lambda x: st.vonmises.logpdf(x, 2.0), R(3))
one("stats_skewnorm", lambda x: st.skewnorm.logpdf(x, 2.0), R(3))
one("stats_entropy", lambda p: st.entropy(p), np.abs(R(4)) + 0.2)
one("stats_entropy_qk", lambda p, q: st.entropy(p, q), np.abs(R(4)) + 0.2, np.abs(R(4)) + 0.2, wrt=(0, 1))
one("stats_zscore", lambda x: st.zscore(x), R(5))
one("stats_norm_logcdf_far", lambda x: st.norm.logcdf(x), np.array([-10.0, -3.0, 2.0]))
one("stats_t_logpdf_kw", lambda x, s: st.t.logpdf(x, df=3.0, loc=0.5, scale=s), R(3), 1.3, wrt=(0, 1))
one("stats_mvn_logpdf_cov_diag", lambda x: st.multivariate_normal.logpdf(x, np.zeros(3), np.diag([1.0, 2.0, 3.0])), R(3))
one("stats_gamma_logpdf_scale", lambda x, s: st.gamma.logpdf(x, 2.0, scale=s), np.abs(R(3)) + 0.5, 1.5, wrt=(0, 1))
one("stats_expon_scale", lambda x, s: st.expon.logpdf(x, scale=s), np.abs(R(3)) + 0.5, 1.5, wrt=(0, 1))
one("stats_frozen", lambda x: st.norm(0.5, 2.0).logpdf(x), R(3))
one("stats_logistic_ppf", lambda q: st.logistic.ppf(q), np.abs(R(3)) * 0.3 + 0.1)
one("stats_gamma_ppf", lambda q: st.gamma.ppf(q, 2.0), np.abs(R(3)) * 0.3 + 0.1, second=False)
one("stats_chi2_sf", lambda x: st.chi2.sf(x, 3.0), np.abs(R(3)) + 0.5)
one("stats_lognorm_scale", lambda x: st.lognorm.logpdf(x, 0.5, scale=2.0), np.abs(R(3)) + 0.5)


if __name__ == "__main__":
    run(sys.argv)
