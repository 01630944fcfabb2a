def grad_branch(x, y):
    # line 17: if x > y:
    cmp = x > y
    if cmp:
        pass
    dz_2 = 1.0
    # adjoint of line 17: if x > y:
    if cmp:
        # adjoint of line 18: z = x * y
        dx = dz_2 * y
        dy = dz_2 * x
    else:
        # adjoint of line 20: z = np.sin(x)
        dx = dz_2 * np.cos(x)
        # adjoint of line 17: if x > y:
        dy = zeros_like(y)
    del dz_2
    return float(dx.real), float(dy.real)
