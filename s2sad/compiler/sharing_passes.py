"""The late passes that compute a value once: reductions over rows as products, costly
calls, terms, products, factors and angles shared."""
from __future__ import annotations

from s2sad.compiler import (
    angle_differences,
    centred_reads,
    costly_calls,
    half_angles,
    outer_forms,
    popped_calls,
    rank_one,
    row_sums,
    scaled_tapes,
    shared_factors,
    shared_matmuls,
    shared_parts,
    shared_products,
    shared_reductions,
    shared_terms,
    shared_values,
    sliced_zeros,
    sort_orders,
    tape,
    taped_factors,
    transcendentals,
    var_means,
)
from s2sad.compiler.pass_manager import Facts
from s2sad.compiler.pass_shapes import known_shapes, value_kinds


def rows(body: list, facts: Facts) -> list:
    """Sums and means over the last axis of float64 arrays as products with ones; first
    (while the means are still calls of ``np.mean``), a variance of a value whose mean
    is bound as the mean of the squared centred values, and values centred again on
    such a mean read through the name of the centred values."""
    if facts.real and var_means.var_by_mean(body, facts.namespace, facts.namer):
        facts.shapes = None
    if centred_reads.read_centred(body, facts.namespace):
        facts.shapes = None
    if not facts.floats or not row_sums.candidates(body, facts.namespace):
        return body
    if row_sums.as_products(body, known_shapes(body, facts), lambda: value_kinds(body, facts),
                            facts.namespace, sorted(facts.ranks)):
        facts.shapes = None
    if rank_one.rewrite(body, facts.namespace, lambda: known_shapes(body, facts)):
        facts.shapes = None
    return body


def share(body: list, facts: Facts) -> list:
    """Costly calls with the same arguments computed once; a matrix inverted or
    factorised anyway not factorised again for its solves (the forward sweep's factors
    taped for the reverse sweep's); ``sin(2 * y)`` from the
    ``sin(y)`` and ``cos(y)`` computed anyway, and ``sin(y) * cos(y)`` computed for that
    product alone from ``sin(2 * y)``; a product computed already read as a
    factor of a longer one, a reduction (a value) bound already read through its name; a
    sort whose adjoint needs its permutation sorted once."""
    costly_calls.share_costly_calls(body, facts.namespace, facts.namer)
    if outer_forms.keep_rank_one(body, facts.namespace, lambda: known_shapes(body, facts)):
        facts.shapes = None
    if shared_terms.share_terms(body, facts.namespace, facts.namer):
        facts.shapes = None
    if shared_parts.share_parts(body, facts.namespace, facts.namer):
        facts.shapes = None
    if scaled_tapes.tape_scales(body, facts.params, known_shapes(body, facts),
                                facts.namespace):
        facts.shapes = None
    shared_products.share_products(body)
    if shared_matmuls.share_matmuls(body, facts.namer):
        facts.shapes = None
    shared_reductions.share_reductions(body, facts.namespace)
    shared_values.share_values(body, facts.namespace)
    if shared_factors.share_factors(body, facts.namespace, facts.namer,
                                    known_shapes(body, facts)):
        facts.shapes = None
    if taped_factors.factor_forward(body, facts.namespace, facts.namer):
        body = tape.prune(body)  # (the matrix popped may be read no more)
        facts.shapes = None
    if sort_orders.sort_once(body, facts.namespace, facts.namer):
        facts.shapes = None
    if _share_angles(body, facts):
        facts.shapes = None
    _slices_contracted(body, facts)
    if popped_calls.reuse_popped(body, facts.namespace, frozenset(facts.numbers),
                                 facts.namer):
        body = tape.prune(body)  # (the argument popped may be read no more)
        shared_products.share_products(body)  # (``dm * abs`` of ``|v|`` read off the tape)
        facts.shapes = None
    return body


def _share_angles(body: list, facts: Facts) -> bool:
    """Sines and cosines taken once: of a difference of rearrangements of one array
    from the array's, repeated ones once, double angles from the single ones, a
    product of the sine and cosine alone from the double angle."""
    changed = facts.real and angle_differences.share_differences(
        body, facts.namespace, facts.namer, facts.numbers, facts.indices)
    changed = transcendentals.share_transcendentals(body, facts.namespace,
                                                    facts.namer) or changed
    return half_angles.halve_products(body, facts.namespace) or changed


def _slices_contracted(body: list, facts: Facts) -> None:
    """An adjoint zero but for a leading slice contracted over that slice alone."""
    if sliced_zeros.contract_slices(body, lambda: known_shapes(body, facts)):
        facts.shapes = None
