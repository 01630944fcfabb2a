"""s2sad: source-to-source automatic differentiation for Python and NumPy.

The entry points load the compiler on first use, so ``import s2sad.runtime``
(all that a module written by ``s2sad transform`` needs) imports numpy only.
"""
import importlib as _importlib
from typing import Any as _Any

from s2sad.errors import DifferentiationError
from s2sad.runtime.checkpoint import checkpoint
from s2sad.runtime.core import stop_gradient

_ENTRY_POINTS = {
    "grad": "s2sad.api", "value_and_grad": "s2sad.api", "vjp": "s2sad.api",
    "jvp": "s2sad.api", "defvjp": "s2sad.api", "defjvp": "s2sad.api",
    "jacobian": "s2sad.jacobians", "hessian": "s2sad.jacobians", "graph": "s2sad.graph_view",
    "jacobian_sparsity": "s2sad.sparsity",
}

__version__ = "0.1.0"  # (pyproject.toml's; tests/test_api_surface.py checks they agree)

__all__ = ["grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian", "defvjp", "defjvp",
           "stop_gradient", "DifferentiationError", "graph", "jacobian_sparsity", "checkpoint"]


def __getattr__(name: str) -> _Any:
    if name in _ENTRY_POINTS:
        value = getattr(_importlib.import_module(_ENTRY_POINTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 's2sad' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(n for n in set(globals()) | set(__all__) if not n.startswith("_") or
                  n == "__version__")
