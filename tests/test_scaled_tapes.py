"""A matrix scaled by rows or columns in each step of a loop and read by the reverse
sweep only in matrix products is taped as its scale (``compiler/scaled_tapes.py``):
``(X * w[:, None]) @ g`` read as ``w * (X @ g)``.  And a matrix product computed twice
in a block, or with one operand negated, is computed once (``compiler/shared_matmuls.py``).

Each against central differences; the source checked for the form where the rewrite
applies, and left alone where it must not: the scale written in place after the
scaling, the scaled matrix read otherwise too, a product inside a conditional
expression, an operand written between two products.
"""
import ast

import gast
import numpy as np
import pytest

from gradcheck import check_grad, grad_code
from s2sad.compiler import scaled_tapes
from s2sad.compiler.names import Namer
from s2sad.compiler.node_scans import has_operator
from s2sad.compiler.shared_matmuls import share_matmuls


def irls(y, delta, X):
    beta = np.linalg.solve(X.T @ X, X.T @ y)
    for _ in range(3):
        r = y - X @ beta
        w = np.minimum(1.0, delta / np.abs(r))
        Xw = X * w[:, None]
        beta = np.linalg.solve(Xw.T @ X, Xw.T @ y)
    return np.sum((X @ beta) ** 2)


def column_scaled(v, A):
    """Columns scaled (``A * s``), read as ``As @ v`` and ``v2 @ As.T``."""
    for _ in range(3):
        s = np.tanh(v[: A.shape[1]]) + 2.0
        As = A * s
        u = np.sin(As @ v[: A.shape[1]])
        v = v + 0.1 * np.concatenate([u @ As, np.zeros(v.shape[0] - A.shape[1])])
    return np.sum(v ** 2)


def left_read(g, X):
    """Rows scaled, read on the right of ``@`` (``g2 @ Xw``) and transposed."""
    for _ in range(2):
        w = np.exp(-g[: X.shape[0]] ** 2)
        Xw = X * w[:, None]
        h = np.cos(g[: X.shape[0]] @ Xw)
        g = g * 0.9 + 0.1 * np.sum(Xw.T @ np.ones(X.shape[0])) + 0.05 * np.sum(h)
    return np.sum(g ** 3)


def scale_written_later(y, X):
    """``w`` written in place after the scaling: the tape must keep ``Xw`` itself."""
    for _ in range(2):
        w = np.abs(y) + 1.0
        Xw = X * w[:, None]
        w[0] = 7.0
        y = y + 0.1 * np.tanh(Xw @ np.ones(X.shape[1])) * w
    return np.sum(y ** 2)


def scaled_read_otherwise(y, X):
    """``Xw`` also read elementwise in the reverse sweep: taped as it is."""
    for _ in range(2):
        w = np.abs(y) + 1.0
        Xw = X * w[:, None]
        y = y + 0.1 * np.sin(Xw.T @ y).sum() + 0.01 * np.sum(Xw ** 2)
    return np.sum(y ** 2)


def _rng(seed):
    return np.random.default_rng(seed)


def test_irls_tapes_the_weights_not_the_weighted_rows():
    r = _rng(0)
    X = r.standard_normal((12, 3))
    y = X @ r.standard_normal(3) + r.standard_t(2.0, 12)
    for delta in (0.3, 1.0, 50.0):  # (weights clipped at some rows, at none)
        check_grad(irls, y, delta, X, wrt=(0, 1))
    code = grad_code(irls, y, 1.0, X, wrt=(0, 1))
    push = code.split("stack.append(")[1].split("\n")[0]
    assert "Xw" not in push and "w" in push, code
    assert "dy += w * matmul" in code, code


def test_columns_scaled_tape_the_scale():
    r = _rng(1)
    A = r.standard_normal((4, 3))
    v = r.standard_normal(5)
    check_grad(column_scaled, v, A)
    code = grad_code(column_scaled, v, A)
    push = code.split("stack.append(")[1].split("\n")[0]
    assert "As" not in push, code


def test_rows_scaled_read_on_the_left_and_transposed():
    r = _rng(2)
    X = r.standard_normal((4, 3))
    g = 0.5 * r.standard_normal(6)
    check_grad(left_read, g, X)
    push = grad_code(left_read, g, X).split("stack.append(")[1].split("\n")[0]
    assert "Xw" not in push, push


def test_a_scale_written_after_the_scaling_keeps_the_product_on_the_tape():
    r = _rng(3)
    X = r.standard_normal((5, 2))
    check_grad(scale_written_later, r.standard_normal(5), X)
    code = grad_code(scale_written_later, r.standard_normal(5), X)
    assert "w * (X @" not in code, code


def test_a_scaled_matrix_read_elementwise_stays_on_the_tape():
    r = _rng(4)
    X = r.standard_normal((5, 5))
    check_grad(scaled_read_otherwise, 0.3 * r.standard_normal(5), X)


def test_a_local_matrix_scaled_is_left_alone():
    def local_matrix(y, X):
        Z = X + 1.0
        for _ in range(2):
            w = np.abs(y) + 1.0
            Zw = Z * w[:, None]
            y = y + 0.1 * np.tanh(Zw @ np.ones(Z.shape[1]))
        return np.sum(y ** 2)
    r = _rng(5)
    check_grad(local_matrix, r.standard_normal(4), r.standard_normal((4, 3)))


# ----- one matrix product for two (or one negated) -------------------------------------

def _shared(text: str) -> tuple[str, bool]:
    """``share_matmuls`` on the statements of ``text``: (the source after, changed)."""
    body = gast.parse(text).body
    changed = share_matmuls(body, Namer(set()))
    tree = ast.fix_missing_locations(gast.gast_to_ast(gast.Module(body=body, type_ignores=[])))
    return ast.unparse(tree), changed


def _same_values(before: str, after: str) -> None:
    r = _rng(9)
    names = {"np": np, "X": r.standard_normal((4, 3)), "g": r.standard_normal(3),
             "b": r.standard_normal(4)}
    one, two = dict(names, g=names["g"].copy()), dict(names, g=names["g"].copy())
    exec(before, one)
    exec(after, two)
    assert np.allclose(one["out"], two["out"], rtol=1e-14, atol=1e-14)


def test_a_product_and_its_negated_twin_computed_once():
    text = "u = b * (X @ g)\nout = u + np.sin(X @ -g)"
    after, changed = _shared(text)
    assert changed and after.count("X @ g") == 1 and "X @ -g" not in after, after
    _same_values(text, after)


def test_a_product_of_transposes_thrice():
    text = "u = X.T @ b\nv = np.cos(X.T @ b)\nout = np.concatenate([u, v, -X.T @ b])"
    after, changed = _shared(text)
    assert changed and after.count("X.T @ b") == 1, after
    _same_values(text, after)


def test_an_operand_written_between_is_not_shared():
    for write in ("g[0] = 5.0", "g += 1.0", "np.negative(g, out=g)", "g = g * 2.0"):
        text = f"u = X @ g\n{write}\nout = u + X @ -g"
        after, changed = _shared(text)
        assert not changed, after
        _same_values(text, after)


def test_a_product_in_a_conditional_expression_stays_there():
    text = "u = X @ g if np.sum(g) > 0 else b\nout = u + X @ g"
    after, changed = _shared(text)
    assert not changed, after


def conditional(g, X):
    s = np.sum(g)
    t = np.sum(X @ g) if s > 0 else 0.0
    return t + np.sum(np.sin(X @ g)) + np.sum(np.cos(X @ -g))


def test_a_product_beside_a_data_dependent_branch_both_ways():
    r = _rng(8)
    X = r.standard_normal((4, 3))
    for g in (np.abs(r.standard_normal(3)), -np.abs(r.standard_normal(3))):
        check_grad(conditional, g, X, wrt=(0, 1))


# ----- what may write into a scale --------------------------------------------------

@pytest.mark.parametrize("text, changes", [
    ("v = w[:, None]\nv[0] = 1.0", True),  # (a view of it written)
    ("t = w + 1.0\nt[0] = 1.0", False),  # (a new array written)
    ("np.copyto(w, z)", True),
    ("w += 1.0", True),
    ("np.add(z, 1.0, out=w)", True),
    ("stack.append((w, z))\nu = np.sum(w)", False),
    ("user_helper(w)", True),  # (a call s2sad does not know could keep or write it)
])
def test_what_may_write_into_a_scale(text, changes):
    assert scaled_tapes._may_change("w", gast.parse(text).body, {"np": np}) is changes


# ----- where no product is, nothing is walked (``node_scans.has_operator``) -----------

def test_products_only_inside_a_loop_are_shared_there():
    text = ("out = b * 0.0\nfor k in range(2):\n"
            "    u = X @ g\n    out = out + u[0] + np.sum(X @ -g)")
    after, changed = _shared(text)
    assert changed and after.count("X @ g") == 1 and "X @ -g" not in after, after
    _same_values(text, after)


def test_no_product_leaves_the_body_as_it_was():
    text = "u = X * g[0]\nfor k in range(2):\n    u = u + b[k] * u\nout = np.sum(u) * b"
    after, changed = _shared(text)
    assert not changed and after == ast.unparse(ast.parse(text)), after


def test_an_operand_written_before_the_first_product_still_shares_after_it():
    text = "g[0] = 5.0\nu = X @ g\nout = u + X @ -g"
    after, changed = _shared(text)
    assert changed and after.count("X @ g") == 1, after
    _same_values(text, after)


@pytest.mark.parametrize("text, found", [
    ("y = np.sin(a + (b @ c)[0])", True),  # (nested in a call and a subscript)
    ("a @= b", True),  # (an augmented assignment)
    ("for i in range(2):\n    y = [a @ b for _ in x]", True),  # (in a loop's body)
    ("y = a * b\ny = a.dot(b)", False),
])
def test_has_operator_finds_a_matrix_product_wherever_it_is(text, found):
    assert has_operator(gast.parse(text).body, gast.MatMult) is found
