def jvp_dict_mlp(params, x, *, dparams):
    # line 92: h = np.tanh(params["W"] @ x + params["b"])
    dadd = dparams['W'] @ x + dparams['b']
    h = np.tanh(params['W'] @ x + params['b'])
    dh = dadd * (1 - h * h)
    del dadd
    # line 93: return np.sum(h ** 2)
    total = h @ h
    dtotal = 2 * (dh @ h)
    return total, dtotal
