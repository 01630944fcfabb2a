"""WRONG value and gradient on main (fixed on s27-fuzz, commit "Fix a wrong value and
gradient (fuzz seed 30068)"): v is a view of the argument x on one path and the new array
r on the other; a write into r was carried to v on every path, so with c > 0.4 s2sad
returned the value and gradient of sum(r * x) instead of sum(x[::-1] * x).

On main:  f(x, 1.0) = 0.84 but value_and_grad gives 7.96, gradient [1.2, 7, 3.2, 4, 8]
(the true gradient is 2 * x[::-1]).  Now: DifferentiationError (an honest refusal).
The original program of fuzz seed 30068 reduced: see fuzz_30068 in tests/test_alias_paths.py.
Run: PYTHONPATH=. python <this file>."""
import numpy as np


def f(x, c):
    r = x * 2.0
    if c > 0.4:
        v = x[::-1]           # also: v = x[::-1] if c > 0.4 else r; or v = r; if c: v = ...
    else:
        v = r
    r[1] = 7.0
    return np.sum(v * x)


ARGS = (np.array([0.3, -0.5, 0.8, 1.0, 2.0]), 1.0)
SEED = 30068

if __name__ == "__main__":
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED, points=1), indent=1))
