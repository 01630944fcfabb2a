"""Second order (``--order 2``): the program under test becomes a hessian-vector product.

``hv(x, y, ...) = np.sum(s2sad.grad(f, wrt=k)(x, y, ...) * V)`` for the first argument
``k`` that is an array or a float and a fixed random ``V`` of its shape: what a user
writes for a Newton step or a curvature penalty.  Checking ``hv`` with the first-order
checks of check.py (value_and_grad and jvp with respect to every argument: ``CHECKS``)
compares reverse-over-reverse and forward-over-reverse derivatives with central
differences of ``hv`` itself, which runs s2sad's first-order gradient (checked by the
first-order campaigns).  Differentiating with respect to the other arguments too reaches
the mixed second derivatives, where the inner gradient reads an argument (a list's item,
a dict's value) that it does not differentiate.

``hv`` is written to ``hv_<f's file>`` beside ``f``'s file (s2sad reads a function's
source, so the file stays while ``hv`` is used), with ``f`` and ``V`` as its module's
globals.
"""
from __future__ import annotations

import argparse
import inspect
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from tools.fuzz import check

CHECKS = ("value_and_grad", "jvp")  # (the checks run by default: see check.run_checks)

TEMPLATE = '''"""The hessian-vector product of a fuzzed program (tools/fuzz/second.py)."""
import numpy as np

import s2sad


def hv({params}):
    return np.sum(s2sad.grad(f, wrt={k})({params}) * V)
'''


def add_order_option(parser: argparse.ArgumentParser) -> None:
    """``--order``: the option of the runners and the reducers."""
    parser.add_argument("--order", type=int, choices=(1, 2), default=1,
                        help="2: check each program's hessian-vector product (second.py)")


def inner_position(args: tuple) -> int | None:
    """The argument the inner gradient is taken with respect to: the first array or float
    (a container's gradient does not multiply by ``V``), or None."""
    return next((i for i, a in enumerate(args)
                 if isinstance(a, (np.ndarray, float)) and not isinstance(a, bool)), None)


def source(f: Callable, k: int) -> str:
    """The text of ``hv`` for ``f``'s parameters, the inner gradient with respect to ``k``."""
    params = ", ".join(inspect.signature(f).parameters)
    return TEMPLATE.format(params=params, k=k)


def hv_path(program: Path) -> Path:
    return program.with_name(f"hv_{program.name}")


def hessian_vector(f: Callable, args: tuple, seed: int) -> Callable | None:
    """``hv`` for ``f`` (None when no argument is an array or a float)."""
    k = inner_position(args)
    if k is None:
        return None
    where = hv_path(Path(inspect.getfile(f)))
    where.write_text(source(f, k))
    module = check.load(where, f"{where.stem}_{time.monotonic_ns()}")
    module.f = f
    module.V = np.random.default_rng(seed + 7).standard_normal(np.shape(args[k]))
    if isinstance(args[k], float):
        module.V = float(module.V)
    return module.hv
