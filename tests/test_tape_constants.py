"""A number the ``invariants`` pass moved out of the loop that pushed it is neither
pushed nor popped (``compiler/tape.py``: ``without_constants``): every trip pushed the
value the name holds anyway.  A number that changes from trip to trip stays on the
tape.  Each against central differences.
"""
import numpy as np

from gradcheck import check_grad, check_jvp, grad_code


def paths(sigma, Z, dt):
    S = np.ones(Z.shape[1])
    total = np.zeros(Z.shape[1])
    for t in range(Z.shape[0]):
        S = S * np.exp(-0.5 * sigma * sigma * dt + sigma * np.sqrt(dt) * Z[t])
        total = total + S
    return np.mean(np.maximum(total / Z.shape[0] - 0.9, 0.0))


def decays(rate, x, n):
    for _ in range(n):
        x = x * np.exp(-rate * 0.1) + np.sin(x) * np.log(2.0 + rate)
    return np.sum(x * x)


def growing(rate, x, n):
    c = 0.1
    for _ in range(n):
        c = c * 1.5
        x = x * np.exp(-rate * c) + np.sin(x) * np.sqrt(c)
    return np.sum(x * x)


def _pops(code: str) -> list[str]:
    return [line.strip() for line in code.splitlines() if "stack.pop()" in line]


def test_a_step_size_root_is_not_taped():
    rng = np.random.default_rng(0)
    for sigma, shape in ((0.2, (5, 7)), (0.4, (3, 4)), (0.1, (6, 2))):
        Z = rng.standard_normal(shape)
        check_grad(paths, sigma, Z, 0.02, wrt=(0, 1))
        check_jvp(paths, sigma, Z, 0.02, wrt=(0, 1))
        assert not any("sqrt" in p for p in _pops(grad_code(paths, sigma, Z, 0.02,
                                                              wrt=(0, 1))))


def test_numbers_of_the_rate():
    rng = np.random.default_rng(1)
    for rate, n in ((0.3, 3), (1.2, 2), (0.05, 4)):
        x = rng.standard_normal(4)
        check_grad(decays, rate, x, n, wrt=(0, 1))
        check_jvp(decays, rate, x, n, wrt=(0, 1))
        check_grad(growing, rate, x, n, wrt=(0, 1))
        check_jvp(growing, rate, x, n, wrt=(0, 1))
