def grad_running_sum(x, n):
    stack = []
    # line 26: for i in range(n):
    s_1 = 0.0
    for i in range(n):
        # line 27: s = s + np.sin(x * i)
        mul = x * i
        sin = np.sin(mul)
        stack.append(mul)
        s_1 = s_1 + sin
    ds_1 = 1.0
    # adjoint of line 26: for i in range(n):
    dx = zeros_like(x)
    for i in reversed(range(n)):
        # adjoint of line 27: s = s + np.sin(x * i)
        mul = stack.pop()
        dmul = ds_1 * np.cos(mul)
        dx += dmul * i
    del ds_1, stack
    return float(dx.real)
