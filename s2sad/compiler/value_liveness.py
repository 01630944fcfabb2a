"""Which later reads see a write into an array (for :mod:`alias_writes`): a read for a
shape alone (``zeros_like(r)``, a derivative's zero adjoint, ``unbroadcast(g, r)``) does
not, since an in-place write into an array changes neither its shape nor its dtype.  A
derivative differentiated again writes through names sharing an array
(``choice = r; choice[0] = ...``, of the user's ``r = r if c else ...; r[0] = ...``)
and reads the other one later for its shape only; that write need not be carried to it.
Worked out once per function, only when such a write shares its array."""
from __future__ import annotations

import gast

from s2sad.compiler.liveness import live_after


class ValueLiveness:
    """Names whose values a statement's followers read (lazily, for one body)."""

    def __init__(self, body: list) -> None:
        self.body = body
        self.after: dict[int, frozenset] | None = None

    def live_after(self, s: gast.stmt) -> frozenset:
        if self.after is None:
            self.after = {}
            live_after(self.body, self.after, values_only=True)
        return self.after.get(id(s), frozenset())
