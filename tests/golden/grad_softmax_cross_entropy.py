def grad_softmax_cross_entropy(W, b, X, labels):
    # line 13: logits = X @ W + b
    logits = X @ W + b
    # line 14: logp = logits - logsumexp(logits, axis=1, keepdims=True)
    logsumexp_1 = logsumexp(logits, axis=1, keepdims=True)
    logp = logits - logsumexp_1
    # line 15: return -np.mean(logp[np.arange(X.shape[0]), labels])
    arange = np.arange(np.shape(X)[0])
    # adjoint of line 15: return -np.mean(logp[np.arange(X.shape[0]), labels])
    dlogp = zeros_like(logp)
    dlogp[arange, labels] = -1.0 / labels.shape[0]
    del arange, logp
    # adjoint of line 14: logp = logits - logsumexp(logits, axis=1, keepdims=True)
    dlogits = (dlogp - dlogp.sum(axis=1, keepdims=True)
        * lse_weights(logits, logsumexp_1, 1, True, None))
    del dlogp, logits, logsumexp_1
    # adjoint of line 13: logits = X @ W + b
    db = dlogits.sum(axis=0)
    dW = X.T @ dlogits
    return cast_like(dW, W), cast_like(db, b)
