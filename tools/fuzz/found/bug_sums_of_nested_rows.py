# ruff: noqa  (a repro, kept as found)
# found by a hand probe (session 48), while checking the list-in-a-dict fix at second order
import numpy as np

def f(x, y):
    rows = [[x[0], x[1]], [x[2] * y[0], x[3]]]
    return np.sum(rows[0]) * np.sum(rows[1])


ARGS = (np.array([0.3, -0.5, 0.7, 0.1, -0.2]), np.array([0.4, 0.2, -0.6, 0.9, -0.3]))
SEED = 1
ORDER = 1

if __name__ == '__main__':
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED, order=ORDER), indent=1))
