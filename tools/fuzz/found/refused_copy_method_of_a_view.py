"""Over-refusal (honest, not wrong): ``.copy()`` of a slice or of a container's item is
taken for a view of its base, so a write into the copy is refused when the base is read
later ("... r shares its memory with x ...; write into a copy (r = r.copy() first)").
``np.copy(x[1:])`` and ``x.copy()`` are accepted.  Found by fuzz seeds 3, 6, 13, 20
(before the generator preferred np.copy).  Run: PYTHONPATH=. python <this file>."""
import numpy as np


def f(x, T):
    r = x[1:].copy()          # a new array: writing into it never changes x
    r[0] = 2.0 * x[0]
    s = T[0].copy()           # the same for an item of a tuple argument
    s[1] = x[2]
    return np.sum(r * x[1:]) + np.sum(s * T[0])


ARGS = (np.array([0.3, -0.5, 0.8, 1.1]), (np.array([0.4, 0.1, -0.7, 0.2]), 0.5))
SEED = 0

if __name__ == "__main__":
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED), indent=1))  # "refused" today
