def grad_dict_mlp(params, x):
    # line 92: h = np.tanh(params["W"] @ x + params["b"])
    h = np.tanh(params['W'] @ x + params['b'])
    # adjoint of line 93: return np.sum(h ** 2)
    dh = 2.0 * h
    # adjoint of line 92: h = np.tanh(params["W"] @ x + params["b"])
    dadd = dh * (1 - h * h)
    dparams_item = np.multiply.outer(dadd, x)
    dparams = {'W': dparams_item, 'b': fresh(dadd)}
    return cast_like(dparams, params)
