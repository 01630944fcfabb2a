"""WRONG vjp on main during session 27 (fixed: names.written_names counts the array an
in-place helper writes, so fuse no longer moves a read of da past clear_at(da, ...)).
Run: PYTHONPATH=. python <this file>."""
# fuzz seed 42138, reduced by tools/fuzz/reduce.py
import numpy as np


def f(x, D, b, T):
    a12 = x
    a13 = a12
    a13[1:] = T[0][::1]
    return np.sum(a13 * a13) + T[1]


ARGS = (np.array([0.8043129302556669, 0.09661183959237274, -0.3687679274422524, -0.38494590223301206]), {'w': np.array([[0.6401442583469241, 1.1404282894355469, -1.0991131076395826, -0.9318530804209337], [0.13787902256811257, 0.5716120314374891, -1.0862664740246828, -0.2021613415329675], [-1.134840098952669, 0.9890247026789527, -0.8271861545413164, 0.9534591817739335]]), 'c': np.array([-0.3707839680549391, 0.889299849247654, 0.8708457910428711])}, 0.9470413750129858, (np.array([-0.6056998798362397, 1.0732188702535395, -0.5667063052544861]), 0.31283218151223835, ), )  # noqa: E501
SEED = 42138

if __name__ == '__main__':
    import json

    from tools.fuzz.check import run_checks

    print(json.dumps(run_checks(f, lambda: ARGS, SEED), indent=1))
