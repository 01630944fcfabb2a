"""``global`` and ``nonlocal`` declarations (were refused outright).

``global SCALE`` in a function that only reads ``SCALE`` changes nothing: a name the
function does not bind is read from the module anyway, so the declaration is dropped
(one whose name is assigned is the function's own variable, written back to the module:
``global_writes``; :func:`global_refused` refuses one whose name is deleted).

``nonlocal total`` in a def inside the differentiated function (a counter, a running
sum: ``def add(v): nonlocal total; total = total + v``) binds the variable of the
function around it.  Such a def is inlined at its calls, its free names read as the
function's own variables (:func:`s2sad.compiler.inline_parameters._bind_free_names`), so the
declared names are made free names too: the inlined body's assignments are then the
function's own assignments, where the call runs, as Python's closure cell does.  The
function counts those assignments as its own (:func:`declared_inside`), so no fact of
"bound once" is taken of them.  Refused: ``nonlocal`` of a variable of a function
around the differentiated one, and in a def a helper returns (its state would outlive
the call)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import gast

from s2sad.compiler.node_scans import nodes_of
from s2sad.compiler.user_code import own_nodes
from s2sad.compiler.walks import walk
from s2sad.errors import error_at

if TYPE_CHECKING:
    from s2sad.compiler.normalize import Normalizer


def global_refused(filename: str, node: gast.Global, tree: gast.AST) -> Exception | None:
    """A ``global`` whose name the function deletes: the error, else None (one it
    assigns is the function's own variable, written back: ``global_writes``)."""
    deleted = sorted(set(node.names) & {n.id for n in walk(tree) if isinstance(
        n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del))})
    if not deleted:
        return None
    return error_at(filename, node, f"global {', '.join(deleted)} deleted in the function",
                    "a derivative does not delete the module's variables: delete it "
                    "outside the differentiated function")


def declared_nonlocal(node: gast.AST) -> set[str]:
    """The names a def declares ``nonlocal`` in its own body (not in defs inside it)."""
    return {name for n in own_nodes(node) if isinstance(n, gast.Nonlocal)
            for name in n.names}


def declared_inside(node: gast.AST) -> set[str]:
    """The names the defs inside ``node`` declare ``nonlocal`` (assigned by their calls)."""
    return {name for n in nodes_of(node, (gast.Nonlocal,)) for name in n.names}


def reaching(node: gast.AST, params: set[str]) -> set[str]:
    """The enclosing variables a nested def (or a def inside it) binds by ``nonlocal``:
    its own declarations, and those of defs inside it it does not bind itself."""
    own = {n.id for n in own_nodes(node) if isinstance(n, gast.Name) and
           isinstance(n.ctx, gast.Store)} | params
    return declared_nonlocal(node) | (declared_inside(node) - own)


def compiled_text(text: str, lineno: int, declared: set[str], name: str) -> tuple[str, bool]:
    """A nested def's text (starting at its own line ``lineno``) made to compile alone:
    with ``declared`` names, wrapped in a def binding them that returns it (``nonlocal``
    needs a function around it).  The second item: whether it was wrapped."""
    if not declared or lineno < 3:
        return text, False
    head = "\n" * (lineno - 3) + "def _s2sad_around():\n    " + \
        " = ".join(sorted(declared)) + " = None\n"
    body = "".join("    " + line if line.strip() else line
                   for line in text.lstrip("\n").splitlines(keepends=True))
    return head + body + f"\n    return {name}\n", True


def nonlocal_checked(norm: Normalizer, s: gast.Nonlocal) -> None:
    """``nonlocal`` in a def inside the differentiated function, of its variables: read
    (the inlined body binds them); anywhere else refused."""
    fn = norm.src.fn
    scope = getattr(fn, "s2sad_scope", None)
    own: set[str] = getattr(fn, "s2sad_nonlocal", set())
    if scope is None or not set(s.names) <= own or not set(s.names) <= scope.locals:
        raise norm.error(s, f"nonlocal {', '.join(s.names)}", "only a def inside the "
                         "differentiated function may bind its variables; pass the value "
                         "in as an argument and return the new one")
