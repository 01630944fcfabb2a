"""compiler/accumulators.py and compiler/dtypes.py: a loop's ``acc = acc + e`` into an
array the generated code owns is written ``acc += e`` when the shapes say ``e``
broadcasts into ``acc`` and the dtypes say the sum is float64 like ``acc`` (the variant
knows which arguments are float64 arrays); everything else keeps the new array per trip.
Every case is checked against differences."""
import gast
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad
from s2sad.compiler import dtypes


def source(f, *args, wrt=(0, 1)):
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    return g.source


def forward_part(text: str) -> str:
    return text[:text.index("adjoint of")]


def taps(w, x):
    k = w.shape[0]
    n = x.shape[0] - k + 1
    out = np.zeros(n)
    for j in range(k):
        out = out + w[j] * x[j:j + n]
    return np.sum(np.tanh(out) ** 2)


def taps_minus_and_times(w, x):
    """``-``, ``*`` by a number the reverse sweep does not need ``low`` for, and the sum
    written the other way round (``e + acc``)."""
    k = w.shape[0]
    n = x.shape[0] - k + 1
    low = np.zeros(n)
    high = np.ones(n)
    for j in range(k):
        low = low - w[j] * x[j:j + n]
        low = low * 0.9
        high = np.cos(w[j]) * x[j:j + n] + high
    return np.sum(np.sin(low) * high)


@pytest.mark.parametrize("k, m", [(3, 9), (1, 4), (4, 4)])
def test_sums_into_an_owned_array(rng, k, m) -> None:
    w, x = rng.standard_normal(k), rng.standard_normal(m)
    check_grad(taps, w, x, wrt=(0, 1))
    check_grad(taps_minus_and_times, w, x, wrt=(0, 1))
    assert "out_1 += " in forward_part(source(taps, w, x))
    text = forward_part(source(taps_minus_and_times, w, x))
    assert "low_1 -= " in text and "low_1 *= 0.9" in text and "high_1 += " in text


def spread_up(w, x):
    """``acc`` starts as one element and broadcasts up to x's length: a new array."""
    acc = np.zeros(1)
    for j in range(w.shape[0]):
        acc = acc + w[j] * x
    return np.sum(acc ** 2)


def spread_to_matrix(w, X):
    acc = np.zeros(X.shape[1])
    for j in range(w.shape[0]):
        acc = acc + w[j] * X  # (n,) + (m, n): a matrix from the second trip on
    return np.sum(np.tanh(acc))


def int_accumulator(w, x):
    k = w.shape[0]
    n = x.shape[0] - k + 1
    acc = np.zeros(n, dtype=int)
    for j in range(k):
        acc = acc + w[j] * x[j:j + n]  # an int array + floats: a float array
    return np.sum(acc ** 2)


def read_back(w, x):
    """The reverse sweep reads each trip's ``acc`` (a product): it is pushed, not owned."""
    k = w.shape[0]
    n = x.shape[0] - k + 1
    acc = np.ones(n)
    for j in range(k):
        acc = acc * np.sin(w[j] * x[j:j + n])
    return np.sum(acc)


def shared(w, x):
    """Every trip's ``acc`` kept in a list: the list's items would change with it."""
    acc = np.zeros(x.shape[0])
    kept = []
    for j in range(w.shape[0]):
        acc = acc + w[j] * x
        kept.append(acc)
    return np.sum(kept[0] * kept[-1])


@pytest.mark.parametrize("f, shape", [(spread_up, (5,)), (spread_to_matrix, (2, 3)),
                                      (int_accumulator, (6,)), (read_back, (6,)),
                                      (shared, (4,))])
def test_not_in_place(rng, f, shape) -> None:
    w, x = rng.standard_normal(3), rng.standard_normal(shape)
    check_grad(f, w, x, wrt=(0, 1))
    assert "+= w" not in forward_part(source(f, w, x)) and \
        "*= " not in forward_part(source(f, w, x))


def test_other_dtypes_get_their_own_variant(rng) -> None:
    """Called with float64 arrays (in place), then complex, float32 and int ones: each
    call runs code made for its dtypes, and computes what the function does."""
    def loss(w, x):
        k = w.shape[0]
        n = x.shape[0] - k + 1
        out = np.zeros(n)
        for j in range(k):
            out = out + w[j] * x[j:j + n]
        return np.sum(np.real(np.tanh(out)) ** 2)

    w, x = rng.standard_normal(3), rng.standard_normal(8)
    g = s2sad.grad(loss)
    for _ in range(2):  # (the second call takes the fast path)
        g(w, x)
    assert "out_1 += " in g.source
    for other in (x + 1j * rng.standard_normal(8), x.astype(np.float32),
                  np.arange(8), x.astype(np.longdouble)):
        want = s2sad.grad(loss)(w, other)
        eps = 1e-6
        fd = [(loss(w + eps * e, other) - loss(w - eps * e, other)) / (2 * eps)
              for e in np.eye(3)]
        for _ in range(2):
            got = g(w, other)
            np.testing.assert_allclose(got, want, rtol=1e-12)
            np.testing.assert_allclose(got, fd, rtol=1e-5)
            assert "out_1 += " not in g.source
    assert "out_1 += " in (g(w, x), g.source)[1]
    both = s2sad.value_and_grad(loss)
    for other in (x, x + 0.5j, x):
        np.testing.assert_allclose(both(w, other)[1], s2sad.grad(loss)(w, other), rtol=1e-12)


@pytest.mark.parametrize("code, kinds", [
    ("a = np.zeros(n)\nb = a + x * 2.0\nc = np.sin(b)", {"a": "f64", "b": "f64", "c": "f64"}),
    ("a = np.zeros(n)\nb = np.isnan(a)\nc = np.sum(a * 2, axis=(0,), keepdims=True)",
     {"a": "f64", "b": "real", "c": "f64"}),  # (isnan's float64 loop gives bool: real)
    ("a = x ** 0.5\nb = 2.0 ** q\nc = q ** 2", {"a": "f64", "c": "real"}),
    ("a = np.zeros(n, dtype=int)\nb = np.full(n, 1)\nc = np.linalg.eigvals(x)",
     {"b": "real"}),  # (np.full of an int: an int array)
    ("a = np.full(n, 1.0)\nb = np.full(n, x[0])\nc = np.full(n, q)\nd = np.full(n, w)",
     {"a": "f64", "b": "f64", "c": "real"}),  # (q: a number of unknown type; w: unknown)
    ("for i in range(n):\n    a = x[i]\nb = 1j * x", {"i": "real", "a": "f64"}),
    ("a = np.zeros(n)\nfor i in range(n):\n    a = a + z[i]", {"i": "real"}),
    ("s = as_floats(x)\nt = s[0] * 2.0\nu = s + s", {"s": "items", "t": "real"}),
])
def test_dtypes_proved(code, kinds) -> None:
    from s2sad import runtime
    body = gast.parse(code).body
    got = dtypes.dtypes(body, {"x"}, {"n", "q"}, {"np": np, "as_floats": runtime.as_floats})
    assert {k: v for k, v in got.items() if k not in ("x", "n", "q")} == kinds


def test_an_array_filled_with_a_float_argument() -> None:
    """``np.full(n, q)`` of a Python float (or float64) argument ``q`` is float64, and a
    zeros array like it too; ``q`` itself stays a number of any real kind (a Python float
    times a NumPy float32 is a float32)."""
    body = gast.parse("a = np.full(n, q)\nb = zeros_like(a)\nc = q * n").body
    from s2sad import runtime
    ns = {"np": np, "zeros_like": runtime.zeros_like}
    got = dtypes.dtypes(body, set(), {"n", "q"}, ns, frozenset({"q"}))
    assert (got["a"], got["b"], got["c"], got["q"]) == ("f64", "f64", "real", "real")
    assert dtypes.dtypes(body, set(), {"n", "q"}, ns)["a"] == "real"


def branches(w, x):
    k = w.shape[0]
    n = x.shape[0] - k + 1
    out = np.zeros(n)
    for j in range(k):
        if w[j] > 0:
            out = out + w[j] * x[j:j + n]
        else:
            out = out - np.sin(w[j]) * x[j:j + n]
    return np.sum(np.tanh(out) ** 2)


def shifted_when_it_fits(w, x):
    """The else branch reads a window one further, guarded by a test the shape facts do
    not follow: its length is unknown, so ``out`` may grow and nothing is in place."""
    k = w.shape[0]
    n = x.shape[0] - k + 1
    out = np.zeros(n)
    for j in range(k):
        if w[j] > 0:
            out = out + w[j] * x[j:j + n]
        elif j + n < x.shape[0]:
            out = out - np.sin(w[j]) * x[j + 1:j + n + 1]
        else:
            out = out * 0.5
    return np.sum(np.tanh(out) ** 2)


@pytest.mark.parametrize("w", [[0.5, -0.3, 0.8], [-0.5, -0.3, -0.8], [0.5, 0.3, 0.8]])
def test_both_branches(rng, w) -> None:
    w, x = np.array(w), rng.standard_normal(8)
    check_grad(branches, w, x, wrt=(0, 1))
    check_grad(shifted_when_it_fits, w, x, wrt=(0, 1))
    text = source(branches, w, x)
    assert "out_1 += " in text and "out_1 -= " in text and "unbroadcast" not in text
    text = source(shifted_when_it_fits, w, x)
    assert "out_1 +=" not in text and "out_1 -=" not in text and "unbroadcast" in text
