"""The late passes over loops and the containers they build: invariants moved out,
trips batched or vectorised, elements read as floats, the carried value pushed once, lists
appended in place, element writes undone by the tape, containers' adjoints assembled."""
from __future__ import annotations

from s2sad.compiler import (
    adjoint_lists,
    appends,
    assemble,
    batch,
    carried,
    column_sums,
    correlate,
    element_sums,
    final_floats,
    floats,
    invariants,
    item_adds,
    number_calls,
    scalar_floats,
    simplify,
    stacked_pops,
    tape,
    undo_writes,
    vector_loops,
)
from s2sad.compiler.pass_manager import Facts
from s2sad.compiler.pass_shapes import LazyKinds, known_shapes, value_kinds
from s2sad.compiler.tidy_passes import tidy
from s2sad.compiler.walks import fingerprint


def invariant(body: list, facts: Facts) -> list:
    """What a loop computes the same in every trip computed once, in front of it; a
    reversed element loop whose trips are independent run for all trips at once; a
    loop adding a number times a column into a vector as one matrix-vector product
    (run only on a body with a loop: the table's ``needs``)."""
    after: dict[int, frozenset] = {}  # (liveness the rewrites share while none changes the body)
    moved = invariants.move_invariants(body, facts.namespace, after)
    body = tape.without_constants(moved, facts.numbers)
    if body is not moved:  # (pushes dropped: a new body)
        after.clear()
    vectorised = facts.ranks and facts.real and \
        vector_loops.vectorise(body, known_shapes(body, facts), facts.namer, after)
    if vectorised:
        facts.shapes = None
    if facts.floats and column_sums.as_products(
            body, known_shapes(body, facts), lambda: value_kinds(body, facts, float_numbers=True),
            facts.namer, after):
        facts.shapes, vectorised = None, True
    if vectorised:  # (a loop's bound, ``np.shape(X)[1]``, may be read no more)
        body = simplify.drop_dead_code(body, facts.namespace, facts.params)
    return body


def batched(body: list, facts: Facts) -> list:
    """Per-iteration products into one adjoint batched after the loop; a loop of
    sliding-window dot products as one ``np.correlate``."""
    if facts.floats and correlate.candidates(body):
        kinds = LazyKinds(body, facts)  # (a candidate's float64 test first)
        if correlate.correlated(body, known_shapes(body, facts), kinds):
            facts.shapes = None
    return batch.batch(body, known_shapes(body, facts), facts.namer)


def scalar_sums(body: list, facts: Facts) -> list:
    """An adjoint's element added to in every step of a loop summed as a number."""
    if not facts.floats or not facts.real or not element_sums.in_loops(body):
        return body
    kinds = value_kinds(body, facts)
    if element_sums.sum_as_numbers(body, known_shapes(body, facts), kinds, facts.namer):
        facts.shapes = None
    return body


def shared_tape(body: list, facts: Facts) -> list:
    """A value a loop carries pushed once per trip, not at both ends of it."""
    return carried.share(body)


def as_floats(body: list, facts: Facts) -> list:
    """Vectors read element by element in a loop read as Python floats, numbers read
    out of arrays before a loop too, and NumPy functions of numbers in a loop; a list
    of numbers' adjoint added into item by item, an adjoint only updated by the
    element a list of floats, and a loop's element adds into an array adjoint gathered
    and made after it."""
    body = floats.elements_as_floats(body, facts.params, lambda: known_shapes(body, facts),
                                     facts.namer, facts.optimistic)
    body = final_floats.final_vectors_as_floats(body, facts.params,
                                                lambda: known_shapes(body, facts), facts.namer,
                                                facts.optimistic)
    body = scalar_floats.numbers_as_floats(body, lambda: known_shapes(body, facts),
                                           facts.optimistic)
    if number_calls.calls_as_floats(body, lambda: known_shapes(body, facts), facts.namespace,
                                    facts.params, facts.floats | facts.float_numbers,
                                    facts.namer, facts.optimistic):
        facts.shapes = None  # (a vector's ufunc taken before its loop: a new name)
    body = adjoint_lists.adjoints_as_lists(body, facts.params, lambda: known_shapes(body, facts),
                                           facts.optimistic)
    body = floats.number_list_adds(body, lambda: known_shapes(body, facts))
    if not facts.real:
        return body
    gathered = item_adds.gathered(body, lambda: known_shapes(body, facts),
                                  LazyKinds(body, facts), facts.namer)
    if gathered is not body:
        facts.shapes = None  # (the lists of adds: new names)
    return gathered


def assembled(body: list, facts: Facts) -> list:
    """The adjoint of a list or dict of known structure built as one display; the tape
    pruned after (``add_at(None, w, k, e)`` read ``w`` for its structure only: a loop's
    carried dict or list pushed for that need not be; run only on a body calling
    ``add_at``: the table's ``needs``)."""
    body = assemble.assemble(body, known_shapes(body, facts), facts.namespace, facts.namer,
                             (lambda: value_kinds(body, facts, float_numbers=True))
                             if facts.real else None)
    before = fingerprint(body)
    body = tape.prune(body)
    return tidy(body, facts) if fingerprint(body) != before else body


def appended_lists(body: list, facts: Facts) -> list:
    """A list a loop only appends to built in place, its adjoint taken apart in place
    (a stacked list's adjoint popped as the rows of the stack's)."""
    body = appends.rewrite(body, facts.namer)
    stacked_pops.pop_rows(body)
    return body


def undone(body: list, facts: Facts) -> list:
    """An array written element by element taped by the elements it overwrites."""
    return undo_writes.log_writes(body, lambda: known_shapes(body, facts), facts.namer)
