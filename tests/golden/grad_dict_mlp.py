def grad_dict_mlp(params, x):
    # line 92: h = np.tanh(params["W"] @ x + params["b"])
    params_item = params['W']
    matmul = params_item @ x
    params_item_1 = params['b']
    add = matmul + params_item_1
    h = np.tanh(add)
    # adjoint of line 93: return np.sum(h ** 2)
    dh = unbroadcast(repeat_to(1.0, add, None, False) * (2 * h), add)
    del add
    # adjoint of line 92: h = np.tanh(params["W"] @ x + params["b"])
    dadd = dh * (1 - h * h)
    dparams = add_at(None, params, 'b', fresh(unbroadcast(dadd, params_item_1)))
    dparams = add_at(dparams, None, 'W', fresh(matmul_lhs_adjoint(unbroadcast(dadd,
        matmul), params_item, x)))
    return cast_like(dparams, params)
