"""A value a block bound to a name and made again later read through the name
(``shared_values``): the HMM step's two column sums of one adjoint; and where it must
not be: the name or an operand bound or written into between, the two in different
blocks, an impure call.  The pass on small bodies, and user programs whose reverse
sweeps make a sum twice against central differences (first order, forward mode, a
Hessian)."""
from __future__ import annotations

import gast
import numpy as np
import pytest

from gradcheck import check_grad, check_hessian, check_jvp, grad_code
from s2sad.compiler.render import function_source
from s2sad.compiler.shared_values import share_values


def _shared(src: str) -> str:
    tree = gast.parse(src)
    share_values(tree.body[0].body, {"np": np})
    return function_source(tree.body[0])


def test_second_sum_reads_the_first() -> None:
    out = _shared("def f(d, a, o):\n    s = np.ones(3) @ d\n    k = o + 1\n"
                  "    a[:, k] += np.ones(3) @ d\n    return s, a\n")
    assert out.count("np.ones(3) @ d") == 1 and "a[:, k] += s" in out


@pytest.mark.parametrize("between", ["d[0] = 1.0", "d = d * 2.0", "s = 0.0", "d += 1.0",
                                     "for i in range(2):\n        d = d + 1.0"])
def test_not_read_after_a_write(between: str) -> None:
    out = _shared(f"def f(d, a):\n    s = np.ones(3) @ d\n    {between}\n"
                  "    a[:, 0] += np.ones(3) @ d\n    return s, a\n")
    assert out.count("np.ones(3) @ d") == 2


def test_not_across_blocks_nor_of_draws() -> None:
    out = _shared("def f(d, a, c):\n    s = np.sum(d, axis=0)\n    if c:\n"
                  "        a = np.sum(d, axis=0) * 2\n    return s, a\n")
    assert out.count("np.sum(d, axis=0)") == 2
    out = _shared("def f(r, a):\n    s = r.standard_normal(3) + a\n"
                  "    t = r.standard_normal(3) + a\n    return s, t\n")
    assert out.count("standard_normal") == 2


@pytest.mark.parametrize("then, read", [
    ("c = a + 1.0", "c = b\n"),  # (b's value as read through a: c reads b)
    ("c = np.sin(a + 1.0)", "c = np.sin(b)"),  # (a part of c's value)
    ("c = a + 2.0", "c = a + 2.0"),  # (not b's value: left alone)
])
def test_a_value_read_through_a_name_is_shared_as_rewritten(then: str, read: str) -> None:
    """A statement whose value was just read through an earlier name is shared as it
    reads now (its candidate made again, not the one before the rewrite)."""
    out = _shared(f"def f(x):\n    a = np.exp(x)\n    b = np.exp(x) + 1.0\n    {then}\n"
                  "    return b, c\n")
    assert "b = a + 1.0" in out and out.count("np.exp(x)") == 1 and read in out


def hmm_step(logA, logB, obs):  # a column of logB read per step: two sums of dM
    beta = np.zeros(logA.shape[0])
    for t in range(obs.shape[0] - 1, -1, -1):
        M = logA + logB[:, obs[t]] + beta
        m = np.max(M, axis=1)
        beta = m + np.log(np.sum(np.exp(M - m[:, None]), axis=1))
    return np.sum(beta)


def two_reads(W, x):  # a product read by a sum and by a scaled copy
    h = np.tanh(W @ x)
    return np.sum(h) + np.sum((W @ x) * h)


def column_loop(A, v):  # the same column sum of one adjoint, in a branch on the data
    out = 0.0
    for j in range(A.shape[1]):
        c = A[:, j] + v
        out = out + (np.sum(c * c) if np.sum(c) > 0 else np.sum(np.sin(c)))
    return out


def test_hmm_step_reads_the_sum_once() -> None:
    r = np.random.default_rng(120)
    args = (r.standard_normal((4, 4)), r.standard_normal((4, 3)), r.integers(0, 3, 6))
    check_grad(hmm_step, *args, wrt=(0, 1))
    check_jvp(hmm_step, *args, wrt=(0, 1))
    code = grad_code(hmm_step, *args, wrt=(0, 1))
    loop = code[code.index("for t in reversed"):]
    assert loop.count(" @ dM") + loop.count("sum(dM") <= 1


@pytest.mark.parametrize("seed", [121, 122, 123])
def test_programs_against_differences(seed: int) -> None:
    r = np.random.default_rng(seed)
    W, x = r.standard_normal((3, 4)), r.standard_normal(4)
    check_grad(two_reads, W, x, wrt=(0, 1))
    A, v = r.standard_normal((3, 5)), r.standard_normal(3)  # both branches over the columns
    check_grad(column_loop, A, v, wrt=(0, 1))
    check_jvp(column_loop, A, v, wrt=(0, 1))


def test_hessian_of_the_hmm_step() -> None:
    r = np.random.default_rng(124)
    logB, obs = r.standard_normal((3, 2)), r.integers(0, 2, 4)
    check_hessian(lambda a: hmm_step(a, logB, obs), r.standard_normal((3, 3)))


def written_after(x, w):  # b made as a is, then written into: a must stay as it was
    a = x * w
    b = x * w
    b[0] = 5.0 * b[1]
    return np.sum(np.sin(a) * b)


def two_zero_adjoints(x, i, j):  # two element reads: two adjoints of zeros, not one
    u = x * 1.5
    v = x * 1.5
    return u[i] * np.cos(v[j]) + np.sum(u * v)


def test_fresh_arrays_stay_apart():
    r = np.random.default_rng(125)
    x, w = r.standard_normal(4), r.standard_normal(4)
    check_grad(written_after, x, w, wrt=(0, 1))
    check_jvp(written_after, x, w, wrt=(0, 1))
    for i, j in ((0, 2), (1, 1)):
        check_grad(two_zero_adjoints, x, i, j)
    out = _shared("def f(x):\n    a = np.zeros_like(x)\n    b = np.zeros_like(x)\n"
                  "    return a, b\n")
    assert out.count("np.zeros_like(x)") == 2


@pytest.mark.parametrize("later, shared", [
    ("t = 2.0 * (1.0 + np.sum(d))", True),  # (deep inside a longer value)
    ("t = [np.sum(d), 1.0]", True),  # (an item of a list)
    ("t = 2.0 * (1.0 + np.sum(d, axis=0))", False),  # (the same call, another keyword)
])
def test_parts_at_any_depth(later: str, shared: bool) -> None:
    out = _shared(f"def f(d):\n    s = np.sum(d)\n    {later}\n    return s, t\n")
    assert out.count("np.sum(d") == (1 if shared else 2)
