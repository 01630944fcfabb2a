"""Rule rows (see rule_rows.py): filled in by the coverage work of issue 12."""
from __future__ import annotations

from rule_rows import G, H, N, P, R, U, binary, spd, unary, well  # noqa: F401
