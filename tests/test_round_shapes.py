"""``np.round`` / ``np.around`` are shaped like their first argument (rules/numpy_arrays.py):
the minimum-image convention of a periodic box, ``d - box * np.round(d / box)``, keeps
its shape facts, so the adjoints that follow need no ``unbroadcast`` and a value read
for its shape alone is not computed.  Against central differences and closed forms;
pairs are kept away from the half-box jumps of ``round``."""
import numpy as np

import s2sad
from gradcheck import check_grad, grad_code


def periodic_energy(pos, box):
    d = pos[:, None, :] - pos[None, :, :]
    d = d - box * np.round(d / box)
    r2 = np.sum(d * d, axis=-1)
    return 0.5 * np.sum(np.exp(-r2))


def ring_energy(x, length):
    d = x[:, None] - x[None, :]
    d = d - length * np.around(d / length)
    return np.sum(np.cos(d) * d * d)


def box_per_axis(pos, box):
    d = pos[:, None, :] - pos[None, :, :]
    d -= box * np.round(d / box, 0)
    return np.sum(np.tanh(np.sum(d * d, axis=-1)))


def lattice(n, box, rng):
    grid = np.arange(n) * (box / n)
    pos = np.stack(np.meshgrid(grid, grid, indexing="ij"), axis=-1).reshape(-1, 2)
    return pos + 0.05 * rng.standard_normal(pos.shape)


def test_minimum_image_energy(rng):
    pos = lattice(3, 3.0, rng)
    check_grad(periodic_energy, pos, 3.0)
    d = pos[:, None, :] - pos[None, :, :]
    d -= 3.0 * np.round(d / 3.0)
    w = np.exp(-np.sum(d * d, axis=-1))
    np.testing.assert_allclose(s2sad.grad(periodic_energy)(pos, 3.0),
                               -2.0 * np.einsum("ij,ijk->ik", w, d), rtol=1e-10)
    assert "unbroadcast" not in grad_code(periodic_energy, pos, 3.0)


def test_ring_with_around(rng):
    x = np.arange(5) * 1.2 + 0.05 * rng.standard_normal(5)
    check_grad(ring_energy, x, 6.0)


def test_box_per_axis_in_place(rng):
    pos = lattice(3, 3.0, rng)
    check_grad(box_per_axis, pos, np.array([3.0, 3.0]))
