"""``s2sad.graph``: static and executed graphs, values, adjoints, and drawings.

Adjoints are checked against hand-derived numbers and against ``s2sad.grad``,
so the picture agrees with the generated derivative.
"""
from __future__ import annotations

import math
import re
import shutil
import subprocess

import gast
import numpy as np
import pytest

import s2sad
from s2sad import graph_labels, graph_view
from s2sad.compiler import pipeline
from s2sad.compiler.primitives import IDENTITY, primitive
from s2sad.graph_render import _dot_text, _mermaid_text, fmt
from s2sad.rules import registry


def seeds(x, y):
    a = x + y
    return a * x


def fan_out(x):
    a = x * x
    b = a + x
    return a * b


def accumulate(x, n):
    s = 0.0
    for i in range(n):
        s = s + x * i
    return s


def nested(x):
    s = x
    for _i in range(2):
        for j in range(3):
            s = s * x + j
    return s


def branch(x):
    if x > 0.0:
        y = x * x
    else:
        y = -x
    return y * 3.0


def doubling(x):
    while x < 10.0:
        x = x * 2.0
    return x


def stops(x):
    s = x
    for _i in range(10):
        s = s * 1.5
        if s > 5.0:
            break
    return s


def vector(x):
    y = np.sin(x) * x[0]
    return y @ x


def as_list(x):
    ys = [x, x * 2.0]
    total = 0.0
    for y in ys:
        total = total + y
    return total


def recip(x):
    y = x - 1.0
    return 1.0 / y


def cube(x):
    return x ** 3


def uses_rule(x):
    return cube(x) + x


# ------------------------------------------------------------ the seeds' example

def test_seeds_example_values_and_adjoints() -> None:
    g = s2sad.graph(seeds, 3.0, 2.0)
    assert [n.name for n in g.inputs] == ["x", "y"]
    assert [n.name for n in g.nodes] == ["x", "y", "a", "seeds"]  # the output: f = a * x
    assert [n.expr for n in g.nodes[2:]] == ["x + y", "a * x"]
    assert g.node("a").value == 5.0
    assert g.outputs[0].value == 15.0
    assert g["x"].adjoint == 8.0  # 3 through a, plus 5 directly
    assert g["y"].adjoint == 3.0
    assert g["a"].adjoint == 3.0
    assert g.outputs[0].adjoint == 1.0
    assert g["a"].op == "add" and g.outputs[0].op == "mul"
    assert g["a"].line == seeds.__code__.co_firstlineno + 1
    assert g.executed and not g.truncated


def test_parents_and_children_are_nodes_and_agree() -> None:
    g = s2sad.graph(seeds, 3.0, 2.0)
    x, a, out = g["x"], g["a"], g.outputs[0]
    assert a.parents == [x, g["y"]]
    assert set(map(id, x.children)) == {id(a), id(out)}
    for n in g.nodes:
        for p in n.parents:
            assert n in p.children
            assert g.nodes.index(p) < g.nodes.index(n)  # topological order


def test_fan_out_sums() -> None:
    x = 1.5
    g = s2sad.graph(fan_out, x)
    a, b = x * x, x * x + x
    assert g["a"].adjoint == pytest.approx(b + a)  # through the product and through b
    assert g["x"].adjoint == pytest.approx((b + a) * 2 * x + a)
    assert g["x"].adjoint == pytest.approx(s2sad.grad(fan_out)(x))
    assert len(g["a"].children) == 2


def test_unknown_node_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match="no node 'zz'"):
        s2sad.graph(seeds, 3.0, 2.0).node("zz")


# ------------------------------------------------------------ control flow

def test_loop_shows_each_iteration() -> None:
    g = s2sad.graph(accumulate, 2.0, 3)
    names = [n.name for n in g.nodes]
    for k in range(3):
        assert f"s[i={k}]" in names  # the user's name, not the SSA form's s_1
    # the product has no user name: it is labelled by the user's expression, and
    # the iteration tells its three copies apart
    assert g["s[i=2]"].expr == "s[i=1] + x * i" and g["x * i [i=2]"].expr == "x * i"
    assert g["x * i [i=2]"].label == "x * i [i=2]" and not g["x * i [i=2]"].named
    assert g.outputs[0].value == 2.0 * (0 + 1 + 2)
    assert g["x"].adjoint == pytest.approx(0 + 1 + 2)
    assert g["n"].adjoint is None  # an int: no derivative drawn
    chain = [n for n in g.nodes if n.op == "add"]
    assert len(chain) == 3
    assert chain[1] in chain[2].parents  # iteration 2 reads iteration 1


def test_nested_loops_name_both_counters() -> None:
    g = s2sad.graph(nested, 1.1)
    assert g.outputs[0].name == "s[_i=1, j=2]"  # both loops' variables
    assert g["s[_i=1, j=2]"].expr == "s[_i=1, j=1] * x + j"
    assert g["x"].adjoint == pytest.approx(s2sad.grad(nested)(1.1))


@pytest.mark.parametrize("x", [2.0, -2.0])
def test_branch_shows_only_the_branch_taken(x: float) -> None:
    g = s2sad.graph(branch, x)
    ops = [n.op for n in g.nodes]
    assert ("mul" in ops[:3] or "neg" in ops) and len(g.nodes) == 4
    assert ("neg" in ops) == (x < 0)
    assert g["x"].adjoint == pytest.approx(6 * x if x > 0 else -3.0)


def test_while_and_break() -> None:
    g = s2sad.graph(doubling, 1.5)
    assert g.outputs[0].value == 12.0
    assert g["x"].adjoint == pytest.approx(8.0)
    g = s2sad.graph(stops, 1.0)
    assert g.outputs[0].value == pytest.approx(1.5 ** 4)
    assert g["x"].adjoint == pytest.approx(s2sad.grad(stops)(1.0))


def test_long_loops_are_folded_and_say_so() -> None:
    g = s2sad.graph(accumulate, 2.0, 100, fold_after=10)
    assert g.truncated
    loop_line = accumulate.__code__.co_firstlineno + 2
    assert any(f"loop at line {loop_line}: 100 iterations; the first 3 are drawn" in note
               for note in g.notes)
    folded = [n for n in g.nodes if n.op == "folded"]
    assert [n.name for n in folded] == [f"... 97 more iterations of line {loop_line}"]
    # iterations 3..98 (two nodes each) and iteration 99's product: the sum of 99 is drawn
    assert folded[0].folded == 2 * 97 - 1
    assert g.outputs[0].op == "add" and g.outputs[0].value == 2.0 * sum(range(100))
    assert folded[0] in g.outputs[0].parents
    assert g["s[i=2]"] in folded[0].parents and g["x"] in folded[0].parents
    assert g["x"].adjoint == pytest.approx(sum(range(100)))  # adjoints of every iteration
    assert [n.name for n in g.nodes if n.name.startswith("s[")] == [
        "s[i=0]", "s[i=1]", "s[i=2]", "s[i=99]"]
    assert g["s[i=99]"].expr == "s[i=98] + x * i"  # reads a folded value by its label


def test_loops_up_to_the_limit_are_drawn_whole() -> None:
    g = s2sad.graph(accumulate, 2.0, 30)
    assert not g.truncated and len([n for n in g.nodes if n.op == "add"]) == 30
    assert s2sad.graph(accumulate, 2.0, 31).truncated
    assert not s2sad.graph(accumulate, 2.0, 500, fold_after=None).truncated


def inner_long(x, n, m):
    s = x
    for _i in range(n):
        for _j in range(m):
            s = s * 0.5 + x
        s = s + 1.0
    return s


def test_a_long_inner_loop_is_folded_in_each_outer_iteration() -> None:
    g = s2sad.graph(inner_long, 2.0, 2, 100)
    inner = inner_long.__code__.co_firstlineno + 3
    assert [n.name for n in g.nodes if n.op == "folded"] == [
        f"... 97 more iterations of line {inner} [_i=0]",
        f"... 97 more iterations of line {inner} [_i=1]"]
    assert g["x"].adjoint == pytest.approx(s2sad.grad(inner_long)(2.0, 2, 100))
    g = s2sad.graph(inner_long, 2.0, 50, 50)  # both long: the outer one folds first
    folded = [n.name for n in g.nodes if n.op == "folded"]
    assert len(folded) == 4 and folded[-1].endswith(f"of line {inner - 1}")
    assert len(g.nodes) < 40
    for n in g.nodes:
        for p in n.parents:
            assert g.nodes.index(p) < g.nodes.index(n)  # still in topological order


def test_lists_and_getitem() -> None:
    g = s2sad.graph(as_list, 1.5)
    assert g.outputs[0].value == pytest.approx(4.5)
    assert g["x"].adjoint == pytest.approx(3.0)
    assert "getitem" in [n.op for n in g.nodes]


def test_arrays_match_grad() -> None:
    x = np.array([0.3, -1.2, 2.0])
    g = s2sad.graph(vector, x)
    np.testing.assert_allclose(g["x"].adjoint, s2sad.grad(vector)(x))
    assert g.outputs[0].value == pytest.approx(vector(x))
    assert "np.sin" in [n.op for n in g.nodes]


def test_user_rule_is_used() -> None:
    calls = []

    def cube_vjp(g, ans, x):
        calls.append(x)
        return (3.0 * g * x ** 2,)

    s2sad.defvjp(cube)(cube_vjp)
    try:
        g = s2sad.graph(uses_rule, 2.0)
    finally:
        registry.VJPS.pop(cube)  # leave the tables as the other tests expect them
    assert g["x"].adjoint == pytest.approx(3 * 4.0 + 1)
    assert calls == [2.0]


def test_non_scalar_output_adjoints_are_of_the_sum() -> None:
    g = s2sad.graph(lambda x: x * 2.0, np.ones(3))
    np.testing.assert_allclose(g.inputs[0].adjoint, [2.0, 2.0, 2.0])
    assert any("not a scalar" in note for note in g.notes)


def test_errors_inside_the_run_name_the_line() -> None:
    with pytest.raises(ZeroDivisionError) as info:
        s2sad.graph(recip, 1.0)
    assert info.value.s2sad_where.endswith(f":{recip.__code__.co_firstlineno + 2}")


def test_wrt_marks_inputs() -> None:
    g = s2sad.graph(seeds, 3.0, 2.0, wrt="y")
    assert g.wrt == [g["y"]]
    assert "y (input, wrt)" in g.to_mermaid()
    with pytest.raises(s2sad.DifferentiationError, match="wrt='z'"):
        s2sad.graph(seeds, wrt="z")


# ------------------------------------------------------------ the static graph

def test_static_graph_of_straight_code() -> None:
    g = s2sad.graph(seeds)
    assert not g.executed
    assert [(n.name, n.op, n.expr) for n in g.nodes] == [
        ("x", "input", None), ("y", "input", None), ("a", "add", "x + y"),
        ("seeds", "mul", "a * x")]
    assert g.outputs == [g["seeds"]]
    assert all(n.value is None and n.adjoint is None for n in g.nodes)
    assert g["seeds"].line == seeds.__code__.co_firstlineno + 2


def test_static_graph_of_a_loop_has_a_back_edge() -> None:
    g = s2sad.graph(accumulate)
    assert "phi" not in [n.op for n in g.nodes]
    assert len(g.back_edges) == 1
    parent, child = g.back_edges[0]
    # the user's variable s, from its value before the loop and from the last iteration
    assert child.op == "carried" and child.label == "s" and parent.op == "add"
    assert child.parents == [g["s"], parent] and parent.expr == "s + x * i"
    for n in g.nodes:
        for p in n.parents:
            if (p, n) not in g.back_edges:
                assert g.nodes.index(p) < g.nodes.index(n)


def test_static_graph_of_a_branch_joins_without_back_edges() -> None:
    g = s2sad.graph(branch)
    assert g.back_edges == []
    join = [n for n in g.nodes if n.op == "join"]
    assert len(join) == 1 and join[0].label == "y"
    assert [(p.label, p.expr) for p in join[0].parents] == [("y", "x * x"), ("y", "-x")]
    assert g.outputs[0].parents == [join[0]] and g.outputs[0].expr == "y * 3.0"


# ------------------------------------------------------------ the user's names

def rnn(x, W):
    h = x
    for t in range(3):  # noqa: B007  (the labels name the iterations t=0, t=1, t=2)
        h = np.tanh(W @ h)
    return np.sum(h * h)


def square(x):
    return x * x


RNN_X = np.array([0.3, -0.8])
RNN_W = np.array([[0.9, -0.4], [0.2, 1.1]])


def central(f, args: tuple, i: int, eps: float = 1e-6):
    """d f / d args[i] by central differences, entry by entry."""
    x = np.asarray(args[i], dtype=float)
    out = np.zeros(x.shape)
    for k in np.ndindex(x.shape):
        moved = []
        for step in (eps, -eps):
            y = x.copy()
            y[k] += step
            moved.append(f(*args[:i], y if x.ndim else float(y), *args[i + 1:]))
        out[k] = (moved[0] - moved[1]) / (2 * eps)
    return out if x.ndim else float(out)


def core_primitives(f) -> int:
    """How many assignments of the SSA core form compute something (not copies)."""
    prep = pipeline.prepare(f, "ssa")
    local = graph_labels.local_names(prep.node)
    prims = [primitive(n.value, prep.namespace, local) for n in gast.walk(prep.node)
             if isinstance(n, gast.Assign)]
    return sum(p is None or p.key != IDENTITY for p in prims)


def test_loop_labels_are_the_users_names() -> None:
    g = s2sad.graph(rnn, RNN_X, RNN_W)
    assert [n.label for n in g.nodes] == [
        "x", "W", "W @ x", "h[t=0]", "W @ h[t=0]", "h[t=1]", "W @ h[t=1]", "h[t=2]",
        "h[t=2] * h[t=2]", "rnn"]
    assert [n.name for n in g.nodes] == [n.label for n in g.nodes]  # unique already
    assert g["h[t=1]"].expr == "np.tanh(W @ h[t=0])"
    assert g["rnn"].expr == "np.sum(h[t=2] * h[t=2])"
    text = g.to_mermaid()
    assert '["h[t=0] = np.tanh(W @ x)<br/>line' in text
    assert '["W @ h[t=0]<br/>line' in text and '["h[t=2] * h[t=2]<br/>line' in text
    assert "matmul" not in text and not re.search(r"\bmul\b|@\d", text)  # no compiler names
    h2 = np.tanh(RNN_W @ np.tanh(RNN_W @ np.tanh(RNN_W @ RNN_X)))
    np.testing.assert_allclose(g["h[t=2]"].adjoint, 2 * h2)  # d sum(h * h) / d h
    np.testing.assert_allclose(g["x"].adjoint, central(rnn, (RNN_X, RNN_W), 0), rtol=1e-6)
    np.testing.assert_allclose(g["W"].adjoint, central(rnn, (RNN_X, RNN_W), 1), rtol=1e-6)


def test_static_loop_draws_every_primitive_and_the_users_variable() -> None:
    g = s2sad.graph(rnn)
    assert [(n.op, n.label, n.expr) for n in g.nodes[2:]] == [
        ("carried", "h", None), ("matmul", "W @ h", "W @ h"),
        ("np.tanh", "h", "np.tanh(W @ h)"), ("mul", "h * h", "h * h"),
        ("np.sum", "rnn", "np.sum(h * h)")]
    carried, tanh = g.nodes[2], g.nodes[4]
    assert carried.parents == [g["x"], tanh] and g.back_edges == [(tanh, carried)]
    assert g["h * h"].parents == [carried, carried]  # both uses
    text = g.to_mermaid()
    assert "phi" not in text and '["h = np.tanh(W @ h)<br/>line' in text
    assert '["h<br/>carried around the loop at line' in text
    assert f"    n{g.nodes.index(tanh)} -. next iteration .-> n2\n" in text


@pytest.mark.parametrize("f", [seeds, fan_out, accumulate, nested, branch, doubling, stops,
                               as_list, inner_long, rnn, square, vector, recip])
def test_static_graphs_have_no_phi_and_every_primitive(f) -> None:
    g = s2sad.graph(f)
    ops = [n.op for n in g.nodes]
    assert "phi" not in ops
    computed = [op for op in ops if op not in ("input", "carried", "join")]
    assert len(computed) == core_primitives(f)
    assert len({n.name for n in g.nodes}) == len(g.nodes)  # names stay unique


def test_a_square_has_an_edge_per_operand() -> None:
    g = s2sad.graph(square, 3.0)
    x, out = g["x"], g["square"]
    assert out.parents == [x, x] and x.children == [out, out]
    assert g.to_mermaid().count("    n0 --> n1\n") == 2
    assert g.to_dot().count("    n0 -> n1;\n") == 2
    assert x.adjoint == pytest.approx(6.0) == 2 * 3.0  # d x^2 / dx = 2x
    assert x.adjoint == pytest.approx(central(square, (3.0,), 0))
    assert s2sad.graph(square).to_mermaid().count("    n0 --> n1\n") == 2  # static too


@pytest.mark.parametrize("x", [2.0, -2.0])
def test_branch_in_the_users_names(x: float) -> None:
    g = s2sad.graph(branch, x)
    assert [n.label for n in g.nodes] == ["x", "x > 0.0", "y", "branch"]
    taken, other = ("x * x", "-x") if x > 0 else ("-x", "x * x")
    assert g["y"].expr == taken and g["branch"].expr == "y * 3.0"
    text = g.to_mermaid()
    assert f'["y = {taken}<br/>' in text and f"y = {other}<" not in text
    assert g["x"].adjoint == pytest.approx(central(branch, (x,), 0))


def test_while_loop_counts_trips() -> None:
    g = s2sad.graph(doubling, 1.5)
    assert [n.label for n in g.nodes if n.named] == [
        "x", "x[trip=1]", "x[trip=2]", "x[trip=3]"]
    assert g["x[trip=2]"].expr == "x[trip=1] * 2.0"
    assert g["x[trip=2] < 10.0"].parents == [g["x[trip=2]"]]  # the loop's test, each trip
    assert g.outputs == [g["x[trip=3]"]] and g.outputs[0].value == 12.0
    assert g["x"].adjoint == pytest.approx(central(doubling, (1.5,), 0)) == 8.0
    static = s2sad.graph(doubling)
    carried = [n for n in static.nodes if n.op == "carried"]
    assert [n.label for n in carried] == ["x"] and static.outputs == carried


def test_a_loop_over_a_list_counts_trips_and_reads_items() -> None:
    g = s2sad.graph(as_list, 1.5)
    assert g["y[trip=2]"].expr == "ys[1]" and g["total[trip=2]"].expr == "total[trip=1] + y[trip=2]"
    assert "iter(ys)" in [n.label for n in g.nodes]


# ------------------------------------------------------------ drawings

NODE_LINE = re.compile(r'^    n\d+(\(\[|\[)"[^"]*"(\]\)|\])$')
EDGE_LINE = re.compile(r"^    n\d+ (-->|-\. next iteration \.->) n\d+$")
CLASS_DEF = re.compile(r"^    classDef (input|output|folded) [\w#:;,. -]+$")
CLASS_USE = re.compile(r"^    class n\d+(,n\d+)* (input|output|folded)$")


def check_mermaid(text: str) -> None:
    """Every line is one the Mermaid flowchart grammar accepts, and every node
    named by an edge or a class is declared."""
    lines = text.splitlines()
    assert lines[0] == "flowchart LR"  # inputs on the left, the output on the right
    declared = {line.split("(")[0].split("[")[0].strip() for line in lines
                if NODE_LINE.match(line)}
    for line in lines[1:]:
        assert (line.startswith("    %%") or NODE_LINE.match(line) or EDGE_LINE.match(line)
                or CLASS_DEF.match(line) or CLASS_USE.match(line)), line
        if EDGE_LINE.match(line) or CLASS_USE.match(line):
            assert set(re.findall(r"n\d+", line)) <= declared, line


@pytest.mark.parametrize("make", [
    lambda: s2sad.graph(seeds, 3.0, 2.0),
    lambda: s2sad.graph(accumulate),
    lambda: s2sad.graph(accumulate, 2.0, 50, fold_after=6),
    lambda: s2sad.graph(vector, np.arange(5.0)),
])
def test_mermaid_is_well_formed(make) -> None:
    check_mermaid(make().to_mermaid())


def test_mermaid_labels_carry_values_and_adjoints() -> None:
    text = s2sad.graph(seeds, 3.0, 2.0).to_mermaid()
    line = seeds.__code__.co_firstlineno
    assert '(["x (input, wrt)<br/>value 3<br/>adjoint 8"])' in text
    assert f'["a = x + y<br/>line {line + 1}<br/>value 5<br/>adjoint 3"]' in text
    assert f'["seeds = a * x<br/>line {line + 2}<br/>value 15<br/>adjoint 1"]' in text
    assert "    class n0,n1 input\n" in text and "    class n3 output\n" in text
    assert " -. next iteration .-> " in s2sad.graph(accumulate).to_mermaid()


def test_fan_out_is_one_edge_per_use() -> None:
    text = s2sad.graph(fan_out, 1.5).to_mermaid()
    # x feeds a = x * x twice and b = a + x once; a feeds b and the output
    assert text.count("    n0 --> n1\n") == 2
    assert text.count("    n0 --> ") == 3 and text.count("    n1 --> ") == 2


def test_folded_loop_in_the_drawings() -> None:
    g = s2sad.graph(accumulate, 2.0, 1000)
    loop_line = accumulate.__code__.co_firstlineno + 2
    name = f"... 997 more iterations of line {loop_line}"
    assert len(g.nodes) < 15
    mermaid = g.to_mermaid()
    check_mermaid(mermaid)
    assert f'["{name}<br/>1993 nodes not drawn"]' in mermaid
    assert re.search(r"    class n\d+ folded", mermaid)
    dot = g.to_dot()
    assert f'label="{name}\\n1993 nodes not drawn", style="rounded,dashed,filled"' in dot


def test_escaping() -> None:
    assert _mermaid_text('say "hi" <b> #1 `x`') == \
        "say #quot;hi#quot; #lt;b#gt; #35;1 #96;x#96;"
    assert _dot_text('a "b" \\ c\nd') == 'a \\"b\\" \\\\ c\\nd'


def test_number_formatting_is_compact() -> None:
    assert fmt(3.0) == "3"
    assert fmt(math.pi) == "3.142"
    assert fmt(7) == "7"
    assert fmt(np.arange(6.0).reshape(2, 3)) == "(2, 3) [0, 1, 2, ...]"
    assert fmt(np.float64(0.5)) == "0.5"
    assert fmt([1.0, 2.0]) == "list [1, 2]"
    assert fmt(None) == "None"


def test_dot_is_well_formed() -> None:
    text = s2sad.graph(seeds, 3.0, 2.0).to_dot()
    assert text.startswith('digraph "seeds" {') and text.rstrip().endswith("}")
    assert "    rankdir=LR;\n" in text  # left to right, as textbooks draw it
    assert "{ rank=source; n0; n1; }" in text and "{ rank=sink; n3; }" in text
    assert 'label="x (input, wrt)\\nvalue 3\\nadjoint 8"' in text
    assert 'n3 [label="seeds = a * x\\nline' in text
    assert "n0 -> n2;" in text and "n0 -> n3;" in text
    assert "peripheries=2" in text
    assert text.count("{") == text.count("}")


def test_a_notebook_gets_one_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    g = s2sad.graph(seeds, 3.0, 2.0)
    monkeypatch.setattr(graph_view, "rendered", lambda dot, fmt: None)  # no Graphviz
    bundle = g._repr_mimebundle_()
    assert sorted(bundle) == ["text/markdown", "text/plain"]
    assert bundle["text/markdown"] == g._repr_markdown_()
    assert bundle["text/plain"] == "<Graph of seeds: 4 nodes, executed at the given arguments>"
    monkeypatch.setattr(graph_view, "rendered", lambda dot, fmt: f"<svg>{fmt}</svg>")
    assert g._repr_mimebundle_() == {"text/plain": repr(g), "image/svg+xml": "<svg>svg</svg>"}


@pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz dot is not installed")
@pytest.mark.parametrize("make", [
    lambda: s2sad.graph(seeds, 3.0, 2.0),
    lambda: s2sad.graph(doubling),
    lambda: s2sad.graph(accumulate, 2.0, 50, fold_after=6),
    lambda: s2sad.graph(vector, np.arange(5.0)),
])
def test_graphviz_accepts_the_dot(make) -> None:
    run = subprocess.run(["dot", "-Tsvg"], input=make().to_dot(), capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "<svg" in run.stdout


def two_outputs_of(x, y, z):
    a = x * y
    return a + np.sin(a), z * 2.0


def reads_two(x, y, z):
    return x * y + 0.0 * z


def test_reaches_names_the_inputs_joined_to_an_output():
    g = s2sad.graph(reads_two, 1.0, 2.0, 3.0)
    assert [n.name for n in g.reaches()] == ["x", "y", "z"]  # 0 * z is still a path
    s = s2sad.graph(two_outputs_of)  # static: the tuple's two items are nodes of their own
    assert [n.name for n in s.reaches("a + np.sin(a)")] == ["x", "y"]
    assert [n.name for n in s.reaches(s.node("z * 2.0"))] == ["z"]
    assert [n.name for n in s.reaches()] == ["x", "y", "z"]
