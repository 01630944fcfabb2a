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
"""
import numpy as np

from s2sad.rules.registry import defjvp, deflinear, defvjp

# ----- products -----
defvjp(np.dot, "a, b", "dot_lhs_adjoint(g, a, b)", "dot_rhs_adjoint(g, a, b)")
defjvp(np.dot, "a, b", "np.dot(da, b)", "np.dot(a, db)")
defvjp(np.vdot, "a, b", "np.reshape(g * np.ravel(b), np.shape(a))",
       "np.reshape(g * np.ravel(a), np.shape(b))")
defjvp(np.vdot, "a, b", "np.vdot(da, b)", "np.vdot(a, db)")
defvjp(np.matmul, "a, b", "matmul_lhs_adjoint(g, a, b)", "matmul_rhs_adjoint(g, a, b)")
defjvp(np.matmul, "a, b", "np.matmul(da, b)", "np.matmul(a, db)")
defvjp(np.inner, "a, b", "inner_lhs_adjoint(g, a, b)", "inner_rhs_adjoint(g, a, b)")
defjvp(np.inner, "a, b", "np.inner(da, b)", "np.inner(a, db)")
defvjp(np.outer, "a, b", "np.reshape(g @ np.ravel(b), np.shape(a))",
       "np.reshape(np.ravel(a) @ g, np.shape(b))")
defjvp(np.outer, "a, b", "np.outer(da, b)", "np.outer(a, db)")
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
defvjp(np.einsum, EINSUM, None, varargs="einsum_adjoint(g, subscripts, operands, i)")
defjvp(np.einsum, EINSUM, None,
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
defvjp(np.linalg.slogdet, "a", f"np.expand_dims(pick_adjoint(g, ans, 1), (-2, -1)) * {INV_T}")
defjvp(np.linalg.slogdet, "a", "(np.zeros(np.shape(ans[0])), "
       "np.trace(np.linalg.solve(a, da), axis1=-2, axis2=-1))")
defvjp(np.linalg.norm, "x, ord=None, axis=None, keepdims=False",
       "repeat_to(g, x, axis, keepdims) * norm_partial(x, ord, axis)")
defjvp(np.linalg.norm, "x, ord=None, axis=None, keepdims=False",
       "np.sum(dx * norm_partial(x, ord, axis), axis=axis, keepdims=keepdims)")
defvjp(np.linalg.cholesky, "a, *, upper=False", "cholesky_adjoint(g, ans, upper)")
defjvp(np.linalg.cholesky, "a, *, upper=False", "cholesky_tangent(da, ans, upper)")
defvjp(np.linalg.matrix_power, "a, n", "matrix_power_adjoint(g, a, n)")
defjvp(np.linalg.matrix_power, "a, n", "matrix_power_tangent(da, a, n)")
