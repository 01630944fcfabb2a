def grad_branch(x, y):
    # line 19: if x > y:
    cmp = x > y
    # adjoint of line 19: if x > y:
    if cmp:
        # adjoint of line 20: z = x * y
        dx = y
        dy = x
    else:
        # adjoint of line 22: z = np.sin(x)
        dx = math.cos(x)
        # adjoint of line 19: if x > y:
        dy = 0.0
    return float(dx), float(dy)
