def grad_running_sum(x, n):
    stack = []
    for i in range(n):
        # line 27: s = s + np.sin(x * i)
        mul = x * i
        stack.append(mul)
    # adjoint of line 26: for i in range(n):
    dx = zeros_like(x)
    for i in reversed(range(n)):
        # adjoint of line 27: s = s + np.sin(x * i)
        mul = stack.pop()
        dx += np.cos(mul) * i
    del stack
    return float(dx)
