def jvp_branch(x, y, *, dx, dy):
    # line 19: if x > y:
    cmp = x > y
    if cmp:
        # line 20: z = x * y
        z_2 = x * y
        dz_2 = dx * y + dy * x
    else:
        # line 22: z = np.sin(x)
        z_2 = np.sin(x)
        dz_2 = dx * np.cos(x)
    return z_2, dz_2
