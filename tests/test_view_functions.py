"""Library functions that return a view of their argument (``np.rollaxis``,
``np.linalg.matrix_transpose``, ``np.unstack``, ``np.trim_zeros``, ``np.asarray_chkfinite``,
``np.einsum("ii->i", A)`` of one operand): a write through the result changes the
argument in Python.  The alias stage took them for new arrays, so such a write was lost
from the base: a wrong value and gradient.  They are views now (compiler/alias_objects.py),
and the write is refused where the base is read after it, as for ``np.swapaxes``; an
einsum that sums an axis or has two operands still makes a new array, written in place.
The first test keeps the table whole against NumPy itself."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_jvp, check_vjp
from s2sad.compiler.alias_objects import ITSELF, VIEWS, einsum_view
from s2sad.compiler.alias_writes import SHARING
from s2sad.compiler.gast_parse import parse

# sharing memory with the argument, but not an array view a write goes through: index
# grids of np.ix_ (integer arrays), a dlpack capsule's array (no Python array is given)
NOT_VIEWS = {"ix_", "from_dlpack"}
# writers, memory tests, and functions with effects outside (files, printing, settings)
SKIPPED = {"fill_diagonal", "put", "putmask", "place", "copyto", "shares_memory",
           "may_share_memory", "frombuffer", "memmap", "nditer", "nested_iters", "test",
           "info", "show_config", "show_runtime", "save", "savez", "savez_compressed",
           "savetxt", "load", "loadtxt", "genfromtxt", "fromfile", "seterr", "seterrcall",
           "setbufsize", "set_printoptions", "printoptions", "get_include"}


def _sharing_functions() -> list[tuple[str, object]]:
    """(name, function) of every public NumPy function that returns (a tuple holding)
    memory of its one array argument, probed on a small float matrix and vector."""
    a = np.arange(1.0, 7.0).reshape(2, 3)
    found = []
    for prefix, mod in (("np.", np), ("np.linalg.", np.linalg)):
        for name in dir(mod):
            f = getattr(mod, name)
            if name.startswith("_") or name in SKIPPED or not callable(f) or \
                    isinstance(f, type):
                continue
            for args in ((a,), (a[0],), (a, 1)):
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        r = f(*args)
                except Exception:  # (not a function of this argument)
                    continue
                items = r if isinstance(r, (tuple, list)) else [r]
                if any(isinstance(v, np.ndarray) and np.shares_memory(v, a) for v in items):
                    found.append((prefix + name, f))
                break
    return found


def test_every_numpy_function_returning_a_view_is_known():
    """A NumPy function that returns (part of) its argument's memory and is not in the
    alias stage's tables would be taken for a new array: a write through it lost."""
    missing = [name for name, f in _sharing_functions()
               if f not in VIEWS | ITSELF | SHARING and name.split(".")[-1] not in NOT_VIEWS]
    assert not missing
    assert len(_sharing_functions()) > 20  # (the probe finds reshape, transpose, ...)


@pytest.mark.parametrize("spec, expected", [
    ("ii->i", True), ("ij->ji", True), ("ij", True), ("...ii->...i", True),
    ("ij->j", False), ("ii", False), ("ij,jk->ik", False)])
def test_einsum_view_reads_the_subscripts(spec, expected):
    operands = ", A" * (spec.count(",") + 1)
    call = parse(f"np.einsum({spec!r}{operands})").body[0].value
    assert einsum_view(call) is expected
    A = np.arange(9.0).reshape(3, 3)
    assert np.shares_memory(np.einsum(spec, *[A] * (spec.count(",") + 1)), A) is expected


def rolled_write(x):
    a = x.reshape(2, 3) * 1.0
    b = np.rollaxis(a, 1)
    b[0] = x[:2] ** 2
    return np.sum(a * np.arange(6.0).reshape(2, 3))


def matrix_transpose_scaled(x):
    a = x.reshape(2, 3) * 1.0
    b = np.linalg.matrix_transpose(a)
    b[0] *= 3.0
    return np.sum(a * np.arange(6.0).reshape(2, 3))


def unstacked_row_added(x):
    a = x.reshape(2, 3) * 1.0
    r0, r1 = np.unstack(a)
    r0 += r1 ** 2
    return np.sum(a * np.arange(6.0).reshape(2, 3))


def trimmed_scaled(x):
    a = np.concatenate([[0.0], x, [0.0]])
    t = np.trim_zeros(a)
    t *= 2.0
    return np.sum(a ** 2)


def checked_then_written(x):
    a = x * 2.0
    b = np.asarray_chkfinite(a)
    b[1] = 0.0
    return np.sum(a ** 2)


def einsum_diagonal_shifted(x):
    A = np.outer(x, x)
    d = np.einsum("ii->i", A)
    d += 1.0
    return np.sum(A * np.arange(36.0).reshape(6, 6))


def einsum_transpose_row_cleared(x):
    A = np.outer(x, x[:3])
    T = np.einsum("ij->ji", A)
    T[0] = 0.0
    return np.sum(A ** 2)


X6 = np.array([0.3, -0.8, 1.2, 0.4, -0.1, 0.7])
WRITES_THROUGH_VIEWS = [rolled_write, matrix_transpose_scaled, unstacked_row_added,
                        trimmed_scaled, checked_then_written, einsum_diagonal_shifted,
                        einsum_transpose_row_cleared]


@pytest.mark.parametrize("f", WRITES_THROUGH_VIEWS, ids=lambda f: f.__name__)
def test_write_through_a_view_function_read_later_is_refused(f):
    """Each of these returned a wrong value and gradient (the base's write lost)."""
    with pytest.raises(s2sad.DifferentiationError, match=r"test_view_functions\.py:\d+: "
                       r"in-place write to \w+: .*shares its memory"):
        s2sad.value_and_grad(f)(X6)


def rolled_write_only_view_read(x):
    a = x.reshape(2, 3) * 1.0
    b = np.rollaxis(a, 1)
    b[0] = x[:2] ** 2
    return np.sum(b * np.arange(6.0).reshape(3, 2))


def einsum_diagonal_only_view_read(x):
    A = np.outer(x, x)
    d = np.einsum("ii->i", A)
    d[1] = x[0] * 4.0
    return np.sum(d ** 2)


def einsum_row_sums_written(x):
    A = np.outer(x, x)
    s = np.einsum("ij->j", A)
    s += 1.0
    return np.sum(A) + np.sum(s ** 2)


def einsum_trace_kept(x):
    A = np.outer(x, x) + np.diag(x)
    t = np.einsum("ii", A)
    A[0, 0] = t * x[1]
    return np.sum(A ** 2) + t


def einsum_product_written(x):
    A = np.outer(x, x)
    C = np.einsum("ij,jk->ik", A, A)
    C += 1.0
    return np.sum(A) + np.sum(C ** 2) * 1e-2


COMPUTED = [rolled_write_only_view_read, einsum_diagonal_only_view_read,
            einsum_row_sums_written, einsum_trace_kept, einsum_product_written]


@pytest.mark.parametrize("f", COMPUTED, ids=lambda f: f.__name__)
def test_view_function_written_where_python_agrees(f):
    """A write through a view whose base is not read again, and einsums that make a new
    array: differentiated, value as Python computes it, gradient by central differences;
    the argument is left as it was."""
    x = X6.copy()
    value, _ = s2sad.value_and_grad(f)(x)
    assert value == pytest.approx(f(X6.copy()), rel=1e-12)
    assert np.array_equal(x, X6)
    check_grad(f, x)
    check_vjp(f, x)
    check_jvp(f, x)
