"""More Tangent-style functions (see tangent_style_functions.py): containers,
subscripts and in-place writes, NumPy, the math module, state read from the module."""
from __future__ import annotations

import math

import numpy as np

# ---------------------------------------------------------------- containers


def list_literal_sum(a):
    b = [1.0, a * a, 2.0]
    return np.sum(b)


def list_of_vector_items(x):
    b = [1.0, x[0] * x[1] * x[2], 3.0]
    return np.sum(b)


def list_subscript(a):
    x = [1.0, a, 3.0]
    return x[0] * x[1] + x[-1] * a


def list_append_loop(a, n):
    out = []
    for i in range(n):
        out.append(a * i)
    return sum(out)


def list_overwrite_item(a):
    xs = [1.0, a * a, 3.0]
    xs[1] = xs[0] * xs[1]
    return xs[1] + xs[1] * a


def list_comprehension(x):
    return np.sum([v * 3.0 for v in x])


def list_comprehension_with_if(x):
    return sum([v * v for v in x if v > 0])


def generator_sum(x):
    return sum(v ** 3 for v in x)


def nested_comprehension(x):
    return sum(u * v for u in x for v in x)


def dict_literal(a, b, c):
    d = {"a": a, "b": b, "c": c}
    return d["a"] * d["b"] + d["c"]


def dict_argument(val):
    return val["a"] * val["b"] + val["c"]


def nested_dict_argument(p):
    return p["i"]["j"] * p["i"]["k"]


def dict_built_and_passed(abc):
    a, b, c = abc
    return dict_argument(dict(a=a, b=b, c=c))


def tuple_argument_unpack(abc):
    a, b, c = abc
    return a * b + c


def pack_and_index(a, b, c, i):
    x = a, b, c
    return x[i]


def dict_update_loop(a):
    d = {"s": 0.0}
    for i in range(3):
        d["s"] = d["s"] + a * i
    return d["s"]


def list_pop_and_insert(a):
    xs = [a, 2.0 * a, 3.0]
    last = xs.pop()
    xs.insert(0, last * a)
    return xs[0] + xs[1] * xs[2]


def tuple_concat(a, b):
    t = (a, b) + (a * b,)
    return t[0] * t[2] + t[1]


# ---------------------------------------------------------------- subscripts


def subscript_reads(x):
    a = x[0]
    b = x[1]
    return a * b + x[-1]


def subscript_write_copy(x):
    y = x.copy()
    y[0] = y[0] * y[1]
    return np.sum(y * x)


def subscript_write_argument(x):
    x = x * 1.0
    x[0] = x[1] * x[2]
    return np.sum(x)


def subscript_write_squares(x):
    y = x ** 2.0
    y[0] = y[1] * y[2]
    return np.sum(x * y)


def active_copy_loop(x):
    y = np.zeros_like(x)
    for i in range(len(x)):
        y[i] = x[i]
    return np.sum(y * y)


def rows_from_vector(x):
    h = np.zeros((len(x), 3))
    for t in range(len(h)):
        h[t] = x[t]
    return np.sum(h * h)


def slicing(x):
    return np.sum(x[1:] * x[:-1])


def extended_slice(x):
    return np.sum(x[::2, np.newaxis] ** 2)


def negative_step_slice(x):
    return np.sum(x[::-1] * x)


def slice_assign(x):
    y = np.zeros(5)
    y[1:4] = x[:3] * 2.0
    y[0] = x[3]
    return np.sum(y ** 2)


def slice_augassign(x):
    y = x.copy()
    y[1:] += y[:-1] * 0.5
    return np.sum(y ** 2)


def fancy_index(x):
    idx = np.array([2, 0, 2])
    return np.sum(x[idx] ** 2)


def boolean_mask(x):
    return np.sum(x[x > 0] ** 2)


def matrix_index_2d(W):
    return W[0, 1] * W[1, 0] + np.sum(W[:, 0] ** 2)


def rnn(inputs, W):
    h = np.zeros((4, 3))
    for t in range(3):
        h[t + 1] = np.tanh(np.dot(inputs[t], W) + h[t])
    return np.sum(h[1:])


def view_then_write(x):
    y = x.copy()
    v = y[1:]
    v[0] = v[0] * 3.0
    return np.sum(y * y)


def alias_then_inplace(x):
    y = x * 1.0
    t = y
    y *= 0.8
    return np.sum(t * x)


def index_with_computed_int(x, n):
    k = n // 2
    return x[k] * x[k + 1]


def scatter_add(x):
    y = np.zeros(3)
    np.add.at(y, np.array([0, 1, 0]), x[:3])
    return np.sum(y ** 2)


# ---------------------------------------------------------------- numpy


def numpy_sum(x):
    return np.sum(x)


def cast_list_sum(x):
    return np.sum(np.array(x))


def overwrite_with_reduction(x):
    x = np.sum(x)
    x = x * x
    return x


def numpy_mean_var(x):
    return np.mean(x) * np.var(x)


def numpy_exp_nested(a):
    return np.exp(np.exp(a * 0.3))


def numpy_sqrt_log(x):
    return np.sum(np.sqrt(x) + np.log(x) + np.log1p(x))


def logistic_regression(inputs, label, W, b):
    h1 = np.dot(inputs, W) + b
    prediction = 0.5 * (np.tanh(h1) + 1)
    probs = prediction * label + (1 - prediction) * (1 - label)
    return -np.sum(np.log(probs))


def bilinear(x, h, U, W, b):
    y = np.dot(x, W)
    y = y + np.dot(h, U)
    y = y + b
    return np.sum(np.tanh(y))


def softmax_cross_entropy(z, k):
    e = np.exp(z - np.max(z))
    p = e / np.sum(e)
    return -np.log(p[k])


def logsumexp_axis(W):
    m = np.max(W, axis=1, keepdims=True)
    return np.sum(m[:, 0] + np.log(np.sum(np.exp(W - m), axis=1)))


def matmul_chain(W, x):
    return x @ W @ W.T @ x


def outer_and_trace(x):
    return np.trace(np.outer(x, x) @ np.outer(x, x))


def reshape_transpose(x):
    M = x.reshape(2, 3)
    return np.sum(M.T @ M)


def stack_concat(x, y):
    s = np.stack([x, y])
    c = np.concatenate([x, y * y])
    return np.sum(s[1] * s[0]) + np.sum(c ** 2)


def cumsum_prod(x):
    return np.sum(np.cumsum(x) ** 2) + np.prod(x)


def max_and_argmax(x):
    return np.max(x) * x[np.argmax(x)]


def clip_maximum(x):
    return np.sum(np.clip(x, -0.5, 0.5) + np.maximum(x, 0.0) ** 2)


def norm_and_abs(x):
    return np.linalg.norm(x) + np.sum(np.abs(x))


def einsum_quadratic(W, x):
    return np.einsum("i,ij,j->", x, W, x)


def linalg_solve_det(W, x):
    return np.sum(np.linalg.solve(W, x)) + np.log(np.abs(np.linalg.det(W)))


def method_calls(x):
    return x.sum() * x.mean() + (x ** 2).max() + x.dot(x)


def arange_weights(x):
    w = np.arange(len(x)) + 1.0
    return np.sum(w * x ** 2)


def float_cast(x):
    return float(np.sum(x)) * float(x[0])


def sorted_values(x):
    s = np.sort(x)
    return s[0] * s[-1] + np.sum(s[1:] ** 2)


# ---------------------------------------------------------------- math module


def math_functions(a):
    return math.sin(a) * math.cos(a) + math.exp(-a * a) + math.tanh(a)


def math_two_arguments(a, b):
    return math.atan2(a, b) + math.hypot(a, b) + math.pow(abs(a) + 1.0, b)


def math_log_base(a):
    return math.log(a, 2.0) + math.log10(a) + math.log2(a) + math.sqrt(a)


def math_fabs_copysign(a):
    return math.fabs(a) * math.copysign(2.0, a) + math.floor(a)


def math_pi_constant(a):
    return math.pi * a * a + math.e * a


# ---------------------------------------------------------------- stateful


def mutate_argument_in_place(x):
    x[0] = x[1] * x[2]
    return np.sum(x)


def mutate_argument_augassign(x):
    x *= 2.0
    return np.sum(x)


def global_constant_read(a):
    return a * SCALE + OFFSET[1]


SCALE = 1.5
OFFSET = np.array([0.1, 0.2, 0.3])
