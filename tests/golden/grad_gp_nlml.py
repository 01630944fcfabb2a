def grad_gp_nlml(K, y):
    # line 97: L = np.linalg.cholesky(K)
    L = np.linalg.cholesky(K)
    # line 98: alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    transpose = L.T
    solve = tri_solve(L, y, True)
    alpha = tri_solve(transpose, solve, False)
    # line 99: return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))
    diag = np.diag(L)
    # adjoint of line 99: return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))
    dL = diag_adjoint(1.0 / diag, L, 0)
    dalpha = 0.5 * y
    del diag
    # adjoint of line 98: alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    tri_solve_1 = tri_solve(transpose, dalpha, False, True)
    dL = (dL - np.multiply.outer(tri_solve(L, tri_solve_1, True, True), solve)
        + np.multiply.outer(alpha, -tri_solve_1))
    del alpha, dalpha, solve, transpose, tri_solve_1
    # adjoint of line 97: L = np.linalg.cholesky(K)
    dK = triangle_read_adjoint(cholesky_adjoint(dL, L, False), False)
    return cast_like(dK, K)
