"""The last late passes: arrays nothing else holds updated in place, contributions to one
adjoint merged, methods called, the tape's rows stacked, elementwise chains in place, values
made where they are read, ``del`` after each array's last use (:mod:`free`, last, so no
pass has to keep them right)."""
from __future__ import annotations

from collections.abc import Callable

import gast

from s2sad.compiler import (
    accumulate,
    cancelled_factors,
    choice_lines,
    common_factors,
    dims,
    disjoint_writes,
    flat_gathers,
    free,
    in_place_chains,
    matmul_factors,
    method_sums,
    ownership,
    restored_elements,
    row_gathers,
    running_calls,
    scatters,
    share_guards,
    simplify,
    sink,
    tape_rows,
)
from s2sad.compiler.pass_manager import Facts
from s2sad.compiler.pass_shapes import (
    LazyKinds,
    current_shapes,
    fresh_shapes,
    known_shapes,
    shape_facts,
    value_kinds,
)
from s2sad.compiler.walks import fingerprint, name_ids


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
            found.append(scatters.numeric_arrays(body, value_kinds(body, facts),
                                                 facts.namespace))
        return found[0]
    body = accumulate.merge(body, derivatives, facts.floats, arrays)
    body = choice_lines.meet(body, derivatives, lambda: value_kinds(body, facts),
                             facts.namespace)
    flat_gathers.by_flat_positions(body, facts.namespace, facts.namer)
    common_factors.factor(body, derivatives)
    matmul_factors.factor(body, derivatives, lambda: fresh_shapes(body, facts))
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
        shapes = current_shapes(body, facts)
        if shapes is None:
            facts.shapes = None
            shapes = known_shapes(body, facts)
        return lambda e: shapes.rank_of(e) == 1
    if running_calls.as_running(body, facts.namespace, vectors):
        facts.shapes = None
    sums, rows = method_sums.candidates(body, facts.namespace), row_gathers.candidates(body)
    if not sums and not rows:
        return body
    shapes = current_shapes(body, facts)
    if shapes is None:
        facts.shapes = None
        shapes = known_shapes(body, facts)
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
    shapes = known_shapes(body, facts)  # (worked out here where not known yet, as always)
    if not tape_rows.candidates(body):
        return body  # (no loop to look into: no dtypes worked out)
    kinds = LazyKinds(body, facts, float_numbers=True)  # (a pushed value's test first)
    if tape_rows.rows(body, shapes, kinds, facts.params, facts.namer):
        facts.shapes = None
        facts.optimistic.append("tape_rows")  # (the guarded variant made for a 2nd order)
    return body


def chained(body: list, facts: Facts) -> list:
    """A chain of elementwise operations computed into the array its first one makes;
    a number dividing and multiplying it in a row left out of both."""
    if not facts.floats or not in_place_chains.candidates(body):
        return body  # (no float64 array known, or no chain long enough)
    kinds = LazyKinds(body, facts, float_numbers=True)  # (a chain's shapes tested first)
    if in_place_chains.in_place(body, fresh_shapes(body, facts), kinds, facts.namespace):
        facts.shapes = None
    cancelled_factors.cancel(body)  # (x /= 2 * a; x *= 2 * b: the 2s cancel)
    return body


def sunk(body: list, facts: Facts) -> list:
    """A value made from the parameters and numbers alone made where it is first read
    (the shape facts as ``freed`` reads them: which names hold numbers only decides what
    is worth moving, not whether moving is right); an adjoint's element cleared and given
    back its own value left as it is (``restored_elements``, of numbers only)."""
    known = known_shapes(body, facts).shapes
    numbers = {n for n, shape in known.items() if shape == ()}
    body = restored_elements.drop(body, set(facts.numbers) | numbers)  # (numbers only)
    return sink.sink(body, facts.params, set(facts.numbers) | numbers, facts.namespace)


def freed(body: list, facts: Facts) -> list:
    """``del`` of each array after its last use, so it does not live to the return."""
    known = known_shapes(body, facts).shapes
    numbers = {n for n, shape in known.items() if shape == ()}
    return free.free(body, facts.params | set(facts.numbers) | numbers)
