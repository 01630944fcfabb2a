"""NumPy odds and ends (and their scipy.signal / scipy.integrate kin).

Templates: ``np.partition`` (the adjoint goes back through the permutation
``np.argpartition`` makes, which is the arrangement ``np.partition`` returns),
``np.maximum.accumulate`` / ``np.minimum.accumulate`` (each output's derivative
goes to the element holding the running extremum, the latest one on ties),
``np.convolve`` and ``np.correlate`` in both inputs and every mode (linear in
each: the adjoint is a ``valid`` correlation of ``g`` padded to the ``full``
length, at the offset the mode cuts at).

Closed forms differentiated through their source (``defthrough``), each written
as NumPy computes it so values agree to rounding: ``np.interp`` (in ``x``, ``fp``,
``left`` and ``right``; ``xp`` increasing and constant, or taken modulo ``period``),
``np.gradient`` (constant spacings or the points' coordinates, per axis; an int
``axis``, or all axes of an array of up to 3 dimensions; ``edge_order`` 1 or 2), ``np.trapezoid`` /
``scipy.integrate.trapezoid`` (in ``y``, ``x`` and ``dx``), ``np.polyval`` (of a vector ``x``:
``p @ poly_powers(x, n)``, a table of powers and a product; else Horner's loop: in ``p``
and ``x``), ``np.polyfit`` (in ``y``: the coefficients are the scaled
least-squares solution ``pinv(V) y``, rows weighted by ``w``; ``x`` constant; ``full``
and ``cov`` refused),
``scipy.signal.convolve`` / ``fftconvolve`` of 1-D inputs (through ``np.convolve``,
with scipy's ``same`` centring).
"""
from __future__ import annotations

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.facts import defshape
from s2sad.rules.registry import defjvp, deflinear, defthrough, defvjp, when_imported
from s2sad.runtime.polynomials import poly_powers
from s2sad.runtime.signal import conv_crop, conv_embed, conv_pad, nd_convolve, placed

# ----- selection by a permutation -----
PARTITION = "a, kth, axis=-1, kind='introselect', order=None"
defvjp(np.partition, PARTITION,
       "untake_along_axis(g, a, np.argpartition(a, kth, axis=axis), axis)")
defjvp(np.partition, PARTITION,
       "np.take_along_axis(np.asarray(da), np.argpartition(a, kth, axis=axis), axis=axis)")

# ----- running extrema: the derivative of each output is the running arg-extremum's -----
ACCUMULATE = "array, axis=0, dtype=None, out=None"
RUNNING = ("np.maximum.accumulate(np.where(array == ans, np.indices(np.shape(array))[axis], 0), "
           "axis=axis)")  # the latest position holding the running extremum
for _f in (np.maximum.accumulate, np.minimum.accumulate):
    defvjp(_f, ACCUMULATE, f"untake_along_axis(g, array, {RUNNING}, axis)")
    defjvp(_f, ACCUMULATE, f"np.take_along_axis(np.asarray(darray), {RUNNING}, axis=axis)")

# ----- convolution and correlation (1-D): slices of the full one -----
_FULL = "(np.size(a) + np.size(v) - 1)"
_SHORT = "min(np.size(a), np.size(v))"
_CONV_AT = f"(0 if mode == 'full' else ({_SHORT} - 1) // 2 if mode == 'same' else {_SHORT} - 1)"
_CORR_AT = (f"(0 if mode == 'full' else ((np.size(v) - 1) // 2 if np.size(a) >= np.size(v) "
            f"else np.size(a) // 2) if mode == 'same' else {_SHORT} - 1)")


def _padded(at: str) -> str:
    return f"placed(g, {at}, {_FULL})"


# (bilinear: a forward term per input, the other input as it is)
# (np.correlate conjugates its second argument; convolve's does not: conj undoes that)
defvjp(np.convolve, "a, v, mode='full'",
       f"np.correlate({_padded(_CONV_AT)}, np.conj(v), 'valid')",
       f"np.correlate({_padded(_CONV_AT)}, np.conj(a), 'valid')")
defjvp(np.convolve, "a, v, mode='full'", "np.convolve(da, v, mode)", "np.convolve(a, dv, mode)")
# (placing a vector in zeros is linear; its transpose reads the place back)
defvjp(placed, "t, at, n", "g[at:at + np.size(t)]", None, None)
defjvp(placed, "t, at, n", "placed(dt, at, n)", None, None)
# correlate(a, v, 'full') is convolve(a, flip(v), 'full')
defvjp(np.correlate, "a, v, mode='valid'",
       f"np.correlate({_padded(_CORR_AT)}, np.flip(v), 'valid')",
       f"np.flip(np.correlate(np.conj({_padded(_CORR_AT)}), a, 'valid'))")  # (v's
# conjugate read: its adjoint the conjugate of g's correlation with a)
defjvp(np.correlate, "a, v, mode='valid'", "np.correlate(da, v, mode)",
       "np.correlate(a, dv, mode)")


# ----- np.interp: the segment's line; constant outside (left / right) -----

def interp(x, xp, fp, left=None, right=None, period=None):
    xp = np.asarray(xp)  # (lists of numbers, as NumPy takes them)
    fp = np.asarray(fp)
    if period is not None:  # (NumPy's: all taken modulo the period, one point added at
        period = abs(period)  # each end from the other; left and right ignored)
        left = None
        right = None
        x = np.mod(x, period)
        xp = np.mod(xp, period)
        order = np.argsort(xp)
        xp = np.concatenate((xp[order][-1:] - period, xp[order], xp[order][0:1] + period))
        fp = np.concatenate((fp[order][-1:], fp[order], fp[order][0:1]))
    n = np.size(xp)
    if left is None and right is None:  # outside: the end's value; clipped into the
        x = np.clip(x, xp[0], xp[n - 1])  # ends' segments (one pass, not two wheres)
    j = np.clip(np.searchsorted(xp, x, side='right') - 1, 0, n - 2)
    slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    inside = slope * (x - xp[j]) + fp[j]
    inside = np.where(x == xp[n - 1], fp[n - 1], inside)
    if left is None and right is None:
        return inside
    if left is None:
        below = fp[0]
    else:
        below = left
    if right is None:
        above = fp[n - 1]
    else:
        above = right
    return np.where(x < xp[0], below, np.where(x > xp[n - 1], above, inside))


# ----- np.gradient: central differences inside, one-sided at the ends -----

def gradient_along(f, spacing, axis, edge_order):
    y = np.moveaxis(f, axis, 0)
    if np.ndim(spacing) == 1:  # the coordinates of the points along the axis
        return np.moveaxis(gradient_at(y, spacing, edge_order), 0, axis)
    mid = (y[2:] - y[:-2]) / (2. * spacing)
    if edge_order == 1:
        first = (y[1] - y[0]) / spacing
        last = (y[-1] - y[-2]) / spacing
    else:
        first = -1.5 / spacing * y[0] + 2. / spacing * y[1] + -0.5 / spacing * y[2]
        last = 0.5 / spacing * y[-3] + -2. / spacing * y[-2] + 1.5 / spacing * y[-1]
    out = np.concatenate([np.expand_dims(first, 0), mid, np.expand_dims(last, 0)], axis=0)
    return np.moveaxis(out, 0, axis)


def gradient_at(y, coordinates, edge_order):
    """NumPy's second-order differences at uneven coordinates (along axis 0)."""
    d = np.diff(np.asarray(coordinates) + 0.0)
    bent = (-1,) + (1,) * (np.ndim(y) - 1)  # (the weights along axis 0)
    d1 = d[:-1]
    d2 = d[1:]
    mid = np.reshape(-d2 / (d1 * (d1 + d2)), bent) * y[:-2] + \
        np.reshape((d2 - d1) / (d1 * d2), bent) * y[1:-1] + \
        np.reshape(d1 / (d2 * (d1 + d2)), bent) * y[2:]
    if edge_order == 1:
        first = (y[1] - y[0]) / d[0]
        last = (y[-1] - y[-2]) / d[-1]
    else:
        a, b = d[0], d[1]
        first = -(2. * a + b) / (a * (a + b)) * y[0] + (a + b) / (a * b) * y[1] + \
            -a / (b * (a + b)) * y[2]
        a, b = d[-2], d[-1]
        last = b / (a * (a + b)) * y[-3] + -(b + a) / (a * b) * y[-2] + \
            (2. * b + a) / (b * (a + b)) * y[-1]
    return np.concatenate([np.expand_dims(first, 0), mid, np.expand_dims(last, 0)], axis=0)


def spacing_of(s0, sk):
    """The spacing (a number, or the points' coordinates) along an axis: ``sk`` given
    for it, else the one given for all (``np.gradient(f, dx)``)."""
    if sk is None:
        return s0
    return sk


def gradient(f, s0=1.0, s1=None, s2=None, axis=None, edge_order=1):
    # (NumPy's *varargs as three spacings: one for all axes, or one per axis)
    # (a tuple per axis written out: a list built in a loop has no second derivative yet)
    if isinstance(axis, (tuple, list)):
        if len(axis) == 1:
            return gradient_along(f, s0, axis[0], edge_order)
        if len(axis) == 2:
            return (gradient_along(f, s0, axis[0], edge_order),
                    gradient_along(f, spacing_of(s0, s1), axis[1], edge_order))
        if len(axis) > 3:
            raise ValueError("s2sad's np.gradient: at most three axes in a tuple")
        return (gradient_along(f, s0, axis[0], edge_order),
                gradient_along(f, spacing_of(s0, s1), axis[1], edge_order),
                gradient_along(f, spacing_of(s0, s2), axis[2], edge_order))
    if axis is not None:
        return gradient_along(f, s0, axis, edge_order)
    if np.ndim(f) == 1:
        return gradient_along(f, s0, 0, edge_order)
    if np.ndim(f) == 2:
        return (gradient_along(f, s0, 0, edge_order),
                gradient_along(f, spacing_of(s0, s1), 1, edge_order))
    if np.ndim(f) > 3:
        raise ValueError("s2sad's np.gradient: arrays of at most three dimensions")
    return (gradient_along(f, s0, 0, edge_order),
            gradient_along(f, spacing_of(s0, s1), 1, edge_order),
            gradient_along(f, spacing_of(s0, s2), 2, edge_order))


# ----- trapezoid rule -----

def trapezoid_spaced(y, d, axis):
    z = np.moveaxis(y, axis, -1)
    return np.sum(np.moveaxis(d * (z[..., 1:] + z[..., :-1]) / 2.0, -1, axis), axis=axis)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    if x is None:
        return trapezoid_spaced(y, dx, axis)
    if np.ndim(x) == 1:
        return trapezoid_spaced(y, np.diff(x), axis)
    return trapezoid_spaced(y, np.moveaxis(np.diff(x, axis=axis), axis, -1), axis)


# ----- polynomials -----

def polyval(p, x):
    if np.ndim(x) == 1 and np.ndim(p) == 1:  # (one table of powers, two products)
        powers = poly_powers(x, np.size(p))
        return p @ powers
    y = np.zeros_like(x)
    for pv in p:
        y = y * x + pv
    return y


# row k of poly_powers(x, n) is x ** (n - 1 - k): its slope (n - 1 - k) * x ** (n - 2 - k)
# is the next row's power times its exponent (and 0 for the last row, the constant 1)
POWERS = "x, n"
_EXPONENTS = "np.arange(n - 1, 0, -1)"
defshape(poly_powers, "probe")  # (n rows of x's shape)
defvjp(poly_powers, POWERS, f"np.tensordot({_EXPONENTS}, g[:-1] * ans[1:], 1)", None)
defjvp(poly_powers, POWERS, f"np.concatenate((np.multiply.outer({_EXPONENTS}, dx) * ans[1:], "
       "np.zeros_like(ans[:1])))", None)


def polyfit(x, y, deg, rcond=None, full=False, w=None, cov=False):
    if full or cov:
        raise DifferentiationError("<s2sad>:?: np.polyfit with full=True or cov=True: its "
                                   "derivative is known for the coefficients alone; fit "
                                   "with np.linalg.lstsq of np.vander(x, deg + 1)")
    lhs = np.vander(np.asarray(x) + 0.0, deg + 1)
    if w is not None:  # (NumPy's: the rows and y weighted)
        lhs = lhs * np.asarray(w)[:, None]
        if np.ndim(y) == 2:
            y = y * np.asarray(w)[:, None]
        else:
            y = y * w
    scale = np.sqrt(np.sum(lhs * lhs, axis=0))
    c = np.linalg.pinv(lhs / scale) @ y
    return np.transpose(np.transpose(c) / scale)


# ----- scipy.signal: 1-D convolution, scipy's 'same' centred on in1 -----

def signal_convolve(in1, in2, mode='full', method='auto'):
    if np.ndim(in1) > 1 or np.ndim(in2) > 1:
        return nd_convolve(in1, in2, mode)
    if mode == 'same':
        n = np.size(in1)
        start = (np.size(in2) - 1) // 2
        return np.convolve(in1, in2)[start:start + n]
    return np.convolve(in1, in2, mode)


def signal_fftconvolve(in1, in2, mode='full', axes=None):
    if (np.ndim(in1) > 1 or np.ndim(in2) > 1) and axes is None:
        return nd_convolve(in1, in2, mode)
    if mode == 'same':
        n = np.size(in1)
        start = (np.size(in2) - 1) // 2
        return np.convolve(in1, in2)[start:start + n]
    return np.convolve(in1, in2, mode)


defthrough(np.interp, interp)
defthrough(np.gradient, gradient)
defthrough(np.trapezoid, trapezoid)
if hasattr(np, "trapz"):  # NumPy < 2.4
    defthrough(np.trapz, trapezoid)
defthrough(np.polyval, polyval)
defthrough(np.polyfit, polyfit)

def _signal_rules() -> None:
    import scipy.signal as signal
    defthrough(signal.convolve, signal_convolve)
    defthrough(signal.fftconvolve, signal_fftconvolve)
    defthrough(signal.oaconvolve, signal_fftconvolve)  # (overlap-add: the same convolution)
    from s2sad.rules.scipy_signal_through import register_signal
    register_signal(signal)
    from s2sad.rules.scipy_filters_through import register_savgol
    register_savgol(signal)
    # N-D: each adjoint the full-shaped cotangent convolved with the other operand flipped
    flip = "np.flip(b, axis=tuple(range(np.ndim(b))))"
    defvjp(nd_convolve, "a, b, mode='full'",
           f"nd_convolve(conv_embed(g, a, b), {flip}, 'valid')",
           f"nd_convolve(conv_embed(g, a, b), {flip.replace('b', 'a')}, 'valid')")
    defjvp(nd_convolve, "a, b, mode='full'", "nd_convolve(da, b, mode)",
           "nd_convolve(a, db, mode)")
    # the embedding and the crop are linear, each the other's transpose (shapes only read)
    defvjp(conv_embed, "t, a, b", "conv_crop(g, t)", None, None)
    defjvp(conv_embed, "t, a, b", "conv_embed(dt, a, b)", None, None)
    defvjp(conv_crop, "t, like", "conv_pad(g, t)", None)
    defjvp(conv_crop, "t, like", "conv_crop(dt, like)", None)
    defvjp(conv_pad, "t, like", "conv_crop(g, t)", None)
    defjvp(conv_pad, "t, like", "conv_pad(dt, like)", None)


def _distance_rules() -> None:
    import scipy.spatial.distance as distance

    from s2sad.rules.scipy_distance_through import register_distance
    register_distance(distance)


def _ndimage_rules() -> None:
    import scipy.ndimage as ndimage

    from s2sad.rules.scipy_filters_through import register_ndimage
    register_ndimage(ndimage)


def _interpolate_rules() -> None:
    import scipy.interpolate as interpolate

    from s2sad.rules.scipy_interpolate_through import register_interpolate
    register_interpolate(interpolate)


def _integrate_rules() -> None:
    import scipy.integrate as integrate
    if integrate.trapezoid is not np.trapezoid:
        defthrough(integrate.trapezoid, trapezoid)
    from s2sad.rules.scipy_signal_through import register_integrate
    register_integrate(integrate)


# ----- np.select: the first true condition's choice, as nested np.where -----

def select(condlist, choicelist, default=0):
    out = default
    for k in range(len(condlist) - 1, -1, -1):
        out = np.where(condlist[k], choicelist[k], out)
    return out


defthrough(np.select, select)

# ----- np.angle, np.real_if_close, np.rollaxis -----
defvjp(np.angle, "z, deg=False", "angle_adjoint(g, z, deg)")
defjvp(np.angle, "z, deg=False", "angle_tangent(dz, z, deg)")
# (np.unwrap adds multiples of the period, a step function of p: the identity's slope)
UNWRAP = "p, discont=None, axis=-1, *, period=6.283185307179586"
defvjp(np.unwrap, UNWRAP, "g")
defjvp(np.unwrap, UNWRAP, "dp")
defvjp(np.real_if_close, "a, tol=100", "g")
defjvp(np.real_if_close, "a, tol=100", "real_if_close_tangent(da, ans)")
deflinear(np.rollaxis, "a, axis, start=0", "unroll_axis(g, a, axis, start)")
deflinear(np.lib.stride_tricks.sliding_window_view,  # (read-only: no write through it)
          "x, window_shape, axis=None, *, subok=False, writeable=False",
          "unwindow(g, x, window_shape, axis)")

when_imported("scipy.signal", _signal_rules)  # importing scipy.signal takes a second:
when_imported("scipy.integrate", _integrate_rules)  # the rules wait until the user does
when_imported("scipy.spatial.distance", _distance_rules)
when_imported("scipy.interpolate", _interpolate_rules)
when_imported("scipy.ndimage", _ndimage_rules)
