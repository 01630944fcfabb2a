def grad_softmax_cross_entropy(W, b, X, labels):
    # line 11: logits = X @ W + b
    matmul = X @ W
    logits = matmul + b
    # line 12: logp = logits - logsumexp(logits, axis=1, keepdims=True)
    logsumexp_1 = logsumexp(logits, axis=1, keepdims=True)
    logp = logits - logsumexp_1
    # line 13: return -np.mean(logp[np.arange(X.shape[0]), labels])
    shape = np.shape(X)
    shape_item = shape[0]
    arange = np.arange(shape_item)
    logp_item = logp[arange, labels]
    mean = np.mean(logp_item)
    neg = -mean
    dneg = 1.0
    # adjoint of line 13: return -np.mean(logp[np.arange(X.shape[0]), labels])
    dmean = -dneg
    dlogp_item = fresh(repeat_to(dmean, logp_item, None, False) /
        reduced_size(logp_item, None))
    dlogp = add_at(None, logp, (arange, labels), dlogp_item)
    # adjoint of line 12: logp = logits - logsumexp(logits, axis=1, keepdims=True)
    dlogits = unbroadcast(dlogp, logits)
    dlogsumexp_1 = unbroadcast(-dlogp, logsumexp_1)
    dlogits = dlogits + repeat_to(dlogsumexp_1, logits, 1, True) * lse_weights(
        logits, logsumexp_1, 1, True, None)
    # adjoint of line 11: logits = X @ W + b
    dmatmul = unbroadcast(dlogits, matmul)
    db = unbroadcast(dlogits, b)
    dW = matmul_rhs_adjoint(dmatmul, X, W)
    return neg, (cast_like(dW, W), cast_like(db, b))
