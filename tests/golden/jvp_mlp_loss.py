def jvp_mlp_loss(W, x, b, *, dW, db):
    # line 9: return np.sum(np.tanh(W @ x + b) ** 2)
    add = W @ x + b
    dadd = broadcast_like(dW @ x, add) + broadcast_like(db, add)
    tanh = np.tanh(add)
    dpower = dadd * (1 - tanh * tanh) * (2 * tanh)
    total = np.sum(tanh * tanh)
    dtotal = np.sum(dpower)
    return total, dtotal
