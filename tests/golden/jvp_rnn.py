def jvp_rnn(Wh, xs, h0, *, dWh, dh0):
    # line 105: for t in range(xs.shape[0]):
    shape_item = np.shape(xs)[0]
    h_1 = h0
    dh_1 = dh0
    loss_1 = 0.0
    dloss_1 = 0.0
    for t in range(shape_item):
        # line 106: h = np.tanh(Wh @ h + xs[t])
        dadd = dWh @ h_1 + Wh @ dh_1
        h_1 = np.tanh(Wh @ h_1 + xs[t])
        dh_1 = dadd * (1 - h_1 * h_1)
        # line 107: loss = loss + np.sum(h * h)
        loss_1 = loss_1 + h_1 @ h_1
        dloss_1 = dloss_1 + 2 * (dh_1 @ h_1)
    return loss_1, dloss_1
