def grad_loop_with_if(x):
    # x is read element by element: as Python floats
    x_items = as_floats(x)
    stack = []
    # line 66: for i in range(x.shape[0]):
    shape_item = np.shape(x)[0]
    for i in range(shape_item):
        # line 67: if x[i] > 0:
        cmp = x_items[i] > 0
        stack.append(cmp)
    # adjoint of line 66: for i in range(x.shape[0]):
    dx = floats_zeros(x)
    for i in reversed(range(shape_item)):
        # adjoint of line 67: if x[i] > 0:
        cmp = stack.pop()
        if cmp:
            # adjoint of line 68: s = s + x[i] * x[i]
            x_item_1 = x_items[i]
            dx[i] += x_item_1 + x_item_1
        else:
            # adjoint of line 70: s = s - 0.5 * x[i]
            dx[i] += -0.5
    return cast_like(dx, x)
