# ruff: noqa
"""Users' programs of session 43 (helper 76), fifth batch: the shapes of what the first
four and the fuzzers found (each once wrong, a crash or a refusal on main)."""
import numpy as np

CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def legacy_seeded_loop(mu):
    np.random.seed(2)
    total = 0.0
    for k in range(3):
        z = np.random.randn(4)
        total += np.sum(np.sin(mu * z * (k + 1)))
    return total
reg(legacy_seeded_loop, (0.7,))


def legacy_normal_params(mu, sigma):
    np.random.seed(1)
    z = np.random.normal(mu, sigma, size=30)
    return np.mean(np.tanh(z))
reg(legacy_normal_params, (0.3, 0.7), wrt=(0, 1))


def unused_draw_first(x):
    np.random.seed(0)
    warmup = np.random.randn(3)
    b = np.random.randn(3)
    return np.sum(x * b)
reg(unused_draw_first, (np.array([0.5, -1.0, 2.0]),))


def try_loop_no_pass(x, n):
    s = x[0]
    try:
        for k in range(n):
            s = x[k]
        r = s * 2
    except IndexError:
        r = 0.0
    return r * np.sum(x)
reg(try_loop_no_pass, (np.array([0.5, 1.5, 2.0]), 0), (np.array([0.5, 1.5, 2.0]), 2))


def solve_in_else_branch(x, p):
    if np.sum(x) > 0.13:
        res = np.sum(np.tanh(x))
    else:
        S = np.outer(p, p) + 6 * np.eye(3)
        res = np.sum(np.tanh(np.linalg.solve(S, p)))
    return res * np.sum(x)
reg(solve_in_else_branch, (np.array([1.0, 0.5, 0.2]), np.array([0.3, -0.2, 0.5])), wrt=1)


def lambdas_with_defaults(x):
    fs = [lambda t, k=k: np.sin(t * (k + 1)) for k in range(3)]
    return np.sum(sum(fn(x) for fn in fs) ** 2)
reg(lambdas_with_defaults, (np.array([0.3, -0.7, 1.1]),))
