"""Checkpointed loops give the store-all gradient (to 1e-12) with every schedule, on
loops with branches, nested loops, and 0, 1 and many trips; the marker changes
nothing when the function runs, and forward mode ignores it."""
import functools

import numpy as np
import pytest

import s2sad
from s2sad.runtime import checkpoint as rt


def rnn(Wh, Wx, xs, h0, T):
    h = h0
    loss = 0.0
    for t in s2sad.checkpoint(range(T)):
        h = np.tanh(Wh @ h + Wx @ xs[t])
        if np.sum(h) > 0:
            loss = loss + np.sum(h ** 2)
        else:
            loss = loss - 0.5 * np.sum(h)
    return loss + np.sum(h * h0)


def rnn_every2(Wh, Wx, xs, h0, T):
    h = h0
    loss = 0.0
    for t in s2sad.checkpoint(range(T), every=2):
        h = np.tanh(Wh @ h + Wx @ xs[t])
        if np.sum(h) > 0:
            loss = loss + np.sum(h ** 2)
        else:
            loss = loss - 0.5 * np.sum(h)
    return loss + np.sum(h * h0)


def rnn_binomial(Wh, Wx, xs, h0, T):
    h = h0
    loss = 0.0
    for t in s2sad.checkpoint(range(T), snapshots=2):
        h = np.tanh(Wh @ h + Wx @ xs[t])
        if np.sum(h) > 0:
            loss = loss + np.sum(h ** 2)
        else:
            loss = loss - 0.5 * np.sum(h)
    return loss + np.sum(h * h0)


def rnn_store_all(Wh, Wx, xs, h0, T):
    h = h0
    loss = 0.0
    for t in range(T):
        h = np.tanh(Wh @ h + Wx @ xs[t])
        if np.sum(h) > 0:
            loss = loss + np.sum(h ** 2)
        else:
            loss = loss - 0.5 * np.sum(h)
    return loss + np.sum(h * h0)


def nested(x, W, T):
    s = x
    total = 0.0
    for t in s2sad.checkpoint(range(1, T, 2), snapshots=3):
        for k in range(3):
            s = np.sin(W @ s) + 0.1 * k * s
        total = total + np.sum(s) * t
    return total


def nested_store_all(x, W, T):
    s = x
    total = 0.0
    for t in range(1, T, 2):
        for k in range(3):
            s = np.sin(W @ s) + 0.1 * k * s
        total = total + np.sum(s) * t
    return total


def element_writes(u, c):
    u = u.copy()
    for _step in s2sad.checkpoint(range(6), every=4):
        for i in range(1, u.shape[0] - 1):
            u[i] = u[i] + c * (u[i - 1] - 2 * u[i] + u[i + 1])
    return np.sum(u ** 2)


def element_writes_store_all(u, c):
    u = u.copy()
    for _step in range(6):
        for i in range(1, u.shape[0] - 1):
            u[i] = u[i] + c * (u[i - 1] - 2 * u[i] + u[i + 1])
    return np.sum(u ** 2)


def _data(T=12, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(5, 5)) * 0.4, rng.normal(size=(5, 3)), rng.normal(size=(max(T, 1), 3)),
            rng.normal(size=5) * 0.1)


CHECKPOINTED = [rnn, rnn_every2, rnn_binomial]


@pytest.mark.parametrize("T", [0, 1, 2, 7, 12])
@pytest.mark.parametrize("f", CHECKPOINTED, ids=[f.__name__ for f in CHECKPOINTED])
def test_equals_store_all(f, T):
    Wh, Wx, xs, h0 = _data(T)
    wrt = (0, 1, 2, 3)
    got = s2sad.grad(f, wrt=wrt)(Wh, Wx, xs, h0, T)
    want = s2sad.grad(rnn_store_all, wrt=wrt)(Wh, Wx, xs, h0, T)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert f(Wh, Wx, xs, h0, T) == rnn_store_all(Wh, Wx, xs, h0, T)


def test_against_finite_differences():
    Wh, Wx, xs, h0 = _data(9, seed=3)
    g = s2sad.grad(rnn_binomial)(Wh, Wx, xs, h0, 9)
    d = np.random.default_rng(1).normal(size=Wh.shape)
    eps = 1e-6
    fd = (rnn_binomial(Wh + eps * d, Wx, xs, h0, 9) -
          rnn_binomial(Wh - eps * d, Wx, xs, h0, 9)) / (2 * eps)
    assert abs(np.sum(g * d) - fd) < 1e-7 * max(1.0, abs(fd))


def _branches(Wh, Wx, xs, h0, T):
    """Which side of the branch each trip of the RNN takes."""
    h, sides = h0, []
    for t in range(T):
        h = np.tanh(Wh @ h + Wx @ xs[t])
        sides.append(bool(np.sum(h) > 0))
    return sides


def test_both_branches_taken():
    Wh, Wx, xs, h0 = _data(12, seed=5)
    xs2 = xs.copy()
    xs2[::2] *= -3.0  # push some trips into the other branch
    for data in (xs, xs2):
        assert set(_branches(Wh, Wx, data, h0, 12)) == {True, False}
        got = s2sad.grad(rnn_every2, wrt=(0, 2))(Wh, Wx, data, h0, 12)
        want = s2sad.grad(rnn_store_all, wrt=(0, 2))(Wh, Wx, data, h0, 12)
        for a, b in zip(got, want):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("T", [1, 2, 3, 9, 14])
def test_nested_loops_and_odd_range(T):
    rng = np.random.default_rng(T)
    x, W = rng.normal(size=4), rng.normal(size=(4, 4)) * 0.5
    got = s2sad.grad(nested, wrt=(0, 1))(x, W, T)
    want = s2sad.grad(nested_store_all, wrt=(0, 1))(x, W, T)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_element_writes_inside():
    u, c = np.linspace(0, 1, 7) ** 2, 0.2
    got = s2sad.grad(element_writes, wrt=(0, 1))(u, c)
    want = s2sad.grad(element_writes_store_all, wrt=(0, 1))(u, c)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert np.array_equal(u, np.linspace(0, 1, 7) ** 2)


def test_benchmark_smoke():
    from benchmarks import checkpointing
    assert checkpointing.main(["--smoke"]) == 0


def test_value_and_grad_vjp_and_forward_mode():
    Wh, Wx, xs, h0 = _data(8)
    v, g = s2sad.value_and_grad(rnn_binomial)(Wh, Wx, xs, h0, 8)
    v2, g2 = s2sad.value_and_grad(rnn_store_all)(Wh, Wx, xs, h0, 8)
    assert v == v2 and np.allclose(g, g2, rtol=1e-12, atol=1e-12)
    _, (gv,) = s2sad.vjp(rnn_every2, wrt=(0,))(Wh, Wx, xs, h0, 8, 2.0)
    np.testing.assert_allclose(gv, 2.0 * g2, rtol=1e-12, atol=1e-12)
    d = np.ones_like(Wh)
    _, t1 = s2sad.jvp(rnn)(Wh, Wx, xs, h0, 8, d)
    _, t2 = s2sad.jvp(rnn_store_all)(Wh, Wx, xs, h0, 8, d)
    assert abs(t1 - t2) < 1e-12 * max(1.0, abs(t2))


def test_binomial_schedule_is_optimal():
    @functools.lru_cache(None)
    def fewest(n, s):
        if n <= 1:
            return 0
        if s == 0:
            return n * (n - 1) // 2
        return min(m + fewest(n - m, s - 1) + fewest(m, s) for m in range(1, n))

    class Count:
        advanced = 0

        def advance(self, state, i, j):
            self.advanced += j - i
            return state

        def __call__(self, state, i, j, cot):
            return cot

    for n in (1, 2, 5, 17, 40, 64):
        for s in (1, 2, 4):
            count = Count()
            rt.revolve(count, [0], 0, n, s, [0])
            assert count.advanced == fewest(n, s) == rt.optimal_advances(n, s)


def bad_break(x):
    for _t in s2sad.checkpoint(range(3)):
        x = x * 2.0
        if np.sum(x) > 5:
            break
    return np.sum(x)


def bad_first_set_inside(x):
    for _t in s2sad.checkpoint(range(3)):
        y = x * 2.0
    return np.sum(y)


def bad_marker(x):
    for t in s2sad.checkpoint([1, 2, 3]):
        x = x * t
    return np.sum(x)


@pytest.mark.parametrize("f,words", [(bad_break, "break"), (bad_marker, "range"),
                                     (bad_first_set_inside, "before the loop")])
def test_refusals_name_the_line(f, words):
    with pytest.raises(s2sad.DifferentiationError, match=words) as info:
        s2sad.grad(f)(np.ones(3))
    assert "test_checkpoint.py:" in str(info.value)


def test_marker_returns_its_range_and_checks_words():
    assert list(s2sad.checkpoint(range(3), every=2)) == [0, 1, 2]
    with pytest.raises(ValueError):
        s2sad.checkpoint(range(3), every=2, snapshots=2)
    with pytest.raises(ValueError):
        s2sad.checkpoint(range(3), every=0)


def test_generated_source_shows_the_call_and_its_rule():
    src = s2sad.grad(rnn_binomial).source
    line = rnn_binomial.__code__.co_firstlineno + 3
    assert f"checkpointed_{line}(0, T, 1, h0, 0.0, Wh, Wx, xs)" in src
    assert f"vjp_checkpointed_{line}(" in src and "s2sad_active" in src
    assert f"# line {line}: for t in s2sad.checkpoint(range(T), snapshots=2):" in src


# ----- the same without touching the code: grad(f, checkpoint={LINE: schedule}) -----

def _loop_line(f):
    """The line of f's first for statement."""
    import inspect
    lines, first = inspect.getsourcelines(f)
    return first + next(i for i, text in enumerate(lines) if text.lstrip().startswith("for "))


@pytest.mark.parametrize("spec", ["uniform", "uniform:3", "binomial:3", "binomial:10"])
@pytest.mark.parametrize("T", [0, 1, 7, 12])
def test_loops_named_by_line_equal_store_all(spec, T):
    Wh, Wx, xs, h0 = _data(T, seed=5)
    xs[::2] *= -3.0  # both sides of the branch
    wrt = (0, 1, 2, 3)
    checkpoint = {_loop_line(rnn_store_all): spec}
    want = s2sad.grad(rnn_store_all, wrt=wrt)(Wh, Wx, xs, h0, T)
    derivative = s2sad.grad(rnn_store_all, wrt=wrt, checkpoint=checkpoint)
    for a, b in zip(derivative(Wh, Wx, xs, h0, T), want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    assert "checkpointed_" in derivative.source
    assert "checkpointed_" not in s2sad.grad(rnn_store_all, wrt=wrt).source  # f unchanged
    value, grads = s2sad.value_and_grad(rnn_store_all, wrt=0, checkpoint=checkpoint)(
        Wh, Wx, xs, h0, T)
    assert value == rnn_store_all(Wh, Wx, xs, h0, T)
    np.testing.assert_allclose(grads, want[0], rtol=1e-12, atol=1e-12)
    _, cot = s2sad.vjp(rnn_store_all, wrt=0, checkpoint=checkpoint)(Wh, Wx, xs, h0, T, 2.0)
    np.testing.assert_allclose(cot, 2.0 * want[0], rtol=1e-12, atol=1e-12)


def test_nested_loop_named_by_line():
    x, W = np.random.default_rng(2).normal(size=4), np.eye(4) * 0.7
    got = s2sad.grad(nested_store_all, checkpoint={_loop_line(nested_store_all): "binomial:3"})
    np.testing.assert_allclose(got(x, W, 9), s2sad.grad(nested_store_all)(x, W, 9),
                               rtol=1e-12, atol=1e-12)


def newton_sqrt(a):
    x = a
    while abs(x * x - a) > 1e-10:
        x = 0.5 * (x + a / x)
    return x


def test_checkpoint_option_refusals():
    line = _loop_line(rnn_store_all)
    with pytest.raises(s2sad.DifferentiationError, match=f"line {line + 1} starts no loop"):
        s2sad.grad(rnn_store_all, checkpoint={line + 1: "uniform"})(*_data(3), 3)
    with pytest.raises(ValueError, match="binomial:<snapshots>"):
        s2sad.grad(rnn_store_all, checkpoint={line: "binomial"})
    while_line = newton_sqrt.__code__.co_firstlineno + 2
    with pytest.raises(s2sad.DifferentiationError,
                       match=f"test_checkpoint.py:{while_line}: a checkpointed while loop"):
        s2sad.grad(newton_sqrt, checkpoint={while_line: "uniform"})(2.0)


def skipping(x, W, T):
    s = x
    total = 0.0
    for t in s2sad.checkpoint(range(T), snapshots=2):
        if t % 3 == 1:
            continue  # the trip is left early: reversed by the loop function
        s = np.sin(W @ s)
        total = total + np.sum(s) * t
    return total


def skipping_inner(x, W, T):
    s = x
    total = 0.0
    for t in s2sad.checkpoint(range(T), snapshots=2):
        for k in range(4):
            if k == 2:
                continue  # an inner loop's continue: one trip is still one step
            s = np.sin(W @ s) * (1.0 + 0.1 * k)
        total = total + np.sum(s) * t
    return total


def skipping_store_all(x, W, T):
    s = x
    total = 0.0
    for t in range(T):
        if t % 3 == 1:
            continue
        s = np.sin(W @ s)
        total = total + np.sum(s) * t
    return total


def skipping_inner_store_all(x, W, T):
    s = x
    total = 0.0
    for t in range(T):
        for k in range(4):
            if k == 2:
                continue
            s = np.sin(W @ s) * (1.0 + 0.1 * k)
        total = total + np.sum(s) * t
    return total


@pytest.mark.parametrize("T", [0, 1, 4, 11])
@pytest.mark.parametrize("f,store_all", [(skipping, skipping_store_all),
                                         (skipping_inner, skipping_inner_store_all)])
def test_one_trip_steps_and_continue(f, store_all, T):
    rng = np.random.default_rng(T)
    x, W = rng.normal(size=4), rng.normal(size=(4, 4)) * 0.5
    got = s2sad.grad(f, wrt=(0, 1))(x, W, T)
    want = s2sad.grad(store_all, wrt=(0, 1))(x, W, T)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
    d = rng.normal(size=W.shape)
    eps = 1e-6
    fd = (f(x, W + eps * d, T) - f(x, W - eps * d, T)) / (2 * eps)
    assert abs(np.sum(got[1] * d) - fd) < 1e-7 * max(1.0, abs(fd))


def _fd_jacobian(g, x, eps=1e-5):
    return np.stack([(g(x + eps * e) - g(x - eps * e)) / (2 * eps) for e in np.eye(x.size)],
                    axis=1)


@pytest.mark.parametrize("T", [0, 1, 5, 9])
@pytest.mark.parametrize("f,store_all", [(nested, nested_store_all),
                                         (skipping, skipping_store_all),
                                         (skipping_inner, skipping_inner_store_all)])
def test_hessians_through_checkpointed_loops(f, store_all, T):
    """Second order runs the loop's store-all VJP in forward mode: equal to the Hessian
    of the unmarked loop, and to differences of the gradient."""
    rng = np.random.default_rng(T + 7)
    x, W = rng.normal(size=4), rng.normal(size=(4, 4)) * 0.5
    H = s2sad.hessian(f)(x, W, T)
    np.testing.assert_allclose(H, s2sad.hessian(store_all)(x, W, T), rtol=1e-12, atol=1e-12)
    g = s2sad.grad(f)
    np.testing.assert_allclose(H, _fd_jacobian(lambda v: g(v, W, T), x), atol=1e-6)


@pytest.mark.parametrize("f", [rnn, rnn_every2, rnn_binomial])
def test_hessian_vector_products_through_the_rnn_with_branches(f):
    Wh, Wx, xs, h0 = _data(7, seed=11)
    assert set(_branches(Wh, Wx, xs, h0, 7)) == {True, False}
    hv = s2sad.hessian(f, wrt=3)(Wh, Wx, xs, h0, 7)
    want = s2sad.hessian(rnn_store_all, wrt=3)(Wh, Wx, xs, h0, 7)
    np.testing.assert_allclose(hv, want, rtol=1e-10, atol=1e-12)


GAIN = 1.0


def gained(x, T):
    s = x
    for t in s2sad.checkpoint(range(T), snapshots=2):
        s = np.sin(GAIN * s) + 0.1 * t
    return np.sum(s)


def test_a_global_changed_between_calls_is_read_again():
    global GAIN
    x = np.array([0.2, -0.4])
    g = s2sad.grad(gained)
    try:
        for gain in (1.0, 2.5, -0.7):
            GAIN = gain
            eps = 1e-6
            fd = [(gained(x + eps * e, 6) - gained(x - eps * e, 6)) / (2 * eps)
                  for e in np.eye(2)]
            np.testing.assert_allclose(g(x, 6), fd, atol=1e-8)
    finally:
        GAIN = 1.0


def test_forward_and_second_order_read_a_changed_global_too():
    global GAIN
    x = np.array([0.2, -0.4])
    try:
        for gain in (1.0, 2.5):
            GAIN = gain
            eps = 1e-6
            _, t = s2sad.jvp(gained)(x, 6, np.array([1.0, 0.0]))
            fd = (gained(x + [eps, 0], 6) - gained(x - [eps, 0], 6)) / (2 * eps)
            assert abs(t - fd) < 1e-7
            H = s2sad.hessian(gained)(x, 6)
            np.testing.assert_allclose(H, _fd_jacobian(
                functools.partial(s2sad.grad(gained), T=6), x), rtol=1e-6, atol=1e-6)
    finally:
        GAIN = 1.0
