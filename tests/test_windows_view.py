"""``numpy.lib.stride_tricks.sliding_window_view`` (a convolution or pooling as users
write it in NumPy; was refused): its adjoint adds each window offset's slice back
(runtime.unwindow), its tangent is the view of the tangent; it is a view of its
argument, so a write into either while the other is read is refused.  Checked against
central differences."""
from __future__ import annotations

import numpy as np
import pytest
from numpy.lib.stride_tricks import sliding_window_view

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

X = np.array([0.3, -1.2, 0.7, 1.9, -0.4, 0.8])
IMG = np.arange(16.0).reshape(4, 4) / 7 - 1
K3 = np.array([1.0, -2.0, 0.5])
K22 = np.array([[0.5, -1.0], [0.3, 0.8]])


def conv1d(x, k):
    return np.sum(np.tanh(sliding_window_view(x, 3) @ k))


def conv2d(img, k):
    windows = sliding_window_view(img, (2, 2))
    return np.sum(np.einsum("ijkl,kl->ij", windows, k) ** 2)


def max_over_rows(img):
    return np.sum(np.max(sliding_window_view(img, 2, axis=1), axis=-1) ** 2)


def strided_pooling(img):
    return np.sum(sliding_window_view(img, (2, 2))[::2, ::2].mean(axis=(-1, -2)) ** 2)


@pytest.mark.parametrize("f, args", [(conv1d, (X, K3)), (conv2d, (IMG, K22)),
                                     (max_over_rows, (IMG,)), (strided_pooling, (IMG,))])
def test_sliding_windows(f, args):
    for i in range(len(args)):
        check_grad(f, *args, wrt=i)
    check_jvp(f, *args)


def test_second_order_and_closed_form():
    check_hessian(lambda x: conv1d(x, K3), X)
    dx = s2sad.grad(lambda x: np.sum(sliding_window_view(x, 3) @ K3))(X)
    np.testing.assert_allclose(dx, np.convolve(np.ones(4), K3, mode="full"), rtol=1e-12)


def written_base(x):
    y = x * 1.0
    windows = sliding_window_view(y, 3)
    y[0] = 5.0
    return np.sum(windows ** 2)


def written_view(x):
    y = x * 1.0
    windows = sliding_window_view(y, 3, writeable=True)
    windows[0, 0] = 5.0
    return np.sum(y ** 2)


@pytest.mark.parametrize("f", [written_base, written_view])
def test_a_write_shared_with_the_view_is_refused(f):
    with pytest.raises(s2sad.DifferentiationError, match="test_windows_view.py:"):
        s2sad.grad(f)(X)
