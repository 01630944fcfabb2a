def grad_element_loop(x):
    # x is read element by element: as Python floats
    x_items = as_floats(x)
    # line 108: for i in range(x.shape[0]):
    shape_item = np.shape(x)[0]
    # adjoint of line 108: for i in range(x.shape[0]):
    dx = floats_zeros(x)
    for i in reversed(range(shape_item)):
        # adjoint of line 109: if x[i] > 0:
        cmp = x_items[i] > 0
        if cmp:
            # adjoint of line 110: total = total + x[i] * x[i]
            dx[i] += 2 * x_items[i]
        else:
            # adjoint of line 112: total = total - 2.0 * x[i]
            dx[i] += -2.0
    return cast_like(dx, x)
