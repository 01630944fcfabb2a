"""Part of stage 6, reverse: what a loop keeps for the reverse sweep.  A run of
assignments pushes the values its adjoints read once, after the run, and the reverse
sweep pops them once before it (:class:`Record`); a slot number pairs the push with its
pop for the passes that prune the tape (:mod:`tape`, :mod:`recompute`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import gast

from s2sad.compiler import tape

if TYPE_CHECKING:
    from s2sad.compiler.reverse import Reverse


class Record:
    """One push after a run of assignments, one pop before its reverse: the values the
    run's adjoints read, each once.  Pushing a value after the run is right as long as
    no later statement of the run assigns it: where one does, a new run begins."""

    def __init__(self, rev: Reverse, like: gast.AST) -> None:
        self.rev, self.like = rev, like
        self.names: list[str] = []
        self.assigned: set[str] = set()  # by the run's statements after the current one
        self.shapes: set[str] = set()
        self.values: set[str] = set()
        self.push_node = rev.push(["_"], like)
        self.pop_node = rev.pop(["_"], like)
        self.push_node.s2sad_slot = self.pop_node.s2sad_slot = next(tape.SLOTS)

    def add(self, names: list[str], shapes: set[str]) -> None:
        for n in names:
            if n not in self.names:
                self.names.append(n)
            (self.shapes if n in shapes else self.values).add(n)

    def keep_values(self, finals: set[str]) -> None:
        """Push ``finals`` as values, not shapes: a pop of a shape into a name the
        reverse loop reads elements of, as they are after the loop, would leave a shape
        there for the next trip's read."""
        if self.shapes & finals:
            self.values |= self.shapes & finals
            self.close()

    def close(self) -> None:
        names = sorted(self.names)
        shapes = self.shapes - self.values
        self.push_node.value = self.rev.push(names, self.like, shapes).value
        self.pop_node.targets = self.rev.pop(names, self.like).targets
        return None
