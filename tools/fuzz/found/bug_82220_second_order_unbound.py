# ruff: noqa  (a reduced random program, kept as the reducer wrote it)
# fuzz seed 82220, reduced by tools/fuzz/reduce.py
import numpy as np

def f(x, b):
    w4 = 0.16
    n5 = 0
    while w4 < 2.07 and n5 < 10:
        w4 = w4 + 0.3 + (x[::-1] @ x[::-1] * (x[-4] + x[0])) ** 2
    r6 = np.zeros((5,))
    L7 = (np.where(x[::-1] > -0.29, x[::-1], x), np.outer(x[1:6], x) + np.outer(r6[::-1], x), np.sum(x))
    e8, e9, e10 = L7
    L11 = [np.where(L7[0][::-1] > -0.21, L7[1][4], e9[0]), L7[1], x - L7[0][::-1]]
    L13 = (w4, L11[2] + e9[-4], r6[::-1] @ e9)
    e14, e15, e16 = L13
    v17 = r6 + np.minimum(e9[:, -1], e16[1:6]) - np.sqrt(e9[2, 1] * e9[2, 1] + 0.5)
    return np.sum(np.sin(e8)) + np.sum(np.cos(L11[2]) * 0.5) + np.sum(L7[1] * L7[1]) + np.sum(np.cos(L13[1]) * 0.5) + np.sum(e16 * e16) + np.mean(np.tanh(v17))


ARGS = (np.array([-1.179102987029327, 0.8626083766818182, -0.4414208677577377, 1.176780046911546, 0.35399397255030385, 0.03578225938533852]), 0.6817972582985858, )
SEED = 82220
ORDER = 2

if __name__ == '__main__':
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED, order=ORDER), indent=1))
