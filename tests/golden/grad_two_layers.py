def grad_two_layers(W1, W2, x):
    # _layer(), line 77: return np.tanh(W @ h)
    tanh = np.tanh(W1 @ x)
    tanh_1 = np.tanh(W2 @ tanh)
    # adjoint of line 81: return np.sum(_layer(W2, _layer(W1, x)) ** 2)
    dtanh_1 = 2.0 * tanh_1
    # adjoint of _layer(), line 77: return np.tanh(W @ h)
    dmatmul_1 = dtanh_1 * (1 - tanh_1 * tanh_1)
    dW2 = np.multiply.outer(dmatmul_1, tanh)
    dmatmul = W2.T @ dmatmul_1 * (1 - tanh * tanh)
    dW1 = np.multiply.outer(dmatmul, x)
    return dW1, dW2
