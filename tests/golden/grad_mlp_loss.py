def grad_mlp_loss(W, x, b):
    # line 9: return np.sum(np.tanh(W @ x + b) ** 2)
    tanh = np.tanh(W @ x + b)
    # adjoint of line 9: return np.sum(np.tanh(W @ x + b) ** 2)
    dadd = 2.0 * tanh * (1 - tanh * tanh)
    dW = np.multiply.outer(dadd, x)
    return dW, dadd
