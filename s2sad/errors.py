"""The one error type and the one formatter: ``file:line: construct: advice``."""
from __future__ import annotations

from typing import Any


class DifferentiationError(ValueError):
    """Raised for anything s2sad cannot differentiate, naming where and why."""


class OutputKindError(DifferentiationError, TypeError):
    """grad of an output that is not one real number (None, several numbers, a complex
    number): also a TypeError, the error JAX's and autograd's grad raise for it."""


class InputKindError(DifferentiationError, TypeError):
    """A differentiated argument of a kind with no derivative (an integer array): also a
    TypeError, the error JAX's and autograd's grad raise for it."""


def error_at(filename: str, node: Any, construct: str, advice: str) -> DifferentiationError:
    """Build the error for ``node`` (anything with a ``lineno``) in ``filename``."""
    line = getattr(node, "lineno", None) or "?"
    return DifferentiationError(f"{filename}:{line}: {construct}: {advice}")


def missing_rule(filename: str, node: Any, fn: Any, label: str, forward: bool = False
                 ) -> DifferentiationError:
    """A call with no rule and no readable source: name it, and the two ways out."""
    module = getattr(fn, "__module__", None) or _home_of(fn)
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or label
    full = f"{module}.{name}" if module and module not in ("builtins", "__main__") else name
    short = name.split(".")[-1]
    if isinstance(fn, type) and module not in ("builtins", "numpy") and \
            not module.startswith(("numpy.", "scipy")):  # a class of the user's
        return DifferentiationError(
            f"{filename}:{getattr(node, 'lineno', None) or '?'}: an object of class {full} "
            f"made inside the differentiated function{_protocol_of(fn)}: make it outside "
            f"and pass it in as an argument or a global (s2sad reads its methods and "
            f"attributes there), or keep its values in local variables")
    if isinstance(fn, str):  # a local name whose function is not known at the transform
        import numpy as np
        method = label.rpartition(".")[2]
        if "." in label and hasattr(np.ndarray, method):
            return DifferentiationError(  # (x.compress(c): an array's method, not listed)
                f"{filename}:{getattr(node, 'lineno', None) or '?'}: call of {label}: "
                f"if it is an array's, s2sad has no rule for the method .{method}(): " + (
                    f"call NumPy's function np.{method}(...) with the array as its "
                    f"argument instead, or " if hasattr(np, method) else "") +
                "write it with operators, indexing and functions s2sad differentiates; "
                "if it is an object's made inside the function, make the object outside "
                "and pass it in as an argument or a global")
        return DifferentiationError(
            f"{filename}:{getattr(node, 'lineno', None) or '?'}: call of {label}: which "
            f"function this name holds is not known when the derivative is made (chosen at "
            f"run time, or an object made inside the function): call the function by a "
            f"global name (in each branch of an if), or make the object outside and pass it "
            f"in as an argument or a global")
    if (module or "").startswith("s2sad."):  # a helper of a derivative differentiated again
        return DifferentiationError(
            f"{filename}:{getattr(node, 'lineno', None) or '?'}: a derivative of a derivative "
            f"of this line: s2sad's helper {name} in the first derivative has no "
            f"{'forward-mode ' if forward else ''}derivative rule (a limitation of s2sad); take "
            "it in forward mode over the gradient (s2sad.hessian, s2sad.jvp of s2sad.grad), or "
            "call the function by its own name here (not one chosen at run time)")
    kind, rule, args = ("defjvp", "jvp", "tangents, ans, x") if forward else \
        ("defvjp", "vjp", "g, ans, x")
    body = "tangents[0] * <d/dx>" if forward else "(g * <d/dx>,)"
    return DifferentiationError(
        f"{filename}:{getattr(node, 'lineno', None) or '?'}: call of {full}: no "
        f"{'forward-mode ' if forward else ''}derivative rule is known and its source cannot "
        f"be read; give it one: @s2sad.{kind}({short}) on "
        f"def {short}_{rule}({args}): return {body}  (docs/extending.md), or, if no gradient "
        f"should flow through it, call it on s2sad.stop_gradient(x)")


def _home_of(fn: Any) -> str:
    """The module a ufunc (which does not say) is found in: numpy or scipy.special."""
    import sys
    for module in ("numpy", "scipy.special"):
        mod = sys.modules.get(module)
        if mod is not None and getattr(mod, getattr(fn, "__name__", ""), None) is fn:
            return module
    return ""


def in_generated_code(error: BaseException, user_file: str) -> DifferentiationError | None:
    """``error`` raised while running generated code, as a DifferentiationError naming the
    user's line the failing generated line comes from (its ``# line N`` comment); None
    when no generated code ran. A refusal raised there without a place gets one."""
    import linecache
    tb, where, last, at = error.__traceback__, None, "", 0
    while tb is not None:
        last, at = tb.tb_frame.f_code.co_filename, tb.tb_lineno
        if last.startswith("<s2sad "):
            where = (last, tb.tb_lineno)
        tb = tb.tb_next
    library = any(part in last for part in ("/numpy/", "/scipy/", "<__array_function__")) or \
        _failed_in_runtime(last, at)
    unplaced = isinstance(error, DifferentiationError) and str(error).startswith("<s2sad>:?: ")
    if where is None or not (last.startswith("<s2sad ") or library or unplaced):
        return None  # raised on purpose by a rule of the user's or a check of s2sad's
    line = user_line(linecache.getlines(where[0]), where[1])
    message = str(error)
    if isinstance(error, DifferentiationError):
        placed = message.startswith("<s2sad>:?: ")
        return DifferentiationError(f"{user_file}:{line}: {message[11:]}") if placed else None
    return DifferentiationError(
        f"{user_file}:{line}: the derivative of this line failed ({type(error).__name__}: "
        f"{message}) although the function itself runs: an s2sad bug, please report it; "
        "meanwhile s2sad.stop_gradient or a rule of your own (s2sad.defvjp) gets past it")


def _failed_in_runtime(filename: str, line: int) -> bool:
    """Did a helper of s2sad's runtime fail in an operation (NumPy's ``acc[i] += g`` of
    mismatched shapes), not raise on purpose (a ``raise`` line: a message of its own)?"""
    import linecache
    import os
    runtime = os.path.join("s2sad", "runtime") + os.sep
    return runtime in filename and \
        not linecache.getline(filename, line).strip().startswith("raise")


def refusal_in_derivative(error: DifferentiationError, user_file: str, first: int = 0
                          ) -> DifferentiationError | None:
    """A refusal naming a line of generated code (a derivative differentiated again,
    as a Hessian does) as one naming the user's line that code comes from; ``first``:
    the line of the user's ``def``, named where the generated line is not known (a rule's
    refusal raised while the derivative of a derivative runs)."""
    import linecache
    import re
    found = re.match(r"(<s2sad [^>]*>):(\d+|\?): (.*)", str(error), re.S)
    if found is None or found.group(1) == user_file:  # (code s2sad made refusing at its
        return None  # own line, a wrapper's of a call chosen at run time: not a derivative)
    line = user_line(linecache.getlines(found.group(1)), int(found.group(2))) \
        if found.group(2) != "?" else "?"
    line = str(first) if line == "?" and first else line
    if getattr(error, "s2sad_again", False):  # (the first derivative's own refusal)
        return DifferentiationError(f"{user_file}:{line}: {found.group(3)}")
    return DifferentiationError(
        f"{user_file}:{line}: differentiating s2sad's derivative of this line again was "
        f"refused, a limitation of s2sad (please report it): {found.group(3)}")


def user_line(lines: list[str], lineno: int) -> str:
    """The user's line a generated line comes from: its nearest ``# line N`` comment."""
    import re
    for text in reversed(lines[:lineno]):
        found = re.match(r"\s*# (?:adjoint of |tangent of )?line (\d+)", text)
        if found:
            return found.group(1)
    return "?"


def _protocol_of(cls: type) -> str:
    """What keeps an object of ``cls`` made inside from being read as a record: the
    special methods it defines that s2sad does not read as methods (indexing, ``len``,
    iteration, comparisons), said, so the user knows what to change."""
    from s2sad.dataclass_args import OPERATOR_METHODS, other_dunders, special_methods
    if not other_dunders(cls, followed=True):
        return ""
    names = ", ".join(sorted(special_methods(cls) - OPERATOR_METHODS))
    return (f" (its class defines {names}, which s2sad does not read on an object made "
            f"inside; the arithmetic operators it does: call a method instead, "
            f"p.coefficient(i) for p[i])")
