"""Linear algebra: products (``dot``, ``@``, ``tensordot``, ``einsum``...),
diagonals, and ``np.linalg``.

Products are bilinear: the forward term of each operand is the product with
its tangent in place (``da @ b``); the reverse templates handle vectors,
matrices, and batched and broadcast stacks.  ``X^T`` is the transpose of the
last two axes.  Conventions: ``norm`` has derivative 0 at a zero vector (and
max-type norms split it among ties); ``cholesky`` treats its argument as
symmetric and returns a symmetric adjoint; ``det``'s adjoint needs an
invertible matrix.  ``slogdet`` returns ``(sign, logabsdet)``: its reverse
template receives ``g`` as the tuple ``(g_sign, g_logdet)`` whose entries may
be ``None``, and its forward term is the tuple ``(0, dlogabsdet)``.

``cross`` is for 3-vectors and 2-vectors (and stacks of them, broadcast).  ``pinv`` is
differentiated as a full-rank pseudo-inverse (its rank is locally constant).
``multi_dot`` takes a list of matrices (the first and last may be vectors) and
returns a list adjoint.  ``eigh`` treats its argument as symmetric, Hermitian if complex (like
``cholesky``) and returns a symmetric adjoint; its output is ``(w, v)`` and
its reverse template receives ``g = (g_w, g_v)`` whose entries may be
``None``: ``g_w`` gives ``v diag(g_w) v^T``, exact for repeated eigenvalues
too; ``g_v`` gives ``v (F o v^T g_v) v^T`` with ``F_ij = 1 / (w_j - w_i)``,
and ``F_ij = 0`` where ``w_i == w_j`` (the eigenvectors of a repeated
eigenvalue are not unique: this is exact for what does not depend on their
choice, and finite always).  Its forward term is the tuple ``(dw, dv)``,
``dv = v (F o v^T da v)``.  The NumPy 2 spellings ``np.linalg.matmul``,
``outer``, ``trace``, ``vector_norm`` and ``matrix_norm`` have rules when
they exist.
"""
import numpy as np

from s2sad.rules.facts import deffactors, defshape
from s2sad.rules.numpy_decompositions import recip
from s2sad.rules.registry import defjvp, deflinear, defvjp

# ----- products -----
defvjp(np.dot, "a, b", "dot_lhs_adjoint(g, a, b)", "dot_rhs_adjoint(g, a, b)")
defjvp(np.dot, "a, b", "np.dot(da, b)", "np.dot(a, db)")
# vdot(a, b) = sum(conj(a) * b): a's adjoint through the conjugate (no change for reals)
defvjp(np.vdot, "a, b", "np.reshape(np.conj(g * np.ravel(b)), np.shape(a))",
       "np.reshape(g * np.conj(np.ravel(a)), np.shape(b))")
defjvp(np.vdot, "a, b", "np.vdot(da, b)", "np.vdot(a, db)")
defvjp(np.matmul, "a, b", "matmul_lhs_adjoint(g, a, b)", "matmul_rhs_adjoint(g, a, b)")
defjvp(np.matmul, "a, b", "np.matmul(da, b)", "np.matmul(a, db)")
defvjp(np.inner, "a, b", "inner_lhs_adjoint(g, a, b)", "inner_rhs_adjoint(g, a, b)")
defjvp(np.inner, "a, b", "np.inner(da, b)", "np.inner(a, db)")
defvjp(np.outer, "a, b", "np.reshape(g @ np.ravel(b), np.shape(a))",
       "np.reshape(np.ravel(a) @ g, np.shape(b))")
defjvp(np.outer, "a, b", "np.outer(da, b)", "np.outer(a, db)")
# (the compiler writes a vector's outer product as np.multiply.outer: no ravel)
defvjp(np.multiply.outer, "a, b", "np.tensordot(g, b, np.ndim(b))",
       "np.tensordot(a, g, np.ndim(a))")
defjvp(np.multiply.outer, "a, b", "np.multiply.outer(da, b)", "np.multiply.outer(a, db)")
# sums and differences of every pair: each operand's adjoint sums over the other's axes
_OVER_B = "np.sum(g, axis=tuple(range(np.ndim(a), np.ndim(g))))"
_OVER_A = "np.sum(g, axis=tuple(range(np.ndim(a))))"
defvjp(np.add.outer, "a, b", _OVER_B, _OVER_A)
defjvp(np.add.outer, "a, b", "np.add.outer(da, 0.0 * b)", "np.add.outer(0.0 * a, db)")
defvjp(np.subtract.outer, "a, b", _OVER_B, f"-{_OVER_A}")
defjvp(np.subtract.outer, "a, b", "np.subtract.outer(da, 0.0 * b)",
       "np.subtract.outer(0.0 * a, db)")
defvjp(np.tensordot, "a, b, axes=2",
       "tensordot_lhs_adjoint(g, a, b, axes)", "tensordot_rhs_adjoint(g, a, b, axes)")
defjvp(np.tensordot, "a, b, axes=2", "np.tensordot(da, b, axes)", "np.tensordot(a, db, axes)")
defvjp(np.kron, "a, b", "kron_lhs_adjoint(g, a, b)", "kron_rhs_adjoint(g, a, b)")
defjvp(np.kron, "a, b", "np.kron(da, b)", "np.kron(a, db)")
defvjp(np.vecdot, "x1, x2, *, axis=-1", "unbroadcast(np.expand_dims(g, axis) * x2, x1)",
       "unbroadcast(np.expand_dims(g, axis) * x1, x2)")
defjvp(np.vecdot, "x1, x2, *, axis=-1", "np.vecdot(dx1, x2, axis=axis)",
       "np.vecdot(x1, dx2, axis=axis)")

# ----- einsum: operand i's adjoint is an einsum of g with the others -----
EINSUM = "subscripts, *operands, out=None, optimize=False"
# the first argument is an operand itself when the sublists are held in variables
# (np.einsum(a, s0, b, s1)): its adjoint is operand -1's, read as NumPy reads the call
defvjp(np.einsum, EINSUM, "einsum_adjoint(g, subscripts, operands, -1)",
       varargs="einsum_adjoint(g, subscripts, operands, i)")
defjvp(np.einsum, EINSUM, "einsum_with(subscripts, operands, -1, dsubscripts)",
       varargs="einsum_with(subscripts, operands, i, doperands)")

# ----- diagonals and triangles -----
deflinear(np.trace, "a, offset=0, axis1=0, axis2=1, dtype=None, out=None",
          "untrace(g, a, offset, axis1, axis2)")
deflinear(np.diagonal, "a, offset=0, axis1=0, axis2=1", "undiagonal(g, a, offset, axis1, axis2)")
deflinear(np.diag, "v, k=0", "diag_adjoint(g, v, k)")
deflinear(np.tril, "m, k=0", "np.tril(g, k)")
deflinear(np.triu, "m, k=0", "np.triu(g, k)")

# ----- np.linalg -----
defvjp(np.linalg.inv, "a", "-np.matrix_transpose(ans) @ g @ np.matrix_transpose(ans)")
defjvp(np.linalg.inv, "a", "-ans @ da @ ans")
defvjp(np.linalg.solve, "a, b", "solve_lhs_adjoint(g, a, b, ans)", "solve_rhs_adjoint(g, a, b)")
defjvp(np.linalg.solve, "a, b", "solve_lhs_tangent(da, a, b, ans)", "solve_rhs_tangent(db, a, b)")
INV_T = "np.matrix_transpose(np.linalg.inv(a))"
defvjp(np.linalg.det, "a", f"np.expand_dims(g * ans, (-2, -1)) * {INV_T}")
defjvp(np.linalg.det, "a", "ans * np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1)")
defshape((np.linalg.slogdet, np.linalg.eigh), "container")  # tuples of arrays
deffactors(np.linalg.slogdet)  # (of a real matrix: a real sign and log)
deffactors(np.linalg.eigh, keywords={"UPLO"})  # (real eigenvalues and vectors)
defshape(tuple(getattr(np.linalg, name) for name in (
    "matrix_power", "multi_dot", "cond", "eigvals", "eigvalsh", "vector_norm",
    "matrix_norm", "trace", "diagonal", "outer", "tensorsolve", "tensorinv", "matmul",
    "vecdot", "cross", "matrix_transpose") if hasattr(np.linalg, name)), "probe")
defvjp(np.linalg.slogdet, "a", f"np.expand_dims(pick_adjoint(g, ans, 1), (-2, -1)) * {INV_T}")
defjvp(np.linalg.slogdet, "a", "(np.zeros(np.shape(ans[0])), "
       "np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1))")
defvjp(np.linalg.norm, "x, ord=None, axis=None, keepdims=False",
       "repeat_to(g, x, axis, keepdims) * norm_partial(x, ord, axis, False, ans, keepdims)")
defjvp(np.linalg.norm, "x, ord=None, axis=None, keepdims=False",
       "np.real(np.sum(dx * norm_partial(x, ord, axis), axis=axis, keepdims=keepdims))")
# cholesky reads one triangle of a (the upper one with upper=True), like eigh
defvjp(np.linalg.cholesky, "a, *, upper=False",
       "triangle_read_adjoint(cholesky_adjoint(g, ans, upper), upper)")
defjvp(np.linalg.cholesky, "a, *, upper=False",
       "cholesky_tangent(triangle_read(da, upper), ans, upper)")
defvjp(np.linalg.matrix_power, "a, n", "matrix_power_adjoint(g, a, n)")
defjvp(np.linalg.matrix_power, "a, n", "matrix_power_tangent(da, a, n)")


# ----- cross: bilinear, <g, a x b> = <a, b x g> = <b, g x a> -----
CROSS = "a, b, axisa=-1, axisb=-1, axisc=-1, axis=None"
defvjp(np.cross, CROSS, "cross_adjoint(g, a, b, axisa, axisb, axisc, axis)",
       "-cross_adjoint(g, b, a, axisb, axisa, axisc, axis)")
defjvp(np.cross, CROSS, "np.cross(da, b, axisa, axisb, axisc, axis)",
       "np.cross(a, db, axisa, axisb, axisc, axis)")

# ----- pinv (full rank): X = pinv(A); dX = -X dA X + X X^T dA^T (I - A X)
#       + (I - X A) dA^T X^T X, and its transpose -----
XT, GT = "np.matrix_transpose(ans)", "np.matrix_transpose(g)"
#       (hermitian=True: NumPy reads the lower triangle of a (eigh), the upper one gets
#       nothing; the formula holds for the symmetric matrix read)
PINV = "a, rcond=None, hermitian=False"
SA = "(triangle_read(a, 'L') if hermitian else a)"
SDA = "(triangle_read(da, 'L') if hermitian else da)"
PINV_ADJ = (f"-{XT} @ g @ {XT} + ({GT} - {SA} @ (ans @ {GT})) @ (ans @ {XT}) "
            f"+ ({XT} @ ans) @ ({GT} - ({GT} @ ans) @ {SA})")
defvjp(np.linalg.pinv, PINV, f"(triangle_read_adjoint({PINV_ADJ}, 'L') if hermitian "
       f"else {PINV_ADJ})")
defjvp(np.linalg.pinv, PINV, f"-ans @ {SDA} @ ans + (ans @ {XT}) @ (np.matrix_transpose({SDA}) "
       f"- (np.matrix_transpose({SDA}) @ {SA}) @ ans) + (np.matrix_transpose({SDA}) - ans @ "
       f"({SA} @ np.matrix_transpose({SDA}))) @ ({XT} @ ans)")

# ----- multi_dot: a list of factors, a list adjoint -----
defvjp(np.linalg.multi_dot, "arrays, *, out=None",
       "unconcat(multi_dot_adjoint(g, arrays), arrays, None)")
defjvp(np.linalg.multi_dot, "arrays, *, out=None", "multi_dot_tangent(arrays, darrays)")

# ----- eigh: (w, v) with a = v diag(w) v^T, a symmetric -----
V, W = "ans[1]", "ans[0]"
VT = f"np.matrix_transpose({V})"
GAPS = f"np.expand_dims({W}, -2) - np.expand_dims({W}, -1)"  # w_j - w_i
F = recip(GAPS)  # 1 / (w_j - w_i); 0 where equal (no 0 / 0: no NaN on the diagonal)
EIG_INNER = (f"np.expand_dims(pick_adjoint(g, ans, 0), -1) * np.eye(np.shape(a)[-1]) "
             f"+ ({VT} @ pick_adjoint(g, ans, 1)) * {F}")
EIG_ADJ = f"np.conj({V}) @ ({EIG_INNER}) @ {VT}"
# NumPy reads one triangle of a (UPLO): the other one gets no gradient, and an entry of
# the triangle read counts for both places it fills (docs/kinks.md); of a complex a, the
# Hermitian matrix it reads (the conjugate mirrored, a real diagonal)
defvjp(np.linalg.eigh, "a, UPLO='L'", f"hermitian_read_adjoint({EIG_ADJ}, UPLO)")
DS = "hermitian_read(da, UPLO)"
VH = f"np.conj({VT})"
defjvp(np.linalg.eigh, "a, UPLO='L'", f"(np.real(np.sum(np.conj({V}) * ({DS} @ {V}), axis=-2)), "
       f"{V} @ (({VH} @ {DS} @ {V}) * {F}))")
VA = "np.linalg.eigh(a, UPLO)[1]"
# conj(V) diag(g) V^T (spectral_sum, by the columns whose g is not zero only, left out:
# differentiated again, a g zero in a column has a tangent there all the same)
defvjp(np.linalg.eigvalsh, "a, UPLO='L'", f"hermitian_read_adjoint((np.conj({VA}) * "
       f"np.expand_dims(g, -2)) @ np.matrix_transpose({VA}), UPLO)")
defjvp(np.linalg.eigvalsh, "a, UPLO='L'",
       f"np.real(np.sum(np.conj({VA}) * ({DS} @ {VA}), axis=-2))")

# ----- NumPy 2 spellings in np.linalg (same templates as their counterparts) -----
if hasattr(np.linalg, "matmul"):
    defvjp(np.linalg.matmul, "x1, x2", "matmul_lhs_adjoint(g, x1, x2)",
           "matmul_rhs_adjoint(g, x1, x2)")
    defjvp(np.linalg.matmul, "x1, x2", "np.matmul(dx1, x2)", "np.matmul(x1, dx2)")
if hasattr(np.linalg, "vecdot"):  # (a function of its own, not np.vecdot)
    defvjp(np.linalg.vecdot, "x1, x2, *, axis=-1",
           "unbroadcast(np.expand_dims(g, axis) * x2, x1)",
           "unbroadcast(np.expand_dims(g, axis) * x1, x2)")
    defjvp(np.linalg.vecdot, "x1, x2, *, axis=-1", "np.vecdot(dx1, x2, axis=axis)",
           "np.vecdot(x1, dx2, axis=axis)")
if hasattr(np.linalg, "tensordot"):
    defvjp(np.linalg.tensordot, "x1, x2, *, axes=2", "tensordot_lhs_adjoint(g, x1, x2, axes)",
           "tensordot_rhs_adjoint(g, x1, x2, axes)")
    defjvp(np.linalg.tensordot, "x1, x2, *, axes=2", "np.tensordot(dx1, x2, axes)",
           "np.tensordot(x1, dx2, axes)")
if hasattr(np.linalg, "matrix_transpose"):  # (a function of its own, not np.matrix_transpose)
    deflinear(np.linalg.matrix_transpose, "x", "np.matrix_transpose(g)")
if hasattr(np.linalg, "outer"):
    defvjp(np.linalg.outer, "x1, x2", "np.reshape(g @ np.ravel(x2), np.shape(x1))",
           "np.reshape(np.ravel(x1) @ g, np.shape(x2))")
    defjvp(np.linalg.outer, "x1, x2", "np.outer(dx1, x2)", "np.outer(x1, dx2)")
if hasattr(np.linalg, "trace"):
    deflinear(np.linalg.trace, "x, *, offset=0, dtype=None", "untrace(g, x, offset, -2, -1)")
if hasattr(np.linalg, "vector_norm"):
    VNORM = "x, *, axis=None, keepdims=False, ord=2"
    defvjp(np.linalg.vector_norm, VNORM,
           "repeat_to(g, x, axis, keepdims) * norm_partial(x, ord, axis, True)")
    defjvp(np.linalg.vector_norm, VNORM,
           "np.real(np.sum(dx * norm_partial(x, ord, axis, True), axis=axis, "
           "keepdims=keepdims))")
if hasattr(np.linalg, "matrix_norm"):
    MNORM = "x, *, keepdims=False, ord='fro'"
    defvjp(np.linalg.matrix_norm, MNORM,
           "repeat_to(g, x, (-2, -1), keepdims) * norm_partial(x, ord, (-2, -1))")
    defjvp(np.linalg.matrix_norm, MNORM,
           "np.real(np.sum(dx * norm_partial(x, ord, (-2, -1)), axis=(-2, -1), "
           "keepdims=keepdims))")
