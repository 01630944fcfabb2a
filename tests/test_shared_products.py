"""Products and reductions computed once (``compiler/shared_products.py``,
``compiler/shared_reductions.py``, parts of the late pass ``share``).

A product the block holds already is read as a factor of a longer one (the adjoint of
``S = S * np.exp(u)``: ``dS * S`` after ``dS = dS_new * e``, not ``dS_new * S * e``);
a reduction the forward sweep bound is read through its name where the reverse sweep
takes it again (``np.var``'s adjoint reads the layer norm's ``mu``).  Against central
differences in float64 (a closed form where there is one); the source checked for the
form; not where a factor or the name is bound again in between."""
import ast
import math

import gast
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, grad_code
from s2sad.compiler.shared_products import share_products
from s2sad.compiler.shared_reductions import share_reductions


def paths(S0, sigma, Z):
    S = np.full(Z.shape[1], S0)
    total = np.zeros(Z.shape[1])
    for t in range(Z.shape[0]):
        S = S * np.exp(sigma * Z[t] - 0.5 * sigma * sigma)
        total = total + S
    return np.mean(np.maximum(total / Z.shape[0] - 1.0, 0.0))


def times_an_exponential(x, w):
    return np.sum(np.sin(x * np.exp(w)))


def scalar_steps(x, a):
    for _ in range(4):
        x = x * math.exp(a * math.sin(x))
    return x


def layer_norm(h, gamma):
    mu = np.mean(h, axis=1, keepdims=True)
    var = np.var(h, axis=1, keepdims=True)
    return np.sum(np.tanh(gamma * (h - mu) / np.sqrt(var + 1e-5)))


def norm_in_a_loop(h, gamma):
    total = 0.0
    for k in range(3):
        g = h * (k + 1.0)
        mu = np.mean(g, axis=0)
        var = np.var(g, axis=0)
        total = total + np.sum(gamma * (g - mu) ** 2 / (var + 1.0))
    return total


def centred_by_a_sum(h):
    s = np.sum(h, axis=1, keepdims=True)
    var = np.var(h, axis=1, keepdims=True)
    return np.sum(s * var) + np.sum(np.mean(h, axis=1, keepdims=True) ** 2)


def test_a_path_simulation_reuses_the_carried_adjoint(rng) -> None:
    Z = rng.standard_normal((5, 7))
    check_grad(paths, 1.3, 0.3, Z, wrt=(0, 1))
    src = grad_code(paths, 1.3, 0.3, Z, wrt=(0, 1))
    assert "dS_1 * S_1" in src and "* S_1 * exp" not in src


def test_a_product_with_an_exponential(rng) -> None:
    x, w = rng.standard_normal(6), rng.standard_normal(6)
    check_grad(times_an_exponential, x, w, wrt=(0, 1))
    got = s2sad.grad(times_an_exponential, wrt=(0, 1))(x, w)
    c = np.cos(x * np.exp(w))
    assert np.allclose(got[0], c * np.exp(w), rtol=1e-14)
    assert np.allclose(got[1], c * x * np.exp(w), rtol=1e-14)


def test_python_floats_in_a_loop() -> None:
    check_grad(scalar_steps, 0.7, 0.4, wrt=(0, 1))
    check_grad(scalar_steps, -1.2, -0.9, wrt=(0, 1))


def test_layer_norm_reads_its_mean(rng) -> None:
    h, gamma = rng.standard_normal((5, 4)), rng.standard_normal(4)
    check_grad(layer_norm, h, gamma, wrt=(0, 1))
    src = grad_code(layer_norm, h, gamma, wrt=(0, 1))
    # (one mean of h; the variance the mean of the squared centred values: var_means)
    code = "\n".join(line for line in src.splitlines() if not line.lstrip().startswith("#"))
    assert code.count("np.mean(h") == 1 and "np.var(" not in code


def test_a_norm_in_a_loop(rng) -> None:
    check_grad(norm_in_a_loop, rng.standard_normal((6, 3)), rng.standard_normal(3),
               wrt=(0, 1))


def test_a_sum_bound_and_a_mean_taken_later(rng) -> None:
    h = rng.standard_normal((4, 5))
    check_grad(centred_by_a_sum, h)


def _body(text: str) -> list:
    return gast.parse(text).body


def _last(body: list) -> str:
    return ast.unparse(gast.gast_to_ast(body[-1]))


def test_a_factor_bound_in_between_is_not_read_through() -> None:
    body = _body("p = a * b\nb = c\nq = a * d * b\n")
    assert not share_products(body)
    body = _body("p = a * b\nfor i in range(3):\n    a = a + 1\nq = a * d * b\n")
    assert not share_products(body)
    body = _body("p = a * b\np = p + 1\nq = a * d * b\n")
    assert not share_products(body)
    body = _body("p = a * b\nq = b * d * a\n")
    assert share_products(body) and _last(body) == "q = p * d"


def test_a_reduction_bound_in_between_is_taken_again() -> None:
    ns = {"np": np}
    body = _body("m = np.mean(h, axis=1)\nh = h * 2\nq = h - np.mean(h, axis=1)\n")
    assert not share_reductions(body, ns)
    body = _body("m = np.mean(h, axis=1)\nq = h - np.mean(h, axis=0)\n")
    assert not share_reductions(body, ns)
    body = _body("m = np.mean(h, axis=1)\nif c:\n    m = 0.0\nq = h - np.mean(h, axis=1)\n")
    assert not share_reductions(body, ns)
    body = _body("m = np.mean(h, axis=1)\nq = h - np.mean(h, axis=1)\n")
    assert share_reductions(body, ns) and _last(body) == "q = h - m"


def test_a_path_simulation_started_from_an_int(rng) -> None:
    """``np.full(n, S0)`` of an int ``S0`` is an int array: the sums into the adjoint
    of ``S`` stay out of place there (``+=`` into int zeros would raise or truncate)."""
    Z = rng.standard_normal((4, 5))
    check_grad(paths, 1, 0.3, Z, wrt=1)
    check_grad(paths, np.float64(1.3), 0.3, Z, wrt=(0, 1))
    src = grad_code(paths, 1.3, 0.3, Z, wrt=(0, 1))
    assert "total_1 += " in src and "dS_1 += " in src



def decays(x, w, n):
    for _ in range(n):
        x = x * np.exp(-w * w)
    return np.sum(x * x)


def test_an_adjoint_scaled_in_place_through_its_copy(rng) -> None:
    """``dS_new = dS; ...; dS = dS_new * e`` in a reversed loop: ``dS *= e`` (the copy
    gone), for a float64 adjoint the code owns; not where the copy is read again
    (``dmul = dx`` read twice: the product stays out of place); against differences."""
    Z = rng.standard_normal((5, 6))
    assert "dS_1 *= exp" in grad_code(paths, 1.3, 0.3, Z, wrt=(0, 1))
    x, w = rng.standard_normal(8), rng.standard_normal(8)
    check_grad(decays, x, w, 4, wrt=(0, 1))
    got = s2sad.grad(decays)(x, w, 3)
    assert np.allclose(got, 2 * x * np.exp(-6 * w * w), rtol=1e-13)
    check_grad(scalar_steps, 0.3, 0.8, wrt=(0, 1))


def survival_steps(z, c):
    """A sigmoid whose complement the function uses: ``1.0 - h`` made forward is the
    factor of the sigmoid's adjoint ``g * h * (1.0 - h)``, read through its name."""
    h = 1.0 / (1.0 + np.exp(-z))
    return np.sum(c * np.cumprod(1.0 - h))


def complement_weighted(z, c):
    h = 1.0 / (1.0 + np.exp(-z))
    q = 1.0 - h
    return np.sum(q * c) + np.sum(h ** 2)


def complement_rebound(z, c):
    """``h`` bound again after ``1.0 - h``: the old complement is not the new one's."""
    h = 1.0 / (1.0 + np.exp(-z))
    q = 1.0 - h
    h = 1.0 / (1.0 + np.exp(-2.0 * z))
    return np.sum(np.log(q) * c) + np.sum(h * c)


@pytest.mark.parametrize("f", [survival_steps, complement_weighted, complement_rebound])
@pytest.mark.parametrize("n", [3, 8])
def test_complement_read_by_name(f, n, rng):
    z, c = rng.standard_normal(n), rng.standard_normal(n)
    check_grad(f, z, c, wrt=(0, 1))
    code = grad_code(f, z, c)
    if f is not complement_rebound:
        assert code.count("1.0 - ") == 1, code
    h = 1.0 / (1.0 + np.exp(-z))
    if f is complement_weighted:
        np.testing.assert_allclose(s2sad.grad(f)(z, c), (2.0 * h - c) * h * (1.0 - h),
                                   rtol=1e-10)
