def jvp_fan_out(x, *, dx):
    # line 75: y = np.sin(x)
    y = np.sin(x)
    dy = dx * np.cos(x)
    # line 76: return np.sum(y * y + y * x)
    dmul = dy * y + dy * y
    dmul_1 = dy * x + dx * y
    add = y * y + y * x
    total = np.sum(add)
    dtotal = np.sum(broadcast_like(dmul, add) + broadcast_like(dmul_1, add))
    return total, dtotal
