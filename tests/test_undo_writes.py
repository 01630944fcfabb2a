"""Arrays written element by element in loops, read by the reverse sweep as they were:
taped by the element each write overwrites, put back by the pop, not by a snapshot of
the whole array per write (``compiler/undo_writes.py``; a Cholesky factorisation as
loops copied its n x n factor for every element).

Each against central differences; the source checked for the form (no ``setitem``
copy, the element pushed), and the cases the rewrite must leave alone checked too.
"""
import numpy as np

from gradcheck import check_grad, grad_source


def _code(f, *args, wrt=0) -> str:
    return "\n".join(line for line in grad_source(f, *args, wrt=wrt).splitlines()
                     if not line.lstrip().startswith("#"))


def forward_subst(L, b):
    n = b.shape[0]
    z = np.zeros(n)
    for i in range(n):
        s = b[i]
        for k in range(i):
            s = s - L[i, k] * z[k]
        z[i] = s / L[i, i]
    return np.sum(z * z) + z[0]


def cholesky(A):
    n = A.shape[0]
    L = np.zeros((n, n))
    for j in range(n):
        s = A[j, j]
        for k in range(j):
            s = s - L[j, k] * L[j, k]
        L[j, j] = np.sqrt(s)
        for i in range(j + 1, n):
            s = A[i, j]
            for k in range(j):
                s = s - L[i, k] * L[j, k]
            L[i, j] = s / L[j, j]
    return np.sum(L * L * L)


def rotating(x, w):
    """An element written again and again (``r[i % 3]``): each write's old value is
    put back in turn, the index pushed with it (not a loop counter)."""
    r = x[:3] * 1.0
    for i in range(w.shape[0]):
        j = i % 3
        s = 0.0
        for k in range(3):
            s = s + r[k] * w[i]
        r[j] = np.tanh(s) + r[j]
    return np.sum(r ** 2)


def thresholded(x, c):
    """A write under a data-dependent if: the push, the write and the pop in the
    branches, both taken."""
    n = x.shape[0]
    y = np.zeros(n)
    for i in range(1, n):
        if x[i] > c:
            y[i] = y[i - 1] * x[i] + 1.0
        else:
            y[i] = np.sin(y[i - 1] + x[i])
    return np.sum(y * x)


def _spd(rng, n):
    M = rng.standard_normal((n, n))
    return M @ M.T + n * np.eye(n)


def test_forward_substitution_tapes_the_element():
    rng = np.random.default_rng(0)
    L = np.tril(rng.standard_normal((5, 5))) + 4.0 * np.eye(5)
    b = rng.standard_normal(5)
    check_grad(forward_subst, L, b, wrt=(0, 1))
    code = _code(forward_subst, L, b, wrt=(0, 1))
    assert "setitem" not in code and "stack.append(z_1[i])" in code.replace("z[", "z_1["), code


def test_cholesky_loops_tape_elements_not_the_factor():
    rng = np.random.default_rng(1)
    for n in (1, 2, 5):
        A = _spd(rng, n)
        check_grad(cholesky, A)
    code = _code(cholesky, A)
    assert "setitem" not in code, code
    assert "stack.append(L_1)" not in code and "stack.append(L)" not in code, code


def test_an_element_written_again_and_again():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal(4), 0.7 * rng.standard_normal(11)
    check_grad(rotating, x, w, wrt=(0, 1))
    code = _code(rotating, x, w, wrt=(0, 1))
    assert "setitem" not in code and "_at = stack.pop()" in code.replace(
        "_at, ", "_at = ").replace(", r_1_at", "_at"), code


def test_writes_under_a_data_dependent_if_both_branches():
    rng = np.random.default_rng(3)
    x = rng.standard_normal(9)
    for c in (-5.0, 5.0, 0.0):  # every step the then branch; the else; both
        check_grad(thresholded, x, c)
    assert "setitem" not in _code(thresholded, x, 0.0)


def reassigned(x):
    """The array bound again whole inside the loop: not only element writes, left
    as it was (the snapshot), and still right."""
    y = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = np.sum(y * x) + x[i]
        y = y * 0.9
    return np.sum(y ** 2)


def rows_written(X):
    """A row written, not an element: the old row would be a view; left alone."""
    Y = np.zeros_like(X)
    for i in range(1, X.shape[0]):
        Y[i] = np.tanh(Y[i - 1] + X[i])
    return np.sum(Y * Y)


def test_left_alone_where_not_only_element_writes():
    rng = np.random.default_rng(4)
    x = rng.standard_normal(5)
    check_grad(reassigned, x)
    assert "_old" not in _code(reassigned, x)
    X = rng.standard_normal((4, 3))
    check_grad(rows_written, X)
    assert "Y_1_old" not in _code(rows_written, X)


def shifted_subst(L, b, k):
    """``z[i + k]``: with ``k`` a literal the index is surely an int (taped by element);
    with ``k`` an argument it may be anything (a bool selects a view): left alone."""
    n = b.shape[0]
    z = np.zeros(n + 2)
    for i in range(n):
        s = b[i]
        for j in range(i):
            s = s - L[i, j] * z[j + k]
        z[i + k] = s / L[i, i]
    return np.sum(z * z)


def shifted_by_one(L, b):
    n = b.shape[0]
    z = np.zeros(n + 1)
    for i in range(n):
        s = b[i]
        for j in range(i):
            s = s - L[i, j] * z[j + 1]
        z[i + 1] = s / L[i, i]
    return np.sum(z * z)


def test_an_index_of_an_argument_is_left_alone():
    rng = np.random.default_rng(5)
    L = np.tril(rng.standard_normal((4, 4))) + 3.0 * np.eye(4)
    b = rng.standard_normal(4)
    for k in (0, 2):
        check_grad(shifted_subst, L, b, k, wrt=(0, 1))
    assert "_old" not in _code(shifted_subst, L, b, 1, wrt=(0, 1))
    check_grad(shifted_by_one, L, b, wrt=(0, 1))
    code = _code(shifted_by_one, L, b, wrt=(0, 1))
    assert "_old" in code and "setitem" not in code, code


def shifted_pairs(L, b):
    """An index computed between the push and the write, nested in arithmetic."""
    n = b.shape[0]
    Z = np.zeros((n + 2, 2))
    for i in range(n):
        s = b[i]
        for j in range(i):
            s = s - L[i, j] * Z[j + 1, 1]
        Z[i + 1 + 1, 0] = s / L[i, i]
        Z[i + 1, 1] = np.sin(Z[i + 2, 0])
    return np.sum(Z * Z)


def test_an_index_computed_before_the_write():
    rng = np.random.default_rng(6)
    L = np.tril(rng.standard_normal((4, 4))) + 3.0 * np.eye(4)
    b = rng.standard_normal(4)
    check_grad(shifted_pairs, L, b, wrt=(0, 1))
