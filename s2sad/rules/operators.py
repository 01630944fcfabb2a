"""Python operators, builtins and the ``math`` module.

Operators are keyed by the :mod:`operator` function the compiler maps each
syntax node to (``x * y`` -> ``operator.mul``).  They work on Python floats
and on arrays alike, so binary ones unbroadcast.  ``math`` rules see Python
floats only: no unbroadcast, ``math.*`` in the templates, and every partial
that can be infinite goes through ``safe_div``/``safe_mul``, which never raise
``ZeroDivisionError`` and give exactly 0 where ``g == 0``.  The kink
conventions are those of :mod:`s2sad.rules.numpy_ufuncs` (``abs'(0) = 0``,
ties of ``max``/``min`` split equally, ``sqrt'(0) = inf`` only where ``g != 0``).

The builtins ``max`` and ``min`` take several arguments or one iterable (a
list, a tuple or a 1-D array): ``g`` goes to the items equal to the result,
split equally among them (``max(x)`` of an array gets an array adjoint,
``max([a, b])`` a list).

Vararg templates use ``i`` for the index of the extra argument (as
:mod:`s2sad.rules.structures` does) and ``d<vararg>`` for its tangent.
"""
import math
import operator

from s2sad.rules.facts import defshape
from s2sad.rules.kinds import defscale
from s2sad.rules.registry import defjvp, deflinear, defnondiff, defvjp

# ----- arithmetic operators -----
defscale(operator.add, "x, y", "g", "g")
defscale(operator.sub, "x, y", "g", "-g")
defscale(operator.mul, "x, y", "safe_mul(g, y)", "safe_mul(g, x)")
defscale(operator.truediv, "x, y", "safe_div(g, y)", "-safe_div(safe_mul(g, ans), y)")
defscale(operator.pow, "x, y", "safe_mul(g, pow_dbase(x, y))", "safe_mul(g, pow_dexp(x, ans))")
defscale(operator.mod, "x, y", "g", "-g * (x // y)")
deflinear(operator.neg, "x", "-g")
deflinear(operator.pos, "x", "g")
defscale(operator.abs, "x", "g * abs_slope(x)")
defjvp(operator.abs, "x", "abs_tangent(dx, x)")
defvjp(operator.matmul, "a, b", "matmul_lhs_adjoint(g, a, b)", "matmul_rhs_adjoint(g, a, b)")
defjvp(operator.matmul, "a, b", "da @ b", "a @ db")

# ----- operators with no derivative: comparisons, logic, bits, floor division -----
defnondiff(operator.floordiv, operator.lt, operator.le, operator.gt, operator.ge,
           operator.eq, operator.ne, operator.not_, operator.truth, operator.is_,
           operator.is_not, operator.contains, operator.and_, operator.or_, operator.xor,
           operator.invert, operator.lshift, operator.rshift, operator.index)

# ----- builtins -----
defscale(abs, "x", "g * abs_slope(x)")
defjvp(abs, "x", "abs_tangent(dx, x)")
for _f in (max, min):  # max(a, b, ...) or max(iterable): the share of each item
    defvjp(_f, "*args, key=None, default=None",
           varargs="extremum_args_adjoint(g, args, i, ans)")
    defjvp(_f, "*args, key=None, default=None",
           varargs="extremum_args_tangent(dargs, args, i, ans)")
defshape(abs, "first")
defshape((max, min), "chosen")  # (of several values: one of them; of one, an item)
# a Python number whatever the argument (an array of one item too): math's functions,
# float() and int() (not round: round(a, 2) of an array is an array)
defshape(tuple(f for k, f in vars(math).items() if callable(f) and not k.startswith("_")) +
         (float, int), "number")
defscale(pow, "base, exp, mod=None",
         "safe_mul(g, pow_dbase(base, exp))", "safe_mul(g, pow_dexp(base, ans))")
defvjp(sum, "iterable, start=0", "spread_to_items(g, iterable)", "unbroadcast(g, start)")
defjvp(sum, "iterable, start=0", "sum(without_keys(diterable, iterable))",
       "broadcast_like(dstart, ans)")
defvjp(float, "x", "cast_like(g, x)")
defjvp(float, "x", "float(dx)")
defnondiff(int, bool, round, len, range, isinstance, type, hash, id)

# ----- math: powers, exponentials, logarithms -----
defscale(math.sqrt, "x", "safe_div(g, 2 * ans)", broadcast=False)
defscale(math.exp, "x", "g * ans", broadcast=False)
defscale(math.expm1, "x", "g * (ans + 1)", broadcast=False)
defscale(math.log, "x, base=None", "safe_div(g, x * log_of_base(base))",
         "-safe_div(g * ans, base * math.log(base))", broadcast=False)
defscale(math.log1p, "x", "safe_div(g, 1 + x)", broadcast=False)
defscale(math.log2, "x", "safe_div(g, x * math.log(2))", broadcast=False)
defscale(math.log10, "x", "safe_div(g, x * math.log(10))", broadcast=False)
defscale(math.pow, "x, y", "safe_mul(g, pow_dbase(x, y))", "safe_mul(g, pow_dexp(x, ans))",
         broadcast=False)
defscale(math.fabs, "x", "g * np.sign(x)", broadcast=False)
defscale(math.copysign, "x, y", "g * np.sign(x) * math.copysign(1.0, y)", None, broadcast=False)
defscale(math.fmod, "x, y", "g", "-g * math.trunc(x / y)", broadcast=False)
if hasattr(math, "cbrt"):  # Python 3.11+
    defscale(math.cbrt, "x", "safe_div(g, 3 * ans * ans)", broadcast=False)
    defscale(math.exp2, "x", "g * ans * math.log(2)", broadcast=False)

# ----- math: trigonometric and hyperbolic -----
defscale(math.sin, "x", "g * math.cos(x)", broadcast=False)
defscale(math.cos, "x", "-g * math.sin(x)", broadcast=False)
defscale(math.tan, "x", "g * (1 + ans * ans)", broadcast=False)
defscale(math.asin, "x", "safe_div(g, math.sqrt(1 - x * x))", broadcast=False)
defscale(math.acos, "x", "-safe_div(g, math.sqrt(1 - x * x))", broadcast=False)
defscale(math.atan, "x", "g / (1 + x * x)", broadcast=False)
defscale(math.atan2, "y, x", "safe_div(g * x, x * x + y * y)", "-safe_div(g * y, x * x + y * y)",
         broadcast=False)
defscale(math.sinh, "x", "g * math.cosh(x)", broadcast=False)
defscale(math.cosh, "x", "g * math.sinh(x)", broadcast=False)
defscale(math.tanh, "x", "g * (1 - ans * ans)", broadcast=False)
defscale(math.asinh, "x", "g / math.sqrt(x * x + 1)", broadcast=False)
defscale(math.acosh, "x", "safe_div(g, math.sqrt(x * x - 1))", broadcast=False)
defscale(math.atanh, "x", "safe_div(g, 1 - x * x)", broadcast=False)
defscale(math.degrees, "x", "g * (180 / math.pi)", broadcast=False)
defscale(math.radians, "x", "g * (math.pi / 180)", broadcast=False)
defvjp(math.hypot, "*coordinates", varargs="safe_div(g * coordinates[i], ans)")
defjvp(math.hypot, "*coordinates", varargs="safe_div(dcoordinates * coordinates[i], ans)")

# ----- math: special functions -----
defscale(math.erf, "x", "g * (2 / math.sqrt(math.pi)) * math.exp(-x * x)", broadcast=False)
defscale(math.erfc, "x", "-g * (2 / math.sqrt(math.pi)) * math.exp(-x * x)", broadcast=False)
defscale(math.lgamma, "x", "g * polygamma(0, x)", broadcast=False)
defscale(math.gamma, "x", "g * ans * polygamma(0, x)", broadcast=False)
defvjp(math.fsum, "seq", "spread_to_items(g, seq)")
defjvp(math.fsum, "seq", "math.fsum(without_keys(dseq, seq))")

# ----- math with no derivative -----
defnondiff(math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite,
           math.isclose, math.factorial, math.comb, math.perm, math.gcd)
