"""Over-refusals (honest, not wrong) around a module-level array C: a new array that
once received an element of C, or an array made from a list of C's elements, is taken to
share C's memory, and a later write into it is refused ("in-place write into C: C comes
from outside the function ...").  The same functions with C passed as an argument are
differentiated.  Found by fuzz seeds 411, 422, 427.  Run: PYTHONPATH=. python <this file>."""
import numpy as np

C = np.array([1.49, 0.75, 1.18])


def f(x):
    r = np.zeros_like(C)
    r[1] = C[0]               # copies a number into r
    r[2] = x[0]               # refused: "in-place write into C"
    return np.sum(r * x)


def f_list(x):
    out = []
    for j in range(3):
        out.append(C[j])
    v = np.array(out)         # a new array
    v[0] = x[1]               # refused: "in-place write into C"
    return np.sum(v * x)


ARGS = (np.array([0.3, -0.5, 0.8]),)
SEED = 0

if __name__ == "__main__":
    import json

    from tools.fuzz.check import run_checks

    for g in (f, f_list):
        print(g.__name__, json.dumps(run_checks(g, lambda: ARGS, SEED)))  # "refused" today
