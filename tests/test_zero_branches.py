"""The late pass ``branches``: what only carries an adjoint a reversed ``if`` zeroes in
one branch runs only in the other.  Accept/reject loops (adaptive integrators) with
both branches taken, one taken, a rejected branch that still carries an adjoint, and
cases where the move must not happen; values against central differences (both
modes) and closed forms."""
from __future__ import annotations

import math

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp


def _rhs_decay(y, k):
    return np.array([-k[0] * y[0] + k[1] * y[1], -k[2] * y[1] * y[1]])


def _step(y, h, k):
    a = _rhs_decay(y, k)
    b = _rhs_decay(y + h * a, k)
    return y + 0.5 * h * (a + b)


def adaptive_heun(k, y0, t_end, tol):
    """Step doubling with Heun steps on another right-hand side."""
    y = y0
    t = 0.0
    h = 0.4
    while t < t_end:
        if t + h > t_end:
            h = t_end - t
        big = _step(y, h, k)
        half = _step(_step(y, 0.5 * h, k), 0.5 * h, k)
        err = np.max(np.abs(big - half))
        if err < tol:
            t = t + h
            y = half
            h = min(2.0 * h, 0.8)
        else:
            h = 0.5 * h
    return np.sum(y * y)


def _lorenz_like(y, k):
    return np.array([k[0] * (y[1] - y[0]), y[0] * (k[1] - y[2]) - y[1],
                     y[0] * y[1] - k[2] * y[2]])


def adaptive_euler3(k, y0, steps, tol):
    """A 3-vector state, a for loop of trials, Euler against two half steps."""
    y = y0
    h = 0.05
    for _ in range(steps):
        big = y + h * _lorenz_like(y, k)
        mid = y + 0.5 * h * _lorenz_like(y, k)
        half = mid + 0.5 * h * _lorenz_like(mid, k)
        if np.max(np.abs(big - half)) < tol:
            y = half
            h = 1.5 * h
        else:
            h = 0.5 * h
    return y[0] + 2.0 * y[1] - y[2]


def rejected_still_carries(x, tol):
    """The rejected branch shrinks y: its adjoint still flows there (never skipped)."""
    y = x
    for _ in range(6):
        z = np.sin(y) * 1.5
        if np.max(np.abs(z)) < tol:
            y = z
        else:
            y = 0.5 * y
    return np.sum(y ** 2)


def doubling(x, limit):
    """z = 2 y accepted while below the limit: the gradient is 2 ** accepted."""
    y = x
    for _ in range(5):
        z = 2.0 * y
        if np.max(z) < limit:
            y = z
    return np.sum(y)


def broadcast_accumulator(x, c):
    """An accumulator of another shape than the zero carried into it: the sum would
    broadcast, so the statement is not a no-op and must stay (the proof fails)."""
    acc = 0.0
    y = x
    for _ in range(3):
        z = y * c
        if c > 0.5:
            y = z
        acc = acc + np.sum(y)
    return acc


def stay_reads_accumulator(x, tol):
    """A statement after the if reads what a moved statement accumulates."""
    y = x
    total = 0.0
    for _ in range(4):
        z = np.tanh(y) + 0.3
        if np.sum(z) < tol:
            y = z
        total = total + np.sum(y * y)
    return total


def scalar_steps(a, x0, tol):
    """Numbers, not arrays: the zero seed is 0.0, and is itself carried on (``dhalf =
    dhalf + ...`` after it is read) inside the moved statements."""
    x = x0
    h = 0.3
    for _ in range(8):
        trial = x + h * math.sin(a * x)
        half = x + 0.5 * h * math.sin(a * x)
        half = half + 0.5 * h * math.sin(a * half)
        if abs(trial - half) < tol:
            x = half
            h = 1.5 * h
        else:
            h = 0.5 * h
    return x * x


def _rk_args(rng, t_end=2.0, tol=1e-4):
    return np.array([0.7, 0.3, 0.5]) + 0.05 * rng.standard_normal(3), \
        np.array([1.0, 0.5]) + 0.05 * rng.standard_normal(2), t_end, tol


CASES = [
    (adaptive_heun, lambda r: _rk_args(r), (0, 1)),  # both branches taken
    (adaptive_heun, lambda r: _rk_args(r, tol=1.0), (0, 1)),  # every step accepted
    (adaptive_euler3, lambda r: (np.array([1.0, 2.0, 0.5]), np.array([1.0, 0.5, 0.2])
                                 + 0.05 * r.standard_normal(3), 12, 2e-3), (0, 1)),
    (rejected_still_carries, lambda r: (0.3 + 0.2 * r.random(3), 1.2), (0,)),
    (rejected_still_carries, lambda r: (0.3 + 0.2 * r.random(3), 0.01), (0,)),
    (rejected_still_carries, lambda r: (0.3 + 0.2 * r.random(3), 10.0), (0,)),
    (scalar_steps, lambda r: (1.3 + 0.1 * r.random(), 0.4, 1e-3), (0, 1)),  # both
    (scalar_steps, lambda r: (1.3 + 0.1 * r.random(), 0.4, 1e-9), (0, 1)),  # rejected
    (broadcast_accumulator, lambda r: (r.standard_normal(3), 0.9), (0,)),
    (broadcast_accumulator, lambda r: (r.standard_normal(3), 0.1), (0,)),
    (stay_reads_accumulator, lambda r: (0.2 * r.standard_normal(3), 1.5), (0,)),
    (stay_reads_accumulator, lambda r: (0.2 * r.standard_normal(3), 100.0), (0,)),
]
IDS = [f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)]


@pytest.mark.parametrize("f, make, wrt", CASES, ids=IDS)
def test_gradient_against_differences(f, make, wrt):
    args = make(np.random.default_rng(3))
    check_grad(f, *args, wrt=wrt, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("f, make, wrt", CASES, ids=IDS)
def test_vjp_and_jvp(f, make, wrt):
    rng = np.random.default_rng(4)
    args = make(rng)
    check_vjp(f, *args, wrt=wrt, rng=rng, rtol=1e-5, atol=1e-7)
    check_jvp(f, *args, wrt=wrt, rng=rng, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("limit, accepted", [(5.0, 2), (100.0, 5), (0.5, 0)])
def test_doubling_closed_form(limit, accepted):
    x = np.array([0.5, 1.0, 0.25])
    got = s2sad.grad(doubling)(x, limit)
    np.testing.assert_array_equal(got, np.full(3, 2.0 ** accepted))


def _reverse_loop(f, args) -> str:
    g = s2sad.grad(f)
    g(*args)
    return g.source.split("for _ in ")[-1]


def _top_of_reversed_loop(g) -> list[str]:
    """The statements directly in the reversed ``while`` loop's body, comments left out."""
    body = g.source.split("    for _ in ")[-1].split("\n", 1)[1]
    lines = [line.strip() for line in body.splitlines() if line.startswith(" " * 8)
             and not line.startswith(" " * 9) and not line.strip().startswith("#")]
    return [line.split(" = ")[-1] if " = " in line else line for line in lines]


def _pops_then_ifs(lines: list[str], flag: str) -> bool:
    """Tape pops (the numbers of a trip pushed in one push or several) and ``if``s on
    the step's flag, nothing else: a rejected step runs no adjoint statement."""
    return lines[0] == "stack.pop()" and f"if {flag}:" in lines and \
        set(lines) == {"stack.pop()", f"if {flag}:"}


@pytest.mark.parametrize("name", ["rk4", "heun"])
def test_rejected_step_skips_the_adjoint_of_the_step(name):
    """The whole adjoint of the two half steps runs only where the step was accepted:
    the reversed loop body is tape pops and ``if``s on the step's flag (the value a
    branch's zero is made like popped in its branch: its shape may change per trip)."""
    from benchmarks.problems_loops import adaptive_rk4, adaptive_rk4_args
    f, args = (adaptive_rk4, adaptive_rk4_args("smoke")) if name == "rk4" else \
        (adaptive_heun, _rk_args(np.random.default_rng(3)))
    g = s2sad.grad(f, argnums=(0, 1))
    g(*args)
    assert _pops_then_ifs(_top_of_reversed_loop(g), "cmp_1")
    assert "zeros_like(half)" not in g.source


def test_a_pop_that_rebinds_what_the_if_reads():
    """The 3-vector Euler trial pops y (which the reversed ``if`` reads for the zero's
    shape) after the ``if``: what follows goes into a second ``if cmp:``; the popped
    items' shapes (paired with their push) prove the accumulations no-ops."""
    g = s2sad.grad(adaptive_euler3, argnums=(0, 1))
    g(np.array([1.0, 2.0, 0.5]), np.array([1.0, 0.5, 0.2]), 12, 2e-3)
    assert _pops_then_ifs(_top_of_reversed_loop(g), "cmp")


def _moved(text: str, shapes=None) -> str:
    """The pass run on a snippet (a loop body's statements), printed back."""
    import ast

    import gast

    from s2sad import runtime
    from s2sad.compiler import zero_branches
    body = gast.parse(text).body
    zero_branches.move(body, {**runtime.HELPERS, "np": np}, {"x", "g", "c"}, shapes)
    return ast.unparse(ast.fix_missing_locations(gast.gast_to_ast(
        gast.Module(body=body, type_ignores=[]))))


def test_accumulator_of_unknown_shape_stays():
    """``a = a + e`` with ``e`` zero is dropped on the zero side only when the shapes
    are known equal (else the sum could broadcast ``a``): without shape facts it
    stays, and so does ``e`` it reads; ``add_at`` into an array moves."""
    text = ("for _ in range(3):\n"
            "    if c:\n        d = g\n    else:\n        d = zeros_like(x)\n"
            "    e = d * 2.0\n    a = a + e\n")
    assert _moved(text) == text.rstrip()  # (e, read by the sum that stays, is needed)
    assert _moved(text.replace("a = a + e", "a = add_at(a, None, 0, e)"), _ArrayShapes()) \
        == ("for _ in range(3):\n    if c:\n        d = g\n        e = d * 2.0\n"
            "        a = add_at(a, None, 0, e)")  # (the zero d, now unread, dropped)


class _ArrayShapes:
    """Shape facts in which every name is a vector of one known length."""

    def of(self, e):
        return ("n",)


def test_zero_read_after_the_move_keeps_everything():
    """A zero a later statement reads (``e`` returned) is needed on both sides: the
    statements stay where they were."""
    text = ("if c:\n    d = g\nelse:\n    d = zeros_like(x)\n"
            "e = d * 2.0\nr = e + 1.0\n")
    assert _moved(text) == text.rstrip().replace("\n\n", "\n").replace(
        "if c:\n    d = g\nelse:", "if c:\n    d = g\nelse:")


def test_unknown_call_is_not_hoisted():
    """A call the pass does not know may do anything: nothing moves over it."""
    text = ("if c:\n    d = g\nelse:\n    d = zeros_like(x)\n"
            "t = user(x)\nk = d * t\n")
    assert _moved(text) == text.rstrip()


# ----- the tape: a name pushed twice in one push is pushed once (tape.deduplicated) -----

def _snippet_tape(text: str, slots: list[list[int]]) -> str:
    import ast

    import gast

    from s2sad.compiler import tape
    body = gast.parse(text).body
    for slot, places in enumerate(slots):
        for k in places:
            body[k].s2sad_slot = 1000 + slot
    body = tape.deduplicated(body)
    return ast.unparse(ast.fix_missing_locations(gast.gast_to_ast(
        gast.Module(body=body, type_ignores=[]))))


def test_a_name_pushed_twice_is_pushed_once():
    text = "stack.append((a, b, a, c, b))\nx, y, z, u, v = stack.pop()\nr = z + v"
    assert _snippet_tape(text, [[0, 1]]) == (
        "stack.append((a, b, c))\nx, y, u = stack.pop()\nz = x\nv = y\nr = z + v")


def test_pushes_on_two_paths_are_left_alone():
    """One pop paired with a push on each path of an ``if``: both would have to
    change alike; they stay."""
    text = ("if c:\n    stack.append((a, a))\nelse:\n    stack.append((b, a))\n"
            "x, y = stack.pop()")
    import gast
    body = gast.parse(text).body
    from s2sad.compiler import tape
    body[0].body[0].s2sad_slot = body[0].orelse[0].s2sad_slot = body[1].s2sad_slot = 7
    assert tape.deduplicated(body) is body and len(body[1].targets[0].elts) == 2


@pytest.mark.parametrize("size", ["smoke", "full"])
def test_rk4_gradient_and_its_tape(size):
    """The benchmark against differences; no name twice in its push."""
    import re

    from benchmarks.problems_loops import adaptive_rk4, adaptive_rk4_args, adaptive_rk4_grad
    args = adaptive_rk4_args(size)
    got = check_grad(adaptive_rk4, *args, wrt=(0, 1), rtol=1e-5, atol=1e-7)
    for a, b in zip(got, adaptive_rk4_grad(*args)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
    g = s2sad.grad(adaptive_rk4, argnums=(0, 1))
    g(*args)
    pushed = re.search(r"stack\.append\(\((.*?)\)\)", g.source, re.S).group(1)
    names = [n.strip() for n in pushed.split(",")]
    assert len(names) == len(set(names))


def test_numbers_move_too():
    """The scalar integrator's reversed step is all inside ``if cmp:``."""
    g = s2sad.grad(scalar_steps, argnums=(0, 1))
    g(1.3, 0.4, 1e-3)
    assert _pops_then_ifs(_top_of_reversed_loop(g), "cmp")


def test_a_zero_read_later_stays_and_the_rest_moves():
    """``e`` is read after the statements that carry ``d`` (its binding stays where it
    is); ``f`` and the accumulation into ``acc`` still move, into ``if c:`` after it."""
    text = ("if c:\n    d = g\nelse:\n    d = zeros_like(x)\ne = d * 2.0\nf = d * 3.0\n"
            "acc = add_at(acc, None, 0, f)\nr = e + 1.0\n")
    assert _moved(text, _ArrayShapes()) == (
        "if c:\n    d = g\nelse:\n    d = zeros_like(x)\ne = d * 2.0\nr = e + 1.0\n"
        "if c:\n    f = d * 3.0\n    acc = add_at(acc, None, 0, f)")


# ----- a zero the if binds, added to again before it is read (fuzz seed 27338) -----

def added_to_after(x):
    y = x * 2.0
    s = np.sum(y * x)
    z = x[1:3] * 1.5
    if x[0] > 0:
        t = np.tanh(y[1] * z[0])
    else:
        t = x[2] * 1.0
    return s + t + np.sum(np.sin(y[2:]))


def fuzz_27338(x):
    y1 = x.copy()
    t2 = x
    s4 = (1.1 - t2[0]) * (np.sum(np.tanh(x)) * np.sum(np.sin(x)))
    t3 = (t2 + x) - (y1 * s4)
    s5 = (t3[1] * t3[2]) * 1.1 ** 2
    x = x * 1.0
    x[2:3] = np.sin(y1[3:4]) ** 2
    if y1[0] > 0.0:
        x[0] = np.tanh(y1[1] * t2[0])
    else:
        x = x + x
    return s5 + np.sum(np.sin(x) * x)


@pytest.mark.parametrize("f", [added_to_after, fuzz_27338])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_a_zero_added_to_after_the_if_is_not_zero(f, sign) -> None:
    """The else branch binds dy = 0, but the statements after the if (earlier lines)
    add to dy before dx reads it: dx += dy must not move into the if."""
    x = np.array([0.88 * sign, 1.70, -0.49, 0.19])
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)
    check_hessian(f, x)  # (forward mode over the reverse sweep the pass rewrote)
