def jvp_in_place_writes(x, *, dx):
    # dx is read element by element: as Python floats
    dx_items = as_floats(dx)
    # x is read element by element: as Python floats
    x_items = as_floats(x)
    # line 70: r = np.zeros_like(x)
    r_1 = np.zeros_like(x)
    # line 71: for i in range(1, x.shape[0]):
    shape_item = np.shape(x)[0]
    dr_1 = zeros_like(x)
    for i in range(1, shape_item):
        # line 72: r[i] = 0.5 * r[i - 1] + x[i]
        sub = i - 1
        r_1[i] = 0.5 * r_1[sub] + x_items[i]
        dr_1[i] = dr_1[sub] * 0.5 + dx_items[i]
    del dx_items, x_items
    # line 73: return np.sum(r ** 2)
    total = (r_1 * r_1).sum()
    dtotal = (dr_1 * (2 * r_1)).sum()
    return total, dtotal
