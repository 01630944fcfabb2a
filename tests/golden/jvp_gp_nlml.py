def jvp_gp_nlml(K, y, *, dK):
    # line 97: L = np.linalg.cholesky(K)
    L = np.linalg.cholesky(K)
    dL = cholesky_tangent(triangle_read(dK, False), L, False)
    # line 98: alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    transpose = L.T
    solve = tri_solve(L, y, True)
    dsolve = solve_lhs_tangent(dL, L, y, solve)
    alpha = tri_solve(transpose, solve, False)
    dalpha = (solve_lhs_tangent(np.transpose(dL), transpose, solve, alpha)
        + solve_rhs_tangent(dsolve, transpose, solve))
    del dsolve, solve, transpose
    # line 99: return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))
    mul = 0.5 * y
    diag = np.diag(L)
    add = mul @ alpha + np.log(diag).sum()
    dadd = mul @ dalpha + np.sum(np.diag(dL) / diag)
    return add, dadd
