def jvp_element_loop(x, *, dx):
    # dx is read element by element: as Python floats
    dx_items = as_floats(dx)
    # x is read element by element: as Python floats
    x_items = as_floats(x)
    # line 108: for i in range(x.shape[0]):
    shape_item = np.shape(x)[0]
    total_1 = 0.0
    dtotal_1 = 0.0
    for i in range(shape_item):
        # line 109: if x[i] > 0:
        cmp = x_items[i] > 0
        if cmp:
            # line 110: total = total + x[i] * x[i]
            x_item_2 = x_items[i]
            total_1 = total_1 + x_item_2 * x_item_2
            dtotal_1 = dtotal_1 + 2 * x_item_2 * dx_items[i]
        else:
            # line 112: total = total - 2.0 * x[i]
            total_1 = total_1 - 2.0 * x_items[i]
            dtotal_1 = dtotal_1 - dx_items[i] * 2.0
    return total_1, dtotal_1
