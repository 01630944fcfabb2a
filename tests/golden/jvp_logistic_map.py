def jvp_logistic_map(r, x0, n, *, dr, dx0):
    # line 86: for _ in range(n):
    x_1 = x0
    dx_1 = dx0
    for _ in range(n):
        # line 87: x = r * x * (1.0 - x)
        mul = r * x_1
        dmul = dr * x_1 + dx_1 * r
        sub = 1.0 - x_1
        x_1 = mul * sub
        dx_1 = dmul * sub - dx_1 * mul
    return x_1, dx_1
