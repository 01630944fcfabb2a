"""Linear filters of SciPy along axes (``scipy.ndimage``'s ``gaussian_filter``,
``gaussian_filter1d``, ``uniform_filter``, ``uniform_filter1d``; ``scipy.signal``'s
``savgol_filter``) differentiated through closed forms (``defthrough``; registered when
the user imports the submodule).  Each filters along one axis at a time by a map
affine in the data, whatever its boundary mode: the matrix of that map along an axis of
``n`` points is the filter of the ``n x n`` identity (less the filter of zeros, the
part ``cval`` adds), made without derivative; the data are then multiplied by it along
the axis.  So a gradient in the image or signal is the transposed matrix applied to the
cotangent, exact at the boundaries too.  ``output=``, ``axes=`` and ``radius=`` are
refused at the user's line."""
from __future__ import annotations

from typing import Any

import numpy as np

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defnondiff, defthrough

_FILTERS: dict[str, Any] = {}  # name -> SciPy's function (filled at registration)


def axis_matrix(name, n, options):
    """(the matrix, the offset) of SciPy's filter ``name`` along an axis of ``n``."""
    fn = _FILTERS[name]
    offset = fn(np.zeros(n), **dict(options))
    return fn(np.eye(n), axis=0, **dict(options)) - offset[:, None], offset


def along_axis(x, matrix, offset, axis):
    moved = np.moveaxis(x, axis, -1)
    return np.moveaxis(moved @ matrix.T + offset, -1, axis)


def per_axis(value, axis):
    return value[axis] if isinstance(value, (list, tuple)) else value


def _refuse_options(output, axes, radius):
    if output is not None or axes is not None or radius is not None:
        raise DifferentiationError("<s2sad>:?: a SciPy filter with output=, axes= or "
                                   "radius=: filter into a new array, along every axis")


def gaussian_filter1d(input, sigma, axis=-1, order=0, output=None, mode="reflect",
                      cval=0.0, truncate=4.0, *, radius=None):
    _refuse_options(output, None, radius)
    options = (("sigma", sigma), ("order", order), ("mode", mode), ("cval", cval),
               ("truncate", truncate))
    matrix, offset = axis_matrix("gaussian_filter1d", np.shape(input)[axis], options)
    return along_axis(input, matrix, offset, axis)


def gaussian_filter(input, sigma, order=0, output=None, mode="reflect", cval=0.0,
                    truncate=4.0, *, radius=None, axes=None):
    _refuse_options(output, axes, radius)
    out = input
    for axis in range(np.ndim(input)):
        out = gaussian_filter1d(out, per_axis(sigma, axis), axis, per_axis(order, axis),
                                None, per_axis(mode, axis), cval, truncate)
    return out


def uniform_filter1d(input, size, axis=-1, output=None, mode="reflect", cval=0.0,
                     origin=0):
    _refuse_options(output, None, None)
    options = (("size", size), ("mode", mode), ("cval", cval), ("origin", origin))
    matrix, offset = axis_matrix("uniform_filter1d", np.shape(input)[axis], options)
    return along_axis(input, matrix, offset, axis)


def uniform_filter(input, size=3, output=None, mode="reflect", cval=0.0, origin=0, *,
                   axes=None):
    _refuse_options(output, axes, None)
    out = input
    for axis in range(np.ndim(input)):
        out = uniform_filter1d(out, per_axis(size, axis), axis, None,
                               per_axis(mode, axis), cval, per_axis(origin, axis))
    return out


def savgol_filter(x, window_length, polyorder, deriv=0, delta=1.0, axis=-1,
                  mode="interp", cval=0.0):
    options = (("window_length", window_length), ("polyorder", polyorder),
               ("deriv", deriv), ("delta", delta), ("mode", mode), ("cval", cval))
    matrix, offset = axis_matrix("savgol_filter", np.shape(x)[axis], options)
    return along_axis(x, matrix, offset, axis)


defnondiff(axis_matrix)


def register_ndimage(ndimage: Any) -> None:
    for name, reference in (("gaussian_filter", gaussian_filter),
                            ("gaussian_filter1d", gaussian_filter1d),
                            ("uniform_filter", uniform_filter),
                            ("uniform_filter1d", uniform_filter1d)):
        _FILTERS[name] = getattr(ndimage, name)
        defthrough(getattr(ndimage, name), reference)


def register_savgol(signal: Any) -> None:
    _FILTERS["savgol_filter"] = signal.savgol_filter
    defthrough(signal.savgol_filter, savgol_filter)
