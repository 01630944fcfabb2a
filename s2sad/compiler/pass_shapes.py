"""The shape facts the late passes share: worked out once per version of the body and
kept in ``facts.shapes`` (``facts.shaped``: the fingerprint of the body they were worked out
for) until a pass that changes what they say sets them to None."""
from __future__ import annotations

from s2sad.compiler import dims
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
