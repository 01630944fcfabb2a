"""Stage 1b: a loop marked ``for t in s2sad.checkpoint(range(...)):`` becomes one call.

The loop's body is made into a function of its own that runs it over a part of
the range (``loop``), taking the values the body carries from trip to trip and
the values it reads, and returning the carried ones. The marked loop becomes

    h, loss, s2sad_record = checkpointed_12(start, stop, step, h, loss, W, xs)

a primitive whose forward pass runs ``loop`` segment by segment keeping
snapshots, and whose reverse rule (:mod:`s2sad.runtime.checkpoint`) recomputes
segments from them and runs the generated VJP of ``loop`` over each, so memory
no longer grows with the number of trips. Forward mode runs the JVP of the whole
loop (the marker changes nothing there).
"""
from __future__ import annotations

import ast
import builtins
import re
import textwrap
from collections.abc import Callable
from typing import Any

import gast

from s2sad.compiler import checkpoint_rules
from s2sad.compiler.walks import walk
from s2sad.errors import error_at
from s2sad.rules import registry
from s2sad.runtime import checkpoint as rt

MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault",
            "sort", "reverse", "fill", "resize", "itemset", "put"}
_MADE: dict = {}  # (file, line, schedule, names) -> the primitive made for that loop


def rewrite(src: Any) -> None:
    """Replace every marked loop of ``src.node`` by a call of its primitive."""
    _mark_requested(src, getattr(src.fn, "s2sad_checkpoint", None) or {})
    marked = [n for n in walk(src.node) if isinstance(n, gast.For) and _schedule(n, src)]
    for loop in marked:
        _replace(src, loop)


def requested(checkpoint: dict) -> dict:
    """``grad(f, checkpoint={LINE: "binomial:10" | "uniform" | "uniform:25"})``, checked:
    line -> the marker's keywords."""
    out = {}
    for line, spec in checkpoint.items():
        kind, _, size = str(spec).partition(":")
        if not isinstance(line, int) or kind not in ("uniform", "binomial") or \
                (size and not size.isdigit()) or (kind == "binomial" and not size):
            raise ValueError(f"checkpoint={{{line!r}: {spec!r}}}: give {{line number: "
                             "'uniform' | 'uniform:<trips per segment>' | "
                             "'binomial:<snapshots>'}")
        out[line] = {"snapshots": int(size)} if kind == "binomial" else \
            {"every": int(size)} if size else {}
    return out


def _mark_requested(src: Any, lines: dict) -> None:
    """Put the marker on the loops named by their line (``grad(f, checkpoint=...)``)."""
    loops = {n.lineno: n for n in walk(src.node) if isinstance(n, (gast.For, gast.While))}
    for line, words in lines.items():
        loop = loops.get(line)
        if loop is None:
            raise error_at(src.filename, src.node, f"checkpoint={{{line}: ...}}",
                           f"line {line} starts no loop of {src.node.name}; name the line of "
                           "its for statement")
        if isinstance(loop, gast.While):
            raise error_at(src.filename, loop, "a checkpointed while loop",
                           "its trip count is known only by running it: write it as a for "
                           "loop over range(max_trips) whose body does nothing once done")
        src.namespace["s2sad_checkpoint_marker"] = rt.checkpoint
        loop.iter = gast.Call(func=gast.Name(id="s2sad_checkpoint_marker", ctx=gast.Load(),
                                             annotation=None, type_comment=None),
                              args=[loop.iter], keywords=[
                                  gast.keyword(arg=k, value=gast.Constant(value=v, kind=None))
                                  for k, v in words.items()])


def _schedule(node: gast.For, src: Any) -> tuple | None:
    call = node.iter
    if not isinstance(call, gast.Call) or _resolve(call.func, src) is not rt.checkpoint:
        return None
    words = {k.arg: k.value for k in call.keywords}
    if len(call.args) != 1 or not _is_range(call.args[0], src) or set(words) - {"every",
                                                                                 "snapshots"}:
        raise error_at(src.filename, node, "s2sad.checkpoint(...)",
                       "mark a loop over a range: for t in s2sad.checkpoint(range(T)) or "
                       "s2sad.checkpoint(range(T), every=k) or (..., snapshots=c)")
    for word, value in words.items():
        if not isinstance(value, gast.Constant) or not isinstance(value.value, int):
            raise error_at(src.filename, node, f"s2sad.checkpoint({word}=...)",
                           f"give {word}= as a whole number written in the code")
    if "snapshots" in words:
        return ("binomial", words["snapshots"].value)
    return ("uniform", words["every"].value if "every" in words else 0)


def _resolve(node: gast.expr, src: Any) -> Any:
    if isinstance(node, gast.Name):
        return src.namespace.get(node.id, getattr(builtins, node.id, None))
    if isinstance(node, gast.Attribute):
        base = _resolve(node.value, src)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def _is_range(node: gast.expr, src: Any) -> bool:
    return isinstance(node, gast.Call) and _resolve(node.func, src) is range and \
        not node.keywords and 1 <= len(node.args) <= 3


def _replace(src: Any, node: gast.For) -> None:
    schedule = _schedule(node, src)
    assert schedule is not None  # (only loops marked with a schedule are replaced)
    where = (src.filename, node.lineno)
    if not isinstance(node.target, gast.Name) or node.orelse:
        raise error_at(src.filename, node, "a checkpointed loop",
                       "loop over one name (for t in ...) and give it no else: block")
    for inner in walk(gast.Module(body=node.body, type_ignores=[])):
        if isinstance(inner, (gast.Return, gast.Yield, gast.Break)) and \
                not _inside_inner_loop(node, inner):
            raise error_at(src.filename, inner, "break/return in a checkpointed loop",
                           "a checkpointed loop runs all its trips: leave it by its range")
    carried, params = _interface(src, node)
    name = f"checkpointed_{node.lineno}"
    bounds = _bounds(node.iter.args[0])
    key = (*where, schedule, tuple(carried), tuple(params), gast.dump(node))
    if key not in _MADE:
        _MADE[key] = _primitive(src, node, name, schedule, carried, params)
    primitive = _MADE[key]
    if registry.lookup_vjp(primitive) is None:  # the tables were reset (tests do)
        checkpoint_rules.register(primitive, schedule, len(carried))
    src.namespace[name] = primitive
    call = gast.Call(func=gast.Name(name, gast.Load(), None, None),
                     args=[*bounds, *(gast.Name(v, gast.Load(), None, None)
                                      for v in carried + params)], keywords=[])
    targets = [gast.Name(v, gast.Store(), None, None) for v in carried]
    targets.append(gast.Name(f"s2sad_record_{node.lineno}", gast.Store(), None, None))
    assign = gast.Assign(targets=[gast.Tuple(targets, gast.Store())], value=call,
                         type_comment=None)
    gast.copy_location(assign, node)
    for child in walk(assign):
        gast.copy_location(child, node)
    _swap(src.node, node, assign)


def _inside_inner_loop(outer: gast.For, node: gast.AST) -> bool:
    """Whether a break or continue sits in a loop nested in the checkpointed one."""
    if not isinstance(node, (gast.Break, gast.Continue)):
        return False
    for inner in walk(gast.Module(body=outer.body, type_ignores=[])):
        if isinstance(inner, (gast.For, gast.While)) and any(n is node for n in
                                                             walk(inner)):
            return True
    return False


def _bounds(rng: gast.Call) -> list[gast.expr]:
    args = list(rng.args)
    if len(args) == 1:
        args = [gast.Constant(0, None), args[0]]
    if len(args) == 2:
        args.append(gast.Constant(1, None))
    return args


def _swap(tree: gast.AST, old: gast.stmt, new: gast.stmt) -> None:
    for parent in walk(tree):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(parent, field, None)
            if isinstance(block, list) and any(s is old for s in block):
                block[[i for i, s in enumerate(block) if s is old][0]] = new
                return


def _names(nodes: list, ctx: type) -> set[str]:
    out = set()
    for n in walk(gast.Module(body=nodes, type_ignores=[])):
        if isinstance(n, gast.Name) and isinstance(n.ctx, ctx):
            out.add(n.id)
    return out


def _written(body: list) -> set[str]:
    """Names the body binds, and arrays and lists it changes in place."""
    return _names(body, gast.Store) | _mutated(body)


def _mutated(body: list) -> set[str]:
    """Names whose object the body changes in place: ``h[i] = v``, ``h += v``,
    ``xs.append(v)``."""
    out = set()
    for n in walk(gast.Module(body=body, type_ignores=[])):
        targets = n.targets if isinstance(n, gast.Assign) else [n.target] \
            if isinstance(n, gast.AugAssign) else []
        for t in targets:
            inner = isinstance(n, gast.AugAssign)
            while isinstance(t, (gast.Subscript, gast.Attribute)):
                t, inner = t.value, True
            if isinstance(t, gast.Name) and inner:
                out.add(t.id)
        if isinstance(n, gast.Call) and isinstance(n.func, gast.Attribute) and \
                n.func.attr in MUTATORS and isinstance(n.func.value, gast.Name):
            out.add(n.func.value.id)
    return out


def _writes_in_place(body: list, carried: list) -> bool:
    """Whether the body may change a carried value in place (``h[i] = v``, ``h += v``,
    ``xs.append(v)``): then every restart from a snapshot works on a copy of it."""
    return bool(_mutated(body) & set(carried))


def _interface(src: Any, node: gast.For) -> tuple[list[str], list[str]]:
    """(carried, read): what the body passes from trip to trip and what it only reads."""
    fn = src.node
    inside = {id(n) for n in walk(gast.Module(body=node.body, type_ignores=[]))}
    inside.add(id(node.target))
    names = [n for n in walk(fn) if isinstance(n, gast.Name) and id(n) not in inside]
    defined_outside = {a.id for a in fn.args.args + fn.args.kwonlyargs} | \
        {n.id for n in names if isinstance(n.ctx, gast.Store)}
    read_outside = {n.id for n in names if isinstance(n.ctx, gast.Load)}
    written = _written(node.body) - {node.target.id}
    read = _names(node.body, gast.Load)
    carried = sorted(v for v in written if v in read_outside or
                     (v in read and v in defined_outside))
    for v in carried:
        if v not in defined_outside:
            raise error_at(src.filename, node, f"{v} in a checkpointed loop",
                           f"{v} is first set inside the loop and read after it: give it "
                           "a value before the loop")
    if node.target.id in read_outside:
        raise error_at(src.filename, node, f"the loop variable {node.target.id}",
                       "read outside a checkpointed loop: keep your own count")
    if not carried:
        raise error_at(src.filename, node, "a checkpointed loop",
                       "it changes no value read after it or in its next trip: nothing "
                       "to checkpoint")
    return carried, sorted(v for v in read - written - {node.target.id}
                           if v in defined_outside)


def _primitive(src: Any, node: gast.For, name: str, schedule: tuple, carried: list,
               params: list) -> Callable:
    loop = _loop_function(src, node, name, carried, params)
    loop.s2sad_writes = _writes_in_place(node.body, carried)  # type: ignore[attr-defined]
    nc = len(carried)

    def primitive(start: int, stop: int, step: int, *args: Any) -> tuple:
        checkpoint_rules.refresh(primitive)
        return rt.run(loop, schedule, nc, start, stop, step, *args)

    primitive.__name__ = primitive.__qualname__ = name
    primitive.s2sad_loop = loop  # type: ignore[attr-defined]
    step = _step_function(src, node, name, carried, params)
    primitive.s2sad_step = step  # type: ignore[attr-defined]
    primitive.s2sad_shown = _described(name, node.lineno, schedule, carried, loop,  # type: ignore[attr-defined]
                                       step if schedule[0] == "binomial" else None)
    checkpoint_rules.register(primitive, schedule, nc)
    return primitive


def _described(name: str, line: int, schedule: tuple, carried: list, loop: Callable,
               step: Callable | None) -> str:
    """What a reader of the derivative's source is shown of a checkpointed loop: the
    schedule in words and the functions it runs."""
    import inspect
    kept = ", ".join(carried)
    if schedule[0] == "binomial":
        words = (f"binomial (revolve) with {schedule[1]} snapshots: the forward pass runs "
                 f"{name}_loop keeping ({kept}) at its start; the reverse pass restores a "
                 f"snapshot, advances with {name}_loop (no tape), stores new snapshots where "
                 f"revolve says, and reverses one trip at a time with the VJP of " +
                 (f"{name}_step" if step else f"{name}_loop"))
    else:
        every = f"{schedule[1]} trips" if schedule[1] else "ceil(sqrt(trips)) trips"
        words = (f"uniform segments of {every}: the forward pass runs {name}_loop segment "
                 f"by segment keeping ({kept}) at each segment's start; the reverse pass "
                 f"takes the segments last to first and runs the VJP of {name}_loop over "
                 "each (a taped forward over the segment, then its reverse)")
    lines = textwrap.wrap(f"{name}: the checkpointed loop of line {line}, {words}.", 86)
    texts = [inspect.getsource(f) for f in (loop, step) if f is not None]
    return "\n\n" + "".join(f"# {x}\n" for x in lines) + "\n\n".join(texts)


def shown(text: str, namespace: dict) -> str:
    """The functions behind the checkpointed loops ``text`` calls, as source to read."""
    return "".join(getattr(namespace.get(name), "s2sad_shown", "") for name in sorted(
        set(re.findall(r"\b(checkpointed_\d+)\(", text))))


def _loop_function(src: Any, node: gast.For, name: str, carried: list,
                   params: list) -> Callable:
    from s2sad.compiler import loader

    body = ast.unparse(gast.gast_to_ast(gast.Module(body=node.body, type_ignores=[])))
    head = ", ".join(["s2sad_start", "s2sad_stop", "s2sad_step", *carried, *params])
    text = (f"def {name}_loop({head}):\n"
            f"    # the loop of line {node.lineno}, over part of its range\n"
            f"    for {node.target.id} in range(s2sad_start, s2sad_stop, s2sad_step):\n"
            + "".join(f"        {line}\n" for line in body.splitlines()) +
            f"    return {', '.join(carried)}\n")
    return loader.load(text, f"{name}_loop", dict(src.namespace), _user_globals(src))


def _step_function(src: Any, node: gast.For, name: str, carried: list,
                   params: list) -> Callable | None:
    """One trip of the loop, as a function of the loop variable: the reverse sweep of a
    single trip (all of binomial's) then sums no adjoint over trips, so it starts none at
    zero. None if the body leaves its trip by ``continue`` (the loop function does it)."""
    from s2sad.compiler import loader

    if any(isinstance(n, gast.Continue) and not _inside_inner_loop(node, n)
           for n in walk(gast.Module(body=node.body, type_ignores=[]))):
        return None
    body = ast.unparse(gast.gast_to_ast(gast.Module(body=node.body, type_ignores=[])))
    head = ", ".join([node.target.id, *carried, *params])
    text = (f"def {name}_step({head}):\n"
            f"    # one trip of the loop of line {node.lineno}\n"
            + "".join(f"    {line}\n" for line in body.splitlines()) +
            f"    return {', '.join(carried)}\n")
    return loader.load(text, f"{name}_step", dict(src.namespace), _user_globals(src))


def _user_globals(src: Any) -> dict | None:
    return getattr(src.fn, "__globals__", None)
