def grad_branch(x, y):
    # line 17: if x > y:
    cmp = x > y
    if cmp:
        # line 18: z = x * y
        z = x * y
        z_2 = z
    else:
        # line 20: z = np.sin(x)
        z_1 = np.sin(x)
        z_2 = z_1
    dz_2 = 1.0
    # adjoint of line 17: if x > y:
    if cmp:
        # adjoint of line 18: z = x * y
        dx = dz_2 * y
        dy = x * dz_2
    else:
        # adjoint of line 20: z = np.sin(x)
        dx = dz_2 * np.cos(x)
        # adjoint of line 17: if x > y:
        dy = zeros_like(y)
    return z_2, (cast_like(dx, x), cast_like(dy, y))
