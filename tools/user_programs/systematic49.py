# ruff: noqa
"""Users' programs of session 49 (helper `users`), in the style of autograd's test_systematic:
every NumPy function applied to arrays of several shapes with axis / keepdims / offset
arguments (negative axes, axis tuples), binary functions under broadcasting, written as a
user porting such a suite writes them: a small factory closing over the function and its
keyword arguments.  Checked by run.py (value_and_grad, vjp, jvp, both Jacobians, Hessian).

    python tools/user_programs/run.py systematic49
"""
import numpy as np

CASES = []
RNG = np.random.default_rng(49)


def reg(name, f, *argsets, wrt=0, hess=False):
    CASES.append((name, f, argsets, wrt, hess))


def arr(shape, low=None):
    """A random float64 array (a float for shape ()), kept away from 0 when low is given."""
    x = RNG.standard_normal(shape)
    if low is not None:
        x = low + np.abs(x)
    return float(x) if shape == () else x


def unary(fn, **kw):
    def f(x):
        return fn(x, **kw)
    return f


def binary(fn, **kw):
    def f(x, y):
        return fn(x, y, **kw)
    return f


def scalar_of(fn, **kw):
    """A scalar loss of fn's output (autograd's check of a scalar function: sum of sin)."""
    def f(x):
        return np.sum(np.sin(fn(x, **kw)))
    return f


def first_and_last(fn):
    """The first part of a split, twice, plus the last part's sum."""
    def parts(x, **kw):
        pieces = fn(x, **kw)
        return pieces[0] * 2.0 + pieces[-1].sum()
    return parts


SHAPES = [(), (4,), (2, 3), (2, 1, 3)]

# ---- unary elementwise functions, on every shape
UNARY_ANY = ["sin", "cos", "tan", "tanh", "sinh", "cosh", "arctan", "arcsinh", "exp", "exp2",
             "expm1", "negative", "positive", "square", "abs", "fabs", "absolute", "sign",
             "rad2deg", "deg2rad", "degrees", "radians", "cbrt", "sinc", "real", "conj",
             "conjugate", "fix", "floor", "ceil", "round", "rint", "trunc", "nan_to_num",
             "i0", "spacing"]
UNARY_POS = ["log", "log2", "log10", "log1p", "sqrt", "reciprocal", "arccosh"]
UNARY_UNIT = ["arcsin", "arccos", "arctanh"]
for name in UNARY_ANY + UNARY_POS + UNARY_UNIT:
    fn = getattr(np, name)
    for shape in SHAPES:
        if name in UNARY_POS:
            x = arr(shape, 1.1)
        elif name in UNARY_UNIT:
            x = np.tanh(arr(shape)) * 0.9 if shape else 0.4
        else:
            x = arr(shape)
            if name in ("sign", "abs", "fabs", "absolute", "fix", "floor", "ceil", "round",
                        "rint", "trunc"):
                x = x + 0.05 if shape == () else x + 0.05 * np.sign(x)
        reg(f"{name}{shape}", unary(fn), (x,), hess=(shape != () and name not in ("i0", "spacing")))

# ---- binary functions under broadcasting
BIN_SHAPES = [((), ()), ((3,), ()), ((), (2, 3)), ((3,), (2, 3)), ((2, 1), (1, 3)),
              ((2, 1, 3), (4, 1))]
BINARY = ["add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum",
          "fmax", "fmin", "arctan2", "hypot", "logaddexp", "logaddexp2", "power", "mod",
          "fmod", "remainder", "copysign", "ldexp_", "heaviside_", "float_power"]
for name in BINARY:
    if name.endswith("_"):
        continue
    fn = getattr(np, name)
    for sx, sy in BIN_SHAPES:
        x, y = arr(sx), arr(sy)
        if name in ("power", "float_power"):
            x = arr(sx, 0.5)
        if name in ("divide", "true_divide", "mod", "fmod", "remainder"):
            y = arr(sy, 0.7)
        reg(f"{name}{sx}{sy}", binary(fn), (x, y), wrt=(0, 1))

# ---- reductions with axis (None, ints, negative ints, tuples) and keepdims
REDUCE = ["sum", "mean", "prod", "max", "min", "amax", "amin", "var", "std", "ptp",
          "median", "nansum", "nanmean", "nanprod", "nanmax", "nanmin", "nanvar", "nanstd",
          "nanmedian", "average", "linalg.norm"]
AXES = [None, 0, -1, 1, (0, 2), (-1, 0), (2, 1, 0)]
x3 = arr((2, 3, 4))
for name in REDUCE:
    fn = np.linalg.norm if name == "linalg.norm" else getattr(np, name)
    for axis in AXES:
        for keepdims in (False, True):
            if name == "average" and keepdims:
                continue
            if name == "linalg.norm" and isinstance(axis, tuple) and len(axis) == 3:
                continue
            kw = {"axis": axis}
            if keepdims:
                kw["keepdims"] = True
            reg(f"{name}_axis{axis}_keep{keepdims}", unary(fn, **kw), (x3,))
    reg(f"{name}_scalar_of_axis-1", scalar_of(fn, axis=-1), (x3,), hess=True)

for name, kws in [("var", [{"ddof": 1}, {"ddof": 1, "axis": 0}, {"ddof": 2, "axis": (0, 1)}]),
                  ("std", [{"ddof": 1}, {"ddof": 1, "axis": -1, "keepdims": True}]),
                  ("nanvar", [{"ddof": 1, "axis": 1}]),
                  ("cumsum", [{}, {"axis": 0}, {"axis": -1}, {"axis": 1}]),
                  ("cumprod", [{}, {"axis": 0}, {"axis": -2}]),
                  ("nancumsum", [{"axis": 1}]), ("nancumprod", [{"axis": 2}]),
                  ("diff", [{}, {"axis": 0}, {"n": 2, "axis": -1}, {"axis": 1, "prepend": 0.0}]),
                  ("percentile", [{"q": 30}, {"q": 30, "axis": -1}, {"q": [10, 60], "axis": (0, 2)},
                                  {"q": 50, "axis": 1, "keepdims": True}]),
                  ("quantile", [{"q": 0.3, "axis": 0}, {"q": 0.7, "axis": -1, "keepdims": True}]),
                  ("sort", [{}, {"axis": 0}, {"axis": None}, {"axis": -2}]),
                  ("flip", [{}, {"axis": 0}, {"axis": (0, 2)}, {"axis": -1}]),
                  ("roll", [{"shift": 1}, {"shift": -2, "axis": 1}, {"shift": (1, 2), "axis": (0, 2)}]),
                  ("rot90", [{}, {"k": 2}, {"k": -1, "axes": (1, 2)}]),
                  ("transpose", [{}, {"axes": (1, 0, 2)}, {"axes": (-1, 0, 1)}]),
                  ("moveaxis", [{"source": 0, "destination": -1}, {"source": (0, 1), "destination": (2, 0)}]),
                  ("swapaxes", [{"axis1": 0, "axis2": 2}, {"axis1": -1, "axis2": 1}]),
                  ("expand_dims", [{"axis": 0}, {"axis": -1}, {"axis": (0, 4)}]),
                  ("squeeze", [{}]),
                  ("trace", [{}, {"offset": 1}, {"offset": -1, "axis1": 1, "axis2": 2}]),
                  ("diagonal", [{}, {"offset": 1}, {"axis1": -1, "axis2": 0}]),
                  ("tril", [{}, {"k": 1}, {"k": -1}]), ("triu", [{}, {"k": -1}]),
                  ("repeat", [{"repeats": 2}, {"repeats": 2, "axis": -1}, {"repeats": [1, 2], "axis": 0}]),
                  ("tile", [{"reps": 2}, {"reps": (2, 1, 1)}, {"reps": (1, 2)}]),
                  ("clip", [{"a_min": -0.5, "a_max": 0.5}, {"a_min": None, "a_max": 0.3}]),
                  ("reshape", [{"shape": (4, -1)}, {"shape": -1}]),
                  ("ravel", [{}, {"order": "F"}]),
                  ("atleast_3d", [{}]), ("real_if_close", [{}]),
                  ("split", [{"indices_or_sections": 2, "axis": -1}]),
                  ("array_split", [{"indices_or_sections": 3, "axis": 2}]),
                  ("gradient", [{"axis": 0}, {"axis": -1}]),
                  ("take", [{"indices": [0, 2, 2], "axis": -1}, {"indices": [1, 0]}]),
                  ("logsumexp_", [{}])]:
    if name.endswith("_"):
        continue
    fn = getattr(np, name)
    for kw in kws:
        key = "_".join(f"{k}{v}" for k, v in kw.items())
        if name in ("split", "array_split"):
            reg(f"{name}_{key}", scalar_of(first_and_last(fn), **kw), (x3,))
            continue
        reg(f"{name}_{key}", unary(fn, **kw), (x3,))
