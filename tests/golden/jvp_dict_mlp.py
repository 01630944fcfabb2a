def jvp_dict_mlp(params, x, *, dparams):
    # line 92: h = np.tanh(params["W"] @ x + params["b"])
    add = params['W'] @ x + params['b']
    dadd = broadcast_like(dparams['W'] @ x, add) + broadcast_like(dparams['b'], add)
    h = np.tanh(add)
    dh = dadd * (1 - h * h)
    del add, dadd
    # line 93: return np.sum(h ** 2)
    total = np.sum(h * h)
    dtotal = np.sum(dh * (2 * h))
    return total, dtotal
