# ruff: noqa  (a reduced random program, kept as the reducer wrote it)
# fuzz seed 770608, reduced by tools/fuzz2/reduce.py (a tools/fuzz2 seed)
import numpy as np

def f(x, W):
    for i in range(len(x)):
        if x[i] > 0.95:
            return float(np.sum(x[:i + 1] ** 2)) + x[5] * x[i]
    carry1 = x[-6]
    for step in range(2):
        b2 = x.copy()
        b2[:-1] -= b2[1:]
        Q3 = W.copy()
        g4 = Q3[np.arange(4), np.argmax(W, axis=1)]
        mask = g4 > -0.4
        m5 = g4 * mask + g4
        carry1 = carry1 * 0.5 + np.sum(np.tanh(g4)) + np.sum(np.tanh(Q3)) + np.sum(np.tanh(m5))
    parts6 = [b2[:5], b2[5:]]
    head7, tail8 = parts6
    two9 = (head7.sum(), tail8.mean())
    p10, q11 = two9

    def cube(t):
        return t ** 3 - t
    fn12 = [cube, np.sin, np.tanh]
    ch13 = fn12[int(m5[0] > 0.42) + int(m5[-1] > 0.42)](m5)

    def g14(u, k=2):
        return np.exp(-u ** 2) * ch13[-1] / k
    r15 = g14(m5) + g14(m5[::-1])
    b16 = ch13 + 0.0
    tail17 = b16[1:]
    st18 = tail17.sum() * b16[0]
    return carry1 + q11 + np.mean(tail8 ** 2) + np.mean(r15 ** 2) + np.mean(b16 ** 2) + np.tanh(st18)


ARGS = (np.array([0.6423499630789085, -0.6330392508036846, -0.6036406690892453, 0.0848760146642471, 0.3306455815663587, -0.19867098231635905]), np.array([[0.4267603433322076, -0.42037561603358675, -0.4566309681912819, 0.2683931358123057, -0.1897562980590306, -0.47273457082901804], [0.17517887264876486, -0.18739268500941564, 0.13585555609626776, 0.27498616968838996, -0.41633488136981645, -0.14584514710526242], [-0.0827269338151424, -0.06274832536212016, -0.5435187368903256, -0.9714274513474739, 0.28689493410446487, 0.6172482239590877], [-0.4328111544850284, -0.6332770715343332, 0.2010290556344525, 0.6064738940713417, 0.21354142365219642, -0.0888243501449757]]), )
SEED = 770608
ORDER = 1

if __name__ == '__main__':
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED, order=ORDER), indent=1))
