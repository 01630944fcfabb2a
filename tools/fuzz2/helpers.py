"""The module-level helper functions a tools/fuzz2 program may call, as source text,
in the order they are written into the module (a helper may call an earlier one)."""

HELPERS = {
    "softmax": '''
def softmax(v):
    e = np.exp(v - np.max(v))
    return e / e.sum()
''',
    "stats": '''
def stats(v):
    mu = v.mean()
    return mu, np.sqrt(((v - mu) ** 2).mean() + 1e-3)
''',
    "first_above": '''
def first_above(v, thr):
    for i, t in enumerate(v):
        if t > thr:
            return t * (i + 1)
    return v[-1] * 0.5
''',
    "smooth3": '''
def smooth3(v, k=0.5):
    out = v.copy()
    out[1:-1] = k * v[1:-1] + (1 - k) * 0.5 * (v[:-2] + v[2:])
    return out
''',
    "kernel": '''
def kernel(a, b, ell=0.7):
    d = a[:, None] - b[None, :]
    return np.exp(-0.5 * d * d / (ell * ell))
''',
    "normalize": '''
def normalize(v):
    return v / np.sqrt(np.sum(v * v) + 1.0)
''',
    "compose": '''
def compose(v, scale):
    def inner(t):
        return np.tanh(t * scale) + t
    def outer(t):
        return inner(inner(t)) * 0.5
    return outer(v)
''',
    "euler": '''
def euler(y, h, steps):
    for _ in range(steps):
        dy = -y + np.sin(y[::-1])
        y = y + h * dy
    return y
''',
    "power_series": '''
def power_series(v, depth):
    if depth == 0:
        return v * 0.0 + 1.0
    return 1.0 + v * power_series(v, depth - 1) / (depth + 1)
''',
    "damp_inplace": '''
def damp_inplace(buf, k):
    for i in range(1, len(buf)):
        buf[i] = k * buf[i] + (1 - k) * buf[i - 1]
''',
}
