def grad_newton_sqrt(a):
    stack = []
    # line 36: while abs(x * x - a) > 1e-10:
    cond_1 = abs(a * a - a) > 1e-10
    steps_1 = 0
    x_1 = a
    trips = 0
    while cond_1:
        trips = trips + 1
        # line 37: x = 0.5 * (x + a / x)
        div = a / x_1
        stack.append((div, x_1))
        x_1 = 0.5 * (x_1 + div)
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
    # line 41: return x
    dx_1 = 1.0
    # adjoint of line 36: while abs(x * x - a) > 1e-10:
    da = 0.0
    for _ in range(trips):
        # adjoint of line 37: x = 0.5 * (x + a / x)
        dx_1 = dx_1 * 0.5
        div, x_1 = stack.pop()
        da += dx_1 / x_1
        dx_1 = dx_1 - dx_1 * div / x_1
    # adjoint of line 34: x = a
    da = da + dx_1
    return float(da)
