def grad_mlp_loss(W, x, b):
    # line 7: return np.sum(np.tanh(W @ x + b) ** 2)
    matmul = W @ x
    add = matmul + b
    tanh = np.tanh(add)
    # adjoint of line 7: return np.sum(np.tanh(W @ x + b) ** 2)
    dadd = unbroadcast(repeat_to(1.0, add, None, False) * (2 * tanh), add) * (
        1 - tanh * tanh)
    del add, tanh
    dmatmul = unbroadcast(dadd, matmul)
    del matmul
    db = unbroadcast(dadd, b)
    del dadd
    dW = np.multiply.outer(dmatmul, x)
    del dmatmul
    return cast_like(dW, W), cast_like(db, b)
