"""The one error type and the one formatter: ``file:line: construct: advice``."""
from __future__ import annotations

from typing import Any


class DifferentiationError(ValueError):
    """Raised for anything s2sad cannot differentiate, naming where and why."""


def error_at(filename: str, node: Any, construct: str, advice: str) -> DifferentiationError:
    """Build the error for ``node`` (anything with a ``lineno``) in ``filename``."""
    line = getattr(node, "lineno", None) or "?"
    return DifferentiationError(f"{filename}:{line}: {construct}: {advice}")
