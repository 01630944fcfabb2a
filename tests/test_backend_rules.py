"""The rule table on array-api-strict: every reverse rule whose NumPy function has an
array-API counterpart, evaluated as the portable variant of a derivative evaluates it
(``np`` the arguments' namespace under NumPy's names, the helpers' array-API versions),
equals the same rule on NumPy, which test_rules.py checks against finite differences.

A rule that needs a helper with no array-API version is refused by the compiler before
anything runs (tests/test_backends.py checks the message); here it shows up as a name
the namespace does not have, and is counted, not failed.  Anything else that goes wrong
is a non-portable call in a rule or a helper: a failure.
"""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import helper_rows  # noqa: F401  (all rows, as test_rules.py sees them)
import rows_decompositions  # noqa: F401
import rows_extra  # noqa: F401
import rows_fft  # noqa: F401
import rows_scipy  # noqa: F401
import rows_stats  # noqa: F401
from rule_rows import ROWS, row_rng
from s2sad import DifferentiationError, runtime
from s2sad.rules import registry
from test_rules import bind, evaluate, floaty, template_at

st = pytest.importorskip("array_api_strict")
warnings.filterwarnings("ignore", message=".*__array_api_version__.*")


def _numpy_path(fn):
    for module, prefix in ((np, []), (np.linalg, ["linalg"])):
        name = getattr(fn, "__name__", None)
        if name and getattr(module, name, None) is fn:
            return prefix + [name]
    return None


def _portable_namespace():
    from s2sad.runtime import backend, portable
    spelled = backend.array_namespace(st.ones(1))
    scope = {k: v for k, v in registry.TEMPLATE_NAMESPACE.items() if k not in runtime.HELPERS}
    return spelled, {**scope, **portable.PORTABLE, "np": spelled}


def _strict(v):
    if isinstance(v, np.ndarray) and v.dtype.kind in "fb":
        return st.asarray(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, (list, tuple)):
        return type(v)(_strict(x) for x in v)
    return v


def _flat(v):
    if isinstance(v, (list, tuple)):
        return np.concatenate([_flat(x) for x in v]) if v else np.zeros(0)
    return np.ravel(np.asarray(v, dtype=float))


def _cases():
    spelled, _ = _portable_namespace()
    for k, row in enumerate(ROWS):
        path = _numpy_path(row.fn)
        rule = dict.get(registry.VJPS, row.fn)
        if path is None or rule is None:
            continue
        target = spelled
        try:
            for part in path:
                target = getattr(target, part)
        except AttributeError:
            continue  # no counterpart: the compiler refuses the function itself
        ans = row.fn(*row.args, **row.kwargs)
        if isinstance(ans, tuple) or not isinstance(ans, (np.ndarray, float, np.floating)):
            continue  # a tuple output: its rule is checked through the compiler's tests
        yield pytest.param(k, id=f"{'.'.join(path)}-{k}")


CASES = list(_cases())


@pytest.mark.parametrize("k", CASES)
def test_rule_on_array_api_strict_equals_numpy(k):
    row = ROWS[k]
    rule = dict.get(registry.VJPS, row.fn)
    _, scope = _portable_namespace()
    ans = row.fn(*row.args, **row.kwargs)
    g = row_rng(row.seed).standard_normal(np.shape(ans))
    checked = refused = 0
    for pos in range(len(row.args)):
        text, _, extra = template_at(rule, pos)
        if text is None or not floaty(row.args[pos]):
            continue
        env = {**bind(rule, row.args, row.kwargs), **extra,
               "g": g if np.ndim(ans) else float(g), "ans": ans, "acc": None}
        expected = evaluate(text, env)
        try:
            out = eval(compile(text, "<rule>", "eval"),
                       {**scope, **{name: _strict(v) for name, v in env.items()}})
        except (AttributeError, NameError, DifferentiationError):
            refused += 1  # no array-API version of a helper: refused by the compiler
            continue
        except ValueError as error:
            assert "no array-API counterpart" in str(error)
            refused += 1
            continue
        np.testing.assert_allclose(_flat(out), _flat(expected), rtol=1e-10, atol=1e-12)
        checked += 1
    assert checked or refused, "no template of this row was evaluated"


def test_most_rules_of_array_api_functions_run_portably():
    """The rows above are a real table: more than 250 rows of functions that have an
    array-API counterpart and one output (most evaluate; some need a NumPy-only helper
    and are refused)."""
    assert len(CASES) > 250
