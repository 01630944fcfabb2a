def grad_mlp_loss(W, x, b):
    # line 7: return np.sum(np.tanh(W @ x + b) ** 2)
    matmul = W @ x
    add = matmul + b
    tanh = np.tanh(add)
    # adjoint of line 7: return np.sum(np.tanh(W @ x + b) ** 2)
    dpow = repeat_to(1.0, tanh, None, False)
    dtanh = unbroadcast(dpow * (2 * tanh), add)
    del add, dpow
    dadd = dtanh * (1 - tanh * tanh)
    del dtanh, tanh
    dmatmul = unbroadcast(dadd, matmul)
    del matmul
    db = unbroadcast(dadd, b)
    del dadd
    dW = matmul_lhs_adjoint(dmatmul, W, x)
    del dmatmul
    return cast_like(dW, W), cast_like(db, b)
