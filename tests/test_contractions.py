"""The ``contract`` pass: sums of products of broadcast views written as contractions
(the adjoint of a pairwise difference as ``W.sum(1)[:, None] * P - W @ Q``), checked
against central differences and closed forms, with the cases where it must not fire."""
from __future__ import annotations

import gast
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp
from s2sad.compiler import contractions, dims, pipeline

rng = np.random.default_rng(26)


def _lattice(n: int, d: int) -> np.ndarray:
    """Points at least ~1 apart (so 1/r**12 stays tame), jittered."""
    side = int(np.ceil(n ** (1 / d)))
    grid = np.stack(np.meshgrid(*[np.arange(side)] * d, indexing="ij"), -1).reshape(-1, d)
    return 1.2 * grid[:n].astype(float) + 0.05 * rng.standard_normal((n, d))


def lennard_jones(pos, eps, sigma):
    diff = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(diff ** 2, axis=-1)
    n = pos.shape[0]
    r2 = r2 + np.eye(n)
    s6 = (sigma ** 2 / r2) ** 3
    e = 4 * eps * (s6 ** 2 - s6)
    e = e * (1.0 - np.eye(n))
    return 0.5 * np.sum(e)


def cross_energy(X, Y):
    """Two different point sets: P - Q with P != Q."""
    d = X[:, None, :] - Y[None, :, :]
    r2 = np.sum(d * d, axis=-1) + 1.0
    return np.sum(1.0 / r2)


def rbf(X, Y, alpha):
    """An RBF kernel with implicit trailing slices (X[:, None])."""
    K = np.exp(-np.sum((X[:, None] - Y[None]) ** 2, -1))
    return alpha @ K @ alpha[: Y.shape[0]]


def accelerations(pos, mass):
    d = pos[:, None, :] - pos[None, :, :]
    r2 = np.sum(d * d, axis=2) + 0.01
    w = mass[None, :] * r2 ** -1.5
    return -np.sum(d * w[:, :, None], axis=1)


def nbody_step(pos, vel, mass, target):
    vel = vel + 0.01 * accelerations(pos, mass)
    pos = pos + 0.01 * vel
    return np.sum((pos - target) ** 2)


def summed_pairs(x, y):
    """A sum, not a difference, of the two views; reduced over the other axis."""
    s = x[None, :, :] + y[:, None, :]
    w = np.tanh(np.sum(s * s, axis=2))
    return np.sum(np.sum(w[:, :, None] * s, axis=0) ** 2)


def scalar_pairs(x):
    """1-D positions: the weights are as big as the difference (nothing to gain)."""
    d = x[:, None] - x[None, :]
    return np.sum(np.cos(d) * d)


def _source(f, *args, wrt=0):
    """The generated gradient's source for these arguments' kinds (ranks known)."""
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    return g.source


def test_lennard_jones_against_differences_and_hand() -> None:
    for n, d in ((27, 3), (16, 2), (5, 3)):
        pos = _lattice(n, d)
        got = check_grad(lennard_jones, pos, 1.0, 1.0, rtol=1e-5, atol=1e-6)
        source = _source(lennard_jones, pos, 1.0, 1.0)
        assert "@ pos" in source and "np.expand_dims" not in source
        check_jvp(lennard_jones, pos, 0.7, 1.1)
        diff = pos[:, None, :] - pos[None, :, :]
        r2 = np.sum(diff ** 2, -1) + np.eye(n)
        s6 = r2 ** -3.0
        w = -6.0 * (2.0 * s6 - 1.0) * s6 / r2
        np.fill_diagonal(w, 0.0)
        np.testing.assert_allclose(got, 4.0 * (w.sum(1)[:, None] * pos - w @ pos),
                                   rtol=1e-10, atol=1e-10)


def test_two_point_sets() -> None:
    X, Y = rng.standard_normal((6, 3)), rng.standard_normal((4, 3))
    check_grad(cross_energy, X, Y, wrt=(0, 1))
    check_vjp(cross_energy, X, Y, wrt=(0, 1))
    check_jvp(cross_energy, X, Y, wrt=(0, 1))
    assert "@" in _source(cross_energy, X, Y, wrt=(0, 1))
    # closed form: dE/dX_i = sum_j -2 (X_i - Y_j) / r2_ij ** 2
    d = X[:, None, :] - Y[None, :, :]
    r2 = np.sum(d * d, -1) + 1.0
    want = np.sum(-2.0 * d / r2[:, :, None] ** 2, axis=1)
    np.testing.assert_allclose(s2sad.grad(cross_energy)(X, Y), want, rtol=1e-12)


def test_rbf_kernel() -> None:
    X, Y, alpha = rng.standard_normal((5, 2)), rng.standard_normal((3, 2)), \
        rng.standard_normal(5)
    check_grad(rbf, X, Y, alpha, wrt=(0, 1, 2))
    assert "@ X" in _source(rbf, X, Y, alpha, wrt=(0, 1))


def test_nbody_step_and_the_forward_sum() -> None:
    pos, vel = rng.uniform(-1, 1, (7, 3)), rng.standard_normal((7, 3))
    mass, target = np.full(7, 1 / 7), rng.uniform(-1, 1, (7, 3))
    check_grad(nbody_step, pos, vel, mass, target, wrt=(0, 1, 2))
    check_jvp(nbody_step, pos, vel, mass, target, wrt=(0, 1))
    value, _ = s2sad.value_and_grad(nbody_step, wrt=(0, 1))(pos, vel, mass, target)
    assert value == pytest.approx(nbody_step(pos, vel, mass, target), rel=1e-13)
    source = _source(nbody_step, pos, vel, mass, target, wrt=(0, 1))
    assert "np.sum(accelerations_d * accelerations_w_item" not in source  # forward contracted


def test_a_sum_of_views_and_another_axis() -> None:
    x, y = rng.standard_normal((4, 3)), rng.standard_normal((5, 3))
    check_grad(summed_pairs, x, y, wrt=(0, 1))
    check_jvp(summed_pairs, x, y, wrt=(0, 1))


def test_one_dimensional_positions_stay_general() -> None:
    x = rng.standard_normal(6)
    check_grad(scalar_pairs, x)
    d = x[:, None] - x[None, :]
    g = np.cos(d) - np.sin(d) * d
    np.testing.assert_allclose(s2sad.grad(scalar_pairs)(x), g.sum(1) - g.sum(0), rtol=1e-12,
                               atol=1e-13)  # (zeros: the row sums by a product round apart)


def _cross_with_fixed(X):
    return cross_energy(X, np.array([[0.5, -1.0], [2.0, 0.3]]))


def test_hessian_through_the_contraction() -> None:
    check_hessian(_cross_with_fixed, rng.standard_normal((3, 2)))


def test_unknown_ranks_keep_the_sums() -> None:
    text = pipeline.show(lennard_jones, "free", kinds=(frozenset({1, 2}), ()))
    assert "@" not in text and "ddiff = " in text


def test_integer_positions_keep_numpys_types() -> None:
    """``np.sum`` of an int32 product is int64, ``einsum``'s int32: the forward sum of
    squares (of int32 positions, not differentiated: an integer array given for a
    differentiated argument is refused) is not rewritten; the value is exact."""
    def sq(w, x):
        d = x[:, None, :] - x[None, :, :]
        return w * np.sum(np.sum(d * d, axis=-1) * 1.5)
    x = np.arange(12, dtype=np.int32).reshape(4, 3) * 30000
    value, grad = s2sad.value_and_grad(sq)(2.0, x)
    assert value == sq(2.0, x)
    g = s2sad.value_and_grad(sq)
    g(2.0, x)
    assert "einsum" not in g.source
    assert grad == sq(1.0, x)  # (linear in w; int32 squares wrap around as NumPy's do)
    with pytest.raises(s2sad.DifferentiationError, match="argument 'x'.*astype"):
        s2sad.grad(sq, wrt=1)(2.0, x)


def test_complex_input_holomorphic() -> None:
    def sq(z):
        d = z[:, None, :] - z[None, :, :]
        return np.sum(np.sum(d * d, axis=-1) * 0.5)
    z = rng.standard_normal((4, 2)) + 1j * rng.standard_normal((4, 2))
    got = s2sad.grad(sq, holomorphic=True)(z)
    np.testing.assert_allclose(got, 2.0 * (len(z) * z - z.sum(0)), rtol=1e-12)


def _parse(text: str) -> list:
    return gast.parse(text).body


def test_a_name_bound_again_is_not_read_through() -> None:
    """``P`` bound again after the difference, an item of it written, ``Q`` bound in a
    loop: the difference is not read through (the weights times the whole difference,
    a stack of matrix products ``W[:, None, :] @ d``); bound once: distributed."""
    namespace = {"np": np}
    text = ("W = V / 3.0\n"
            "d = P[:, None, :] - Q[None, :, :]\n"
            "{}g = np.expand_dims(W, -1) * (2.0 * d)\n"
            "s = np.sum(g, axis=1)\n")
    shapes = {"P": ("a", "b"), "Q": ("a", "b"), "V": ("a", "a")}
    for again, through in (("P = P * 2.0\n", False), ("P[0] = 1.0\n", False),
                           ("for k in range(2):\n    Q = Q + 1.0\n", False), ("", True)):
        body = _parse(text.format(again))
        facts = dims.Facts(body, shapes, set(), namespace)
        assert contractions.contract(body, facts, namespace)
        names = {n.id for n in gast.walk(body[-1].value) if isinstance(n, gast.Name)}
        assert names - {"np"} == ({"W", "P", "Q"} if through else {"W", "d"})


def test_a_view_of_a_broadcast_axis_is_not_an_operand() -> None:
    """``W`` of shape (a, 1) broadcasts along the frame's second axis: not a view."""
    namespace = {"np": np}
    body = _parse("W = V / 3.0\n"
                  "d = P[:, None, :] - Q[None, :, :]\n"
                  "g = np.expand_dims(W, -1) * (2.0 * d)\n"
                  "s = np.sum(g, axis=1)\n")
    facts = dims.Facts(body, {"P": ("a", "b"), "Q": ("c", "b"), "V": ("a", 1)}, set(),
                       namespace)
    assert not contractions.contract(body, facts, namespace)


_FORMS = [  # (difference or sum of the two views, weights made from r, final reduction)
    ("X[:, None, :] - Y[None, :, :]", "np.exp(-r)", "np.sum(w)"),
    ("X[:, None, :] + Y[None, :, :]", "1.0 / (1.0 + r)", "np.sum(w * w)"),
    ("Y[None, :, :] - X[:, None, :]", "np.tanh(r) * c", "np.sum(w)"),
    ("X[:, None] - Y[None]", "np.sqrt(r + 1.0)", "np.sum(w @ np.ones(w.shape[1]))"),
    ("X[None, :, :] - Y[:, None, :]", "np.exp(-r) / (r + 2.0)", "np.sum(np.log(1.0 + w))"),
]


@pytest.mark.parametrize("form", range(len(_FORMS)))
@pytest.mark.parametrize("shapes", [((5, 3), (4, 3)), ((3, 2), (6, 2)), ((4, 1), (4, 1))])
def test_pairwise_forms_against_differences(form, shapes, tmp_path, monkeypatch) -> None:
    """Differences and sums of the two views either way round, the feature axis summed
    as -1, weights of several kinds: gradients of both sets against differences."""
    pair, weight, total = _FORMS[form]
    text = (f"import numpy as np\n\n\ndef f(X, Y, c):\n    d = {pair}\n"
            f"    r = np.sum(d * d, axis=-1)\n    w = {weight}\n    return {total}\n")
    path = tmp_path / f"pairwise_form_{form}.py"
    path.write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = __import__(path.stem)
    X, Y = rng.standard_normal(shapes[0]), rng.standard_normal(shapes[1])
    check_grad(module.f, X, Y, 0.7, wrt=(0, 1))
    check_jvp(module.f, X, Y, 0.7, wrt=(0, 1))
    if shapes[0][1] > 1:
        assert "@" in _source(module.f, X, Y, 0.7, wrt=(0, 1))


def nbody_steps(pos, vel, mass, n):
    for _ in range(n):
        vel = vel + 0.01 * accelerations(pos, mass)
        pos = pos + 0.01 * vel
    return np.sum(pos ** 2)


def rebound_in_loop(pos, w):
    for _ in range(2):
        d = pos[:, None, :] - pos[None, :, :]
        pos = pos * 1.1
        a = np.sum(d * np.tanh(w)[:, :, None], axis=1)
        pos = pos + 0.01 * a
    return np.sum(pos ** 2)


def test_in_a_loop_body() -> None:
    """The forward sum of a loop's trip contracted within the trip (``w`` bound in the
    trip, popped again in the reverse sweep: inexact by its value there)."""
    pos, vel, mass = rng.uniform(-1, 1, (5, 3)), rng.standard_normal((5, 3)), np.full(5, 0.2)
    check_grad(nbody_steps, pos, vel, mass, 3, wrt=(0, 1, 2))
    check_jvp(nbody_steps, pos, vel, mass, 3, wrt=(0, 1))
    assert "@ pos_1" in _source(nbody_steps, pos, vel, mass, 3, wrt=(0, 1))
    w = rng.standard_normal((5, 5))
    check_grad(rebound_in_loop, pos, w, wrt=(0, 1))
    check_jvp(rebound_in_loop, pos, w, wrt=(0, 1))
