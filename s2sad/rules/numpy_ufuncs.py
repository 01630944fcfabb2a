"""NumPy elementwise functions (ufuncs and their kin; scipy.special when installed).

Each rule gives the parameter's adjoint as an expression linear in ``g``
(:func:`s2sad.rules.kinds.defscale`); the forward term is the same with ``g``
renamed to the tangent.  Binary rules unbroadcast.

Kink and pole conventions (every rule table follows them):

- ``abs'(0) = 0`` (``np.sign``); ``copysign`` likewise.
- Ties of ``maximum``/``minimum``/``fmax``/``fmin`` (and of the builtins
  ``max``/``min`` and the ``max``/``min`` reductions) split the derivative
  equally, so ``relu = np.maximum(x, 0)`` has slope 0.5 at 0.  ``fmax``/``fmin``
  give all of it to the non-nan argument.
- ``clip`` passes the derivative for ``lo <= x <= hi`` inclusive; a bound gets
  it where it is strictly active (``x < lo``, ``x > hi``).
- Poles: ``sqrt``, ``cbrt``, the ``log`` family, ``reciprocal``, ``power``
  with a non-integer exponent, ``arcsin``/``arccos``/``arctanh`` at +-1,
  ``arccosh`` at 1: the partial is infinite there, and the contribution is
  inf where ``g != 0`` but exactly 0 where ``g == 0`` (``safe_div`` /
  ``safe_mul``), never ``0 * inf = nan``.  ``power(x, 0)`` has slope 0 at 0.
- ``np.where(c, x, y)`` gives the branch not taken an exactly-zero adjoint,
  so ``np.where(x > 0, np.sqrt(x), 0.0)`` has a finite gradient at 0; so do
  ``maximum``/``minimum``/``fmax``/``fmin``/``clip`` to the argument not taken
  (share 0), so ``np.sqrt(np.maximum(v, 0))`` has gradient 0 where ``v < 0``.
- Norm-like functions have derivative 0 at the origin: ``hypot``,
  ``arctan2``, ``np.linalg.norm``, ``std`` of a constant.
- Step functions (``sign``, ``floor``, ``round``, ``heaviside``...) have
  derivative 0 everywhere (they are registered as non-differentiable).
"""
import math

import numpy as np

from s2sad.rules import facts as F
from s2sad.rules.facts import deffacts
from s2sad.rules.kinds import defscale
from s2sad.rules.registry import defjvp, deflinear, defnondiff, defvjp, when_imported

# ----- arithmetic -----
defscale(np.add, "x, y", "g", "g")
defscale(np.subtract, "x, y", "g", "-g")
defscale(np.multiply, "x, y", "safe_mul(g, y)", "safe_mul(g, x)")
# (np.true_divide is np.divide)
defscale(np.divide, "x, y", "safe_div(g, y)", "-safe_div(safe_mul(g, ans), y)")
defscale(np.power, "x, y", "safe_mul(g, pow_dbase(x, y))", "safe_mul(g, pow_dexp(x, ans))")
defscale(np.float_power, "x, y",
         "safe_mul(g, pow_dbase(x, y))", "safe_mul(g, pow_dexp(x, ans))")
defscale(np.remainder, "x, y", "g", "-g * np.floor_divide(x, y)")  # np.mod too
defscale(np.fmod, "x, y", "g", "-g * np.trunc(x / y)")
deflinear(np.negative, "x", "-g")
deffacts(np.negative, lambda a: F.negated(a[0]))
deflinear(np.positive, "x", "g")
defscale(np.reciprocal, "x", "-safe_div(g, x**2)")
defscale(np.square, "x", "g * 2 * x")
deffacts(np.square, F.magnitude)

# ----- powers, exponentials, logarithms -----
defscale(np.sqrt, "x", "safe_div(g, 2 * ans)")
deffacts((np.sqrt, math.sqrt),
         lambda a: (a[0] & {F.FINITE, F.POS}) | {F.NONNEG} if F.NONNEG in a[0] else ())
defscale(np.cbrt, "x", "safe_div(g, 3 * ans**2)")
defscale(np.exp, "x", "safe_mul(g, ans)")  # inf * 0 under an overflow guard
deffacts((np.exp, math.exp), lambda a: {F.POS} | ({F.FINITE, F.UNIT} if F.NONPOS in a[0] else
                                       {F.FINITE} if F.UNIT in a[0] else set()))
defscale(np.exp2, "x", "safe_mul(g, ans * np.log(2))")
defscale(np.expm1, "x", "safe_mul(g, ans + 1)")
defscale(np.log, "x", "safe_div(g, x)")
deffacts((np.log, math.log), lambda a: {F.FINITE} if F.POS in a[0] else ())
defscale(np.log2, "x", "safe_div(g, x * np.log(2))")
defscale(np.log10, "x", "safe_div(g, x * np.log(10))")
defscale(np.log1p, "x", "safe_div(g, 1 + x)")
deffacts((np.log1p, math.log1p), lambda a: {F.FINITE, F.NONNEG} if F.NONNEG in a[0] else ())
# (not read from ans: where the value itself is not needed, as in a loss summed, no
# logaddexp is computed in the derivative at all: ~50 ns an element)
defscale(np.logaddexp, "x, y", "g / (1 + np.exp(y - x))", "g / (1 + np.exp(x - y))")
defscale(np.logaddexp2, "x, y", "g / (1 + np.exp2(y - x))", "g / (1 + np.exp2(x - y))")

# ----- trigonometric and hyperbolic -----
defscale(np.sin, "x", "g * np.cos(x)")
defscale(np.cos, "x", "-g * np.sin(x)")
deffacts((np.sin, np.cos, math.sin, math.cos), "finite unit")
defscale(np.tan, "x", "g * (1 + ans**2)")
defscale(np.arcsin, "x", "safe_div(g, np.sqrt(1 - x**2))")
defscale(np.arccos, "x", "-safe_div(g, np.sqrt(1 - x**2))")
defscale(np.arctan, "x", "g / (1 + x**2)")
deffacts((np.arctan, math.atan), lambda a: {F.FINITE} | (a[0] & {F.POS, F.NONNEG, F.NONPOS}))
defscale(np.arctan2, "y, x", "safe_div(g * x, x**2 + y**2)", "-safe_div(g * y, x**2 + y**2)")
defscale(np.hypot, "x, y", "safe_div(g * x, ans)", "safe_div(g * y, ans)")
defscale(np.sinh, "x", "safe_mul(g, np.cosh(x))")
defscale(np.cosh, "x", "safe_mul(g, np.sinh(x))")
defscale(np.tanh, "x", "g * (1 - ans**2)")
deffacts((np.tanh, math.tanh), lambda a: {F.FINITE, F.UNIT} | (a[0] & {F.POS, F.NONNEG, F.NONPOS}))
defscale(np.arcsinh, "x", "g / np.sqrt(x**2 + 1)")
defscale(np.arccosh, "x", "safe_div(g, np.sqrt(x**2 - 1))")
defscale(np.arctanh, "x", "safe_div(g, 1 - x**2)")
defscale(np.deg2rad, "x", "g * (np.pi / 180)")
defscale(np.radians, "x", "g * (np.pi / 180)")
defscale(np.rad2deg, "x", "g * (180 / np.pi)")
defscale(np.degrees, "x", "g * (180 / np.pi)")
defscale(np.sinc, "x", "g * sinc_deriv(x)")
defscale(np.i0, "x", "g * bessel_i1(x)")

# ----- kinks: abs, max/min, clip, where -----
defscale(np.absolute, "x", "g * abs_slope(x)")  # np.abs is np.absolute
defjvp(np.absolute, "x", "abs_tangent(dx, x)")
deffacts((np.absolute, abs, math.fabs), F.magnitude)
defscale(np.fabs, "x", "g * np.sign(x)")
defscale(np.copysign, "x, y", "g * np.sign(x) * np.copysign(1.0, y)", None)
# (a share of 0 selects: the argument not taken gets exactly 0 even where g is inf, as
# sqrt(maximum(v, 0)) at v < 0 -- safe_mul with the share first; the guard is dropped
# where no NaN comes out, :mod:`s2sad.fallback`)
defscale(np.maximum, "x, y", "safe_mul(max_share(x, y), g)", "safe_mul(max_share(y, x), g)")
defscale(np.minimum, "x, y", "safe_mul(min_share(x, y), g)", "safe_mul(min_share(y, x), g)")
defscale(np.fmax, "x, y", "safe_mul(fmax_share(x, y), g)", "safe_mul(fmax_share(y, x), g)")
defscale(np.fmin, "x, y", "safe_mul(fmin_share(x, y), g)", "safe_mul(fmin_share(y, x), g)")
defscale(np.clip, "a, a_min=None, a_max=None",  # (where a_min > a_max: a_max, as NumPy)
         "safe_mul(clip_mask(a, a_min, a_max), g)",
         "safe_mul(clip_bound_share(a, a_min, a_max, False), g)",
         "safe_mul(clip_bound_share(a, a_min, a_max, True), g)")
defscale(np.where, "condition, x=None, y=None",
         None, "np.where(condition, g, 0.0)", "np.where(condition, 0.0, g)")
# (the values put in: nan where x is NaN, posinf / neginf where it is infinite)
defscale(np.nan_to_num, "x, copy=True, nan=0.0, posinf=None, neginf=None",
         "safe_mul(np.isfinite(x), g)", None, "g * np.isnan(x)", "g * np.isposinf(x)",
         "g * np.isneginf(x)")  # (0 where x is not finite, also where g is: 1 / 0's)

# ----- complex parts: the cotangent of a complex value z is dL/dRe z - i dL/dIm z
# (autograd's convention), so a real input's gradient is the real part -----
# (the adjoint of a real value is real: where a complex one reaches np.real(z) or np.imag(z),
# as in np.real(z) + 1j * y, its real part is the one taken)
deflinear(np.real, "val", "np.real(g)")
deflinear(np.imag, "val", "imag_adjoint(np.real(g), val)")
deflinear(np.conjugate, "x", "np.conjugate(g)")  # np.conj is np.conjugate

# ----- zero derivative almost everywhere: steps and rounding -----
# np.sign is flat for reals; NumPy 2 makes it x / |x| for complex x, which is not
defvjp(np.sign, "x", "sign_adjoint(g, x, ans)")
defjvp(np.sign, "x", "sign_tangent(dx, x, ans)")
defnondiff(np.signbit, np.heaviside, np.floor, np.ceil, np.rint, np.trunc, np.fix,
           np.round, np.around, np.floor_divide, np.spacing)
# nextafter(x, y) is x plus a step (one spacing, towards y): slope 1 in x, flat in y
defscale(np.nextafter, "x1, x2", "g", None)

# ----- scipy.special, once imported -----
def _scipy_special_rules() -> None:
    import scipy.special as sp

    defscale(sp.expit, "x", "g * ans * (1 - ans)")
    defscale(sp.ndtr, "x", "g * np.exp(-0.5 * x**2) / np.sqrt(2 * np.pi)")
    defscale(sp.logit, "x", "safe_div(g, x * (1 - x))")
    defscale(sp.erf, "x", "g * (2 / np.sqrt(np.pi)) * np.exp(-x**2)")
    defscale(sp.erfc, "x", "-g * (2 / np.sqrt(np.pi)) * np.exp(-x**2)")
    defscale(sp.gammaln, "x", "g * polygamma(0, x)")
    defscale(sp.digamma, "x", "g * polygamma(1, x)")
    defscale(sp.log_expit, "x", "g * (1 - np.exp(ans))")


when_imported("scipy.special", _scipy_special_rules)
