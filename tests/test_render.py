"""The printer (s2sad/compiler/render.py, astor underneath) round trip: for every golden
function and a corpus of tricky snippets, source -> ast -> gast -> ``function_source``
-> parse again gives the same tree (``ast.dump``), printing is a fixed point, and the
printed code computes what the original computes.  Then what the printer promises in
its docstrings: negative constants as negations (``(-0.7) ** 2``), origin comments
before each change of origin, an ``if`` with no body printed as ``if not``."""
from __future__ import annotations

import ast
import math
import pathlib

import gast
import numpy as np
import pytest

from gradcheck import bit_identical
from s2sad.compiler.names import const, set_origin
from s2sad.compiler.render import function_source

HERE = pathlib.Path(__file__).parent


def functions_in(text: str) -> list[ast.FunctionDef]:
    return [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.FunctionDef)]


def printed(fn: ast.FunctionDef, comments: bool = True) -> str:
    tree = gast.ast_to_gast(ast.Module(body=[fn], type_ignores=[]))
    return function_source(tree.body[0], comments=comments)


def reparsed(text: str) -> ast.AST:
    (node,) = ast.parse(text).body
    return node


def check_round_trip(fn: ast.FunctionDef) -> str:
    text = printed(fn)
    assert ast.dump(reparsed(text)) == ast.dump(fn), text
    assert printed(reparsed(text)) == text  # printing what it printed changes nothing
    return text


# ----- the golden functions: every def in golden_functions.py and tests/golden/*.py -----

GOLDEN = [(f"golden_functions.py:{fn.name}", fn)
          for fn in functions_in((HERE / "golden_functions.py").read_text())]
GOLDEN += [(f"golden/{path.name}:{fn.name}", fn) for path in sorted((HERE / "golden").glob("*.py"))
           for fn in functions_in(path.read_text())]


def test_the_golden_corpus_is_there() -> None:
    assert len(GOLDEN) >= 40
    assert {"mlp_loss", "newton_sqrt", "grad_branch"} <= {fn.name for _, fn in GOLDEN}


@pytest.mark.parametrize("fn", [fn for _, fn in GOLDEN], ids=[name for name, _ in GOLDEN])
def test_golden_function_round_trip(fn: ast.FunctionDef) -> None:
    check_round_trip(fn)


# ----- tricky snippets: (source, argument tuples the function is called with) -----

SNIPPETS = [
    ("""def f(x, a, b, c):
    return (-x ** 2, (-x) ** 2, -(x ** 2), a - (b - c), (a - b) - c, a / (b * c), a / b * c,
            a ** b ** c, (a ** b) ** c, -(-x), +-x, -x ** -a, (-x) ** -2, 2 ** -1, x % -3,
            a // (b // 0.5), a - -b, a + -1.5e-300 * b, (a + b) * (c - x), ~int(a) << 2 >> 1)
""", [(1.5, 2.0, 3.0, 0.5), (-2.0, 1.5, 0.7, 4.0)]),
    ("""def f(x, y):
    return (0 < x <= 2 != y, not x < y, (x < y) < 1, x < (y < 1), not (x and y),
            x or y and 0, (x or y) and 0, x if x > y else -x, (x if x > 0 else y) * 2,
            x if y else (1 if x else 2), (x if y else 1) if x else 2,
            (lambda q, r=2: q * r)(x), sorted([3, 1, 2], key=lambda v: -v),
            (lambda: x if y else None)(), [(n := 3) + n, n])
""", [(1.0, 2.0), (0.0, -1.0), (3.0, 0.0)]),
    ("""def f(v, m):
    return (v[::2], v[1:-1:2], v[::-1], v[:3], v[-2:], m[..., None], m[None, :, ::2],
            m[1, ...], m[0][1], m[:, 1:], m[(0, 1)], m[0, 1], v[slice(1, None)],
            m[..., ::-1][None][0], v[[0, 2]], m.T[1:].shape, (1).real, 1.5.hex(), (-1).real)
""", [(np.arange(6.0), np.arange(12.0).reshape(3, 4))]),
    ("""def f(x, w):
    return (f'{x!r:>{w}}|{x:.3f}|{{}}|{x}', f"{'a'}{x!s}" 'b', 'a\\n\\'"\\t\\x00\\\\',
            "\\u00e9\\N{GREEK SMALL LETTER ALPHA}", b'\\xff\\x00\\'', r'\\d+', 'x' 'y', '''tri
ple''', str(x) + "'" + '"')
""", [(1.25, 8), (-3.0, 2)]),
    ("""def f(x):
    return (-1, -1.5e-300, -0.0, 1e1000, -1e1000, 0x10, 1_000, 10 ** 30, -2 ** 2, (-2) ** 2,
            1j, -1j, 2 - 3j, (1 + 2j) ** 2, x * -1j, -(1j), 1e-05, .5, 5., 1.0e+10)
""", [(2.0,), (-0.5,)]),
    ("""def f(x, *args, k=2, m, **kw):
    a, = [x]
    first, *rest = args
    [p, q] = (x, k)
    (r, s), t = (1, 2), 3
    for u, in [(1,), (2,)]:
        t += u
    return ((x,), (x,) * 2, [*args, *rest], {**kw, 'k': k}, {*args}, max(*args, k, **{}),
            dict(x=x, **kw), a + p + q + r + s + t + m, first)
""", [((1.0, 2.0, 3.0), {"m": 4.0})]),
    ("""def f(x, /, y, *a, k, **kw):  # positional-only, keyword-only
    # a comment line
    z = x + y  # a trailing comment
    if z > 0:  # on the header
        pass  # on pass
    # before a return
    return z * k, a, kw
""", [((1.0, 2.0, 3.0), {"k": 2.0, "w": 1})]),
    ("""def f(n):
    total = 0
    i = 0
    while i < n:
        i += 1
        if i % 2:
            continue
        total += i
        if total > 100:
            break
    else:
        total = -total
    for j in range(n):
        pass
    else:
        total *= 2
    try:
        total = total / (n - 3)
    except (ZeroDivisionError, ValueError) as e:
        total = -1
    else:
        total += 1
    finally:
        total = round(total, 6)
    with open(__file__) as fh, open(__file__) as gh:
        total += len(fh.readline()) * 0 + len(gh.readline()) * 0
    squares = {k: k * k for k in range(n) if k % 2 if k > 0}
    evens = {k for k in range(n) if not k % 2}
    nested = [[i * j for j in range(i)] for i in range(n)]
    lazy = sum(i * i for i in range(n))
    del squares[1], evens
    assert lazy >= 0, 'never'
    return total, nested, lazy, sorted(k for k in range(3))
""", [(2,), (4,), (7,)]),
    ("""def f(x):
    count = 0

    def inner(y, z=-1):
        nonlocal count
        count += 1
        return y * z

    @staticmethod
    def decorated(q):
        return q
    values = [inner(x), inner(x, z=2), decorated(x)]
    return values, count, inner.__name__
""", [(3.0,)]),
    ("""def f(aaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbb, ccccccccccccccc, dddddddddddddddd,
      eeeeeeeeeeeeee):
    return np.concatenate([np.full(2, aaaaaaaaaaaaaa + bbbbbbbbbbbbbbbbbb), np.full(3,
        ccccccccccccccc * dddddddddddddddd), np.linspace(eeeeeeeeeeeeee, aaaaaaaaaaaaaa, num=4,
        endpoint=False, retstep=False, dtype=float, axis=0)], axis=0) + np.sum(np.array([[
        aaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbb, ccccccccccccccc], [dddddddddddddddd, eeeeeeeeeeeeee,
        1.0]]), axis=(0, 1), keepdims=False, dtype=np.float64) - max(aaaaaaaaaaaaaa,
        bbbbbbbbbbbbbbbbbb, ccccccccccccccc, dddddddddddddddd, eeeeeeeeeeeeee, -1.0, -2.0, -3.0,
        -4.0, -5.0, -6.0)
""", [(1.0, 2.0, 3.0, 4.0, 5.0), (-1.0, 0.5, -2.0, 0.25, 3.0)]),
    ("""def f(x):
    s = 'S2SAD-COMMENT: a string statement, not a comment'
    'a docstring-like string in the middle'
    return s, x
""", [(1.0,)]),
]

SNIPPET_IDS = [f"snippet{i}" for i in range(len(SNIPPETS))]


def run(text: str, call):
    """``f(*args)``, or ``f(*args, **kwargs)`` for an ``(args, kwargs)`` pair."""
    args, kwargs = call if isinstance(call[-1], dict) else (call, {})
    namespace = {"np": np, "math": math, "__file__": __file__}
    exec(compile(text, "<snippet>", "exec"), namespace)
    return namespace["f"](*args, **kwargs)


@pytest.mark.parametrize("text, calls", SNIPPETS, ids=SNIPPET_IDS)
def test_snippet_round_trip(text: str, calls: list) -> None:
    (fn,) = ast.parse(text).body
    out = check_round_trip(fn)
    for call in calls:
        expected = run(text, call)
        assert bit_identical(run(out, call), expected), (call, out)


ALL_KINDS = """def f(a, /, b=-1, *rest, c, d=2, **more):
    try:
        x = {'k': [a[1:-1, ::2], (b,)]}
    except (ValueError, KeyError) as error:
        x = lambda y: y if y else -y
    while not a:
        del a
    return x, not b, f'{c!r:>3}', {*rest}, [i for i in more if i]
"""


@pytest.mark.parametrize("fn", [fn for _, fn in GOLDEN] + [ast.parse(t).body[0] for t, _ in
                                SNIPPETS] + [ast.parse(ALL_KINDS).body[0]])
def test_the_printed_tree_is_gasts_own_conversion(fn: ast.FunctionDef) -> None:
    """The printer makes the ``ast`` twin of each node itself (faster than
    ``gast.gast_to_ast`` and a transformer after it); the tree is the one gast makes
    (parsed code has no negative constants, the only nodes it makes otherwise)."""
    from s2sad.compiler.render import _fix
    tree = gast.ast_to_gast(ast.Module(body=[fn], type_ignores=[]))
    assert ast.dump(_fix(tree)) == ast.dump(gast.gast_to_ast(tree))


def test_same_value_can_tell() -> None:
    assert not bit_identical(0.0, -0.0) and not bit_identical(1, 1.0)
    assert bit_identical(math.nan, math.nan)
    assert not bit_identical((1.0, complex(1.0, 0.0)), (1.0, complex(1.0, -0.0)))


def test_comments_in_the_source_do_not_reach_the_printout() -> None:
    out = printed(ast.parse(SNIPPETS[6][0]).body[0])
    assert "#" not in out  # (the parser drops them: only origin comments are printed)


def test_long_lines_are_broken_inside_brackets_only() -> None:
    """astor wraps long lines (render.py promises nothing about where: it breaks after
    an open bracket or an ``=`` of a keyword too); every break is inside brackets, with
    no backslash, and the statements are where they were."""
    (fn,) = ast.parse(SNIPPETS[9][0]).body
    out = printed(fn)
    lines = out.splitlines()
    assert len(lines) > 3 and "\\" not in out
    depth, ends = 0, []
    for k, line in enumerate(lines):
        for ch in line:
            depth += (ch in "([{") - (ch in ")]}")
            assert depth >= 0
        if depth == 0:
            ends.append(k)
    assert ends == [1, len(lines) - 1]  # the def's header, and the return statement
    assert lines[2].startswith("    return np.concatenate(")


# ----- what the printer promises -----

def with_constant(value) -> gast.FunctionDef:
    """``def f(x): return (C ** 2, C, -C, x * C)`` with ``C`` the constant ``value`` (a
    negative number is a Constant in trees the compiler folds, never in parsed code)."""
    tree = gast.ast_to_gast(ast.parse("def f(x):\n    return C ** 2, C, -C, x * C\n"))
    fn = tree.body[0]
    elts = fn.body[0].value.elts
    elts[0].left = const(value)
    elts[1] = const(value)
    elts[2].operand = const(value)
    elts[3].right = const(value)
    return fn


CONSTANTS = [-0.7, -0.0, -3, -(2 ** 70), 0.5, math.inf, -math.inf, complex(-1.0, 2.0),
             complex(0.0, -1.0), complex(-0.0, -1.0), complex(1.5, 2.0),
             complex(-math.inf, 1.0)]
NEGATIVE_ZERO_PARTS = [complex(1.0, -0.0), complex(-0.0, 1.0), complex(-0.0, 0.0),
                       complex(-0.0, -0.0)]  # the sign of a zero part survives printing


@pytest.mark.parametrize("value", CONSTANTS + NEGATIVE_ZERO_PARTS, ids=repr)
def test_a_constant_prints_as_itself(value) -> None:
    out = function_source(with_constant(value))
    ns: dict = {}
    exec(out, ns)
    got = ns["f"](2.0)
    assert bit_identical(got, (value ** 2, value, -value, 2.0 * value)), (out, got)


def test_a_negative_base_is_parenthesized() -> None:
    out = function_source(with_constant(-0.7))
    assert "(-0.7) ** 2" in out
    ns: dict = {}
    exec(out, ns)
    assert ns["f"](1.0)[0] == pytest.approx(0.49)  # not -0.49


def origin_tree() -> gast.FunctionDef:
    text = """def f(x):
    a = x + 1
    b = a * 2
    if a > b:
        c = a
        d = b
    else:
        c = b
    for i in range(2):
        c = c + i
    return c
"""
    fn = gast.ast_to_gast(ast.parse(text)).body[0]
    a, b, cond, loop, ret = fn.body
    set_origin(a, "line 2: y = x + 1")
    set_origin(b, "line 2: y = x + 1")  # the same origin: no second comment
    set_origin(cond, "line 3: if y > 0:")
    set_origin(cond.body[0], "line 3: if y > 0:")  # as its header: no comment
    set_origin(cond.body[1], "line 4: z = y")
    set_origin(cond.orelse[0], "line 6: z = -y")
    set_origin(loop.body[0], "line 8: z += i")
    set_origin(ret, "line 9: return z")
    return fn


def test_origin_comments_before_each_change_of_origin() -> None:
    assert function_source(origin_tree()) == """def f(x):
    # line 2: y = x + 1
    a = x + 1
    b = a * 2
    # line 3: if y > 0:
    if a > b:
        c = a
        # line 4: z = y
        d = b
    else:
        # line 6: z = -y
        c = b
    for i in range(2):
        # line 8: z += i
        c = c + i
    # line 9: return z
    return c
"""


def test_comments_off_and_the_tree_left_alone() -> None:
    fn = origin_tree()
    before = gast.dump(fn)
    out = function_source(fn, comments=False)
    assert "#" not in out
    assert gast.dump(fn) == before  # printed from a copy
    assert function_source(fn).count("#") == 6


def test_an_if_without_a_body_is_printed_negated_and_an_empty_body_as_pass() -> None:
    text = "def f(x):\n    if x > 0:\n        pass\n    else:\n        x = -x\n    return x\n"
    fn = gast.ast_to_gast(ast.parse(text)).body[0]
    fn.body[0].body = []
    out = function_source(fn)
    assert out == "def f(x):\n    if not x > 0:\n        x = -x\n    return x\n"
    ns: dict = {}
    exec(out, ns)
    assert (ns["f"](-2.0), ns["f"](3.0)) == (2.0, 3.0)
    fn.body = []
    assert function_source(fn) == "def f(x):\n    pass\n"
