def grad_logistic_map(r, x0, n):
    stack = []
    # line 86: for _ in range(n):
    x_1 = x0
    for _ in range(n):
        # line 87: x = r * x * (1.0 - x)
        mul = r * x_1
        x_1_taped = x_1
        sub = 1.0 - x_1
        x_1 = mul * sub
        stack.append((mul, sub, x_1_taped))
    # line 88: return x
    dx_1 = 1.0
    # adjoint of line 86: for _ in range(n):
    dr = 0.0
    for _ in reversed(range(n)):
        # adjoint of line 87: x = r * x * (1.0 - x)
        mul, sub, x_1 = stack.pop()
        dmul = dx_1 * sub
        dx_1 = -(dx_1 * mul)
        dr += dmul * x_1
        dx_1 = dx_1 + dmul * r
    return float(dr), float(dx_1)
