def jvp_loop_with_if(x, *, dx):
    # x is read element by element: as Python floats
    x_items = as_floats(x)
    # line 66: for i in range(x.shape[0]):
    shape_item = np.shape(x)[0]
    s_1 = 0.0
    ds_1 = 0.0
    for i in range(shape_item):
        # line 67: if x[i] > 0:
        cmp = x_items[i] > 0
        if cmp:
            # line 68: s = s + x[i] * x[i]
            x_item_2 = x_items[i]
            dx_item_2 = dx[i]
            s_1 = s_1 + x_item_2 * x_item_2
            ds_1 = ds_1 + (dx_item_2 * x_item_2 + dx_item_2 * x_item_2)
        else:
            # line 70: s = s - 0.5 * x[i]
            s_1 = s_1 - 0.5 * x_items[i]
            ds_1 = ds_1 - dx[i] * 0.5
    return s_1, ds_1
