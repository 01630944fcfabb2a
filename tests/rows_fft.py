"""Rule rows (see rule_rows.py) for ``numpy.fft``: every transform with ``n`` / ``s``
smaller and larger than the input, several axes and shapes, each ``norm``.

The rows' arguments are real (the table's directions are real): complex outputs are
compared through their real parts here; tests/test_fft.py checks the templates with
complex arguments, complex adjoints, and the whole pipeline on real losses.
"""
from __future__ import annotations

import numpy as np

from rule_rows import G, H, N, P, R, U, binary, spd, unary, well  # noqa: F401

F = np.fft
NORMS = (None, "backward", "ortho", "forward")

# ----- one axis: fft, ifft, rfft, irfft -----
for _f in (F.fft, F.ifft, F.rfft, F.irfft):
    R(_f, N(6)); R(_f, N(7)); R(_f, N(3, 5))  # noqa: E702
    R(_f, N(1)) if _f is not F.irfft else R(_f, N(2))
    R(_f, N(5, 4), axis=0); R(_f, N(2, 5, 3), axis=1); R(_f, N(2, 3, 4), None, 0)  # noqa: E702
    for _n in (2, 3, 4, 5, 8, 9):  # crop and pad, odd and even lengths
        R(_f, N(3, 5), _n)
        R(_f, N(6, 2), n=_n, axis=0)
    for _norm in NORMS:
        R(_f, N(3, 6), norm=_norm)
        R(_f, N(4, 3), 7, 0, _norm)
        R(_f, N(7, 2), n=4, axis=-2, norm=_norm)

# ----- several axes: fft2, ifft2, rfft2, irfft2, fftn, ifftn, rfftn, irfftn -----
for _f in (F.fft2, F.ifft2, F.rfft2, F.irfft2, F.fftn, F.ifftn, F.rfftn, F.irfftn):
    R(_f, N(4, 5)); R(_f, N(2, 3, 4)); R(_f, N(3, 3))  # noqa: E702
    R(_f, N(3, 4, 5), axes=(0, 2)); R(_f, N(3, 4, 5), axes=(2, 0))  # noqa: E702
    R(_f, N(3, 4, 5), axes=(-1, 1)); R(_f, N(3, 4, 5), axes=(1,))  # noqa: E702
    R(_f, N(3, 4, 5), s=(5, 2), axes=(0, 2)); R(_f, N(3, 4, 5), s=(2, 7), axes=(1, 0))  # noqa
    R(_f, N(3, 4, 5), s=(4, 4), axes=(-2, -1)); R(_f, N(3, 4), (6, 3), (0, 1))  # noqa: E702
    R(_f, N(3, 4, 5), s=(2, 6, 8), axes=(0, 1, 2)); R(_f, N(2, 3), s=(3,), axes=(0,))  # noqa
    for _norm in NORMS:
        R(_f, N(3, 4), norm=_norm)
        R(_f, N(2, 4, 3), s=(5, 2), axes=(2, 1), norm=_norm)
for _f in (F.fftn, F.ifftn, F.rfftn, F.irfftn):  # every axis by default
    R(_f, N(5)); R(_f, N(3, 4, 5)); R(_f, N(2, 3, 2, 3), norm="ortho")  # noqa: E702

# ----- shifts -----
for _f in (F.fftshift, F.ifftshift):
    R(_f, N(5)); R(_f, N(6)); R(_f, N(3, 4)); R(_f, N(3, 5), axes=1)  # noqa: E702
    R(_f, N(3, 5), 0); R(_f, N(2, 3, 5), axes=(0, 2)); R(_f, N(4, 5), axes=(-1,))  # noqa: E702
