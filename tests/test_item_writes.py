"""Arrays written by an item keep their dtype and hold no other object
(``compiler/dtypes.py``: ``d[i, j] = v`` and ``d[:, :-1] += e`` leave ``d`` float64;
``compiler/ownership.py``: an array's items written copy the values).

So an adjoint made as zeros and written at gathered places (a survival curve's
likelihood read at each subject's time) is owned: a later sum into it runs in place
(``dhazard -= ...``) and the gradient needs no cast at the return.  Each against
central differences; an array written from another that is then changed in place
keeps the values it was given; a list written by an item is not taken for an array.
"""
import numpy as np

from gradcheck import check_grad, check_jvp, grad_code


def survival(w, alpha, X, time, observed):
    eta = (X @ w)[:, None] + alpha[None, :]
    hazard = 1.0 / (1.0 + np.exp(-eta))
    surv = np.cumprod(1.0 - hazard, axis=1)
    rows = np.arange(X.shape[0])
    prev = np.concatenate((np.ones((X.shape[0], 1)), surv[:, :-1]), axis=1)
    lik = np.where(observed, prev[rows, time] * hazard[rows, time], surv[rows, time])
    return -np.mean(np.log(lik))


def gathered_squares(x, idx, y):
    out = np.zeros(x.shape[0])
    out[idx] = x[idx] ** 2
    return np.sum(np.cumprod(1.0 + 0.1 * out) * y)


def written_then_changed(x):
    a = np.zeros(x.shape[0])
    b = x * 2.0
    a[:] = b
    b[0] = 0.0  # (a keeps the values it was given)
    return np.sum(a * a) + np.sum(b * x)


def list_written(x):
    parts = [x, x * 2.0]
    parts[1] = parts[0] * 3.0
    return np.sum(parts[0] * parts[1])


def _data(seed, n, d, T):
    rng = np.random.default_rng(seed)
    return (0.3 * rng.standard_normal(d), rng.uniform(-3.0, -1.0, T),
            rng.standard_normal((n, d)), rng.integers(0, T, n), rng.uniform(size=n) < 0.7)


def test_survival_sums_in_place():
    for seed, n, d, T in ((0, 9, 3, 4), (1, 12, 2, 6), (2, 5, 4, 3)):
        w, alpha, X, time, observed = _data(seed, n, d, T)
        check_grad(survival, w, alpha, X, time, observed, wrt=(0, 1))
        check_jvp(survival, w, alpha, X, time, observed, wrt=(0, 1))
    code = grad_code(survival, w, alpha, X, time, observed, wrt=(0, 1))
    assert "dhazard -= cumprod_adjoint(" in code and "cast_like" not in code, code


def test_gathered_squares():
    rng = np.random.default_rng(3)
    for n, idx in ((5, np.array([0, 2, 4])), (6, np.array([5, 1])), (4, np.arange(4))):
        x, y = rng.standard_normal(n), rng.standard_normal(n)
        check_grad(gathered_squares, x, idx, y, wrt=(0, 2))
        check_jvp(gathered_squares, x, idx, y, wrt=(0, 2))


def test_written_then_changed_and_lists():
    rng = np.random.default_rng(4)
    for n in (1, 3, 6):
        x = rng.standard_normal(n)
        check_grad(written_then_changed, x)
        check_jvp(written_then_changed, x)
        check_grad(list_written, x)
        check_jvp(list_written, x)
