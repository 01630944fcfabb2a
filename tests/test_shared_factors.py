"""One inverse or one LU factorisation of a matrix for every solve with it
(``compiler/shared_factors.py``, ``runtime/factors.py``): where the derivative inverts a
matrix anyway (the adjoint of ``slogdet`` or ``det``), its solves with the matrix or its
transpose multiply by the inverse; where it only solves, one ``lu_factor`` serves every
solve, in the forward and the reverse sweep and in loops.  Each case against central
differences in float64, the source checked for the form; the runtime helpers against
NumPy, with and without SciPy; second derivatives and forward mode through them."""
import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp, check_vjp, well_conditioned
from s2sad.runtime import factors, triangular

B0 = np.array([0.3, -1.2, 0.7, 2.0])


def gauss_nll(A, Y, eps):
    n, m = Y.shape
    S = A @ A.T + eps * np.eye(n)
    sign, logdet = np.linalg.slogdet(S)
    alpha = np.linalg.solve(S, Y)
    return 0.5 * np.sum(Y * alpha) + 0.5 * m * logdet


def solve_and_det(A, b):
    x = np.linalg.solve(A, b)
    return np.sum(x * b) * np.linalg.det(A)


def solve_twice(A, b):
    S = A @ A.T + np.eye(A.shape[0])
    x = np.linalg.solve(S, b)
    y = np.linalg.solve(S, x * x)
    return np.sum(y ** 2)


def solve_transposed(A, b):
    x = np.linalg.solve(A.T, b)
    y = np.linalg.solve(A, np.sin(x))
    return np.sum(y * x)


def solve_in_a_loop(A, b):
    x = b
    for _ in range(3):
        x = np.linalg.solve(A, np.tanh(x))
    return np.sum(x ** 2)


def solved_after_the_loop(A, b):
    for i in range(2):
        M = A + (i + 1.0) * np.eye(4)
        b = np.linalg.solve(M.T, b) + np.linalg.solve(M, b)
    return np.sum(np.linalg.solve(M, b)) + np.linalg.slogdet(M)[1]


def logdet_per_step(A, Y):
    total = 0.0
    for t in range(Y.shape[0]):
        S = A @ A.T + (1.0 + t) * np.eye(A.shape[0])
        sign, logdet = np.linalg.slogdet(S)
        total = total + logdet + Y[t] @ np.linalg.solve(S, Y[t])
    return total


def logdet_by_cholesky(A, Y):
    S = A @ A.T + 0.5 * np.eye(A.shape[0])
    L = np.linalg.cholesky(S)
    alpha = np.linalg.solve(S, Y)
    return 0.5 * np.sum(Y * alpha) + np.sum(np.log(np.diag(L)))


def cholesky_of_any_matrix(M, y):
    L = np.linalg.cholesky(M)  # (reads M's lower triangle only)
    x = np.linalg.solve(M, y)
    return np.sum(np.log(np.diag(L))) + np.sum(x * y)


def inverse_in_a_branch(A, b, c):
    x = np.linalg.solve(A, b)
    if c > 0:
        return np.sum(x) * np.linalg.det(A)
    return np.sum(x * x)


def _source(f, *args, wrt=0):
    g = s2sad.grad(f, wrt=wrt)
    g(*args)
    return "\n".join(line for line in g.source.splitlines()
                     if not line.lstrip().startswith("#"))  # (comments quote the user)


def test_the_inverse_of_slogdet_serves_the_solve(rng) -> None:
    A = rng.standard_normal((6, 3)) / np.sqrt(3)
    Y = rng.standard_normal((6, 2))
    check_grad(gauss_nll, A, Y, 0.5, wrt=(0, 1, 2))
    src = _source(gauss_nll, A, Y, 0.5)
    assert src.count("inverse(S)") == 1 and "solve(" not in src
    assert "alpha = S_inv @ Y" in src and "dlogdet * S_inv" in src
    value, _ = s2sad.value_and_grad(gauss_nll)(A, Y, 0.5)
    assert np.isclose(value, gauss_nll(A, Y, 0.5), rtol=1e-12)


def test_the_inverse_of_det_serves_the_solve_and_its_adjoint(rng) -> None:
    A, b = well_conditioned(rng, 4), rng.standard_normal(4)
    check_grad(solve_and_det, A, b, wrt=(0, 1))
    src = _source(solve_and_det, A, b, wrt=(0, 1))
    assert src.count("inverse(A)") == 1 and "solve(" not in src and "A_inv.T @" in src


def test_two_solves_with_one_matrix_factor_it_once(rng) -> None:
    A, b = rng.standard_normal((4, 3)), rng.standard_normal(4)
    check_grad(solve_twice, A, b, wrt=(0, 1))
    src = _source(solve_twice, A, b, wrt=(0, 1))
    assert src.count("lu_factor(") == 1 and src.count("lu_solve(S_lu,") == 4
    assert "np.linalg.solve" not in src


def test_solves_with_a_matrix_and_its_transpose(rng) -> None:
    A, b = well_conditioned(rng, 4), rng.standard_normal(4)
    check_grad(solve_transposed, A, b, wrt=(0, 1))
    src = _source(solve_transposed, A, b, wrt=(0, 1))
    assert src.count("lu_factor(A)") == 1 and "np.linalg.solve" not in src
    assert "x = lu_solve(A_lu, b, True)" in src and "\n    transpose = " not in src


def test_a_matrix_fixed_around_a_loop_is_factored_before_it(rng) -> None:
    A, b = well_conditioned(rng, 4), rng.standard_normal(4)
    check_grad(solve_in_a_loop, A, b, wrt=(0, 1))
    src = _source(solve_in_a_loop, A, b, wrt=(0, 1))
    before, loop = src.split("for _ in range(3):", 1)
    assert "A_lu = lu_factor(A)" in before and "lu_factor" not in loop
    assert "lu_solve(A_lu, dx_1, True)" in loop


def test_a_matrix_made_in_each_step_is_inverted_once_in_the_reversed_step(rng) -> None:
    A, Y = rng.standard_normal((4, 2)), rng.standard_normal((3, 4))
    check_grad(logdet_per_step, A, Y, wrt=(0, 1))
    reversed_loop = _source(logdet_per_step, A, Y, wrt=(0, 1)).split("reversed(", 1)[1]
    assert reversed_loop.count("inverse(") == 1 and "solve(" not in reversed_loop


def test_a_matrix_bound_in_a_loop_and_solved_with_after_it(rng) -> None:
    A, b = well_conditioned(rng, 4), rng.standard_normal(4)
    check_grad(solved_after_the_loop, A, b, wrt=(0, 1))
    check_jvp(solved_after_the_loop, A, b, wrt=(0, 1), rng=rng)  # (M bound once, in it)
    src = _source(solved_after_the_loop, A, b, wrt=(0, 1))
    after = src.split("stack.append(", 1)[1].split("reversed(", 1)[0]
    assert "M_inv = inverse(M)" in after and "solve(" not in after  # (the last trip's M)


def test_logdet_by_cholesky_beside_a_solve(rng) -> None:
    A, Y = rng.standard_normal((5, 2)), rng.standard_normal((5, 3))
    check_grad(logdet_by_cholesky, A, Y, wrt=(0, 1))
    src = _source(logdet_by_cholesky, A, Y, wrt=(0, 1))
    assert "alpha = tri_solve(L, tri_solve(L, Y, True), True, True)" in src
    assert "solve(S" not in src and "lu_" not in src


def test_the_cholesky_factor_of_a_matrix_not_known_symmetric_solves_nothing(rng) -> None:
    M = well_conditioned(rng, 4) @ well_conditioned(rng, 4).T
    M[0, 3] += 0.5  # (the upper triangle, which cholesky does not read)
    y = rng.standard_normal(4)
    check_grad(cholesky_of_any_matrix, M, y, wrt=(0, 1))
    src = _source(cholesky_of_any_matrix, M, y, wrt=(0, 1))
    assert "tri_solve" not in src and "M_lu = lu_factor(M)" in src


@pytest.mark.parametrize("c", [1.0, -1.0])
def test_an_inverse_in_one_branch_is_not_moved_out_of_it(rng, c) -> None:
    A, b = well_conditioned(rng, 4), rng.standard_normal(4)
    check_grad(inverse_in_a_branch, A, b, c, wrt=(0, 1))
    src = _source(inverse_in_a_branch, A, b, c, wrt=(0, 1))
    assert "x = lu_solve(A_lu, b)" in src  # (the inverse only where c > 0: in the branch)
    assert src.count("inverse(A)") == 1 and src.index("inverse(A)") > src.index("    if ")


def test_second_derivatives_through_the_shared_factors(rng) -> None:
    def two_solves(A):
        S = A @ A.T + np.eye(4)
        x = np.linalg.solve(S, B0)
        return np.sum(np.linalg.solve(S, x) ** 2)

    def logdet_and_solve(A):
        S = A @ A.T + np.eye(4)
        return np.linalg.slogdet(S)[1] + B0 @ np.linalg.solve(S, B0)

    for f in (two_solves, logdet_and_solve):
        check_hessian(f, rng.standard_normal((4, 2)))


def test_forward_mode_and_vjps(rng) -> None:
    A, b = well_conditioned(rng, 4), rng.standard_normal(4)
    for f in (solve_twice, solve_transposed, solve_in_a_loop, solve_and_det):
        check_vjp(f, A, b, wrt=(0, 1), rng=rng)
        check_jvp(f, A, b, wrt=(0, 1), rng=rng)


def test_torch_tensors_solve_by_the_standards_solve(rng) -> None:
    torch = pytest.importorskip("torch")
    A, b = well_conditioned(rng, 4), rng.standard_normal(4)
    for f in (solve_twice, solve_transposed, solve_and_det):
        g = s2sad.grad(f, wrt=(0, 1))
        for got, expected in zip(g(torch.tensor(A), torch.tensor(b)), g(A, b)):
            assert np.allclose(got.numpy(), expected, rtol=1e-10, atol=1e-12)


def test_a_singular_matrix_raises_numpys_error() -> None:
    A = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(np.linalg.LinAlgError):
        factors.inverse(A)
    with pytest.raises(np.linalg.LinAlgError):
        factors.lu_solve(factors.lu_factor(A), np.ones(2))
    with pytest.raises(np.linalg.LinAlgError):
        s2sad.grad(solve_transposed)(A, np.ones(2))
    with pytest.raises(np.linalg.LinAlgError):
        s2sad.grad(solve_and_det)(A, np.ones(2))


@pytest.mark.parametrize("scipy", [True, False])
def test_the_runtime_helpers_against_numpy(rng, monkeypatch, scipy) -> None:
    if not scipy:  # (as without SciPy installed: NumPy's inv and solve)
        for name in ("dgetrf", "dgetri", "dgetrs"):
            monkeypatch.setitem(triangular._SCIPY, name, None)
    a = well_conditioned(rng, 5)
    assert np.allclose(factors.inverse(a), np.linalg.inv(a), rtol=1e-12, atol=1e-14)
    stack = np.stack([a, a.T])
    assert np.allclose(factors.inverse(stack), np.linalg.inv(stack))
    lu = factors.lu_factor(a)
    for b in (rng.standard_normal(5), rng.standard_normal((5, 3)), np.arange(5),
              rng.standard_normal((2, 5, 3)), rng.standard_normal(5) + 1j):
        for trans in (False, True):
            expected = np.linalg.solve(a.T if trans else a, b)
            got = factors.lu_solve(lu, b, trans)
            assert got.shape == expected.shape and got.dtype == expected.dtype
            assert np.allclose(got, expected, rtol=1e-12, atol=1e-13)
    z = a + 1j * well_conditioned(rng, 5)
    assert np.allclose(factors.inverse(z), np.linalg.inv(z))
    assert np.allclose(factors.lu_solve(factors.lu_factor(z), np.ones(5), True),
                       np.linalg.solve(z.T, np.ones(5)))
