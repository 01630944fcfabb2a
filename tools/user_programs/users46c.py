# ruff: noqa
"""Users' programs of session 46 (helper `users`), third batch: chained assignment,
helpers that write into their arguments or take ``out=``, ``fill``, whole-array and tuple
subscript targets, reversed views, nested containers written in place, ``where`` with a
branch that is nan, and helpers returning their (changed) argument.

    python tools/user_programs/run.py users46c
"""
import math
import numpy as np

CASES = []
def reg(f, *argsets, wrt=0, hess=False):
    CASES.append((f.__name__, f, argsets, wrt, hess))

_r = np.random.default_rng(11)
X5 = np.array([0.3, -0.8, 1.2, 0.4, -0.1])
P5 = np.array([0.3, 0.8, 1.2, 0.4, 0.1])
M34 = _r.standard_normal((3, 4))


# 1. chained assignment: a and b are one array
def chained_assign(x):
    a = b = np.zeros(3)
    a[0] = x[0] * 2.0
    b[1] = x[1] ** 2
    return np.sum(a * np.array([1.0, 2.0, 3.0])) + b[0]
reg(chained_assign, (X5,))


# 2. a helper with an out= parameter, used both ways
def affine(x, W, out=None):
    if out is None:
        out = np.empty(W.shape[0])
    out[:] = W @ x
    out += 0.5
    return out


def use_affine(x, W):
    buf = np.zeros(W.shape[0])
    y = affine(x, W, out=buf)
    z = affine(x, W)
    return np.sum(buf * z) + np.sum(y)
reg(use_affine, (X5[:4], M34), wrt=(0, 1))


# 3. a helper that normalises its argument in place (returns nothing)
def normalise_(v):
    v /= v.sum()


def probs_inplace(logits):
    p = np.exp(logits)
    normalise_(p)
    return -np.sum(p * np.log(p))
reg(probs_inplace, (X5,))


# 4. a helper that writes into its argument and returns it
def clamp_(v, lo, hi):
    v[v < lo] = lo
    v[v > hi] = hi
    return v


def clamped_loss(x):
    y = clamp_(x * 2.0, -1.0, 1.5)
    return np.sum(y ** 3)
reg(clamped_loss, (X5,))


# 5. fill with an active scalar
def filled(x, s):
    a = np.empty(4)
    a.fill(s)
    a[1:3] *= x[:2]
    return np.sum(a ** 2)
reg(filled, (X5, 0.7), wrt=(0, 1))


# 6. whole-array targets and tuple-of-subscript targets
def whole_and_tuple_targets(x, y):
    A = np.zeros((4, 2))
    A[:, 0], A[:, 1] = x[:4], y[:4] ** 2
    B = np.empty_like(A)
    B[...] = A * 2
    B[:] += 1.0
    return np.sum(A * B)
reg(whole_and_tuple_targets, (X5, X5[::-1]), wrt=(0, 1))


# 7. a reversed view written through
def reversed_view_write(x):
    a = x * 1.0
    r = a[::-1]
    r[0] = 10.0 * x[0]
    r[1:3] *= 2.0
    return np.sum(a * np.arange(len(a)))
reg(reversed_view_write, (X5,))


# 8. nested containers updated in place
def nested_inplace(x):
    state = {"h": [x[:2].copy(), x[2:4].copy()], "c": np.zeros(2)}
    for k in range(2):
        state["h"][k] += state["c"]
        state["c"] = state["c"] + np.tanh(state["h"][k])
    state["h"][0][1] = state["c"][0] * 3
    return np.sum(state["h"][0] * state["h"][1]) + np.sum(state["c"])
reg(nested_inplace, (X5,))


# 9. np.where with a nan branch (log of negatives) and sqrt at zero
def where_safe_log(x):
    return np.sum(np.where(x > 0, np.log(np.abs(x) + (x <= 0)), x ** 2))
reg(where_safe_log, (X5,))


def where_unsafe_log(x):
    with np.errstate(all="ignore"):
        return np.sum(np.where(x > 0, np.log(x), x ** 2))
reg(where_unsafe_log, (X5,))


# 10. power in place and integer exponent on a copy
def inplace_powers(x):
    a = x.copy()
    a **= 2
    a *= a
    b = x.copy()
    b **= 3
    return np.sum(a) + np.sum(b * x)
reg(inplace_powers, (X5,), hess=True)


# 11. swap two names, then write into one
def swap_then_write(x):
    a = x[:2] * 1.0
    b = x[2:4] * 1.0
    a, b = b, a
    a[0] = b[1] * 5.0
    return np.sum(a * np.array([1.0, 2.0])) + np.sum(b * np.array([3.0, 4.0]))
reg(swap_then_write, (X5,))


# 12. the row of a matrix kept in a list, then the matrix written
def list_of_rows_then_write(W):
    A = W.copy()
    rows = [A[i] for i in range(A.shape[0])]
    A[0] = 0.0
    A *= 2.0
    return sum(np.sum(r ** 2) for r in rows)
reg(list_of_rows_then_write, (M34,))


# 13. a conditional alias: one branch returns a view, the other a copy
def maybe_view(x, flag):
    a = x * 1.0
    v = a[1:3] if flag else a[1:3].copy()
    v[0] = 7.0 * x[0]
    return np.sum(a ** 2) + np.sum(v)
reg(maybe_view, (X5, True), (X5, False))


# 14. accumulate into a slice of the output in a nested loop
def conv1d_valid(x, k):
    n, m = len(x), len(k)
    out = np.zeros(n - m + 1)
    for i in range(n - m + 1):
        for j in range(m):
            out[i] += x[i + j] * k[j]
    return np.sum(out ** 2)
reg(conv1d_valid, (X5, np.array([0.5, -1.0, 0.25])), wrt=(0, 1), hess=True)


# 15. matrix built block by block with hstack/vstack and written diagonal
def block_matrix(a, b):
    top = np.hstack([a * np.eye(2), np.full((2, 1), b)])
    bot = np.hstack([np.full((1, 2), b), np.array([[a + 2]])])
    M = np.vstack([top, bot])
    M[np.diag_indices(3)] += 1.0
    return np.linalg.det(M)
reg(block_matrix, (0.8, 0.3), wrt=(0, 1), hess=True)


# 16. an in-place update guarded by a data-dependent if inside a while
def bisection_like_update(x):
    v = x.copy()
    it = 0
    while np.max(np.abs(v)) > 0.5 and it < 20:
        i = int(np.argmax(np.abs(v)))
        if v[i] > 0:
            v[i] *= 0.5
        else:
            v[i] = v[i] * 0.25 + 0.01
        it += 1
    return np.sum(v * np.arange(1.0, len(v) + 1))
reg(bisection_like_update, (X5,), (X5 * 0.3,))


# 17. a view through reshape of a list-derived array and an augmented slice
def reshape_augmented(x):
    a = np.array([x[0], x[1], x[2], x[3]]).reshape(2, 2)
    a[0] += a[1]
    a[:, 1] *= 3.0
    return np.sum(a ** 2)
reg(reshape_augmented, (X5,))


# 18. running max with math and min/max builtins over a Python list
def running_max(x):
    best = -math.inf
    total = 0.0
    for v in x:
        best = max(best, v)
        total += best
    return total + min(x) * 2
reg(running_max, (X5,))


# 19. a view of the argument that is written (Python changes the caller's array)
def argument_rows_scaled(W):
    for row in W:
        row *= 2.0
    return np.sum(W ** 2)
reg(argument_rows_scaled, (M34,))


# 20. a copy of the argument via np.array(x) and via x[:] (the latter a view)
def copy_vs_slice(x):
    a = np.array(x)
    b = x[:]
    a[0] = 0.0
    c = b * 1.0
    c[1] = 5.0
    return np.sum(a * b) + np.sum(c)
reg(copy_vs_slice, (X5,))
