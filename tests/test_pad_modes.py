"""np.pad's modes (once a wrong gradient: every mode was differentiated as 'constant').
The modes that copy elements ('edge', 'wrap', 'reflect', 'symmetric') sum the padded
elements' adjoints into the elements they copy; the ones linear in the array ('mean',
'linear_ramp') go back through one matrix per axis; 'maximum' and 'minimum' copy the
extremes of the lines; 'median' is refused at the user's line.
Checked against central differences."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp


def periodic_laplacian(u):
    """A diffusion step with periodic boundaries, as simulation code writes it."""
    p = np.pad(u, 1, mode="wrap")
    lap = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4.0 * u
    v = u + 0.1 * lap
    return np.sum(v ** 3)


def edge_smoothing(x):
    p = np.pad(x, 2, mode="edge")
    s = (p[:-4] + p[1:-3] + p[2:-2] + p[3:-1] + p[4:]) / 5.0
    return np.sum(np.sin(s) * np.arange(x.shape[0]))


def reflected_image(img, mode):
    p = np.pad(img, ((1, 2), (2, 1)), mode=mode)
    return np.sum(np.tanh(p) * np.linspace(0.0, 1.0, p.size).reshape(p.shape))


_U = np.random.default_rng(3).standard_normal((4, 5))


def test_periodic_boundaries():
    check_grad(periodic_laplacian, _U)
    check_vjp(periodic_laplacian, _U)
    check_jvp(periodic_laplacian, _U)


def test_edge_padding_and_its_hessian():
    x = np.array([0.3, -0.8, 1.1, 0.45, -0.2, 0.7])
    check_grad(edge_smoothing, x)
    check_hessian(edge_smoothing, x)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
def test_every_copying_mode(mode):
    check_grad(reflected_image, _U, mode)
    check_jvp(reflected_image, _U, mode)


@pytest.mark.parametrize("mode", ["mean", "linear_ramp", "maximum", "minimum"])
def test_linear_and_extreme_modes(mode):
    check_grad(reflected_image, _U, mode)
    check_jvp(reflected_image, _U, mode)
    check_hessian(lambda u: reflected_image(u, mode), _U[:3, :3])


def test_a_mode_with_no_rule_is_refused_at_the_users_line():
    for derivative in (s2sad.grad(reflected_image),
                       lambda u, m: s2sad.jvp(reflected_image)(u, m, np.ones_like(u))):
        with pytest.raises(s2sad.DifferentiationError, match="test_pad_modes.py:.*'median'"):
            derivative(_U, "median")
