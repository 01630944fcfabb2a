"""CRASH on main (fixed on s27-fuzz: s2sad/compiler/correlate.py, tests in
tests/test_inactive_loops.py), fuzz seed 32577, reduced: differentiated with respect to
p alone, the loop's statements are all inactive, its reverse loop has an empty body, and
the batch pass's correlate rewrite did ``*temps, update = loop.body``:

    s2sad.value_and_grad(f, wrt=2)(x, w, p)
    ValueError: not enough values to unpack (expected at least 1, got 0)

(wrt=(0, 2) works: the loop is active then.)  The derivative now keeps an empty reverse
loop (``for i in reversed(range(6)): pass``), harmless.  Run: PYTHONPATH=. python <this file>."""
import numpy as np


def f(x, w, p):
    acc = 0.5 * p[1]
    for i in range(6):
        s = np.dot(x[:i], x[1:i + 1])
        acc += np.sum(w)
    return acc + s


ARGS = (np.linspace(-1.0, 1.0, 6), np.array([0.3, -0.2, 0.5]), np.array([0.2, 0.7, 1.0]))
SEED = 32577

if __name__ == "__main__":
    import s2sad

    try:
        print(s2sad.value_and_grad(f, wrt=2)(*ARGS))  # (5.35, [0, 0.5, 0]) when fixed
    except ValueError as e:
        print("CRASH:", e)
