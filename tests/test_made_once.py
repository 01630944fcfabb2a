"""``s2sad.grad(loss)(params)`` written inside a training loop: the second
``grad(loss)`` is the Derivative the first made (its checks and variants kept), not a
new one per step; other options, another function, ``verbose`` make their own.
Numbers against central differences and closed forms."""
from __future__ import annotations

import numpy as np

import s2sad
from gradcheck import check_grad

X = np.array([0.3, -0.5, 0.8])


def loss(w, x):
    return np.sum(np.tanh(w * x) ** 2)


def shares(a, b) -> bool:
    return a._variants is b._variants and a._checked is b._checked


def test_the_same_variants_for_the_same_options():
    assert shares(s2sad.grad(loss), s2sad.grad(loss))
    assert shares(s2sad.grad(loss, wrt=1), s2sad.grad(loss, wrt=1))
    assert shares(s2sad.value_and_grad(loss), s2sad.value_and_grad(loss))
    assert not shares(s2sad.grad(loss), s2sad.grad(loss, wrt=1))
    assert not shares(s2sad.grad(loss), s2sad.value_and_grad(loss))
    assert not shares(s2sad.jvp(loss), s2sad.grad(loss))
    assert not shares(s2sad.grad(loss, verbose=True), s2sad.grad(loss, verbose=True))
    inner = s2sad.grad(loss)
    assert shares(s2sad.grad(inner), s2sad.grad(inner))


def test_source_of_a_new_one_is_its_own():
    """``grad(f).source`` before a call shows the variant for no known kinds, as a new
    object's does, whatever an earlier ``grad(f)`` ran."""
    fresh = s2sad.grad(loss).source
    s2sad.grad(loss)(0.5, 2.0)
    assert s2sad.grad(loss).source == fresh


def test_a_training_loop_with_grad_inside():
    w, x = X.copy(), np.array([1.0, 2.0, -1.0])
    for _ in range(20):
        w = w - 0.1 * s2sad.grad(loss)(w, x)
    check_grad(loss, w, x)
    t = np.tanh(w * x)  # closed form: d/dw sum tanh(wx)^2 = 2 t (1 - t^2) x
    assert np.allclose(s2sad.grad(loss)(w, x), 2 * t * (1 - t * t) * x)


def test_each_call_still_runs_the_variant_of_its_kinds():
    g = s2sad.grad(loss)
    assert np.allclose(g(0.5, 2.0), 2 * np.tanh(1.0) * (1 - np.tanh(1.0) ** 2) * 2.0)
    M = np.arange(6.0).reshape(2, 3) / 10
    check_grad(loss, M, 1.5)
    assert s2sad.grad(loss)(M, 1.5).shape == (2, 3)


def test_a_function_defined_again_gets_its_own():
    made = []
    for k in (1.0, 2.0):
        def scaled(w, k=k):
            return k * np.sum(w ** 3)
        made.append(s2sad.grad(scaled))
        assert np.allclose(made[-1](X), 3 * k * X ** 2)
    assert made[0] is not made[1]


def test_kept_few_so_lambdas_made_per_step_do_not_pile_up():
    from s2sad import made_before
    for k in range(3 * made_before.KEPT):
        g = s2sad.grad(lambda w, k=k: k * np.sum(w * w))
        assert np.allclose(g(X), 2 * k * X)
    assert len(made_before._MADE) <= made_before.KEPT


A = np.array([[2.0, 0.5], [0.5, 1.0]])


def quadratic_quartic(x):
    return 0.5 * x @ A @ x + np.sum(x ** 4)


def test_a_hessian_called_again_reads_the_module_as_it_is_now():
    """The Hessian's gradient wrapper is made once per gradient variant (was made per
    call: a transform per Newton step); the module's array changed in place or bound
    again is read as it is at the call (closed form A + diag(12 x^2))."""
    global A
    x = np.array([0.3, -0.2])
    h = s2sad.hessian(quadratic_quartic)
    assert np.allclose(h(x), A + np.diag(12 * x ** 2))
    A[0, 0] = 5.0
    assert np.allclose(h(x), A + np.diag(12 * x ** 2))
    A = np.eye(2) * 3
    assert np.allclose(h(x), A + np.diag(12 * x ** 2))
    assert np.allclose(s2sad.hessian(quadratic_quartic)(x), A + np.diag(12 * x ** 2))


def newton_objective(x):
    return np.sum(np.exp(x) - 2 * x) + 0.1 * np.dot(x, x) ** 2


def test_newton_steps_with_hessian_inside_the_loop():
    x = np.zeros(3)
    for _ in range(8):
        x = x - np.linalg.solve(s2sad.hessian(newton_objective)(x),
                                s2sad.grad(newton_objective)(x))
    assert np.linalg.norm(s2sad.grad(newton_objective)(x)) < 1e-10
    # stationary: exp(x) - 2 + 0.4 |x|^2 x = 0 in each coordinate (all equal)
    t = x[0]
    assert np.allclose(x, t) and abs(np.exp(t) - 2 + 0.4 * 3 * t ** 3) < 1e-10


class Model:
    def __init__(self, scale):
        self.scale = scale

    def loss(self, w, x):
        return self.scale * np.sum((w * x - 1.0) ** 2)


def test_a_bound_method_read_again_shares_too():
    m, other = Model(2.0), Model(3.0)
    assert shares(s2sad.grad(m.loss), s2sad.grad(m.loss))
    assert not shares(s2sad.grad(m.loss), s2sad.grad(other.loss))
    w, x = X.copy(), np.array([1.0, 2.0, -1.0])
    for model in (m, other, m):
        assert np.allclose(s2sad.grad(model.loss)(w, x), 2 * model.scale * (w * x - 1) * x)


def log_of_sum(x):
    return np.log(np.sum(x))


def test_an_error_on_a_later_call_names_the_users_line():
    """The fast path a reused derivative takes raises its errors through the dispatch,
    which names the user's file and line (was raw: ``<s2sad>:?:`` or NumPy's)."""
    import pytest
    import scipy.linalg as sla

    def sqrtm_sum(A):
        return np.real(np.sum(sla.sqrtm(0.5 * (A + A.T))))
    g = s2sad.grad(sqrtm_sum)
    for _ in range(3):
        assert np.all(np.isfinite(g(np.eye(2) * 2.0)))
    with pytest.raises(s2sad.DifferentiationError, match=r"test_made_once\.py:\d+: "):
        g(-np.eye(2))
    assert np.allclose(s2sad.grad(log_of_sum)(X + 1.0), 1 / np.sum(X + 1.0))


def chain_energy(x):
    return np.sum(np.sin(x) * x ** 2) + np.sum(x[:-1] * x[1:])


def chain_energy_hessian(x):
    """Closed form: diag(2 sin x + 4 x cos x - x^2 sin x) plus ones beside it."""
    h = np.diag(2 * np.sin(x) + 4 * x * np.cos(x) - x ** 2 * np.sin(x))
    return h + np.eye(len(x), k=1) + np.eye(len(x), k=-1)


def test_one_hessian_object_at_many_points_and_lengths():
    """The forward-mode Jacobian of the gradient and its JVPs are made at the first
    call and reused; another point, another length (another variant) and a point
    after it read what they should (closed form)."""
    h = s2sad.hessian(chain_energy)
    for x in (np.linspace(0.1, 1.0, 5), np.linspace(-1.0, 0.5, 5), np.linspace(0.2, 2.0, 7),
              np.array([0.3, -0.4, 1.1, 0.0, 2.0])):
        assert np.allclose(h(x), chain_energy_hessian(x), rtol=1e-10, atol=1e-12)


def test_one_jacobian_object_forward_at_many_points():
    j = s2sad.jacobian(lambda x: np.sin(x) * np.sum(x), mode="forward")
    for x in (np.linspace(0.1, 1.0, 4), np.linspace(-2.0, 1.0, 6), np.array([0.5, 1.5])):
        expected = np.diag(np.cos(x) * np.sum(x)) + np.sin(x)[:, None]
        assert np.allclose(j(x), expected, rtol=1e-10, atol=1e-12)
