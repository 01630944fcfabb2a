def jvp_two_layers(W1, W2, x, *, dW1, dW2):
    # _layer(), line 77: return np.tanh(W @ h)
    tanh = np.tanh(W1 @ x)
    dmatmul_1 = dW2 @ tanh + W2 @ (dW1 @ x * (1 - tanh * tanh))
    tanh_1 = np.tanh(W2 @ tanh)
    dtanh_1 = dmatmul_1 * (1 - tanh_1 * tanh_1)
    del dmatmul_1, tanh
    # line 81: return np.sum(_layer(W2, _layer(W1, x)) ** 2)
    total = tanh_1 @ tanh_1
    dtotal = 2 * (dtanh_1 @ tanh_1)
    return total, dtotal
