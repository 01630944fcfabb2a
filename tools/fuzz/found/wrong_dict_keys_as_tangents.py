# ruff: noqa  (a repro, kept as found)
# found by a hand probe in the style of tools/fuzz2 (session 48): a dict's keys used as numbers
import numpy as np

def f(x, y):
    pairs = {0: x[:2] * y[0], 1: x[2:4] * y[1]}
    tot = 0.0
    for k, v in pairs.items():
        tot = tot + np.sum(v ** 2) * (k + 1)
    return tot


ARGS = (np.array([0.3, -0.5, 0.7, 0.1, -0.2, 0.6]), np.array([0.4, 0.2, -0.6, 0.9, -0.3, 0.1]))
SEED = 1
ORDER = 1

if __name__ == '__main__':
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED, order=ORDER), indent=1))
