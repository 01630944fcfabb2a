"""``try`` / ``except`` in a differentiated function (compiler/try_blocks.py): a probe
finds the path, the try block or a handler runs as an ``if`` branch.  Was refused
("try/except").  Both paths of each against central differences, forward mode, a
Hessian; the refusals at the user's line."""
from __future__ import annotations

import math

import numpy as np
import pytest

import s2sad
from gradcheck import check_grad, check_hessian, check_jvp

X = np.array([0.3, -0.5, 0.8, 1.1])


def cholesky_with_jitter(x, jitter):
    K = np.outer(x[:3], x[:3]) + jitter * np.eye(3)  # (rank one without jitter)
    try:
        L = np.linalg.cholesky(K)
    except np.linalg.LinAlgError:
        L = np.linalg.cholesky(K + 0.5 * np.eye(3))
    return np.sum(np.log(np.diag(L))) + np.sum(L * L)


@pytest.mark.parametrize("jitter", [0.0, 1.0], ids=["handler", "try block"])
def test_cholesky_fallback(jitter):
    check_grad(cholesky_with_jitter, X.copy(), jitter)
    check_jvp(cholesky_with_jitter, X.copy(), jitter)


def reciprocal_or_zero(x):
    out = 0.0
    for v in [x[0], 0.0, x[1]]:  # (the path changes from one trip to the next)
        try:
            r = 1.0 / v
        except ZeroDivisionError:
            r = 0.0
        out = out + r * x[2]
    return out


def else_and_finally(x):
    try:
        a = math.log(x[0])  # (a ValueError for x[0] <= 0)
    except (ValueError, FloatingPointError):
        a = 0.0
    else:
        a = a * 2.0
    finally:
        b = x[1] ** 2
    return a + b


def return_in_handler(x):
    K = np.outer(x[:3], x[:3]) + x[3] * np.eye(3)  # (not positive where x[3] < 0)
    try:
        L = np.linalg.cholesky(K)
    except np.linalg.LinAlgError:
        return np.sum(x ** 2)
    return np.sum(L)


def several_handlers(x):
    values = []
    for k in range(3):
        try:
            v = [x[0], x[1]][k] * x[2]
        except ValueError:
            v = 1.0
        except IndexError:
            v = x[3] ** 2
        values.append(v)
    return sum(values)


def nested_try(x):
    try:
        try:
            y = 1.0 / float(x[0] > 0.0)  # (1.0, or a ZeroDivisionError)
        except ZeroDivisionError:
            y = -1.0
        z = math.sqrt(y * x[1])  # (a ValueError where y * x[1] < 0)
    except ValueError:
        z = x[2] ** 2
    return z + x[3]


def in_a_helper(x):
    return _safe_inverse(x[0] * x[1]) + _safe_inverse(0.0 * float(x[2]))  # (a Python 0.0)


def _safe_inverse(v):
    try:
        return 1.0 / v
    except ZeroDivisionError:
        return 0.0


CASES = [reciprocal_or_zero, else_and_finally, return_in_handler, several_handlers,
         nested_try, in_a_helper]


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_against_differences(f):
    check_grad(f, X.copy())
    check_jvp(f, X.copy())


@pytest.mark.parametrize("f, x", [
    (else_and_finally, -X), (return_in_handler, np.array([0.3, -0.5, 0.8, -1.1])),
    (nested_try, np.array([0.3, 0.5, 0.8, 1.1])), (nested_try, np.array([-0.3, 0.5, 0.8, 1.1])),
    (nested_try, np.array([-0.3, -0.5, 0.8, 1.1]))], ids=lambda v: getattr(v, "__name__", ""))
def test_the_other_paths(f, x):
    check_grad(f, x)
    check_jvp(f, x)


def test_hessian_through_a_try():
    check_hessian(lambda x: cholesky_with_jitter(x, 1.0), X.copy())
    check_hessian(lambda x: cholesky_with_jitter(x, 0.0), X.copy())


def writes_into_an_array(x):
    r = np.zeros(2)
    try:
        r[0] = 1.0 / x[0]
    except ZeroDivisionError:
        r[0] = 0.0
    return np.sum(r)


def prints(x):
    try:
        print(1.0 / x[0])
    except ZeroDivisionError:
        pass
    return x[0]


def draws(x):
    rng = np.random.default_rng(0)
    try:
        noise = rng.normal(size=4)
    except ValueError:
        noise = np.zeros(4)
    return np.sum(x * noise)


def partly_bound(x):
    a = x[0]
    try:
        a = x[1] * 2.0
        b = 1.0 / (x[2] - 0.8)
    except ZeroDivisionError:
        b = 0.0
    return a + b


def reads_the_exception(x):
    try:
        y = 1.0 / x[0]
    except ZeroDivisionError as e:
        y = len(str(e)) * x[1]
    return y


@pytest.mark.parametrize("f, why", [
    (writes_into_an_array, "writes into an object"), (prints, "calls a function for its"),
    (draws, "draws random numbers"), (partly_bound, "a is bound in the try block"),
    (reads_the_exception, "the exception read")], ids=lambda v: getattr(v, "__name__", ""))
def test_refused_at_the_users_line(f, why):
    with pytest.raises(s2sad.DifferentiationError, match=rf"test_try_except.py:\d+: try/except: "
                       rf".*{why}"):
        s2sad.grad(f)(X.copy())


def jitter_until_it_factors(theta):
    x = np.linspace(0, 1, 5)
    y = np.sin(3 * x)
    ell, sf = np.exp(theta[0]), np.exp(theta[1])
    K = sf ** 2 * np.exp(-(x[:, None] - x[None, :]) ** 2 / (2 * ell ** 2))
    jitter = 1e-8
    while True:
        try:
            L = np.linalg.cholesky(K + jitter * np.eye(5))
            break  # (the probe returns here: the block completed)
        except np.linalg.LinAlgError:
            jitter *= 10
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L)))


def test_a_jitter_loop_with_break():
    check_grad(jitter_until_it_factors, np.array([0.1, 0.2]), rtol=1e-4)
    check_grad(jitter_until_it_factors, np.array([-1.5, 0.2]), rtol=1e-4)  # (other jitters)


def loop_in_the_try_block(x):
    try:
        s = 0.0
        for v in x:  # (v bound by the loop: not read before the try)
            s = s + math.log(v)
    except ValueError:
        s = -1.0
    return s * x[0]


@pytest.mark.parametrize("x", [np.array([0.3, 0.5, 0.8]), np.array([0.3, -0.5, 0.8])],
                         ids=["completes", "raises"])
def test_a_loop_in_the_try_block(x):
    check_grad(loop_in_the_try_block, x)
    check_jvp(loop_in_the_try_block, x)


def safe_logs(x):
    return sum(_safe_log(v) for v in x)


def _safe_log(v):
    try:
        return math.log(v)
    except ValueError:
        return 0.0


def test_a_helper_with_a_try_per_item():
    check_grad(safe_logs, np.array([0.3, -0.5, 0.8]))


def finally_and_break(x):
    s = 0.0
    for v in x:
        try:
            s = s + 1.0 / v
            break
        except ZeroDivisionError:
            s = s + 1.0
        finally:
            s = s * 2.0
    return s


def test_a_jump_out_of_a_try_finally_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match="Python runs the finally block first"):
        s2sad.grad(finally_and_break)(X.copy())


def log_or_identity(x):
    try:
        y = math.log(x)
    except ValueError:
        y = x
    return y * 2.0


def two_handlers(x, d):
    try:
        y = x / d
    except ZeroDivisionError:
        y = x
    except TypeError:
        y = -x
    return y * y


@pytest.mark.parametrize("x", [1.5, -0.7], ids=["try block", "handler"])
def test_one_handler_reads_as_one_flag(x):
    """One handler: ``try_ok = try_completes(..) == -1`` and ``if try_ok``."""
    check_grad(log_or_identity, x)
    source = s2sad.grad(log_or_identity).source
    assert "try_ok = " in source and "if try_ok:" in source and "try_path" not in source


@pytest.mark.parametrize("d", [2.0, 0.0, None], ids=["try block", "first", "second"])
def test_two_handlers_read_the_path(d):
    def f(x):
        return two_handlers(x, d)
    check_grad(f, 0.9)
    assert "try_path" in s2sad.grad(two_handlers, wrt=0).source


# A name the try block updates with ``+=`` was refused ("updates a value in place"): a
# number's ``+=`` binds the name, an array's writes in place, which the probe (run first)
# would do twice; so was a list it appends to.  The probe is given a copy of such a name
# now; ``x[0] += v`` (a write into an object) stays refused, and so does a list appended
# to before a statement that may raise (Python keeps the item).
def logs_where_defined(x):
    total = 0.0
    for v in x:
        try:
            total += math.log(v)
        except ValueError:
            total -= v ** 2
    return total


def array_accumulated(x):
    acc = np.zeros(2)
    for i in range(3):
        try:
            acc += np.linalg.cholesky(np.outer(x[i:i + 2], x[i:i + 2]) + np.eye(2) * x[i])[1]
        except np.linalg.LinAlgError:
            acc += x[i:i + 2] ** 2
    return np.sum(acc ** 2)


def sqrt_of_the_running_sum(x):
    total = x[0] * x[1]
    try:
        total += math.sqrt(total)
        total *= x[2]
    except ValueError:
        total -= 1.0
    return total


def logs_appended(x):
    out = []
    for v in x:
        try:
            out.append(math.log(v))
        except ValueError:
            continue
    return sum(out) + len(out)


def logs_extended(x):
    out = [x[0]]
    try:
        out.extend([math.log(x[1]), math.sqrt(x[2])])
    except ValueError:
        out.append(-x[1])
    return sum(v ** 2 for v in out)


@pytest.mark.parametrize("f", [logs_where_defined, array_accumulated, sqrt_of_the_running_sum,
                               logs_appended, logs_extended])
def test_a_name_updated_in_the_try_block(f):
    """Three signs of the data: every item through the try block, every item through
    the handler, and a mix (both paths of each ``try``)."""
    x0 = np.array([0.3, 0.8, 1.2, 0.4, 0.1])
    for x in (x0, -x0, x0 * np.array([1, -1, 1, 1, -1])):
        before = x.copy()
        value, _ = s2sad.value_and_grad(f)(x)
        assert value == pytest.approx(f(x.copy()), rel=1e-12)
        np.testing.assert_array_equal(x, before)
        check_grad(f, x)
        check_jvp(f, x)


def test_logs_where_defined_closed_form():
    x = np.array([0.3, -0.8, 1.2])
    np.testing.assert_allclose(s2sad.grad(logs_where_defined)(x), [1 / 0.3, 1.6, 1 / 1.2])


def item_updated(x):
    r = np.zeros(2)
    try:
        r[0] += 1.0 / x[0]
    except ZeroDivisionError:
        r[0] = 0.0
    return np.sum(r)


def test_an_item_updated_in_the_try_block_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_try_except.py:\d+: try/except: "
                       r".*updates a value in place"):
        s2sad.grad(item_updated)(X.copy())


def appended_before_a_raise(x):
    out = [x[0]]
    try:
        out.append(math.log(x[1]))
        out.append(math.sqrt(x[2]))
    except ValueError:
        out.append(-x[1])
    return sum(v ** 2 for v in out)


def test_a_list_appended_to_before_a_raise_is_refused():
    with pytest.raises(s2sad.DifferentiationError, match=r"test_try_except.py:\d+: try/except: "
                       r"out is bound in the try block before a statement that may raise"):
        s2sad.grad(appended_before_a_raise)(X.copy())
