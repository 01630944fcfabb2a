def grad_huber_loss(w, X, y, delta):
    # line 112: r = X @ w - y
    r = X @ w - y
    # line 113: a = np.abs(r)
    a = np.abs(r)
    # line 114: loss = np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))
    cmp = a <= delta
    del a
    # adjoint of line 115: return np.mean(loss)
    dloss = 1.0 / X.shape[0]
    # adjoint of line 113: a = np.abs(r)
    dr = np.where(cmp, r, delta * np.sign(r)) * dloss
    del cmp, r
    # adjoint of line 112: r = X @ w - y
    dw = X.T @ dr
    return dw
