def jvp_newton_sqrt(a, *, da):
    # line 36: while abs(x * x - a) > 1e-10:
    cond_1 = abs(a * a - a) > 1e-10
    steps_1 = 0
    x_1 = a
    dx_1 = da
    while cond_1:
        # line 37: x = 0.5 * (x + a / x)
        div = a / x_1
        dadd = (dx_1 + ((da / x_1 if x_1 else safe_div(da, x_1))
            - (dx_1 * div / x_1 if x_1 else safe_div(dx_1 * div, x_1))))
        x_1 = 0.5 * (x_1 + div)
        dx_1 = dadd * 0.5
        # line 38: steps += 1
        steps_1 = steps_1 + 1
        # line 39: if steps > 50:
        cmp = steps_1 > 50
        if cmp:
            # line 40: break
            break
        else:
            # line 36: while abs(x * x - a) > 1e-10:
            cond_1 = abs(x_1 * x_1 - a) > 1e-10
    return x_1, dx_1
