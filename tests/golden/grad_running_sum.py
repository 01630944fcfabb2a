def grad_running_sum(x, n):
    stack = []
    # line 25: s = 0.0
    s = 0.0
    # line 26: for i in range(n):
    s_1 = s
    for i in range(n):
        # line 27: s = s + np.sin(x * i)
        mul = x * i
        sin = np.sin(mul)
        stack.append(mul)
        s_1_new = s_1 + sin
        stack.append((shape_of(s_1), shape_of(sin)))
        s_1 = s_1_new
    value = s_1
    ds_1 = 1.0
    # adjoint of line 26: for i in range(n):
    dx = zeros_like(x)
    for i in reversed(range(n)):
        # adjoint of line 27: s = s + np.sin(x * i)
        ds_1_new = ds_1
        s_1, sin = stack.pop()
        ds_1 = unbroadcast(ds_1_new, s_1)
        dsin = unbroadcast(ds_1_new, sin)
        mul = stack.pop()
        dmul = dsin * np.cos(mul)
        dx = dx + dmul * i
    return value, cast_like(dx, x)
