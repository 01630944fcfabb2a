def grad_running_sum(x, n):
    # adjoint of line 26: for i in range(n):
    dx = zeros_like(x)
    for i in reversed(range(n)):
        # adjoint of line 27: s = s + np.sin(x * i)
        mul = x * i
        dx += np.cos(mul) * i
    return float(dx)
