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
    del shape
    arange = np.arange(shape_item)
    del shape_item
    logp_item = logp[arange, labels]
    # adjoint of line 13: return -np.mean(logp[np.arange(X.shape[0]), labels])
    dmean = -1.0
    dlogp_item = repeat_to(dmean / reduced_size(logp_item, None), logp_item,
        None, False)
    del dmean, logp_item
    dlogp = add_at(None, logp, (arange, labels), dlogp_item)
    del arange, dlogp_item, logp
    # adjoint of line 12: logp = logits - logsumexp(logits, axis=1, keepdims=True)
    dlogits = unbroadcast(dlogp, logits)
    dlogsumexp_1 = unbroadcast(-dlogp, logsumexp_1)
    del dlogp
    dlogits = dlogits + repeat_to(dlogsumexp_1, logits, 1, True) * lse_weights(
        logits, logsumexp_1, 1, True, None)
    del dlogsumexp_1, logits, logsumexp_1
    # adjoint of line 11: logits = X @ W + b
    dmatmul = unbroadcast(dlogits, matmul)
    del matmul
    db = unbroadcast(dlogits, b)
    del dlogits
    dW = matmul_rhs_adjoint(dmatmul, X, W)
    del dmatmul
    return cast_like(dW, W), cast_like(db, b)
