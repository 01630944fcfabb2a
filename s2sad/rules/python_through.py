"""Python's own functions differentiated through a closed form of primitives that have
rules (``defthrough``), each computing the same values as Python does: ``divmod``,
``complex``, ``map`` (of one iterable), ``filter``, ``zip`` (of sequences, as a value: a
list of tuples), ``functools.reduce`` (of a sequence whose length is not written: a
loop), ``itertools``' ``product`` (of up to three), ``chain``, ``pairwise``,
``combinations`` (of pairs), ``accumulate`` (sums) as lists, ``math.prod``,
``math.dist``, and ``cmath``'s ``exp``, ``log``, ``log10``, ``sqrt``, ``phase`` and
trigonometric and hyperbolic functions (as NumPy's on complex numbers).  NumPy's are in
:mod:`numpy_through`."""
from __future__ import annotations

import cmath
import functools
import itertools
import math
from typing import Any

import numpy as np

from s2sad.rules.registry import defnondiff, defthrough


def c_exp(z):
    return np.exp(z + 0j)


def c_log(z, base=None):
    if base is None:
        return np.log(z + 0j)
    return np.log(z + 0j) / np.log(base + 0j)


def c_log10(z):
    return np.log10(z + 0j)


def c_sqrt(z):
    return np.sqrt(z + 0j)


def c_sin(z):
    return np.sin(z + 0j)


def c_cos(z):
    return np.cos(z + 0j)


def c_tan(z):
    return np.tan(z + 0j)


def c_sinh(z):
    return np.sinh(z + 0j)


def c_cosh(z):
    return np.cosh(z + 0j)


def c_tanh(z):
    return np.tanh(z + 0j)


def c_phase(z):
    return np.angle(z + 0j)


def py_divmod(a, b):
    return a // b, a % b


def py_complex(real=0.0, imag=0.0):
    return real + 1j * imag


def py_zip(*iterables):
    n = min([len(it) for it in iterables])
    return [tuple([it[k] for it in iterables]) for k in range(n)]


def py_map(function, iterable):
    return [function(v) for v in iterable]


def py_reduce(function, iterable, *initial):
    if len(initial) > 0:
        total = initial[0]
        rest = iterable
    else:
        total = iterable[0]
        rest = iterable[1:]
    for v in rest:
        total = function(total, v)
    return total


def it_product(*iterables, repeat=1):
    """Index tuples from itertools itself (indices carry no derivative), then the items:
    any number of pools, and repeat= as itertools has it."""
    pools = [list(it) for it in iterables] * repeat
    return [tuple(pools[k][i] for k, i in enumerate(chosen))
            for chosen in product_indices([len(pool) for pool in pools])]


def product_indices(sizes):
    return list(itertools.product(*[range(n) for n in sizes]))


def it_chain(*iterables):
    return [v for it in iterables for v in it]


def it_pairwise(iterable):
    items = list(iterable)
    return [(items[k], items[k + 1]) for k in range(len(items) - 1)]


def it_combinations(iterable, r):
    """Index tuples from itertools itself (indices carry no derivative), then the items."""
    items = list(iterable)
    return [tuple(items[k] for k in chosen) for chosen in combination_indices(len(items), r)]


def combination_indices(n, r):
    return list(itertools.combinations(range(n), r))


def _plus(a, b):
    return a + b


def it_accumulate(iterable, func=_plus, initial=None):
    out = []
    total = initial
    if initial is not None:
        out.append(initial)
    for v in iterable:
        if total is None:
            total = v
        else:
            total = func(total, v)
        out.append(total)
    return out


def py_filter(function, iterable):
    return [v for v in iterable if function(v)]


def prod(iterable, start=1):
    total = start
    for v in iterable:
        total = total * v
    return total


def dist(p, q):
    return math.sqrt(sum((a - b) ** 2 for a, b in zip(p, q)))


_COMPLEX: list[tuple[Any, Any]] = [
    (cmath.exp, c_exp), (cmath.log, c_log), (cmath.log10, c_log10), (cmath.sqrt, c_sqrt),
    (cmath.sin, c_sin), (cmath.cos, c_cos), (cmath.tan, c_tan), (cmath.sinh, c_sinh),
    (cmath.cosh, c_cosh), (cmath.tanh, c_tanh), (cmath.phase, c_phase)]


for _fn, _reference in ((divmod, py_divmod), (complex, py_complex), (map, py_map),
                        (zip, py_zip), (functools.reduce, py_reduce), (math.prod, prod),
                        (math.dist, dist), (itertools.product, it_product),
                        (itertools.chain, it_chain), (itertools.pairwise, it_pairwise),
                        (itertools.combinations, it_combinations),
                        (itertools.accumulate, it_accumulate), (filter, py_filter)):
    defthrough(_fn, _reference)
defnondiff(combination_indices)
defnondiff(product_indices)
for _fn, _reference in _COMPLEX:
    defthrough(_fn, _reference)  # (NumPy's complex scalars are Python complex numbers)
