# ruff: noqa  (a reduced random program, kept as the reducer wrote it)
# fuzz seed 770900, reduced by tools/fuzz/reduce.py
import numpy as np

def f(x, y, W, A):
    B1 = W.copy()
    row = B1[0]
    Q2 = A.copy()
    g3 = Q2[np.arange(4), np.argmax(A, axis=1)]
    vals4 = []
    for a, b in zip(y, y):
        pass
    arr5 = np.array(vals4)
    le6 = 0.0
    le7 = 0.0
    B8 = Q2.copy()
    buf12 = y.copy()
    view = buf12[:-1]
    view *= g3[3]
    res9 = np.sum(np.tanh(buf12))
    return np.mean(B1 ** 2) + np.sum(np.sin(B8) * 0.5) + res9 ** 2

ARGS = (np.array([0.19819123904870284, 0.2503441679125238, 0.15938760766168536, 0.22827464515439977]), np.array([0.8252822704830867, -0.24664785549838775, 0.6085491640721137, -0.33006569602690594]), np.array([[0.6504651503974039, -0.7093744996086393, -0.19691409777406021, -0.8057266564390284], [-0.8395219541582117, 0.4621329444046116, -0.9184502959367389, 0.6068879812779879], [0.8514162645441488, -0.9443160320830419, 0.14141617044408328, -0.6599915902014237]]), np.array([[0.6933196370002948, -0.6421753764487317, 0.7095538611574039, 0.37855279171212697], [0.03543620548618587, 0.4581033822823497, -0.6935009815336366, -0.7309326958517901], [-0.5734726827664838, 0.7746469465804502, -0.27456487207899305, 0.5548385416404336], [-0.8487940115602113, 0.14322421370599003, 0.8821794116365509, -0.47349762847440036]]), )
SEED = 770900
ORDER = 1

if __name__ == '__main__':
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED, order=ORDER), indent=1))
