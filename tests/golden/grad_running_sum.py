def grad_running_sum(x, n):
    # adjoint of line 28: for i in range(n):
    dx = 0.0
    for i in reversed(range(n)):
        # adjoint of line 29: s = s + np.sin(x * i)
        dx += math.cos(x * i) * i
    return float(dx)
