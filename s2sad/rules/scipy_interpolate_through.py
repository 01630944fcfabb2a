"""``scipy.interpolate.interp1d`` of the default ``kind='linear'`` (one axis of values)
differentiated through ``np.interp`` (``defthrough``; registered when the user imports
the submodule): the interpolant it returns is a function of the new points, piecewise
linear in them and linear in the values, as ``np.interp``'s rule has it.  Points out of
the range raise ``ValueError`` as SciPy does, or take ``fill_value`` with
``bounds_error=False`` (``"extrapolate"``, another kind or values of several axes:
refused at the user's line)."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defthrough


def interp1d(x, y, kind="linear", axis=-1, copy=True, bounds_error=None,
             fill_value=np.nan, assume_sorted=False):
    if kind != "linear" or np.ndim(y) != 1 or isinstance(fill_value, (str, tuple)):
        raise DifferentiationError("<s2sad>:?: scipy.interpolate.interp1d of another kind "
                                   "than 'linear', of values of several axes, or "
                                   "extrapolating: interpolate with np.interp")
    order = np.argsort(x)
    xs = np.asarray(x)[order]
    ys = y[order]
    refuse_outside = bounds_error is None or bounds_error

    def interpolated(x_new):
        outside = (np.asarray(x_new) < xs[0]) | (np.asarray(x_new) > xs[-1])
        if refuse_outside and np.any(outside):
            raise ValueError("A value in x_new is outside the interpolation range.")
        inside = np.interp(x_new, xs, ys)
        if np.any(outside):
            return np.where(outside, fill_value, inside)
        return inside
    return interpolated


def register_interpolate(interpolate: Any) -> None:
    defthrough(interpolate.interp1d, interp1d)
