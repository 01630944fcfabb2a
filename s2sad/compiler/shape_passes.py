"""The late passes that read shapes (the rest of the fixpoint group): helpers the shapes
make plain, values read for their shape alone, a reversed ``if``'s zeroed adjoints, arrays
the reverse sweep makes again, sums of products as contractions."""
from __future__ import annotations

from collections import Counter

import gast

from s2sad.compiler import (
    algebra,
    contractions,
    dims,
    kept_results,
    new_axes,
    number_spreads,
    remade_tape,
    remat_views,
    reversals,
    scaled_solves,
    shape_only,
    shape_reads,
    tape,
    written_back,
    zero_adjoints,
    zero_branches,
)
from s2sad.compiler import ranks as ranks_stage
from s2sad.compiler.node_scans import mentions
from s2sad.compiler.pass_manager import Facts
from s2sad.compiler.pass_shapes import known_shapes, shape_facts, value_kinds
from s2sad.compiler.walks import name_ids

_SHAPE = frozenset({"shape"})


def shapes(body: list, facts: Facts) -> list:
    """Every value's shape worked out again, and the helpers it makes the identity or a
    plain operation rewritten (``unbroadcast(g, x)`` of a ``g`` shaped like ``x``); a
    solve of a multiple of a right-hand side solved before that multiple of its
    solution; a value read for its shape alone made without the calls that keep their
    argument's shape (``np.sort(r)[:k]`` as ``r[:k]``)."""
    facts.shapes = shape_facts(body, facts)
    facts.shaped = facts.version  # (of the body as given: current while nothing changes it)
    body = ranks_stage.specialise(body, facts.ranks, set(facts.numbers), facts.namespace,
                                  real=facts.real, facts=facts.shapes, floats=facts.floats,
                                  real_numbers=frozenset(facts.params & facts.numbers),
                                  derivatives=facts.adjoints | facts.tangents)
    body = scaled_solves.scale_solves(body, facts.namespace, facts.numbers)
    readers = number_spreads.keep_numbers(body, facts.shapes, sorted(facts.ranks),
                                          facts.numbers, facts.namer)
    if readers:  # (numbers first in their products now, not in another round)
        algebra.tidy_statements(readers, set(facts.numbers), facts.same_shape, facts.real,
                                facts.adjoints | facts.tangents, facts.shapes)
    if any(isinstance(v, gast.Call) and isinstance(v.func, gast.Name) and
           v.func.id == "zero_at" for values in facts.shapes.defs.values() for v in values):
        written_back.put_back(body, facts.shapes, Counter(name_ids(body, gast.Load)))
    if facts.ranks and tape.has_slots(body) and \
            mentions(body, attrs=_SHAPE):  # (np.shape(v), v popped from the tape)
        shape_reads.shapes_from_arguments(body, facts.shapes, sorted(facts.ranks),
                                          facts.namespace)
    _shapes_read(body, facts, facts.shapes)
    if facts.shapes is not None and reversals.simplify(body, facts.shapes, facts.namespace):
        facts.shapes = None
    return body


def _shapes_read(body: list, facts: Facts, known: dims.Facts) -> None:
    """The steps of ``shapes`` for values read for their shapes: zeros like an argument,
    calls that keep their argument's shape dropped, shapes read from another value.  The
    dtypes the first step works out serve the last while no step in between changed
    the body (the same sweep otherwise made twice)."""
    unchanged: list = []
    if facts.floats and shape_reads.candidates(body, facts.params, facts.namespace):
        found = value_kinds(body, facts)
        if not shape_reads.zeros_from_arguments(body, known, found, facts.floats,
                                                facts.namespace):
            unchanged.append(found)
    if shape_only.drop_kept_calls(body, known, facts.namespace):
        facts.shapes = None  # (a value read for its shape: made of its argument)
    if facts.shapes is not None and facts.ranks and shape_reads.shape_only_values(
            body, known, lambda: unchanged[0] if unchanged else value_kinds(body, facts),
            sorted(facts.ranks), facts.floats, facts.namespace):
        facts.shapes = None


def branches(body: list, facts: Facts) -> list:
    """What only carries an adjoint a reversed ``if`` zeroes in one branch moved into
    the other (a rejected step of an integrator costs nothing in reverse; the table's
    ``needs``: run only on a body with an ``if``)."""
    return zero_branches.move(body, facts.namespace, facts.params, facts.shapes)


def zeros(body: list, facts: Facts) -> list:
    """Additions of adjoints the facts prove zero dropped (:mod:`zero_adjoints`:
    ``np.sign``'s of a real value, and what it then multiplies)."""
    if zero_adjoints.drop(body, facts.namespace, facts.shapes):
        facts.shapes = None
    return body


def remade(body: list, facts: Facts) -> list:
    """Arrays of the tape one operation makes from other values the reverse sweep has
    made again there, not kept (:mod:`remade_tape`)."""
    if not tape.has_slots(body):
        facts.kept = True
        return body
    if remade_tape.remake(body, facts.params, lambda: known_shapes(body, facts), facts.namer):
        facts.shapes = None
    pops, pushes = tape.pairs(body)
    if kept_results.keep_results(pops, pushes, remade_tape.blocks_of(body),
                                 lambda: known_shapes(body, facts)):
        facts.shapes = None
    return body


def contracted(body: list, facts: Facts) -> list:
    """Sums of products of broadcast views written as contractions (``W @ P``)."""
    if not contractions.has_sums(body, facts.namespace):
        facts.kept = True
        return body  # (nothing to contract: no shape facts worked out for it)
    named = contractions.weights_named(body, facts.namespace, facts.namer) | \
        remat_views.rematerialize(body, facts.namespace)
    if named:
        facts.shapes = None
    contracted = contractions.contract(body, known_shapes(body, facts), facts.namespace,
                                       facts.floats)
    if contracted:
        facts.shapes = None  # (the new sums' shapes: known where the old ones were not)
        new_axes.without_new_axes(body, known_shapes(body, facts), facts.namespace)
    facts.kept = not (named or contracted)  # (each step says whether it rewrote anything)
    return body
