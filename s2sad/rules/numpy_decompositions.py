"""Decompositions and solvers of ``np.linalg``: ``svd``, ``eig``, ``eigvals``, ``qr``,
``lstsq``, ``cond``, ``tensorsolve``, ``tensorinv`` (``matrix_rank`` has no derivative).

``X^T`` is the transpose of the last two axes; stacks of matrices work wherever NumPy
accepts them.  Tuple outputs (``svd``, ``eig``, ``qr``, ``lstsq``) work like ``eigh``'s:
the reverse template receives ``g`` as a tuple of adjoints whose entries may be ``None``
(``pick_adjoint`` reads them as zeros), and the forward term is a tuple.

``svd`` (real ``a``, ``m x n``, ``k = min(m, n)``, ``a = U1 diag(s) V1^T`` with ``U1``,
``V1`` the first ``k`` columns): ``g_s`` gives ``U1 diag(g_s) V1^T``; ``g_U`` and
``g_Vh`` go through ``F_ij = 1 / (s_j^2 - s_i^2)``, and ``F_ij = 0`` where
``s_i == s_j`` (repeated singular values, several zeros: their singular vectors are not
unique, as for ``eigh``), and ``1 / s_i`` is taken as 0 where ``s_i == 0``.  The
derivative is exact for what does not depend on the choice of singular vectors, and
for the vectors NumPy returns when the singular values are distinct and nonzero (the
sign of each pair ``(u_i, v_i)`` is fixed locally).  ``full_matrices=True`` with
``m != n`` adds columns to ``U`` (or rows to ``Vh``) spanning the orthogonal complement;
they are unique only up to a rotation among themselves, and the rule moves them only
as much as staying orthogonal to ``U1`` requires (``U2^T dU2 = 0``): exact when one
column is added, and for anything depending on their span (``U2 U2^T``) alone.
``hermitian=True`` reads the lower triangle of ``a``, like ``eigh``.  A complex ``a`` in
reverse mode, reduced factors: the same with conjugates (``V = Vh^H``) and the phase
term ``i Im(U^T g_U)_jj / s_j`` (each pair ``(u_j, v_j)`` may take any common phase).

``eig`` / ``eigvals`` (general square ``a``, real or complex; complex outputs follow
JAX's convention, docs/supported.md: reverse templates are transposes, a real ``a``
gets the real part): ``dw = diag(V^-1 da V)`` and ``dV = V (F o V^-1 da V) + V diag(c)``
with ``F_ij = 1 / (w_j - w_i)`` (0 where ``w_i == w_j``) and ``c`` keeping NumPy's
(LAPACK's) normalization: unit columns whose largest entry is real.  Repeated
eigenvalues: as for ``eigh``.

``qr`` (real ``a``; ``mode='reduced'``, ``'complete'``, ``'r'``; tall, square or wide ``a`` with an
invertible leading ``k x k`` block of ``R``): ``dQ1 = Q1 Omega + (I - Q1 Q1^T) da_k
R_k^-1`` with ``Omega`` antisymmetric such that ``dR`` is upper triangular; the extra
columns of ``Q`` in ``'complete'`` mode follow the ``svd`` convention above.  ``raw``
mode has no rule.

``lstsq`` (real) returns ``(x, residuals, rank, s)``: ``x`` is differentiated as
``pinv(a) @ b`` of a full-rank ``a`` (its rank is locally constant; ``rcond`` only
decides that rank), the residuals (present when ``m > n`` and ``a`` has full rank) as
``sum((b - a x)^2)`` at the optimum, ``s`` as ``svd``'s, and ``rank`` has none.

``cond``: for ``p`` in ``None, 2, -2`` the ratio of extreme singular values (any
shape); for the other ``p`` (square ``x``) ``norm(x, p) * norm(inv(x), p)``.

``tensorsolve`` and ``tensorinv`` are ``solve`` and ``inv`` of the matrix the tensor is
reshaped into.
"""
import numpy as np

from s2sad.rules.facts import deffactors, defshape
from s2sad.rules.registry import defjvp, defnondiff, defvjp


def _t(x: str) -> str:
    return f"np.matrix_transpose({x})"


def _row(v: str) -> str:  # a vector of the last axis as a row: scales columns
    return f"np.expand_dims({v}, -2)"


def _col(v: str) -> str:  # ... as a column: scales rows
    return f"np.expand_dims({v}, -1)"


def _recip_gaps(w: str, square: bool = False) -> str:
    """``F_ij = 1 / (w_j - w_i)`` (of the squares when ``square``); 0 where equal."""
    w = f"{w} ** 2" if square else w
    return recip(f"({_row(w)} - {_col(w)})")


def recip(s: str) -> str:
    """``1 / s``, 0 where ``s == 0`` (``1 / inf``: no 0 / 0 to guard, so the derivative
    has no guard a lean variant drops and then finds NaN in on every diagonal)."""
    return f"(1.0 / np.where(np.not_equal({s}, 0.0), {s}, np.inf))"


# tuples whose shapes follow from the argument's (lstsq's residuals: from its rank too)
defshape((np.linalg.svd, np.linalg.eig, np.linalg.qr), "container")
deffactors(np.linalg.svd, keywords={"full_matrices", "hermitian"})  # (real factors)
deffactors(np.linalg.qr)  # (mode='r' returns R alone: no keyword)

# ----- svd: a = U diag(s) Vh -----
K = "np.shape(ans[1])[-1]"
U1, U2 = f"ans[0][..., :, :{K}]", f"ans[0][..., :, {K}:]"
V1, V2 = _t(f"ans[2][..., :{K}, :]"), _t(f"ans[2][..., {K}:, :]")
S = "ans[1]"
# F_ij = 1 / (s_j^2 - s_i^2), taken as 0 where s_i == s_j (repeated singular values, or
# several zero ones), like eigh's F; and 1 / s_i is taken as 0 where s_i == 0
F_SVD = _recip_gaps(S, square=True)
SINV_ROW = _row(recip(S))
GU, GS = "pick_adjoint(g, ans, 0)", "pick_adjoint(g, ans, 1)"
SVD_UV_ADJ = "svd_uv_adjoint(g, ans)"  # (real a: runtime/linalg.py says how)
UA = "np.linalg.svd(a, full_matrices=False, hermitian=hermitian)[0]"
VHA = "np.linalg.svd(a, full_matrices=False, hermitian=hermitian)[2]"
# complex a: the singular values' adjoint is conj(U diag(g) V^H) (d/dre - i d/dim);
# through U and V only the real formulas are known: refused for complex a
SVD_S_ADJ = f"np.conj(({UA} * {_row('g')}) @ {VHA})"
# complex a, reduced factors (the full ones of a matrix not square stay refused): V =
# Vh^H, M_U = U^T g_U, M_V = V^T g_V; the real formula with conjugates where the
# transposes are Hermitian, and the phase each pair (u_j, v_j) may take: i Im(M_U)_jj / s_j
UC, VC = "ans[0]", f"np.conj({_t('ans[2]')})"
GVC = f"np.conj({_t('pick_adjoint(g, ans, 2)')})"
M_UC, M_VC = f"({_t(UC)} @ {GU})", f"({_t(VC)} @ {GVC})"


def _skew(m: str) -> str:
    return f"({m} - np.conj({_t(m)}))"


EYE_K = f"np.eye({K})"
INNER_C = (f"({F_SVD} * {_skew(M_UC)} * {_row(S)} + {_col(GS)} * {EYE_K} "
           f"+ {_col(S)} * ({F_SVD} * {_skew(M_VC)}) "
           f"+ 1j * np.imag({M_UC} * {EYE_K}) * {SINV_ROW})")
OFF_V = (f"np.conj(({UC} * {SINV_ROW}) @ {_t(GVC)} @ (np.eye(np.shape(a)[-1]) - {VC} @ "
         f"np.conj({_t(VC)})))")
PROJ_U = f"(np.eye(np.shape(a)[-2]) - {UC} @ np.conj({_t(UC)}))"
OFF_U = _t(f"({VC} * {SINV_ROW}) @ {_t(GU)} @ {PROJ_U}")
SVD_UV_ADJ_C = f"np.conj({UC}) @ {INNER_C} @ {_t(VC)} + {OFF_V} + {OFF_U}"
REAL_OR_FULL = "not np.iscomplexobj(a) or (full_matrices and np.shape(a)[-1] != np.shape(a)[-2])"
SVD_ADJ = (f"((only_real({SVD_UV_ADJ}, a, 'np.linalg.svd') if {REAL_OR_FULL} else "
           f"{SVD_UV_ADJ_C}) if compute_uv else {SVD_S_ADJ})")
SVD = "a, full_matrices=True, compute_uv=True, hermitian=False"
# hermitian=True: NumPy reads the lower triangle (eigh), the upper one gets nothing
defvjp(np.linalg.svd, SVD, f"(triangle_read_adjoint({SVD_ADJ}, 'L') if hermitian else {SVD_ADJ})")
DA = "(triangle_read(da, 'L') if hermitian else da)"
P_SVD = f"({_t(U1)} @ {DA} @ {V1})"
DU1 = (f"{U1} @ ({F_SVD} * ({P_SVD} * {_row(S)} + {_col(S)} * {_t(P_SVD)})) "
       f"+ ({DA} @ {V1} - {U1} @ {P_SVD}) * {SINV_ROW}")
DV1 = (f"{V1} @ ({F_SVD} * ({_col(S)} * {P_SVD} + {_t(P_SVD)} * {_row(S)})) "
       f"+ ({_t(DA)} @ {U1} - {V1} @ {_t(P_SVD)}) * {SINV_ROW}")
DU2 = f"-{U1} @ ({_col(recip(S))} * ({_t(V1)} @ {_t(DA)} @ {U2}))"
DV2 = f"-{V1} @ ({_col(recip(S))} * ({_t(U1)} @ {DA} @ {V2}))"
SVD_UV_TAN = (f"(np.concatenate([{DU1}, {DU2}], axis=-1), np.diagonal({P_SVD}, 0, -2, -1), "
              f"{_t(f'np.concatenate([{DV1}, {DV2}], axis=-1)')})")
SVD_S_TAN = f"np.real(np.sum(np.conj({UA}) * ({DA} @ np.conj({_t(VHA)})), axis=-2))"
defjvp(np.linalg.svd, SVD,
       f"(only_real({SVD_UV_TAN}, a, 'np.linalg.svd') if compute_uv else {SVD_S_TAN})")

# ----- eig: a V = V diag(w), columns of V of unit norm with their largest entry real -----
W, V = "ans[0]", "ans[1]"
F_EIG = _recip_gaps(W)
VI = f"np.linalg.inv({V})"
PEAK = f"np.expand_dims(np.argmax(np.abs({V}), axis=-2), -2)"  # row of each largest entry
V_PEAK = f"np.take_along_axis({V}, {PEAK}, -2)"
WD = f"({VI} @ da @ {V})"
DV0 = f"({V} @ ({F_EIG} * {WD}))"
# c = -Re(v^H dv0) (unit norm) - i Im(dv0_p / v_p) (entry p stays real: complex V only)
PHASE = f"(1j * np.imag(np.take_along_axis({DV0}, {PEAK}, -2) / {V_PEAK}))"
C_EIG = (f"(-np.real(np.sum(np.conj({V}) * {DV0}, axis=-2, keepdims=True)) "
         f"- ({PHASE} if np.iscomplexobj({V}) else 0.0 * {V_PEAK}))")
defjvp(np.linalg.eig, "a", f"(np.diagonal({WD}, 0, -2, -1), {DV0} + {V} * {C_EIG})")
GW, GVE = "pick_adjoint(g, ans, 0)", "pick_adjoint(g, ans, 1)"
H = f"np.sum({V} * {GVE}, axis=-2, keepdims=True)"  # the adjoint of c
ONEHOT = f"np.equal(np.expand_dims(np.arange(np.shape({V})[-2]), -1), {PEAK})"
G_PHASE = f"({ONEHOT} * (-1j * np.imag({H}) / {V_PEAK}))"
# (both branches of an if-else in a template have one shape: "0.0 * x", not "0.0")
G_DV0 = (f"({GVE} - np.conj({V}) * np.real({H}) "
         f"+ ({G_PHASE} if np.iscomplexobj({V}) else 0.0 * {GVE}))")
defvjp(np.linalg.eig, "a", f"unbroadcast({_t(VI)} @ ({_col(GW)} * np.eye(np.shape(a)[-1]) "
       f"+ {F_EIG} * ({_t(V)} @ {G_DV0})) @ {_t(V)}, a)")
VA = "np.linalg.eig(a)[1]"
defvjp(np.linalg.eigvals, "a",
       f"unbroadcast({_t(f'np.linalg.inv({VA})')} @ ({_col('g')} * {_t(VA)}), a)")
defjvp(np.linalg.eigvals, "a", f"np.diagonal(np.linalg.solve({VA}, da @ {VA}), 0, -2, -1)")


# ----- qr: a = Q R, k = min(m, n), R_k the leading k x k block of R (upper triangular:
# its solves by tri_solve) -----
def _qr_terms(q: str, r: str) -> dict[str, str]:
    k = "min(np.shape(a)[-2:])"
    return {"k": k, "q1": f"{q}[..., :, :{k}]", "q2": f"{q}[..., :, {k}:]",
            "r1": f"{r}[..., :{k}, :]", "rk": f"{r}[..., :{k}, :{k}]"}


def _qr_tangent(q: str, r: str, complete: bool) -> tuple[str, str]:
    """(dQ, dR) along ``da``, for the factors ``q``, ``r``."""
    t = _qr_terms(q, r)
    da_k = f"da[..., :, :{t['k']}]"
    e = _t(f"tri_solve({t['rk']}, {_t(da_k)}, False, True)")  # da_k R_k^-1
    c = f"({_t(t['q1'])} @ {e})"
    omega = f"(np.tril({c}, -1) - {_t(f'np.tril({c}, -1)')})"
    dq1 = f"{t['q1']} @ {omega} + {e} - {t['q1']} @ {c}"
    dq2 = f"-{t['q1']} @ ({_t(e)} @ {t['q2']})"
    dr1 = f"{_t(t['q1'])} @ da - {omega} @ {t['r1']}"
    return (f"np.concatenate([{dq1}, {dq2}], axis=-1)",
            f"np.concatenate([{dr1}, 0.0 * {r}[..., {t['k']}:, :]], axis=-2)" if complete
            else dr1)


def _qr_adjoint(q: str, r: str, gq: str | None, gr: str, complete: bool = False) -> str:
    """``a``'s adjoint: with ``C = Q1^T gQ1``, ``X = C - gR1 R1^T`` and ``S`` the strict
    lower triangle of ``X - X^T``, ``Q1 (gR1 + [(S - C) R_k^-T, 0]) + [gQ1' R_k^-T, 0]``,
    ``gQ1' = gQ1 - Q2 gQ2^T Q1`` (``[., 0]``: zero columns up to ``n``, none for a tall
    or square ``a``; reduced factors are ``Q1`` and ``R1`` whole).  ``gQ1`` enters two
    products, so a rank-one one (the adjoint of ``Q.T @ b``) makes both cheap
    (compiler/outer_forms.py); the late pass ``share`` computes ``C`` and ``X`` once
    (compiler/shared_terms.py)."""
    t = _qr_terms(q, r) if complete else {
        "k": f"np.shape({r})[-2]", "q1": q, "r1": r, "rk": f"{r}[..., :, :np.shape({r})[-2]]"}
    k, q1, rk = t["k"], t["q1"], t["rk"]
    gr1 = f"{gr}[..., :{k}, :]" if complete else gr
    x = f"(-{gr1} @ {_t(t['r1'])})"
    minus_c = ""
    if gq is not None:
        c = f"({_t(q1)} @ {gq}[..., :, :{k}])" if complete else f"({_t(q1)} @ {gq})"
        x, minus_c = f"({c} - {gr1} @ {_t(t['r1'])})", f" - {c}"
    inner = _t(f"tri_solve({rk}, {_t(f'(np.tril({x} - {_t(x)}, -1){minus_c})')}, False)")
    out = f"{q1} @ ({gr1} + pad_last({inner}, np.shape(a)[-1]))"
    if gq is None:  # mode='r': no adjoint of Q
        return out
    gq1 = f"({gq}[..., :, :{k}] - {t['q2']} @ ({_t(f'{gq}[..., :, {k}:]')} @ {q1}))" \
        if complete else gq
    return f"{out} + pad_last({_t(f'tri_solve({rk}, {_t(gq1)}, False)')}, np.shape(a)[-1])"


QR = "a, mode='reduced'"
Q_R = "np.linalg.qr(a)[0]"  # mode='r' returns R alone
_GQ, _GR = "pick_adjoint(g, ans, 0)", "pick_adjoint(g, ans, 1)"
_QR_ADJ = (f"({_qr_adjoint(Q_R, 'ans', None, 'g')} if mode == 'r' else "
           f"{_qr_adjoint('ans[0]', 'ans[1]', _GQ, _GR, True)} if mode == 'complete' else "
           f"{_qr_adjoint('ans[0]', 'ans[1]', _GQ, _GR)})")
defvjp(np.linalg.qr, QR, f"only_real({_QR_ADJ}, a, 'np.linalg.qr')")  # (real a only)
_DQ, _DR = _qr_tangent("ans[0]", "ans[1]", True)
defjvp(np.linalg.qr, QR, f"only_real(({_qr_tangent(Q_R, 'ans', False)[1]} if mode == 'r' else "
       f"({_DQ}, {_DR})), a, 'np.linalg.qr')")

# ----- lstsq: x = pinv(a) b, residual columns r = b - a x -----
PINV = "np.linalg.pinv(a)"
XC = "as_columns(ans[0])"
GX = "as_columns(pick_adjoint(g, ans, 0))"
RES = f"(as_columns(b) - a @ {XC})"
GRES = _row("pick_adjoint(g, ans, 1)")
HAS_RES = "np.size(ans[1]) > 0"
US = "np.linalg.svd(a, full_matrices=False)[0]"
VHS = "np.linalg.svd(a, full_matrices=False)[2]"
LSTSQ = "a, b, rcond=None"
defvjp(np.linalg.lstsq, LSTSQ,
       f"-{_t(PINV)} @ {GX} @ {_t(XC)} + {RES} @ {_t(f'{PINV} @ ({_t(PINV)} @ {GX})')} "
       f"+ ({_t(PINV)} @ {XC}) @ {_t(f'{GX} - {PINV} @ (a @ {GX})')} "
       f"- (2.0 * ({RES} * {GRES}) @ {_t(XC)} if {HAS_RES} else 0.0 * a) "
       f"+ ({US} * {_row('pick_adjoint(g, ans, 3)')}) @ {VHS}",
       f"np.reshape({_t(PINV)} @ {GX} + (2.0 * {RES} * {GRES} if {HAS_RES} else 0.0 * {RES}), "
       "np.shape(b))")
Y_LS = f"({_t(PINV)} @ {XC})"
DRANK = "np.zeros(np.shape(ans[2]))"
defjvp(np.linalg.lstsq, LSTSQ,
       f"(np.reshape(-{PINV} @ (da @ {XC}) + {PINV} @ ({_t(PINV)} @ ({_t('da')} @ {RES})) "
       f"+ {_t('da')} @ {Y_LS} - {PINV} @ (a @ ({_t('da')} @ {Y_LS})), np.shape(ans[0])), "
       f"(-2.0 * np.sum({RES} * (da @ {XC}), axis=-2) if {HAS_RES} else "
       f"np.zeros(np.shape(ans[1]))), {DRANK}, np.sum({US} * (da @ {_t(VHS)}), axis=-2))",
       f"({PINV} @ db, (2.0 * np.sum({RES} * as_columns(db), axis=-2) if {HAS_RES} else "
       f"np.zeros(np.shape(ans[1]))), {DRANK}, np.zeros(np.shape(ans[3])))")

defnondiff(np.linalg.matrix_rank)

# ----- cond -----
# p in (None, 2, -2): s_0 / s_k (or its inverse): d log cond = +-(ds_0 / s_0 - ds_k / s_k)
SIGN = "(-1.0 if p == -2 else 1.0)"
UC = "np.linalg.svd(x, full_matrices=False)[0]"
SC = "np.linalg.svd(x, full_matrices=False, compute_uv=False)"
VHC = "np.linalg.svd(x, full_matrices=False)[2]"
KC = "min(np.shape(x)[-2:])"
# e_0 - e_k (np.where: a template's "* 1.0" is dropped by the compiler, see the report)
ENDS = (f"(np.where(np.arange({KC}) == 0, 1.0, 0.0) "
        f"- np.where(np.arange({KC}) == {KC} - 1, 1.0, 0.0))")
C_SVD = f"{SIGN} * np.expand_dims(ans, -1) * {ENDS} / {SC}"  # shape: ans's + (k,)
# other p (x square): cond = norm(x) norm(inv(x)); d inv(x) = -inv(x) dx inv(x)
XI = "np.linalg.inv(x)"


def _dlog_norm(m: str) -> str:
    axes = "(-2, -1)"
    return f"norm_partial({m}, p, {axes}) / np.linalg.norm({m}, p, {axes}, keepdims=True)"


C_OTHER = (f"{_dlog_norm('x')} - {_t(XI)} @ ({_dlog_norm(XI)}) @ {_t(XI)}")
defvjp(np.linalg.cond, "x, p=None",
       f"(({UC} * {_row(f'np.expand_dims(g, -1) * {C_SVD}')}) @ {VHC} if p in (None, 2, -2) "
       f"else np.expand_dims(g * ans, (-2, -1)) * ({C_OTHER}))")
defjvp(np.linalg.cond, "x, p=None",
       f"(np.sum({C_SVD} * np.sum({UC} * (dx @ {_t(VHC)}), axis=-2), axis=-1) "
       f"if p in (None, 2, -2) else ans * np.sum(dx * ({C_OTHER}), axis=(-2, -1)))")

# ----- tensorsolve: tensordot(a', x, x.ndim) = b, a' = a with the axes moved last -----
MOVED = "tuple(range(-len(axes), 0))"
A_MOVED = f"(a if axes is None else np.moveaxis(a, axes, {MOVED}))"
# a'^T: the axes of x first, then those of b (the transposed system)
A_T = f"np.transpose({A_MOVED}, tuple(range(np.ndim(b), np.ndim(a))) + tuple(range(np.ndim(b))))"
B_ADJ = f"np.linalg.tensorsolve({A_T}, g)"
A_ADJ = f"-np.tensordot({B_ADJ}, ans, 0)"
TSOLVE = "a, b, axes=None"
defvjp(np.linalg.tensorsolve, TSOLVE,
       f"({A_ADJ} if axes is None else np.moveaxis({A_ADJ}, {MOVED}, axes))", B_ADJ)
DA_MOVED = f"(da if axes is None else np.moveaxis(da, axes, {MOVED}))"
defjvp(np.linalg.tensorsolve, TSOLVE,
       f"-np.linalg.tensorsolve(a, np.tensordot({DA_MOVED}, ans, np.ndim(ans)), axes)",
       "np.linalg.tensorsolve(a, db, axes)")

# ----- tensorinv: ans (shape a.shape[ind:] + a.shape[:ind]) is inv of a as a matrix -----
N2 = "(np.ndim(a) - ind)"
IA_T = f"np.transpose(ans, tuple(range({N2}, np.ndim(a))) + tuple(range({N2})))"
defvjp(np.linalg.tensorinv, "a, ind=2",
       f"-np.tensordot(np.tensordot({IA_T}, g, {N2}), {IA_T}, ind)")
defjvp(np.linalg.tensorinv, "a, ind=2", f"-np.tensordot(np.tensordot(ans, da, ind), ans, {N2})")
