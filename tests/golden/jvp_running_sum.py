def jvp_running_sum(x, n, *, dx):
    # line 28: for i in range(n):
    s_1 = 0.0
    ds_1 = 0.0
    for i in range(n):
        # line 29: s = s + np.sin(x * i)
        mul = x * i
        s_1 = s_1 + float(np.sin(mul))
        ds_1 = ds_1 + dx * i * float(np.cos(mul))
    return s_1, ds_1
