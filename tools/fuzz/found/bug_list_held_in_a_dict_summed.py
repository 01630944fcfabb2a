# ruff: noqa  (a repro, kept as found)
# found by a hand probe (session 48): np.sum of a list held in a dict
import numpy as np

def f(x, y):
    e = {}
    for a, b in zip(x, y):
        e.setdefault(int(a > b), []).append(a * b)
    return sum(np.sum(v) for v in e.values())


ARGS = (np.array([0.3, -0.5, 0.7, 0.1, -0.2]), np.array([0.4, 0.2, -0.6, 0.9, -0.3]))
SEED = 1
ORDER = 1

if __name__ == '__main__':
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED, order=ORDER), indent=1))
