"""Every rule through the whole pipeline, to second order: for one row of each rule,
``h(x) = sum(sin(f(..., x, ...)))`` written as source and given to s2sad; ``grad``,
``jvp``, ``hessian`` and ``vjp(grad)`` agree with finite differences and each other."""
from __future__ import annotations

import itertools
import linecache

import numpy as np
import pytest

import rows_decompositions  # noqa: F401  (rows by domain, added to ROWS on import)
import rows_extra  # noqa: F401
import rows_fft  # noqa: F401
import rows_scipy  # noqa: F401
import rows_stats  # noqa: F401
import s2sad
from rule_rows import ROWS, Row, row_rng
from s2sad.rules import registry

EPS = 1e-6
_counter = itertools.count()


def first_rows() -> list[tuple[Row, int]]:
    """One row per rule, at its first float array (or float) argument with a gradient."""
    seen, out = set(), []
    for row in ROWS:
        runtime_helper = (getattr(row.fn, "__module__", "") or "").startswith("s2sad.runtime")
        if row.fn in seen or registry.lookup_vjp(row.fn) is None or runtime_helper:
            continue  # (the helpers' own rows are checked in test_rules)
        rule = registry.lookup_vjp(row.fn)
        for pos, x in enumerate(row.args):
            plain = isinstance(x, float) or isinstance(x, np.ndarray) and x.dtype.kind == "f"
            has = row.wrt is None or pos in row.wrt
            template = rule.templates[pos] if pos < len(rule.templates) else \
                rule.vararg_template
            if plain and has and template is not None and _real_output(row):
                seen.add(row.fn)
                out.append((row, pos))
                break
    return out


def _real_output(row: Row) -> bool:
    try:
        with np.errstate(all="ignore"):
            out = row.fn(*row.args, **row.kwargs)
    except Exception:
        return False
    parts = out if isinstance(out, (list, tuple)) else [out]
    return all(np.isrealobj(p) and np.all(np.isfinite(p)) and  # float64: differences are
               np.asarray(p).dtype.itemsize >= 8 for p in parts)   # accurate enough


def source_function(row: Row, pos: int):
    """``def h(x): return <sum of sin of the outputs>`` with the row's other arguments."""
    namespace = {"np": np, "FN": row.fn}
    args = []
    for i, a in enumerate(row.args):
        if i == pos:
            args.append("x")
        else:
            namespace[f"A{i}"] = a
            args.append(f"A{i}")
    for k, v in row.kwargs.items():
        namespace[f"K_{k}"] = v
        args.append(f"{k}=K_{k}")
    with np.errstate(all="ignore"):
        out = row.fn(*row.args, **row.kwargs)
    call = f"FN({', '.join(args)})"
    if isinstance(out, (list, tuple)):
        names = [f"o{i}" for i in range(len(out))]
        body = f"    {', '.join(names)}, = {call}\n" if len(names) == 1 else \
            f"    {', '.join(names)} = {call}\n"
        total = " + ".join(f"np.sum(np.sin(o{i}))" for i in range(len(out))
                           if np.asarray(out[i]).dtype.kind == "f") or "0.0"
        text = f"def h(x):\n{body}    return {total}\n"
    else:
        text = f"def h(x):\n    return np.sum(np.sin({call}))\n"
    filename = f"<rule row {row.label} #{next(_counter)}>"
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    exec(compile(text, filename, "exec"), namespace)  # (the test's own source)
    return namespace["h"]


def direction(row: Row, x, rng):
    v = row.direction(x, rng) if row.direction else rng.standard_normal(np.shape(x))
    return float(v) if isinstance(x, float) else np.asarray(v, dtype=float)


def along(f, x, v):
    with np.errstate(all="ignore"):
        return (f(x + EPS * v) - f(x - EPS * v)) / (2 * EPS)


def near(a, b, scale=1.0):
    a, b = np.asarray(a, float), np.asarray(b, float)
    np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-6 * (scale + np.abs(b).max(initial=0)))


CASES = first_rows()


@pytest.mark.parametrize("row, pos", CASES, ids=[f"{r.label}[{p}]" for r, p in CASES])
def test_rule_through_the_pipeline(row: Row, pos: int) -> None:
    h = source_function(row, pos)
    x = row.args[pos]
    rng = row_rng(row.seed, pos, 7)
    v = direction(row, x, rng)
    g = s2sad.grad(h)(x)
    near(np.sum(np.asarray(g) * v), along(h, x, v))
    _, t = s2sad.jvp(h)(x, v)
    near(t, along(h, x, v))
    hv = np.tensordot(np.asarray(s2sad.hessian(h)(x)), v, axes=np.ndim(x))
    near(hv, along(s2sad.grad(h), x, v), scale=np.abs(g).max(initial=0))
    u = direction(row, x, rng)
    _, hu = s2sad.vjp(s2sad.grad(h))(x, u)
    near(np.sum(np.asarray(hu) * v), np.sum(hv * u), scale=np.abs(g).max(initial=0))
