def grad_mlp_loss(W, x, b):
    # line 7: return np.sum(np.tanh(W @ x + b) ** 2)
    matmul = W @ x
    add = matmul + b
    tanh = np.tanh(add)
    pow = tanh ** 2
    sum = np.sum(pow)
    dsum = 1.0
    # adjoint of line 7: return np.sum(np.tanh(W @ x + b) ** 2)
    dpow = repeat_to(dsum, pow, None, False)
    dtanh = unbroadcast(safe_mul(dpow, pow_dbase(tanh, 2)), tanh)
    dadd = dtanh * (1 - tanh ** 2)
    dmatmul = unbroadcast(dadd, matmul)
    db = unbroadcast(dadd, b)
    dW = matmul_lhs_adjoint(dmatmul, W, x)
    return sum, (cast_like(dW, W), cast_like(db, b))
