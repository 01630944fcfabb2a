"""scipy.signal and scipy.integrate functions differentiated through closed forms
(``defthrough``; registered when the user imports the submodule, from
:mod:`numpy_extra`): ``correlate`` (``convolve`` with the second input reversed and
conjugated, any dimension and mode), ``convolve2d`` / ``correlate2d`` (zero fill),
``lfilter`` (1-D, no ``zi``: the FIR part a convolution, the recursion a loop over
the output, so ``b``, ``a`` and ``x`` all get derivatives) and
``cumulative_trapezoid`` (in ``y``, ``x`` and ``dx``).  What they do not cover is
refused at the user's line."""
from __future__ import annotations

from typing import Any

import numpy as np
import scipy.signal as signal

from s2sad.errors import DifferentiationError
from s2sad.rules.registry import defthrough


def correlate(in1, in2, mode='full', method='auto'):
    return signal.convolve(in1, np.flip(np.conj(in2)), mode)


def convolve2d(in1, in2, mode='full', boundary='fill', fillvalue=0):
    if boundary != 'fill' or fillvalue != 0:
        raise DifferentiationError("<s2sad>:?: scipy.signal.convolve2d: its derivative is "
                                   "known for boundary='fill' with fillvalue=0; pad first")
    return signal.convolve(in1, in2, mode)


def correlate2d(in1, in2, mode='full', boundary='fill', fillvalue=0):
    if boundary != 'fill' or fillvalue != 0:
        raise DifferentiationError("<s2sad>:?: scipy.signal.correlate2d: its derivative is "
                                   "known for boundary='fill' with fillvalue=0; pad first")
    if mode != 'same':
        return signal.convolve(in1, np.flip(np.conj(in2)), mode)
    full = signal.convolve(in1, np.flip(np.conj(in2)), 'full')
    r, c = np.shape(in2)[0] // 2, np.shape(in2)[1] // 2  # (centred unlike correlate's)
    return full[r:r + np.shape(in1)[0], c:c + np.shape(in1)[1]]


def lfilter(b, a, x, axis=-1, zi=None):
    if zi is not None or np.ndim(x) != 1:
        raise DifferentiationError("<s2sad>:?: scipy.signal.lfilter: its derivative is "
                                   "known for a 1-D x without zi")
    lead = a[0]
    n = np.size(x)
    moving = np.convolve(x, np.asarray(b) / lead)[:n]
    back = np.asarray(a) / lead
    out = []
    for i in range(n):
        y = moving[i]
        for k in range(1, min(i, np.size(back) - 1) + 1):
            y = y - back[k] * out[i - k]
        out.append(y)
    return np.array(out)


def cumulative_trapezoid(y, x=None, dx=1.0, axis=-1, initial=None):
    if x is not None and np.ndim(x) != 1:
        raise DifferentiationError("<s2sad>:?: scipy.integrate.cumulative_trapezoid: its "
                                   "derivative is known for a 1-D x (or dx)")
    z = np.moveaxis(y, axis, -1)
    d = dx if x is None else np.diff(x)
    c = np.cumsum(d * (z[..., 1:] + z[..., :-1]) / 2.0, axis=-1)
    if initial is not None:
        c = np.concatenate([initial + np.zeros(np.shape(c)[:-1] + (1,)), c], axis=-1)
    return np.moveaxis(c, -1, axis)


def register_signal(sig: Any) -> None:
    for name, reference in (("correlate", correlate), ("convolve2d", convolve2d),
                            ("correlate2d", correlate2d), ("lfilter", lfilter)):
        defthrough(getattr(sig, name), reference)


def register_integrate(integrate: Any) -> None:
    defthrough(integrate.cumulative_trapezoid, cumulative_trapezoid)
