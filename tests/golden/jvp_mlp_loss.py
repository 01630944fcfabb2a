def jvp_mlp_loss(W, x, b, *, dW, db):
    # line 9: return np.sum(np.tanh(W @ x + b) ** 2)
    tanh = np.tanh(W @ x + b)
    dpower = (dW @ x + db) * (1 - tanh * tanh) * (2 * tanh)
    total = tanh @ tanh
    dtotal = dpower.sum()
    return total, dtotal
