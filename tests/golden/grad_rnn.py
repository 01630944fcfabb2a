def grad_rnn(Wh, xs, h0):
    stack = []
    # line 105: for t in range(xs.shape[0]):
    shape_item = np.shape(xs)[0]
    h_1 = h0
    stack.append(h_1)
    for t in range(shape_item):
        # line 106: h = np.tanh(Wh @ h + xs[t])
        h_1 = np.tanh(Wh @ h_1 + xs[t])
        # line 107: loss = loss + np.sum(h * h)
        stack.append(h_1)
    # adjoint of line 105: for t in range(xs.shape[0]):
    dh_1 = zeros_like(h0)
    dWh_rows = []
    dWh_cols = []
    for t in reversed(range(shape_item)):
        # adjoint of line 107: loss = loss + np.sum(h * h)
        h_1 = stack.pop()
        dh_1 = dh_1 + 2.0 * h_1
        # adjoint of line 106: h = np.tanh(Wh @ h + xs[t])
        dmatmul = dh_1 * (1 - h_1 * h_1)
        h_1 = stack.pop()
        stack.append(h_1)
        dWh_rows.append(dmatmul)
        dWh_cols.append(h_1)
        dh_1 = Wh.T @ dmatmul
    stack.pop()
    dWh = np.array(dWh_rows).T @ np.array(dWh_cols) if dWh_rows else zeros_like(Wh)
    return cast_like(dWh, Wh), cast_like(dh_1, h0)
