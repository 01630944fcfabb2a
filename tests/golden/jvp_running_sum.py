def jvp_running_sum(x, n, *, dx):
    # line 28: for i in range(n):
    s_1 = 0.0
    ds_1 = zeros_like(s_1)
    for i in range(n):
        # line 29: s = s + np.sin(x * i)
        mul = x * i
        dmul = safe_mul(dx, i)
        sin = np.sin(mul)
        dsin = dmul * np.cos(mul)
        s_1 = s_1 + sin
        ds_1 = ds_1 + dsin
    return s_1, ds_1
