"""Names and labels of a computational graph, in the user's terms.

Why a module of its own: the core form the graph is built from speaks the
compiler's language (``h_1``, ``matmul``, ``s_1_new``), while the reader wrote
``h = np.tanh(W @ h)``.  Both the static and the executed graph translate
back the same way:

- a value the user named is labelled with that name (``h``), and inside loops
  with the iteration it belongs to (``h[t=0]``: the loop variable's name and
  value; ``x[trip=2]`` for a ``while`` loop or a loop over non-numbers);
- a value the compiler named (a temporary) is labelled with the user's
  sub-expression that computes it (``W @ h[t=0]``), built by putting the
  temporaries' own expressions back into the expressions that read them;
- ``Node.name`` is the label made unique (``y#2`` for a second ``y``), so
  ``graph["h[t=0]"]`` finds what the drawing shows.
"""
from __future__ import annotations

import ast
import numbers
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import gast

from s2sad import runtime
from s2sad.compiler import pipeline
from s2sad.compiler.primitives import IDENTITY, Prim
from s2sad.graph_render import fmt

if TYPE_CHECKING:
    from s2sad.graph_view import Node

_LABELS = ((runtime.list_init, "list"), (runtime.tuple_init, "tuple"),
           (runtime.dict_init, "dict"))
Tag = tuple[str, str]  # (loop variable or "trip", its value as drawn)


def op_label(prim: Prim | None) -> str:
    """``mul``, ``np.sin``, ``getitem``, ``const``: the primitive as a short word."""
    if prim is None:
        return "const"
    if prim.key == IDENTITY:
        return "copy"
    if prim.label:
        return prim.label
    for key, label in _LABELS:
        if prim.key is key:
            return label
    return getattr(prim.key, "__name__", str(prim.key))


# ----- the function's names -----

def params(node: gast.FunctionDef) -> list[str]:
    """The parameters, which are the graph's inputs."""
    return [a.id for a in node.args.args + node.args.kwonlyargs]


def local_names(node: gast.FunctionDef) -> set[str]:
    """Every name the core form binds: reads of anything else are globals."""
    return set(params(node)) | {n.id for n in gast.walk(node) if isinstance(n, gast.Name)
                                and isinstance(n.ctx, gast.Store)}


def user_names(prep: pipeline.Prepared) -> set[str]:
    """The names the user wrote in the function (its parameters and locals)."""
    return set(getattr(getattr(prep.src.fn, "__code__", None), "co_varnames", ()))


def result(node: gast.FunctionDef) -> gast.expr | None:
    """The returned expression (the core form returns once, at the end)."""
    last = node.body[-1] if node.body else None
    return last.value if isinstance(last, gast.Return) else None


def display_name(name: str, user: set[str]) -> str:
    """The user's name behind an SSA name (``s_1_new`` -> ``s``); a compiler
    temporary (``mul_1``) keeps its own, since the user has none for it."""
    base = name
    while base not in user:
        shorter = re.sub(r"_(new|\d+)$", "", base)
        if shorter == base:
            return name
        base = shorter
    return base


def is_user(name: str, user: set[str]) -> bool:
    """Whether ``name`` stands for a variable the user wrote (else a temporary)."""
    return display_name(name, user) in user


def operands(expr: gast.AST) -> list[str]:
    """Names an expression reads, in source order, once per use: ``x * x`` reads
    ``x`` twice, and a textbook graph draws an edge for each."""
    found: list[str] = []

    def visit(node: gast.AST) -> None:
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            found.append(node.id)
        for child in gast.iter_child_nodes(node):
            visit(child)

    visit(expr)
    return found


# ----- expressions in the drawn names -----

def substituted(expr: gast.expr, subst: Callable[[str], ast.expr | None]) -> ast.expr:
    """``expr`` as a Python AST whose names ``subst`` replaces (None: kept); trees,
    not text, so a temporary put back keeps its precedence (``(a + b) * c``)."""

    class Put(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.expr:
            new = subst(node.id) if isinstance(node.ctx, ast.Load) else None
            return node if new is None else new

    tree = gast.gast_to_ast(expr)
    return Put().visit(tree)


def computed(prim: Prim | None, tree: ast.expr) -> tuple[ast.expr, str]:
    """(the tree other labels put in, the text a box shows) for what a statement
    computes.  ``for y in ys`` iterates over ``ys``, which the core form wraps in
    ``iteration_items(ys)``: drawn ``iter(ys)``, and ``ys[0]`` where it is read."""
    if prim is not None and prim.key is runtime.iteration_items and \
            isinstance(tree, ast.Call) and tree.args:
        return tree.args[0], f"iter({text(tree.args[0])})"
    return tree, text(tree)


def text(tree: ast.expr) -> str:
    return ast.unparse(tree)


def name_tree(label: str) -> ast.Name:
    """A user's value inside another label: its label as it is (``h[t=0]``)."""
    return ast.Name(id=label, ctx=ast.Load())


# ----- loop iterations -----

def loop_tag(target: str | None, value: Any, trip: int, user: set[str]) -> Tag:
    """``("t", "3")`` for the user's loop variable holding a number, else the
    trip through the loop counted from 1 (``("trip", "3")``)."""
    if target is not None and target in user and isinstance(value, numbers.Number):
        return target, fmt(value)
    return "trip", str(trip + 1)


def tag_text(tags: Iterable[Tag]) -> str:
    """``[t=0]``, ``[i=1, j=2]`` for nested loops, ``""`` outside loops."""
    inner = ", ".join(f"{var}={value}" for var, value in tags)
    return f"[{inner}]" if inner else ""


# ----- unique names -----

def name_output(fn_name: str, out: Node, user: set[str]) -> None:
    """Label the output after the function when a temporary computed it
    (``f = a * x``, as textbooks write it, rather than ``a * x`` alone)."""
    if out.named or out.op in ("input", "folded") or fn_name in user:
        return
    out.label, out.named = fn_name + tag_text(out.tags), True


def assign_names(nodes: list[Node], used: set[str]) -> None:
    """Unique ``.name`` from the labels.  Temporaries that compute the same
    expression in several iterations (``x * i``) get the iteration added to their
    label (``x * i [i=2]``) so the boxes differ; what is still equal gets ``#2``."""
    count: dict[str, int] = {}
    for n in nodes:
        if not n.named:
            count[n.label] = count.get(n.label, 0) + 1
    for n in nodes:
        if not n.named and count[n.label] > 1 and n.tags:
            n.label = f"{n.label} {tag_text(n.tags)}"
    for n in nodes:
        n.name = unique(n.label, used)


def unique(label: str, used: set[str]) -> str:
    """``label``, or ``label#2``... when a node already has it (``y = y + x``)."""
    k, name = 2, label
    while name in used:
        name, k = f"{label}#{k}", k + 1
    used.add(name)
    return name
