"""The pass manager: a table of passes run in order, a fixpoint group round after round.

Every pass is a function ``(body, facts) -> body`` over one :class:`Facts` object;
:func:`run` runs a pass table (:data:`s2sad.compiler.pipeline.PASSES`), the passes
marked ``fixpoint`` again while one of them still changes the body.  A pass that
declares what it ``needs`` (names, attributes, node classes) is not run on a body
holding none of them: the manager indexes the body once per version (:class:`Index`,
from the walk that takes its fingerprint), not each pass its own way.  ``CHECK``, when
set, is called after every pass run (the tests verify the body there).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from s2sad.compiler import dims
from s2sad.compiler.names import Namer
from s2sad.compiler.recursive_results import Recursion
from s2sad.compiler.walks import fingerprint

# at most this many rounds of the fixpoint passes: a window's ``repeat_to`` written
# plainly by the second round's ``shapes`` leaves a push only the third round prunes
ROUNDS = 3
# called after every pass with (pass name, body, facts) when set: the tests verify there
CHECK: Callable[[str, list, Any], None] | None = None


@dataclass
class Facts:
    """What the late passes know of the generated function and share."""

    namespace: dict[str, Any]
    namer: Namer
    params: set[str]  # the generated function's parameters: never dropped or renamed
    numbers: set[str] = field(default_factory=set)  # names holding numbers, not arrays
    same_shape: dict[str, str] = field(default_factory=dict)  # name -> one of its shape
    ranks: dict[str, Any] = field(default_factory=dict)  # array parameter -> shape class
    adjoints: frozenset = frozenset()  # adjoint names (finite where their values are)
    alike: dict = field(default_factory=dict)  # parameter -> expression of its shape
    real: bool = False  # no complex value anywhere
    shapes: dims.Facts | None = None  # every value's shape, from the ``shapes`` pass
    shaped: int | None = None  # the fingerprint of the body ``shapes`` were worked out for
    tangents: frozenset = frozenset()  # tangent names (forward mode)
    floats: frozenset = frozenset()  # parameters that are float64 arrays
    float_numbers: frozenset = frozenset()  # parameters that are Python or NumPy float64s
    optimistic: list | None = None  # NaN guards all dropped: the ones not proved listed
    kept: bool = False  # the last pass knew it left the body untouched (see ``_run_group``)
    version: int | None = None  # the fingerprint of the body a fixpoint pass was given
    recursion: Recursion | None = None  # the function, when it calls itself (``dims``)
    indices: frozenset = frozenset()  # parameters that are integer arrays (``dims``)


Pass = Callable[[list, Facts], list]


@dataclass(frozen=True)
class Step:
    """One row of the pass table."""

    name: str
    run: Pass
    fixpoint: bool = False  # run again with its neighbours while one of them changes
    # names, attributes (``sum`` of ``np.sum``) or node classes (``gast.For``): run only on
    # a body holding one of them, the rewrite's trigger (empty: run on every body)
    needs: frozenset = frozenset()
    # its output is a fixpoint of its own: a round need not run it again on the body it
    # made (only on one another pass changed since)
    settles: bool = False


class Index:
    """The body's fingerprint and the set of its tokens (node classes, names,
    attributes, constants), from one walk, taken again when a pass asks and the body may
    have changed since (``stale``); the set made only when a pass's needs ask."""

    def __init__(self) -> None:
        self.version: int | None = None
        self._found: list = []
        self._tokens: frozenset | None = None

    def of(self, body: list) -> int:
        """The fingerprint of ``body`` (the index made current)."""
        self._found, self._tokens = [], None
        self.version = fingerprint(body, self._found)
        return self.version

    def stale(self) -> None:
        self.version = None

    def wants(self, step: Step, body: list) -> bool:
        """Does ``body`` hold what ``step`` needs?"""
        if not step.needs:
            return True
        if self.version is None:
            self.of(body)
        if self._tokens is None:
            self._tokens = frozenset(self._found)
        return not step.needs.isdisjoint(self._tokens)


def run(body: list, facts: Facts, passes: Sequence[Step], upto: str | None = None) -> list:
    """``body`` after every pass (or up to and including the pass named ``upto``)."""
    at, index = 0, Index()
    while at < len(passes):
        group = [passes[at]]
        while group[-1].fixpoint and at + len(group) < len(passes) and \
                passes[at + len(group)].fixpoint:
            group.append(passes[at + len(group)])
        run_group = _run_group if group[0].fixpoint else _run_one
        body, stopped = run_group(body, facts, group, upto, index)
        if stopped:
            return body
        at += len(group)
    return body


def _run_one(body: list, facts: Facts, group: list[Step], upto: str | None, index: Index
             ) -> tuple[list, bool]:
    """One pass, unless the body holds nothing it needs; True when it is ``upto``."""
    step = group[0]
    if index.wants(step, body):
        facts.kept, facts.version = False, None
        body = step.run(body, facts)
        if not facts.kept:  # (it may have changed the body)
            index.stale()
        if CHECK is not None:
            CHECK(step.name, body, facts)
    return body, step.name == upto


def _run_group(body: list, facts: Facts, group: list[Step], upto: str | None, index: Index
               ) -> tuple[list, bool]:
    """A fixpoint group run round after round until a round changes nothing; True when
    the pass named ``upto`` has run.  A pass is not run again on a body it already left
    unchanged (a pass gives the same output for the same input), nor, when it
    ``settles``, on the body it made: a round that only verifies costs a fingerprint
    per pass, and not that where the pass knew it had nothing to do (it set
    ``facts.kept``)."""
    now = index.version if index.version is not None else index.of(body)
    idle: dict[str, int] = {}  # pass -> the fingerprint of a body it did not change
    for _ in range(ROUNDS):
        changed = False
        for step in group:
            if idle.get(step.name) != now and index.wants(step, body):
                facts.kept, facts.version = False, now
                body = step.run(body, facts)
                if CHECK is not None:
                    CHECK(step.name, body, facts)
                after = now if facts.kept else index.of(body)
                if after == now or step.settles:
                    idle[step.name] = after
                changed, now = changed or after != now, after
            if step.name == upto:
                return body, True
        if not changed:
            break
    return body, False
