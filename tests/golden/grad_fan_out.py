def grad_fan_out(x):
    # line 65: y = np.sin(x)
    y = np.sin(x)
    # adjoint of line 66: return np.sum(y * y + y * x)
    dy = x + 2 * y
    # adjoint of line 65: y = np.sin(x)
    dx = y + dy * np.cos(x)
    return dx
