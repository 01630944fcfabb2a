"""Derivatives written out as a Python module (``s2sad transform``).

Why a module: a derivative shipped as plain source runs where s2sad's
compiler is not wanted, and importing it transforms nothing.  Generated
functions read names from their namespace: numpy as ``np``, ``math``, the
helpers of :mod:`s2sad.runtime`, and the user's module globals.  The header
imports exactly the names the code reads, each from where it lives, so the
written module needs numpy, ``s2sad.runtime`` and (only when the code reads
its globals) the user's module on ``sys.path``.
"""
from __future__ import annotations

import ast
import builtins
import inspect
import linecache
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from s2sad import structure
from s2sad.compiler import namespaces, pipeline
from s2sad.compiler.loader import global_names
from s2sad.errors import DifferentiationError
from s2sad.rules import registry

Import = tuple[str, str | None, str]  # (module, name or None for "import module", as)


@dataclass
class Entry:
    """One derivative to write: the function, the name its derivatives take
    (``grad_<name>``), the positions differentiated, and what the call knows (a
    method's class, to inline ``self.other(x)``)."""

    fn: Callable
    name: str
    positions: tuple
    known: Any = None


def module_text(module: ModuleType, fns: list[Callable], mode: str, wrt: Any) -> str:
    """The source of a module holding the derivative of each of ``fns``."""
    return entries_text(module, [Entry(fn, fn.__name__, structure.resolve_wrt(fn, wrt)[0])
                                 for fn in fns], mode)


def entries_text(module: ModuleType, entries: list[Entry], mode: str, note: str = "") -> str:
    """The module's source: its docstring (with ``note``), the imports the code reads,
    then each entry's derivatives (``jvp_<name>``, or ``value_and_grad_<name>`` and
    ``grad_<name>``)."""
    blocks: list[str] = []
    imports: set[Import] = set()
    own: dict[str, tuple[Any, str]] = {}  # name -> a function s2sad made, its source
    for e in entries:
        if mode == "forward":
            gen = pipeline.build_forward(e.fn, e.positions, known=e.known)
            made = [gen.source.replace(f"def {gen.name}(", f"def jvp_{e.name}(", 1)]
        else:
            gen = pipeline.build_reverse(e.fn, e.positions, "grad", known=e.known)
            made = _reverse_blocks(e.name, gen, e.positions)
        renamed: dict[str, str] = {}
        imports |= _imports(gen.source, gen, module, own, renamed)
        blocks += [_renamed(b, renamed) for b in made]
    blocks[:0] = [own[name][1] for name in sorted(own)]
    path = Path(getattr(module, "__file__", None) or module.__name__).name
    doc = (f'"""Derivatives of {path}, written by `s2sad transform --mode {mode}`.\n\n'
           "Generated code: edit the original and run s2sad again. Importing this module\n"
           f'transforms nothing; it needs numpy and s2sad.runtime.\n{note}"""\n')
    text = doc + _header(imports) + "\n\n" + "\n\n".join(b.rstrip() + "\n" for b in blocks)
    compile(text, "<s2sad transform>", "exec")  # fail here, not in the user's import
    return text


def _reverse_blocks(name: str, gen: pipeline.Generated, positions: tuple) -> list[str]:
    """``value_and_grad_f`` (the generated code) and ``grad_f`` (its gradient part)."""
    source = gen.source.replace(f"def {gen.name}(", f"def value_and_grad_{name}(", 1)
    fdef = ast.parse(gen.source).body[0]
    assert isinstance(fdef, ast.FunctionDef)  # (the generated source is one def)
    args = fdef.args
    params = [a.arg for a in args.posonlyargs + args.args]
    call = ", ".join(params + [f"{a.arg}={a.arg}" for a in args.kwonlyargs])
    wrt = ", ".join(params[i] for i in positions)
    wrapper = (f"def grad_{name}({ast.unparse(args)}):\n"
               f'    """The gradient of {name} with respect to {wrt}."""\n'
               f"    return value_and_grad_{name}({call})[1]\n")
    return [source, wrapper]


def _free_names(source: str) -> list[str]:
    """Names the generated function reads but does not define."""
    fdef = ast.parse(source).body[0]
    assert isinstance(fdef, ast.FunctionDef)  # (the generated source is one def)
    args = fdef.args
    bound = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    bound |= {n.id for n in ast.walk(fdef) if isinstance(n, ast.Name)
              and isinstance(n.ctx, ast.Store)}
    return sorted({n.id for n in ast.walk(fdef) if isinstance(n, ast.Name)
                   and isinstance(n.ctx, ast.Load)} - bound)


def _imports(source: str, gen: pipeline.Generated, module: ModuleType,
             own: dict[str, tuple[Any, str]], renamed: dict[str, str]) -> set[Import]:
    """What ``source`` reads, imported; a function s2sad defined for the code (the probe
    of a ``try`` block) written into the module instead, under a name no other such
    function of the module has (``renamed``: the code's name -> the module's)."""
    out: set[Import] = set()
    for name in _free_names(source):
        obj = getattr(gen.fn, "__globals__", {}).get(name)
        if not (inspect.isfunction(obj) and obj.__module__ == "s2sad_generated"):
            imp = _import_of(name, gen, module)
            out |= set() if imp is None else {imp}
            continue
        taken = next((k for k, (o, _) in own.items() if o is obj), None)
        if taken is None:
            taken = _free_name(name, own)
            text = "".join(linecache.getlines(obj.__code__.co_filename))
            own[taken] = (obj, text.replace(f"def {obj.__name__}(", f"def {taken}(", 1))
            out |= _imports(text, gen, module, own, {})
        if taken != name:
            renamed[name] = taken
    return out


def _free_name(name: str, taken: dict) -> str:
    k, out = 1, name
    while out in taken:
        k, out = k + 1, f"{name}_{k + 1}"
    return out


def _renamed(block: str, renamed: dict[str, str]) -> str:
    for old, new in renamed.items():
        block = re.sub(rf"\b{re.escape(old)}\b", new, block)
    return block


def _import_of(name: str, gen: pipeline.Generated, module: ModuleType) -> Import | None:
    """Where the object that ``name`` means in the generated code can be imported from."""
    namespace = global_names(gen.fn)
    obj = namespaces.original(namespace.get(name, getattr(builtins, name, None)), name)
    if name not in namespace or getattr(builtins, name, object()) is obj:
        if hasattr(builtins, name):
            return None
        raise _cannot(name, gen, "it is not defined")
    if inspect.ismodule(obj):
        return (obj.__name__, None, name)
    if registry.TEMPLATE_NAMESPACE.get(name) is obj:
        return ("s2sad.runtime", name, name)
    held = [k for k, v in vars(module).items()
            if namespaces.original(v, k) is obj and not k.startswith("__")]
    if held:
        return (module.__name__, name if name in held else held[0], name)
    owner, qual = getattr(obj, "__module__", None), getattr(obj, "__qualname__", "")
    if owner and "." not in qual and getattr(sys.modules.get(owner), qual, None) is obj:
        return (owner, qual, name)
    raise _cannot(name, gen, f"{type(obj).__name__} objects cannot be imported by name")


def _cannot(name: str, gen: pipeline.Generated, why: str) -> DifferentiationError:
    return DifferentiationError(
        f"<s2sad transform>:?: name {name!r} in {gen.name}: {why}; make it a module-level "
        "name of the transformed file")


def _header(imports: set[Import]) -> str:
    """``import`` lines first, then one ``from`` line per module, all sorted."""
    lines = sorted(f"import {m}" + (f" as {alias}" if alias != m else "")
                   for m, name, alias in imports if name is None)
    froms: dict[str, list[str]] = {}
    for m, name, alias in imports:
        if name is not None:
            froms.setdefault(m, []).append(name + (f" as {alias}" if alias != name else ""))
    first = ["s2sad.runtime"] if "s2sad.runtime" in froms else []
    for m in first + sorted(set(froms) - set(first)):
        names = sorted(froms[m])
        line = f"from {m} import {', '.join(names)}"
        if len(line) > 99:
            line = f"from {m} import (\n" + "".join(f"    {n},\n" for n in names) + ")"
        lines.append(line)
    return "\n".join(lines) + "\n"
