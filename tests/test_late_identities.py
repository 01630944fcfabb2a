"""Identities the late passes leave in place-writes and products: a negated value added
into part of an adjoint (``dx[:-1] += -ds``) is subtracted (``dx[:-1] -= ds``: no pass to
negate it; compiler/algebra_terms.added_into, used by inline_writes and floats), and a
product whose numbers multiply to 1.0 beside a float64 argument drops them
(``1.0 * k * s`` is ``k * s``: the argument holds floats, the product is new either
way).  Each against central differences, with the generated source checked."""
import numpy as np
import pytest

from gradcheck import check_grad, grad_source


def _code(f, *args, wrt):
    return "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                     if not line.lstrip().startswith("#"))


def bonds(x, k, rest):
    d = x[1:] - x[:-1]
    return 0.5 * np.sum(k * (d - rest) ** 2)


def pair_loop(pos):
    e = 0.0
    for i in range(pos.shape[0] - 1):
        d = pos[i + 1, 0] - pos[i, 0]
        e = e + np.cos(d)
    return e


def differences(x):
    n = x.shape[0]
    e = 0.0
    for i in range(n - 1):
        e = e + (x[i + 1] - x[i]) ** 2
    return e


@pytest.mark.parametrize("case", ["slices", "matrix", "vector"])
def test_negated_values_subtracted(rng, case) -> None:
    if case == "slices":
        f, args, wrt = bonds, (rng.standard_normal(6), rng.uniform(1, 2, 5), 0.3), (0, 1)
    elif case == "matrix":
        f, args, wrt = pair_loop, (rng.standard_normal((5, 2)),), 0
    else:
        f, args, wrt = differences, (rng.standard_normal(6),), 0
    check_grad(f, *args, wrt=wrt)
    code = _code(f, *args, wrt=wrt)
    assert "-= " in code and "+= -" not in code


def quarter(x, k):
    return 0.25 * np.sum(k * (2 * x) ** 2)


def bonds_per_spring(x, k):
    return 0.5 * np.sum(k * (x[1:] - x[:-1]) ** 2)


def eighth(x, k):
    return 0.125 * np.sum(k * (2 * x) ** 2 * 2)


@pytest.mark.parametrize("case", ["quarter", "bonds", "eighth"])
def test_unit_coefficients_beside_float_arguments_dropped(rng, case) -> None:
    n = 6
    f = {"quarter": quarter, "bonds": bonds_per_spring, "eighth": eighth}[case]
    args = (rng.standard_normal(n), rng.uniform(1, 2, n - 1 if case == "bonds" else n))
    check_grad(f, *args, wrt=(0, 1))
    assert "1.0 *" not in _code(f, *args, wrt=(0, 1))
