"""Users' programs of session 40 (helper 63), each once a crash, a refusal or a gradient of
the wrong type; checked against central finite differences (both branches of the
data-dependent ``if``s):

- ``np.cross`` of 2-vectors (a number per pair) and of a 2-vector with a 3-vector: NumPy
  reads a 2-vector as a 3-vector with z = 0; the adjoint reads it so too
  (``runtime.cross_adjoint``; its VJP crashed on the 0-d cotangent);
- an ``np.float32`` number's gradient is an ``np.float32``, as autograd's and JAX's are
  (was a Python float);
- ``zip(xs, range(n))``: the range's zero tangent is a list of zeros read item by item
  (was the number 0.0, subscripted: the JVP crashed, and ``dict(zip(range(3), xs))``'s
  gradient raised a bare TypeError).
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp, numerical_grad

RNG = np.random.default_rng(40)
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # (np.cross of 2-vectors)


# ----- np.cross of 2-vectors -----

def signed_area(p, q, r):
    """Twice the signed area of a triangle; its square's gradient (a mesh quality term)."""
    return np.cross(q - p, r - p) ** 2


def turning(path):
    """The sum of the turns of a 2-D polyline, left turns weighted more (a branch on the
    sign of each cross product)."""
    total = 0.0
    for k in range(1, path.shape[0] - 1):
        c = np.cross(path[k] - path[k - 1], path[k + 1] - path[k])
        if c > 0:
            total += 2.0 * c
        else:
            total -= c
    return total


def planar_torque(F, r):
    """Torques of forces in the plane about a point lifted to 3-D (a 2-vector with a
    3-vector: a 3-vector), and the 2-vector stack's own z torques."""
    lifted = np.cross(F, r)
    return np.sum(lifted ** 2) + np.sum(np.cross(F, F[::-1]) * np.arange(len(F)))


def test_cross_of_two_vectors() -> None:
    args = tuple(RNG.standard_normal(2) for _ in range(3))
    check_grad(signed_area, *args, wrt=(0, 1, 2))
    check_vjp(signed_area, *args, wrt=(0, 1, 2))
    check_jvp(signed_area, *args, wrt=(0, 1, 2))
    check_hessian(lambda p: signed_area(p, args[1], args[2]), args[0])


@pytest.mark.parametrize("path", [
    np.array([[0.0, 0.0], [1.0, 0.1], [1.5, 1.0], [1.0, 1.8], [2.0, 2.1]]),
    np.array([[2.5, 0.7], [2.0, -0.1], [1.0, -0.2], [0.0, 0.0]])])  # (both turns right)
def test_cross_in_a_loop_both_signs(path) -> None:
    check_grad(turning, path)
    check_jvp(turning, path)


def test_cross_of_a_two_vector_with_a_three_vector() -> None:
    F, r = RNG.standard_normal((4, 2)), RNG.standard_normal(3)
    check_grad(planar_torque, F, r, wrt=(0, 1))
    check_vjp(planar_torque, F, r, wrt=(0, 1))
    check_jvp(planar_torque, F, r, wrt=(0, 1))


# ----- an np.float32 number's gradient is an np.float32 -----

def cubic(x):
    return x ** 3 - 2.0 * x


def damped(x, k):
    """A float32 spring constant beside a float position (a branch on the position)."""
    if x > 0:
        return np.exp(-k * x) * x
    return k * x * x


def float32_loop(a, n):
    y = a
    for _ in range(n):
        y = np.sin(y) * a
    return y


def test_float32_number_gets_a_float32_gradient() -> None:
    g = s2sad.grad(cubic)(np.float32(1.5))
    assert type(g) is np.float32 and g == np.float32(3 * 1.5 ** 2 - 2)
    value, g = s2sad.value_and_grad(cubic)(np.float32(0.5))
    assert type(g) is np.float32
    assert type(s2sad.grad(cubic)(1.5)) is float  # (Python floats: floats, as before)
    assert type(s2sad.grad(cubic)(np.float64(1.5))) is float


@pytest.mark.parametrize("x", [0.7, -0.4])
def test_float32_beside_a_float(x) -> None:
    gx, gk = s2sad.grad(damped, wrt=(0, 1))(x, np.float32(1.25))
    assert type(gx) is float and type(gk) is np.float32
    ex, ek = numerical_grad(damped, (x, 1.25), wrt=(0, 1))
    np.testing.assert_allclose([gx, gk], [ex, ek], rtol=1e-5)
    _, (vx, vk) = s2sad.vjp(damped, wrt=(0, 1))(x, np.float32(1.25), 1.0)
    assert type(vk) is np.float32


def test_float32_number_in_a_loop_and_an_int_argument() -> None:
    g = s2sad.grad(float32_loop)(np.float32(0.8), 4)
    assert type(g) is np.float32
    np.testing.assert_allclose(g, numerical_grad(float32_loop, (0.8, 4)), rtol=1e-5)
    assert type(s2sad.grad(cubic)(2)) is float  # (an int's gradient: a float)


# ----- zip with a range: the range's zero tangent read item by item -----

def ranked_pairs(xs):
    pairs = sorted(zip(xs, range(len(xs))), key=lambda p: p[0])
    return sum(v * (i + 1) for i, (v, _) in enumerate(pairs))


def keyed_by_position(xs):
    d = dict(zip(range(3), xs))
    return d[0] * d[2] + np.sin(d[1])


def positions_in_a_list(xs):
    pairs = list(zip(range(1, len(xs) + 1), xs))
    total = 0.0
    for k, v in pairs:
        if v > 0:
            total += k * v ** 2
        else:
            total -= v
    return total


@pytest.mark.parametrize("f, x", [
    (ranked_pairs, np.array([0.3, -1.0, 2.0, 0.1])),
    (keyed_by_position, np.array([0.3, -1.0, 2.0])),
    (positions_in_a_list, np.array([0.3, -1.0, 2.0, 0.1]))])  # (both branches)
def test_zip_with_a_range(f, x) -> None:
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)


# ----- a function stored as an attribute of an object made inside (self.act = act) -----

class Dense:
    def __init__(self, W, b, act=np.tanh):
        self.W = W
        self.b = b
        self.act = act

    def __call__(self, x):
        return self.act(x @ self.W + self.b)


def soft_clip(z):
    """A scalar activation with a data-dependent branch."""
    if z > 1.0:
        return 1.0 + np.log(z)
    return z


def softplus(z):
    return np.log1p(np.exp(z))


def layer_with_its_default(W, b, X):
    layer = Dense(W, b)
    return np.mean(layer(X) ** 2)


def layer_with_a_scalar_activation(w, b, x):
    unit = Dense(w, b, act=soft_clip)
    return unit(x) * 2.0


def apply_layer(layer, X):
    return layer.act(X @ layer.W) + layer.b


def layer_passed_to_a_helper(W, b, X):
    layer = Dense(W, b, softplus)
    return np.sum(apply_layer(layer, X) * layer(X))


def test_function_attribute_default() -> None:
    W, b, X = RNG.standard_normal((3, 2)), RNG.standard_normal(2), RNG.standard_normal((4, 3))
    check_grad(layer_with_its_default, W, b, X, wrt=(0, 1))
    check_vjp(layer_with_its_default, W, b, X, wrt=(0, 1, 2))
    check_jvp(layer_with_its_default, W, b, X, wrt=(0, 1))


@pytest.mark.parametrize("b", [2.0, -1.0])  # (both branches of soft_clip)
def test_function_attribute_with_a_branch(b) -> None:
    w, x = np.array([0.5, -0.25]), np.array([1.0, 0.5])
    check_grad(layer_with_a_scalar_activation, w, b, x, wrt=(0, 1))
    check_jvp(layer_with_a_scalar_activation, w, b, x, wrt=(0, 1))


def test_function_attribute_read_in_a_helper() -> None:
    W, b, X = RNG.standard_normal((3, 2)), RNG.standard_normal(2), RNG.standard_normal((4, 3))
    check_grad(layer_passed_to_a_helper, W, b, X, wrt=(0, 1, 2))
    check_jvp(layer_passed_to_a_helper, W, b, X, wrt=(0, 1))
    check_hessian(lambda b: layer_passed_to_a_helper(W, b, X), b)


def chosen_at_run_time(W, b, X, smooth):
    act = softplus if smooth else np.tanh
    layer = Dense(W, b, act)
    return np.sum(layer(X))


def test_function_attribute_chosen_at_run_time_stays_refused() -> None:
    W, b, X = RNG.standard_normal((3, 2)), RNG.standard_normal(2), RNG.standard_normal((4, 3))
    with pytest.raises(s2sad.DifferentiationError, match=r"test_user_programs4.py:\d+: call"):
        s2sad.grad(chosen_at_run_time)(W, b, X, True)


# ----- an object built inside a helper the function calls (was refused) -----

class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b

    def __call__(self, x):
        return x @ self.W + self.b


def affine_energy(W, b, X):
    layer = Affine(W, b)
    out = layer(X)
    return np.sum(out ** 2) if np.sum(out) > 0 else -np.sum(out)


def calls_a_builder(W, b, X):
    return 2.0 * affine_energy(W, b, X) + np.sum(W * W)


@pytest.mark.parametrize("shift", [3.0, -3.0])  # (both branches)
def test_object_built_in_a_helper(shift) -> None:
    W, X = RNG.standard_normal((3, 2)), RNG.standard_normal((4, 3))
    b = np.full(2, shift)
    check_grad(calls_a_builder, W, b, X, wrt=(0, 1, 2))
    check_jvp(calls_a_builder, W, b, X, wrt=(0, 1))


# ----- super().__init__ chains of classes whose objects are made inside -----

class Module:
    def __init__(self):
        self.training = False


class Linear(Module):
    def __init__(self, W, b):
        super().__init__()
        self.W = W
        self.b = b

    def forward(self, x):
        return x @ self.W.T + self.b


class Base:
    def __init__(self, W, scale=2.0):
        self.W = W
        self.scale = scale


class Scaled(Base):
    def __init__(self, W, b):
        super().__init__(W)
        self.b = b * self.scale

    def __call__(self, x):
        return np.tanh(self.W @ x) * self.scale + self.b


class Explicit(Base):
    def __init__(self, W, s):
        Base.__init__(self, W, scale=s)
        self.W2 = self.W * s

    def __call__(self, x):
        if self.scale > 0:
            return np.sum((self.W2 @ x) ** 2)
        return np.sum(self.W @ x)


class Doubled(Base):
    def __init__(self, W):
        super().__init__(W * 2.0)  # (an expression: not read as the base's parameter)


def module_chain(W, b, x):
    lin = Linear(W, b)
    return np.sum(np.sin(lin.forward(x)))


def chain_with_a_default(W, b, x):
    return np.sum(Scaled(W, b)(x) ** 2)  # (built and called at once)


def explicit_base_call(W, s, x):
    layer = Explicit(W, s)
    return layer(x)


def base_given_an_expression(W):
    d = Doubled(W)
    return np.sum(d.W)


def test_super_init_chain() -> None:
    W, b, x = RNG.standard_normal((2, 3)), RNG.standard_normal(2), RNG.standard_normal(3)
    check_grad(module_chain, W, b, x, wrt=(0, 1, 2))
    check_vjp(module_chain, W, b, x, wrt=(0, 1))
    check_jvp(module_chain, W, b, x, wrt=(0, 1))


def test_super_init_with_a_default_read_after() -> None:
    W, b, x = RNG.standard_normal((2, 3)), RNG.standard_normal(2), RNG.standard_normal(3)
    check_grad(chain_with_a_default, W, b, x, wrt=(0, 1, 2))
    check_jvp(chain_with_a_default, W, b, x, wrt=(0, 1))
    check_hessian(lambda b: chain_with_a_default(W, b, x), b)


@pytest.mark.parametrize("s", [0.5, -0.5])  # (both branches)
def test_base_init_called_by_name(s) -> None:
    W, x = RNG.standard_normal((2, 3)), RNG.standard_normal(3)
    check_grad(explicit_base_call, W, s, x, wrt=(0, 1, 2))
    check_jvp(explicit_base_call, W, s, x, wrt=(0, 1))


def test_base_init_given_an_expression_stays_refused() -> None:
    with pytest.raises(s2sad.DifferentiationError, match=r"test_user_programs4.py:\d+: an "
                       "object of class"):
        s2sad.grad(base_given_an_expression)(np.ones(3))


# ----- the copy of a reshape or transpose is a new array (was taken for a list's copy,
# holding the array: a write into it refused) -----

def reshaped_copy(x):
    M = x.reshape(2, 2).copy()
    M[0, 0] = M[1, 1] ** 2
    return np.sum(M * x.reshape(2, 2))


def transposed_copy_in_a_loop(A):
    B = A.transpose().copy()
    for i in range(B.shape[0]):
        if B[i, 0] > 0:
            B[i] *= 2.0
        else:
            B[i, 1] = B[i, 0] ** 2
    return np.sum(B ** 2) + np.sum(A * B.T)


def flattened_copy(A, w):
    f = A.reshape(-1).copy()
    f[::2] = w * f[1::2]
    return np.sum(f * np.arange(f.size)) + np.sum(A ** 3)


def test_copy_of_a_reshape() -> None:
    x = RNG.standard_normal(4)
    check_grad(reshaped_copy, x)
    check_vjp(reshaped_copy, x)
    check_jvp(reshaped_copy, x)
    check_hessian(reshaped_copy, x)


def test_copy_of_a_transpose_written_in_both_branches() -> None:
    A = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])  # (columns: both signs)
    check_grad(transposed_copy_in_a_loop, A)
    check_jvp(transposed_copy_in_a_loop, A)


def test_copy_of_a_ravel() -> None:
    A, w = RNG.standard_normal((2, 3)), 0.7
    check_grad(flattened_copy, A, w, wrt=(0, 1))
    check_jvp(flattened_copy, A, w, wrt=(0, 1))


# ----- a loop over a list of arrays made here writing its item in place -----

def sgd_over_a_parameter_list(W, b, X, y):
    """An optimiser's step as written for a list of parameters (zip with the gradients)."""
    params = [W.copy(), b.copy()]
    for _ in range(3):
        r = X @ params[0] + params[1] - y
        grads = [X.T @ r, r.sum(axis=0)]
        for p, g in zip(params, grads):
            p -= 0.01 * g
    return np.sum((X @ params[0] + params[1] - y) ** 2)


def states_scaled_in_place(ws, a, b):
    states = [w.copy() for w in ws]
    coefs = [a, b]
    for s, c in zip(states, coefs):
        if c > 0:
            s *= c
        else:
            s[1:] += c
    return sum(np.sum(s ** 2) for s in states)


def momentum_buffers(ws, lr):
    velocity = [np.zeros_like(w) for w in ws]
    params = [w.copy() for w in ws]
    for _ in range(4):
        for i, v in enumerate(velocity):
            v *= 0.9
            v += np.sin(params[i])
            params[i] = params[i] - lr * v
    return sum(np.sum(p * p) for p in params)


def test_optimizer_step_over_a_zipped_list() -> None:
    W, b = RNG.standard_normal((3, 2)), RNG.standard_normal(2)
    X, y = RNG.standard_normal((4, 3)), RNG.standard_normal((4, 2))
    check_grad(sgd_over_a_parameter_list, W, b, X, y, wrt=(0, 1, 2))
    check_vjp(sgd_over_a_parameter_list, W, b, X, y, wrt=(0, 1))
    check_jvp(sgd_over_a_parameter_list, W, b, X, y, wrt=(0, 1))


def test_items_written_in_both_branches() -> None:
    ws = [np.array([0.5, -1.0, 2.0]), np.array([-0.3, 0.7])]
    check_grad(states_scaled_in_place, ws, 1.5, -0.5, wrt=(0, 1, 2))  # (both branches)
    check_vjp(states_scaled_in_place, ws, 1.5, -0.5, wrt=(0, 1, 2))
    check_jvp(states_scaled_in_place, ws, 1.5, -0.5, wrt=(0, 1, 2))


def test_buffers_updated_through_enumerate() -> None:
    ws = [RNG.standard_normal(3), RNG.standard_normal((2, 2))]
    check_grad(momentum_buffers, ws, 0.1, wrt=(0, 1))
    check_jvp(momentum_buffers, ws, 0.1, wrt=(0, 1))


# ----- a refusal inside a function of *args (lambda *a: f(*a)) names the user's line -----

def segment_sums(x, y):
    return np.sum(np.add.reduceat(x, [0, 2]) ** 2) * y


def spread_args(*args):
    return segment_sums(*args)


spread_by_a_lambda = lambda *a: segment_sums(*a)  # noqa: E731


@pytest.mark.parametrize("entry, f, wrt, extra", [
    (s2sad.grad, spread_by_a_lambda, (0, 1), ()), (s2sad.value_and_grad, spread_args, 0, ()),
    (s2sad.vjp, spread_args, 0, (1.0,))])
def test_refusal_in_a_function_of_args_names_the_users_line(entry, f, wrt, extra) -> None:
    with pytest.raises(s2sad.DifferentiationError) as caught:
        entry(f, wrt=wrt)(np.ones(3), 2.0, *extra)
    message = str(caught.value)
    assert message.startswith(__file__ + ":") and "reduceat" in message, message
    assert "again" not in message and "<s2sad" not in message, message
