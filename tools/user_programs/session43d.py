# ruff: noqa
"""Users' programs of session 43 (helper 76), fourth batch: training loops, Monte Carlo,
solvers with views."""
import math
import numpy as np

R = np.random.default_rng(4314)
CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))


def chained_generator_draw(mu):
    z = np.random.default_rng(3).normal(mu, 1.0, 10)
    return np.mean(np.exp(-z ** 2))
reg(chained_generator_draw, (0.4,))


def vi_elbo_loop(mu, log_s):
    rng = np.random.default_rng(42)
    total = 0.0
    for _ in range(5):
        eps = rng.standard_normal(mu.shape)
        w = mu + np.exp(log_s) * eps
        total += -0.5 * np.sum((w - 1.0) ** 2) + np.sum(log_s)
    return total / 5
reg(vi_elbo_loop, (R.standard_normal(3), 0.1 * R.standard_normal(3)), wrt=(0, 1))


def gbm_paths(sigma, r):
    rng = np.random.default_rng(5)
    n_paths, n_steps, dt = 64, 12, 1 / 12
    S = np.full(n_paths, 100.0)
    for _ in range(n_steps):
        z = rng.standard_normal(n_paths)
        S = S * np.exp((r - 0.5 * sigma ** 2) * dt + sigma * math.sqrt(dt) * z)
    payoff = np.maximum(S - 100.0, 0.0)
    return math.exp(-r) * payoff.mean()
reg(gbm_paths, (0.2, 0.03), wrt=(0, 1))


def mini_batch_sgd(w0, X, y):
    w = w0.copy()
    rng = np.random.default_rng(0)
    for epoch in range(3):
        idx = rng.permutation(len(y))
        for start in range(0, len(y), 2):
            b = idx[start:start + 2]
            g = X[b].T @ (X[b] @ w - y[b]) / len(b)
            w -= 0.1 * g
    return np.mean((X @ w - y) ** 2)
reg(mini_batch_sgd, (np.zeros(3), R.standard_normal((6, 3)), R.standard_normal(6)), wrt=(0, 2))


def mlp_train_inside(W1, X, y):
    W2 = np.ones((4, 1)) * 0.1
    for _ in range(3):
        H = np.maximum(X @ W1, 0.0)
        out = H @ W2
        err = out[:, 0] - y
        dW2 = H.T @ err[:, None] / len(y)
        W2 = W2 - 0.5 * dW2
    return np.mean((np.maximum(X @ W1, 0.0) @ W2 - y[:, None]) ** 2)
reg(mlp_train_inside, (R.standard_normal((2, 4)), R.standard_normal((5, 2)), R.standard_normal(5)), wrt=(0, 2))


def burgers_fv(u0, nu):
    u = u0.copy()
    dx = 0.1
    for _ in range(5):
        ue = np.pad(u, 1, mode="wrap")
        flux = 0.5 * ue[:-1] ** 2 - nu * (ue[1:] - ue[:-1]) / dx
        fl = np.where(ue[:-1] + ue[1:] > 0, 0.5 * ue[:-1] ** 2, 0.5 * ue[1:] ** 2) - nu * (ue[1:] - ue[:-1]) / dx
        u = u - 0.01 / dx * (fl[1:] - fl[:-1])
    return np.sum(u ** 2)
reg(burgers_fv, (np.sin(np.linspace(0, 2 * np.pi, 8, endpoint=False)) + 0.5, 0.05), wrt=(0, 1))


def ghost_cells_inplace(u0, k):
    n = len(u0)
    u = np.zeros(n + 2)
    u[1:-1] = u0
    for _ in range(4):
        u[0] = u[1]          # Neumann
        u[-1] = 2.0 - u[-2]  # Dirichlet at 1 (ghost)
        u[1:-1] = u[1:-1] + k * (u[:-2] - 2 * u[1:-1] + u[2:])
    return np.sum(u[1:-1] ** 2)
reg(ghost_cells_inplace, (R.random(6), 0.2), wrt=(0, 1))


def cubic_spline_eval(c, xq):
    knots = np.linspace(0, 1, len(c) + 1)
    i = np.clip(np.searchsorted(knots, xq, side="right") - 1, 0, len(c) - 1)
    t = (xq - knots[i]) / (knots[i + 1] - knots[i])
    h00 = 2 * t ** 3 - 3 * t ** 2 + 1
    h01 = -2 * t ** 3 + 3 * t ** 2
    y = h00 * c[i] + h01 * np.append(c, c[-1])[i + 1]
    return np.sum(y ** 2)
reg(cubic_spline_eval, (R.standard_normal(5), np.array([0.05, 0.31, 0.62, 0.99])), wrt=(0, 1))


def masked_scale_argument_copy(x, thresh):
    y = np.array(x)
    mask = y > thresh
    y[mask] *= 2
    y[~mask] = y[~mask] ** 2
    return np.sum(y) + thresh * mask.sum()
reg(masked_scale_argument_copy, (np.array([0.3, -0.5, 0.9, 1.4]), 0.5), wrt=(0, 1))


def einsum_ellipsis(A, B):
    C = np.einsum("...ij,...jk->...ik", A, B)
    return np.einsum("bii->", C) + np.einsum("ij,kj->ik", A[0], B[1]).sum()
reg(einsum_ellipsis, (R.standard_normal((2, 3, 3)), R.standard_normal((2, 3, 3))), wrt=(0, 1))


def norm_axis_normalize(X):
    n = np.linalg.norm(X, axis=1, keepdims=True)
    U = X / n
    return np.sum(U @ U.T)
reg(norm_axis_normalize, (R.standard_normal((4, 3)),))


def det_inv_in_loop(A):
    total = 0.0
    M = np.eye(2)
    for k in range(3):
        M = M @ A
        total += np.linalg.det(M) + np.trace(np.linalg.inv(M + 3 * np.eye(2)))
    return total
reg(det_inv_in_loop, (np.array([[1.1, 0.2], [0.3, 0.9]]),))


def early_return_nested(X):
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if X[i, j] > 1.0:
                return X[i, j] ** 2 + i
    return np.sum(X)
reg(early_return_nested, (np.array([[0.2, 0.5], [1.5, 0.1]]),), (np.array([[0.2, 0.5], [0.5, 0.1]]),))


def while_tolerance_fixed_point(a):
    x = 1.0
    diff = 1.0
    n = 0
    while diff > 1e-12:
        x_new = math.cos(a * x)
        diff = abs(x_new - x)
        x = x_new
        n += 1
    return x
reg(while_tolerance_fixed_point, (0.8,))


def asserts_fstrings_loop(w, X):
    losses = []
    for step in range(3):
        pred = X @ w
        loss = float(np.mean(pred ** 2))
        assert np.isfinite(loss), f"step {step}: loss {loss}"
        losses.append(loss)
        w = w - 0.1 * X.T @ pred / len(pred)
    msg = f"final {losses[-1]:.4f} after {len(losses)} steps"
    return losses[-1] + 0 * len(msg)
reg(asserts_fstrings_loop, (R.standard_normal(3), R.standard_normal((5, 3))), wrt=(0, 1))


def broadcasting_none_rbf(x, c, gamma):
    d2 = (x[:, None] - c[None, :]) ** 2
    K = np.exp(-gamma * d2)
    w = np.linalg.solve(K.T @ K + 0.1 * np.eye(len(c)), K.T @ np.sin(x))
    return np.sum((K @ w - np.sin(x)) ** 2)
reg(broadcasting_none_rbf, (np.linspace(-1, 1, 6), np.array([-0.5, 0.0, 0.5]), 2.0), wrt=(1, 2))


def dict_of_arrays_adam(params, X, y):
    m = {k: np.zeros_like(v) for k, v in params.items()}
    p = {k: v.copy() for k, v in params.items()}
    for t in range(1, 4):
        r = X @ p["w"] + p["b"] - y
        g = {"w": X.T @ r / len(y), "b": np.array([r.mean()])}
        for k in p:
            m[k] = 0.9 * m[k] + 0.1 * g[k]
            p[k] = p[k] - 0.05 * m[k] / (1 - 0.9 ** t)
    r = X @ p["w"] + p["b"] - y
    return np.mean(r ** 2)
reg(dict_of_arrays_adam, ({"w": R.standard_normal(3), "b": np.array([0.1])}, R.standard_normal((6, 3)), R.standard_normal(6)))


def stacked_list_of_rows(x):
    rows = []
    for i in range(len(x) - 1):
        rows.append(np.array([x[i], x[i + 1], x[i] * x[i + 1]]))
    M = np.stack(rows)
    return np.sum(M.T @ M)
reg(stacked_list_of_rows, (R.standard_normal(4),))


def logsumexp_stable_rows(Z):
    m = Z.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(Z - m).sum(axis=1))
    return np.sum(lse)
reg(logsumexp_stable_rows, (R.standard_normal((3, 4)),), hess=True)
