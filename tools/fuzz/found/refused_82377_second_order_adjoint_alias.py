# ruff: noqa  (a reduced random program, kept as the reducer wrote it)
# fuzz seed 82377, reduced by tools/fuzz/reduce.py
import numpy as np

def f(x, b, T, M):
    v1 = M[-3] * T[1]
    v1 -= M[:, -2] @ M if T[1] > 0.01 else np.where(x[::-1] > 0.31, x, v1[::-1])
    r2 = np.full(4, np.nan)
    w3 = 0.39
    n4 = 0
    while w3 < 2.16 and n4 < 9:
        n4 += 1
        if x[-1] < -0.46:
            v1[1] = np.sqrt((T[1] + T[0][-3]) * (T[1] + T[0][-3]) + 0.5)
        elif v1[1] < -0.47:
            r2[-2] *= 1.0 + 0.5 * np.tanh((T[0][-4] if np.max(x) > 0.82 else v1[1]) if r2[2] > 0.34 else r2[::-1] @ r2)
            r2[1:] = np.maximum(x[::-1] * v1[::-1] + 0.5, -0.25)
        else:
            v1[1] += (v1[::-1] + M[-1]).max()
            v1, x = (x, v1 + (x[::-1] - r2[0:3]))
            r2[-2] *= 1.0 + 0.5 * np.tanh((b / (1.0 + T[0][::-1] * T[0][::-1])).mean())
        w6 = 0.26
        n7 = 0
        while w6 < 2.97 and n7 < 5:
            w6 = w6 + 0.3 + (v1 @ np.where(T[0][1:4] > 0.25, v1[::-1], v1[::-1])) ** 2
            n7 += 1
            if r2[-3] < -0.44 or T[1] < -0.38:
                continue
            r2[1:4] = 0.5 * (v1 * M[1])
    r16 = M * 1.0
    a17 = v1
    return w3 ** 2 + np.sum(np.cos(a17) * 0.5) + np.sin(T[1]) + np.sum(np.sin(r16)) + np.sum(np.sin(v1)) + np.sum(np.cos(r2) * 0.5)

ARGS = (np.array([0.6700912081687342, 0.7529681334363485, -0.4666602605149289]), 0.7853502420949601, (np.array([1.097552716521612, -0.37310771439111745, 0.6727852838741601, -1.1421148874718892]), 0.11419134874232073, ), np.array([[0.5947494429791131, 0.9503607166518451, 0.30330040200731867], [0.8697972640074842, -0.6471660683168734, -0.6896029035921254], [1.04776065944803, -0.6644806150984328, 0.6859941376166756], [-0.6869542115730859, 0.1194209697222639, -1.0014849539805064]]), )
SEED = 82377
ORDER = 2

if __name__ == '__main__':
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED, order=ORDER), indent=1))
