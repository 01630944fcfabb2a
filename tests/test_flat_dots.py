"""The full sum of a product of two arrays of one shape, ``np.sum(dout * patch)``, as
one dot of the two flattened (``rank_products.flat_dot``; ``np.vdot`` of a real first
operand, the ``rows`` pass): the adjoint of a number
that scales an array (a convolution tap's weight, a mixing coefficient), and the
user's own Frobenius products.  Each against central differences, the source checked
for the form."""
import numpy as np

import s2sad
from gradcheck import check_grad


def conv2d(K, img, target):
    kh, kw = K.shape
    H, W = img.shape
    out = np.zeros((H - kh + 1, W - kw + 1))
    for i in range(kh):
        for j in range(kw):
            out = out + K[i, j] * img[i:i + H - kh + 1, j:j + W - kw + 1]
    return 0.5 * np.sum((np.tanh(out) - target) ** 2)


def mixture(c, X):
    out = np.zeros(X.shape[1:])
    for k in range(X.shape[0]):
        out = out + c[k] * X[k]
    return np.sum(np.sin(out))


def frobenius(A, B):
    return np.sum(np.tanh(A) * B) ** 2


def _source(f, *args, wrt=0):
    g = s2sad.grad(f, argnums=wrt)
    g(*args)
    return "\n".join(line for line in g.source.splitlines()
                     if not line.lstrip().startswith("#"))  # (comments quote the user)


def test_convolution_taps(rng) -> None:
    K, img = rng.standard_normal((3, 2)), rng.standard_normal((7, 6))
    target = rng.standard_normal((5, 5))
    check_grad(conv2d, K, img, target, wrt=(0, 1, 2))
    src = _source(conv2d, K, img, target)
    assert "np.vdot(dout_1, img_item)" in src and "np.sum(d" not in src


def test_mixing_coefficients_of_three_dimensional_slices(rng) -> None:
    c, X = rng.standard_normal(4), rng.standard_normal((4, 3, 5, 2))
    check_grad(mixture, c, X, wrt=(0, 1))
    src = _source(mixture, c, X)
    assert "np.vdot(" in src and "np.sum(dout" not in src


def test_users_frobenius_product(rng) -> None:
    A, B = rng.standard_normal((4, 3)), rng.standard_normal((4, 3))
    check_grad(frobenius, A, B, wrt=(0, 1))
    assert "np.vdot(tanh, B)" in _source(frobenius, A, B)


def test_integer_weights_keep_a_float_gradient(rng) -> None:
    """``@`` of an int array and a float adjoint is float: the same number as the sum."""
    K = rng.standard_normal((2, 2))
    img = rng.integers(-3, 4, (5, 5))
    target = rng.standard_normal((4, 4))
    g = s2sad.grad(conv2d)(K, img, target)
    assert g.dtype == np.float64
    check_grad(conv2d, K, img.astype(float), target)
    np.testing.assert_allclose(g, s2sad.grad(conv2d)(K, img.astype(float), target),
                               rtol=1e-12)
