"""The powers a polynomial's coefficients weigh, for ``np.polyval`` differentiated as
``p @ poly_powers(x, n)``: one table, read by the forward product and by the
coefficients' adjoint ``powers @ g`` (two matrix-vector products in BLAS, as a careful
hand-written gradient does, instead of a Horner loop forward and one back)."""
from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["poly_powers"]


def poly_powers(x: Any, n: int) -> np.ndarray:
    """Row ``k`` is ``x ** (n - 1 - k)`` (``np.vander(x, n).T`` for a vector ``x``; the
    rows made by repeated products, as Horner's rule makes them: 1, x, x * x, ...)."""
    x = np.asarray(x)
    out = np.empty((n,) + x.shape, dtype=np.result_type(x, np.int8))
    if n:
        out[-1] = 1
    for k in range(n - 2, -1, -1):
        np.multiply(out[k + 1], x, out=out[k])
    return out
