"""The hessian-vector product of a fuzzed program (tools/fuzz/second.py)."""
import numpy as np

import s2sad


def hv(x, b, T, M):
    return np.sum(s2sad.grad(f, wrt=0)(x, b, T, M) * V)
