def grad_rnn_uniform(Wh, xs, h0):
    # line 47: for t in s2sad.checkpoint(range(xs.shape[0])):
    shape_item = np.shape(xs)[0]
    checkpointed_1 = checkpointed_47(0, shape_item, 1, h0, 0.0, Wh, xs)
    # adjoint of line 47: for t in s2sad.checkpoint(range(xs.shape[0])):
    dcheckpointed_1 = add_at(None, checkpointed_1, 1, 1.0)
    cotangents = user_cotangents(vjp_checkpointed_47(dcheckpointed_1, checkpointed_1, 0,
        shape_item, 1, h0, 0.0, Wh, xs, s2sad_active=(False, False, False, True, False,
        True, False)), (0, shape_item, 1, h0, 0.0, Wh, xs),
        (False, False, False, True, False, True, False))
    dh = cotangents[3]
    dWh = cotangents[5]
    return cast_like(dWh, Wh), cast_like(dh, h0)


# checkpointed_47: the checkpointed loop of line 47, uniform segments of
# ceil(sqrt(trips)) trips: the forward pass runs checkpointed_47_loop segment by segment
# keeping (h, loss) at each segment's start; the reverse pass takes the segments last to
# first and runs the VJP of checkpointed_47_loop over each (a taped forward over the
# segment, then its reverse).
def checkpointed_47_loop(s2sad_start, s2sad_stop, s2sad_step, h, loss, Wh, xs):
    # the loop of line 47, over part of its range
    for t in range(s2sad_start, s2sad_stop, s2sad_step):
        h = np.tanh(Wh @ h + xs[t])
        if np.sum(h) > 0:
            loss = loss + np.sum(h * h)
    return h, loss
