"""The shape facts the late passes share: worked out once per version of the body and
kept in ``facts.shapes`` (``facts.shaped``: the fingerprint of the body they were worked out
for) until a pass that changes what they say sets them to None; and the values' dtypes as
the passes ask them (``value_kinds``)."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from s2sad.compiler import dims, dtypes
from s2sad.compiler import ranks as ranks_stage
from s2sad.compiler.pass_manager import Facts
from s2sad.compiler.walks import fingerprint


def known_shapes(body: list, facts: Facts) -> dims.Facts:
    """The shape facts known, worked out for the body as it is now where none are."""
    if facts.shapes is None:
        facts.shapes = shape_facts(body, facts)
        facts.shaped = fingerprint(body)
    return facts.shapes


def shape_facts(body: list, facts: Facts) -> dims.Facts:
    """The shapes of ``body``'s values, worked out afresh from what ``facts`` know of the
    parameters."""
    return ranks_stage.shape_facts(body, facts.ranks, set(facts.numbers), facts.namespace,
                                   facts.alike, facts.recursion, facts.indices)


def fresh_shapes(body: list, facts: Facts) -> dims.Facts:
    """The shape facts of the body as it is now (worked out again if they are not)."""
    shapes = current_shapes(body, facts)
    if shapes is None:
        facts.shapes = None
        shapes = known_shapes(body, facts)
    return shapes


def current_shapes(body: list, facts: Facts) -> dims.Facts | None:
    """The shape facts when they were worked out for the body as it is now."""
    return facts.shapes if facts.shapes is not None and \
        facts.shaped == fingerprint(body) else None


def value_kinds(body: list, facts: Facts, float_numbers: bool = False) -> dict[str, str]:
    """The dtypes of ``body``'s values (:func:`dtypes.dtypes`) from the float64 array
    parameters and the real number ones (``float_numbers``: those of them that are
    Python or NumPy float64s read as such too)."""
    return dtypes.dtypes(body, set(facts.floats), facts.params & facts.numbers,
                         facts.namespace, facts.float_numbers if float_numbers else frozenset())


class LazyKinds(Mapping[str, str]):
    """:func:`value_kinds` worked out at the first look (called, all of them): a
    rewrite that finds no candidate never looks.  For a rewrite that looks before it
    changes the body (a float64 test on each candidate first): the kinds are those of
    the body as given."""

    def __init__(self, body: list, facts: Facts, float_numbers: bool = False) -> None:
        self._args: tuple[Any, ...] = (body, facts, float_numbers)
        self._kinds: dict[str, str] | None = None

    def __call__(self) -> dict[str, str]:
        if self._kinds is None:
            self._kinds = value_kinds(*self._args)
        return self._kinds

    def __getitem__(self, name: str) -> str:
        return self()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self())

    def __len__(self) -> int:
        return len(self())
