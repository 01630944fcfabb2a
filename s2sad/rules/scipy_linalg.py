"""scipy.linalg (when installed).

Templates reach only ``np``, ``math`` and the runtime helpers, so the rules here
say what scipy computes with ``np.linalg`` (a triangular or Cholesky solve
becomes ``np.linalg.solve`` with the matrix the factor stands for).

Which entries scipy reads (the others get no gradient, as for ``np.linalg.eigh``,
docs/kinks.md): ``cholesky``, ``cho_factor`` and ``eigh`` read the triangle
named by ``lower`` (an entry of it counts for both places it fills, see
``triangle_read``); ``solve``/``inv`` with ``assume_a`` ``'sym'``, ``'her'``,
``'pos'`` read that triangle too, ``'upper triangular'``/``'lower triangular'``
one triangle, ``'diagonal'`` the diagonal, ``'tridiagonal'`` the band;
``solve_triangular`` reads its triangle (without the diagonal for
``unit_diagonal=True``).  ``cho_factor`` returns ``(c, lower)`` where the
triangle not holding the factor is ``a``'s, copied: its derivative is the
identity there.  ``cho_solve`` and ``lu_factor`` read the factor's triangle(s)
of ``c``/``lu``.  ``lu_factor``'s pivots are locally constant (``piv`` has no
derivative).  ``eigh`` is differentiated in ``a`` (``b``, for the generalized
problem, only as a constant: differentiating in it is refused) and without ``subset_by_index`` /
``subset_by_value``.

``expm``, ``sqrtm``, ``logm`` (Frechet derivatives by the block-matrix trick:
``f([[a, e], [0, a]])`` has ``L_f(a, e)`` in its upper-right block, and the
adjoint is ``L_f(a^T, g)``) and ``lu_solve`` need scipy.linalg by name in a
template: their rules are registered when the template namespace has
``scipy_linalg``, see :func:`register_linalg_by_name`.
"""
from __future__ import annotations

from s2sad import runtime as rt
from s2sad.rules import scipy_linalg_through
from s2sad.rules.facts import defshape, defsolve
from s2sad.rules.numpy_decompositions import recip
from s2sad.rules.registry import TEMPLATE_NAMESPACE, deffixed, defjvp, defunsupported, defvjp

try:
    import scipy.linalg as sl
except ImportError:  # scipy is optional
    sl = None

LINALG = "scipy_linalg"  # how templates name scipy.linalg (when the namespace has it)
if sl is not None:
    TEMPLATE_NAMESPACE.setdefault(LINALG, sl)
    # results shaped by the arguments' shapes alone (compiler/shape_probe.py)
    defshape((sl.cho_solve, sl.solve_triangular, sl.solve, sl.inv, sl.expm, sl.sqrtm,
              sl.logm, sl.cholesky, sl.block_diag), "probe")
    defshape(sl.cho_factor, "flagged")
    defshape((rt.factor_solve, rt.factor_log_det_adjoint), "probe")
    defshape(rt.factor_log_det, "number")
    defsolve(sl.solve_triangular, sl.solve)  # (LAPACK's dtype: a float64 operand, float64)
T = "np.matrix_transpose"
UPLO = "('L' if lower else 'U')"
SYM = "('sym', 'symmetric', 'her', 'hermitian', 'pos', 'positive definite')"


def read(x: str) -> str:
    """The matrix that scipy's ``solve``/``inv`` work on, given ``assume_a`` and
    ``lower``; the map is its own adjoint except for the symmetric triangle."""
    return (f"(triangle_read({x}, {UPLO}) if assume_a in {SYM} else "
            f"{masked(x)})")


def read_adjoint(x: str) -> str:
    return (f"(triangle_read_adjoint({x}, {UPLO}) if assume_a in {SYM} else "
            f"{masked(x)})")


def masked(x: str) -> str:
    """The structured part of ``x`` for the other ``assume_a`` (a projection)."""
    return (f"(np.triu({x}) if assume_a == 'upper triangular' else "
            f"np.tril({x}) if assume_a == 'lower triangular' else "
            f"{x} * np.eye(np.shape({x})[-1]) if assume_a == 'diagonal' else "
            f"np.triu(np.tril({x}, 1), -1) if assume_a == 'tridiagonal' else {x})")


if sl is not None:
    # ----- block_diag(*arrs): linear; each array's adjoint is its block -----
    defvjp(sl.block_diag, "*arrs", varargs="block_diag_adjoint(g, arrs, i)")
    defjvp(sl.block_diag, "*arrs", varargs="block_diag_tangent(darrs, arrs, i)")
    # ----- inv, det, solve -----
    INV = "a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False"
    defvjp(sl.inv, INV, read_adjoint(f"-{T}(ans) @ g @ {T}(ans)"))
    defjvp(sl.inv, INV, f"-ans @ {read('da')} @ ans")
    DET = "a, overwrite_a=False, check_finite=True"
    defvjp(sl.det, DET, f"np.expand_dims(g * ans, (-2, -1)) * {T}(np.linalg.inv(a))")
    defjvp(sl.det, DET, "ans * np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1)")
    SOLVE = ("a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, "
             "assume_a=None, transposed=False")
    A_OP = f"({T}({read('a')}) if transposed else {read('a')})"
    DA_OP = f"({T}({read('da')}) if transposed else {read('da')})"
    A_BAR = f"solve_lhs_adjoint(g, {A_OP}, b, ans)"
    defvjp(sl.solve, SOLVE, read_adjoint(f"({T}({A_BAR}) if transposed else {A_BAR})"),
           f"solve_rhs_adjoint(g, {A_OP}, b)")
    defjvp(sl.solve, SOLVE, f"solve_lhs_tangent({DA_OP}, {A_OP}, b, ans)",
           f"solve_rhs_tangent(db, {A_OP}, b)")

    # ----- solve_triangular: the triangle read (unit_diagonal: 1 on the diagonal) -----
    TRI = "a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True"

    def tri_part(x: str) -> str:  # with unit_diagonal, the strict triangle
        return (f"((np.tril({x}, -1) if lower else np.triu({x}, 1)) if unit_diagonal else "
                f"(np.tril({x}) if lower else np.triu({x})))")

    # solved as scipy does, O(n^2) per column, with the matrix scipy solves with (its
    # triangle; ones on the diagonal with unit_diagonal): an adjoint of that matrix
    # (reverse over reverse) is then one of the entries scipy reads
    TRANS = "trans in (1, 2, 'T', 'C')"
    T_EFF = (f"({tri_part('a')} + np.eye(np.shape(a)[-1]) if unit_diagonal else "
             f"{tri_part('a')})")
    T_W = f"tri_solve({T_EFF}, g, lower, not {TRANS})"
    T_BAR = f"-(np.outer({T_W}, ans) if np.ndim(b) == 1 else {T_W} @ {T}(ans))"
    defvjp(sl.solve_triangular, TRI, tri_part(f"({T}({T_BAR}) if {TRANS} else {T_BAR})"),
           T_W)
    defjvp(sl.solve_triangular, TRI,
           f"-tri_solve({T_EFF}, ({T}({tri_part('da')}) if {TRANS} else {tri_part('da')}) "
           f"@ ans, lower, {TRANS})", f"tri_solve({T_EFF}, db, lower, {TRANS})")

    # ----- cholesky and cho_factor/cho_solve: a = L L^T from one triangle -----
    CHOL = "a, lower=False, overwrite_a=False, check_finite=True"
    defvjp(sl.cholesky, CHOL,
           f"triangle_read_adjoint(cholesky_adjoint(g, ans, not lower), {UPLO})")
    defjvp(sl.cholesky, CHOL, f"cholesky_tangent(triangle_read(da, {UPLO}), ans, not lower)")

    def factor_part(x: str) -> str:  # the triangle of cho_factor's c holding the factor
        return f"(np.tril({x}) if lower else np.triu({x}))"

    def other_part(x: str) -> str:  # the rest of c: a's entries, copied
        return f"(np.triu({x}, 1) if lower else np.tril({x}, -1))"

    GC = "pick_adjoint(g, ans, 0)"
    defvjp(sl.cho_factor, CHOL,
           f"triangle_read_adjoint(cholesky_adjoint({factor_part(GC)}, "
           f"{factor_part('ans[0]')}, not lower), {UPLO}) + {other_part(GC)}")
    defjvp(sl.cho_factor, CHOL,
           f"(cholesky_tangent(triangle_read(da, {UPLO}), {factor_part('ans[0]')}, not lower) "
           f"+ {other_part('da')}, np.zeros(np.shape(ans[1])))")
    CHO_SOLVE = "c_and_lower, b, overwrite_b=False, check_finite=True"
    C, LOW = "c_and_lower[0]", "c_and_lower[1]"

    def low_factor(x: str) -> str:  # L with a = L L^T, from c (or its tangent)
        return f"(np.tril({x}) if {LOW} else {T}(np.triu({x})))"

    L_ = low_factor(C)
    A_C = f"({L_} @ {T}({L_}))"
    DL = low_factor("dc_and_lower[0]")
    # with w = A^-1 g by the factor, shared by both adjoints (compiler/costly_calls.py)
    W_CHO = f"{LINALG}.cho_solve(c_and_lower, g)"
    defvjp(sl.cho_solve, CHO_SOLVE, "replace_at(fill_zeros(None, c_and_lower), 0, "
           f"cho_solve_factor_adjoint({W_CHO}, c_and_lower, ans))", W_CHO)
    defjvp(sl.cho_solve, CHO_SOLVE,
           f"solve_lhs_tangent({DL} @ {T}({L_}) + {L_} @ {T}({DL}), {A_C}, b, ans)",
           f"solve_rhs_tangent(db, {A_C}, b)")

    # ----- a solve and half a log-determinant with cho_factor(a)'s factor, in a itself
    # (compiler/factor_reads.py): A's adjoints -w x^T and A^-1 / 2 read into its triangle
    FS = "c_and_lower, matrix, b"
    FLOW = "('L' if c_and_lower[1] else 'U')"
    W_FS = f"{LINALG}.cho_solve(c_and_lower, g)"
    defvjp(rt.factor_solve, FS, None,
           f"triangle_read_adjoint(-(np.outer({W_FS}, ans) if np.ndim(ans) == 1 else "
           f"{W_FS} @ {T}(ans)), {FLOW})", W_FS)
    defjvp(rt.factor_solve, FS, None,
           f"-{LINALG}.cho_solve(c_and_lower, triangle_read(dmatrix, {FLOW}) @ ans)",
           f"{LINALG}.cho_solve(c_and_lower, db)")
    defvjp(rt.factor_log_det, "c_and_lower, matrix", None,
           "factor_log_det_adjoint(c_and_lower, g)")
    defjvp(rt.factor_log_det, "c_and_lower, matrix", None,
           f"0.5 * np.trace({LINALG}.cho_solve(c_and_lower, triangle_read(dmatrix, {FLOW})))")
    # (its adjoint, for derivatives of derivatives: A^-1 by solves with the factor)
    LDA = "c_and_lower, scale=1.0"

    def inverse_sandwich(m: str) -> str:  # A^-1 m A^-1 of a symmetric m
        return f"{LINALG}.cho_solve(c_and_lower, {T}({LINALG}.cho_solve(c_and_lower, {m})))"
    N_ = "np.shape(c_and_lower[0])[-1]"
    DA_C = f"{DL} @ {T}({L_}) + {L_} @ {T}({DL})"  # the tangent of A = L L^T
    defvjp(rt.factor_log_det_adjoint, LDA,
           "replace_at(fill_zeros(None, c_and_lower), 0, cho_solve_factor_adjoint("
           f"{inverse_sandwich(f'0.5 * scale * triangle_read(g, {FLOW})')}, c_and_lower, "
           f"np.eye({N_})))",
           "np.sum(g * factor_log_det_adjoint(c_and_lower, 1.0))")
    defjvp(rt.factor_log_det_adjoint, LDA,
           f"scale * triangle_read_adjoint(-0.5 * {inverse_sandwich(DA_C)}, {FLOW})",
           "factor_log_det_adjoint(c_and_lower, dscale)")

    # ----- lu_factor: p a = L U (p locally constant); with F = U a^-1 da U^-1,
    # dL = L tril(F, -1), dU = triu(F) U, and p L^-T = a^-T U^T gives the adjoint -----
    LU = "a, overwrite_a=False, check_finite=True"
    L_LU = "(np.tril(ans[0], -1) + np.eye(np.shape(a)[-1]))"
    U_LU = "np.triu(ans[0])"
    F = (f"{T}(np.linalg.solve({T}({U_LU}), {T}({U_LU} @ np.linalg.solve(a, da))))")
    defjvp(sl.lu_factor, LU, f"({L_LU} @ np.tril({F}, -1) + np.triu({F}) @ {U_LU}, "
           "np.zeros(np.shape(ans[1])))")
    F_BAR = (f"(np.tril({T}({L_LU}) @ np.tril({GC}, -1), -1) + "
             f"np.triu(np.triu({GC}) @ {T}({U_LU})))")
    defvjp(sl.lu_factor, LU, f"np.linalg.solve({T}(a), {T}({U_LU}) @ "
           f"{T}(np.linalg.solve({U_LU}, {T}({F_BAR}))))")

    # ----- eigh: (w, v) as np.linalg.eigh, the triangle named by lower -----
    EIGH = ("a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False, "
            "type=1, check_finite=True, subset_by_index=None, subset_by_value=None, driver=None")
    W = "(ans if eigvals_only else ans[0])"
    # eigenvectors (b-orthonormal for the generalized problem); recomputed for eigvals_only
    CB = f"np.linalg.cholesky(triangle_read(b, {UPLO}))"
    V_GEN = (f"np.linalg.solve({T}({CB}), np.linalg.eigh(np.linalg.solve({CB}, "
             f"{T}(np.linalg.solve({CB}, triangle_read(a, {UPLO})))))[1])")
    V = (f"(ans[1] if not eigvals_only else np.linalg.eigh(a, {UPLO})[1] if b is None "
         f"else {V_GEN})")
    VT = f"{T}({V})"
    GAPS = f"np.expand_dims({W}, -2) - np.expand_dims({W}, -1)"  # w_j - w_i
    F_E = recip(GAPS)
    G_W = "(g if eigvals_only else pick_adjoint(g, ans, 0))"
    INNER = (f"np.expand_dims({G_W}, -1) * np.eye(np.shape(a)[-1])"
             f" + (0.0 if eigvals_only else ({VT} @ pick_adjoint(g, ans, 1)) * {F_E})")
    defvjp(sl.eigh, EIGH, f"triangle_read_adjoint(symmetrized({V} @ ({INNER}) @ {VT}), {UPLO})",
           None)
    DS = f"triangle_read(da, {UPLO})"
    DW = f"np.sum({V} * ({DS} @ {V}), axis=-2)"
    defjvp(sl.eigh, EIGH,
           f"({DW} if eigvals_only else ({DW}, {V} @ (({VT} @ {DS} @ {V}) * {F_E})))", None)
    deffixed(sl.eigh, type=1, subset_by_index=None, subset_by_value=None)
    defunsupported(sl.eigh, "b")  # (a b differentiated: refused, never a silent zero)


def register_linalg_by_name() -> bool:
    """The rules whose templates call scipy.linalg (as ``scipy_linalg.expm(...)``);
    registered only when the template namespace has ``scipy_linalg``."""
    if sl is None or LINALG not in TEMPLATE_NAMESPACE:
        return False
    s = LINALG
    for fn in (sl.expm, sl.sqrtm, sl.logm):
        name = fn.__name__
        sig = "A" if name == "expm" else "A, disp=None" if name == "logm" else \
            "A, disp=None, blocksize=None"

        def frechet(base: str, e: str, name: str = name) -> str:
            """L_f(base, e): the upper-right block of f([[base, e], [0, base]])."""
            return (f"{s}.{name}(np.concatenate([np.concatenate([{base}, {e}], -1), "
                    f"np.concatenate([np.zeros(np.shape({base})), {base}], -1)], -2))"
                    f"[..., :np.shape(A)[-1], np.shape(A)[-1]:]")

        cut = (lambda t, name=name: t) if name == "expm" else \
            (lambda t, name=name: f"off_branch_cut({t}, A, 'scipy.linalg.{name}')")
        defvjp(fn, sig, cut(frechet(f"{T}(A)", "g")))
        defjvp(fn, sig, cut(frechet("A", "dA")))
    # lu_solve: x = op(a)^-1 b with a = p L U; p^T a^-T g = L^-T U^-T g needs no pivots
    LUS = "lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True"
    TR = "trans in (1, 2, 'T', 'C')"
    LU_ = "lu_and_piv[0]"
    L_ = f"(np.tril({LU_}, -1) + np.eye(np.shape({LU_})[-1]))"
    U_ = f"np.triu({LU_})"
    B_BAR = f"{s}.lu_solve(lu_and_piv, g, 1 - ({TR}))"

    def cols(x: str) -> str:
        return f"np.reshape({x}, (np.shape({LU_})[-1], -1))"

    def lower_upper_solve(x: str) -> str:  # L^-T U^-T x
        return f"np.linalg.solve({T}({L_}), np.linalg.solve({T}({U_}), {cols(x)}))"

    # p^T a_bar: -(L^-T U^-T g) x^T, or for trans: -(L^-T U^-T b) (a^-1 g)^T
    PA = (f"(-{lower_upper_solve('b')} @ {T}({cols(B_BAR)}) if {TR} else "
          f"-{lower_upper_solve('g')} @ {T}({cols('ans')}))")
    defvjp(sl.lu_solve, LUS,
           f"replace_at(fill_zeros(None, lu_and_piv), 0, "
           f"np.tril({PA} @ {T}({U_}), -1) + np.triu({T}({L_}) @ {PA}))", B_BAR)
    # forward: d(a^-1) = -a^-1 p (dL U + L dU) a^-1; a^-1 p = U^-1 L^-1
    DLU = "dlu_and_piv[0]"
    DPLU = f"(np.tril({DLU}, -1) @ {U_} + {L_} @ np.triu({DLU}))"  # p^T da

    def a_inv_p(x: str) -> str:  # U^-1 L^-1 x
        return f"np.linalg.solve({U_}, np.linalg.solve({L_}, {x}))"

    def p_t_a_inv_t(x: str) -> str:  # L^-T U^-T x = p^T a^-T x
        return f"np.linalg.solve({T}({L_}), np.linalg.solve({T}({U_}), {x}))"

    X2 = cols("ans")
    # trans 0: dx = -U^-1 L^-1 (p^T da) x; trans 1: dx = -a^-T (p^T da)^T (p^T x), p^T x =
    # L^-T U^-T b
    defjvp(sl.lu_solve, LUS,
           f"np.reshape(-{s}.lu_solve(lu_and_piv, {T}({DPLU}) @ {p_t_a_inv_t(cols('b'))}, 1) "
           f"if {TR} else -{a_inv_p(f'{DPLU} @ {X2}')}, np.shape(ans))",
           f"{s}.lu_solve(lu_and_piv, db, trans)")
    return True


register_linalg_by_name()
if sl is not None:
    scipy_linalg_through.register(sl)
