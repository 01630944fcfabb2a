"""A value popped from the tape is as inexact as the value pushed (``compiler/inexact.py``):
the reverse sweep of a loop reads its unit vectors popped, and ``np.sum(dq * q / n)``
of them is contracted to ``dq @ q / n`` (``compiler/contractions.py``) only when one
factor is surely inexact (``@`` of two int arrays would not widen as ``np.sum`` does).
The quaternion chain of the benchmarks spent a third of its reverse sweep on the sum.

Each against central differences (and forward mode and the Hessian); the source
checked for the dot; an integer array pushed keeps its sum.
"""
import numpy as np

from gradcheck import check_grad, check_hessian, check_jvp, grad_code
from s2sad.compiler import inexact


def unit_chain(qs, v):
    s = v
    for i in range(qs.shape[0]):
        u = qs[i] / np.linalg.norm(qs[i])
        s = s * (u @ s) + u
    return np.sum(s * s)


def unit_sum(qs):
    total = 0.0
    for i in range(qs.shape[0]):
        u = qs[i] / np.linalg.norm(qs[i])
        total = total + np.sum(np.sin(u)) * np.cos(total)
    return total


def scaled_rows(A, c):
    acc = np.zeros(A.shape[1])
    for i in range(A.shape[0]):
        w = A[i] * c
        acc = acc + np.tanh(w) / (1.0 + np.sum(w * w))
    return np.sum(acc ** 2)


def test_a_unit_vector_popped_is_contracted():
    rng = np.random.default_rng(0)
    qs, v = rng.standard_normal((5, 4)), rng.standard_normal(4)
    check_grad(unit_chain, qs, v, wrt=(0, 1))
    check_jvp(unit_chain, qs, v, wrt=(0, 1))
    code = grad_code(unit_chain, qs, v, wrt=(0, 1))
    assert "np.sum(" not in code.split("reversed(")[1], code


def test_a_unit_vector_in_a_scalar_recurrence():
    rng = np.random.default_rng(1)
    qs = rng.standard_normal((6, 3))
    check_grad(unit_sum, qs)
    check_jvp(unit_sum, qs)
    check_hessian(unit_sum, qs[:3])
    code = grad_code(unit_sum, qs)
    assert "np.sum(" not in code.split("reversed(")[1], code


def test_scaled_rows_popped():
    rng = np.random.default_rng(2)
    A = rng.standard_normal((4, 3))
    for c in (0.5, -1.5):
        check_grad(scaled_rows, A, c, wrt=(0, 1))
        check_jvp(scaled_rows, A, c, wrt=(0, 1))
    check_hessian(lambda A: scaled_rows(A, 0.7), A)


def _names(source: str) -> set[str]:
    import gast

    from s2sad.compiler import tape
    tree = gast.parse(source)
    body = tree.body
    push, pop = body[1], body[2]
    push.s2sad_slot = pop.s2sad_slot = next(tape.SLOTS)
    return inexact.inexact_names(body, {"np": np})


def test_the_names_a_pop_binds():
    """A pop's name is inexact where every push gives it an inexact value; an integer
    pushed, or a name pushed that is only ever the pop's own, is not."""
    found = _names("u = x / 2.0\nstack.append((u, k))\nv, k2 = stack.pop()\n")
    assert "v" in found and "k2" not in found
    found = _names("u = x / 2.0\nstack.append((u, x))\nu, x = stack.pop()\n")
    assert "u" in found and "x" not in found
