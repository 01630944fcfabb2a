def jvp_fan_out(x, *, dx):
    # line 65: y = np.sin(x)
    y = np.sin(x)
    dy = dx * np.cos(x)
    # line 66: return np.sum(y * y + y * x)
    dadd = 2 * (dy * y) + (dy * x + dx * y)
    total = (y * y + y * x).sum()
    dtotal = dadd.sum()
    return total, dtotal
