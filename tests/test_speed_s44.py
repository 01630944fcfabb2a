"""Session 44 (issue 13, speed): the mechanisms made faster, checked for the numbers.

* a gather's adjoint scattered by ``np.bincount`` over flat positions worked out by a
  multiply and an add per axis (``runtime/scatters.py``), not ``np.ravel_multi_index``:
  negative indices, int32 indices, index arrays that broadcast, three axes;
* a max/min reduction's adjoint with ties: ``g`` divided by the counts at the reduced
  shape, then spread (``runtime/extrema.extremum_adjoint``): 2 x 2 pooling windows
  of a ReLU's output (ties at zero), a min over one axis, a full max;
* ``np.interp`` without ``left``/``right``: the points clipped into the ends' segments
  (one pass, not two ``np.where``), the values NumPy's to the bit at and beyond the ends.

Each against central differences in float64 (where the function is differentiable
there) or the closed form (the even split of a tie), three variations each.
"""
from __future__ import annotations

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_vjp
from s2sad.runtime.extrema import extremum_adjoint
from s2sad.runtime.scatters import flat_positions

# ----- a gather's adjoint by one bincount over flat positions -----------------------


def warp_like(img, wx):
    """Bilinear sampling as ``image_warp`` writes it (corners gathered twice each)."""
    H, W = img.shape
    ys, xs = np.meshgrid(np.arange(H - 1), np.arange(W - 1), indexing="ij")
    x0 = (xs * 7) % (W - 1)
    y0 = (ys * 5) % (H - 1)
    top = img[y0, x0] * (1.0 - wx) + img[y0, x0 + 1] * wx
    bottom = img[y0 + 1, x0] * (1.0 - wx) + img[y0 + 1, x0 + 1] * wx
    return np.sum((top * 0.7 + bottom * 0.3) ** 2)


def negative_gather(img, w):
    """Negative indices (counting from the end), int32, 3 axes, broadcast indices."""
    n0, n1, n2 = img.shape
    i = -(np.arange(n0, dtype=np.int32) % 3) - 1  # -1, -2, -3, ...
    j = np.arange(n1)[:, None] - n1  # all negative, broadcast against k
    k = (np.arange(n2)[None, :] * 3) % n2
    return np.sum(w * np.sin(img[i[:, None, None], j[None], k[None]]))


def repeated_gather(a, w):
    """Many picks of the same few elements (a histogram-like gather), two axes."""
    r = np.arange(400) % 3
    c = (np.arange(400) * 7) % a.shape[1]
    return np.sum(w * a[r, c] ** 2) + np.sum(a[r - 3, c] * w)


def test_bilinear_corners_scatter(rng):
    img = rng.standard_normal((18, 17))
    wx = rng.uniform(0.1, 0.9, (17, 16))
    check_grad(warp_like, img, wx, wrt=(0, 1))


def test_negative_int32_and_broadcast_indices(rng):
    img = rng.standard_normal((9, 8, 10))
    w = rng.standard_normal((9, 8, 10))
    check_grad(negative_gather, img, w)
    check_vjp(negative_gather, img, w, rng=rng)


def test_repeated_picks_summed(rng):
    a = rng.standard_normal((3, 11))
    w = rng.standard_normal(400)
    check_grad(repeated_gather, a, w)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint16])
def test_flat_positions_are_ravel_multi_index(dtype, rng):
    shape = (7, 5, 6)
    idx = tuple(rng.integers(-n if dtype != np.uint16 else 0, n, (4, 9)).astype(dtype)
                for n in shape)
    expected = np.ravel_multi_index(idx, shape, mode="wrap")
    np.testing.assert_array_equal(flat_positions(idx, shape), expected)


# ----- a max/min reduction's adjoint with ties ----------------------------------------


def pool_relu(x, w):
    """2 x 2 max-pooling of a ReLU's output: all-zero windows tie."""
    act = np.maximum(x, 0.0)
    pooled = act.reshape(x.shape[0], x.shape[1] // 2, 2, x.shape[2] // 2, 2).max(axis=(2, 4))
    return np.sum(w * pooled)


def min_squares(x, w):
    return np.sum(w * np.min(x * x, axis=1))


def max_all(x):
    return 3.0 * np.max(np.minimum(x, 0.5))


def _split_evenly(g, a, ans, axes):
    """The closed form: g shared evenly between the elements equal to the extremum."""
    kept = tuple(1 if i in axes else n for i, n in enumerate(a.shape))
    hit = (a == np.reshape(ans, kept)).astype(float)
    return hit * np.reshape(g, kept) / np.sum(hit, axis=axes, keepdims=True)


def test_pooling_windows_no_ties_by_differences(rng):
    x = rng.standard_normal((2, 6, 8)) + 0.3  # a few negatives, no all-zero window needed
    x[0, 0:2, 0:2] = [[-1.0, -2.0], [-0.5, -0.7]]  # one window all zeros after the ReLU
    w = rng.standard_normal((2, 3, 4))
    g = s2sad.grad(pool_relu)(x, w)
    # the all-zero window's elements are negative: their ReLU share is 0 whatever the split
    np.testing.assert_array_equal(g[0, 0:2, 0:2], 0.0)
    check_grad(pool_relu, x, w)


@pytest.mark.parametrize("case", ["pool", "min_rows", "max_all"])
def test_ties_split_evenly(case, rng):
    if case == "pool":
        a = np.maximum(rng.standard_normal((3, 4, 2, 3, 2)), 0.0)
        a[0, 0] = 0.0
        a[1, 1, :, 1, :] = 2.0
        axes, g = (2, 4), rng.standard_normal((3, 4, 3))
        ans = a.max(axis=axes)
    elif case == "min_rows":
        a = np.round(rng.standard_normal((5, 6)))  # ties among rounded values
        axes, g = (1,), rng.standard_normal(5)
        ans = a.min(axis=1)
    else:
        a = np.minimum(rng.standard_normal((4, 5)), 0.5)
        a[0, 0] = 0.5
        a[2, 3] = 0.5
        axes, g = (0, 1), 1.7
        ans = a.max()
    axis = None if case == "max_all" else axes
    np.testing.assert_allclose(extremum_adjoint(g, a, ans, axis), _split_evenly(g, a, ans, axes),
                               rtol=1e-15)


def test_ties_through_the_generated_gradient(rng):
    x = rng.uniform(0.5, 2.0, (4, 6))
    x[0, [1, 2, 4]] = [0.3, -0.3, 0.3]  # a three-way tie of the squares in row 0
    x[2, [0, 5]] = [0.2, -0.2]  # a two-way tie in row 2
    w = rng.standard_normal(4)
    hit = x * x == np.min(x * x, axis=1, keepdims=True)
    expected = w[:, None] * 2.0 * x * hit / hit.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(s2sad.grad(min_squares)(x, w), expected, rtol=1e-14)
    y = rng.standard_normal((3, 5))
    y[0, :2] = 0.5
    y[1, 4] = 0.5
    gy = s2sad.grad(max_all)(y)
    hit = np.minimum(y, 0.5) == 0.5
    # np.minimum's share at y == 0.5 is one half (a tie with the bound), 0 above it
    share = np.where(y == 0.5, 0.5, np.where(y < 0.5, 1.0, 0.0))
    np.testing.assert_allclose(gy, 3.0 * hit * share / hit.sum(), rtol=1e-14)


# ----- np.interp clipped into the ends' segments --------------------------------------


def interp_misfit(fp, shift, xq, yq):
    xp = np.linspace(0.0, 1.0, fp.shape[0])
    return np.mean((np.interp(xq + shift, xp, fp) - yq) ** 2)


def interp_uneven(x, fp):
    xp = np.array([-1.0, -0.2, 0.3, 0.35, 2.0])
    return np.sum(np.sin(np.interp(x, xp, fp)) * x)


def interp_with_left(x, fp):
    xp = np.array([0.0, 1.0, 2.5])
    return np.sum(np.interp(x, xp, fp, left=-1.0) ** 2)


def test_interp_outside_both_ends(rng):
    fp = np.cumsum(rng.uniform(0.0, 0.3, 9))
    xq = np.array([-0.7, -0.01, 0.06, 0.31, 0.52, 0.93, 1.04, 1.9])  # off the knots
    yq = rng.standard_normal(8)
    check_grad(interp_misfit, fp, 0.013, xq, yq, wrt=(0, 1))
    check_grad(interp_misfit, fp, -0.021, xq, yq, wrt=(0, 1))


def test_interp_uneven_knots_values_exact(rng):
    fp = rng.standard_normal(5)
    x = np.array([-3.0, -1.0, -0.5, 0.32, 0.9, 2.0, 2.0, 5.0])  # at and beyond the ends
    pred = s2sad.value_and_grad(lambda x, fp: np.sum(np.interp(x, np.array(
        [-1.0, -0.2, 0.3, 0.35, 2.0]), fp)), wrt=1)(x, fp)[0]
    assert pred == np.sum(np.interp(x, np.array([-1.0, -0.2, 0.3, 0.35, 2.0]), fp))
    xin = np.array([-2.5, -0.6, 0.1, 0.33, 1.1, 3.0])  # off the knots
    check_grad(interp_uneven, xin, fp, wrt=(0, 1))
    g = s2sad.grad(interp_uneven, wrt=1)(x, fp)
    # at x == xp[0], xp[-1] and beyond: the end's value, its whole weight on fp[0]/fp[-1];
    # np.interp is linear in fp: the closed form weighs the unit vectors' interpolants
    xp = np.array([-1.0, -0.2, 0.3, 0.35, 2.0])
    w = np.cos(np.interp(x, xp, fp)) * x
    expected = [np.sum(w * np.interp(x, xp, e)) for e in np.eye(5)]
    np.testing.assert_allclose(g, expected, rtol=1e-13)


def test_interp_with_a_left_value_unchanged(rng):
    fp = rng.standard_normal(3)
    x = np.array([-0.5, 0.4, 1.7, 3.0])
    v, _ = s2sad.value_and_grad(interp_with_left, wrt=(0, 1))(x, fp)
    assert v == interp_with_left(x, fp)
    check_grad(interp_with_left, x, fp, wrt=(0, 1))


# ----- two scatters into one adjoint at one index: one scatter of the sum -------------


def lerp_table(fp, j, t):
    """A table read twice at ``j`` on one line (a linear interpolation by hand)."""
    return np.sum((fp[j] + t * (fp[j + 1] - fp[j])) ** 2)


def picked_twice_2d(img, y, x):
    return np.sum(np.sin(img[y, x]) * 0.5 + img[y, x] ** 2)


def nested_lists(xs, w):
    return w * xs[0][0] + w * xs[0][1] * xs[0][0]


def test_one_scatter_for_a_table_read_twice(rng):
    fp = rng.standard_normal(9)
    j = rng.integers(0, 8, 300)
    t = rng.uniform(0.0, 1.0, 300)
    check_grad(lerp_table, fp, j, t)
    check_vjp(lerp_table, fp, j, t, rng=rng)
    g = s2sad.grad(lerp_table)
    g(fp, j, t)
    assert g.source.count("add_at(") == 2, g.source  # (at j, at j + 1)


def test_one_scatter_for_an_element_read_twice_2d(rng):
    img = rng.standard_normal((7, 6))
    y = rng.integers(-7, 7, (20, 15))
    x = rng.integers(0, 6, (20, 15))
    check_grad(picked_twice_2d, img, y, x)
    g = s2sad.grad(picked_twice_2d)
    g(img, y, x)  # (one scatter, by the flat positions of the gather: flat_gathers)
    assert g.source.count("add_at(") + g.source.count("add_flat(") == 1, g.source


def test_a_list_items_adjoints_not_summed_as_lists(rng):
    xs = [[1.3, -0.4], [2.0, 0.5]]
    got = s2sad.grad(nested_lists)(xs, 1.7)
    assert got == [[pytest.approx(1.7 + 1.7 * -0.4), pytest.approx(1.7 * 1.3)], [0.0, 0.0]]
    check_grad(nested_lists, np.array(xs), 1.7)


def test_flat_positions_out_of_bounds_left_to_numpy():
    i = np.array([[0, 3], [1, 2]])
    assert flat_positions((i, i - 4), (4, 4)) is not None
    assert flat_positions((i, i + 1), (4, 4)) is None  # (4 is past the end)
    assert flat_positions((i - 5, i), (4, 4)) is None
    acc = np.zeros((4, 4))
    with pytest.raises(IndexError):
        s2sad.runtime.add_at(acc, None, (np.tile(i + 1, (70, 1)), np.tile(i, (70, 1))), 1.0)
