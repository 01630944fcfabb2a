def grad_branch(x, y):
    # line 17: if x > y:
    cmp = x > y
    if cmp:
        pass
    # adjoint of line 17: if x > y:
    if cmp:
        dz = 1.0
        # adjoint of line 18: z = x * y
        dx = dz * y
        dy = dz * x
    else:
        dz_1 = 1.0
        # adjoint of line 20: z = np.sin(x)
        dx = dz_1 * np.cos(x)
        # adjoint of line 17: if x > y:
        dy = zeros_like(y)
    return float(dx.real), float(dy.real)
