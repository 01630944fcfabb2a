"""WRONG (a NaN gradient where the derivative is finite), fuzz seed 31477, reduced by hand:
an intermediate overflows to inf in the forward pass, a kink then discards it (min picks
the other operand), so f is finite and smooth there, but the reverse pass multiplies the
zero adjoint by the infinite local derivative: 0 * inf = NaN.  The guarded fallback
(s2sad/fallback.py) gives NaN too.  (JAX and PyTorch also give NaN on such programs; a
fix would be a guard "0 * anything = 0" in the rules of exp and ** or at the kinks.)

    f(1.0) = 0.72, d f/d b = 1;  s2sad.value_and_grad(f)(1.0) -> (0.72, nan)

In the fuzz program the overflow came from a while loop squaring a value (b, w = w,
min(b, acc) with w = w + b ** 4).  Run: PYTHONPATH=. python <this file>."""
import numpy as np


def f(x, b):
    t = np.exp(b * 1000.0)            # inf for b = 1
    return np.minimum(t, -0.28) + b + np.sum(x)


def f_loop(x, y):
    b = y[0]                          # a NumPy float: overflows to inf, not an error
    w = 0.0
    for _ in range(6):
        w = w + b ** 4                # b ** 4 overflows after a few rounds
        b, w = w, min(b, -0.28)
    return np.sin(w) + np.sum(x)


ARGS = (np.array([0.3, -0.5, 0.8]), np.float64(1.0))
SEED = 31477

if __name__ == "__main__":
    import json
    import warnings

    from tools.fuzz.check import run_checks

    warnings.simplefilter("ignore")
    for g, args in ((f, ARGS), (f_loop, (ARGS[0], np.array([1.637])))):
        print(g.__name__, json.dumps(run_checks(g, lambda a=args: a, SEED, points=1)))
