"""N-dimensional convolution (``scipy.signal.convolve`` of arrays of two or more axes).

Every mode's output is a centred block of the full convolution, so each adjoint is the
full-shaped cotangent (``conv_embed``: the block put back among zeros) correlated with
the other operand, and correlation is convolution with the operand flipped: the rules
(``rules/numpy_extra.py``) use only this convolution, flips and the embedding, which
have rules of their own, so every order works."""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["nd_convolve", "conv_embed", "conv_crop", "conv_pad", "placed"]


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
