# ruff: noqa  (a reduced random program, kept as the reducer wrote it)
# fuzz seed 770629, reduced by tools/fuzz2/reduce.py (a tools/fuzz2 seed)
import numpy as np

def euler(y, h, steps):
    return y

def power_series(v, depth):
    return 1.0 + v * power_series(v, depth - 1) / (depth + 1)

def f(x, y):
    b1 = x.copy()
    red2 = b1 - b1.mean()
    for i, t in enumerate(red2):
        if t > 0.66:
            return float(np.sum(red2[:i + 1] ** 2)) + red2[-6] * t
    h3 = euler(red2, 0.1, 4)
    carry4 = red2[-5]
    red5 = np.diff(x, prepend=0.0)
    if red2[-4] > 0.38:
        S7 = np.outer(b1, b1) + 6 * np.eye(6)
        la8 = np.linalg.solve(S7, h3)
        ps9 = power_series(x, 0)
        res6 = np.sum(np.tanh(la8)) + np.sum(np.tanh(ps9))
    else:
        b10 = h3.copy()
        halvings11 = 0
        res6 = np.sum(np.tanh(b10))
    return np.mean(y ** 2) + np.sum(np.tanh(h3)) + np.mean(red5 ** 2) + res6


ARGS = (np.array([0.03993574974557501, 0.13111319096534113, -0.336572166371224, -0.7380036116692239, -0.35433507825514576, 0.33578166297662615]), np.array([-0.8989204783768028, -0.31605433256307713, 0.21675893179267147, 0.6494102969875855, 0.314127447329523, -0.7293928594974333]), )
SEED = 770629
ORDER = 1

if __name__ == '__main__':
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED, order=ORDER), indent=1))
