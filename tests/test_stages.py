"""One small function per stage and late pass, and what that stage changes in it, as
text: normalize and ssa printed whole; each late pass (pipeline.PASSES) as the lines the
pass removes and adds to the reverse-mode derivative (``pipeline.show`` just before the
pass and just after it).  Each function's gradient is also checked against central
differences (every pass on)."""
from __future__ import annotations

import difflib
import math
import re

import gast
import numpy as np
import pytest

import s2sad
from backend_programs import element_loop
from golden_functions import rnn as state_rnn
from gradcheck import assert_tree_close, numerical_grad
from s2sad.call_kinds import float_arrays, kinds_of
from s2sad.compiler import generated, pass_manager, pipeline, render


def scaled(x, W):
    y = W @ x
    y = y * 2.0
    return np.sum(np.exp(y))


def capped(a):
    x = a
    for _ in range(5):
        x = 0.5 * (x + a / x)
        if abs(x * x - a) < 1e-12:
            break
    return x


def pair(x, y):
    z = x * y + math.sin(x)
    return z * z


def centred(x):
    m = np.mean(x)
    return np.sum((x - m) ** 2) / x.shape[0]


def layer(p, x):
    return np.sum(np.tanh(p["W"] @ x + p["b"]) * p["s"])


def writes(x):
    y = x * 1.0
    y[0] = y[0] * 3.0
    return np.sum(y * x)


def descent(A, b, lr, steps):
    x = np.zeros(b.shape[0])
    for _ in range(steps):
        x = x - lr * (A @ x - b + 0.1 * x ** 3)
    return np.sum((x - 1.0) ** 2)


def chain(x):
    total = 0.0
    for i in range(len(x) - 1):
        total = total + np.sin(x[i]) * x[i + 1]
    return total


def running(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
    return s


_r = np.random.default_rng(7)
_M = _r.standard_normal((3, 3)) / 3
_V = _r.standard_normal(3)
_SPD = _M @ _M.T + np.eye(3)
POINTS = {scaled: ((_V, _M), (0,)), capped: ((2.0,), (0,)), pair: ((0.7, -1.3), (0,)),
          centred: ((_V,), (0,)), writes: ((_V,), (0,)), descent: ((_SPD, _V, 0.1, 3), (0,)),
          chain: ((_V + 1.0,), (0,)), running: ((1.5, 4), (0,)), element_loop: ((_V,), (0,)),
          layer: (({"W": _M, "b": _V, "s": _V + 0.5}, _V), (0,))}



def ratios(b, y):
    mu = np.exp(b)
    r = np.exp(0.5 * np.sum(b))
    return -np.mean(np.log1p(y * r) + r * np.log(r / (r + mu)) + y * np.log(mu / (r + mu)))


def rnn(Wx, Wh, xs):
    h = np.zeros((xs.shape[1], Wh.shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(xs[t] @ Wx + h @ Wh)
    return np.sum(h ** 2)


def taps(w, x):
    k = w.shape[0]
    n = x.shape[0] - k + 1
    out = np.zeros(n)
    for j in range(k):
        out = out + w[j] * x[j:j + n]
    return np.sum(np.tanh(out))


def logs(x):
    return np.sum(np.log(x) + np.sqrt(x))


def quotient(x):
    a = x / 2.0
    b = a * 1.0 + 0.0
    return np.sum(b * b - x)


def accepted(x, tol):
    y = x
    for _ in range(4):
        z = y * np.cos(y)
        if np.max(np.abs(z - y)) < tol:
            y = z
    return np.sum(y)


def decay(k, x, n):
    for _ in range(n):
        x = x - 0.1 * k[0] * x
    return x


def pairwise(P, Q):
    d = P[:, None, :] - Q[None, :, :]
    return np.sum(np.exp(-np.sum(d * d, axis=-1)))


def collected(x, w):
    out = []
    for i in range(x.shape[0]):
        out.append(np.tanh(w * x[i]))
    return np.sum(np.array(out) ** 2)


def substituted(L, b):
    z = np.zeros(b.shape[0])
    for i in range(b.shape[0]):
        s = b[i]
        for k in range(i):
            s = s - L[i, k] * z[k]
        z[i] = s / L[i, i]
    return np.sum(z * z)


POINTS.update({accepted: ((_V, 0.8), (0,)), pairwise: ((_M, _M[:2] + 1.0), (0,)),
               state_rnn: ((_M, _r.standard_normal((4, 3)), _V), (0,)),
               rnn: ((_M[:2], _M, _r.standard_normal((4, 2, 2))), (0,)),
               logs: ((_V ** 2 + 0.5,), (0,)), quotient: ((_V,), (0,)),
               taps: ((_V[:2], _r.standard_normal(5)), (0,)),
               decay: ((_V[:2] + 1.0, 1.5, 3), (0,)), collected: ((_V, 0.7), (0,)),
               substituted: ((_SPD, _V), (0,)), ratios: ((0.3 * _V, _V ** 2), (0,))})


def centred_steps(mu, x):
    """``x[:, None] - mu`` taped each trip: made again after the pop (``remade``)."""
    for _ in range(3):
        d = x[:, None] - mu
        w = np.exp(-d * d)
        mu = mu + 0.1 * np.sum(w * d, axis=0) / np.sum(w, axis=0)
    return np.sum(mu * mu)


POINTS[centred_steps] = ((_V[:3], _V), (0,))


def reflected(P, Q):
    """Kabsch's rotation with its reflection fixed by ``np.sign`` of a determinant: the
    sign is constant where it is differentiable, so its adjoint (zero) is dropped with
    the products it would have been added through (``zeros``)."""
    U, S, Vt = np.linalg.svd(P.T @ Q)
    d = np.sign(np.linalg.det(Vt.T @ U.T))
    R = Vt.T @ np.diag(np.array([1.0, 1.0, d])) @ U.T
    return np.sum((P @ R - Q) ** 2)


_P3 = np.array([[2.0, 0.3, 0.1], [0.2, 1.5, 0.4], [0.1, 0.2, 1.2], [0.7, -0.4, 0.9]])
POINTS[reflected] = ((_P3, _P3[::-1] + 0.5), (0,))


def passes(fn, args, wrt, optimistic: bool = False) -> list[tuple[str, str]]:
    """(pass, the body printed after it) for every late pass run on the reverse-mode
    derivative of ``fn`` at ``args`` (a fixpoint group's passes once per round), the
    reverse stage first: one build, so the names the passes make are consistent."""
    scalars, ranks = kinds_of(args)
    seen = [("reverse", _body(pipeline.show(fn, "reverse", wrt=wrt, kinds=(scalars, ranks))))]
    saved = pass_manager.CHECK

    def capture(name, body, facts):
        if saved is not None:
            saved(name, body, facts)
        seen.append((name, _body(render.function_source(generated.function("d", _NO_ARGS, body)))))
    pass_manager.CHECK = capture
    try:
        pipeline.build_reverse(fn, wrt, "lean", scalars=scalars, ranks=ranks, upto="free",
                               floats=float_arrays(args), optimistic=optimistic)
    finally:
        pass_manager.CHECK = saved
    return seen


_NO_ARGS = gast.arguments(args=[], posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                          kwarg=None, defaults=[])


def _body(text: str) -> list[str]:
    return text.splitlines()[1:]


def change(fn, name: str) -> tuple[list[str], list[str]]:
    """(lines removed, lines added) by the first run of pass ``name`` that changes the
    function (a fixpoint pass may find its work only after another's next round)."""
    seen = passes(fn, *POINTS[fn], optimistic=name in OPTIMISTIC)
    runs = [k for k, (step, _) in enumerate(seen) if step == name]
    at = next((k for k in runs if seen[k][1] != seen[k - 1][1]), runs[0])
    removed, added = [], []
    for line in difflib.unified_diff(seen[at - 1][1], seen[at][1], lineterm="", n=0):
        if line.startswith(("---", "+++", "@@")):
            continue
        (removed if line[0] == "-" else added).append(relative(fn, line[1:].strip()))
    return removed, added


def relative(fn, text: str) -> str:
    """Origin comments' line numbers counted from the ``def`` line (``line +2``)."""
    first = fn.__code__.co_firstlineno
    return re.sub(r"line (\d+)", lambda m: f"line +{int(m.group(1)) - first}", text)


# ----- each late pass: the lines it removes and adds (reviewed, then pinned) -----

OPTIMISTIC = {"tape_rows", "chains"}  # (passes finding work in the optimistic variant only)

CHANGES = {
    "zeros": (reflected, [  # np.sign's zero adjoint: the determinant's adjoint is gone
        "dU = dU + (transpose_1.T @ dmatmul_1).T",
        "dVt = dVt + (dmatmul_1 @ transpose_2.T).T",
    ], []),
    "ranks": (scaled, [
        "dy = unbroadcast(dy_1 * 2.0, y)",
        "dx = matmul_rhs_adjoint(dy, W, x)",
    ], [
        "dy = dy_1 * 2.0",
        "dx = W.T @ dy",
    ]),
    "invariants": (substituted, [  # the s adjoint negated once per i, not once per k
        "dmul = -ds",
    ], [
        "# adjoint of line +5: s = s - L[i, k] * z[k]",
        "dmul = -ds",
        "# adjoint of line +4: for k in range(i):",
    ]),
    "tape_rows": (rnn, [  # each trip's state made in its row of one array, read back
        "stack = []",
        "# line +3: h = np.tanh(xs[t] @ Wx + h @ Wh)",
        "h_1 = np.tanh(xs_item @ Wx + h_1 @ Wh)",
        "stack.append(h_1)",
        "h_1 = stack.pop()",
    ], [
        "# line +3: h = np.tanh(xs[t] @ Wx + h @ Wh)",
        "rows = np.empty((shape_2_item,) + np.shape(h_1))",
        "h_1 = np.tanh(xs_item @ Wx + h_1 @ Wh, out=rows[t])",
        "h_1 = rows[t]",
    ]),
    "prune": (capped, [
        "stack.append(cmp)",
        "else:",
        "stack.append(cmp)",
        "# adjoint of line +4: if abs(x * x - a) < 1e-12:",
        "cmp = stack.pop()",
    ], []),
    "reuse": (pair, [  # copies made once read through, then 1.0 * dz's literal folded
        "dz = 2 * (dmul_1 * z)",
        "dmul = dz",
        "dsin = dz",
        "dx = dsin * math.cos(x)",
        "dx = dx + dmul * y",
    ], [
        "dz = 2 * (1.0 * z)",
        "dx = dz * math.cos(x)",
        "dx = dx + dz * y",
    ]),
    "simplify": (scaled, [
        "total = np.sum(exp)",
        "dtotal = 1.0",
        "dexp = repeat_to(1.0, y, None, False)",
        "dy_1 = safe_mul(dexp, exp)",
    ], [
        "dy_1 = safe_mul(repeat_to(1.0, y, None, False), exp)",
    ]),
    "finite": (centred, [
        "dx = safe_mul(repeat_to(1.0 / shape_item, x, None, False), 2 * sub)",
    ], [
        "dx = repeat_to(1.0 / shape_item, x, None, False) * (2 * sub)",
    ]),
    "algebra": (scaled, [
        "dy_1 = repeat_to(1.0, y, None, False) * exp",
    ], [
        "dy_1 = 1.0 * exp",
    ]),
    "shapes": (writes, [  # (the ones' shape read from the argument: shape_reads.py)
        "dmul_1 = repeat_to(1.0, mul_1, None, False)",
        "dy_1 = dmul_1 * x",
        "dx = dmul_1 * y_1",
    ], [
        "dmul_1 = repeat_to(1.0, x, None, False)",
        "dy_1 = x",
        "dx = y_1",
    ]),
    "contract": (pairwise, [  # the adjoint of P - Q contracted: no (n, m, 3) product
        "dd = 2 * (np.expand_dims(-1.0 * exp, -1) * d)",
        "dP = np.sum(dd, axis=(1,))",
    ], [
        "dd_weight = -1.0 * exp",
        "dd = 2 * (np.expand_dims(dd_weight, -1) * d)",
        "dP = 2 * (np.sum(dd_weight, axis=1)[:, None] * P - dd_weight @ Q)",
    ]),
    "rows": (pairwise, [  # last-axis sums of float64 arrays of lengths not known to be
        "exp = np.exp(-np.sum(d * d, axis=-1))",  # 4 or more: sum_last (columns added
        "dP = 2 * (np.sum(dd_weight, axis=1)[:, None] * P - dd_weight @ Q)",  # or @ ones)
    ], [
        "exp = np.exp(-sum_last(d * d))",
        "dP = 2 * (sum_last(dd_weight)[:, None] * P - dd_weight @ Q)",
    ]),
    "recompute": (element_loop, [  # the flag tested again, not pushed (its comment went too)
        "# line +3: if x[i] > 0:",
        "stack.append(cmp)",
        "cmp = stack.pop()",
    ], [
        "cmp = x[i] > 0",
    ]),
    "batch": (descent, [
        "dA = zeros_like(A)",
        "dA += np.multiply.outer(dmatmul, x_1)",
    ], [
        "dA_rows = []",
        "dA_cols = []",
        "dA_rows.append(dmatmul)",
        "dA_cols.append(x_1)",
        "dA = np.array(dA_rows).T @ np.array(dA_cols) if dA_rows else zeros_like(A)",
    ]),
    "scalars": (decay, [  # k[0] read every step: dk[0] summed as a number
        "dk = add_at(dk, None, 0, dmul_1 * x_1 * 0.1)",
    ], [
        "# adjoint of line +2: x = x - 0.1 * k[0] * x",
        "dk_0 = dk[0]",
        "# adjoint of line +1: for _ in range(n):",
        "dk_0 = dk_0 + dmul_1 * x_1 * 0.1",
        "# adjoint of line +2: x = x - 0.1 * k[0] * x",
        "dk = setitem(dk, 0, dk_0)",
    ]),
    "floats": (chain, [  # (its adjoint a list of floats added into item by item too)
        "dx = zeros_like(x)",
        "x_item = x[i]",
        "dx = add_at(dx, None, add, math.sin(x_item))",
        "dx = add_at(dx, None, i, x[add] * math.cos(x_item))",
    ], [
        "# x is read element by element: as Python floats",
        "x_items = as_floats(x)",
        "dx = floats_zeros(x)",
        "x_item = x_items[i]",
        "dx[add] += math.sin(x_item)",
        "dx[i] += x_items[add] * math.cos(x_item)",
    ]),
    "branches": (accepted, [  # a rejected step (cmp false) carries no adjoint (the
        "else:",  # zero dropped, the pop hoisted, the accumulation in the branch that
        "dz = zeros_like(x)",  # binds dz; in the second round: shapes first read the
        "# adjoint of line +3: z = y * np.cos(y)",  # zero's shape from x)
        "cos, y_1 = stack.pop()",
        "dy_1 = dy_1 + dz * cos",
        "dy_1 = dy_1 - dz * y_1 * np.sin(y_1)",
    ], [
        "# adjoint of line +3: z = y * np.cos(y)",
        "cos, y_1 = stack.pop()",
        "# adjoint of line +4: if np.max(np.abs(z - y)) < tol:",
        "# adjoint of line +3: z = y * np.cos(y)",
        "dy_1 = dy_1 + dz * cos",
        "dy_1 = dy_1 - dz * y_1 * np.sin(y_1)",
    ]),
    "carried": (state_rnn, [  # h pushed once per step: before the loop, then each end
        "stack.append(h_1)",
    ], [
        "stack.append(h_1)",
        "stack.append(h_1)",
        "stack.pop()",
    ]),
    "appends": (collected, [  # the list appended to and its adjoint popped in place
        "out_1_new = list_append(out_1, tanh)",
        "stack.append(out_1)",
        "dout_1_new = fresh(dout_1)",
        "out_1 = stack.pop()",
        "dout_1 = fresh(list_drop_last(dout_1_new, out_1))",
        "dx[i] += (1 - tanh * tanh) * w * list_last(dout_1_new, tanh)",
    ], [
        "out_1_new = list_append_owned(out_1, tanh)",
        "dout_1, dout_1_last = list_pop_last(dout_1, tanh)",
        "dx[i] += (1 - tanh * tanh) * w * dout_1_last",
    ]),
    "assemble": (layer, [  # the dict's adjoint as one display, not zeros added into
        "dp = add_at(None, p, 's', tanh)",
        "dp = add_at(dp, None, 'b', dadd)",
        "dp = add_at(dp, None, 'W', dp_item)",
    ], [
        "ds = tanh",
        "db = dadd",
        "dp = {'W': dp_item, 'b': db, 's': ds}",
    ]),
    "undo": (substituted, [  # the element a write overwrites pushed, not the array
        "stack.append(z_1)",
        "z_1 = stack.pop()",
    ], [
        "stack.append(z_1[i])",
        "z_1_old = stack.pop()",
        "z_1 = setitem(z_1, i, z_1_old)",
    ]),
    "ownership": (writes, [
        "y_1 = setitem(y, 0, y[0] * 3.0)",
        "dy = add_at(dy, None, 0, x[0] * 3.0)",
    ], [
        "y[0] = y[0] * 3.0",
        "y_1 = y",
        "dy[0] += x[0] * 3.0",
    ]),
    "remade": (centred_steps, [  # (-d made again after the pop, not taped)
        "stack.append((d, div, neg, total_1, w))",
        "d, div, neg, total_1, w = stack.pop()",
    ], [
        "stack.append((d, div, total_1, w))",
        "d, div, total_1, w = stack.pop()",
        "neg = -d",
    ]),
    "accumulate": (logs, [
        "dx = 1.0 / (2 * sqrt)",
        "dx += 1.0 / x",
    ], [
        "dx = 1.0 / (2 * sqrt) + 1.0 / x",
    ]),
    "fuse": (writes, [  # ownership wrote y in place: the copy y_1 = y folded
        "y = x * 1.0",
        "y[0] = y[0] * 3.0",
        "y_1 = y",
    ], [
        "y_1 = x * 1.0",
        "y_1[0] = y_1[0] * 3.0",
    ]),
    "methods": (centred, [
        "dm = -np.sum(dx)",
    ], [
        "dm = -dx.sum()",
    ]),
    "chains": (ratios, [  # (a chain of three into the array its first product makes)
        "dmu = dadd_3 * y / div_1 / add",
        "dadd = -(ddiv * div / add)",
    ], [
        "dmu = dadd_3 * y",
        "dmu /= div_1",
        "dmu /= add",
        "dadd = ddiv * div",
        "dadd /= add",
        "np.negative(dadd, out=dadd)",
    ]),
    "sink": (ratios, [  # (y * r, of a parameter and a number, made where it is read)
        "mul_1 = y * r",
    ], [
        "# line +3: return -np.mean(np.log1p(y * r) + r * np.log(r / (r + mu)) + y * "
        "np.log(mu / (r + mu)))",
        "mul_1 = y * r",
        "# adjoint of line +3: return -np.mean(np.log1p(y * r) + r * np.log(r / (r + mu)) "
        "+ y * np.log(mu / (r + mu)))",
    ]),
    "free": (scaled, [], [  # (dy_1 = 1.0 * exp folded into dy = 2.0 * exp: nothing to free)
        "del y",
        "del y_1",
        "del exp",
    ]),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_what_a_pass_changes(name: str) -> None:
    fn, removed, added = CHANGES[name]
    assert change(fn, name) == (removed, added)


@pytest.mark.parametrize("fn", list(POINTS), ids=lambda fn: fn.__name__)
def test_gradient_against_differences(fn) -> None:
    args, wrt = POINTS[fn]
    got = s2sad.grad(fn, wrt=wrt)(*args)
    want = numerical_grad(fn, args, wrt)
    assert_tree_close(got, want, rtol=1e-5, atol=1e-7)


def test_ownership_sums_into_an_array_it_owns() -> None:
    """``out`` is the generated code's own float64 array, the taps (float64 arguments)
    have its shape, and the reverse sweep does not read it (affine lengths): ``+=``;
    ``dw`` zeros like the float64 ``w`` written by a slice stays float64: no cast."""
    assert change(taps, "ownership") == (
        ["out_1 = out_1 + w_items[j] * x_item", "dw = add_at(dw, None, slice(None, k),",
         "np.correlate(x[:k + n - 1], dout_1, 'valid'))", "return cast_like(dw, w)"],
        ["out_1 += w_items[j] * x_item",
         "dw[:k] += np.correlate(x[:k + n - 1], dout_1, 'valid')",  # (the slice too)
         "return dw"])


def test_every_pass_but_share_has_a_case() -> None:
    assert set(CHANGES) == set(pipeline.LATE_STAGES) - {"share"}
    assert all(removed or added for _, removed, added in CHANGES.values())


# ----- the front stages: normalize and ssa, printed whole -----

def test_normalize_names_every_intermediate() -> None:
    L = pair.__code__.co_firstlineno
    assert pipeline.show(pair, "source", kinds=kinds_of((0.7, -1.3))) == """def pair(x, y):
    z = x * y + math.sin(x)
    return z * z
"""
    assert pipeline.show(pair, "normalize", kinds=kinds_of((0.7, -1.3))) == f"""def pair(x, y):
    # line {L + 1}: z = x * y + math.sin(x)
    mul = x * y
    sin = math.sin(x)
    z = mul + sin
    # line {L + 2}: return z * z
    mul_1 = z * z
    return mul_1
"""


def test_ssa_renames_a_loop_carried_value() -> None:
    L = running.__code__.co_firstlineno
    kinds = kinds_of((1.5, 4))
    body = f"""    # line {L + 1}: s = 0.0
    s = 0.0
    # line {L + 2}: for i in range(n):
"""
    assert pipeline.show(running, "alias", kinds=kinds) == f"""def running(x, n):
{body}    for i in range(n):
        # line {L + 3}: s = s + x * i
        mul = x * i
        s = s + mul
    # line {L + 4}: return s
    return s
"""
    assert pipeline.show(running, "ssa", kinds=kinds) == f"""def running(x, n):
{body}    s_1 = s
    for i in range(n):
        # line {L + 3}: s = s + x * i
        mul = x * i
        s_1_new = s_1 + mul
        s_1 = s_1_new
    # line {L + 4}: return s
    return s_1
"""


def test_show_is_the_same_every_time() -> None:
    kinds = kinds_of(POINTS[chain][0])
    first = pipeline.show(chain, "floats", kinds=kinds)
    assert pipeline.show(chain, "floats", kinds=kinds) == first
