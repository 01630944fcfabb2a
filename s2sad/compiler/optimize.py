"""The late passes: the generated function, tidied and specialised until nothing changes.

Every pass is a function ``(body, facts) -> body`` over one :class:`Facts` object;
:data:`s2sad.compiler.pipeline.PASSES` lists them in order and
:func:`s2sad.compiler.pass_manager.run` runs the list, the passes marked ``fixpoint``
again while one of them still changes the body (dropping a no-op ``unbroadcast``
leaves a copy that copy folding then removes).
``del`` statements are inserted last (:mod:`free`), so no pass has to keep them right.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import gast

from s2sad.compiler import (
    accumulate,
    adjoint_lists,
    algebra,
    angle_differences,
    appends,
    assemble,
    batch,
    branch_pushes,
    cancelled_factors,
    cancelled_quotients,
    carried,
    centred_reads,
    choice_lines,
    column_sums,
    common_factors,
    contractions,
    correlate,
    dead_clears,
    dims,
    disjoint_writes,
    dtypes,
    element_sums,
    final_floats,
    finite,
    flat_gathers,
    floats,
    free,
    half_angles,
    in_place_chains,
    invariants,
    kept_elements,
    logistic,
    matmul_factors,
    method_sums,
    moved_sweeps,
    number_calls,
    number_spreads,
    outer_forms,
    ownership,
    popped_calls,
    rank_one,
    recompute,
    relu_shares,
    remade_tape,
    remat_views,
    restored_elements,
    reuse,
    reversals,
    row_gathers,
    row_sums,
    running_calls,
    scalar_floats,
    scaled_solves,
    scaled_tapes,
    scatters,
    shape_only,
    shape_reads,
    share_guards,
    shared_factors,
    shared_matmuls,
    shared_parts,
    shared_products,
    shared_reductions,
    shared_terms,
    shared_values,
    sign_products,
    simplify,
    sink,
    sliced_zeros,
    small_powers,
    sort_orders,
    tape,
    tape_rows,
    taped_calls,
    taped_factors,
    transcendentals,
    undo_writes,
    var_means,
    vector_loops,
    written_back,
    zero_branches,
)
from s2sad.compiler import ranks as ranks_stage
from s2sad.compiler.node_scans import mentions
from s2sad.compiler.pass_manager import Facts, Step, run
from s2sad.compiler.walks import fingerprint, name_ids

__all__ = ["Facts", "Step", "run"]
_SHAPE = frozenset({"shape"})

# -- the passes: each adapts one stage's entry point to (body, facts) -> body --------

def ranks(body: list, facts: Facts) -> list:
    """Helpers the argument ranks make plain (``matmul_lhs_adjoint`` of a matrix and a
    vector is an outer product)."""
    return ranks_stage.specialise(body, facts.ranks, facts.numbers, facts.namespace,
                                  real=facts.real, alike=facts.alike, floats=facts.floats,
                                  real_numbers=frozenset(facts.params & facts.numbers),
                                  recursion=facts.recursion, indices=facts.indices)


def prune(body: list, facts: Facts) -> list:
    """Tape pushes whose popped values nothing reads."""
    return tape.prune(body)


def reuse_values(body: list, facts: Facts) -> list:
    """Constants folded, numbers recognised, costly calls computed once."""
    return reuse.reuse(body, facts.namespace, facts.params, facts.namer)


def recomputed(body: list, facts: Facts) -> list:
    """Cheap numbers the reverse sweep popped computed there again (no tape; a value both
    branches of an ``if`` push pushed once before it first), a ufunc's
    number it computed again popped where the loop pushes anyway (taped_calls); the
    tape pruned first of what the passes before made unread (in the fixpoint: every round)."""
    if not tape.has_slots(body):
        facts.kept = True  # (no tape: nothing to prune, compute again or move)
        return body
    body = tape.prune(body)
    branch_pushes.hoist(body)
    body = recompute.recompute(body, facts.numbers, facts.params)
    body = taped_calls.tape_calls(body, facts.numbers, facts.namespace)
    return moved_sweeps.move_into_reverse(body, facts.namespace, recompute.reversed_of)


def tidy(body: list, facts: Facts) -> list:
    """Copies folded, single-use temporaries inlined, dead code dropped (an adjoint's
    element cleared where no one reads it again too)."""
    body = simplify.simplify(body, facts.namespace, facts.params)
    return dead_clears.drop(kept_elements.drop(body, facts.ranks))


def guards(body: list, facts: Facts) -> list:
    """``safe_*`` guards dropped where the values are known finite (the arguments' and
    the module's arrays the code is made for are taken as given, as arguments are)."""
    if not finite.candidates(body, facts.numbers, facts.adjoints):
        facts.kept = True  # (no guard, no partial of a number: nothing to drop)
        return body
    return finite.drop_guards(body, facts.namespace, facts.params | set(facts.ranks),
                              facts.numbers, facts.adjoints, facts.optimistic, checked=True)


def arithmetic(body: list, facts: Facts) -> list:
    """Arithmetic identities (``x * 1.0``, ``0.0 + g``) and constant copies; a float's
    small whole powers as products (``x ** 3`` as ``x * x * x``)."""
    body = logistic.simplify(body)
    body = relu_shares.simplify(body, facts.namespace)
    body = sign_products.simplify(body, facts.namespace)
    body = cancelled_quotients.cancel(body, lambda name: None if facts.shapes is None
                                      else facts.shapes.rank(name), facts.namer)
    body = algebra.simplify_arithmetic(body, set(facts.numbers), facts.same_shape,
                                       real=facts.real,
                                       derivatives=facts.adjoints | facts.tangents,
                                       dims=facts.shapes, params=facts.params,
                                       floats=facts.floats, ranks=facts.ranks,
                                       float_numbers=facts.float_numbers)
    small_powers.expand_powers(body, facts.namespace, facts.floats)
    return body


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
    def kinds() -> dict[str, str]:
        return dtypes.dtypes(body, set(facts.floats), facts.params & facts.numbers,
                             facts.namespace)
    unchanged: list = []
    if facts.floats and shape_reads.candidates(body, facts.params, facts.namespace):
        found = kinds()
        if not shape_reads.zeros_from_arguments(body, known, found, facts.floats,
                                                facts.namespace):
            unchanged.append(found)
    if shape_only.drop_kept_calls(body, known, facts.namespace):
        facts.shapes = None  # (a value read for its shape: made of its argument)
    if facts.shapes is not None and facts.ranks and shape_reads.shape_only_values(
            body, known, lambda: unchanged[0] if unchanged else kinds(),
            sorted(facts.ranks), facts.floats, facts.namespace):
        facts.shapes = None


def branches(body: list, facts: Facts) -> list:
    """What only carries an adjoint a reversed ``if`` zeroes in one branch moved into
    the other (a rejected step of an integrator costs nothing in reverse; the table's
    ``needs``: run only on a body with an ``if``)."""
    return zero_branches.move(body, facts.namespace, facts.params, facts.shapes)


def remade(body: list, facts: Facts) -> list:
    """Arrays of the tape one operation makes from other values the reverse sweep has
    made again there, not kept (:mod:`remade_tape`)."""
    if not tape.has_slots(body):
        facts.kept = True
        return body
    if remade_tape.remake(body, facts.params, lambda: _shapes(body, facts), facts.namer):
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
    contracted = contractions.contract(body, _shapes(body, facts), facts.namespace,
                                       facts.floats)
    if contracted:
        facts.shapes = None  # (the new sums' shapes: known where the old ones were not)
        contractions.without_new_axes(body, _shapes(body, facts), facts.namespace)
    facts.kept = not (named or contracted)  # (each step says whether it rewrote anything)
    return body


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
    if row_sums.as_products(body, _shapes(body, facts), lambda: dtypes.dtypes(
            body, set(facts.floats), facts.params & facts.numbers, facts.namespace),
            facts.namespace, sorted(facts.ranks)):
        facts.shapes = None
    if rank_one.rewrite(body, facts.namespace, lambda: _shapes(body, facts)):
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
    reuse.share_costly_calls(body, facts.namespace, facts.namer)
    if outer_forms.keep_rank_one(body, facts.namespace, lambda: _shapes(body, facts)):
        facts.shapes = None
    if shared_terms.share_terms(body, facts.namespace, facts.namer):
        facts.shapes = None
    if shared_parts.share_parts(body, facts.namespace, facts.namer):
        facts.shapes = None
    if scaled_tapes.tape_scales(body, facts.params, _shapes(body, facts),
                                facts.namespace):
        facts.shapes = None
    shared_products.share_products(body)
    if shared_matmuls.share_matmuls(body, facts.namer):
        facts.shapes = None
    shared_reductions.share_reductions(body, facts.namespace)
    shared_values.share_values(body, facts.namespace)
    if shared_factors.share_factors(body, facts.namespace, facts.namer,
                                    _shapes(body, facts)):
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
    if sliced_zeros.contract_slices(body, lambda: _shapes(body, facts)):
        facts.shapes = None


def invariant(body: list, facts: Facts) -> list:
    """What a loop computes the same in every trip computed once, in front of it; a
    reversed element loop whose trips are independent run for all trips at once; a
    loop adding a number times a column into a vector as one matrix-vector product
    (run only on a body with a loop: the table's ``needs``)."""
    body = tape.without_constants(invariants.move_invariants(body, facts.namespace),
                                  facts.numbers)
    vectorised = facts.ranks and facts.real and \
        vector_loops.vectorise(body, _shapes(body, facts), facts.namer)
    if vectorised:
        facts.shapes = None
    if facts.floats and column_sums.as_products(body, _shapes(body, facts), lambda: dtypes.dtypes(
            body, set(facts.floats), facts.params & facts.numbers, facts.namespace,
            facts.float_numbers), facts.namer):
        facts.shapes, vectorised = None, True
    if vectorised:  # (a loop's bound, ``np.shape(X)[1]``, may be read no more)
        body = simplify.drop_dead_code(body, facts.namespace, facts.params)
    return body


def batched(body: list, facts: Facts) -> list:
    """Per-iteration products into one adjoint batched after the loop; a loop of
    sliding-window dot products as one ``np.correlate``."""
    if facts.floats and correlate.candidates(body):
        kinds = dtypes.dtypes(body, set(facts.floats), facts.params & facts.numbers,
                              facts.namespace)
        if correlate.correlated(body, _shapes(body, facts), kinds):
            facts.shapes = None
    return batch.batch(body, _shapes(body, facts), facts.namer)


def scalar_sums(body: list, facts: Facts) -> list:
    """An adjoint's element added to in every step of a loop summed as a number."""
    if not facts.floats or not facts.real or not element_sums.in_loops(body):
        return body
    kinds = dtypes.dtypes(body, set(facts.floats), facts.params & facts.numbers,
                          facts.namespace)
    if element_sums.sum_as_numbers(body, _shapes(body, facts), kinds, facts.namer):
        facts.shapes = None
    return body


def shared_tape(body: list, facts: Facts) -> list:
    """A value a loop carries pushed once per trip, not at both ends of it."""
    return carried.share(body)


def as_floats(body: list, facts: Facts) -> list:
    """Vectors read element by element in a loop read as Python floats, numbers read
    out of arrays before a loop too, and NumPy functions of numbers in a loop; a list
    of numbers' adjoint added into item by item, and an adjoint only updated by the
    element a list of floats."""
    body = floats.elements_as_floats(body, facts.params, lambda: _shapes(body, facts),
                                     facts.namer, facts.optimistic)
    body = final_floats.final_vectors_as_floats(body, facts.params,
                                                lambda: _shapes(body, facts), facts.namer,
                                                facts.optimistic)
    body = scalar_floats.numbers_as_floats(body, lambda: _shapes(body, facts),
                                           facts.optimistic)
    if number_calls.calls_as_floats(body, lambda: _shapes(body, facts), facts.namespace,
                                    facts.params, facts.floats | facts.float_numbers,
                                    facts.namer, facts.optimistic):
        facts.shapes = None  # (a vector's ufunc taken before its loop: a new name)
    body = adjoint_lists.adjoints_as_lists(body, facts.params, lambda: _shapes(body, facts),
                                           facts.optimistic)
    return floats.number_list_adds(body, lambda: _shapes(body, facts))


def assembled(body: list, facts: Facts) -> list:
    """The adjoint of a list or dict of known structure built as one display; the tape
    pruned after (``add_at(None, w, k, e)`` read ``w`` for its structure only: a loop's
    carried dict or list pushed for that need not be; run only on a body calling
    ``add_at``: the table's ``needs``)."""
    body = assemble.assemble(body, _shapes(body, facts), facts.namespace, facts.namer,
                             (lambda: dtypes.dtypes(body, set(facts.floats),
                                                    facts.params & facts.numbers,
                                                    facts.namespace, facts.float_numbers))
                             if facts.real else None)
    before = fingerprint(body)
    body = tape.prune(body)
    return tidy(body, facts) if fingerprint(body) != before else body


def appended_lists(body: list, facts: Facts) -> list:
    """A list a loop only appends to built in place, its adjoint taken apart in place."""
    return appends.rewrite(body, facts.namer)


def undone(body: list, facts: Facts) -> list:
    """An array written element by element taped by the elements it overwrites."""
    return undo_writes.log_writes(body, lambda: _shapes(body, facts), facts.namer)


def owned(body: list, facts: Facts) -> list:
    """Updates in place of arrays nothing else holds.  Where the shape facts are not
    current, those ``ownership`` works its ranks out from are worked out here (without
    an ``alike``, they are the same) and handed to the first ``shapes()`` asked while
    the body is the same: never asked anything before, they are new facts."""
    def worked_out() -> dims.Facts:  # of the body as it is now (names made since included)
        return shape_facts(body, facts)
    now = fingerprint(body)
    known = facts.shapes if facts.shapes is not None and facts.shaped == now else None
    fresh: list = []  # (fingerprint, facts) worked out here, not asked yet
    if known is None and not facts.alike and facts.recursion is None:
        known = worked_out()
        fresh.append((now, known))  # (of the body as it is: working facts out changes none)

    def shapes() -> dims.Facts:
        if fresh and fresh[0][0] == fingerprint(body):
            return fresh.pop()[1]
        fresh.clear()
        return worked_out()
    return ownership.own(body, facts.namespace, facts.params, set(facts.numbers),
                         facts.ranks, shapes, facts.floats, facts.real,
                         known=known, float_numbers=facts.float_numbers)


def accumulated(body: list, facts: Facts) -> list:
    """Neighbouring contributions to one adjoint from one line summed in one statement;
    a gather by index arrays and the scatters of its adjoint by flat positions worked
    out once; products sharing a name in one adjoint's sum multiplied once (matrix
    products sharing a factor too); a builtin
    min/max's share added only into its pick."""
    derivatives = facts.adjoints | facts.tangents
    found: list = []  # (worked out once, where two scatters may merge)

    def arrays() -> set[str]:
        if not found:
            found.append(scatters.numeric_arrays(body, dtypes.dtypes(
                body, set(facts.floats), facts.params & facts.numbers, facts.namespace),
                facts.namespace))
        return found[0]
    body = accumulate.merge(body, derivatives, facts.floats, arrays)
    body = choice_lines.meet(body, derivatives, lambda: dtypes.dtypes(
        body, set(facts.floats), facts.params & facts.numbers, facts.namespace),
        facts.namespace)
    flat_gathers.by_flat_positions(body, facts.namespace, facts.namer)
    common_factors.factor(body, derivatives)
    matmul_factors.factor(body, derivatives, lambda: _fresh_shapes(body, facts))
    return share_guards.guard(body)


def fused(body: list, facts: Facts) -> list:
    """Single-use temporaries written into their one reader; an adjoint of zeros added
    into by disjoint parts written part by part."""
    return disjoint_writes.write_parts(simplify.fuse(body, facts.namespace, facts.params))


def methods(body: list, facts: Facts) -> list:
    """``np.sum(dx)`` of an array called as its method, ``dx.sum()`` (no look over the
    argument's type at every call); a running sum or product along a literal axis by
    the runtime's helper, which takes a loop over the axis where its steps are wide;
    rows gathered by an integer vector as ``take_rows`` (``row_gathers``)."""
    def vectors() -> Callable[[gast.expr], bool]:
        shapes = _current_shapes(body, facts)
        if shapes is None:
            facts.shapes = None
            shapes = _shapes(body, facts)
        return lambda e: shapes.rank_of(e) == 1
    if running_calls.as_running(body, facts.namespace, vectors):
        facts.shapes = None
    sums, rows = method_sums.candidates(body, facts.namespace), row_gathers.candidates(body)
    if not sums and not rows:
        return body
    shapes = _current_shapes(body, facts)
    if shapes is None:
        facts.shapes = None
        shapes = _shapes(body, facts)
    if rows:
        row_gathers.as_takes(body, shapes)
    return method_sums.as_methods(body, shapes, facts.namespace) if sums else body


def tape_in_rows(body: list, facts: Facts) -> list:
    """The float64 arrays a time-step loop pushes kept as the rows of one array each
    (the optimistic variant only: the guarded one, which a second derivative reads,
    keeps its list)."""
    if facts.optimistic is None or not any(s.__class__ is gast.For for s in body) or \
            "stack" not in name_ids(body, gast.Load):
        facts.kept = True
        return body
    shapes = _shapes(body, facts)  # (worked out here where not known yet, as always)
    if not tape_rows.candidates(body):
        return body  # (no loop to look into: no dtypes worked out)
    kinds = dtypes.dtypes(body, set(facts.floats), facts.params & facts.numbers,
                          facts.namespace, facts.float_numbers)
    if tape_rows.rows(body, shapes, kinds, facts.params, facts.namer):
        facts.shapes = None
        facts.optimistic.append("tape_rows")  # (the guarded variant made for a 2nd order)
    return body


def chained(body: list, facts: Facts) -> list:
    """A chain of elementwise operations computed into the array its first one makes;
    a number dividing and multiplying it in a row left out of both."""
    if not facts.floats or not in_place_chains.candidates(body):
        return body  # (no float64 array known, or no chain long enough)
    kinds = dtypes.dtypes(body, set(facts.floats), facts.params & facts.numbers,
                          facts.namespace, facts.float_numbers)
    if in_place_chains.in_place(body, _fresh_shapes(body, facts), kinds, facts.namespace):
        facts.shapes = None
    cancelled_factors.cancel(body)  # (x /= 2 * a; x *= 2 * b: the 2s cancel)
    return body


def sunk(body: list, facts: Facts) -> list:
    """A value made from the parameters and numbers alone made where it is first read
    (the shape facts as ``freed`` reads them: which names hold numbers only decides what
    is worth moving, not whether moving is right); an adjoint's element cleared and given
    back its own value left as it is (``restored_elements``, of numbers only)."""
    known = _shapes(body, facts).shapes
    numbers = {n for n, shape in known.items() if shape == ()}
    body = restored_elements.drop(body, set(facts.numbers) | numbers)  # (numbers only)
    return sink.sink(body, facts.params, set(facts.numbers) | numbers, facts.namespace)


def freed(body: list, facts: Facts) -> list:
    """``del`` of each array after its last use, so it does not live to the return."""
    known = _shapes(body, facts).shapes
    numbers = {n for n, shape in known.items() if shape == ()}
    return free.free(body, facts.params | set(facts.numbers) | numbers)


def _shapes(body: list, facts: Facts) -> dims.Facts:
    if facts.shapes is None:
        facts.shapes = shape_facts(body, facts)
        facts.shaped = fingerprint(body)
    return facts.shapes


def shape_facts(body: list, facts: Facts) -> dims.Facts:
    """The shapes of ``body``'s values, worked out afresh from what ``facts`` know of the
    parameters."""
    return ranks_stage.shape_facts(body, facts.ranks, set(facts.numbers), facts.namespace,
                                   facts.alike, facts.recursion, facts.indices)


def _fresh_shapes(body: list, facts: Facts) -> dims.Facts:
    """The shape facts of the body as it is now (worked out again if they are not)."""
    shapes = _current_shapes(body, facts)
    if shapes is None:
        facts.shapes = None
        shapes = _shapes(body, facts)
    return shapes


def _current_shapes(body: list, facts: Facts) -> dims.Facts | None:
    """The shape facts when they were worked out for the body as it is now."""
    return facts.shapes if facts.shapes is not None and \
        facts.shaped == fingerprint(body) else None
