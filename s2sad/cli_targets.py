"""The functions the command line names: the user's file imported as a module, and
``MODULE.py:NAME`` or ``Class.method`` with the positions ``--wrt`` gives (by default
the first parameter the function computes with: :mod:`s2sad.computes_with`).
"""
from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from s2sad import library, structure
from s2sad.compiler.known_arguments import Known
from s2sad.computes_with import Arithmetic

_LOADED: list[ModuleType] = []  # modules this process imported from a path (may be replaced)


class UserError(Exception):
    """Bad input: its message is the whole error line (after ``error: ``)."""


def parse_wrt(items: list[str] | None) -> Any:
    """``None`` -> 0, ``["1"]`` -> 1, ``["x,y"]`` -> ("x", "y"): the ``wrt`` of the library."""
    parts = [p for item in items or ["0"] for p in item.split(",") if p.strip()]
    values = [int(p) if p.strip().lstrip("-").isdigit() else p.strip() for p in parts]
    return values[0] if len(values) == 1 else tuple(values)


def load_module(path: str) -> ModuleType:
    """Import the user's file as a module named after it (its folder goes on sys.path)."""
    file = Path(path)
    if not file.is_file():
        raise UserError(f"{path}: no such file")
    name, folder = file.stem, str(file.resolve().parent)
    if file.suffix != ".py" or not name.isidentifier():
        raise UserError(f"{path}: not an importable Python module name; use a .py file "
                        "named like a Python identifier (e.g. my_model.py)")
    loaded = sys.modules.get(name)
    if loaded is not None and loaded not in _LOADED and \
            Path(getattr(loaded, "__file__", "") or "").resolve() != file.resolve():
        raise UserError(f"{path}: a module named {name!r} is already imported from "
                        f"{getattr(loaded, '__file__', 'elsewhere')}; rename the file")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(name, str(file))
    assert spec is not None and spec.loader is not None  # (a .py file: a source loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    _LOADED.append(module)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise UserError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    except Exception as exc:
        line = _line_in(exc, file)
        raise UserError(f"{path}:{line}: importing it raised "
                        f"{type(exc).__name__}: {exc}") from None
    return module


def _line_in(exc: BaseException, file: Path) -> Any:
    """The last line of ``file`` in the traceback of ``exc`` ("?" if none)."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__)
             if Path(f.filename).resolve() == file.resolve()]
    return lines[-1] if lines else "?"


def functions_of(module: ModuleType) -> list[Callable]:
    """The module's own top-level functions, in source order."""
    fns = [f for f in vars(module).values()
           if inspect.isfunction(f) and f.__module__ == module.__name__]
    return sorted(fns, key=lambda f: f.__code__.co_firstlineno)


def member(module: ModuleType, path: str, name: str) -> tuple[Callable, type | None]:
    """``NAME`` or ``Class.method``: the function, and for a method taking ``self``
    its class (a staticmethod is a plain function; a classmethod is refused)."""
    holder: Any = None
    found: Any = module
    for part in name.split("."):
        holder, found = found, (inspect.getattr_static(found, part, None)
                                if found is not None else None)
    fn = getattr(found, "__func__", found)  # a staticmethod or classmethod: its function
    if not inspect.isfunction(fn):
        known = ", ".join(f.__name__ for f in functions_of(module)) or "none"
        raise UserError(f"{path}: no function named {name!r} (functions: {known})")
    if isinstance(found, classmethod):
        raise UserError(f"{where_defined(fn)}: {name} is a classmethod, whose first argument is "
                        "the class: s2sad differentiates functions, staticmethods and methods "
                        "taking self; make it one of those")
    owner = holder if isinstance(holder, type) and inspect.isfunction(found) else None
    return fn, owner


def where_defined(fn: Callable) -> str:
    return f"{fn.__code__.co_filename}:{fn.__code__.co_firstlineno}"


@dataclass
class Target:
    """A function to differentiate, as the command line names it."""

    fn: Callable
    name: str  # the written functions end with it: grad_f, grad_Model_loss
    owner: type | None  # a method's class: self.other(x) in it is inlined from it
    positions: tuple[int, ...]  # wrt, as positions of fn's parameters (self is 0)

    @property
    def known(self) -> Known | None:
        return Known(self.owner) if self.owner is not None else None


def target(module: ModuleType, path: str, name: str, wrt: list[str] | None,
           reader: Arithmetic) -> Target:
    """The function or method ``name`` with the positions to differentiate it by: those
    ``--wrt`` gives (counted after ``self``, as for a bound method in the library), else
    the first parameter it computes with."""
    fn, owner = member(module, path, name)
    skip = 1 if owner is not None else 0
    params = list(inspect.signature(fn).parameters)
    if wrt is None:
        computes = reader.params(fn, owner)
        chosen = next((p for p in params[skip:] if p in computes), skip)
    else:
        chosen = _after(skip, parse_wrt(wrt))
    positions, _ = structure.resolve_wrt(fn, chosen)
    if skip and 0 in positions:
        raise UserError(f"{where_defined(fn)}: {name}: --wrt names self; a method is "
                        "differentiated with respect to its arguments after self")
    return Target(fn, name.replace(".", "_"), owner, positions)


def _after(n: int, wrt: Any) -> Any:
    """``wrt`` positions counted after ``n`` leading arguments (names stay as they are)."""
    def shift(w: Any) -> Any:
        return w + n if isinstance(w, int) and w >= 0 else w
    return tuple(map(shift, wrt)) if isinstance(wrt, tuple) else shift(wrt)


def resolve_target(spec: str, wrt: list[str] | None = None) -> Target:
    """``path.py:NAME`` or ``path.py:Class.method`` -> the target."""
    path, sep, name = spec.rpartition(":")
    if not sep or not name or not path:
        raise UserError(f"{spec}: give the function as MODULE.py:NAME")
    return target(load_module(path), path, name, wrt, Arithmetic())


def per_call(t: Target, args: str | None) -> Target:
    """A function of ``*args`` / ``**kwargs`` as ``s2sad.grad`` differentiates it, made per
    call: the function a call passing ``args``' number of positional values (one per
    named parameter without ``--args``) and no keywords runs, named as the user's is;
    any other target as it is."""
    if not library.has_varargs(t.fn) or t.owner is not None:
        return t
    if args is None:
        count = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                    for p in inspect.signature(t.fn).parameters.values())
    else:
        from s2sad.cli import parse_args_literal
        count = len(parse_args_literal(args))
    return Target(library.call_of(t.fn, count, []), t.name, None, t.positions)
