"""The late passes that tidy (the first of :data:`s2sad.compiler.pipeline.PASSES`):
ranks' plain helpers, the tape pruned, values reused or computed again, copies folded,
guards dropped, arithmetic identities.  Each pass is a function ``(body, facts) -> body``
adapting one stage's entry point to one :class:`~s2sad.compiler.pass_manager.Facts`."""
from __future__ import annotations

from s2sad.compiler import (
    algebra,
    branch_pushes,
    cancelled_quotients,
    dead_clears,
    finite,
    kept_elements,
    logistic,
    moved_sweeps,
    recompute,
    relu_shares,
    reuse,
    sign_products,
    simplify,
    small_powers,
    tape,
    taped_calls,
)
from s2sad.compiler import ranks as ranks_stage
from s2sad.compiler.pass_manager import Facts


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
