"""Benchmark problems 69-71 (session 43): three more kinds of code, written as users write
them:

* ``interp_curve``: a calibration curve as a table of knot values read by ``np.interp``
  at shifted query points, a squared misfit; gradient wrt the knot values and the shift;
* ``image_warp``: an image warped by a displacement field with bilinear sampling (the
  corners found by ``np.floor`` and ``astype(int)``, gathered by fancy indexing,
  ``np.clip`` at the borders); gradient wrt the image and both displacement fields;
* ``pool_cnn``: a small CNN on a batch of images: a 3 x 3 convolution as a loop over
  the kernel taps on slices, ReLU, 2 x 2 max-pooling by a reshape and ``max`` over two
  axes, a dense layer, softmax cross-entropy; gradient wrt the kernel and the weights.

The hand-written gradients are what an expert writes: the interpolation weights found
once by ``np.searchsorted`` and scattered by ``np.bincount``; the four corners' weights
scattered into the image by one ``np.bincount`` over flat indices; the pooling's winners
as a mask of the blocks, the convolution's kernel gradient as one contraction per tap.
``SPECS`` describes them; ``problems.py`` registers them.
"""
from __future__ import annotations

import numpy as np


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# a calibration curve read by np.interp
# ---------------------------------------------------------------------------

def interp_curve(fp, shift, xq, yq):
    xp = np.linspace(0.0, 1.0, fp.shape[0])
    pred = np.interp(xq + shift, xp, fp)
    return np.mean((pred - yq) ** 2)


def interp_curve_grad(fp, shift, xq, yq):
    n = fp.shape[0]
    xp = np.linspace(0.0, 1.0, n)
    x = xq + shift
    j = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, n - 2)
    h = xp[j + 1] - xp[j]
    t = (x - xp[j]) / h
    lo, hi = fp[j], fp[j + 1]
    r = 2.0 * (lo + t * (hi - lo) - yq) / x.shape[0]
    rt = r * t
    g_fp = np.bincount(j, r - rt, minlength=n) + np.bincount(j + 1, rt, minlength=n)
    return g_fp, float(np.dot(r, (hi - lo) / h))


def interp_curve_args(size):
    n, m = (64, 20000) if size == "full" else (6, 20)
    r = _rng(801)
    fp = np.cumsum(r.uniform(0.0, 0.2, n))
    shift = 0.013
    # shifted queries inside the cells, away from the knots (the kinks): differences
    # across a kink would not be the derivative
    cell, frac = r.integers(0, n - 1, m), r.uniform(0.05, 0.95, m)
    xq = (cell + frac) / (n - 1) - shift
    return fp, shift, xq, np.sin(3.0 * xq) + 0.05 * r.standard_normal(m)


# ---------------------------------------------------------------------------
# an image warped by bilinear sampling
# ---------------------------------------------------------------------------

def image_warp(img, flow_x, flow_y, target):
    H, W = img.shape
    ys, xs = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    x = np.clip(xs + flow_x, 0.0, W - 1.001)
    y = np.clip(ys + flow_y, 0.0, H - 1.001)
    x0 = np.floor(x).astype(int)
    y0 = np.floor(y).astype(int)
    wx = x - x0
    wy = y - y0
    top = img[y0, x0] * (1.0 - wx) + img[y0, x0 + 1] * wx
    bottom = img[y0 + 1, x0] * (1.0 - wx) + img[y0 + 1, x0 + 1] * wx
    out = top * (1.0 - wy) + bottom * wy
    return np.sum((out - target) ** 2)


def image_warp_grad(img, flow_x, flow_y, target):
    H, W = img.shape
    ys, xs = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    xr, yr = xs + flow_x, ys + flow_y
    x = np.clip(xr, 0.0, W - 1.001)
    y = np.clip(yr, 0.0, H - 1.001)
    x0 = np.floor(x).astype(int)
    y0 = np.floor(y).astype(int)
    wx, wy = x - x0, y - y0
    flat = img.ravel()
    k = y0 * W + x0  # the top-left corner's flat index
    a, b, c, d = flat[k], flat[k + 1], flat[k + W], flat[k + W + 1]
    top = a + wx * (b - a)
    bottom = c + wx * (d - c)
    r = 2.0 * (top + wy * (bottom - top) - target)
    g_top, g_bottom = r * (1.0 - wy), r * wy
    g_wx = g_top * (b - a) + g_bottom * (d - c)
    g_wy = r * (bottom - top)
    g_fx = np.where((xr > 0.0) & (xr < W - 1.001), g_wx, 0.0)
    g_fy = np.where((yr > 0.0) & (yr < H - 1.001), g_wy, 0.0)
    corners = np.concatenate((k.ravel(), (k + 1).ravel(), (k + W).ravel(), (k + W + 1).ravel()))
    weights = np.concatenate(((g_top * (1.0 - wx)).ravel(), (g_top * wx).ravel(),
                              (g_bottom * (1.0 - wx)).ravel(), (g_bottom * wx).ravel()))
    g_img = np.bincount(corners, weights, minlength=H * W).reshape(H, W)
    return g_img, g_fx, g_fy


def image_warp_args(size):
    H, W = (96, 96) if size == "full" else (6, 7)
    r = _rng(802)
    yy, xx = np.meshgrid(np.linspace(0, 3, H), np.linspace(0, 3, W), indexing="ij")
    img = np.sin(xx) * np.cos(yy) + 0.1 * r.standard_normal((H, W))
    return (img, 1.5 * r.standard_normal((H, W)), 1.5 * r.standard_normal((H, W)),
            0.5 * r.standard_normal((H, W)))


# ---------------------------------------------------------------------------
# a small CNN: convolution by taps, ReLU, 2 x 2 max-pooling by reshape, softmax
# ---------------------------------------------------------------------------

def pool_cnn(kernel, weights, images, labels):
    B, H, W = images.shape
    conv = np.zeros((B, H - 2, W - 2))
    for i in range(3):
        for j in range(3):
            conv = conv + kernel[i, j] * images[:, i:i + H - 2, j:j + W - 2]
    act = np.maximum(conv, 0.0)
    pooled = act.reshape(B, (H - 2) // 2, 2, (W - 2) // 2, 2).max(axis=(2, 4))
    logits = pooled.reshape(B, -1) @ weights.T
    top = np.max(logits, axis=1, keepdims=True)
    logz = top[:, 0] + np.log(np.sum(np.exp(logits - top), axis=1))
    return np.mean(logz - logits[np.arange(B), labels])


def pool_cnn_grad(kernel, weights, images, labels):
    B, H, W = images.shape
    h, w = H - 2, W - 2
    conv = np.zeros((B, h, w))
    for i in range(3):
        for j in range(3):
            conv += kernel[i, j] * images[:, i:i + h, j:j + w]
    act = np.maximum(conv, 0.0)
    blocks = act.reshape(B, h // 2, 2, w // 2, 2)
    pooled = blocks.max(axis=(2, 4))
    flat = pooled.reshape(B, -1)
    logits = flat @ weights.T
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(B), labels] -= 1.0
    p /= B  # d loss / d logits
    g_weights = p.T @ flat
    g_pooled = (p @ weights).reshape(B, h // 2, 1, w // 2, 1)
    winners = blocks == pooled[:, :, None, :, None]  # (no ties where conv > 0)
    g_conv = (winners * g_pooled).reshape(B, h, w) * (conv > 0.0)
    g_kernel = np.empty((3, 3))
    for i in range(3):
        for j in range(3):
            g_kernel[i, j] = np.vdot(g_conv, images[:, i:i + h, j:j + w])
    return g_kernel, g_weights


def pool_cnn_args(size):
    B, H, C = (32, 30, 10) if size == "full" else (3, 6, 4)
    r = _rng(803)
    n = ((H - 2) // 2) ** 2
    return (0.5 * r.standard_normal((3, 3)), 0.2 * r.standard_normal((C, n)),
            r.standard_normal((B, H, H)), r.integers(0, C, B))


# ---------------------------------------------------------------------------
# the same in PyTorch, as its users write them (torch has no interp; tensors' max
# takes no tuple of axes)
# ---------------------------------------------------------------------------

def interp_curve_torch(fp, shift, xq, yq):
    import torch

    n = fp.shape[0]
    xp = torch.linspace(0.0, 1.0, n, dtype=torch.float64)
    x = xq + shift
    j = torch.clamp(torch.searchsorted(xp, x, right=True) - 1, 0, n - 2)
    t = (x - xp[j]) / (xp[j + 1] - xp[j])
    pred = fp[j] + t * (fp[j + 1] - fp[j])
    return torch.mean((pred - yq) ** 2)


def image_warp_torch(img, flow_x, flow_y, target):
    import torch

    H, W = img.shape
    ys, xs = torch.meshgrid(torch.arange(H, dtype=torch.float64),
                            torch.arange(W, dtype=torch.float64), indexing="ij")
    x = torch.clamp(xs + flow_x, 0.0, W - 1.001)
    y = torch.clamp(ys + flow_y, 0.0, H - 1.001)
    x0 = torch.floor(x).long()
    y0 = torch.floor(y).long()
    wx = x - x0
    wy = y - y0
    top = img[y0, x0] * (1.0 - wx) + img[y0, x0 + 1] * wx
    bottom = img[y0 + 1, x0] * (1.0 - wx) + img[y0 + 1, x0 + 1] * wx
    out = top * (1.0 - wy) + bottom * wy
    return torch.sum((out - target) ** 2)


def pool_cnn_torch(kernel, weights, images, labels):
    import torch

    B, H, W = images.shape
    conv = torch.zeros((B, H - 2, W - 2), dtype=torch.float64)
    for i in range(3):
        for j in range(3):
            conv = conv + kernel[i, j] * images[:, i:i + H - 2, j:j + W - 2]
    act = torch.clamp(conv, min=0.0)
    pooled = act.reshape(B, (H - 2) // 2, 2, (W - 2) // 2, 2).amax(dim=(2, 4))
    logits = pooled.reshape(B, -1) @ weights.T
    logz = torch.logsumexp(logits, dim=1)
    return torch.mean(logz - logits[torch.arange(B), labels])


# ---------------------------------------------------------------------------
# the specs (problems.py turns them into Problem entries)
# ---------------------------------------------------------------------------

SPECS = [
    {"name": "interp_curve", "title": "a calibration table read by np.interp at shifted "
     "points, squared misfit", "func": interp_curve, "hand_grad": interp_curve_grad,
     "make_args": interp_curve_args, "wrt": (0, 1), "torch_func": interp_curve_torch,
     "sizes": {"full": "64 knots, 20000 queries", "smoke": "6 knots, 20 queries"}},
    {"name": "image_warp", "title": "an image warped by bilinear sampling: floor, astype(int), "
     "fancy-index gathers, clip", "func": image_warp, "hand_grad": image_warp_grad,
     "make_args": image_warp_args, "wrt": (0, 1, 2), "torch_func": image_warp_torch,
     "sizes": {"full": "96 x 96 image", "smoke": "6 x 7 image"}},
    {"name": "pool_cnn", "title": "a small CNN: 3 x 3 convolution by taps, ReLU, 2 x 2 "
     "max-pool by reshape, softmax cross-entropy", "func": pool_cnn,
     "hand_grad": pool_cnn_grad, "make_args": pool_cnn_args, "wrt": (0, 1),
     "torch_func": pool_cnn_torch,
     "sizes": {"full": "32 images 30 x 30, 10 classes", "smoke": "3 images 6 x 6, 4 classes"}},
]
