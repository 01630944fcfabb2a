def grad_in_place_writes(x):
    # x is read element by element: as Python floats
    x_items = as_floats(x)
    # line 70: r = np.zeros_like(x)
    r_1 = np.zeros_like(x)
    # line 71: for i in range(1, x.shape[0]):
    shape_item = np.shape(x)[0]
    for i in range(1, shape_item):
        # line 72: r[i] = 0.5 * r[i - 1] + x[i]
        sub = i - 1
        r_1[i] = 0.5 * r_1[sub] + x_items[i]
    del x_items
    # adjoint of line 73: return np.sum(r ** 2)
    dr_1 = as_floats(2.0 * r_1)
    del r_1
    # adjoint of line 71: for i in range(1, x.shape[0]):
    dx = floats_zeros(x)
    for i in reversed(range(1, shape_item)):
        # adjoint of line 72: r[i] = 0.5 * r[i - 1] + x[i]
        dx_item = dr_1[i]
        dr_1[i] = 0.0
        dx[i] += dx_item
        sub = i - 1
        dr_1[sub] += dx_item * 0.5
    return cast_like(dx, x)
