"""The computational graph of f(x, y) = (x + y) * x at (3, 2), as textbooks draw it.

s2sad.graph runs the function, records one node per value, then runs the
reverse pass: each node gets its value and its adjoint (the derivative of the
output with respect to it).  By hand:

    a = x + y = 5,   f = a * x = 15
    df/da = x = 3,   df/dx = a + x * 1 = 8,   df/dy = x = 3

Run from the repository root:  python examples/graph_view.py
"""
from __future__ import annotations

import s2sad


def f(x, y):
    a = x + y
    return a * x


def main() -> None:
    g = s2sad.graph(f, 3.0, 2.0, wrt=(0, 1))
    print(f"{'node':6} {'op':6} {'parents':10} {'line':>4} {'value':>7} {'adjoint':>8}")
    for node in g.nodes:
        parents = ", ".join(p.name for p in node.parents) or "-"
        print(f"{node.name:6} {node.op:6} {parents:10} {node.line:4} "
              f"{node.value:7g} {node.adjoint:8g}")

    by_name = {node.name: node for node in g.nodes}
    out = g.outputs[0]
    a, x, y = by_name["a"], by_name["x"], by_name["y"]
    print(f"\na = {a.value:g}, f = {out.value:g}, df/dx = {x.adjoint:g}, df/dy = {y.adjoint:g}")

    print("\nMermaid (paste into any Markdown viewer that renders mermaid):\n")
    print(g.to_mermaid())
    if (a.value, out.value, x.adjoint, y.adjoint, a.adjoint) != (5, 15, 8, 3, 3):
        raise SystemExit("the graph's values or adjoints are wrong")


if __name__ == "__main__":
    main()
