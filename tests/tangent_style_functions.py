"""Small user-style functions in the spirit of source-to-source AD test suites
(Tangent's, JAX's and PyTorch's gradient tests): one construct each, scalars named
a, b, c, vectors x, y, matrices W, ints n.  Written for s2sad's tests, not copied.

Each function here is read by tests/test_tangent_style.py, which pairs it with
arguments (both branches of every data-dependent ``if``) and checks its derivatives
against central finite differences."""
from __future__ import annotations

import math

import numpy as np

# ---------------------------------------------------------------- straight line


def identity(a):
    return a


def negate(a):
    return -a


def positive(a):
    return +a


def rebind_twice(a):
    b = a
    c = b
    return c * 2.0


def fma(a, b, c):
    return a * b + c


def fma_temporaries(a, b, c):
    t = a * b
    t = t + c
    t = t * t
    return t


def adjoint_name_clash(a):
    da = a * a
    dda = da * a
    return dda + da


def self_division(a, b):
    return a / b + b / a + a / a


def power_mix(a):
    return a ** 2 + a ** 3.5 + 2.0 ** a + a ** -1


def int_and_float_mix(a):
    k = 3
    m = k * 2 + 1
    return a * m + k / 2


def floor_div_and_mod(a):
    q = a // 1.0
    r = a % 1.0
    return q * a + r * r


def augmented_all(a, b):
    t = a
    t += b
    t -= 0.5 * a
    t *= b
    t /= a
    t **= 2
    return t


def tuple_output_sum(a, b):
    s, p = a + b, a * b
    return s * p


def swap_names(a, b):
    a, b = b, a * b
    a, b = b * 2.0, a
    return a - b * b


def chained_unpack(a):
    p = (a, a * a, a * a * a)
    u, v, w = p
    return u + 2.0 * v + 3.0 * w


def starred_unpack(x):
    first, *rest = x
    return first * np.sum(np.array(rest) ** 2)


# ---------------------------------------------------------------- conditionals


def if_else(a):
    if a > 0:
        a = a * 3.0
    else:
        a = a * 2.0
    return a


def if_no_else(a):
    b = a * a
    if a < 0.5:
        b = b + a
    return b


def elif_chain(a):
    if a > 1.0:
        r = a ** 2
    elif a > 0.0:
        r = math.sin(a)
    elif a > -1.0:
        r = a * 3.0
    else:
        r = -a ** 3
    return r


def nested_if(a, b):
    if a > 0:
        if b > 0:
            r = a * b
        else:
            r = a - b
    else:
        if b > 0:
            r = a + b * b
        else:
            r = a * a * b
    return r


def condition_on_computed(a):
    b = a * a / 3.0
    if b > 0.5:
        c = 3.0
    else:
        c = 4.0
    return a * c + b


def condition_boolean_ops(a, b):
    if a > 0 and b > 0:
        r = a * b
    elif a > 0 or b > 1:
        r = a + b
    else:
        r = a - b
    return r


def condition_not(a):
    if not a > 0:
        return a * a
    return a * 3.0


def chained_comparison(a):
    if -1.0 < a < 1.0:
        return a ** 3
    return 2.0 * a


def ternary(a, b):
    c = a * b if a > b else a + b
    return c * c


def nested_ternary(a):
    return a * a if a > 1 else (a * 2.0 if a > -1 else -a)


def ternary_in_call(a):
    return math.exp(a if a < 0 else -a)


def min_max_builtins(a, b):
    return max(a, b) * min(a, b) + max(a, b, 0.5)


def abs_builtin(a):
    return abs(a) * a


def early_return(a):
    if a > 0:
        return a * a
    b = a * 3.0
    return b + 1.0


def early_return_three_ways(a, b):
    if a > b:
        return a - b
    if a < -b:
        return a * b
    return a + b


def if_array_reduction(x):
    if np.sum(x) > 0:
        y = x * 2.0
    else:
        y = x ** 2
    return np.sum(y * x)


def if_elementwise_where(x):
    return np.sum(np.where(x > 0, x * x, -x))


def branch_assigns_different_names(a):
    b = 0.0
    c = 0.0
    if a > 0:
        b = a * 2.0
    else:
        c = a * 3.0
    return b * a + c


# ---------------------------------------------------------------- loops


def for_range_power(a, n):
    out = 1.0
    for _i in range(n):
        out = out * a
    return out


def for_range_start_stop_step(a):
    s = 0.0
    for i in range(1, 8, 3):
        s = s + a ** i
    return s


def for_reversed_range(a):
    s = a
    for i in range(4, 0, -1):
        s = s * a + i
    return s


def for_repeated_square(a, n):
    for _i in range(n):
        a = a * a
    return a


def for_counter_in_arithmetic(a, n):
    s = 0.0
    for i in range(n):
        s = s + i * a + a / (i + 1)
    return s


def for_serial(a, n):
    for _i in range(n):
        a = a * 1.5
    a = 2.0 * a
    for _i in range(n + 1):
        a = a * a * 0.5
    return a


def for_if_inside(a):
    for _i in range(3):
        if a < 2:
            a = a * a + 0.5
    return a


def if_then_for(a):
    if a < 1.0:
        for _i in range(3):
            a = a * 1.2 + 0.1
    return a


def for_nested(a):
    for _i in range(2):
        for j in range(3):
            a = a * 0.9 + j * 0.01
    return a


def for_nested_dependent_bounds(a):
    s = 0.0
    for i in range(4):
        for j in range(i):
            s = s + a * (i - j)
    return s * a


def for_break(a):
    for _i in range(10):
        a = a * 1.5
        if a > 3.0:
            break
    return a


def for_continue(a):
    s = 0.0
    for i in range(6):
        if i % 2 == 0:
            continue
        s = s + a * i
    return s * a


def for_data_dependent_continue(x):
    s = 0.0
    for i in range(len(x)):
        if x[i] < 0:
            continue
        s = s + x[i] ** 2
    return s


def for_else(a):
    for _i in range(3):
        a = a * 0.5
        if a < 0.1:
            break
    else:
        a = a * 10.0
    return a


def while_shrink(a):
    while abs(a) > 0.1:
        a = a * 0.5
    return a


def while_counter(a):
    i = 0
    while i < 4:
        a = a * a * 0.5 + 0.1
        i += 1
    return a


def while_break(a):
    k = 0
    while True:
        a = math.sin(a) + 0.5
        k = k + 1
        if k >= 3:
            break
    return a


def while_two_conditions(a, b):
    n = 0
    while a < b and n < 5:
        a = a * 1.5 + 0.1
        n = n + 1
    return a * b


def for_over_array(x):
    s = 0.0
    for v in x:
        s = s + v * v
    return s


def for_over_matrix_rows(W):
    s = 0.0
    for row in W:
        s = s + np.sum(row) ** 2
    return s


def for_zip(x, y):
    s = 0.0
    for u, v in zip(x, y):
        s = s + u * v
    return s


def for_enumerate(x):
    s = 0.0
    for i, v in enumerate(x):
        s = s + (i + 1) * v ** 2
    return s


def for_over_list_argument(xs):
    s = 0.0
    for v in xs:
        s = s + np.sum(v ** 2)
    return s


def loop_accumulate_array(x):
    acc = np.zeros_like(x)
    for i in range(3):
        acc = acc + x ** (i + 1)
    return np.sum(acc)


def loop_augassign_array(x):
    acc = np.zeros(x.shape)
    for k in range(3):
        acc += np.sin(x * k)
    return np.sum(acc * x)


# ---------------------------------------------------------------- calls


def _mul(a, b):
    return a * b


def _add(a, b):
    return a + b


def saxpy_call(a, b, c):
    return _add(_mul(a, b), c)


def call_in_branches(a, b):
    if a > b:
        o = _mul(a, b)
    else:
        o = _mul(b, a + 1.0)
    return o


def call_in_loop(a, n):
    for i in range(n):
        a = _mul(a, 0.9) + _add(a, i) * 0.1
    return a


def _helper_with_branch(a):
    if a > 0:
        return a * a
    return -a


def call_helper_with_return_in_if(a):
    return _helper_with_branch(a) + _helper_with_branch(a - 1.0)


def nested_def(a, n):
    def scale(u, v):
        return u * v

    for _i in range(n):
        a = scale(a, 0.8) + 0.1
    return a


def closure_reads_local(a):
    k = a * 2.0

    def f(u):
        return u * k

    return f(a) + f(1.0)


def lambda_local(a):
    sq = lambda u: u * u  # noqa: E731
    return sq(a) + sq(a + 1.0)


def _with_default(a, scale=2.0, shift=0.5):
    return a * scale + shift


def default_arguments(a):
    return _with_default(a) + _with_default(a, 3.0) + _with_default(a, shift=a)


def keyword_arguments(a, b):
    return _with_default(scale=b, a=a)


def default_of_differentiated(a, b=1.5):
    return a * b * b


def _two_outputs(a):
    return a * a, a + 1.0


def helper_tuple_return(a):
    s, t = _two_outputs(a)
    u = _two_outputs(s)
    return s * t + u[0] - u[1]


def _recursive(a, n):
    if n == 0:
        return a
    return _recursive(a * a, n - 1)


def recursion(a):
    return _recursive(a, 2)


def _sum_args(*args):
    s = 0.0
    for v in args:
        s = s + v
    return s


def star_args_call(a, b):
    return _sum_args(a, b, a * b)


def _kw_scale(a, **kwargs):
    return a * kwargs["scale"]


def double_star_kwargs(a):
    return _kw_scale(a, scale=3.0)


def map_builtin(x):
    return sum(map(math.sin, x))
