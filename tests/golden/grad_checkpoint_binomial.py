def grad_rnn_binomial(Wh, xs, h0):
    # line 57: for t in s2sad.checkpoint(range(xs.shape[0]), snapshots=4):
    shape_item = np.shape(xs)[0]
    checkpointed_1 = checkpointed_57(0, shape_item, 1, h0, 0.0, Wh, xs)
    # adjoint of line 57: for t in s2sad.checkpoint(range(xs.shape[0]), snapshots=4):
    dcheckpointed_1 = add_at(None, checkpointed_1, 1, 1.0)
    cotangents = user_cotangents(vjp_checkpointed_57(dcheckpointed_1, checkpointed_1, 0,
        shape_item, 1, h0, 0.0, Wh, xs, s2sad_active=(False, False, False, True, False,
        True, False)), (0, shape_item, 1, h0, 0.0, Wh, xs),
        (False, False, False, True, False, True, False))
    dh = cotangents[3]
    dWh = cotangents[5]
    return cast_like(dWh, Wh), cast_like(dh, h0)


# checkpointed_57: the checkpointed loop of line 57, binomial (revolve) with 4
# snapshots: the forward pass runs checkpointed_57_loop keeping (h, loss) at its start;
# the reverse pass restores a snapshot, advances with checkpointed_57_loop (no tape),
# stores new snapshots where revolve says, and reverses one trip at a time with the VJP
# of checkpointed_57_step.
def checkpointed_57_loop(s2sad_start, s2sad_stop, s2sad_step, h, loss, Wh, xs):
    # the loop of line 57, over part of its range
    for t in range(s2sad_start, s2sad_stop, s2sad_step):
        h = np.tanh(Wh @ h + xs[t])
        if np.sum(h) > 0:
            loss = loss + np.sum(h * h)
    return h, loss


def checkpointed_57_step(t, h, loss, Wh, xs):
    # one trip of the loop of line 57
    h = np.tanh(Wh @ h + xs[t])
    if np.sum(h) > 0:
        loss = loss + np.sum(h * h)
    return h, loss
