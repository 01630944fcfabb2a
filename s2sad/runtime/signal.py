"""N-dimensional convolution (``scipy.signal.convolve`` of arrays of two or more axes).

Every mode's output is a centred block of the full convolution, so each adjoint is the
full-shaped cotangent (``conv_embed``: the block put back among zeros) correlated with
the other operand, and correlation is convolution with the operand flipped: the rules
(``rules/numpy_extra.py``) use only this convolution, flips and the embedding, which
have rules of their own, so every order works.

``rfft_adjoint``: the transpose of ``np.fft.rfft`` by one ``irfft`` of half length."""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["nd_convolve", "conv_embed", "conv_crop", "conv_pad", "placed", "rfft_adjoint"]


def nd_convolve(a: Any, b: Any, mode: str = "full") -> Any:
    """``scipy.signal.convolve(a, b, mode)`` (direct or FFT, as scipy chooses)."""
    from scipy import signal
    return signal.convolve(a, b, mode=mode)


def _full(a: Any, b: Any) -> tuple:
    return tuple(n + m - 1 for n, m in zip(np.shape(a), np.shape(b)))


def _block(full: tuple, shape: tuple) -> tuple:
    return tuple(slice((f - s) // 2, (f - s) // 2 + s) for f, s in zip(full, shape))


def conv_embed(g: Any, a: Any, b: Any) -> Any:
    """``g`` (a block of ``convolve(a, b, mode)``, centred as scipy centres it) put back
    in the full convolution's shape, zeros elsewhere."""
    return _padded(g, _full(a, b))


def conv_pad(g: Any, like: Any) -> Any:
    """``g`` centred in zeros shaped like ``like`` (``conv_crop``'s transpose)."""
    return _padded(g, np.shape(like))


def _padded(g: Any, full: tuple) -> Any:
    out = np.zeros(full, dtype=np.result_type(g, float))
    out[_block(full, np.shape(g))] = g
    return out


def placed(t: Any, at: int, n: int) -> Any:
    """The vector ``t`` at offset ``at`` in zeros of length ``n``: ``np.pad(t, (at,
    n - at - len(t)))`` without ``np.pad``'s ~8 us a call (a convolution's adjoint)."""
    out = np.zeros(n, dtype=np.result_type(t, float))
    out[at:at + np.shape(t)[0]] = t
    return out


def conv_crop(t: Any, like: Any) -> Any:
    """The centred block of ``t`` shaped like ``like`` (``conv_embed``'s transpose)."""
    return t[_block(np.shape(t), np.shape(like))]


_NORM_SCALE = {None: lambda m: 1.0, "backward": lambda m: 1.0, "ortho": lambda m: m ** -0.5,
               "forward": lambda m: 1.0 / m}


def rfft_adjoint(t: Any, a: Any, n: Any = None, axis: int = -1, norm: Any = None) -> Any:
    """Adjoint of ``np.fft.rfft(a, n, axis, norm)`` for the cotangent ``t`` of its
    ``m // 2 + 1`` bins (``m = n or len``): ``Re(sum_k t_k exp(-2 pi i k j / m))`` by one
    real inverse transform of half length (``irfft`` counts the bins between 0 and
    ``m / 2`` twice: they are halved first), not a complex ``fft`` of length ``m``;
    then cropped or zero-padded back to ``a``'s length (the transpose of ``n``'s)."""
    t = np.asarray(t)
    axis = axis % t.ndim
    length = np.shape(a)[axis]
    m = n or length
    half = np.conj(t) if np.iscomplexobj(t) else t.astype(np.result_type(t, 1.0))
    inner = (slice(None),) * axis + (slice(1, (m + 1) // 2),)
    half[inner] *= 0.5
    out = np.fft.irfft(half, m, axis, norm="forward")
    scale = _NORM_SCALE[norm](m)
    if scale != 1.0:
        out *= scale
    if m == length:
        return out
    if m > length:
        return out[(slice(None),) * axis + (slice(0, length),)]
    widths = [(0, 0)] * out.ndim
    widths[axis] = (0, length - m)
    return np.pad(out, widths)
